"""Dense: every output unit sees every input, a = activation(x @ W + b)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from nnstudio.engine.layers import keys
from nnstudio.engine.layers.base import DEFAULT_INITIALIZER, TypeSpec, WeightedLayer, register
from nnstudio.errors import SpecError

_KEYS = {
    "type",
    "units",
    "activation",
    "use_bias",
    "initializer",
    "bias_initializer",
    "alpha",
    "name",
}


@dataclass(frozen=True)
class DenseSpec(TypeSpec):
    """A fully-connected layer of ``units`` nodes."""

    units: int
    activation: str = "linear"
    use_bias: bool = True
    initializer: str = DEFAULT_INITIALIZER
    bias_initializer: str = "zeros"
    alpha: float = 0.01
    name: str = ""

    @classmethod
    def from_entry(cls, entry, index, initializer):
        where = f"layer {index}"
        keys.check_keys(entry, _KEYS, where)
        if "units" not in entry:
            raise SpecError(f'{where} needs "units": its number of nodes')
        units = keys.positive_int(entry["units"], f"{where} units")
        shared = keys.weighted_keys(entry, where, initializer)
        return cls(units=units, **shared, name=keys.name(entry, f"dense_{index}", where))

    def activation_params(self) -> dict:
        return keys.activation_params(self.activation, self.alpha)

    def to_dict(self):
        d = {"type": self.type_name, **asdict(self)}
        if not self.activation_params():  # alpha belongs to leaky_relu and elu only
            del d["alpha"]
        return d

    def output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise SpecError(
                f"dense layer {self.name!r} needs a flat input, got "
                f"{keys.shape_text(input_shape)}: put a flatten layer before it"
            )
        return (self.units,)

    def parameter_shapes(self, input_shape):
        return (input_shape[0], self.units), (self.units,)

    def parameter_formula(self, input_shape):
        (fan_in,) = input_shape
        total = fan_in * self.units + (self.units if self.use_bias else 0)
        bias = f" + {self.units}" if self.use_bias else ""
        return f"{fan_in}×{self.units}{bias} = {total:,}"


@register
class Dense(WeightedLayer):
    """A fully-connected layer: a = activation(x @ W + b), W of shape (fan_in, units)."""

    type_name = "dense"
    description = "Fully connected: every unit sees every input"
    Spec = DenseSpec

    def __init__(self, spec: DenseSpec, input_shape):
        super().__init__(spec, input_shape)
        self.fan_in = self.input_shape[0]
        self.units = spec.units
        self.fans = (self.fan_in, self.units)

    def pre_activation(self, x: np.ndarray, out: np.ndarray, scratch=None) -> np.ndarray:
        """z = x @ W + b, written into ``out``."""
        np.dot(x, self.weight, out=out)
        if self.bias is not None:
            out += self.bias
        return out

    def backward_linear(self, x, delta, grad_x, scratch=None) -> None:
        """From delta = dL/dz: dL/dW = xᵀ·delta, dL/db = Σ_rows delta, and, when
        ``grad_x`` is given, dL/dx = delta·Wᵀ written into it."""
        np.dot(x.T, delta, out=self.grad_weight)
        if self.grad_bias is not None:
            np.add.reduce(delta, axis=0, out=self.grad_bias)
        if grad_x is not None:
            np.dot(delta, self.weight.T, out=grad_x)

    def __repr__(self) -> str:
        return (
            f"Dense({self.name!r}, {self.fan_in}→{self.units}, "
            f"{self.activation.name}, bias={self.bias is not None})"
        )
