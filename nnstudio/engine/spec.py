"""The network description: a plain dict (JSON) format, validated into dataclasses.

    {"inputs": 2,
     "initializer": "glorot_uniform",            # default for every layer
     "layers": [{"units": 4, "activation": "tanh"},
                {"units": 1, "activation": "sigmoid", "name": "out"}]}

Layer keys and defaults: ``units`` (required), ``activation`` ("linear"),
``use_bias`` (true), ``initializer`` (the network's), ``bias_initializer`` ("zeros"),
``alpha`` (0.01, leaky_relu only), ``name`` ("dense_<i>"). See docs/spec.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from nnstudio.engine.activations import get_activation
from nnstudio.engine.initializers import get_initializer
from nnstudio.errors import SpecError

DEFAULT_INITIALIZER = "glorot_uniform"
_LAYER_KEYS = {
    "units",
    "activation",
    "use_bias",
    "initializer",
    "bias_initializer",
    "alpha",
    "name",
}
_NETWORK_KEYS = {"inputs", "layers", "initializer"}
_BIAS_INITIALIZERS = ("zeros", "uniform")


@dataclass(frozen=True)
class LayerSpec:
    """One fully-connected layer."""

    units: int
    activation: str = "linear"
    use_bias: bool = True
    initializer: str = DEFAULT_INITIALIZER
    bias_initializer: str = "zeros"
    alpha: float = 0.01
    name: str = ""

    def activation_params(self) -> dict:
        return {"alpha": self.alpha} if self.activation == "leaky_relu" else {}


@dataclass(frozen=True)
class NetworkSpec:
    """A feed-forward network: ``inputs`` features, then ``layers`` in order."""

    inputs: int
    layers: tuple[LayerSpec, ...] = field(default_factory=tuple)

    @property
    def sizes(self) -> list[int]:
        """Units per layer, input layer first: e.g. [2, 4, 1]."""
        return [self.inputs] + [layer.units for layer in self.layers]

    def to_dict(self) -> dict:
        """The JSON-ready form, every key written out."""
        layers = []
        for layer in self.layers:
            d = asdict(layer)
            if layer.activation != "leaky_relu":
                del d["alpha"]
            layers.append(d)
        return {"inputs": self.inputs, "layers": layers}

    @classmethod
    def from_dict(cls, spec: Mapping) -> NetworkSpec:
        """Validate a dict spec; raise :class:`SpecError` with what to fix."""
        if isinstance(spec, NetworkSpec):
            return spec
        if not isinstance(spec, Mapping):
            raise SpecError(f"a network spec must be a mapping, got {type(spec).__name__}")
        _check_keys(spec, _NETWORK_KEYS, "the network")
        if "inputs" not in spec:
            raise SpecError('the network spec needs "inputs": the number of input features')
        inputs = _positive_int(spec["inputs"], "inputs")
        layers = spec.get("layers")
        if not isinstance(layers, (list, tuple)) or not layers:
            raise SpecError('the network spec needs "layers": a non-empty list of layers')
        default_init = spec.get("initializer", DEFAULT_INITIALIZER)
        get_initializer(default_init)
        parsed = tuple(_parse_layer(layer, i, default_init) for i, layer in enumerate(layers))
        names = [layer.name for layer in parsed]
        if len(set(names)) != len(names):
            raise SpecError(f"layer names must be unique, got {names}")
        last = parsed[-1]
        if last.activation == "softmax" and last.units < 2:
            raise SpecError(
                "a softmax output layer needs at least 2 units (with 1 unit it always "
                "outputs 1); use sigmoid for a single output, or add units"
            )
        return cls(inputs=inputs, layers=parsed)


def _parse_layer(layer, index: int, default_init: str) -> LayerSpec:
    where = f"layer {index}"
    if not isinstance(layer, Mapping):
        raise SpecError(f'{where} must be a mapping with at least "units"')
    _check_keys(layer, _LAYER_KEYS, where)
    if "units" not in layer:
        raise SpecError(f'{where} needs "units": its number of nodes')
    units = _positive_int(layer["units"], f"{where} units")
    activation = layer.get("activation", "linear")
    alpha = layer.get("alpha", 0.01)
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool):
        raise SpecError(f"{where}: alpha must be a number, got {alpha!r}")
    spec = LayerSpec(
        units=units,
        activation=activation,
        use_bias=layer.get("use_bias", True),
        initializer=layer.get("initializer", default_init),
        bias_initializer=layer.get("bias_initializer", "zeros"),
        alpha=float(alpha),
        name=layer.get("name") or f"dense_{index}",
    )
    get_activation(spec.activation, **spec.activation_params())
    get_initializer(spec.initializer)
    if spec.bias_initializer not in _BIAS_INITIALIZERS:
        raise SpecError(
            f"{where}: bias_initializer must be one of {', '.join(_BIAS_INITIALIZERS)}, "
            f"got {spec.bias_initializer!r}"
        )
    if not isinstance(spec.use_bias, bool):
        raise SpecError(f"{where}: use_bias must be true or false, got {spec.use_bias!r}")
    if not isinstance(spec.name, str):
        raise SpecError(f"{where}: name must be a string, got {spec.name!r}")
    return spec


def _check_keys(mapping: Mapping, allowed: set[str], where: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise SpecError(
            f"{where} has unknown keys {unknown}; allowed: {', '.join(sorted(allowed))}"
        )


def _positive_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"{what} must be a whole number ≥ 1, got {value!r}")
    return value
