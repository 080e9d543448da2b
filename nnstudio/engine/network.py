"""Fully-connected feed-forward networks.

All weights live in one flat parameter vector (every layer's weights first, then every
bias), and the gradients in a second vector of the same layout; each layer sees views
into both. Optimizers and regularisers then update the whole network with a few NumPy
calls, and L1/L2 reach exactly the weights through one slice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from nnstudio.engine.activations import Activation, get_activation
from nnstudio.engine.initializers import get_initializer
from nnstudio.engine.losses import Loss
from nnstudio.engine.spec import LayerSpec, NetworkSpec
from nnstudio.errors import SpecError, TrainingConfigError

DTYPES = ("float32", "float64")
_PREDICT_CHUNK = 8192


class Dense:
    """A fully-connected layer: a = activation(x @ W + b), W of shape (fan_in, units).

    ``weight``/``bias`` and ``grad_weight``/``grad_bias`` are views into the network's
    flat parameter and gradient vectors (``bias`` is None without a bias).
    """

    def __init__(self, spec: LayerSpec, fan_in: int):
        self.spec = spec
        self.name = spec.name
        self.fan_in = fan_in
        self.units = spec.units
        self.activation: Activation = get_activation(spec.activation, **spec.activation_params())
        self.weight: np.ndarray
        self.bias: np.ndarray | None = None
        self.grad_weight: np.ndarray
        self.grad_bias: np.ndarray | None = None

    def pre_activation(self, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """z = x @ W + b, written into ``out``."""
        np.dot(x, self.weight, out=out)
        if self.bias is not None:
            out += self.bias
        return out

    def backward(self, x: np.ndarray, delta: np.ndarray, grad_x: np.ndarray | None) -> None:
        """From delta = dL/dz: dL/dW = xᵀ·delta, dL/db = Σ_rows delta, and, when
        ``grad_x`` is given, dL/dx = delta·Wᵀ written into it."""
        np.dot(x.T, delta, out=self.grad_weight)
        if self.grad_bias is not None:
            np.add.reduce(delta, axis=0, out=self.grad_bias)
        if grad_x is not None:
            np.dot(delta, self.weight.T, out=grad_x)

    def __repr__(self) -> str:
        return (
            f"Dense({self.name!r}, {self.fan_in}→{self.units}, "
            f"{self.activation.name}, bias={self.bias is not None})"
        )


class Workspace:
    """Preallocated buffers for one batch size: every layer's outputs and deltas."""

    def __init__(self, layers: Sequence[Dense], batch_size: int, dtype: np.dtype):
        self.batch_size = batch_size
        self.outputs = [np.empty((batch_size, layer.units), dtype) for layer in layers]
        self.deltas = [np.empty((batch_size, layer.units), dtype) for layer in layers]


MAX_SEED = 2**63  # seeds are stored as JSON integers and given to NumPy
MAX_PARAMETERS = 1 << 27  # 134 million: 1 GiB of float32 with their gradients
MAX_BATCH_BYTES = 1 << 30  # the layers' outputs and deltas for one batch


def checked_seed(seed):
    """``seed`` (None: fresh entropy) if it is a whole number 0 ≤ seed < 2**63, else
    TrainingConfigError."""
    if seed is not None and (
        isinstance(seed, bool)
        or not isinstance(seed, (int, np.integer))
        or not 0 <= seed < MAX_SEED
    ):
        raise TrainingConfigError(
            f"the seed must be a whole number from 0 to 2**63 - 1, got {seed!r}"
        )
    return seed


