"""Human-readable exports: JSON (architecture and weights as nested lists) and CSV (one
long table, a row per weight and per bias, for spreadsheets)."""

from __future__ import annotations

import csv
import io
import json

import numpy as np

from nnstudio.engine.network import Network
from nnstudio.errors import NNStudioError
from nnstudio.export.model import ExportError, ExportModel

JSON_FORMAT = "nnstudio.model"
JSON_VERSION = 2  # 2: every layer's spec entry ("type" and its keys); 1: dense layers
CSV_HEADER = ("layer", "parameter", "from", "to", "value")


def to_json(model: ExportModel) -> str:
    """``inputs`` and every layer's spec entry (``Network.from_spec`` reads them), with
    ``weights`` as nested lists in the engine's layout (Dense: fan_in rows of fan_out
    numbers; Conv2D: kernel_h × kernel_w × in_channels × filters) and ``bias`` for the
    layers with parameters."""
    spec = model.spec()
    for entry, layer in zip(spec["layers"], model.layers):
        if layer.has_parameters:
            entry["weights"] = layer.weight.astype(float).tolist()
            entry["bias"] = layer.bias.astype(float).tolist()
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "inputs": spec["inputs"],
        **model.metadata(),
        "layers": spec["layers"],
    }
    return json.dumps(document, indent=1, allow_nan=False) + "\n"


def from_json(text: str) -> ExportModel:
    """Read back what :func:`to_json` wrote (version 1 files too: dense layers)."""
    try:
        document = json.loads(text)
        if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
            raise ExportError("not an nnstudio model JSON file")
        if document.get("version", 1) > JSON_VERSION:
            raise ExportError(
                f"this model JSON file has version {document['version']}, newer than this "
                f"nnstudio reads ({JSON_VERSION}); please update nnstudio"
            )
        entries = [dict(entry) for entry in document["layers"]]
        weights = [
            (entry.pop("weights"), entry.pop("bias")) for entry in entries if "weights" in entry
        ]
        net = Network.from_spec({"inputs": document["inputs"], "layers": entries}, seed=0)
        net.set_weights(weights)
        return ExportModel.from_network(net, document, name=document.get("name") or "network")
    except (KeyError, TypeError, ValueError, AttributeError, NNStudioError) as exc:
        if isinstance(exc, ExportError):
            raise
        raise ExportError(f"not a valid nnstudio model JSON file ({exc})") from None


def to_csv(model: ExportModel) -> str:
    """Rows ``layer, weight, from, to, value`` and ``layer, bias, , to, value`` per layer
    with parameters; values as float32 round-trip exactly. ``from``/``to`` are node
    indices for Dense; for Conv2D ``to`` is the filter and ``from`` the index in the
    filter's kernel_h × kernel_w × in_channels values (W reshaped to (-1, filters))."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for layer in model.weighted_layers:
        weight = layer.weight.reshape(-1, layer.weight.shape[-1])
        rows, cols = np.indices(weight.shape)
        for i, j, value in zip(rows.ravel(), cols.ravel(), weight.ravel()):
            writer.writerow((layer.name, "weight", i, j, repr(float(value))))
        for j, value in enumerate(layer.bias):
            writer.writerow((layer.name, "bias", "", j, repr(float(value))))
    return out.getvalue()


def read_csv(text: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{layer: (W, b)} from :func:`to_csv`'s table; W as (from, to): a Conv2D's as
    (kernel_h·kernel_w·in_channels, filters)."""
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
