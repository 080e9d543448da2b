"""The network description: a plain dict (JSON) format, validated into dataclasses.

    {"inputs": 2,                                # or [height, width, channels]
     "initializer": "glorot_uniform",            # default for every layer
     "layers": [{"units": 4, "activation": "tanh"},
                {"units": 1, "activation": "sigmoid", "name": "out"}]}

Each layer entry has a ``"type"`` ("dense" when missing), whose spec class reads and
checks the rest of its keys (see :mod:`nnstudio.engine.layers` and docs/spec.md). The
shapes are worked out here too, so a layer that cannot take its input is refused before
any network is built.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from nnstudio.engine.initializers import get_initializer
from nnstudio.engine.layers import layer_type
from nnstudio.engine.layers.base import DEFAULT_INITIALIZER, Shape, TypeSpec
from nnstudio.engine.layers.dense import DenseSpec
from nnstudio.engine.layers.keys import check_keys, positive_int
from nnstudio.errors import SpecError

LayerSpec = DenseSpec  # the name of the Dense spec from before there were other types
_NETWORK_KEYS = {"inputs", "layers", "initializer"}
__all__ = ["DEFAULT_INITIALIZER", "DenseSpec", "LayerSpec", "NetworkSpec"]


@dataclass(frozen=True)
class NetworkSpec:
    """A feed-forward network: ``inputs`` (a number of features, or an image's
    (height, width, channels)), then ``layers`` in order."""

    inputs: int | tuple[int, int, int]
    layers: tuple[TypeSpec, ...] = field(default_factory=tuple)

    @property
    def input_shape(self) -> Shape:
        return (self.inputs,) if isinstance(self.inputs, int) else tuple(self.inputs)

    @property
    def shapes(self) -> list[Shape]:
        """The shape of the input and of every layer's output, e.g. [(28, 28, 1),
        (26, 26, 16), …, (10,)]."""
        return _shapes(self.input_shape, self.layers)

    @property
    def sizes(self) -> list[int]:
        """Values per layer, input layer first: e.g. [2, 4, 1] (units, for Dense)."""
        return [math.prod(shape) for shape in self.shapes]

    def to_dict(self) -> dict:
        """The JSON-ready form, every key written out."""
        inputs = self.inputs if isinstance(self.inputs, int) else list(self.inputs)
        return {"inputs": inputs, "layers": [layer.to_dict() for layer in self.layers]}

    @classmethod
    def from_dict(cls, spec: Mapping) -> NetworkSpec:
        """Validate a dict spec; raise :class:`SpecError` with what to fix."""
        if isinstance(spec, NetworkSpec):
            return spec
        if not isinstance(spec, Mapping):
            raise SpecError(f"a network spec must be a mapping, got {type(spec).__name__}")
        check_keys(spec, _NETWORK_KEYS, "the network")
        if "inputs" not in spec:
            raise SpecError('the network spec needs "inputs": the number of input features')
        inputs = _inputs(spec["inputs"])
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
        if not isinstance(last, DenseSpec):
            raise SpecError(
                f"the output layer must be dense (it gives the network's outputs), got "
                f"{last.type_name} layer {last.name!r}: add a dense layer after it"
            )
        if last.activation == "softmax" and last.units < 2:
            raise SpecError(
                "a softmax output layer needs at least 2 units (with 1 unit it always "
                "outputs 1); use sigmoid for a single output, or add units"
            )
        _shapes((inputs,) if isinstance(inputs, int) else inputs, parsed)
        return cls(inputs=inputs, layers=parsed)


def _shapes(input_shape: Shape, layers) -> list[Shape]:
    """Every layer's output shape after ``input_shape``; SpecError (from the layer's
    spec) if one cannot take its input."""
    shapes = [input_shape]
    for layer in layers:
        shapes.append(layer.output_shape(shapes[-1]))
    return shapes


def _inputs(value) -> int | tuple[int, int, int]:
    if isinstance(value, (list, tuple)):
        if len(value) != 3:
            raise SpecError(
                "image inputs must be [height, width, channels], got "
                f"{list(value)!r} ({len(value)} numbers)"
            )
        names = ("height", "width", "channels")
        return tuple(positive_int(v, f"inputs {n}") for v, n in zip(value, names))
    return positive_int(value, "inputs")


def _parse_layer(entry, index: int, default_init: str) -> TypeSpec:
    if not isinstance(entry, Mapping):
        raise SpecError(
            f'layer {index} must be a mapping with at least "units" (or a "type"), '
            f"got {type(entry).__name__}"
        )
    cls = layer_type(entry.get("type", "dense"), f"layer {index}")
    return cls.Spec.from_entry(entry, index, default_init)
