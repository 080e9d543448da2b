"""Plain NumPy export: a standalone ``predict.py`` and the weights beside it as NPZ."""

from __future__ import annotations

from pathlib import Path

from nnstudio.atomic import write_atomically
from nnstudio.export import codegen
from nnstudio.export.model import ExportModel
from nnstudio.io.npz import save_npz

FORWARD = """

def _softmax(z, alpha):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ACTIVATIONS = {
    "linear": lambda z, alpha: z,
    "sigmoid": lambda z, alpha: 0.5 * (1 + np.tanh(0.5 * z)),
    "tanh": lambda z, alpha: np.tanh(z),
    "relu": lambda z, alpha: np.maximum(z, 0),
    "leaky_relu": lambda z, alpha: np.where(z > 0, z, alpha * z),
    "softmax": _softmax,
}


def predict(X) -> np.ndarray:
    x = (np.asarray(X, dtype=np.float64) - OFFSET) / SCALE
    with np.load(WEIGHTS, allow_pickle=False) as weights:
        for name, activation, alpha in LAYERS:
            z = x @ weights[name + ".weight"] + weights[name + ".bias"]
            x = ACTIVATIONS[activation](z, alpha)
    return x
"""


def module_code(model: ExportModel, weights_file: str, script: str) -> str:
    layers = "".join(
        f"    ({layer.name!r}, {layer.activation!r}, {layer.alpha!r}),\n" for layer in model.layers
    )
    return codegen.module(
        model,
        script,
        weights_file,
        f"A forward pass that needs only NumPy; the weights are in {weights_file}.",
        "import numpy as np\n",
        f"# (layer, activation, leaky_relu slope)\nLAYERS = [\n{layers}]\n" + FORWARD,
    )


def write_npz(model: ExportModel, path: Path) -> list[Path]:
    save_npz(model.network(), path, model.metadata())
    return [path]


def weights_for(path: Path) -> Path:
    """The weights the script ``path`` loads, beside it (predict.py → predict.npz)."""
    return path.with_suffix(".npz")


def write(model: ExportModel, path: Path) -> list[Path]:
    """``path`` (.py) and its weights :func:`weights_for` beside it."""
    weights = weights_for(path)
    write_npz(model, weights)
    code = module_code(model, weights.name, path.name).encode("utf-8")
    write_atomically(path, lambda f: f.write(code))
    return [path, weights]
