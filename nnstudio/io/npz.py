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
from nnstudio.engine.network import MAX_PARAMETERS, Network
from nnstudio.errors import NNStudioError, SpecError
from nnstudio.safe_npz import read_arrays

FORMAT = "nnstudio.weights"
VERSION = 1
# the float64 weights of the largest network nnstudio builds, and its model.json
WEIGHT_BYTES = MAX_PARAMETERS * 8 + (16 << 20)


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
    for layer, (w, b) in zip(net.weighted_layers, net.get_weights()):
        arrays[f"{layer.name}.weight"] = w
        if layer.bias is not None:
            arrays[f"{layer.name}.bias"] = b
    write_atomically(path, lambda f: np.savez(f, **arrays))


def read_npz(path) -> tuple[dict, dict[str, np.ndarray]]:
    """The model description and the arrays of a weights file, checked for size."""
    path = Path(path)
    if not path.is_file():
        raise NNStudioError(f"{path}: no such file")
    arrays = read_arrays(path, path.name, WEIGHT_BYTES)
    try:
        model = json.loads(arrays.pop("model.json").tobytes().decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise NNStudioError(
            f"{path.name} has no valid model.json: not an nnstudio weights file"
        ) from None
    if not isinstance(model, dict) or model.get("format") != FORMAT:
        raise NNStudioError(f"{path.name} is not an nnstudio weights file")
    _check_model(model, path.name)
    return model, arrays


def _check_model(model: dict, name: str) -> None:
    """Refuse a model.json whose fields are not of their type (the network's own spec
    is checked by the engine)."""
    version = model.get("schema_version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise NNStudioError(f"{name}: model.json's schema_version is not a whole number")
    if version > VERSION:
        raise NNStudioError(
            f"{name} was written by a newer nnstudio (weights format version {version}); "
            "please update nnstudio"
        )
    if not isinstance(model.get("network"), dict):
        raise NNStudioError(f"{name}: model.json has no network description")
    if model.get("dtype", "float32") not in ("float32", "float64"):
        raise NNStudioError(f"{name}: model.json's dtype is not float32 or float64")
    metadata = model.get("metadata", {})
    if not isinstance(metadata, dict):
        raise NNStudioError(f"{name}: model.json's metadata is not a mapping")
    for key in ("class_names", "feature_names"):
        names = metadata.get(key)
        if names is not None and not (
            isinstance(names, list) and all(isinstance(n, str) for n in names)
        ):
            raise NNStudioError(f"{name}: model.json's {key} is not a list of names")
    if metadata.get("task") not in (None, "classification", "regression"):
        raise NNStudioError(f"{name}: model.json's task is not classification or regression")
    if metadata.get("scaler") is not None and not isinstance(metadata["scaler"], dict):
        raise NNStudioError(f"{name}: model.json's scaler is not a mapping")


def load_npz(path) -> tuple[Network, dict]:
    """Rebuild the network saved in ``path``; returns it and the saved metadata."""
    model, arrays = read_npz(path)
    net = Network.from_spec(model["network"], seed=0, dtype=model.get("dtype", "float32"))
    load_weights_into(net, arrays, Path(path).name)
    return net, model.get("metadata", {})


def load_weights_into(net: Network, arrays: dict[str, np.ndarray], source: str) -> None:
    """Set ``net``'s weights from arrays named like :func:`save_npz` writes them."""
    net.set_weights(_in_layer_order(net.weighted_layers, arrays, source))


def weights_to_import(path, spec: dict, scaler: dict | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(W, b), ...] of a weights file for a network of ``spec`` whose inputs are scaled
    by ``scaler`` (a ``Scaler.to_dict()``; None: unknown); refused, saying what differs,
    if the file's network computes something else with them: another activation or
    leaky-ReLU slope, biases on or off, another layer type, kernel, stride, padding,
    pool or dropout rate, or inputs scaled otherwise. Weights of another shape are
    returned as they are (``set_weights`` refuses them with both shapes)."""
    model, arrays = read_npz(path)
    name = Path(path).name
    try:
        trained = Network.from_spec(model["network"], seed=0)
        ours = Network.from_spec(spec, seed=0)
    except (KeyError, NNStudioError) as exc:
        raise NNStudioError(f"{name} has no valid network description ({exc})") from None
    weights = _in_layer_order(trained.weighted_layers, arrays, name)
    if trained.spec.sizes != ours.spec.sizes:
        return weights  # another shape: the network's set_weights says which
    differences = computing_differences(trained.spec, ours.spec, name)
    saved = (model.get("metadata") or {}).get("scaler")
    if scaler is not None and isinstance(saved, dict) and not same_scaling(saved, scaler):
        differences.append(
            f"inputs: scaled {saved.get('method')!r} with other statistics in {name}, "
            f"{scaler['method']!r} here"
        )
    if differences:
        raise NNStudioError(
            f"{name} was trained for another network or data, so its weights would give "
            f"other answers here: {'; '.join(differences)}"
        )
    return weights


_KEY_WORDS = {"use_bias": "biases", "type": "layer type"}
_NOT_COMPUTING = ("name", "initializer", "bias_initializer")  # keys that change no answer


def _key_words(key: str, activation: str | None) -> str:
    """What a key of a layer's spec is called in a refusal."""
    if key == "alpha":
        return "leaky-ReLU slope" if activation == "leaky_relu" else "ELU alpha"
    return _KEY_WORDS.get(key, key.replace("_", " "))


def computing_differences(trained, ours, name: str) -> list[str]:
    """What two network specs of the same sizes compute differently, layer by layer
    ("layer 2: activation 'tanh' in NAME, 'relu' here"); names and initialisers aside."""
    return [
        f"layer {i + 1}: {_key_words(key, a.get('activation'))} {a.get(key)!r} in {name}, "
        f"{b.get(key)!r} here"
        for i, (a, b) in enumerate(_computing(trained, ours))
        for key in sorted(set(a) | set(b))
        if a.get(key) != b.get(key)
    ]


def _computing(trained, ours):
    """Each pair of layers' spec entries, without the keys that change no answer."""
    for a, b in zip(trained.layers, ours.layers):
        yield tuple(
            {k: v for k, v in layer.to_dict().items() if k not in _NOT_COMPUTING}
            for layer in (a, b)
        )


def same_scaling(a: dict, b: dict) -> bool:
    """True if two ``Scaler.to_dict()``s scale alike (to float32 precision)."""
    try:
        return a["method"] == b["method"] and all(
            np.allclose(a[key], b[key], rtol=1e-6, atol=1e-9) for key in ("offset", "scale")
        )
    except (KeyError, TypeError, ValueError):
        return False


def _in_layer_order(layers, arrays: dict[str, np.ndarray], source: str) -> list:
    weights = []
    for layer in layers:
        try:
            w = arrays[f"{layer.name}.weight"]
        except KeyError:
            raise SpecError(f"{source} has no weights for layer {layer.name!r}") from None
        b = arrays.get(f"{layer.name}.bias", np.zeros(layer.bias_shape, w.dtype))
        for what, values in (("weights", w), ("biases", b)):
            if values.dtype.kind not in "fiu":
                raise SpecError(f"{source}: the {what} of layer {layer.name!r} are not numbers")
            if not np.isfinite(values).all():
                raise SpecError(f"{source}: the {what} of layer {layer.name!r} hold NaN or inf")
        weights.append((w, b))
    return weights
