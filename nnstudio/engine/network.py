"""Feed-forward networks of registered layer types (see :mod:`nnstudio.engine.layers`).

All parameters live in one flat vector (every weight of every layer first, then every
bias), and the gradients in a second vector of the same layout; each layer with
parameters sees views into both. Optimizers and regularisers then update the whole
network with a few NumPy calls, and L1/L2 reach exactly the weights through one slice.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence

import numpy as np

from nnstudio.engine import halves, threads
from nnstudio.engine.activations import Activation
from nnstudio.engine.layers import Layer, WeightedLayer, layer_type
from nnstudio.engine.layers.dense import Dense
from nnstudio.engine.losses import Loss
from nnstudio.engine.spec import NetworkSpec
from nnstudio.errors import SpecError, TrainingConfigError

__all__ = ["DTYPES", "Dense", "Network", "Workspace", "checked_seed"]

DTYPES = ("float32", "float64")
_PREDICT_CHUNK = 8192
_PREDICT_BYTES = 1 << 28  # the buffers of one chunk of predictions, at most


class Workspace:
    """Preallocated buffers for one batch size: every layer's outputs, deltas (dL/d
    output) and scratch, and the inputs each layer saw in the last forward pass."""

    def __init__(self, layers: Sequence[Layer], batch_size: int, dtype: np.dtype):
        self.batch_size = batch_size
        self.outputs = [layer.new_output(batch_size, dtype) for layer in layers]
        self.deltas = [np.empty((batch_size, *layer.output_shape), dtype) for layer in layers]
        self.scratch = [layer.scratch(batch_size, dtype, True) for layer in layers]
        self.activations: list[np.ndarray | None] = [None] * (len(layers) + 1)


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


def bind_views(layers: Sequence[WeightedLayer], parameters, gradients) -> None:
    """Give each layer its views into the flat vectors: every weight first, in layer
    order, then every bias."""
    w_at = 0
    b_at = sum(math.prod(layer.weight_shape) for layer in layers)
    for layer in layers:
        shape = layer.weight_shape
        size = math.prod(shape)
        layer.weight = parameters[w_at : w_at + size].reshape(shape)
        layer.grad_weight = gradients[w_at : w_at + size].reshape(shape)
        w_at += size
        if layer.use_bias:
            size = math.prod(layer.bias_shape)
            layer.bias = parameters[b_at : b_at + size]
            layer.grad_bias = gradients[b_at : b_at + size]
            b_at += size


def _gib(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


class Network:
    """A feed-forward network of layers with float32 or float64 parameters.

    ``layers`` holds every layer object in order; ``weighted_layers`` those with
    parameters (one ``(W, b)`` pair each in :meth:`get_weights`). ``split_batches``:
    train a batch as two halves on two threads where that pays (convolutions; see
    :mod:`nnstudio.engine.halves`).
    """

    def __init__(self, spec: NetworkSpec | Mapping, seed: int | None = 0, dtype: str = "float32"):
        if str(dtype) not in DTYPES:
            raise SpecError(f"dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        self.spec = NetworkSpec.from_dict(spec)
        self.dtype = np.dtype(dtype)
        shapes = self.spec.shapes
        self.layers: list[Layer] = [
            layer_type(ls.type_name)(ls, shape) for ls, shape in zip(self.spec.layers, shapes)
        ]
        for previous, layer in zip(self.layers, self.layers[1:]):
            layer.follow(previous)
        self.weighted_layers: list[WeightedLayer] = [
            layer for layer in self.layers if layer.has_parameters
        ]
        n_weights = sum(math.prod(layer.weight_shape) for layer in self.weighted_layers)
        n_biases = sum(
            math.prod(layer.bias_shape) for layer in self.weighted_layers if layer.use_bias
        )
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
        bind_views(self.weighted_layers, self.parameters, self.gradients)
        self._workspaces: dict[int, Workspace] = {}
        self._trained_with: Workspace | None = None  # the last training batch's buffers
        self._batch_outputs: np.ndarray | None = None
        self.split_batches = True
        self._halves: halves.Halves | None | bool = None  # False: not worthwhile
        self.initialize(seed)

    @classmethod
    def from_spec(
        cls, spec: NetworkSpec | Mapping, seed: int | None = 0, dtype: str = "float32"
    ) -> Network:
        """Build a network from a spec (see :mod:`nnstudio.engine.spec`)."""
        return cls(spec, seed=seed, dtype=dtype)

    # -- properties -------------------------------------------------------------------

    @property
    def input_shape(self) -> tuple[int, ...]:
        """One sample's shape: (features,) or (height, width, channels)."""
        return self.spec.input_shape

    @property
    def n_inputs(self) -> int:
        """Values per sample (height·width·channels for images)."""
        return math.prod(self.spec.input_shape)

    @property
    def output_shapes(self) -> list[tuple[int, ...]]:
        """The input's shape, then every layer's output shape."""
        return [self.input_shape] + [layer.output_shape for layer in self.layers]

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
        for layer in self.weighted_layers:
            layer.initialize(rng)
        self.seed_layers(seed)

    def seed_layers(self, seed) -> None:
        """Seed the random draws of the layers that make them (Dropout's masks) from
        ``seed`` (an int, a SeedSequence, or None for fresh entropy), one child
        sequence per layer: the same seed, the same masks."""
        sequence = (
            seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        )
        for layer, child in zip(self.layers, sequence.spawn(len(self.layers))):
            layer.seed(child)

    def get_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of [(W, b), ...], one pair per layer with parameters: Dense W of shape
        (fan_in, units), Conv2D W of shape (kernel_h, kernel_w, in_channels, filters);
        b of shape (units,) or (filters,) (zeros for a layer without bias)."""
        return [
            (
                layer.weight.copy(),
                layer.bias.copy()
                if layer.bias is not None
                else np.zeros(layer.bias_shape, self.dtype),
            )
            for layer in self.weighted_layers
        ]

    def set_weights(self, weights: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
        """Replace every weight and bias; shapes and finiteness are checked first."""
        for layer, (w, b) in zip(self.weighted_layers, self.check_weights(weights)):
            layer.weight[...] = w
            if layer.bias is not None:
                layer.bias[...] = b

    def check_weights(self, weights: Sequence[tuple[np.ndarray, np.ndarray]]) -> list:
        """``weights`` as float64 copies, checked against this network's layers with
        parameters (count, shapes, zero biases where there are none, finiteness);
        raises SpecError."""
        layers = self.weighted_layers
        if len(weights) != len(layers):
            which = "" if len(layers) == len(self.layers) else " with parameters"
            raise SpecError(f"expected weights for {len(layers)} layers{which}, got {len(weights)}")
        checked = []
        for layer, pair in zip(layers, weights):
            try:
                w, b = pair
            except (TypeError, ValueError):
                raise SpecError(f"layer {layer.name!r}: expected a (W, b) pair") from None
            w, b = np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
            if w.shape != layer.weight_shape:
                raise SpecError(
                    f"layer {layer.name!r}: W must have shape {layer.weight_shape}, got {w.shape}"
                )
            if b.shape != layer.bias_shape:
                raise SpecError(
                    f"layer {layer.name!r}: b must have shape {layer.bias_shape}, got {b.shape}"
                )
            if layer.bias is None and np.any(b != 0):
                raise SpecError(f"layer {layer.name!r} has no bias; its b must be zeros")
            if not (np.isfinite(w).all() and np.isfinite(b).all()):
                raise SpecError(f"layer {layer.name!r}: weights must be finite numbers")
            checked.append((w, b))
        return checked

    # -- inference --------------------------------------------------------------------

    def as_input(self, X) -> np.ndarray:
        """``X`` as a C-contiguous array of this network's dtype and input shape,
        checked: (n, features), or for images (n, h, w, c) or its rows (n, h·w·c)."""
        X = np.asarray(X)
        shape = self.input_shape
        if X.ndim == 1 and self.n_inputs == 1:
            X = X[:, None]
        if len(shape) > 1 and X.ndim == 2 and X.shape[1] == self.n_inputs:
            X = X.reshape(len(X), *shape)
        if X.shape[1:] != shape or X.ndim < 2:
            expected = ", ".join(map(str, shape))
            flat = f" or (n_samples, {self.n_inputs})" if len(shape) > 1 else ""
            raise TrainingConfigError(
                f"inputs must have shape (n_samples, {expected}){flat}, got {X.shape}"
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
        """Every layer's outputs for ``X`` (inference mode): what each one responds to."""
        a, outputs = self.as_input(X), []
        for layer in self.layers:
            a = self._infer(layer, a)
            outputs.append(a)
        return outputs

    def _infer(self, layer: Layer, x: np.ndarray) -> np.ndarray:
        n = x.shape[0]
        return layer.forward(
            x, layer.new_output(n, self.dtype), layer.scratch(n, self.dtype, False), False
        )

    def _forward(self, X: np.ndarray, apply_last: bool) -> np.ndarray:
        out = np.empty((X.shape[0], self.n_outputs), self.dtype)
        *hidden, last = self.layers
        chunk = self._predict_chunk()
        for start in range(0, X.shape[0], chunk):
            a = X[start : start + chunk]
            for layer in hidden:
                a = self._infer(layer, a)
            z = last.pre_activation(a, np.empty((a.shape[0], last.units), self.dtype))
            if apply_last:
                last.activation.forward(z)
            out[start : start + a.shape[0]] = z
        return out

    def _predict_chunk(self) -> int:
        row = sum(self._values_per_sample(False)) * self.dtype.itemsize
        return max(1, min(_PREDICT_CHUNK, _PREDICT_BYTES // row))

    # -- training ---------------------------------------------------------------------

    def _values_per_sample(self, training: bool) -> list[int]:
        """Per layer: the values one sample takes in its outputs (and deltas while
        training) and its scratch."""
        per_output = 2 if training else 1
        return [
            per_output * math.prod(layer.output_shape) + layer.scratch_values(training)
            for layer in self.layers
        ]

    def batch_bytes(self, rows: int) -> int:
        """The memory the layers' outputs, deltas and scratch take for ``rows``."""
        return rows * sum(self._values_per_sample(True)) * self.dtype.itemsize

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

    def replica(self) -> Network:
        """A network with this one's parameters (views of the same vector) but layers,
        gradients and buffers of its own, which trains batches whole: one half of a
        split batch trains on it."""
        twin = copy.copy(self)
        twin.layers = [copy.copy(layer) for layer in self.layers]
        twin.weighted_layers = [layer for layer in twin.layers if layer.has_parameters]
        twin.gradients = np.zeros_like(self.gradients)
        bind_views(twin.weighted_layers, twin.parameters, twin.gradients)
        twin._workspaces, twin._trained_with, twin._batch_outputs = {}, None, None
        twin.split_batches, twin._halves = False, False
        return twin

    def copy(self) -> Network:
        """A network of its own with a copy of this one's parameters, for another thread
        to compute with while this one trains or changes."""
        twin = self.replica()
        twin.parameters = self.parameters.copy()
        bind_views(twin.weighted_layers, twin.parameters, twin.gradients)
        return twin

    def batch_outputs(self) -> np.ndarray | None:
        """The output layer's outputs for the last batch :meth:`loss_and_gradients`
        trained on (None before any)."""
        return self._batch_outputs

    def training_threads(self, batch_size: int) -> int:
        """The threads a training step on batches of ``batch_size`` keeps busy: two
        once its batches train as halves; BLAS's when a layer's product is large enough
        for BLAS to share it; else one."""
        if self._halves:
            return 2
        largest = max(
            (
                batch_size * math.prod(layer.output_shape[:-1]) * math.prod(layer.weight_shape)
                for layer in self.weighted_layers
            ),
            default=0,
        )
        shared = largest > threads.BLAS_SHARES_ABOVE
        return (threads.blas_threads() or 1) if shared else 1

    def _halves_for(self, rows: int) -> halves.Halves | None:
        if not self.split_batches or rows < halves.MIN_BATCH or self._halves is False:
            return None
        if self._halves is None:
            self._halves = halves.Halves(self) if halves.worthwhile(self.layers) else False
        return self._halves or None

    def loss_and_gradients(
        self, x: np.ndarray, y: np.ndarray, loss: Loss, training: bool = True
    ) -> float:
        """Backpropagation on one batch: returns the mean loss and leaves dL/dθ in
        :attr:`gradients` and the batch's outputs in :meth:`batch_outputs`. ``x`` and
        ``y`` must already have this network's dtype and shapes. Layers such as Dropout
        act as in training unless ``training`` is False."""
        split = self._halves_for(x.shape[0])
        if split is not None:
            value = split.loss_and_gradients(x, y, loss, training)
            self._trained_with, self._batch_outputs = None, split.outputs
            return value
        ws = self._trained_with = self.workspace(x.shape[0])
        self._batch_outputs = ws.outputs[-1]
        layers, outputs, deltas, scratch, acts = (
            self.layers,
            ws.outputs,
            ws.deltas,
            ws.scratch,
            ws.activations,
        )
        last = len(layers) - 1
        acts[0] = a = x
        for i in range(last):
            acts[i + 1] = a = layers[i].forward(a, outputs[i], scratch[i], training)
        z = layers[last].pre_activation(a, outputs[last])
        value = loss.loss_and_delta(z, y, deltas[last])
        layers[last].backward_linear(a, deltas[last], deltas[last - 1] if last else None)
        for i in range(last - 1, -1, -1):
            layers[i].backward(
                acts[i], acts[i + 1], deltas[i], deltas[i - 1] if i else None, scratch[i]
            )
        return value

    def dropped_units(self) -> tuple[np.ndarray | None, ...]:
        """Per layer, what the last training batch's first sample lost to dropout
        (None for a layer that dropped nothing; all None before any training batch)."""
        ws = self._trained_with
        if ws is None:
            return (None,) * len(self.layers)
        return tuple(layer.dropped(s) for layer, s in zip(self.layers, ws.scratch))

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
        if all(isinstance(layer, Dense) for layer in self.layers):
            sizes = "-".join(str(s) for s in self.spec.sizes)
            acts = ", ".join(layer.activation.name for layer in self.layers)
            body = f"{sizes}; {acts}"
        else:
            body = " → ".join(layer.type_name for layer in self.layers)
        return f"Network({body}; {self.dtype.name}; {self.count_params()} params)"