def _gib(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


class Network:
    """A feed-forward network of :class:`Dense` layers with float32 or float64 weights."""

    def __init__(self, spec: NetworkSpec | Mapping, seed: int | None = 0, dtype: str = "float32"):
        if str(dtype) not in DTYPES:
            raise SpecError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        self.spec = NetworkSpec.from_dict(spec)
        self.dtype = np.dtype(dtype)
        fan_ins = self.spec.sizes[:-1]
        self.layers = [Dense(ls, fan_in) for ls, fan_in in zip(self.spec.layers, fan_ins)]
        n_weights = sum(layer.fan_in * layer.units for layer in self.layers)
        n_biases = sum(layer.units for layer in self.layers if layer.spec.use_bias)
        if n_weights + n_biases > MAX_PARAMETERS:
            raise SpecError(
                f"this network has {n_weights + n_biases:,} parameters "
                f"({_gib(2 * (n_weights + n_biases) * self.dtype.itemsize)} with their "
                f"gradients); nnstudio trains networks of up to {MAX_PARAMETERS:,}: use "
                "fewer or narrower layers"
            )
        self.n_weights = n_weights
        self.parameters = np.zeros(n_weights + n_biases, self.dtype)
        self.gradients = np.zeros_like(self.parameters)
        self._bind_views()
        self._workspaces: dict[int, Workspace] = {}
        self.initialize(seed)

    @classmethod
    def from_spec(
        cls, spec: NetworkSpec | Mapping, seed: int | None = 0, dtype: str = "float32"
    ) -> Network:
        """Build a network from a spec (see :mod:`nnstudio.engine.spec`)."""
        return cls(spec, seed=seed, dtype=dtype)

    def _bind_views(self) -> None:
        w_at, b_at = 0, self.n_weights
        for layer in self.layers:
            size, shape = layer.fan_in * layer.units, (layer.fan_in, layer.units)
            layer.weight = self.parameters[w_at : w_at + size].reshape(shape)
            layer.grad_weight = self.gradients[w_at : w_at + size].reshape(shape)
            w_at += size
            if layer.spec.use_bias:
                layer.bias = self.parameters[b_at : b_at + layer.units]
                layer.grad_bias = self.gradients[b_at : b_at + layer.units]
                b_at += layer.units

    # -- properties -------------------------------------------------------------------

    @property
    def n_inputs(self) -> int:
        return self.spec.inputs

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].units

    @property
    def output_activation(self) -> Activation:
        return self.layers[-1].activation

    @property
    def weight_view(self) -> np.ndarray:
        """The slice of :attr:`parameters` holding every weight (no biases)."""
        return self.parameters[: self.n_weights]

    def count_params(self) -> int:
        return self.parameters.size

    # -- weights ----------------------------------------------------------------------

    def initialize(self, seed: int | None = 0) -> None:
        """(Re)draw every weight from its initialiser; the same seed, the same weights."""
        rng = np.random.default_rng(checked_seed(seed))
        for layer in self.layers:
            init = get_initializer(layer.spec.initializer)
            layer.weight[...] = init(rng, layer.fan_in, layer.units)
            if layer.bias is not None:
                if layer.spec.bias_initializer == "uniform":
                    layer.bias[...] = rng.uniform(-1.0, 1.0, size=layer.units)
                else:
                    layer.bias[...] = 0.0

    def get_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of [(W, b), ...]: W of shape (fan_in, fan_out), b of shape (fan_out,)
        (zeros for a layer without bias)."""
        return [
            (
                layer.weight.copy(),
                layer.bias.copy() if layer.bias is not None else np.zeros(layer.units, self.dtype),
            )
            for layer in self.layers
        ]

    def set_weights(self, weights: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        """Replace every weight and bias; shapes and finiteness are checked first."""
        for layer, (w, b) in zip(self.layers, self.check_weights(weights)):
            layer.weight[...] = w
            if layer.bias is not None:
                layer.bias[...] = b

    def check_weights(self, weights: Sequence[tuple[np.ndarray, np.ndarray]]) -> list:
        """``weights`` as float64 copies, checked against this network's layers (count,
        shapes, zero biases where there are none, finiteness); raises SpecError."""
        if len(weights) != len(self.layers):
            raise SpecError(f"expected weights for {len(self.layers)} layers, got {len(weights)}")
        checked = []
        for layer, pair in zip(self.layers, weights):
            try:
                w, b = pair
            except (TypeError, ValueError):
                raise SpecError(f"layer {layer.name!r}: expected a (W, b) pair") from None
            w, b = np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
            if w.shape != layer.weight.shape:
                raise SpecError(
                    f"layer {layer.name!r}: W must have shape {layer.weight.shape}, got {w.shape}"
                )
            if b.shape != (layer.units,):
                raise SpecError(
                    f"layer {layer.name!r}: b must have shape ({layer.units},), got {b.shape}"
                )
            if layer.bias is None and np.any(b != 0):
                raise SpecError(f"layer {layer.name!r} has no bias; its b must be zeros")
            if not (np.isfinite(w).all() and np.isfinite(b).all()):
                raise SpecError(f"layer {layer.name!r}: weights must be finite numbers")
            checked.append((w, b))
        return checked

    # -- inference --------------------------------------------------------------------

    def as_input(self, X) -> np.ndarray:
        """``X`` as a C-contiguous 2-D array of this network's dtype, checked."""
        X = np.asarray(X)
        if X.ndim == 1 and self.n_inputs == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise TrainingConfigError(
                f"inputs must have shape (n_samples, {self.n_inputs}), got {X.shape}"
            )
        if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
            raise TrainingConfigError(f"inputs must be real numbers, got dtype {X.dtype}")
        return np.ascontiguousarray(X, dtype=self.dtype)

    def logits(self, X) -> np.ndarray:
        """The output layer's pre-activations z for ``X`` (shape (n, n_outputs))."""
        return self._forward(self.as_input(X), apply_last=False)

    def predict(self, X) -> np.ndarray:
        """The network's outputs for ``X`` (shape (n_samples, n_outputs))."""
        return self._forward(self.as_input(X), apply_last=True)

    def layer_outputs(self, X) -> list[np.ndarray]:
        """Every layer's activations for ``X``: what each neuron responds to."""
        a, outputs = self.as_input(X), []
        for layer in self.layers:
            a = layer.pre_activation(a, np.empty((a.shape[0], layer.units), self.dtype))
            layer.activation.forward(a)
            outputs.append(a)
        return outputs

    def _forward(self, X: np.ndarray, apply_last: bool) -> np.ndarray:
        out = np.empty((X.shape[0], self.n_outputs), self.dtype)
        last = len(self.layers) - 1
        for start in range(0, X.shape[0], _PREDICT_CHUNK):
            a = X[start : start + _PREDICT_CHUNK]
            for i, layer in enumerate(self.layers):
                z = layer.pre_activation(a, np.empty((a.shape[0], layer.units), self.dtype))
                if i < last or apply_last:
                    layer.activation.forward(z)
                a = z
            out[start : start + a.shape[0]] = a
        return out

    # -- training ---------------------------------------------------------------------

    def batch_bytes(self, rows: int) -> int:
        """The memory the layers' outputs and deltas take for a batch of ``rows``."""
        return 2 * rows * sum(layer.units for layer in self.layers) * self.dtype.itemsize

    def check_batch(self, rows: int) -> None:
        """Refuse a batch whose buffers would pass MAX_BATCH_BYTES."""
        if self.batch_bytes(rows) > MAX_BATCH_BYTES:
            raise TrainingConfigError(
                f"a batch of {rows:,} samples needs {_gib(self.batch_bytes(rows))} for the "
                f"layers' activations and gradients, more than the {_gib(MAX_BATCH_BYTES)} "
                "nnstudio allows: choose a smaller batch size or narrower layers"
            )

    def workspace(self, batch_size: int) -> Workspace:
        """The buffers for a batch of ``batch_size`` rows (made once, then reused)."""
        ws = self._workspaces.get(batch_size)
        if ws is None:
            if len(self._workspaces) > 4:
                self._workspaces.clear()
            ws = self._workspaces[batch_size] = Workspace(self.layers, batch_size, self.dtype)
        return ws

    def loss_and_gradients(self, x: np.ndarray, y: np.ndarray, loss: Loss) -> float:
        """Backpropagation on one batch: returns the mean loss and leaves dL/dθ in
        :attr:`gradients`; the batch's outputs stay in ``workspace(len(x)).outputs[-1]``.
        ``x`` and ``y`` must already have this network's dtype and shapes."""
        ws = self.workspace(x.shape[0])
        layers, outputs, deltas = self.layers, ws.outputs, ws.deltas
        a = x
        for layer, z in zip(layers[:-1], outputs):
            layer.pre_activation(a, z)
            layer.activation.forward(z)
            a = z
        z = layers[-1].pre_activation(a, outputs[-1])
        value = loss.loss_and_delta(z, y, deltas[-1])
        for i in range(len(layers) - 1, 0, -1):
            layers[i].backward(outputs[i - 1], deltas[i], deltas[i - 1])
            layers[i - 1].activation.backward(outputs[i - 1], deltas[i - 1])
        layers[0].backward(x, deltas[0], None)
        return value

    def penalty(self, l1: float = 0.0, l2: float = 0.0) -> float:
        """The regularisation term l1·Σ|W| + l2/2·ΣW² (weights only, not biases)."""
        w = self.weight_view.astype(np.float64)
        return l1 * float(np.abs(w).sum()) + 0.5 * l2 * float(np.vdot(w, w))

    def add_penalty_gradient(self, l1: float = 0.0, l2: float = 0.0) -> None:
        """Add l1·sign(W) + l2·W to the weight gradients."""
        w, g = self.weight_view, self.gradients[: self.n_weights]
        if l2:
            g += l2 * w
        if l1:
            g += l1 * np.sign(w)

    def __repr__(self) -> str:
        sizes = "-".join(str(s) for s in self.spec.sizes)
        acts = ", ".join(layer.activation.name for layer in self.layers)
        return f"Network({sizes}; {acts}; {self.dtype.name}; {self.count_params()} params)"
