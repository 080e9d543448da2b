"""MaxPool2D and AvgPool2D: each channel's pool_size × pool_size windows, stride apart,
reduced to their largest or mean value ("valid": windows that fit inside the image).

Both work on the pool_size² window offsets in turn: each offset's values are one strided
view of the image (n, out_h, out_w, channels), so a pass is pool_size² array operations
whatever the image size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from nnstudio.engine.layers import keys
from nnstudio.engine.layers.base import Layer, TypeSpec, register
from nnstudio.engine.layers.conv2d import image_shape, window_slice
from nnstudio.errors import SpecError

_KEYS = {"type", "pool_size", "stride", "name"}


@dataclass(frozen=True)
class Pool2DSpec(TypeSpec):
    """pool_size × pool_size windows, ``stride`` apart (default: pool_size)."""

    pool_size: int = 2
    stride: int = 2
    name: str = ""

    @classmethod
    def from_entry(cls, entry, index, initializer):
        where = f"layer {index} ({cls.type_name})"
        keys.check_keys(entry, _KEYS, where)
        pool = keys.positive_int(entry.get("pool_size", 2), f"{where} pool_size")
        return cls(
            pool_size=pool,
            stride=keys.positive_int(entry.get("stride", pool), f"{where} stride"),
            name=keys.name(entry, f"{cls.type_name}_{index}", where),
        )

    def output_shape(self, input_shape):
        height, width, channels = image_shape(self, input_shape)
        p, s = self.pool_size, self.stride
        if p > height or p > width:
            raise SpecError(
                f"{self.type_name} layer {self.name!r}: its {p}×{p} pool is larger than its "
                f"{keys.shape_text(input_shape)} input; use a smaller pool_size"
            )
        return ((height - p) // s + 1, (width - p) // s + 1, channels)


@dataclass(frozen=True)
class MaxPool2DSpec(Pool2DSpec):
    pass


@dataclass(frozen=True)
class AvgPool2DSpec(Pool2DSpec):
    pass


class Pool2D(Layer):
    """What both poolings share: the window offsets and how dL/dy goes back to them."""

    def __init__(self, spec: Pool2DSpec, input_shape):
        super().__init__(spec, input_shape)
        p, s = spec.pool_size, spec.stride
        out_h, out_w, _ = self.output_shape
        self.windows = [
            (slice(None), window_slice(a, s, out_h), window_slice(b, s, out_w))
            for a in range(p)
            for b in range(p)
        ]
        # each input position in exactly one window: dL/dx is written, not summed
        self._tiles = s == p and self.input_shape[:2] == (out_h * p, out_w * p)
        self._overlap = s < p

    def _spread(self, grad_x, parts) -> None:
        """grad_x = Σ over offsets of each part placed at its offset's positions."""
        if not self._tiles:
            grad_x.fill(0)
        for window, part in zip(self.windows, parts):
            if self._overlap:
                grad_x[window] += part
            else:
                grad_x[window] = part


@register
class MaxPool2D(Pool2D):
    """y = the largest value of each window; dL/dx = dL/dy at the window's first largest
    value (as PyTorch routes ties), 0 elsewhere."""

    type_name = "maxpool2d"
    description = "Max pooling: keeps the strongest response of each small window"
    Spec = MaxPool2DSpec

    def scratch(self, rows, dtype, training):
        """Which offset held each window's maximum, and a mask to find it."""
        if not training:
            return None
        shape = (rows, *self.output_shape)
        return SimpleNamespace(
            argmax=np.empty(shape, np.uint8),
            mask=np.empty(shape, bool),
            part=np.empty(shape, dtype),
        )

    def scratch_values(self, training):
        return 2 * math.prod(self.output_shape) if training else 0

    def forward(self, x, out, scratch, training):
        first, *rest = self.windows
        np.copyto(out, x[first])
        if scratch is None:
            for window in rest:
                np.maximum(out, x[window], out=out)
            return out
        argmax, larger = scratch.argmax, scratch.mask
        argmax.fill(0)
        for offset, window in enumerate(rest, 1):
            np.greater(x[window], out, out=larger)
            np.copyto(out, x[window], where=larger)
            np.copyto(argmax, offset, where=larger)
        return out

    def backward(self, x, y, grad, grad_x, scratch):
        if grad_x is None:
            return
        argmax, mask, part = scratch.argmax, scratch.mask, scratch.part

        def parts():
            for offset in range(len(self.windows)):
                np.equal(argmax, offset, out=mask)
                yield np.multiply(grad, mask, out=part)

        self._spread(grad_x, parts())


@register
class AvgPool2D(Pool2D):
    """y = the mean of each window; dL/dx = dL/dy / pool_size² at each of its values."""

    type_name = "avgpool2d"
    description = "Average pooling: the mean of each small window"
    Spec = AvgPool2DSpec

    def forward(self, x, out, scratch, training):
        first, *rest = self.windows
        np.copyto(out, x[first])
        for window in rest:
            out += x[window]
        out *= 1.0 / len(self.windows)
        return out

    def backward(self, x, y, grad, grad_x, scratch):
        if grad_x is None:
            return
        share = grad * (1.0 / len(self.windows))
        self._spread(grad_x, [share] * len(self.windows))
