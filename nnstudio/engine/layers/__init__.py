"""The layer types, one module each, registered in :data:`LAYER_TYPES` on import."""

from nnstudio.engine.layers import dense
from nnstudio.engine.layers.base import LAYER_TYPES, Layer, TypeSpec, WeightedLayer, layer_type

__all__ = ["LAYER_TYPES", "Layer", "TypeSpec", "WeightedLayer", "dense", "layer_type"]
