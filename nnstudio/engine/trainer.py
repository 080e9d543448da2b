"""Mini-batch training as a generator of immutable snapshots.

:meth:`Trainer.run` trains step by step and yields a :class:`Snapshot` at most every
``snapshot_interval`` seconds of wall time (never once per step), plus one when it
pauses and one at the end. Another thread may call :meth:`Trainer.pause`,
:meth:`~Trainer.resume`, :meth:`~Trainer.step`, :meth:`~Trainer.step_epoch`,
:meth:`~Trainer.stop` or set :attr:`Trainer.lr` or :attr:`Trainer.steps_per_second`;
they take effect between steps. Slowed to a pace (steps a second), training yields a
snapshot after each step whenever steps come no faster than snapshots would.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from nnstudio.engine.losses import get_loss
from nnstudio.engine.network import Network, checked_seed
from nnstudio.engine.optimizers import checked_learning_rate, get_optimizer
from nnstudio.engine.pace import Pace, checked_pace
from nnstudio.engine.snapshot import (
    DIVERGED,
    FINISHED,
    PAUSED,
    RUNNING,
    STOPPED,
    BestEpoch,
    Snapshot,
    weight_views,
)
from nnstudio.engine.targets import Targets, count_correct, prepare
from nnstudio.errors import TrainingConfigError

_GIL_RELEASE_EVERY = 0.005
EXPLOSION = 1e4  # a loss this many times where it began (or past this, from below 1) diverged


@dataclass
class _Commands:
    """What other threads asked for; read by the training loop between steps."""

    paused: bool = False
    stop: bool = False
    step_batches: int | None = None
    step_epoch: bool = False
    new_weights: list | None = None
    repaced: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)


class Trainer:
    """Trains ``net`` on ``(X, y)`` with mini-batch gradient descent.

    Parameters
    ----------
    loss : "mse", "binary_crossentropy" or "categorical_crossentropy"; None picks the
        one that suits the output activation.
    loss_reduction : "mean" or "sum": what each step's gradient is the gradient of
        (the history's losses are means either way).
    optimizer : "sgd", "adagrad", "rmsprop", "adam" or "perceptron" (Rosenblatt's rule, for
        one layer of step neurons); ``optimizer_options`` are its
        hyperparameters (torch.optim names and defaults; ``lr=None`` is its default).
    epochs : stop after this many epochs (None: until stopped).
    target_loss : stop once an epoch's mean training loss is at or below this.
    validation_split : fraction of the samples held out (drawn with ``seed``), unless
        ``validation_data=(X_val, y_val)`` is given.
    seed : drives the shuffling, the validation split and Dropout's masks (the weights
        are the net's).
    steps_per_second : train at most this many steps a second, to be watched (None:
        full speed); settable while training.
    """

    def __init__(
        self,
        net: Network,
        X,
        y,
        *,
        loss: str | None = None,
        loss_reduction: str = "mean",
        optimizer: str = "adam",
        lr: float | None = None,
        batch_size: int = 32,
        epochs: int | None = None,
        shuffle: bool = True,
        l1: float = 0.0,
        l2: float = 0.0,
        seed: int | None = 0,
        validation_split: float = 0.0,
        validation_data: tuple | None = None,
        target_loss: float | None = None,
        snapshot_interval: float = 1 / 30,
        steps_per_second: float | None = None,
        **optimizer_options,
    ):
        self.net = net
        self._pace = Pace(steps_per_second)
        self.loss = get_loss(loss, net.output_activation, loss_reduction)
        if optimizer == "perceptron":
            _check_perceptron(net, self.loss.name)
        _check_settings(batch_size, epochs, l1, l2, validation_split, target_loss, seed)
        self.batch_size, self.epochs, self.shuffle = batch_size, epochs, shuffle
        self.l1, self.l2, self.target_loss = float(l1), float(l2), target_loss
        self.snapshot_interval = snapshot_interval
        split_seed, shuffle_seed, layer_seed = np.random.SeedSequence(seed).spawn(3)
        net.seed_layers(layer_seed)  # Dropout's masks: the same seed, the same run
        self.train, self.validation = self._split(
            prepare(net, X, y, self.loss), validation_split, validation_data, split_seed
        )
        net.check_batch(min(batch_size, len(self.train.X)))  # before its buffers exist
        self._rng = np.random.default_rng(shuffle_seed)
        self.optimizer = get_optimizer(optimizer, net.parameters, lr=lr, **optimizer_options)
        self.history: dict[str, list[float]] = {"loss": []}
        if self.train.accuracy:
            self.history["accuracy"] = []
        if self.validation is not None:
            self.history["val_loss"] = []
            if self.validation.accuracy:
                self.history["val_accuracy"] = []
        self.epoch = 0
        self.step_count = 0
        self._commands = _Commands()
        self._batch_start = 0
        self._epoch_X = self._epoch_y = self._epoch_labels = None
        self._epoch_loss_sum = 0.0
        self._epoch_correct = 0
        self._losses: list[float] = []
        self._first_loss: float | None = None  # this run's first step: where the loss began
        self._lr_in_use = self.optimizer.lr
        self._lr_changes: list[tuple[int, float]] = []  # (steps before it, lr) since a snapshot
        self._new_epochs: list[MappingProxyType] = []
        self._safe_parameters = net.parameters.copy()
        self._cpu_at_emit = time.process_time()
        self._best_value = math.inf
        self._new_best: tuple | None = None  # (step, metrics, parameters) of the best

    # -- control (any thread) ---------------------------------------------------------

    @property
    def lr(self) -> float:
        """The learning rate; setting it takes effect at the next step."""
        return self.optimizer.lr

    @lr.setter
    def lr(self, value: float) -> None:
        self.optimizer.lr = checked_learning_rate(value)

    @property
    def steps_per_second(self) -> float | None:
        """The pace (None: full speed); setting it takes effect at the next step."""
        return self._pace.steps_per_second

    @steps_per_second.setter
    def steps_per_second(self, value: float | None) -> None:
        self._pace.steps_per_second = checked_pace(value)
        self._command(repaced=True)  # a step waiting for the old pace goes now

    @property
    def steps_per_epoch(self) -> int:
        """Mini-batches in one epoch (the last one may be partial)."""
        return max(1, math.ceil(len(self.train.X) / self.batch_size))

    @property
    def paused(self) -> bool:
        """True once pause (or a step) was asked for and until resume."""
        return self._commands.paused

    def pause(self) -> None:
        self._command(paused=True)

    def resume(self) -> None:
        self._command(paused=False, step_batches=None, step_epoch=False)

    def stop(self) -> None:
        self._command(stop=True)

    def step(self, batches: int = 1) -> None:
        """Train ``batches`` mini-batches, then pause."""
        self._command(paused=True, step_batches=batches)

    def step_epoch(self) -> None:
        """Train to the end of the current epoch, then pause."""
        self._command(paused=True, step_epoch=True)

    def set_weights(self, weights) -> None:
        """Replace the weights [(W, b), ...] before the next step (say, a weight edited
        by hand while paused); the training thread applies them and reports a snapshot.
        Shapes are checked here, at once."""
        self._command(new_weights=self.net.check_weights(weights))

    def _command(self, **changes) -> None:
        with self._commands.changed:
            for name, value in changes.items():
                setattr(self._commands, name, value)
            self._commands.changed.notify_all()

    # -- the loop ---------------------------------------------------------------------

    def run(self) -> Iterator[Snapshot]:
        """Train, yielding snapshots; the last one has ``finished`` set.

        While paused with nothing to do, the generator blocks until another thread
        calls :meth:`resume`, :meth:`step`, :meth:`step_epoch` or :meth:`stop`.
        """
        commands = self._commands
        start = last_emit = time.perf_counter()
        steps_at_emit, pause_announced, budget = 0, False, None
        while True:
            if commands.stop:
                yield self._snapshot(STOPPED, start, last_emit, steps_at_emit)
                return
            if commands.new_weights is not None:
                self._apply_new_weights()
                pause_announced = False  # report them
            if self._done():
                yield self._snapshot(FINISHED, start, last_emit, steps_at_emit)
                return
            if budget is None:
                budget = self._take_step_request()
            if budget is None and commands.paused:
                if not pause_announced:
                    pause_announced = True
                    yield self._snapshot(PAUSED, start, last_emit, steps_at_emit)
                    last_emit, steps_at_emit = time.perf_counter(), self.step_count
                    continue
                with commands.changed:
                    commands.changed.wait_for(
                        lambda: (
                            commands.stop
                            or not commands.paused
                            or commands.step_batches is not None
                            or commands.step_epoch
                            or commands.new_weights is not None
                        )
                    )
                last_emit = time.perf_counter()  # time paused is no training time
                continue
            pause_announced = False
            if budget is None and self._pace.on:
                self._pace.wait(commands.changed, lambda: self._woken(commands))
                commands.repaced = False
                if commands.stop or commands.paused or commands.new_weights is not None:
                    continue

            steps = self._train_until(last_emit + self.snapshot_interval, budget)
            if budget is not None:
                budget = (budget - steps) or None
            diverged = self._divergence()
            if diverged:
                yield self._diverged(start, last_emit, steps_at_emit, diverged)
                return
            if time.perf_counter() - last_emit >= self.snapshot_interval or self._each_step_shown():
                yield self._snapshot(RUNNING, start, last_emit, steps_at_emit)
                last_emit, steps_at_emit = time.perf_counter(), self.step_count

    @staticmethod
    def _woken(commands: _Commands) -> bool:
        return (
            commands.stop or commands.paused or commands.repaced or commands.new_weights is not None
        )

    def _each_step_shown(self) -> bool:
        """True when paced no faster than snapshots: every step gets its snapshot."""
        rate = self._pace.steps_per_second
        return rate is not None and 1 / rate >= self.snapshot_interval

    def _train_until(self, deadline: float, budget: int | None) -> int:
        """Train batches until the deadline, the budget, the end of training, a
        non-finite loss or a command (one batch when paced and not stepping); return
        how many were trained. Releases the GIL every few milliseconds so that a GUI
        thread keeps its frame rate."""
        commands, steps = self._commands, 0
        last_release = time.perf_counter()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            while budget is None or steps < budget:
                loss = self._train_batch()
                steps += 1
                if not math.isfinite(loss) or self._done() or commands.stop:
                    break
                if (budget is None and commands.paused) or commands.new_weights is not None:
                    break
                if budget is None and self._pace.on:
                    break
                now = time.perf_counter()
                if now >= deadline:
                    break
                if now - last_release >= _GIL_RELEASE_EVERY:
                    time.sleep(0)
                    last_release = now
        return steps

    def _apply_new_weights(self) -> None:
        with self._commands.changed:
            weights, self._commands.new_weights = self._commands.new_weights, None
        self.net.set_weights(weights)
        self._safe_parameters = self.net.parameters.copy()

    def _divergence(self) -> str:
        """What went wrong: the loss or the weights became non-finite, or the loss
        exploded (grew EXPLOSION times past where it began, or past EXPLOSION if it
        began below 1); "" while training is sound."""
        if self._losses and not math.isfinite(self._losses[-1]):
            return "the loss became NaN or infinite"
        if not np.isfinite(self.net.parameters).all():
            return "the weights became NaN or infinite"
        if self._losses and self._losses[-1] > EXPLOSION * max(self._first_loss, 1.0):
            return (
                f"the loss exploded to {self._losses[-1]:.3g}, more than {EXPLOSION:,.0f} "
                f"times where it began ({self._first_loss:.3g})"
            )
        return ""

    def _take_step_request(self) -> int | None:
        commands = self._commands
        with commands.changed:
            if commands.step_epoch:
                commands.step_epoch = False
                return self._batches_left_in_epoch()
            batches, commands.step_batches = commands.step_batches, None
            return batches

    def _batches_left_in_epoch(self) -> int:
        remaining = len(self.train.X) - self._batch_start
        return max(1, math.ceil(remaining / self.batch_size))

    def _done(self) -> bool:
        if self.epochs is not None and self.epoch >= self.epochs:
            return True
        if self.target_loss is not None and self.history["loss"]:
            return self.history["loss"][-1] <= self.target_loss
        return False

    def _train_batch(self) -> float:
        """One step of gradient descent on the next mini-batch; returns its loss."""
        if self._batch_start == 0:
            self._begin_epoch()
        start, stop = self._batch_start, self._batch_start + self.batch_size
        x, y = self._epoch_X[start:stop], self._epoch_y[start:stop]
        net = self.net
        loss = net.loss_and_gradients(x, y, self.loss)
        if self.l1 or self.l2:
            net.add_penalty_gradient(self.l1, self.l2)
        if self._epoch_labels is not None:
            outputs = net.batch_outputs()
            self._epoch_correct += count_correct(
                outputs, self._epoch_labels[start:stop], self.train.accuracy
            )
        lr = self.optimizer.lr
        if lr != self._lr_in_use:  # set live since the last step: it applies from this one
            self._lr_in_use = lr
            self._lr_changes.append((self.step_count, lr))
        self.optimizer.step(net.parameters, net.gradients)
        self.step_count += 1
        self._losses.append(loss)
        if self._first_loss is None:
            self._first_loss = loss
        self._epoch_loss_sum += loss * len(x)
        self._batch_start = stop
        if stop >= len(self.train.X):
            self._end_epoch()
        return loss

    def _begin_epoch(self) -> None:
        train = self.train
        if not self.shuffle:
            self._epoch_X, self._epoch_y, self._epoch_labels = train.X, train.y, train.labels
            return
        order = self._rng.permutation(len(train.X))
        if self._epoch_X is None or self._epoch_X is train.X:
            self._epoch_X, self._epoch_y = np.empty_like(train.X), np.empty_like(train.y)
        # mode="clip": with the default "raise", take() buffers ``out`` (2.4x slower);
        # a permutation is always in range
        np.take(train.X, order, axis=0, out=self._epoch_X, mode="clip")
        np.take(train.y, order, axis=0, out=self._epoch_y, mode="clip")
        self._epoch_labels = None if train.labels is None else train.labels[order]

    def _end_epoch(self) -> None:
        n = len(self.train.X)
        self.epoch += 1
        self._batch_start = 0
        metrics = {"epoch": self.epoch, "loss": self._epoch_loss_sum / n}
        if self.train.accuracy:
            metrics["accuracy"] = self._epoch_correct / n
        if self.validation is not None:
            val_loss, val_accuracy = self.evaluate(self.validation)
            metrics["val_loss"] = val_loss
            if val_accuracy is not None:
                metrics["val_accuracy"] = val_accuracy
        for key, values in self.history.items():
            values.append(metrics[key])
        self._new_epochs.append(MappingProxyType(metrics))
        self._epoch_loss_sum, self._epoch_correct = 0.0, 0
        self._keep_if_best(metrics)

    def _keep_if_best(self, metrics: dict) -> None:
        """Copy the parameters after an epoch with a lower loss than any before
        (validation loss with a validation split): the next snapshot reports them."""
        value = metrics["val_loss" if self.validation is not None else "loss"]
        if math.isfinite(value) and value < self._best_value:
            self._best_value = value
            if self._new_best is None:
                self._new_best = (self.step_count, metrics, self.net.parameters.copy())
            else:  # one better since the last snapshot: overwrite it, no new array
                _, _, parameters = self._new_best
                parameters[...] = self.net.parameters
                self._new_best = (self.step_count, metrics, parameters)

    def evaluate(self, data: Targets) -> tuple[float, float | None]:
        """Mean loss and accuracy (None where it means nothing) of the net on ``data``."""
        logits = self.net.logits(data.X)
        loss = self.loss.value(logits, data.y)
        if data.accuracy is None:
            return loss, None
        self.net.output_activation.forward(logits)
        return loss, count_correct(logits, data.labels, data.accuracy) / len(data.X)

    # -- snapshots --------------------------------------------------------------------

    def _snapshot(
        self, status: str, start: float, last_emit: float, steps_at_emit: int, message: str = ""
    ) -> Snapshot:
        now, cpu = time.perf_counter(), time.process_time()
        cores = (cpu - self._cpu_at_emit) / (now - last_emit) if now > last_emit else 0.0
        self._cpu_at_emit = cpu
        parameters = self.net.parameters.copy()
        self._safe_parameters = parameters
        parameters.flags.writeable = False
        losses = np.array(self._losses, dtype=np.float64)
        losses.flags.writeable = False
        self._losses.clear()
        epochs, self._new_epochs = tuple(self._new_epochs), []
        lr_changes, self._lr_changes = tuple(self._lr_changes), []
        best, self._new_best = self._new_best, None
        if best is not None:
            best_step, best_metrics, best_parameters = best
            best_parameters.flags.writeable = False
            best = BestEpoch(
                best_step, MappingProxyType(best_metrics), weight_views(self.net, best_parameters)
            )
        last = (
            epochs[-1]
            if epochs
            else (
                MappingProxyType(
                    {k: v[-1] for k, v in self.history.items()} | {"epoch": self.epoch}
                )
                if self.history["loss"]
                else MappingProxyType({})
            )
        )
        steps = self.step_count - steps_at_emit
        rate = steps * self.batch_size / (now - last_emit) if now > last_emit else 0.0
        return Snapshot(
            status=status,
            epoch=self.epoch,
            step=self.step_count,
            losses=losses,
            epochs=epochs,
            metrics=last,
            weights=weight_views(self.net, parameters),
            samples_per_second=rate,
            elapsed=now - start,
            message=message,
            cpu_cores=cores,
            threads=self.net.training_threads(min(self.batch_size, len(self.train.X))),
            gradient_rms=tuple(
                float(np.sqrt(np.mean(np.square(layer.grad_weight))))
                for layer in self.net.weighted_layers
            ),
            best=best,
            lr_changes=lr_changes,
            dropped=self.net.dropped_units(),
        )

    def _diverged(self, start, last_emit, steps_at_emit, what: str) -> Snapshot:
        self.net.parameters[...] = self._safe_parameters
        self.optimizer.reset()
        message = (
            f"training diverged at step {self.step_count} (epoch {self.epoch + 1}): "
            f"{what}. The last sound weights are restored. "
            f"Try a lower learning rate (now {self.lr:g}), a smaller initialisation, "
            "or scaled inputs."
        )
        return self._snapshot(DIVERGED, start, last_emit, steps_at_emit, message)

    def _split(self, data: Targets, fraction: float, validation_data, seed) -> tuple:
        if validation_data is not None:
            X_val, y_val = validation_data
            return data, prepare(self.net, X_val, y_val, self.loss, "validation data")
        if not fraction:
            return data, None
        n = len(data.X)
        n_val = int(round(n * fraction))
        if n_val < 1 or n_val >= n:
            raise TrainingConfigError(
                f"a validation split of {fraction} leaves no samples to "
                f"{'validate' if n_val < 1 else 'train'} on ({n} samples)"
            )
        order = np.random.default_rng(seed).permutation(n)
        return _subset(data, order[n_val:]), _subset(data, order[:n_val])

    def __repr__(self) -> str:
        return (
            f"Trainer({self.net!r}, loss={self.loss.name}, {self.optimizer!r}, "
            f"batch_size={self.batch_size}, epoch={self.epoch}, step={self.step_count})"
        )


def _subset(data: Targets, rows: np.ndarray) -> Targets:
    return Targets(
        data.X[rows],
        data.y[rows],
        None if data.labels is None else data.labels[rows],
        data.accuracy,
    )


def _check_perceptron(net: Network, loss: str) -> None:
    """The perceptron rule trains one layer of step neurons, with its own loss."""
    if len(net.layers) != 1 or net.output_activation.name != "step":
        raise TrainingConfigError(
            "the perceptron rule trains a single layer of step neurons: remove the hidden "
            "layers and set the output activation to step, or choose another optimizer"
        )
    if loss != "perceptron":
        raise TrainingConfigError(f"the perceptron rule uses its own loss, not {loss}")


def _check_settings(batch_size, epochs, l1, l2, validation_split, target_loss, seed) -> None:
    checked_seed(seed)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise TrainingConfigError(f"batch_size must be a whole number ≥ 1, got {batch_size!r}")
    if epochs is not None and (
        isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0
    ):
        raise TrainingConfigError(f"epochs must be a whole number ≥ 0, got {epochs!r}")
    if not (0 <= l1 < math.inf and 0 <= l2 < math.inf):
        raise TrainingConfigError(f"l1 and l2 must be finite and ≥ 0, got l1={l1}, l2={l2}")
    if not 0 <= validation_split < 1:
        raise TrainingConfigError(f"validation_split must be in [0, 1), got {validation_split}")
    if target_loss is not None and not 0 <= target_loss < math.inf:
        raise TrainingConfigError(f"target_loss must be finite and ≥ 0, got {target_loss}")
