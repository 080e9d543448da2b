"""The layer-type protocol and the one registry of layer types.

A layer type is two classes: a frozen spec dataclass (:class:`TypeSpec`: its keys, their
checks, its output shape and parameter shapes from its input shape — no arrays) and a
:class:`Layer` built from that spec and an input shape (its forward and backward).
``@register`` puts the layer class in :data:`LAYER_TYPES` under its ``type_name``.

Shapes are per sample, channels last: ``(height, width, channels)`` for images,
``(n,)`` for flat vectors. A batch adds a leading axis.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict
from types import SimpleNamespace
from typing import ClassVar

import numpy as np

from nnstudio.engine.activations import Activation, get_activation
from nnstudio.engine.initializers import get_initializer
from nnstudio.engine.layers.keys import shape_text
from nnstudio.errors import SpecError

Shape = tuple[int, ...]
DEFAULT_INITIALIZER = "glorot_uniform"


class TypeSpec:
    """What every layer type's spec (a frozen dataclass with a ``name`` field) provides."""

    type_name: ClassVar[str]
    name: str

    @classmethod
    def from_entry(cls, entry: Mapping, index: int, initializer: str) -> TypeSpec:
        """Validate the spec entry of layer ``index`` (``initializer``: the network's
        default); raise SpecError naming the key and what is wrong."""
        raise NotImplementedError

    def to_dict(self) -> dict:
        """The JSON-ready entry, every key written out."""
        return {"type": self.type_name, **asdict(self)}

    def output_shape(self, input_shape: Shape) -> Shape:
        """The shape this layer makes of ``input_shape``; SpecError if it cannot."""
        raise NotImplementedError

    def parameter_shapes(self, input_shape: Shape) -> tuple[Shape | None, Shape | None]:
        """The shapes of (W, b) in ``get_weights``; (None, None) without parameters."""
        return None, None

    def parameter_formula(self, input_shape: Shape) -> str:
        """How the parameters add up, e.g. "3×3×1×16 + 16 = 160"."""
        return "0"


class Layer:
    """One layer of a network: forward and backward on batches (leading axis n).

    ``forward(x, out, scratch, training)`` returns the layer's output for ``x`` (written
    into ``out`` where the layer computes one). ``backward(x, y, grad, grad_x, scratch)``
    takes ``grad`` = dL/dy for the output ``y`` that forward returned (and may overwrite
    it), sets the parameter gradients, and writes dL/dx into ``grad_x`` unless it is
    None. ``scratch`` is what :meth:`scratch` made for the batch size (None: nothing).
    """

    type_name: ClassVar[str]
    description: ClassVar[str]  # one line, for the palette
    Spec: ClassVar[type[TypeSpec]]
    has_parameters: ClassVar[bool] = False
    # engine/halves.py trains a batch as two halves on two threads where a layer gains
    # from it (much work per sample) and every layer's batch is just its samples
    gains_from_halves: ClassVar[bool] = False
    splits_exactly: ClassVar[bool] = True

    def __init__(self, spec: TypeSpec, input_shape: Shape):
        self.spec = spec
        self.name = spec.name
        self.input_shape = tuple(input_shape)
        self.output_shape = spec.output_shape(self.input_shape)

    def parameter_formula(self) -> str:
        """How this layer's parameters add up, e.g. "3×3×1×16 + 16 = 160"."""
        return self.spec.parameter_formula(self.input_shape)

    def new_output(self, rows: int, dtype: np.dtype) -> np.ndarray | None:
        """A buffer for the outputs of ``rows`` samples (None if forward needs none)."""
        return np.empty((rows, *self.output_shape), dtype)

    def scratch(self, rows: int, dtype: np.dtype, training: bool):
        """Buffers forward and backward share for a batch of ``rows`` (None: none)."""
        return None

    def scratch_values(self, training: bool) -> int:
        """Values per sample that :meth:`scratch` allocates (for the memory check)."""
        return 0

    def seed(self, seed: np.random.SeedSequence) -> None:
        """Seed the layer's random draws (Dropout's masks); most layers draw none."""

    def dropped(self, scratch) -> np.ndarray | None:
        """Which of its outputs the last training batch's first sample lost (a read-only
        boolean copy, output-shaped), or None: the layer drops nothing (most)."""
        return None

    def follow(self, previous: Layer) -> None:
        """Told, once, which layer feeds this one (MaxPool2D takes over a ReLU)."""

    def forward(self, x, out, scratch, training: bool) -> np.ndarray:
        raise NotImplementedError

    def backward(self, x, y, grad, grad_x, scratch) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        shapes = f"{shape_text(self.input_shape)}→{shape_text(self.output_shape)}"
        return f"{type(self).__name__}({self.name!r}, {shapes})"


