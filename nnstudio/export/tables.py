"""Human-readable exports: JSON (architecture and weights as nested lists) and CSV (one
long table, a row per weight and per bias, for spreadsheets)."""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from nnstudio.export.model import ExportError, ExportLayer, ExportModel

JSON_FORMAT = "nnstudio.model"
JSON_VERSION = 1
CSV_HEADER = ("layer", "parameter", "from", "to", "value")


def to_json(model: ExportModel) -> str:
    """Every layer with ``weights`` as fan_in rows of fan_out numbers, and ``bias``."""
    layers = [
        {
            "name": layer.name,
            "units": layer.units,
            "activation": layer.activation,
            **({"alpha": layer.alpha} if layer.activation == "leaky_relu" else {}),
            "weights": layer.weight.astype(float).tolist(),
            "bias": layer.bias.astype(float).tolist(),
        }
        for layer in model.layers
    ]
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "inputs": model.inputs,
        **model.metadata(),
        "layers": layers,
    }
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def from_json(text: str) -> ExportModel:
    """Read back what :func:`to_json` wrote (for round trips and sharing)."""
    from nnstudio.datasets import Scaler

    try:
        document = json.loads(text)
        if document.get("format") != JSON_FORMAT:
            raise ExportError("not an nnstudio model JSON file")
        layers = tuple(
            ExportLayer(
                d["name"],
                d["activation"],
                np.asarray(d["weights"], np.float32).reshape(-1, d["units"]),
                np.asarray(d["bias"], np.float32),
                d.get("alpha", 0.01),
            )
            for d in document["layers"]
        )
        scaler = document.get("scaler")
        return ExportModel(
            document["inputs"],
            layers,
            Scaler.from_dict(scaler) if scaler else None,
            _tuple(document.get("feature_names")),
            _tuple(document.get("class_names")),
            document.get("task"),
            document.get("name", "network"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ExportError(f"not a valid nnstudio model JSON file ({exc})") from None


def _tuple(values) -> tuple | None:
    return tuple(values) if values else None


def to_csv(model: ExportModel) -> str:
    """Rows ``layer, weight, from, to, value`` (from/to are node indices) and
    ``layer, bias, , to, value``; values as float32 round-trip exactly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for layer in model.layers:
        rows, cols = np.indices(layer.weight.shape)
        for i, j, value in zip(rows.ravel(), cols.ravel(), layer.weight.ravel()):
            writer.writerow((layer.name, "weight", i, j, repr(float(value))))
        for j, value in enumerate(layer.bias):
            writer.writerow((layer.name, "bias", "", j, repr(float(value))))
    return out.getvalue()


def read_csv(text: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{layer: (W, b)} from :func:`to_csv`'s table."""
    reader = csv.reader(io.StringIO(text))
    if tuple(next(reader, ())) != CSV_HEADER:
        raise ExportError(
            "not an nnstudio weights table: the header must be " + ",".join(CSV_HEADER)
        )
    entries: dict[str, list] = {}
    for line, row in enumerate(reader, start=2):
        try:
            layer, parameter, source, target, value = row
            entries.setdefault(layer, []).append(
                (parameter, int(source) if source else -1, int(target), float(value))
            )
        except ValueError:
            raise ExportError(f"line {line} of the weights table is not valid: {row}") from None
    tables = {}
    for layer, rows in entries.items():
        weights = [(i, j, v) for p, i, j, v in rows if p == "weight"]
        shape = (max(i for i, _, _ in weights) + 1, max(j for _, j, _ in weights) + 1)
        w, b = np.zeros(shape, np.float32), np.zeros(shape[1], np.float32)
        for i, j, v in weights:
            w[i, j] = v
        for p, _, j, v in rows:
            if p == "bias":
                b[j] = v
        tables[layer] = (w, b)
    return tables
