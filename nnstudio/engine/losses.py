"""Losses, each bound to the output layer's activation.

``loss_and_delta(z, y, delta)`` takes the output layer's pre-activations ``z`` (turned
into its outputs in place), writes dL/dz into ``delta`` and returns the mean loss.
The ``reduction`` is what the gradient is the gradient of: "mean" (the loss averaged, as
by default in PyTorch and Keras) or "sum" (summed, as PyTorch's ``reduction="sum"``:
squares without a ½, so a tutorial's ``w += X.T @ error`` is plain SGD at lr 0.5).
The returned value is the mean either way, so curves of both compare.
Cross-entropies are fused with their activation and computed from the logits, so they
stay finite when the outputs saturate. ``value(z, y)`` is the same loss for evaluation
and leaves ``z`` alone.
"""

from __future__ import annotations

import numpy as np

from nnstudio.engine.activations import Activation
from nnstudio.errors import SpecError

REDUCTIONS = ("mean", "sum")


class Loss:
    """Base class of the losses below."""

    name = ""

    def __init__(self, activation: Activation, reduction: str = "mean"):
        if reduction not in REDUCTIONS:
            raise SpecError(
                f"unknown loss reduction {reduction!r}; choose one of: {', '.join(REDUCTIONS)}"
            )
        self.activation = activation
        self.reduction = reduction

    def per_term(self, terms: int) -> float:
        """The factor of each term's gradient: 1/terms for a mean, 1 for a sum."""
        return 1.0 / terms if self.reduction == "mean" else 1.0

    def loss_and_delta(self, z: np.ndarray, y: np.ndarray, delta: np.ndarray) -> float:
        raise NotImplementedError

    def value(self, z: np.ndarray, y: np.ndarray) -> float:
        scratch = np.empty_like(z)
        return self.loss_and_delta(z.copy(), y, scratch)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(activation={self.activation.name!r}, "
            f"reduction={self.reduction!r})"
        )


class MeanSquaredError(Loss):
    """L = mean over all outputs of (a − y)²; dL/da = 2 (a − y) / (n·k) (2 (a − y)
    summed)."""

    name = "mse"

    def loss_and_delta(self, z, y, delta):
        activation = self.activation
        pre = z.copy() if activation.needs_preactivation else None  # silu, gelu: dL/dz needs z
        activation.forward(z)
        np.subtract(z, y, out=delta)
        loss = float(np.vdot(delta, delta)) / delta.size
        delta *= 2.0 * self.per_term(delta.size)
        if pre is None:
            activation.backward(z, delta)
        else:
            activation.backward(z, delta, pre)
        return loss


class BinaryCrossEntropy(Loss):
    """L = mean of softplus(z) − y·z (= −y log a − (1−y) log(1−a) with a = sigmoid(z));
    dL/dz = (a − y) / (n·k)."""

    name = "binary_crossentropy"

    def __init__(self, activation, reduction="mean"):
        if activation.name != "sigmoid":
            raise SpecError(
                "binary_crossentropy needs a sigmoid output layer "
                f"(the output activation is {activation.name}); set it to sigmoid, "
                "or use mse"
            )
        super().__init__(activation, reduction)

    def loss_and_delta(self, z, y, delta):
        np.logaddexp(0.0, z, out=delta)
        # per element, log(1 + e^z) - y·z never rounds below zero; summing the two terms
        # apart cancelled to a small negative loss once the network was right (seen:
        # -1.7e-07 on the spiral set)
        delta -= y * z
        loss = float(np.add.reduce(delta, axis=None)) / z.size
        self.activation.forward(z)
        np.subtract(z, y, out=delta)
        delta *= self.per_term(z.size)
        return loss


class CategoricalCrossEntropy(Loss):
    """L = −mean over samples of Σ_i y_i log softmax(z)_i; dL/dz = (a − y) / n.
    Rows of ``y`` are one-hot or probabilities (each row sums to 1)."""

    name = "categorical_crossentropy"

    def __init__(self, activation, reduction="mean"):
        if activation.name != "softmax":
            raise SpecError(
                "categorical_crossentropy needs a softmax output layer "
                f"(the output activation is {activation.name}); set it to softmax"
            )
        super().__init__(activation, reduction)

    def loss_and_delta(self, z, y, delta):
        n = z.shape[0]
        z -= np.maximum.reduce(z, axis=1, keepdims=True)
        y_dot_z = float(np.vdot(y, z))
        np.exp(z, out=z)
        row_sums = np.add.reduce(z, axis=1, keepdims=True)
        loss = (float(np.add.reduce(np.log(row_sums), axis=None)) - y_dot_z) / n
        z /= row_sums
        np.subtract(z, y, out=delta)
        delta *= self.per_term(n)
        return loss


class PerceptronError(Loss):
    """Rosenblatt's rule as a loss of step neurons: a = step(z), dL/dz = (a − y) / n, so
    that plain gradient descent makes w ← w + lr·(y − a)·x / n (for n = 1, the classic
    online rule). Its value is the fraction of outputs that are wrong."""

    name = "perceptron"

    def __init__(self, activation, reduction="mean"):
        if activation.name != "step":
            raise SpecError(
                "the perceptron rule trains step neurons (the output activation is "
                f"{activation.name}); set the output activation to step"
            )
        super().__init__(activation, reduction)

    def loss_and_delta(self, z, y, delta):
        self.activation.forward(z)
        np.subtract(z, y, out=delta)
        wrong = float(np.count_nonzero(delta)) / delta.size
        delta *= self.per_term(z.shape[0])
        return wrong


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (MeanSquaredError, BinaryCrossEntropy, CategoricalCrossEntropy, PerceptronError)
}


def default_loss_name(activation: Activation) -> str:
    """The loss that suits an output activation: softmax → categorical cross-entropy,
    sigmoid → binary cross-entropy, step → the perceptron rule (its gradient is zero
    everywhere else), anything else → mse."""
    return {
        "softmax": "categorical_crossentropy",
        "sigmoid": "binary_crossentropy",
        "step": "perceptron",
    }.get(activation.name, "mse")


def get_loss(name: str | None, activation: Activation, reduction: str = "mean") -> Loss:
    """Build the loss ``name`` for an output layer with ``activation``."""
    if name is None:
        name = default_loss_name(activation)
    try:
        cls = LOSSES[name]
    except (KeyError, TypeError):
        raise SpecError(f"unknown loss {name!r}; choose one of: {', '.join(LOSSES)}") from None
    return cls(activation, reduction)
