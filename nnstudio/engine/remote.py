"""Training in a child process, driven exactly like a :class:`Trainer`.

Python runs one thread at a time: a trainer thread in the studio's process takes the
GIL from the GUI, and every frame the GUI draws takes the trainer's time (measured:
the studio trained at a third of headless speed and its event loop fell 60 ms behind).
A :class:`RemoteTrainer` builds the trainer in a fresh process (``spawn``) from a
:class:`TrainerRecipe` and relays its snapshots and the control calls (pause, resume,
step, step epoch, stop, learning rate, new weights) over a pipe, so the trainer has a
core of its own and the GUI the other. A network whose batches train as halves starts
its child with the engine's ``threads.TRAINING_ENVIRONMENT`` (OpenBLAS's threads sleep
at once after a product).

The messages are pickled, but only between nnstudio's own two processes: nothing
read from a user's file is ever unpickled.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from types import MappingProxyType

import numpy as np

from nnstudio.engine import halves, threads
from nnstudio.engine.network import Network
from nnstudio.engine.optimizers import checked_learning_rate
from nnstudio.engine.pace import checked_pace
from nnstudio.engine.snapshot import BestEpoch, Snapshot
from nnstudio.engine.trainer import Trainer


class TrainingProcessError(RuntimeError):
    """The training process failed (the message says how) or ended unexpectedly."""


@dataclass(frozen=True)
class TrainerRecipe:
    """Everything needed to build the same :class:`Trainer` in another process."""

    spec: dict
    dtype: str
    weights: list
    X: np.ndarray
    y: np.ndarray
    options: dict = field(default_factory=dict)

    def build(self) -> Trainer:
        net = Network.from_spec(self.spec, seed=None, dtype=self.dtype)
        net.set_weights(self.weights)
        return Trainer(net, self.X, self.y, **self.options)


def _to_wire(snapshot: Snapshot) -> dict:
    wire = {f.name: getattr(snapshot, f.name) for f in fields(Snapshot)}
    wire["epochs"] = [dict(e) for e in snapshot.epochs]
    wire["metrics"] = dict(snapshot.metrics)
    wire["weights"] = _weights_to_wire(snapshot.weights)
    best = snapshot.best
    if best is not None:
        wire["best"] = (best.step, dict(best.metrics), _weights_to_wire(best.weights))
    return wire


def _weights_to_wire(weights) -> list:
    return [(np.array(w), np.array(b)) for w, b in weights]


def _weights_from_wire(weights) -> tuple:
    for w, b in weights:
        w.flags.writeable = b.flags.writeable = False
    return tuple(weights)


def _from_wire(wire: dict) -> Snapshot:
    wire["losses"].flags.writeable = False
    for lost in wire["dropped"]:
        if lost is not None:
            lost.flags.writeable = False
    best = wire["best"]
    if best is not None:
        step, metrics, weights = best
        best = BestEpoch(step, MappingProxyType(metrics), _weights_from_wire(weights))
    return Snapshot(
        **{
            **wire,
            "epochs": tuple(MappingProxyType(e) for e in wire["epochs"]),
            "metrics": MappingProxyType(wire["metrics"]),
            "weights": _weights_from_wire(wire["weights"]),
            "best": best,
        }
    )


NICENESS = 10


def _serve(recipe: TrainerRecipe, conn, commands: list) -> None:
    """The child process: build the trainer, obey commands, send snapshots. It runs at
    a lower priority, so the studio's window gets a core the moment it needs one, and
    sends from a thread of its own, so training never waits for a busy studio to read."""
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    try:
        trainer = recipe.build()
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    for command in commands:
        _obey(trainer, command)
    conn.send(("ready", {"steps_per_epoch": trainer.steps_per_epoch}))
    threading.Thread(target=_listen, args=(trainer, conn), daemon=True).start()
    outbox: queue.SimpleQueue = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(outbox, conn), daemon=True)
    sender.start()
    try:
        for snapshot in trainer.run():
            outbox.put(("snapshot", _to_wire(snapshot)))
            if snapshot.finished:
                break
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        outbox.put(("failed", f"{type(exc).__name__}: {exc}"))
    outbox.put(None)
    sender.join()


def _send_all(outbox: queue.SimpleQueue, conn) -> None:
    """Send each message in turn until None; stop early if the studio is gone."""
    while (message := outbox.get()) is not None:
        try:
            conn.send(message)
        except (OSError, ValueError):
            return


def _listen(trainer: Trainer, conn) -> None:
    while True:
        try:
            command = conn.recv()
        except (EOFError, OSError):  # the studio is gone: stop
            trainer.stop()
            return
        _obey(trainer, command)


SETTINGS = ("lr", "snapshot_interval", "steps_per_second")  # attributes set live, not methods


def _obey(trainer: Trainer, command: tuple) -> None:
    name, *args = command
    if name in SETTINGS:
        setattr(trainer, name, args[0])
    else:
        getattr(trainer, name)(*args)


class RemoteTrainer:
    """A :class:`Trainer` in a child process. :meth:`run` starts it and yields its
    snapshots; the control methods may be called from any thread, before or during
    the run."""

    def __init__(self, recipe: TrainerRecipe):
        self.recipe = recipe
        self._shapes = Network.from_spec(recipe.spec, seed=0, dtype=recipe.dtype)
        self.batch_size = recipe.options.get("batch_size", 32)
        self.steps_per_epoch = 1
        self.step_count = 0
        self._lr = recipe.options.get("lr")
        self._snapshot_interval = recipe.options.get("snapshot_interval", 1 / 30)
        self._steps_per_second = checked_pace(recipe.options.get("steps_per_second"))
        self._paused = False
        self._conn = None
        self._process = None
        self._pending: list[tuple] = []
        self._lock = threading.Lock()

    # -- control (any thread) ---------------------------------------------------------

    @property
    def lr(self) -> float | None:
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = checked_learning_rate(value)
        self._send("lr", self._lr)

    @property
    def snapshot_interval(self) -> float:
        return self._snapshot_interval

    @snapshot_interval.setter
    def snapshot_interval(self, seconds: float) -> None:
        """Fewer snapshots when the studio draws fewer frames: each costs both processes
        a copy of the weights."""
        self._snapshot_interval = float(seconds)
        self._send("snapshot_interval", self._snapshot_interval)

    @property
    def steps_per_second(self) -> float | None:
        return self._steps_per_second

    @steps_per_second.setter
    def steps_per_second(self, value: float | None) -> None:
        self._steps_per_second = checked_pace(value)
        self._send("steps_per_second", self._steps_per_second)

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        self._paused = True
        self._send("pause")

    def resume(self) -> None:
        self._paused = False
        self._send("resume")

    def stop(self) -> None:
        self._send("stop")

    def terminate(self) -> None:
        """End the process now (when :meth:`stop` is not answered in time)."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()

    def step(self, batches: int = 1) -> None:
        self._paused = True
        self._send("step", batches)

    def step_epoch(self) -> None:
        self._paused = True
        self._send("step_epoch")

    def set_weights(self, weights) -> None:
        """Checked here (a clear error at once), applied before the next step."""
        self._send("set_weights", self._shapes.check_weights(weights))

    def _send(self, *command) -> None:
        with self._lock:
            if self._conn is None:
                self._pending.append(command)
                return
            try:
                self._conn.send(command)
            except (OSError, ValueError):  # the process has ended
                pass

    # -- the run (the caller's thread) ------------------------------------------------

    def run(self) -> Iterator[Snapshot]:
        """Start the process and yield its snapshots until the last one."""
        context = multiprocessing.get_context("spawn")
        conn, child_conn = context.Pipe()
        with self._lock:
            commands, self._pending = self._pending, []
        process = context.Process(
            target=_serve,
            args=(self.recipe, child_conn, commands),
            name="nnstudio-training",
            daemon=True,
        )
        # OpenBLAS reads it as the child loads it; only where batches train as halves
        # (a dense network's threaded products pay for waking sleeping threads: 784-128-10
        # trains 25-40% slower with it)
        halved = halves.worthwhile(self._shapes.layers)
        with threads.training_environment() if halved else contextlib.nullcontext():
            process.start()
        self._process = process
        child_conn.close()
        try:
            yield from self._relay(conn)
        finally:
            with self._lock:
                self._conn = None
            conn.close()
            process.join(5)
            if process.is_alive():
                process.kill()

    def _relay(self, conn) -> Iterator[Snapshot]:
        while True:
            try:
                kind, payload = conn.recv()
            except (EOFError, OSError):
                raise TrainingProcessError("the training process ended unexpectedly") from None
            if kind == "failed":
                raise TrainingProcessError(payload)
            if kind == "ready":
                self.steps_per_epoch = payload["steps_per_epoch"]
                with self._lock:  # commands sent while it started
                    self._conn = conn
                    for command in self._pending:
                        conn.send(command)
                    self._pending = []
                continue
            snapshot = _from_wire(payload)
            self.step_count = snapshot.step
            yield snapshot
            if snapshot.finished:
                return
