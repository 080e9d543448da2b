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
        if not self.activation_params():  # alpha belongs to leaky_relu and elu only
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
    gains_from_halves = True

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
        # True once a max pooling after this layer takes over its ReLU (None: cannot)
        self.relu_for_next: bool | None = False if self.activation.name == "relu" else None
        self.phased = False  # and has this layer write its output in phase order

    def scratch(self, rows, dtype, training):
        """The column buffer (``cols``: a (n·out_h·out_w, kernel²·in_channels [+ 1])
        matrix view, its last column ones where there is a bias; ``windows``: the
        receptive fields in it as (n, out_h, out_w, k, k, in_channels)), W with b as its
        last row (``wb``), the zero-padded input (for "same") and, while training, z
        where the activation needs it. The buffers for dL/dx are made at the first
        backward pass that needs it. ``relu_by_next``: the max pooling after this layer
        applies its ReLU (training only)."""
        phased = training and self.phased
        windows, cols = self._column_buffer(rows, dtype, phased)
        wb = np.empty((cols.shape[1], self.filters), dtype) if self.use_bias else None
        return SimpleNamespace(
            windows=windows,
            cols=cols,
            wb=wb,
            grad_wb=np.empty_like(wb) if training and wb is not None else None,
            padded=np.zeros((rows, *self._padded_shape), dtype) if any(self.pads) else None,
            z=np.empty((rows, *self.output_shape), dtype) if training and self.keeps_z else None,
            relu_by_next=training and self.relu_for_next is True,
            phased=phased,
            natural=None,
            grad_part=None,
            grad_padded=None,
        )

    def _column_buffer(self, rows, dtype, phased) -> tuple[np.ndarray, np.ndarray]:
        """A column buffer as its windows view (n, *positions, k, k, c), or with kernel
        offset first a list of the offsets' (n, *positions, c) blocks, and its matrix
        view (n·out_h·out_w, k·k·c [+ 1]), the extra column of ones (with a bias) making
        z = cols·[W; b]. Positions are (out_h, out_w), or in phase order (2, 2, out_h/2,
        out_w/2) for the 2×2 max pooling after (see MaxPool2D.follow). With fewer than 4
        input channels it is stored kernel offset first, so that copying the windows in
        moves whole image rows (grey 28×28 images: 5× faster than position first; from
        8 channels on, position first is 2.4× faster)."""
        (out_h, out_w, _), k, c = self.output_shape, self.kernel_size, self.input_shape[2]
        positions = (2, 2, out_h // 2, out_w // 2) if phased else (out_h, out_w)
        size = k * k * c
        width = size + self.use_bias
        if c < 4:  # one (n, *positions, c) block per kernel offset
            buffer = np.empty((width, rows, *positions), dtype)
            buffer[size:] = 1
            blocks = buffer[:size].reshape(k * k, c, rows, *positions)
            order = (*range(1, blocks.ndim - 1), 0)
            return [block.transpose(order) for block in blocks], buffer.reshape(width, -1).T
        buffer = np.empty((rows * out_h * out_w, width), dtype)
        buffer[:, size:] = 1
        return buffer[:, :size].reshape(rows, *positions, k, k, c), buffer

    def scratch_values(self, training):
        cols = math.prod(self.output_shape[:2]) * (self.fans[0] + self.use_bias)
        padded = math.prod(self._padded_shape) if any(self.pads) else 0
        z = math.prod(self.output_shape) if training and self.keeps_z else 0
        return (2 if training else 1) * (cols + padded) + z

    def _columns(self, x, scratch) -> np.ndarray:
        """x's receptive fields as the rows of ``scratch.cols``."""
        src = x
        if scratch.padded is not None:
            scratch.padded[(slice(None), *self._inner)] = x
            src = scratch.padded
        sn, sh, sw, sc = src.strides
        s = self.stride
        steps = (sh * s, sw * s, 2 * sh * s, 2 * sw * s) if scratch.phased else (sh * s, sw * s)
        if isinstance(scratch.windows, list):  # kernel offset first: offset by offset
            k = self.kernel_size
            for offset, block in enumerate(scratch.windows):
                a, b = divmod(offset, k)
                at = as_strided(src[:, a:, b:], block.shape, (sn, *steps, sc), writeable=False)
                np.copyto(block, at)
        else:
            windows = as_strided(
                src, scratch.windows.shape, (sn, *steps, sh, sw, sc), writeable=False
            )
            np.copyto(scratch.windows, windows)
        return scratch.cols

    def _matrix(self, scratch) -> np.ndarray:
        """W as a (k·k·c, filters) matrix, with b as an extra last row if there is one."""
        weight = self.weight.reshape(self.fans[0], -1)
        if scratch.wb is None:
            return weight
        np.copyto(scratch.wb[:-1], weight)
        np.copyto(scratch.wb[-1], self.bias)
        return scratch.wb

    def pre_activation(self, x, out, scratch=None):
        """z = im2col(x) @ W + b (one GEMM: the columns end with ones, W with b),
        written into ``out`` (n, out_h, out_w, filters)."""
        cols = self._columns(x, scratch)
        np.dot(cols, self._matrix(scratch), out=out.reshape(len(cols), -1))
        return out

    def forward(self, x, out, scratch, training):
        """y = activation(z), or z itself where the pooling after applies the ReLU."""
        if scratch.relu_by_next:
            return self.pre_activation(x, out, scratch)
        return super().forward(x, out, scratch, training)

    def backward(self, x, y, grad, grad_x, scratch):
        """As WeightedLayer's; after a pooling that applied the ReLU, ``grad`` is dL/dz."""
        if scratch.relu_by_next:
            self.backward_linear(x, grad, grad_x, scratch)
        else:
            super().backward(x, y, grad, grad_x, scratch)

    def backward_linear(self, x, delta, grad_x, scratch=None):
        """From delta = dL/dz: dL/dW = colsᵀ·delta, dL/db = Σ delta over samples and
        positions, and, when ``grad_x`` is given, dL/dx: for each kernel offset (a, b),
        delta·W[a, b]ᵀ added onto the input positions that offset read."""
        cols = scratch.cols
        delta2 = delta.reshape(len(cols), -1)
        grad_weight = self.grad_weight.reshape(self.fans[0], -1)
        if scratch.grad_wb is None:
            np.dot(cols.T, delta2, out=grad_weight)
        else:  # [dL/dW; dL/db] in one GEMM, the ones column summing delta
            np.dot(cols.T, delta2, out=scratch.grad_wb)
            np.copyto(grad_weight, scratch.grad_wb[:-1])
            np.copyto(self.grad_bias, scratch.grad_wb[-1])
        if grad_x is None:
            return
        (out_h, out_w, f), k = self.output_shape, self.kernel_size
        if scratch.phased:  # delta back in position order
            if scratch.natural is None:
                scratch.natural = np.empty_like(delta)
            n = len(delta)
            np.copyto(
                scratch.natural.reshape(n, out_h // 2, 2, out_w // 2, 2, f),
                delta.reshape(n, 2, 2, out_h // 2, out_w // 2, f).transpose(0, 3, 1, 4, 2, 5),
            )
            delta2 = scratch.natural.reshape(len(cols), -1)
        if scratch.grad_part is None:
            scratch.grad_part = np.empty((len(cols), self.input_shape[2]), x.dtype)
            if scratch.padded is not None:
                scratch.grad_padded = np.empty_like(scratch.padded)
        part, target = scratch.grad_part, scratch.grad_padded
        target = grad_x if target is None else target
        target.fill(0)
        part_image = part.reshape(len(x), out_h, out_w, -1)
        # one small GEMM per kernel offset, added where that offset's inputs sit: 1.6×
        # faster than one GEMM into full dL/dcols, summed back from its strided windows
        for a in range(k):
            rows = window_slice(a, self.stride, out_h)
            for b in range(k):
                np.dot(delta2, self.weight[a, b].T, out=part)
                target[:, rows, window_slice(b, self.stride, out_w)] += part_image
        if target is not grad_x:
            np.copyto(grad_x, target[(slice(None), *self._inner)])

    def __repr__(self) -> str:
        k, s = self.kernel_size, self.stride
        return (
            f"Conv2D({self.name!r}, {keys.shape_text(self.input_shape)}→"
            f"{keys.shape_text(self.output_shape)}, {k}×{k}/{s} {self.spec.padding}, "
            f"{self.activation.name})"
        )
