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
    companion: Callable[[Path], Path] | None = None  # the second file it writes, if any


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
            "pytorch",
            ".safetensors",
            "PyTorch: safetensors weights and a <name>_pytorch.py loader",
            pytorch.write,
            pytorch.script_for,
        ),
        Format(
            "keras",
            ".weights.h5",
            "Keras 3: .weights.h5 and a <name>_keras.py loader (needs h5py)",
            keras_h5.write,
            keras_h5.script_for,
        ),
        Format(
            "numpy",
            ".py",
            "Plain NumPy: a standalone predict.py with an NPZ beside it",
            numpy_code.write,
            numpy_code.weights_for,
        ),
    )
}
_SUFFIXES = sorted({f.suffix for f in FORMATS.values()} | {".h5"}, key=len, reverse=True)


def output_path(fmt: Format, path: Path) -> Path:
    """``path`` with the format's suffix added if it has none; a path with another
    format's suffix is refused (``-o x.npz`` for a script would hide what it writes)."""
    name = path.name
    if name.endswith(fmt.suffix):
        return path
    other = next((s for s in _SUFFIXES if name.lower().endswith(s)), None)
    if other is None:
        return path.with_name(name + fmt.suffix)
    beside = ""
    if fmt.companion is not None:
        beside = f" (and {fmt.companion(Path('NAME' + fmt.suffix)).name} beside it)"
    raise ExportError(
        f"{name}: the {fmt.name} export writes NAME{fmt.suffix}{beside}, not a {other} "
        f"file; give a name ending in {fmt.suffix}"
    )


def files_written(fmt: Format, path: Path) -> list[Path]:
    """Every file an export to ``path`` writes."""
    path = output_path(fmt, path)
    return [path, fmt.companion(path)] if fmt.companion else [path]


def export(model: ExportModel, format_name: str, path, source=None) -> list[Path]:
    """Write ``model`` as ``format_name`` to ``path`` (its suffix added if it has none);
    return every file written. Refused before anything is written if one of them
    would replace ``source`` (the file the model was read from)."""
    try:
        fmt = FORMATS[format_name]
    except KeyError:
        raise ExportError(
            f"unknown export format {format_name!r}; choose one of {', '.join(FORMATS)}"
        ) from None
    files = files_written(fmt, Path(path))
    if source is not None:
        for file in files:
            if _same_file(file, Path(source)):
                raise ExportError(
                    f"{file} is the file being exported: writing it would replace it; "
                    "choose another name"
                )
    try:
        return fmt.write(model, files[0])
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None


FLOAT32_STEP = 2.0**-23  # float32's relative precision: the ONNX model's input type
PRECISION_NOTICE = 1e-4  # a loss of precision in the scaled inputs worth saying


def precision_note(model: ExportModel, format_name: str) -> str:
    """What the export loses where its input is float32 (ONNX): raw features far from 0
    compared with their spread lose precision before the graph scales them; "" when
    the loss is below 1e-4 of a scaled input."""
    scaler = model.scaler
    if format_name != "onnx" or scaler is None or not len(scaler.offset):
        return ""
    lost = FLOAT32_STEP * (abs(scaler.offset) + scaler.scale) / scaler.scale
    worst = int(lost.argmax())
    if lost[worst] < PRECISION_NOTICE:
        return ""
    name = model.feature_names[worst] if model.feature_names else f"input {worst}"
    return (
        f"the ONNX model takes float32 inputs: {name!r} (around {scaler.offset[worst]:.4g}, "
        f"spread {scaler.scale[worst]:.3g}) loses up to {lost[worst]:.1g} of a scaled unit "
        "before scaling; subtract its mean from the data first, or use another format"
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


__all__ = [
    "FORMATS",
    "ExportError",
    "ExportLayer",
    "ExportModel",
    "Format",
    "UntrainedError",
    "export",
    "files_written",
    "from_project",
    "output_path",
    "precision_note",
]
