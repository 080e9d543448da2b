"""What the design knows of each layer type, read from the engine's one registry.

A type's spec dataclass (``nnstudio.engine.layers``) says it all: the key its size is
set by (``units`` for Dense, ``filters`` for Conv2D, none for the types whose size
follows their input), whether it has an activation, and its other keys with their
defaults (kernel size, stride, padding, pool size, rate, bias) — the options the
inspector shows. A new engine type appears in the palette and the inspector unedited.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields

from nnstudio.engine.layers import LAYER_TYPES, layer_type

COUNT_KEYS = ("units", "filters")  # the keys a layer's size is set by: nodes, feature maps
# keys the design sets itself (the initialiser is the network's; alpha follows leaky_relu)
_NOT_OPTIONS = {"name", "activation", "initializer", "bias_initializer", "alpha", *COUNT_KEYS}
IMAGE_TYPES = ("conv2d", "maxpool2d", "avgpool2d", "flatten")  # types that take images
_PALETTE_ORDER = ("dense", "conv2d", "maxpool2d", "avgpool2d", "flatten", "dropout")


@dataclass(frozen=True)
class TypeInfo:
    """One layer type as the design sees it."""

    name: str
    description: str
    count_key: str | None  # "units", "filters", or None: the size follows the input
    has_activation: bool
    has_parameters: bool
    options: tuple[tuple[str, object], ...]  # the type's other keys and their defaults

    @property
    def defaults(self) -> dict:
        return dict(self.options)

    @property
    def title(self) -> str:
        """The name shown to users: "Dense", "Conv2D", "MaxPool2D"…"""
        return _TITLES.get(self.name, self.name.title())


_TITLES = {"conv2d": "Conv2D", "maxpool2d": "MaxPool2D", "avgpool2d": "AvgPool2D"}


def type_info(name: str) -> TypeInfo:
    """The facts of layer type ``name``; SpecError naming the known types."""
    cls = layer_type(name)
    keys = {f.name: f for f in fields(cls.Spec)}
    count = next((key for key in COUNT_KEYS if key in keys), None)
    options = tuple(
        (key, f.default)
        for key, f in keys.items()
        if key not in _NOT_OPTIONS and f.default is not MISSING
    )
    return TypeInfo(
        name=name,
        description=cls.description,
        count_key=count,
        has_activation="activation" in keys,
        has_parameters=cls.has_parameters,
        options=options,
    )


def palette_types() -> list[TypeInfo]:
    """Every registered type: the common ones first, in the order a network uses them."""
    order = [n for n in _PALETTE_ORDER if n in LAYER_TYPES]
    order += sorted(set(LAYER_TYPES) - set(order))
    return [type_info(name) for name in order]
