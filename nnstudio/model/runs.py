"""Training runs: what each run of training did, kept with the project.

A :class:`Run` records the settings and network it trained, where its weights started
(the seed's initial weights, or a checkpoint of another run: a branch), its history
(loss per step and metrics per epoch, bounded however long it trains), checkpoints
(weights at the moments that matter, bounded in count and bytes) and its current
weights. It is fed the engine's snapshots (:meth:`Run.record`). :class:`Runs` is the
project's evented list of runs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from psygnal import Signal

from nnstudio.engine.snapshot import DIVERGED, FINISHED, PAUSED, RUNNING, STOPPED
from nnstudio.model.references import same_data
from nnstudio.model.series import Series

START, SCHEDULED, PAUSE, BEST, END = "start", "scheduled", "pause", "best", "end"
SCHEDULE_RATIO = 1.5  # scheduled checkpoints at log-spaced steps: 1, 2, 3, 5, 8, 12, …
MAX_CHECKPOINTS = 40
MAX_CHECKPOINT_BYTES = 64 << 20
STEP_POINTS = 10_000  # per-step losses kept (evenly sampled): more than a plot has pixels
EPOCH_POINTS = 5_000  # per-epoch values kept for each metric

Weights = tuple[tuple[np.ndarray, np.ndarray], ...]


@dataclass(frozen=True)
class Checkpoint:
    """The weights after ``step`` steps (``epoch`` whole epochs), with the metrics of the
    latest finished epoch then, and why it was kept."""

    step: int
    epoch: int
    reason: str
    weights: Weights
    metrics: dict = field(default_factory=dict)

    @property
    def nbytes(self) -> int:
        return sum(w.nbytes + b.nbytes for w, b in self.weights)


def frozen(weights) -> Weights:
    """[(W, b), ...] as read-only arrays that nothing can change (shared by
    checkpoints): copies, except of arrays that are read-only already (a snapshot's)."""
    return tuple((_read_only(w), _read_only(b)) for w, b in weights)


def same_weights(weights, others) -> bool:
    """True if two [(W, b), ...] hold the same values in the same precision (the very
    same arrays answer at once); None (the seed's weights) is only the same as None."""
    if weights is None or others is None:
        return weights is others
    return len(weights) == len(others) and all(
        a is b or (a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b))
        for pair, other in zip(weights, others)
        for a, b in zip(pair, other)
    )


def _read_only(array) -> np.ndarray:
    array = np.asarray(array)
    if array.flags.writeable or not _immutable(array.base):
        array = array.copy()
        array.flags.writeable = False
    return array


def _immutable(base) -> bool:
    """True if the memory under a read-only array cannot change behind its back."""
    if base is None or isinstance(base, bytes):  # its own, or unpickled from bytes
        return True
    return isinstance(base, np.ndarray) and not base.flags.writeable and _immutable(base.base)


