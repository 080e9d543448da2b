"""One run's timeline: a slider over its checkpoints, where it is, and the buttons that
train on from there."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from nnstudio.model.runs import Checkpoint, Run
from nnstudio.ui.run_text import checkpoint_text


class RunTimeline(QWidget):
    """Shows a run's checkpoints (:meth:`show_run`). Moving the slider emits
    ``sigShowCheckpoint(run, checkpoint)``; *Branch here* emits ``sigBranch(run,
    checkpoint)`` and *Train again* ``sigRetrain(run)``. ``buttons`` is
    the row of buttons, for a panel to add its own."""

    sigShowCheckpoint = Signal(object, object)
    sigBranch = Signal(object, object)
    sigRetrain = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.run: Run | None = None
        self.checkpoints: list[Checkpoint] = []
        self.shown: Checkpoint | None = None  # the checkpoint the slider is at
        self.title = QLabel()
        self.title.setToolTip(
            "The timeline of the selected run (of the newest run when none or several are selected)"
        )
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setPageStep(1)
        self.slider.setToolTip(
            "The run's checkpoints: its start, moments on a log-spaced schedule, pauses, "
            "the best epoch and the end. Drag (or use the arrow keys) to see the "
            "network at that moment"
        )
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.position = QLabel()
        self.position.setWordWrap(True)
        self.position.setToolTip("Where the timeline is")
        self.branch = QPushButton("Branch here")
        self.branch.setToolTip(
            "Continue training as a new run (a branch) from the weights at this moment"
        )
        self.branch.clicked.connect(lambda: self.sigBranch.emit(self.run, self.shown))
        self.retrain = QPushButton("Train again")
        self.retrain.setToolTip(
            "Train a new run from this run's start (its initial weights) with the current "
            "settings, e.g. to compare optimizers on the same start"
        )
        self.retrain.clicked.connect(lambda: self.sigRetrain.emit(self.run))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.slider)
        layout.addWidget(self.position)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.branch)
        self.buttons.addWidget(self.retrain)
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)
        self.show_run(None)

    def show_run(self, run: Run | None, keep: Checkpoint | None = None) -> None:
        """Show ``run``'s timeline (None: no run) at ``keep`` (at its nearest step if it
        is gone), or at the end."""
        self.run = run
        self.checkpoints = run.timeline() if run is not None else []
        last = len(self.checkpoints) - 1
        index = last
        if keep is not None and self.checkpoints:
            index = next(
                (i for i, c in enumerate(self.checkpoints) if c is keep),
                min(range(last + 1), key=lambda i: abs(self.checkpoints[i].step - keep.step)),
            )
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, max(0, last))
            self.slider.setValue(max(0, index))
        self.shown = self.checkpoints[index] if self.checkpoints else None
        self._show_position()

    def refresh(self) -> None:
        """The run shown recorded more: its new checkpoints. The slider stays at its
        checkpoint, or follows the newest one when it was at the end."""
        at_end = self.slider.value() == self.slider.maximum()
        self.show_run(self.run, None if at_end else self.shown)

    def _show_position(self) -> None:
        run, shown = self.run, self.shown
        title = "<b>Timeline</b>"
        if run is not None:
            count = len(self.checkpoints)
            title += f" · {run.name} · {count} checkpoint{'s' if count != 1 else ''}"
        self.title.setText(title)
        self.position.setText("No run yet" if shown is None else checkpoint_text(shown))
        self.slider.setEnabled(len(self.checkpoints) > 1)
        self.branch.setEnabled(shown is not None)
        self.retrain.setEnabled(run is not None)

    def _on_slider_moved(self, index: int) -> None:
        checkpoint = self.checkpoints[index]
        if checkpoint is not self.shown:
            self.shown = checkpoint
            self._show_position()
            self.sigShowCheckpoint.emit(self.run, checkpoint)
