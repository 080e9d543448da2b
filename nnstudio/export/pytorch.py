"""PyTorch export: a safetensors file with ``nn.Sequential`` key names and (out, in)
weights, plus a ``model.py`` that builds the same Sequential and loads it.

The safetensors file is written here (an 8-byte header length, a JSON header, the raw
little-endian tensors; https://github.com/huggingface/safetensors#format), so the
export needs neither torch nor safetensors.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

from nnstudio import __version__
from nnstudio.atomic import write_atomically
from nnstudio.export import codegen
from nnstudio.export.model import ExportModel

MODULES = {
    "sigmoid": "torch.nn.Sigmoid()",
    "tanh": "torch.nn.Tanh()",
    "relu": "torch.nn.ReLU()",
    "softmax": "torch.nn.Softmax(dim=1)",
}


def state_dict(model: ExportModel) -> dict[str, np.ndarray]:
    """``{"0.weight": (out, in), "0.bias": ..., "2.weight": ...}`` as nn.Sequential
    numbers its modules (an activation module after each Linear but linear ones)."""
    tensors, index = {}, 0
    for layer in model.layers:
        tensors[f"{index}.weight"] = np.ascontiguousarray(layer.weight.T, dtype="<f4")
        tensors[f"{index}.bias"] = np.ascontiguousarray(layer.bias, dtype="<f4")
        index += 1 if layer.activation == "linear" else 2
    return tensors


def safetensors_bytes(tensors: dict[str, np.ndarray], metadata: dict[str, str]) -> bytes:
    header, offset = {"__metadata__": metadata}, 0
    for name, array in tensors.items():
        header[name] = {
            "dtype": "F32",
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


def module_code(model: ExportModel, weights_file: str, script: str) -> str:
    lines = []
    for i, layer in enumerate(model.layers):
        fan_in = model.inputs if i == 0 else model.layers[i - 1].units
        lines.append(f"        torch.nn.Linear({fan_in}, {layer.units}),")
        if layer.activation == "leaky_relu":
            lines.append(f"        torch.nn.LeakyReLU({layer.alpha!r}),")
        elif layer.activation != "linear":
            lines.append(f"        {MODULES[layer.activation]},")
    layers = "\n".join(lines)
    return codegen.module(
        model,
        script,
        weights_file,
        f"Builds the same torch.nn.Sequential and loads its weights from {weights_file}\n"
        "(pip install torch safetensors).",
        "import numpy as np\nimport torch\nfrom safetensors.torch import load_file\n",
        f"""

def build() -> torch.nn.Sequential:
    return torch.nn.Sequential(
{layers}
    )


def load() -> torch.nn.Sequential:
    model = build()
    model.load_state_dict(load_file(WEIGHTS))
    return model.eval()


def predict(X) -> np.ndarray:
    scaled = (np.asarray(X, dtype=np.float64) - OFFSET) / SCALE
    with torch.no_grad():
        return load()(torch.as_tensor(scaled, dtype=torch.float32)).numpy()
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
