"""The stepper: one sample's forward and backward pass, stage by stage, with the real
numbers, the layer being computed selected on the canvas."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.optimizers import get_optimizer
from nnstudio.engine.trace import step_changes, trace
from nnstudio.errors import NNStudioError
from nnstudio.model.training import optimizer_options
from nnstudio.ui import stepper_text
from nnstudio.ui.stepper_text import Stage


class Stepper(QWidget):
    """Follows the frames the training controller emits; ``settings()`` gives the
    project's training settings (loss, optimizer, penalties). ``sigLayer(index)`` asks
    the canvas to select the layer being computed (a canvas index: 0 is the input);
    ``sigMarks(marks)`` gives the canvas the stage's numbers while the stepper is shown
    (a :class:`~nnstudio.ui.stepper_text.CanvasMarks`, None when it is not)."""

    sigLayer = Signal(int)
    sigMarks = Signal(object)

    def __init__(self, settings, parent=None):
        super().__init__(parent)
        self._settings = settings
        self.frame = None
        self.traced = None
        self._stages: list[Stage] = []
        self._changes: list = []
        self._stateful = False  # the optimizer's next step depends on those before
        self.index = 0
        self._shown = False  # the tab is in front (a tab behind is "visible" to Qt)
        self.sample = QSpinBox()
        self.sample.setMinimum(1)
        self.sample.setPrefix("sample ")
        self.sample.setToolTip("The training sample to follow through the network")
        self.inputs = QLabel()
        self.inputs.setWordWrap(True)  # a long input never widens the window
        self.back = QToolButton()
        self.back.setText("◀")
        self.back.setToolTip("The stage before")
        self.forward = QToolButton()
        self.forward.setText("▶")
        self.forward.setToolTip("The next stage of the pass")
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.text = QTextBrowser()
        row = QHBoxLayout()
        for widget in (self.sample, self.back, self.forward):
            row.addWidget(widget)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(row)
        layout.addWidget(self.where)
        layout.addWidget(self.inputs)
        layout.addWidget(self.text, 1)
        self.sample.valueChanged.connect(self._on_sample)
        self.back.clicked.connect(lambda: self._step_to(self.index - 1))
        self.forward.clicked.connect(lambda: self._step_to(self.index + 1))
        self.show_stage(0)

    def show_frame(self, frame) -> None:
        """Follow another network or its new weights (traced again when shown)."""
        self.frame = frame
        self.sample.setMaximum(max(1, len(frame.parts.train.X)))
        if self._shown:
            self._retrace()
        else:
            self.traced = None

    def _on_sample(self) -> None:
        """Another sample: traced now if shown, else when shown."""
        if self._shown:
            self._retrace()
        else:
            self.traced = None

    def redraw_now(self) -> None:
        if self.traced is None and self.frame is not None:
            self._retrace()

    def _retrace(self) -> None:
        frame, settings = self.frame, self._settings()
        if frame is None:
            return
        train, i = frame.parts.train, self.sample.value() - 1
        net = frame.net
        try:
            self.traced = trace(
                net,
                train.X[i : i + 1],
                train.targets(net.n_outputs)[i : i + 1],
                loss=settings["loss"],
                loss_reduction=settings["loss_reduction"],
                l1=settings["l1"],
                l2=settings["l2"],
            )
        except NNStudioError as exc:
            self.traced = None
            self.text.setHtml(f"<p>⚠ {exc}</p>")
            self.sigMarks.emit(None)
            return
        optimizer = get_optimizer(
            settings["optimizer"], net.parameters, lr=settings["lr"], **optimizer_options(settings)
        )
        self._changes = step_changes(net, self.traced, optimizer)
        self._stateful = optimizer.keeps_state
        values = ", ".join(stepper_text.number(v) for v in train.X[i].reshape(-1)[:8])
        more = "…" if train.X[i].size > 8 else ""
        target = ", ".join(stepper_text.number(v) for v in np.ravel(train.y[i]))
        self.inputs.setText(f"x = ({values}{more}), as the network sees it · target {target}")
        self._stages = stepper_text.stages(net)
        self.show_stage(min(self.index, len(self._stages) - 1))

    def show_stage(self, index: int) -> None:
        stages = self._stages
        self.back.setEnabled(index > 0)
        self.forward.setEnabled(index + 1 < len(stages))
        if not stages or self.traced is None:
            self.where.setText("")
            return
        self.index = index
        stage = stages[index]
        self.where.setText(f"stage {index + 1} of {len(stages)}")
        lr = self._settings()["lr"]
        self.text.setHtml(
            stepper_text.describe(
                stage, self.traced, self.frame.net, self._changes, lr, self._stateful
            )
        )
        self._mark()

    def _mark(self) -> None:
        """The stage's numbers on the canvas, while the stepper is shown."""
        if self._shown and self.traced is not None and self._stages:
            stage = self._stages[self.index]
            self.sigMarks.emit(
                stepper_text.canvas_marks(stage, self.traced, self.frame.net, self._changes)
            )

    def set_shown(self, shown: bool) -> None:
        """The stepper's tab came to the front (its numbers go on the canvas) or was
        left (the canvas shows the network alone again)."""
        self._shown = shown
        if shown:
            self._mark()
        else:
            self.sigMarks.emit(None)

    def _step_to(self, index: int) -> None:
        """The learner stepped: show that stage, its layer selected on the canvas (only
        then: a new frame never takes the selection from an edit under way)."""
        self.show_stage(index)
        if self._stages and self._stages[self.index].layer >= 0:
            self.sigLayer.emit(self._stages[self.index].layer + 1)
