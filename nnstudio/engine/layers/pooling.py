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
    value (as PyTorch routes ties), 0 elsewhere.

    After a ReLU convolution (see :meth:`follow`) and in training, the pooling applies
    the ReLU itself: y = relu(max z) = max relu(z), on a quarter of the values, and
    dL/dz = dL/dy·[y > 0] at the window's first largest z (the first largest relu(z)
    wherever y > 0; elsewhere relu'(z) = 0 everywhere in the window).
    """

    type_name = "maxpool2d"
    description = "Max pooling: keeps the strongest response of each small window"
    Spec = MaxPool2DSpec

    def __init__(self, spec, input_shape):
        super().__init__(spec, input_shape)
        # 2×2 windows 2 apart: each window's first maximum kept as two bits (which row;
        # which column in each row); see _forward_pairs
        self._pairs = spec.pool_size == spec.stride == 2
        self.applies_relu = False
        self.phased = False  # True: the input comes in the convolution's phase order

    def follow(self, previous) -> None:
        """Take over the ReLU of a convolution just before (they commute; see the
        class), and where the windows tile its output, have it write its output in
        phase order: (n, 2, 2, out_h, out_w, c), window offset (a, b) first, so that
        each offset's values are one contiguous block per sample."""
        if self._pairs and getattr(previous, "relu_for_next", None) is not None:
            previous.relu_for_next = True
            self.applies_relu = True
            self.phased = previous.phased = self._tiles

    def scratch(self, rows, dtype, training):
        """While training, 2×2: each window offset's values, contiguous (not needed in
        phase order: they are already), the windows' row maxima (2, n, out_h, out_w, c),
        which column held each (bool), which row held the maximum (bool) and dL/dy's
        share of each row. Other windows: their values offset by offset, (pool², n,
        out_h, out_w, c), contiguous (the strided views of the image have an inner loop
        of one pixel's channels: 4× slower), and dL/dy not yet handed out."""
        if not training:
            return None
        shape = (rows, *self.output_shape)
        if self._pairs:
            return SimpleNamespace(
                windows=None if self.phased else np.empty((4, *shape), dtype),
                rows=np.empty((2, *shape), dtype),
                right=np.empty((2, *shape), bool),
                lower=np.empty(shape, bool),
                share=np.empty((2, *shape), dtype),
            )
        return SimpleNamespace(
            windows=np.empty((len(self.windows), *shape), dtype),
            left=np.empty(shape, dtype),
            hit=np.empty(shape, bool),
        )

    def scratch_values(self, training):
        if not training:
            return 0
        if self._pairs:
            return (5 + 4 * (not self.phased)) * math.prod(self.output_shape)
        return (len(self.windows) + 2) * math.prod(self.output_shape)

    def _offsets(self, x) -> list[np.ndarray]:
        """Views of x's values at window offsets (0, 0), (0, 1), (1, 0), (1, 1), each
        (n, out_h, out_w, c); a last odd row or column, in no window, is left out."""
        n, (out_h, out_w, c) = len(x), self.output_shape
        if self.phased:
            blocks = x.reshape(n, 2, 2, out_h, out_w, c)
            return [blocks[:, a, b] for a in range(2) for b in range(2)]
        quads = x[:, : 2 * out_h, : 2 * out_w].reshape(n, out_h, 2, out_w, 2, c)
        return [quads[:, :, a, :, b] for a in range(2) for b in range(2)]

    def forward(self, x, out, scratch, training):
        if scratch is None:
            first, *rest = self.windows
            np.copyto(out, x[first])
            for window in rest:
                np.maximum(out, x[window], out=out)
            return out
        if self._pairs:
            return self._forward_pairs(x, out, scratch)
        values = scratch.windows
        for value, window in zip(values, self.windows):
            np.copyto(value, x[window])
        return np.maximum.reduce(values, axis=0, out=out)

    def _forward_pairs(self, x, out, scratch):
        """y = max of each row's max; ``right`` and ``lower`` say where it was (strictly
        greater, so that ties go to the first in PyTorch's scan order)."""
        values = self._offsets(x)
        if scratch.windows is not None:
            for value, window in zip(scratch.windows, values):
                np.copyto(value, window)
            values = scratch.windows
        for a in range(2):
            left, right = values[2 * a], values[2 * a + 1]
            np.greater(right, left, out=scratch.right[a])
            np.maximum(left, right, out=scratch.rows[a])
        upper, lower = scratch.rows
        np.greater(lower, upper, out=scratch.lower)
        np.maximum(upper, lower, out=out)
        if self.applies_relu:
            np.multiply(out, out > 0, out=out)  # as activations.ReLU does
        return out

    def backward(self, x, y, grad, grad_x, scratch):
        if grad_x is None:
            return
        if self._pairs:
            self._backward_pairs(y, grad, grad_x, scratch)
            return
        # offsets in order: the first that holds the maximum takes what is left of dL/dy
        # (all of it), the later ones get left = 0. Each offset's share overwrites its
        # values, which are not needed any more.
        left, hit, shares = scratch.left, scratch.hit, scratch.windows
        np.copyto(left, grad)
        for share in shares:
            np.equal(share, y, out=hit)
            np.multiply(left, hit, out=share)
            left -= share
        self._spread(grad_x, shares)

    def _backward_pairs(self, y, grad, grad_x, scratch):
        """dL/dx from the bits the forward pass kept: dL/dy (times [y > 0] after a ReLU)
        to its window's row, then to that row's column (g·bit and g − g·bit are exact)."""
        if self.applies_relu:
            np.multiply(grad, y > 0, out=grad)
        upper, lower = scratch.share
        np.multiply(grad, scratch.lower, out=lower)
        np.subtract(grad, lower, out=upper)
        if not self._tiles:
            grad_x.fill(0)
        targets = self._offsets(grad_x)
        for a, share in enumerate(scratch.share):
            left, right = targets[2 * a], targets[2 * a + 1]
            np.multiply(share, scratch.right[a], out=right)
            np.subtract(share, right, out=left)


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
