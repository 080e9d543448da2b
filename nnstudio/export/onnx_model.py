"""ONNX export, written with our own small protobuf writer (no onnx package needed).

The model: opset 17, IR version 8, float32, output ``output`` of shape (batch, outputs),
input ``input`` of shape (batch, inputs) — or (batch, height, width, channels) for
image networks, channels last as nnstudio takes them — with a symbolic batch dimension.
It scales the raw inputs (Sub, Div), then adds each layer's nodes from :data:`LAYERS`
(one function per layer type) and each activation's from :data:`ACTIVATIONS`. Images
are moved to ONNX's NCHW layout once, after scaling; Flatten moves them back to NHWC
first, so the values reach the dense layers in nnstudio's (and Keras's) (h, w, c) order.
Field numbers are those of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
"""

from __future__ import annotations

import json
import math

import numpy as np

from nnstudio import __version__
from nnstudio.export import protobuf as pb
from nnstudio.export.model import ExportLayer, ExportModel, writer

IR_VERSION = 8
OPSET = 17
FLOAT = 1  # TensorProto.DataType.FLOAT
ATTRIBUTE_FLOAT, ATTRIBUTE_INT, ATTRIBUTE_INTS = 1, 2, 7
TO_NCHW, TO_NHWC = [0, 3, 1, 2], [0, 2, 3, 1]


def _tensor(name: str, array: np.ndarray) -> bytes:
    array = np.ascontiguousarray(array, dtype="<f4")
    return (
        b"".join(pb.integer(1, d) for d in array.shape)
        + pb.integer(2, FLOAT)
        + pb.text(8, name)
        + pb.blob(9, array.tobytes())
    )


def _attribute(name: str, value: float | int | list[int]) -> bytes:
    if isinstance(value, list):
        ints = b"".join(pb.integer(8, v) for v in value)
        return pb.text(1, name) + ints + pb.integer(20, ATTRIBUTE_INTS)
    if isinstance(value, float):
        return pb.text(1, name) + pb.float32(2, value) + pb.integer(20, ATTRIBUTE_FLOAT)
    return pb.text(1, name) + pb.integer(3, value) + pb.integer(20, ATTRIBUTE_INT)


def _node(op: str, inputs: list[str], output: str, attributes: dict) -> bytes:
    return (
        b"".join(pb.text(1, name) for name in inputs)
        + pb.text(2, output)
        + pb.text(3, output)
        + pb.text(4, op)
        + b"".join(pb.blob(5, _attribute(k, v)) for k, v in attributes.items())
    )


def _value_info(name: str, shape: tuple[int, ...]) -> bytes:
    batch = pb.blob(1, pb.text(2, "batch"))
    dims = b"".join(pb.blob(1, pb.integer(1, d)) for d in shape)
    tensor_type = pb.integer(1, FLOAT) + pb.blob(2, batch + dims)
    return pb.text(1, name) + pb.blob(2, pb.blob(1, tensor_type))


class Graph:
    """The nodes and initializers of a graph being built; ``current`` is the tensor
    the next node reads."""

    def __init__(self, current: str):
        self.current = current
        self.nodes: list[tuple[str, list[str], str, dict]] = []
        self.initializers: dict[str, np.ndarray] = {}

    def add(self, op: str, output: str, *operands: str, **attributes) -> str:
        """Append ``op`` on the current tensor (then ``operands``); it becomes current."""
        self.nodes.append((op, [self.current, *operands], output, attributes))
        self.current = output
        return output

    def constant(self, name: str, value) -> str:
        """An initializer (once per name)."""
        self.initializers.setdefault(name, np.asarray(value, np.float32))
        return name

    def serialized(self, name: str, inputs: tuple[int, ...], outputs: int) -> bytes:
        """The GraphProto, its last node's output renamed ``output``."""
        *nodes, (op, operands, _, attributes) = self.nodes
        nodes.append((op, operands, "output", attributes))
        return (
            b"".join(pb.blob(1, _node(*node)) for node in nodes)
            + pb.text(2, name)
            + b"".join(pb.blob(5, _tensor(k, v)) for k, v in self.initializers.items())
            + pb.blob(11, _value_info("input", inputs))
            + pb.blob(12, _value_info("output", (outputs,)))
        )


# activations: each adds its nodes after a layer's z (``g.current``); linear adds none
def _single(op: str, **attributes):
    def add(g: Graph, layer: ExportLayer) -> None:
        g.add(op, f"{layer.name}.{op.lower()}", **attributes)

    return add


def _with_alpha(op: str):
    def add(g: Graph, layer: ExportLayer) -> None:
        g.add(op, f"{layer.name}.{op.lower()}", alpha=float(layer.alpha))

    return add


def _silu(g: Graph, layer: ExportLayer) -> None:
    """z·sigmoid(z)."""
    z = g.current
    g.add("Sigmoid", f"{layer.name}.sigmoid")
    g.add("Mul", f"{layer.name}.silu", z)


