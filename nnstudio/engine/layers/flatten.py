"""Flatten: an image's values as one row per sample, in channels-last (h, w, c) order,
as Keras flattens."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nnstudio.engine.layers import keys
from nnstudio.engine.layers.base import Layer, TypeSpec, register

_KEYS = {"type", "name"}


@dataclass(frozen=True)
class FlattenSpec(TypeSpec):
    name: str = ""

    @classmethod
    def from_entry(cls, entry, index, initializer):
        where = f"layer {index} (flatten)"
        keys.check_keys(entry, _KEYS, where)
        return cls(name=keys.name(entry, f"flatten_{index}", where))

    def output_shape(self, input_shape):
        return (math.prod(input_shape),)


@register
class Flatten(Layer):
    """y = x.reshape(n, h·w·c) (a view); dL/dx = dL/dy reshaped back."""

    type_name = "flatten"
    description = "Flatten: the image's values in one row, for dense layers"
    Spec = FlattenSpec

    def new_output(self, rows, dtype):
        return None  # the output is a view of the input

    def forward(self, x, out, scratch, training):
        return x.reshape(len(x), -1)

    def backward(self, x, y, grad, grad_x, scratch):
        if grad_x is not None:
            np.copyto(grad_x, grad.reshape(grad_x.shape))
