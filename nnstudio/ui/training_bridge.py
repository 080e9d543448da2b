"""The one place where training runs off the GUI thread.

A :class:`TrainingBridge` owns a QThread that iterates the trainer's snapshot generator
and emits each snapshot; the GUI thread never trains and the worker never touches a
widget. The studio gives it a :class:`~nnstudio.engine.remote.RemoteTrainer`, whose
steps run in a process of their own (so they never take the GUI's GIL or core). Pause,
step and stop go to the trainer directly (a queued call to a busy worker would never
run). Each run is started with its generation number (the training session's), which
its snapshots carry; snapshots of an older run are dropped. Shutting down delivers
the snapshots still on their way (the last weights of a stopped run are not lost).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, Signal, Slot

from nnstudio.engine.trainer import Snapshot, Trainer


class _Worker(QObject):
    sigSnapshot = Signal(int, object)
    sigFailed = Signal(int, str)
    sigDone = Signal(int)

    def __init__(self, trainer: Trainer, generation: int):
        super().__init__()
        self.trainer, self.generation = trainer, generation

    @Slot()
    def run(self) -> None:
        try:
            for snapshot in self.trainer.run():
                self.sigSnapshot.emit(self.generation, snapshot)
                if snapshot.finished:
                    break
        except Exception as exc:  # noqa: BLE001 - reported to the user, not swallowed
            self.sigFailed.emit(self.generation, f"{type(exc).__name__}: {exc}")
        self.sigDone.emit(self.generation)


class TrainingBridge(QObject):
    """Runs one :class:`Trainer` at a time on a worker thread."""

    sigSnapshot = Signal(int, object)  # generation, snapshot
    sigFailed = Signal(str)
    sigFinished = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.trainer: Trainer | None = None
        self.generation = 0
        self._thread: QThread | None = None
        self._worker: _Worker | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def start(self, trainer: Trainer, generation: int, paused: bool = False) -> None:
        """Train ``trainer`` on the worker thread (stopping any earlier run first)."""
        self.shutdown()
        self.generation = generation
        self.trainer = trainer
        if paused:
            trainer.pause()
        self._thread = QThread()
        self._thread.setObjectName("nnstudio-training")
        self._worker = _Worker(trainer, self.generation)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.sigSnapshot.connect(self._on_snapshot)
        self._worker.sigFailed.connect(self._on_failed)
        self._worker.sigDone.connect(self._on_done)
        self._thread.start()

    def pause(self) -> None:
        if self.trainer is not None:
            self.trainer.pause()

    def resume(self) -> None:
        if self.trainer is not None:
            self.trainer.resume()

    def step(self, batches: int = 1) -> None:
        if self.trainer is not None:
            self.trainer.step(batches)

    def step_epoch(self) -> None:
        if self.trainer is not None:
            self.trainer.step_epoch()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the run and wait for the thread (quitting, resetting, new run)."""
        if self.trainer is not None:
            self.trainer.stop()
        if self._thread is not None:
            self._thread.quit()
            if not self._thread.wait(timeout_ms) and hasattr(self.trainer, "terminate"):
                self.trainer.terminate()  # a training process that does not answer
                self._thread.wait()
            QCoreApplication.sendPostedEvents(self, QEvent.Type.MetaCall.value)
            self._thread.deleteLater()
            self._worker.deleteLater()
        self._thread = self._worker = None

    def _on_snapshot(self, generation: int, snapshot: Snapshot) -> None:
        if generation == self.generation:
            self.sigSnapshot.emit(generation, snapshot)

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self.generation:
            self.sigFailed.emit(message)

    def _on_done(self, generation: int) -> None:
        if generation == self.generation and self._thread is not None:
            self._thread.quit()
            self.sigFinished.emit()
