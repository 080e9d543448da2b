"""Weights as NPZ: one array per weight and bias, plus the model description as JSON.

Arrays: ``<layer>.weight`` (fan_in, fan_out) and ``<layer>.bias`` (fan_out,) for each
layer in order, and ``model.json``: UTF-8 JSON in a uint8 array, holding the format
name and version, the network spec and any metadata (preprocessing, class names).
Everything loads with ``np.load(path, allow_pickle=False)``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from nnstudio.atomic import write_atomically
from nnstudio.engine.network import Network
from nnstudio.errors import NNStudioError, SpecError
from nnstudio.safe_npz import read_arrays

FORMAT = "nnstudio.weights"
VERSION = 1
_MAX_BYTES = 1 << 30


def save_npz(net: Network, path, metadata: dict | None = None) -> None:
    """Write ``net``'s weights and spec (and JSON-ready ``metadata``) to ``path``."""
    model = {
        "format": FORMAT,
        "schema_version": VERSION,
        "dtype": net.dtype.name,
        "network": net.spec.to_dict(),
        "metadata": metadata or {},
    }
    arrays = {
        "model.json": np.frombuffer(
            json.dumps(model, allow_nan=False).encode("utf-8"), dtype=np.uint8
        )
    }
    for layer, (w, b) in zip(net.layers, net.get_weights()):
        arrays[f"{layer.name}.weight"] = w
        if layer.bias is not None:
            arrays[f"{layer.name}.bias"] = b
    write_atomically(path, lambda f: np.savez(f, **arrays))


def read_npz(path) -> tuple[dict, dict[str, np.ndarray]]:
    """The model description and the arrays of a weights file, checked for size."""
    path = Path(path)
    if not path.is_file():
        raise NNStudioError(f"{path}: no such file")
    arrays = read_arrays(path, path.name, _MAX_BYTES)
    try:
        model = json.loads(arrays.pop("model.json").tobytes().decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError):
        raise NNStudioError(
            f"{path.name} has no valid model.json: not an nnstudio weights file"
        ) from None
    if not isinstance(model, dict) or model.get("format") != FORMAT:
        raise NNStudioError(f"{path.name} is not an nnstudio weights file")
    if model.get("schema_version", 0) > VERSION:
        raise NNStudioError(
            f"{path.name} was written by a newer nnstudio (weights format "
            f"version {model.get('schema_version')}); please update nnstudio"
        )
    return model, arrays


def load_npz(path) -> tuple[Network, dict]:
    """Rebuild the network saved in ``path``; returns it and the saved metadata."""
    model, arrays = read_npz(path)
    net = Network.from_spec(model["network"], seed=0, dtype=model.get("dtype", "float32"))
    load_weights_into(net, arrays, Path(path).name)
    return net, model.get("metadata", {})


def load_weights_into(net: Network, arrays: dict[str, np.ndarray], source: str) -> None:
    """Set ``net``'s weights from arrays named like :func:`save_npz` writes them."""
    net.set_weights(_in_layer_order(net.layers, arrays, source))


def read_weights(path) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(W, b), ...] in layer order from a weights file (the caller checks shapes)."""
    model, arrays = read_npz(path)
    try:
        spec = Network.from_spec(model["network"], seed=0).spec
    except (KeyError, NNStudioError) as exc:
        raise NNStudioError(f"{Path(path).name} has no valid network description ({exc})") from None
    return _in_layer_order(spec.layers, arrays, Path(path).name)


def _in_layer_order(layers, arrays: dict[str, np.ndarray], source: str) -> list:
    weights = []
    for layer in layers:
        try:
            w = arrays[f"{layer.name}.weight"]
        except KeyError:
            raise SpecError(f"{source} has no weights for layer {layer.name!r}") from None
        weights.append((w, arrays.get(f"{layer.name}.bias", np.zeros(layer.units, w.dtype))))
    return weights
