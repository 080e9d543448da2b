"""The layer types, one module each, registered in :data:`LAYER_TYPES` on import."""

from nnstudio.engine.layers import conv2d, dense, dropout, flatten, pooling
from nnstudio.engine.layers.base import LAYER_TYPES, Layer, TypeSpec, WeightedLayer, layer_type

__all__ = [
    "LAYER_TYPES",
    "Layer",
    "TypeSpec",
    "WeightedLayer",
    "conv2d",
    "dense",
    "dropout",
    "flatten",
    "layer_type",
    "pooling",
]
