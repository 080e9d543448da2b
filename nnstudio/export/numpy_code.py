"""Plain NumPy export: a standalone ``predict.py`` and the weights beside it as NPZ.

The script holds ``LAYERS``: one entry per layer that computes something (Dropout,
identity at inference, and a Flatten of flat rows are left out), each a dict whose
``"type"`` picks its forward function in the script's ``FORWARD`` table. Convolution
and pooling work on channels-last images with sliding-window views; GELU uses an exact
erf (W. J. Cody's rational approximations, as nnstudio's engine).
"""

from __future__ import annotations

from pathlib import Path

from nnstudio.atomic import write_atomically
from nnstudio.export import codegen
from nnstudio.export.model import ExportLayer, ExportModel, writer
from nnstudio.io.npz import save_npz

ERF = '''

# W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
# (1969): numerator and denominator coefficients, highest degree first
ERF_SMALL = (
    (1.85777706184603153e-1, 3.16112374387056560e0, 1.13864154151050156e2,
     3.77485237685302021e2, 3.20937758913846947e3),
    (1.0, 2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3,
     2.84423683343917062e3),
)
ERFC_MID = (
    (2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e0,
     6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2,
     1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3),
    (1.0, 1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2,
     1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
     3.43936767414372164e3, 1.23033935480374942e3),
)
ERFC_LARGE = (
    (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
     1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4),
    (1.0, 2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1,
     6.05183413124413191e-2, 2.33520497626869185e-3),
)


def _ratio(x, coefficients):
    return np.polyval(coefficients[0], x) / np.polyval(coefficients[1], x)


def erf(x):
    """The error function: x·P(x²)/Q(x²) for |x| ≤ 0.46875, else 1 − erfc(|x|) with sign."""
    y = np.minimum(np.abs(x), 30.0)
    small = np.clip(x, -0.46875, 0.46875)
    inner = small * _ratio(small * small, ERF_SMALL)
    mid = _ratio(np.clip(y, 0.46875, 4.0), ERFC_MID)
    far = np.maximum(y, 4.0)
    w = 1.0 / (far * far)
    large = (1.0 / np.sqrt(np.pi) - w * _ratio(w, ERFC_LARGE)) / far
    erfc = np.where(y <= 4.0, mid, large) * np.exp(-y * y)
    return np.where(y <= 0.46875, inner, np.copysign(1.0 - erfc, x))
'''

SQUASHING = """

def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))
"""

FORWARD = '''

def _windows(x, size, stride):
    """x's size × size windows, stride apart: (n, out_h, out_w, channels, size, size)."""
    view = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(1, 2))
    return view[:, ::stride, ::stride]


def _bias(layer, weights):
    """The layer's biases (0 for a layer saved without them)."""
    key = layer["name"] + ".bias"
    return weights[key] if key in weights else 0.0


def dense(x, layer, weights):
    z = x @ weights[layer["name"] + ".weight"] + _bias(layer, weights)
    return ACTIVATIONS[layer["activation"]](z, layer["alpha"])


def conv2d(x, layer, weights):
    """Kernels (k, k, in_channels, filters) over x zero-padded by (top, bottom, left, right)."""
    top, bottom, left, right = layer["pads"]
    x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    kernel = weights[layer["name"] + ".weight"]
    windows = _windows(x, kernel.shape[0], layer["stride"])
    z = np.einsum("nhwcij,ijcf->nhwf", windows, kernel, optimize=True)
    z = z + _bias(layer, weights)
    return ACTIVATIONS[layer["activation"]](z, layer["alpha"])


def maxpool2d(x, layer, weights):
    return _windows(x, layer["pool_size"], layer["stride"]).max(axis=(4, 5))


def avgpool2d(x, layer, weights):
    return _windows(x, layer["pool_size"], layer["stride"]).mean(axis=(4, 5))


def flatten(x, layer, weights):
    return x.reshape(len(x), -1)  # channels last: (h, w, c) order


FORWARD = {f.__name__: f for f in (dense, conv2d, maxpool2d, avgpool2d, flatten)}


def predict(X) -> np.ndarray:
    """Outputs for raw samples: rows of features, images (n, h, w, c) or their rows."""
    X = np.asarray(X, dtype=np.float64)
    x = ((X.reshape(len(X), -1) - OFFSET) / SCALE).reshape(-1, *INPUT_SHAPE)
    with np.load(WEIGHTS, allow_pickle=False) as weights:
        for layer in LAYERS:
            x = FORWARD[layer["type"]](x, layer, weights)
    return x
'''


# each activation's code in the script's ACTIVATIONS: a function of z and alpha
ACTIVATIONS = {
    "linear": "lambda z, alpha: z",
    "sigmoid": "lambda z, alpha: _sigmoid(z)",
    "tanh": "lambda z, alpha: np.tanh(z)",
    "relu": "lambda z, alpha: np.maximum(z, 0)",
    "leaky_relu": "lambda z, alpha: np.where(z > 0, z, alpha * z)",
    "softmax": "lambda z, alpha: _softmax(z)",
    "step": "lambda z, alpha: np.heaviside(z, 1.0)",
    "elu": "lambda z, alpha: np.maximum(z, 0) + alpha * np.expm1(np.minimum(z, 0))",
    "softplus": "lambda z, alpha: np.logaddexp(0.0, z)",
    "silu": "lambda z, alpha: z * _sigmoid(z)",
    "gelu": "lambda z, alpha: 0.5 * z * (1 + erf(z / np.sqrt(2.0)))",
}


def _weighted(layer: ExportLayer) -> dict:
    writer(ACTIVATIONS, layer, "NumPy", activation=True)  # refused here, not in the script
    return {"activation": layer.activation, "alpha": layer.alpha}


def _conv2d(layer: ExportLayer) -> dict:
    pads = layer.spec.padding_of(layer.input_shape)
    return {"stride": layer.spec.stride, "pads": pads, **_weighted(layer)}


def _pool(layer: ExportLayer) -> dict:
    return {"pool_size": layer.spec.pool_size, "stride": layer.spec.stride}


def _flatten(layer: ExportLayer) -> dict | None:
    return {} if len(layer.input_shape) > 1 else None


# per layer type: the keys of its LAYERS entry beside type and name (None: no entry)
ENTRIES = {
    "dense": _weighted,
    "conv2d": _conv2d,
    "maxpool2d": _pool,
    "avgpool2d": _pool,
    "flatten": _flatten,
    "dropout": lambda layer: None,
}


def layer_entries(model: ExportModel) -> list[dict]:
    """The script's LAYERS: one dict per layer that computes something."""
    entries = []
    for layer in model.layers:
        keys = writer(ENTRIES, layer, "NumPy")(layer)
        if keys is not None:
            entries.append({"type": layer.type_name, "name": layer.name, **keys})
    return entries


def module_code(model: ExportModel, weights_file: str, script: str) -> str:
    entries = "".join(f"    {entry!r},\n" for entry in layer_entries(model))
    activations = "".join(f"    {name!r}: {code},\n" for name, code in ACTIVATIONS.items())
    return codegen.module(
        model,
        script,
        weights_file,
        f"A forward pass that needs only NumPy; the weights are in {weights_file}.",
        "import numpy as np\n",
        f"INPUT_SHAPE = {model.input_shape!r}\nLAYERS = [\n{entries}]\n"
        + ERF
        + SQUASHING
        + f"\n\nACTIVATIONS = {{\n{activations}}}\n"
        + FORWARD,
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
    code = module_code(model, weights.name, path.name).encode("utf-8")
    write_npz(model, weights)
    write_atomically(path, lambda f: f.write(code))
    return [path, weights]