def _gelu(g: Graph, layer: ExportLayer) -> None:
    """z·(1 + erf(z/√2))/2, exactly (Gelu itself is opset 20)."""
    z = g.current
    g.add("Mul", f"{layer.name}.scaled", g.constant("const.inverse_sqrt2", 1 / math.sqrt(2)))
    g.add("Erf", f"{layer.name}.erf")
    g.add("Add", f"{layer.name}.erf_plus_1", g.constant("const.one", 1.0))
    g.add("Mul", f"{layer.name}.gelu_twice", z)
    g.add("Mul", f"{layer.name}.gelu", g.constant("const.half", 0.5))


def _step(g: Graph, layer: ExportLayer) -> None:
    """1 where z ≥ 0, else 0."""
    g.add("GreaterOrEqual", f"{layer.name}.fires", g.constant("const.zero", 0.0))
    g.add("Cast", f"{layer.name}.step", to=FLOAT)


ACTIVATIONS = {
    "linear": lambda g, layer: None,
    "sigmoid": _single("Sigmoid"),
    "tanh": _single("Tanh"),
    "relu": _single("Relu"),
    "softmax": _single("Softmax", axis=1),
    "softplus": _single("Softplus"),
    "leaky_relu": _with_alpha("LeakyRelu"),
    "elu": _with_alpha("Elu"),
    "silu": _silu,
    "gelu": _gelu,
    "step": _step,
}


# layer types: each adds its nodes, reading ``g.current`` (NCHW for images)
def _dense(g: Graph, layer: ExportLayer) -> None:
    weight = g.constant(f"{layer.name}.weight", layer.weight)
    bias = g.constant(f"{layer.name}.bias", layer.bias)
    g.add("Gemm", f"{layer.name}.linear", weight, bias)
    writer(ACTIVATIONS, layer, "ONNX", activation=True)(g, layer)


def _conv2d(g: Graph, layer: ExportLayer) -> None:
    """Conv with the kernels as (filters, in_channels, kh, kw) and Keras's "same"
    padding as explicit pads (the odd one at the bottom/right)."""
    top, bottom, left, right = layer.spec.padding_of(layer.input_shape)
    weight = g.constant(f"{layer.name}.weight", layer.weight.transpose(3, 2, 0, 1))
    bias = g.constant(f"{layer.name}.bias", layer.bias)
    k, s = layer.spec.kernel_size, layer.spec.stride
    g.add(
        "Conv",
        f"{layer.name}.linear",
        weight,
        bias,
        kernel_shape=[k, k],
        strides=[s, s],
        pads=[top, left, bottom, right],
    )
    writer(ACTIVATIONS, layer, "ONNX", activation=True)(g, layer)


def _pool(op: str):
    def add(g: Graph, layer: ExportLayer) -> None:
        p, s = layer.spec.pool_size, layer.spec.stride
        g.add(op, f"{layer.name}.out", kernel_shape=[p, p], strides=[s, s])

    return add


def _flatten(g: Graph, layer: ExportLayer) -> None:
    """NCHW → NHWC, then Flatten: (h, w, c) order. Flat rows stay as they are."""
    if len(layer.input_shape) > 1:
        g.add("Transpose", f"{layer.name}.channels_last", perm=TO_NHWC)
        g.add("Flatten", f"{layer.name}.out", axis=1)


LAYERS = {
    "dense": _dense,
    "conv2d": _conv2d,
    "maxpool2d": _pool("MaxPool"),
    "avgpool2d": _pool("AveragePool"),
    "flatten": _flatten,
    "dropout": lambda g, layer: None,  # identity at inference
}


def _graph(model: ExportModel) -> bytes:
    g = Graph("input")
    if model.scaler is not None:
        shape = model.input_shape
        offset = g.constant("scaler.offset", model.scaler.offset.reshape(shape))
        scale = g.constant("scaler.scale", model.scaler.scale.reshape(shape))
        g.add("Sub", "centred", offset)
        g.add("Div", "scaled", scale)
    if len(model.input_shape) > 1:
        g.add("Transpose", "input.channels_first", perm=TO_NCHW)
    for layer in model.layers:
        writer(LAYERS, layer, "ONNX")(g, layer)
    return g.serialized(model.name, model.input_shape, model.n_outputs)


def onnx_bytes(model: ExportModel) -> bytes:
    """The serialized ModelProto of ``model``."""
    opset = pb.text(1, "") + pb.integer(2, OPSET)
    metadata = b"".join(
        pb.blob(
            14, pb.text(1, key) + pb.text(2, value if isinstance(value, str) else json.dumps(value))
        )
        for key, value in model.metadata().items()
        if value is not None
    )
    return (
        pb.integer(1, IR_VERSION)
        + pb.text(2, "nnstudio")
        + pb.text(3, __version__)
        + pb.blob(7, _graph(model))
        + pb.blob(8, opset)
        + metadata
    )
