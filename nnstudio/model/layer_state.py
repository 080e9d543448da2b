"""One layer as the user designed it (:class:`LayerState`), its roles, and the checks of
a layer on its own; :mod:`nnstudio.model.document` orders them into a network."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.layers import layer_type
from nnstudio.errors import NNStudioError
from nnstudio.model.layer_types import type_info

# a layer's role; every hidden layer was a dense one before there were layer types, and
# project files still call the role of a hidden layer "dense"
INPUT, HIDDEN, OUTPUT = "input", "dense", "output"
MAX_UNITS = 100_000
DEFAULT_INITIALIZER = "glorot_uniform"
Shape = tuple[int, ...]


class DocumentError(NNStudioError, ValueError):
    """An edit the document refuses (the message says why)."""


@dataclass(frozen=True)
class LayerState:
    """One layer as the user designed it.

    ``kind`` is its role (input, hidden, output), ``type`` its engine layer type.
    ``units`` sets the size of a type that has one (a dense layer's nodes, a conv2d's
    feature maps) and is 0 for the others, whose size follows their input. ``options``
    are the type's other keys where they differ from its defaults (kernel size, stride,
    padding, pool size, rate, bias), as sorted pairs. ``shape`` is the input layer's
    image shape (height, width, channels) when the data are images.
    """

    name: str
    units: int
    activation: str = "linear"
    kind: str = HIDDEN
    type: str = "dense"
    options: tuple[tuple[str, object], ...] = ()
    shape: Shape = ()

    def option(self, key: str):
        """The layer's value of option ``key`` (its type's default if not set)."""
        return dict(self.options).get(key, type_info(self.type).defaults[key])

    def with_options(self, **values) -> LayerState:
        """This layer with ``values`` set (those equal to the default left out)."""
        defaults = type_info(self.type).defaults
        merged = {**dict(self.options), **values}
        kept = {k: v for k, v in merged.items() if k not in defaults or v != defaults[k]}
        return replace(self, options=tuple(sorted(kept.items())))

    def to_dict(self) -> dict:
        """The project file's form (type, options and shape only where they are set)."""
        d = {"name": self.name, "kind": self.kind, "units": self.units}
        d["activation"] = self.activation
        if self.type != "dense":
            d["type"] = self.type
        if self.options:
            d["options"] = dict(self.options)
        if self.shape:
            d["shape"] = list(self.shape)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> LayerState:
        """A layer from :meth:`to_dict`'s form; KeyError, TypeError or DocumentError if
        it is not one (its values are checked when the layers are set)."""
        options = d.get("options", {})
        if not isinstance(options, dict):
            raise DocumentError(f"layer {d['name']!r}: its options are not a mapping")
        shape = d.get("shape", [])
        if not isinstance(shape, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in shape
        ):
            raise DocumentError(f"layer {d['name']!r}: its shape must be whole numbers above 0")
        layer = cls(str(d["name"]), d["units"], str(d["activation"]), d["kind"])
        layer = replace(layer, type=str(d.get("type", "dense")), shape=tuple(shape))
        if options:
            unknown = set(options) - set(type_info(layer.type).defaults)
            if unknown:
                raise DocumentError(f"layer {layer.name!r} has no option {sorted(unknown)[0]!r}")
            layer = layer.with_options(**options)
        return layer

    def entry(self) -> dict:
        """The engine spec entry of this (hidden or output) layer."""
        info = type_info(self.type)
        entry = {} if self.type == "dense" else {"type": self.type}  # dense: the default
        if info.count_key:
            entry[info.count_key] = self.units
        if info.has_activation:
            entry["activation"] = self.activation
        return {**entry, **dict(self.options), "name": self.name}


def new_layer(type_name: str, name: str, units: int, activation: str) -> LayerState:
    """A hidden layer of ``type_name`` with its defaults (``units`` and ``activation``
    where the type has them)."""
    info = type_info(type_name)
    return LayerState(
        name,
        units if info.count_key else 0,
        activation if info.has_activation else "linear",
        HIDDEN,
        type_name,
    )


def check_units(units) -> None:
    if (
        isinstance(units, bool)
        or not isinstance(units, (int, np.integer))
        or not 1 <= units <= MAX_UNITS
    ):
        raise DocumentError(f"a layer has 1 to {MAX_UNITS:,} nodes, got {units!r}")


def check_activation(name: str) -> None:
    if name not in ACTIVATIONS:
        raise DocumentError(f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}")


def check_layer(layer: LayerState) -> None:
    """A hidden or output layer's type, size, activation and options, on their own."""
    info = type_info(layer.type)  # SpecError (an NNStudioError) for an unknown type
    if info.count_key:
        check_units(layer.units)
    check_activation(layer.activation)
    try:
        layer_type(layer.type).Spec.from_entry(layer.entry(), 1, DEFAULT_INITIALIZER)
    except NNStudioError as exc:
        raise DocumentError(str(exc).replace("layer 1", f"layer {layer.name!r}")) from None