class Run:
    """One run of training. ``settings`` are every training setting it used,
    ``network`` the engine spec it trained, ``dataset`` the data reference and
    ``parent`` (run id, step) where a branch started (its steps and epochs count on
    from there). ``settings["lr"]`` is the learning rate it started with and
    ``lr_changes`` the (step, lr) pairs where it was changed while it trained (the
    steps after ``step`` trained with ``lr``), as the trainer reports them."""

    def __init__(
        self,
        run_id: int,
        name: str,
        settings: dict,
        network: dict,
        dataset: dict,
        initial: Weights,
        parent: tuple[int, int] | None = None,
        start_epoch: int = 0,
        steps_per_epoch: int = 1,
        created: float | None = None,
    ):
        self.id, self.name = run_id, name
        self.settings, self.network, self.dataset = dict(settings), network, dict(dataset)
        self.parent = parent
        self.steps_per_epoch = steps_per_epoch
        self.created = time.time() if created is None else created
        start = parent[1] if parent else 0
        self.step, self.epoch = start, start_epoch
        self.status = "new"
        self.training_seconds = 0.0
        self.metrics: dict = {}
        self.weights: Weights = frozen(initial)
        self.steps = Series(STEP_POINTS)  # loss per step
        self.epochs: dict[str, Series] = {}  # metric name → per epoch (x in steps)
        self.checkpoints: list[Checkpoint] = [Checkpoint(start, self.epoch, START, self.weights)]
        self.best: Checkpoint | None = None
        self.next_scheduled = max(1, start + 1)
        self.lr_changes: list[tuple[int, float]] = []

    # -- recording --------------------------------------------------------------------

    def record(self, snapshot) -> None:
        """Take in a training snapshot: history, weights, counters, checkpoints."""
        offset = self.parent[1] if self.parent else 0
        step = offset + snapshot.step
        losses = snapshot.losses
        if len(losses):
            first = step - len(losses) + 1
            self.steps.extend(np.arange(first, step + 1, dtype=np.float64), losses)
        for metrics in snapshot.epochs:
            x = offset + metrics["epoch"] * self.steps_per_epoch
            for key, value in metrics.items():
                if key != "epoch":
                    self._epoch_series(key).extend(np.array([x], float), np.array([value]))
        self.training_seconds += self._seconds_trained(snapshot)
        self.step, self.status = step, snapshot.status
        self.epoch = self.checkpoints[0].epoch + snapshot.epoch
        self.metrics = {k: float(v) for k, v in snapshot.metrics.items() if k != "epoch"}
        self.weights = frozen(snapshot.weights)
        self.lr_changes += [(offset + at, float(lr)) for at, lr in snapshot.lr_changes]
        if snapshot.best is not None:
            self._keep_best(snapshot.best, offset)
        self._keep_checkpoints(snapshot.status)

    def record_trained(self, losses, epochs: list[dict], weights, seconds: float) -> None:
        """Take in a run trained elsewhere (a PyTorch training job) from its start: its
        loss per step, its metrics per epoch (``{"epoch": k, "loss": ..., ...}``), the
        weights it ended with and its training time. The run has then finished."""
        losses = np.asarray(losses, dtype=np.float64)
        self.steps.extend(np.arange(1, len(losses) + 1, dtype=np.float64), losses)
        for metrics in epochs:
            x = np.array([metrics["epoch"] * self.steps_per_epoch], float)
            for key, value in metrics.items():
                if key != "epoch":
                    self._epoch_series(key).extend(x, np.array([value], float))
        self.step, self.epoch, self.status = len(losses), len(epochs), FINISHED
        self.metrics = {k: float(v) for k, v in epochs[-1].items() if k != "epoch"}
        self.weights = frozen(weights)
        self.training_seconds = float(seconds)
        self._add(END)

    @property
    def lr(self) -> float | None:
        """The learning rate it trains with now."""
        return self.lr_changes[-1][1] if self.lr_changes else self.settings.get("lr")

    def _seconds_trained(self, snapshot) -> float:
        """The time spent training the steps of ``snapshot``: its steps at its rate. (The
        trainer's clock between two snapshots would count a pause as training time: its
        rate leaves the pause out.)"""
        batch_size = self.settings.get("batch_size")
        if not batch_size or not snapshot.samples_per_second > 0:
            return 0.0
        return len(snapshot.losses) * batch_size / snapshot.samples_per_second

    def _epoch_series(self, key: str) -> Series:
        if key not in self.epochs:
            self.epochs[key] = Series(EPOCH_POINTS)
        return self.epochs[key]

    def _keep_checkpoints(self, status: str) -> None:
        if status == RUNNING and self.step >= self.next_scheduled:
            self._add(SCHEDULED)
            self.next_scheduled = max(self.step + 1, math.ceil(self.step * SCHEDULE_RATIO))
        elif status == PAUSED and self.checkpoints[-1].step != self.step:
            self._add(PAUSE)
        elif status in (STOPPED, FINISHED, DIVERGED):
            last = self.checkpoints[-1]
            if last.step == self.step and last.reason == PAUSE:  # paused, then ended there
                self.checkpoints.pop()
            self._add(END)
        self._bound()

    def _keep_best(self, best, offset: int) -> None:
        """The trainer's best epoch so far (exactly its weights) as the best checkpoint."""
        metrics = {k: float(v) for k, v in best.metrics.items() if k != "epoch"}
        epoch = self.checkpoints[0].epoch + best.metrics["epoch"]
        self.best = Checkpoint(offset + best.step, epoch, BEST, frozen(best.weights), metrics)

    def _add(self, reason: str) -> None:
        self.checkpoints.append(
            Checkpoint(self.step, self.epoch, reason, self.weights, dict(self.metrics))
        )

    def _bound(self) -> None:
        """At most MAX_CHECKPOINTS and MAX_CHECKPOINT_BYTES (the best one counted in):
        drop every other scheduled or pause checkpoint (oldest first), never the start,
        the end, or the newest one (where a stopped run stopped)."""

        def over() -> bool:
            moments = self.checkpoints + ([self.best] if self.best is not None else [])
            size = sum(c.nbytes for c in moments)
            count = len(moments)
            return count > MAX_CHECKPOINTS or (size > MAX_CHECKPOINT_BYTES and count > 2)

        while over():
            newest = len(self.checkpoints) - 1
            middle = [
                i
                for i, c in enumerate(self.checkpoints)
                if c.reason in (SCHEDULED, PAUSE) and i != newest
            ]
            if not middle:
                return
            drop = set(middle[1::2]) if len(middle) > 1 else set(middle)
            self.checkpoints = [c for i, c in enumerate(self.checkpoints) if i not in drop]

    # -- reading ----------------------------------------------------------------------

    @property
    def best_metric(self) -> str:
        """The loss that decides the best checkpoint: validation loss when the run has
        a validation split, else training loss."""
        return "val_loss" if "val_loss" in self.epochs else "loss"

    @property
    def start(self) -> Checkpoint:
        """Where the run's weights started."""
        return self.checkpoints[0]

    def timeline(self) -> list[Checkpoint]:
        """Every checkpoint in step order (the best one included)."""
        moments = self.checkpoints + ([self.best] if self.best is not None else [])
        return sorted(moments, key=lambda c: (c.step, c.reason != BEST))

    def curves(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The history as (step, value) curves: "loss" per step; "val_loss",
        "accuracy" and "val_accuracy" per epoch, where the run has them."""
        curves = {"loss": self.steps.data()}
        for key in ("val_loss", "accuracy", "val_accuracy"):
            if key in self.epochs:
                curves[key] = self.epochs[key].data()
        return curves

    def summary(self) -> dict:
        """Final and best loss, final accuracy, epochs and training time."""
        best = self.best.metrics.get(self.best_metric) if self.best else None
        return {
            "loss": self.metrics.get("loss"),
            "best": best,
            "accuracy": self.metrics.get("val_accuracy", self.metrics.get("accuracy")),
            "epochs": self.epoch,
            "seconds": self.training_seconds,
        }

    def __repr__(self) -> str:
        return f"Run({self.id}, {self.name!r}, step={self.step}, status={self.status})"


def differences(run: Run, previous: Run | None) -> dict[str, tuple]:
    """What ``run`` changed from ``previous``: {name: (before, after)}, settings and
    the network's shape (for the runs list: "Adam → SGD")."""
    if previous is None:
        return {}
    changed = {
        key: (previous.settings.get(key), value)
        for key, value in run.settings.items()
        if previous.settings.get(key) != value
    }
    shape, before = network_shape(run.network), network_shape(previous.network)
    if shape != before:
        changed["network"] = (before, shape)
    if not same_data(run.dataset, previous.dataset):
        changed["dataset"] = _data_change(previous.dataset, run.dataset)
    return changed


def _data_change(before: dict, after: dict) -> tuple[str, str]:
    """Two dataset references in words: their names, and where only their parameters
    differ, those ("spiral noise 0.1" → "spiral noise 0.3")."""
    if before.get("name") != after.get("name"):
        return before.get("name"), after.get("name")
    old, new = before.get("params") or {}, after.get("params") or {}
    keys = [key for key in {**old, **new} if old.get(key) != new.get(key)]

    def text(reference: dict, params: dict) -> str:
        return " ".join([str(reference.get("name")), *(f"{k} {params.get(k)}" for k in keys)])

    return text(before, old), text(after, new)


def network_shape(spec: dict) -> str:
    """A network's sizes and activations, e.g. "2-4-1 tanh/sigmoid"."""
    layers = spec.get("layers", [])
    sizes = [spec.get("inputs"), *(layer.get("units") for layer in layers)]
    acts = [layer.get("activation") for layer in layers]
    return "-".join(map(str, sizes)) + " " + "/".join(map(str, acts))


class Runs:
    """The project's runs, oldest first. Events: ``run_added(run)``,
    ``run_removed(run)``, ``run_changed(run)`` (renamed, or recorded into)."""

    run_added = Signal(object)
    run_removed = Signal(object)
    run_changed = Signal(object)

    def __init__(self, runs: list[Run] | None = None):
        self._runs: list[Run] = list(runs or [])
        self._last_id = max((run.id for run in self._runs), default=0)

    def __iter__(self):
        return iter(self._runs)

    def events(self) -> tuple:
        """Every event: what a view that follows the whole list connects to."""
        return (self.run_added, self.run_removed, self.run_changed)

    def __len__(self) -> int:
        return len(self._runs)

    def __getitem__(self, index: int) -> Run:
        return self._runs[index]

    def get(self, run_id: int) -> Run | None:
        return next((run for run in self._runs if run.id == run_id), None)

    def next_id(self) -> int:
        """An id no run had (a deleted run's id is not given again: a branch of it
        would name itself as its parent)."""
        return self._last_id + 1

    def add(self, run: Run) -> None:
        self._last_id = max(self._last_id, run.id)
        self._runs.append(run)
        self.run_added.emit(run)

    def remove(self, run: Run) -> None:
        self._runs.remove(run)
        self.run_removed.emit(run)

    def rename(self, run: Run, name: str) -> None:
        name = name.strip()
        if name and name != run.name:
            run.name = name
            self.run_changed.emit(run)

    def previous(self, run: Run) -> Run | None:
        """The run before ``run`` (what its differences are counted against)."""
        index = self._runs.index(run)
        return self._runs[index - 1] if index else None
