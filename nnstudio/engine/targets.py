"""Checking training data against a network and turning labels into targets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnstudio.engine.losses import BinaryCrossEntropy, CategoricalCrossEntropy, Loss
from nnstudio.engine.network import Network
from nnstudio.errors import TrainingConfigError


@dataclass(frozen=True)
class Targets:
    """Inputs and targets ready for training: both C-contiguous, of the network's dtype.

    ``labels`` holds the class of each sample where accuracy means something
    (``accuracy`` is then "argmax" or "threshold"), else None.
    """

    X: np.ndarray
    y: np.ndarray
    labels: np.ndarray | None
    accuracy: str | None


def prepare(net: Network, X, y, loss: Loss, what: str = "training data") -> Targets:
    """Validate ``X``/``y`` for ``net`` and ``loss``; integer class labels become one-hot
    rows for categorical cross-entropy. Raises :class:`TrainingConfigError`."""
    try:
        X = net.as_input(X)
    except TrainingConfigError as exc:
        raise TrainingConfigError(f"{what}: {exc}") from None
    y = np.asarray(y)
    k = net.n_outputs
    if len(X) == 0:
        raise TrainingConfigError(f"{what} has no samples")
    if y.ndim == 0 or len(y) != len(X):
        raise TrainingConfigError(
            f"{what}: {len(X)} input rows but {0 if y.ndim == 0 else len(y)} labels"
        )
    if not np.issubdtype(y.dtype, np.number) and y.dtype != bool:
        raise TrainingConfigError(f"{what}: labels must be numbers, got dtype {y.dtype}")
    if not np.isfinite(X).all():
        raise TrainingConfigError(f"{what}: inputs contain NaN or infinite values")
    if not np.isfinite(y).all():
        raise TrainingConfigError(f"{what}: labels contain NaN or infinite values")

    if isinstance(loss, CategoricalCrossEntropy) and (y.ndim == 1 or y.shape[1:] == (1,)):
        y = _one_hot(y.reshape(-1), k, what)
    elif y.ndim == 1:
        y = y[:, None]
    if y.ndim != 2 or y.shape[1] != k:
        raise TrainingConfigError(
            f"{what}: labels have shape {y.shape} but the output layer has {k} unit(s); "
            f"give labels of shape (n, {k})"
            + (
                " or integer class labels of shape (n,)"
                if isinstance(loss, CategoricalCrossEntropy)
                else ""
            )
        )
    if isinstance(loss, (BinaryCrossEntropy, CategoricalCrossEntropy)):
        if y.min() < 0 or y.max() > 1:
            raise TrainingConfigError(
                f"{what}: {loss.name} needs targets between 0 and 1, "
                f"got values from {y.min()} to {y.max()}"
            )
    if isinstance(loss, CategoricalCrossEntropy):
        sums = y.sum(axis=1)
        if not np.allclose(sums, 1.0, atol=1e-3):
            raise TrainingConfigError(
                f"{what}: each row of one-hot labels must sum to 1 "
                f"(row {int(np.argmax(np.abs(sums - 1)))} sums to {sums.max():g})"
            )
    y = np.ascontiguousarray(y, dtype=net.dtype)
    accuracy, labels = _accuracy_kind(y, loss)
    return Targets(X, y, labels, accuracy)


def _one_hot(labels: np.ndarray, k: int, what: str) -> np.ndarray:
    if not np.all(labels == np.round(labels)) or labels.min() < 0 or labels.max() >= k:
        raise TrainingConfigError(
            f"{what}: class labels must be whole numbers from 0 to {k - 1} for an output "
            f"layer of {k} units, got values from {labels.min()} to {labels.max()}"
        )
    one_hot = np.zeros((len(labels), k))
    one_hot[np.arange(len(labels)), labels.astype(np.intp)] = 1.0
    return one_hot


def _accuracy_kind(y: np.ndarray, loss: Loss) -> tuple[str | None, np.ndarray | None]:
    binary = bool(np.isin(y, (0, 1)).all())
    if y.shape[1] > 1 and (
        isinstance(loss, CategoricalCrossEntropy) or (binary and np.all(y.sum(axis=1) == 1))
    ):
        return "argmax", y.argmax(axis=1)
    if y.shape[1] == 1 and (binary or isinstance(loss, BinaryCrossEntropy)):
        return "threshold", (y[:, 0] > 0.5)
    return None, None


def count_correct(outputs: np.ndarray, labels: np.ndarray, kind: str) -> int:
    """How many rows of ``outputs`` predict their label (argmax, or output > 0.5)."""
    if kind == "argmax":
        return int(np.count_nonzero(outputs.argmax(axis=1) == labels))
    return int(np.count_nonzero((outputs[:, 0] > 0.5) == labels))