class WeightedLayer(Layer):
    """A layer with weights, biases and an activation: y = activation(z(x; W, b)).

    Subclasses give ``pre_activation(x, out, scratch)`` (z, written into ``out``) and
    ``backward_linear(x, delta, grad_x, scratch)`` (from delta = dL/dz: dL/dW, dL/db and
    dL/dx), and ``fans`` for the initialiser. ``weight``/``bias`` and
    ``grad_weight``/``grad_bias`` are views into the network's flat vectors (``bias``
    is None without a bias).
    """

    has_parameters = True

    def __init__(self, spec: TypeSpec, input_shape: Shape):
        super().__init__(spec, input_shape)
        self.weight_shape, self.bias_shape = spec.parameter_shapes(self.input_shape)
        self.use_bias: bool = spec.use_bias
        self.activation: Activation = get_activation(spec.activation, **spec.activation_params())
        # SiLU and GELU take dL/da → dL/dz from z: keep a copy of z while training
        self.keeps_z = bool(getattr(self.activation, "needs_preactivation", False))
        self.weight: np.ndarray
        self.bias: np.ndarray | None = None
        self.grad_weight: np.ndarray
        self.grad_bias: np.ndarray | None = None

    fans: tuple[int, int]

    def initialize(self, rng: np.random.Generator) -> None:
        """Draw W from the layer's initialiser and b from its bias initialiser."""
        init = get_initializer(self.spec.initializer)
        self.weight[...] = init(rng, *self.fans, shape=self.weight_shape)
        if self.bias is not None:
            if self.spec.bias_initializer == "uniform":
                self.bias[...] = rng.uniform(-1.0, 1.0, size=self.bias_shape)
            else:
                self.bias[...] = 0.0

    def scratch(self, rows, dtype, training):
        """z, kept while training for activations that need it."""
        if training and self.keeps_z:
            return SimpleNamespace(z=np.empty((rows, *self.output_shape), dtype))
        return None

    def scratch_values(self, training):
        return math.prod(self.output_shape) if training and self.keeps_z else 0

    def forward(self, x, out, scratch, training):
        """y = activation(z); z kept in ``scratch.z`` when the activation needs it."""
        z = self.pre_activation(x, out, scratch)
        if training and self.keeps_z:
            np.copyto(scratch.z, z)
        self.activation.forward(z)
        return z

    def backward(self, x, y, grad, grad_x, scratch):
        """dL/dz = dL/dy ⊙ activation'(z) (in place in ``grad``), then
        :meth:`backward_linear`."""
        if self.keeps_z:
            self.activation.backward(y, grad, scratch.z)
        else:
            self.activation.backward(y, grad)
        self.backward_linear(x, grad, grad_x, scratch)


LAYER_TYPES: dict[str, type[Layer]] = {}


def register(cls: type[Layer]) -> type[Layer]:
    """Class decorator: make ``cls`` the layer type called ``cls.type_name``."""
    cls.Spec.type_name = cls.type_name
    LAYER_TYPES[cls.type_name] = cls
    return cls


def layer_type(name, where: str = "") -> type[Layer]:
    """The layer class registered as ``name``; SpecError naming the known types."""
    try:
        return LAYER_TYPES[name]
    except (KeyError, TypeError):
        known = ", ".join(LAYER_TYPES)
        prefix = f"{where}: " if where else ""
        raise SpecError(f"{prefix}unknown layer type {name!r}; choose one of: {known}") from None
