"""Exports of a trained network to the formats people load elsewhere.

>>> from nnstudio.export import ExportModel, export
>>> model = ExportModel.from_network(net, metadata)   # or from_npz(path), from_project(p)
>>> export(model, "onnx", "model.onnx")               # returns the files written

Formats (``FORMATS``): npz, json, csv, onnx, pytorch, keras, numpy. See docs/export.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nnstudio.atomic import write_atomically
from nnstudio.export import keras_h5, numpy_code, pytorch, tables
from nnstudio.export.model import (
    ExportError,
    ExportLayer,
    ExportModel,
    UntrainedError,
    from_project,
)
from nnstudio.export.onnx_model import onnx_bytes


@dataclass(frozen=True)
class Format:
    """One export format: its file suffix, a line for menus and help, and its writer."""

    name: str
    suffix: str
    description: str
    write: Callable[[ExportModel, Path], list[Path]]


def _writing(render: Callable[[ExportModel], bytes | str]):
    def write(model: ExportModel, path: Path) -> list[Path]:
        data = render(model)
        data = data.encode("utf-8") if isinstance(data, str) else data
        write_atomically(path, lambda f: f.write(data))
        return [path]

    return write


FORMATS = {
    f.name: f
    for f in (
        Format(
            "npz",
            ".npz",
            "NumPy NPZ: <layer>.weight/.bias arrays and model.json",
            numpy_code.write_npz,
        ),
        Format(
            "json",
            ".json",
            "JSON: architecture and weights as nested lists",
            _writing(tables.to_json),
        ),
        Format(
            "csv",
            ".csv",
            "CSV: one row per weight and bias (layer, parameter, from, to, value)",
            _writing(tables.to_csv),
        ),
        Format(
            "onnx",
            ".onnx",
            "ONNX (opset 17) for onnxruntime and other runtimes",
            _writing(onnx_bytes),
        ),
        Format(
            "pytorch", ".safetensors", "PyTorch: safetensors weights and a model.py", pytorch.write
        ),
        Format(
            "keras",
            ".weights.h5",
            "Keras 3: .weights.h5 and a model.py (needs h5py)",
            keras_h5.write,
        ),
        Format(
            "numpy",
            ".py",
            "Plain NumPy: a standalone predict.py with an NPZ beside it",
            numpy_code.write,
        ),
    )
}


def export(model: ExportModel, format_name: str, path) -> list[Path]:
    """Write ``model`` as ``format_name`` to ``path``; return every file written."""
    try:
        fmt = FORMATS[format_name]
    except KeyError:
        raise ExportError(
            f"unknown export format {format_name!r}; choose one of {', '.join(FORMATS)}"
        ) from None
    path = Path(path)
    try:
        return fmt.write(model, path)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None


__all__ = [
    "FORMATS",
    "ExportError",
    "ExportLayer",
    "ExportModel",
    "Format",
    "UntrainedError",
    "export",
    "from_project",
]
