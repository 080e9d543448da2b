"""The test loss of a run while it trains, computed on a thread of its own: a big
network's pass over the test split (a CNN's over 2,000 images: ~0.3 s) never holds the
window, and takes a bounded share of the studio's time."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from weakref import WeakKeyDictionary

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from nnstudio.engine.losses import get_loss
from nnstudio.engine.network import Network
from nnstudio.engine.targets import prepare
from nnstudio.errors import NNStudioError
from nnstudio.model.runs import EPOCH_POINTS
from nnstudio.model.series import Series

TEST_EVERY_S = 0.5  # at most this often...
TEST_SAMPLES = 2000  # ...on the first this many test samples (the split is shuffled)...
TEST_SHARE = 0.05  # ...and taking at most this share of the time (the training process
# wants it)


def loss_on_test(net: Network, part, loss_name: str | None) -> float:
    """The loss of ``net`` on (the first ``TEST_SAMPLES`` of) the test split ``part``,
    as the trainer computes the validation loss. Raises NNStudioError if the network
    does not fit the data."""
    loss = get_loss(loss_name, net.output_activation)
    targets = part.targets(net.n_outputs)[:TEST_SAMPLES]
    data = prepare(net, part.X[:TEST_SAMPLES], targets, loss, "test data")
    return float(loss.value(net.logits(data.X), data.y))


def _timed(net: Network, part, loss_name: str | None) -> tuple[float | None, float]:
    """(the loss, or None if the network does not fit the data; seconds it took)."""
    start = time.monotonic()
    try:
        value = loss_on_test(net, part, loss_name)
    except NNStudioError:
        value = None
    return value, time.monotonic() - start


class TestLosses(QObject):
    """Each run's test loss over its steps (:meth:`of`). :meth:`offer` starts a
    computation when one is due (every ``TEST_EVERY_S`` at most, within ``TEST_SHARE``
    of the time, one at a time; a run's last frame always); ``sigChanged(run)`` when a
    value has come in."""

    __test__ = False  # not a pytest class
    sigChanged = Signal(object)
    _sigDone = Signal(object, int, object)  # run, step, the worker's Future

    def __init__(self, parent=None):
        super().__init__(parent)
        self._series: WeakKeyDictionary = WeakKeyDictionary()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="nnstudio-test-loss")
        self._busy = False
        self._waiting: tuple | None = None  # a last frame's, offered while busy
        self._started_at = float("-inf")
        self._seconds = 0.0  # what the last computation took
        # queued even when the job is done before its callback is added (the callback
        # then runs on this thread): a value never lands in the middle of a frame
        self._sigDone.connect(self._done, Qt.ConnectionType.QueuedConnection)

    def of(self, run) -> Series | None:
        return self._series.get(run)

    def offer(self, run, step: int, net: Network, part, loss_name: str | None, last: bool):
        """The network ``net`` of ``run`` at ``step``, with the test split ``part``: its
        test loss is computed (on a copy of the network) if due."""
        done = self._series.setdefault(run, Series(EPOCH_POINTS)).data()[0]
        if len(done) and done[-1] >= step:
            return
        if self._busy:
            if last:
                self._waiting = (run, step, net.copy(), part, loss_name)
            return
        due = self._started_at + max(TEST_EVERY_S, self._seconds / TEST_SHARE)
        if last or time.monotonic() >= due:
            self._start(run, step, net.copy(), part, loss_name)

    def _start(self, run, step: int, net: Network, part, loss_name: str | None) -> None:
        self._busy, self._started_at = True, time.monotonic()
        job = self._pool.submit(_timed, net, part, loss_name)
        job.add_done_callback(lambda finished: self._sigDone.emit(run, step, finished))

    def _done(self, run, step: int, job: Future) -> None:
        self._busy = False
        value, self._seconds = job.result()  # a bug in the worker is raised here
        series = self._series.get(run)
        if value is not None and series is not None:
            done = series.data()[0]
            if not len(done) or done[-1] < step:
                series.extend(np.array([float(step)]), np.array([value]))
                self.sigChanged.emit(run)
        if self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            self._start(*waiting)
