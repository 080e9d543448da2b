"""What a training run reports: immutable snapshots with read-only weight copies."""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from nnstudio.engine.network import Network

RUNNING, PAUSED, FINISHED, STOPPED, DIVERGED = (
    "running",
    "paused",
    "finished",
    "stopped",
    "diverged",
)


@dataclass(frozen=True)
class BestEpoch:
    """The epoch with the lowest loss so far (validation loss when there is a
    validation split): its metrics, the step it ended at, and the weights then."""

    step: int
    metrics: MappingProxyType
    weights: tuple[tuple[np.ndarray, np.ndarray], ...]


@dataclass(frozen=True)
class Snapshot:
    """The state of a training run at one moment; arrays are read-only copies.

    ``losses`` holds the loss of every step since the previous snapshot; ``epochs``
    the metrics of every epoch finished since then; ``metrics`` the latest epoch's;
    ``gradient_rms`` the root-mean-square weight gradient of each layer with parameters
    at the latest step (vanishing or exploding gradients show there); ``cpu_cores`` how
    many cores the training process kept busy since the previous snapshot (BLAS threads
    included), ``threads`` how many its steps keep busy by design (two when batches
    train as halves or BLAS shares the products: it may get fewer while the machine
    is busy);
    ``best`` the best epoch, when one finished since the previous snapshot;
    ``lr_changes`` the learning rates set live that steps since then trained with, as
    (steps trained before the change, new rate); ``dropped`` per layer what the latest
    step's first sample lost to dropout (None for layers that dropped nothing).
    """

    status: str
    epoch: int
    step: int
    losses: np.ndarray
    epochs: tuple[MappingProxyType, ...]
    metrics: MappingProxyType
    weights: tuple[tuple[np.ndarray, np.ndarray], ...]
    samples_per_second: float
    elapsed: float
    message: str = ""
    gradient_rms: tuple[float, ...] = ()
    cpu_cores: float = 0.0
    threads: int = 1
    best: BestEpoch | None = None
    lr_changes: tuple[tuple[int, float], ...] = ()
    dropped: tuple[np.ndarray | None, ...] = ()

    @property
    def finished(self) -> bool:
        """True for the last snapshot of a run (finished, stopped or diverged)."""
        return self.status in (FINISHED, STOPPED, DIVERGED)


def weight_views(net: Network, parameters: np.ndarray) -> tuple:
    """[(W, b), ...] of the layers with parameters, as views into ``parameters``, a
    read-only copy of ``net.parameters`` (a layer without bias gets read-only zeros)."""
    pairs, w_at, b_at = [], 0, net.n_weights
    for layer in net.weighted_layers:
        size = math.prod(layer.weight_shape)
        w = parameters[w_at : w_at + size].reshape(layer.weight_shape)
        w_at += size
        if layer.bias is not None:
            b = parameters[b_at : b_at + layer.bias.size]
            b_at += layer.bias.size
        else:
            b = np.zeros(layer.bias_shape, net.dtype)
            b.flags.writeable = False
        pairs.append((w, b))
    return tuple(pairs)
