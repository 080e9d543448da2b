"""ONNX export, written with our own small protobuf writer (no onnx package needed).

The model: opset 17, IR version 8, float32, input ``input`` of shape (batch, inputs)
with a symbolic batch dimension, output ``output``. It scales the raw features
(Sub, Div), then runs Gemm and the activation of each layer, softmax included.
Field numbers are those of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
"""

from __future__ import annotations

import json

import numpy as np

from nnstudio import __version__
from nnstudio.export import protobuf as pb
from nnstudio.export.model import ExportModel

IR_VERSION = 8
OPSET = 17
FLOAT = 1  # TensorProto.DataType.FLOAT
ATTRIBUTE_FLOAT, ATTRIBUTE_INT = 1, 2
ACTIVATION_OPS = {
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "Relu",
    "leaky_relu": "LeakyRelu",
    "softmax": "Softmax",
}


def _tensor(name: str, array: np.ndarray) -> bytes:
    array = np.ascontiguousarray(array, dtype="<f4")
    return (
        b"".join(pb.integer(1, d) for d in array.shape)
        + pb.integer(2, FLOAT)
        + pb.text(8, name)
        + pb.blob(9, array.tobytes())
    )


def _attribute(name: str, value: float | int) -> bytes:
    if isinstance(value, float):
        return pb.text(1, name) + pb.float32(2, value) + pb.integer(20, ATTRIBUTE_FLOAT)
    return pb.text(1, name) + pb.integer(3, value) + pb.integer(20, ATTRIBUTE_INT)


def _node(op: str, inputs: list[str], output: str, **attributes) -> bytes:
    return (
        b"".join(pb.text(1, name) for name in inputs)
        + pb.text(2, output)
        + pb.text(3, output)
        + pb.text(4, op)
        + b"".join(pb.blob(5, _attribute(k, v)) for k, v in attributes.items())
    )


def _value_info(name: str, width: int) -> bytes:
    batch = pb.blob(1, pb.text(2, "batch"))
    features = pb.blob(1, pb.integer(1, width))
    tensor_type = pb.integer(1, FLOAT) + pb.blob(2, batch + features)
    return pb.text(1, name) + pb.blob(2, pb.blob(1, tensor_type))


def _graph(model: ExportModel) -> bytes:
    nodes, initializers = [], []
    current = "input"
    if model.scaler is not None:
        initializers += [
            _tensor("scaler.offset", model.scaler.offset),
            _tensor("scaler.scale", model.scaler.scale),
        ]
        nodes += [
            _node("Sub", [current, "scaler.offset"], "centred"),
            _node("Div", ["centred", "scaler.scale"], "scaled"),
        ]
        current = "scaled"
    for i, layer in enumerate(model.layers):
        last = i == len(model.layers) - 1
        weight, bias = f"{layer.name}.weight", f"{layer.name}.bias"
        initializers += [_tensor(weight, layer.weight), _tensor(bias, layer.bias)]
        op = ACTIVATION_OPS.get(layer.activation)
        linear = "output" if last and op is None else f"{layer.name}.linear"
        nodes.append(_node("Gemm", [current, weight, bias], linear))
        current = linear
        if op is not None:
            out = "output" if last else f"{layer.name}.out"
            options = (
                {"alpha": float(layer.alpha)}
                if op == "LeakyRelu"
                else ({"axis": 1} if op == "Softmax" else {})
            )
            nodes.append(_node(op, [current], out, **options))
            current = out
    return (
        b"".join(pb.blob(1, node) for node in nodes)
        + pb.text(2, model.name)
        + b"".join(pb.blob(5, tensor) for tensor in initializers)
        + pb.blob(11, _value_info("input", model.inputs))
        + pb.blob(12, _value_info("output", model.layers[-1].units))
    )


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
