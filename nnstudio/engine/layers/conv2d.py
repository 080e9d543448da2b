"""Conv2D: filters slid over a channels-last image, as one matrix product (im2col).

Every output position's receptive field (kernel_size × kernel_size × in_channels) is
copied into a row of a column buffer, so z = cols @ W.reshape(-1, filters) + b is one
GEMM; the buffers are made once per batch size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
from numpy.lib.stride_tricks import as_strided

from nnstudio.engine.layers import keys
from nnstudio.engine.layers.base import DEFAULT_INITIALIZER, TypeSpec, WeightedLayer, register
from nnstudio.errors import SpecError

_KEYS = {
    "type",
    "filters",
    "kernel_size",
    "stride",
    "padding",
    "activation",
    "alpha",
    "use_bias",
    "initializer",
    "bias_initializer",
    "name",
}
PADDINGS = ("valid", "same")


def image_shape(layer: TypeSpec, input_shape) -> tuple[int, int, int]:
    """``input_shape`` as (height, width, channels); SpecError if it is no image."""
    if len(input_shape) != 3:
        raise SpecError(
            f"{layer.type_name} layer {layer.name!r} needs an image input (height, width, "
            f"channels), got {keys.shape_text(input_shape)} values: give the network image "
            "inputs [height, width, channels], and no flatten before it"
        )
    return input_shape


def window_slice(offset: int, stride: int, count: int) -> slice:
    """The input rows (or columns) that window position ``offset`` of ``count`` windows
    ``stride`` apart reads."""
    return slice(offset, offset + stride * (count - 1) + 1, stride)


@dataclass(frozen=True)
class Conv2DSpec(TypeSpec):
    """``filters`` kernels of kernel_size × kernel_size × in_channels."""

    filters: int
    kernel_size: int = 3
    stride: int = 1
    padding: str = "valid"
    activation: str = "linear"
    use_bias: bool = True
    initializer: str = DEFAULT_INITIALIZER
    bias_initializer: str = "zeros"
    alpha: float = 0.01
    name: str = ""

    @classmethod
    def from_entry(cls, entry, index, initializer):
        where = f"layer {index} (conv2d)"
        keys.check_keys(entry, _KEYS, where)
        if "filters" not in entry:
            raise SpecError(f'{where} needs "filters": its number of kernels')
        shared = keys.weighted_keys(entry, where, initializer)
        if shared["activation"] == "softmax":
            raise SpecError(f"{where}: softmax is for a dense output layer; use relu here")
        return cls(
            filters=keys.positive_int(entry["filters"], f"{where} filters"),
            kernel_size=keys.positive_int(entry.get("kernel_size", 3), f"{where} kernel_size"),
            stride=keys.positive_int(entry.get("stride", 1), f"{where} stride"),
            padding=keys.choice(entry.get("padding", "valid"), PADDINGS, f"{where} padding"),
            **shared,
            name=keys.name(entry, f"conv2d_{index}", where),
        )

    def activation_params(self) -> dict:
        return keys.activation_params(self.activation, self.alpha)

    def to_dict(self):
        d = super().to_dict()
        if self.activation != "leaky_relu":
            del d["alpha"]
        return d

    def output_shape(self, input_shape):
        height, width, _ = image_shape(self, input_shape)
        k, s = self.kernel_size, self.stride
        if self.padding == "same":
            return (-(-height // s), -(-width // s), self.filters)
        if k > height or k > width:
            raise SpecError(
                f"conv2d layer {self.name!r}: its {k}×{k} kernel is larger than its "
                f"{keys.shape_text(input_shape)} input; use a smaller kernel_size or "
                'padding "same"'
            )
        return ((height - k) // s + 1, (width - k) // s + 1, self.filters)

    def padding_of(self, input_shape) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) zeros around the input; "same" puts the odd one
        at the bottom/right, as Keras does."""
        if self.padding == "valid":
            return 0, 0, 0, 0
        out_h, out_w, _ = self.output_shape(input_shape)
        pads = []
        for size, out in zip(input_shape[:2], (out_h, out_w)):
            total = max((out - 1) * self.stride + self.kernel_size - size, 0)
            pads += [total // 2, total - total // 2]
        return tuple(pads)

    def parameter_shapes(self, input_shape):
        k, channels = self.kernel_size, input_shape[-1]
        return (k, k, channels, self.filters), (self.filters,)

    def parameter_formula(self, input_shape):
        k, c, f = self.kernel_size, input_shape[-1], self.filters
        total = k * k * c * f + (f if self.use_bias else 0)
        return f"{k}×{k}×{c}×{f}{f' + {f}' if self.use_bias else ''} = {total:,}"


@register
class Conv2D(WeightedLayer):
    """z[n, i, j, f] = Σ_{a, b, c} x_padded[n, i·s + a, j·s + b, c] · W[a, b, c, f] + b[f];
    W of shape (kernel_h, kernel_w, in_channels, filters), as Keras stores it."""

    type_name = "conv2d"
    description = "Convolution: small filters slid over the image, one feature map each"
    Spec = Conv2DSpec

    def __init__(self, spec: Conv2DSpec, input_shape):
        super().__init__(spec, input_shape)
        k, channels = spec.kernel_size, self.input_shape[-1]
        self.kernel_size, self.stride, self.filters = k, spec.stride, spec.filters
        self.fans = (k * k * channels, k * k * spec.filters)
        self.pads = spec.padding_of(self.input_shape)
        height, width, _ = self.input_shape
        top, bottom, left, right = self.pads
        self._padded_shape = (height + top + bottom, width + left + right, channels)
        self._inner = (slice(top, top + height), slice(left, left + width))

    def scratch(self, rows, dtype, training):
        """The column buffer, the zero-padded input (for "same") and, while training,
        z where the activation needs it; dL/dcols and the padded dL/dx are made at the
        first backward pass that needs dL/dx."""
        out_h, out_w, _ = self.output_shape
        k, channels = self.kernel_size, self.input_shape[-1]
        return SimpleNamespace(
            cols=np.empty((rows, out_h, out_w, k, k, channels), dtype),
            padded=np.zeros((rows, *self._padded_shape), dtype) if any(self.pads) else None,
            z=np.empty((rows, *self.output_shape), dtype) if training and self.keeps_z else None,
            grad_cols=None,
            grad_padded=None,
        )

    def scratch_values(self, training):
        cols = math.prod(self.output_shape[:2]) * self.fans[0]
        padded = math.prod(self._padded_shape) if any(self.pads) else 0
        z = math.prod(self.output_shape) if training and self.keeps_z else 0
        return (2 if training else 1) * (cols + padded) + z

    def _columns(self, x, scratch) -> np.ndarray:
        """x's receptive fields as rows (n·out_h·out_w, kernel²·in_channels)."""
        src = x
        if scratch.padded is not None:
            scratch.padded[(slice(None), *self._inner)] = x
            src = scratch.padded
        n, (out_h, out_w, _), k, s = len(x), self.output_shape, self.kernel_size, self.stride
        sn, sh, sw, sc = src.strides
        windows = as_strided(
            src,
            (n, out_h, out_w, k, k, src.shape[3]),
            (sn, sh * s, sw * s, sh, sw, sc),
            writeable=False,
        )
        np.copyto(scratch.cols, windows)
        return scratch.cols.reshape(n * out_h * out_w, -1)

    def pre_activation(self, x, out, scratch=None):
        """z = im2col(x) @ W + b, written into ``out`` (n, out_h, out_w, filters)."""
        cols = self._columns(x, scratch)
        np.dot(cols, self.weight.reshape(cols.shape[1], -1), out=out.reshape(len(cols), -1))
        if self.bias is not None:
            out += self.bias
        return out

    def backward_linear(self, x, delta, grad_x, scratch=None):
        """From delta = dL/dz: dL/dW = colsᵀ·delta, dL/db = Σ delta over samples and
        positions, and, when ``grad_x`` is given, dL/dx: dL/dcols = delta·Wᵀ summed back
        onto the input positions each column came from (col2im)."""
        cols = scratch.cols.reshape(-1, self.fans[0])
        delta2 = delta.reshape(len(cols), -1)
        np.dot(cols.T, delta2, out=self.grad_weight.reshape(cols.shape[1], -1))
        if self.grad_bias is not None:
            np.add.reduce(delta2, axis=0, out=self.grad_bias)
        if grad_x is None:
            return
        if scratch.grad_cols is None:
            scratch.grad_cols = np.empty_like(scratch.cols)
            if scratch.padded is not None:
                scratch.grad_padded = np.empty_like(scratch.padded)
        grad_cols = scratch.grad_cols
        np.dot(delta2, self.weight.reshape(cols.shape[1], -1).T, out=grad_cols.reshape(cols.shape))
        target = grad_x if scratch.grad_padded is None else scratch.grad_padded
        target.fill(0)
        out_h, out_w, _ = self.output_shape
        for a in range(self.kernel_size):
            rows = window_slice(a, self.stride, out_h)
            for b in range(self.kernel_size):
                target[:, rows, window_slice(b, self.stride, out_w)] += grad_cols[:, :, :, a, b]
        if target is not grad_x:
            np.copyto(grad_x, target[(slice(None), *self._inner)])

    def __repr__(self) -> str:
        k, s = self.kernel_size, self.stride
        return (
            f"Conv2D({self.name!r}, {keys.shape_text(self.input_shape)}→"
            f"{keys.shape_text(self.output_shape)}, {k}×{k}/{s} {self.spec.padding}, "
            f"{self.activation.name})"
        )
