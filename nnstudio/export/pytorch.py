"""PyTorch export: a safetensors file with ``nn.Sequential`` key names and PyTorch's
layouts (Linear (out, in), Conv2d (filters, in_channels, kh, kw)), plus a ``model.py``
that builds the same Sequential and loads it. Each layer type gives its modules
(:data:`LAYERS`), each activation its module (:data:`ACTIVATIONS`); the Sequential takes
NCHW images, and ``predict`` takes nnstudio's channels-last images or their rows.

The safetensors file is written here (an 8-byte header length, a JSON header, the raw
little-endian tensors; https://github.com/huggingface/safetensors#format), so the
export needs neither torch nor safetensors.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np

from nnstudio import __version__
from nnstudio.atomic import write_atomically
from nnstudio.export import codegen
from nnstudio.export.model import ExportError, ExportLayer, ExportModel, writer

Module = tuple[str, dict[str, np.ndarray]]  # constructor code, its parameters by name

HELPERS = {
    "ChannelsLast": '''

class ChannelsLast(torch.nn.Module):
    """(n, c, h, w) → (n, h, w, c), so that Flatten gives nnstudio's (h, w, c) order."""

    def forward(self, x):
        return x.permute(0, 2, 3, 1)
''',
    "Step": '''

class Step(torch.nn.Module):
    """Heaviside step: 1 where x ≥ 0, else 0."""

    def forward(self, x):
        return torch.heaviside(x, torch.ones((), dtype=x.dtype))
''',
}
ACTIVATIONS = {
    "linear": lambda layer: [],
    "sigmoid": lambda layer: ["torch.nn.Sigmoid()"],
    "tanh": lambda layer: ["torch.nn.Tanh()"],
    "relu": lambda layer: ["torch.nn.ReLU()"],
    "softmax": lambda layer: ["torch.nn.Softmax(dim=1)"],
    "leaky_relu": lambda layer: [f"torch.nn.LeakyReLU({layer.alpha!r})"],
    "elu": lambda layer: [f"torch.nn.ELU({layer.alpha!r})"],
    "softplus": lambda layer: ["torch.nn.Softplus()"],
    "silu": lambda layer: ["torch.nn.SiLU()"],
    "gelu": lambda layer: ["torch.nn.GELU()"],  # exact (approximate="none")
    "step": lambda layer: ["Step()"],
}


SAFETENSORS_DTYPES = {np.dtype("<f4"): "F32", np.dtype("<f8"): "F64"}


def _parameters(weight: np.ndarray, bias: np.ndarray) -> dict[str, np.ndarray]:
    """Little-endian copies in the layer's own precision (float32, or float64 for a
    training bundle of a float64 project)."""
    dtype = np.dtype("<f8") if weight.dtype == np.float64 else np.dtype("<f4")
    return {
        "weight": np.ascontiguousarray(weight, dtype=dtype),
        "bias": np.ascontiguousarray(bias, dtype=dtype),
    }


def _activation(layer: ExportLayer) -> list[Module]:
    return [(code, {}) for code in writer(ACTIVATIONS, layer, "PyTorch", activation=True)(layer)]


def _dense(layer: ExportLayer) -> list[Module]:
    """Linear with W as (out, in)."""
    (fan_in,), units = layer.input_shape, layer.units
    linear = (f"torch.nn.Linear({fan_in}, {units})", _parameters(layer.weight.T, layer.bias))
    return [linear, *_activation(layer)]


def _conv2d(layer: ExportLayer) -> list[Module]:
    """Conv2d with W as (filters, in_channels, kh, kw); Keras's "same" padding as
    Conv2d's own padding when it is even, else a ZeroPad2d before it."""
    top, bottom, left, right = layer.spec.padding_of(layer.input_shape)
    k, s = layer.spec.kernel_size, layer.spec.stride
    pad: list[Module] = []
    if (top, left) != (bottom, right):
        pad, top, left = [(f"torch.nn.ZeroPad2d(({left}, {right}, {top}, {bottom}))", {})], 0, 0
    conv = (
        f"torch.nn.Conv2d({layer.input_shape[-1]}, {layer.units}, {k}, stride={s}, "
        f"padding=({top}, {left}))",
        _parameters(layer.weight.transpose(3, 2, 0, 1), layer.bias),
    )
    return [*pad, conv, *_activation(layer)]


def _pool(module: str):
    def modules(layer: ExportLayer) -> list[Module]:
        return [(f"torch.nn.{module}({layer.spec.pool_size}, stride={layer.spec.stride})", {})]

    return modules


def _flatten(layer: ExportLayer) -> list[Module]:
    """Back to channels last, then Flatten: (h, w, c) order."""
    if len(layer.input_shape) == 1:
        return []
    return [("ChannelsLast()", {}), ("torch.nn.Flatten()", {})]


LAYERS = {
    "dense": _dense,
    "conv2d": _conv2d,
    "maxpool2d": _pool("MaxPool2d"),
    "avgpool2d": _pool("AvgPool2d"),
    "flatten": _flatten,
    "dropout": lambda layer: [(f"torch.nn.Dropout({layer.spec.rate!r})", {})],  # eval: off
}


def modules(model: ExportModel) -> list[Module]:
    """The nn.Sequential's modules in order (it takes NCHW images)."""
    return [module for layer in model.layers for module in writer(LAYERS, layer, "PyTorch")(layer)]


def weighted_modules(model: ExportModel) -> list[tuple[ExportLayer, str]]:
    """Each layer with parameters and the Sequential's name of its module ("0", "3", …):
    its tensors are ``<name>.weight`` and ``<name>.bias``."""
    found, index = [], 0
    for layer in model.layers:
        for _, parameters in writer(LAYERS, layer, "PyTorch")(layer):
            if parameters:
                found.append((layer, str(index)))
            index += 1
    return found


def state_dict(model: ExportModel) -> dict[str, np.ndarray]:
    """``{"0.weight": ..., "0.bias": ..., "2.weight": ...}`` as nn.Sequential numbers
    its modules."""
    return {
        f"{index}.{key}": array
        for index, (_, parameters) in enumerate(modules(model))
        for key, array in parameters.items()
    }


def safetensors_bytes(tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> bytes:
    header, offset = {"__metadata__": metadata}, 0
    for name, array in tensors.items():
        header[name] = {
            "dtype": SAFETENSORS_DTYPES[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    return (
        struct.pack("<Q", len(encoded))
        + encoded
        + b"".join(array.tobytes() for array in tensors.values())
    )


MAX_HEADER = 100 << 20  # the safetensors format's own bound on its JSON header
# nnstudio's layout of a layer's weight from PyTorch's: the inverses of _dense and _conv2d
FROM_TORCH = {
    "dense": lambda weight: weight.T,
    "conv2d": lambda weight: weight.transpose(2, 3, 1, 0),
}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The float32/float64 tensors of a safetensors file, by name; ExportError naming
    the file if it is not one (a header that does not fit its data, another dtype)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from None
    name = Path(path).name
    try:
        (size,) = struct.unpack("<Q", data[:8])
        if size > min(MAX_HEADER, len(data) - 8):
            raise ValueError("its header is longer than the file")
        header = json.loads(data[8 : 8 + size])
        header.pop("__metadata__", None)
        body, tensors = memoryview(data)[8 + size :], {}
        for key, entry in header.items():
            dtype = {"F32": "<f4", "F64": "<f8"}.get(entry["dtype"])
            if dtype is None:
                raise ValueError(f"{key} is {entry['dtype']}, not F32 or F64")
            start, stop = (int(offset) for offset in entry["data_offsets"])
            shape = tuple(int(n) for n in entry["shape"])
            fits = 0 <= start <= stop <= len(body) and min(shape, default=0) >= 0
            if not fits or stop - start != np.dtype(dtype).itemsize * math.prod(shape):
                raise ValueError(f"{key}'s shape {list(shape)} does not fit its bytes")
            tensors[key] = np.frombuffer(body[start:stop], dtype).reshape(shape).copy()
        return tensors
    except (struct.error, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ExportError(f"{name} is not a readable safetensors file ({exc})") from None


def module_code(model: ExportModel, weights_file: str, script: str) -> str:
    codes = [code for code, _ in modules(model)]
    helpers = "".join(source for name, source in HELPERS.items() if f"{name}()" in codes)
    layers = "\n".join(f"        {code}," for code in codes)
    shape = model.input_shape
    to_images = (
        f"\n    x = x.reshape(-1, {', '.join(map(str, shape))}).permute(0, 3, 1, 2)  # NCHW"
        if len(shape) > 1
        else ""
    )
    taken = "NCHW images" if len(shape) > 1 else "rows of features"
    return codegen.module(
        model,
        script,
        weights_file,
        f"Builds the same torch.nn.Sequential (it takes {taken}, scaled) and loads its\n"
        f"weights from {weights_file} (pip install torch safetensors).",
        "import numpy as np\nimport torch\nfrom safetensors.torch import load_file\n",
        f"""{helpers}

def build() -> torch.nn.Sequential:
    return torch.nn.Sequential(
{layers}
    )


def load() -> torch.nn.Sequential:
    model = build()
    model.load_state_dict(load_file(WEIGHTS))
    return model.eval()


def predict(X) -> np.ndarray:
    \"\"\"Outputs for raw samples: rows of features, images (n, h, w, c) or their rows.\"\"\"
    X = np.asarray(X, dtype=np.float64)
    x = torch.as_tensor((X.reshape(len(X), -1) - OFFSET) / SCALE, dtype=torch.float32){to_images}
    with torch.no_grad():
        return load()(x).numpy()
""",
    )


def script_for(path: Path) -> Path:
    """The loader written beside ``path`` (m.safetensors → m_pytorch.py)."""
    return path.with_name(path.stem + "_pytorch.py")


def write(model: ExportModel, path: Path) -> list[Path]:
    """``path`` (.safetensors) and its loader :func:`script_for` beside it."""
    script = script_for(path)
    metadata = {
        "format": "pt",
        "producer": f"nnstudio {__version__}",
        "nnstudio": json.dumps(model.metadata()),
    }
    data = safetensors_bytes(state_dict(model), metadata)
    write_atomically(path, lambda f: f.write(data))
    code = module_code(model, path.name, script.name).encode("utf-8")
    write_atomically(script, lambda f: f.write(code))
    return [path, script]
