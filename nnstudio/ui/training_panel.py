"""The training panel: Play / Pause / Step / Step epoch / Reset, counters, settings."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from superqt import QCollapsible

from nnstudio import datasets
from nnstudio.engine.initializers import INITIALIZERS
from nnstudio.engine.losses import LOSSES, REDUCTIONS
from nnstudio.engine.optimizers import OPTIMIZERS
from nnstudio.model.training import DEFAULT_SETTINGS
from nnstudio.ui import whats_this
from nnstudio.ui.live_text import LiveText, counters_text
from nnstudio.ui.whats_this import explain

AUTOMATIC_LOSS = "automatic"
# the speed control's settings, slowest first, in steps a second (None: full speed)
SPEEDS = (1, 2, 5, 10, 30, 100, 300, None)
AUTOMATIC_SCALING = "auto"
LOCKED_TIP = "\n(Set by the lesson.)"
# the glossary's entry behind each setting (What's This?)
TERMS = {
    "optimizer": "optimizer",
    "lr": "learning rate",
    "batch_size": "batch",
    "epochs": "epoch",
    "seed": "seed",
    "loss": "loss",
    "loss_reduction": "loss reduction",
    "momentum": "momentum",
    "nesterov": "momentum",
    "l1": "L1",
    "l2": "L2",
    "initializer": "initialisation",
    "dtype": "precision",
    "scaling": "input scaling",
    "validation_split": "validation set",
    "test_split": "test set",
    "target_loss": "loss",
}


def _spin(
    low: float, high: float, step: float, decimals: int, tip: str, off: str | None = None
) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setToolTip(tip)
    if off is not None:
        box.setSpecialValueText(off)
    return box


class TrainingPanel(QWidget):
    """Buttons emit requests; a setting changed emits ``sigSettingsChanged({key: value})``."""

    sigPlay = Signal()
    sigPause = Signal()
    sigStep = Signal()
    sigStepEpoch = Signal()
    sigReset = Signal()
    sigSettingsChanged = Signal(dict)
    sigSpeedChanged = Signal(object)  # steps a second, None: full speed

    def __init__(self, parent=None):
        super().__init__(parent)
        self.play = QPushButton("Play")
        self.play.setToolTip("Train until paused (Space)")
        self.pause = QPushButton("Pause")
        self.pause.setToolTip("Stop training for now; Play goes on from here")
        self.step = QPushButton("Step")
        self.step.setToolTip("Train one mini-batch")
        self.step_epoch = QPushButton("Step epoch")
        self.step_epoch.setToolTip("Train one epoch: every training sample once")
        self.reset = QPushButton("Reset")
        self.reset.setToolTip("Re-initialise the weights from the seed")
        for button, term in (
            (self.play, "epoch"),
            (self.pause, None),
            (self.step, "step"),
            (self.step_epoch, "epoch"),
            (self.reset, "initialisation"),
        ):
            explain(button, term)
        buttons = QGridLayout()
        for i, button in enumerate((self.play, self.pause, self.step, self.step_epoch, self.reset)):
            buttons.addWidget(button, i // 3, i % 3)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fde2e1;color:#8a1c1c;padding:6px;border-radius:4px")
        self.banner.hide()
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setPageStep(1)
        self.speed.setValue(len(SPEEDS) - 1)
        self.speed.setToolTip(
            "Training speed: slow it down to watch each step change the weights and the "
            "boundary (the views show every step up to 30 a second)"
        )
        explain(self.speed, "step")
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(
            self.speed_label.fontMetrics().horizontalAdvance("300 steps/s")
        )
        self.speed.valueChanged.connect(self._on_speed)
        self._on_speed(self.speed.value())
        speed = QHBoxLayout()
        speed.addWidget(QLabel("Speed"))
        speed.addWidget(self.speed, 1)
        speed.addWidget(self.speed_label)
        self.counters = LiveText("epoch 0 · step 0 · not training\nloss –")
        self._build_settings()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(speed)
        layout.addWidget(self.counters)
        layout.addWidget(self.banner)
        layout.addLayout(self.form)
        layout.addWidget(self.more)
        layout.addStretch(1)
        self.play.clicked.connect(self.sigPlay)
        self.pause.clicked.connect(self.sigPause)
        self.step.clicked.connect(self.sigStep)
        self.step_epoch.clicked.connect(self.sigStepEpoch)
        self.reset.clicked.connect(self.sigReset)
        for key, widget in self._widgets.items():
            signal = (
                widget.currentTextChanged
                if isinstance(widget, QComboBox)
                else widget.toggled
                if isinstance(widget, QCheckBox)
                else widget.valueChanged
            )
            signal.connect(lambda *_, key=key: self._emit_setting(key))
        self.show_settings({**DEFAULT_SETTINGS, "loss": None, "initializer": "glorot_uniform"})
        self._locked: frozenset[str] = frozenset()
        self.set_running(False)

    def _build_settings(self) -> None:
        optimizer = QComboBox()
        optimizer.addItems(list(OPTIMIZERS))
        optimizer.setToolTip(
            "The rule that turns the gradients into changes of the weights (perceptron: "
            "Rosenblatt's rule)"
        )
        lr = _spin(
            1e-5,
            10.0,
            0.001,
            5,
            "Learning rate: takes effect at the next step, even while training",
        )
        batch_size = QSpinBox()
        batch_size.setRange(1, 65536)
        batch_size.setToolTip("How many samples each training step learns from together")
        epochs = QSpinBox()
        epochs.setRange(0, 10_000_000)
        epochs.setSpecialValueText("until paused")
        epochs.setToolTip("Stop after this many passes over the training samples")
        seed = QSpinBox()
        seed.setRange(0, 2**31 - 1)
        seed.setToolTip(
            "Drives the initial weights, the shuffling and the splits: the same "
            "seed gives the same run"
        )
        loss = QComboBox()
        loss.addItems([AUTOMATIC_LOSS, *LOSSES])
        loss.setToolTip("automatic: cross-entropy for sigmoid/softmax outputs, else mse")
        reduction = QComboBox()
        reduction.addItems(list(REDUCTIONS))
        reduction.setToolTip(
            "mean: each step follows the gradient of the average loss (PyTorch's and "
            "Keras's default); sum: of the summed loss, as a tutorial's hand-written "
            "update does (the loss curve shows the mean either way)"
        )
        momentum = _spin(0.0, 0.999, 0.05, 3, "Momentum (sgd and rmsprop)")
        nesterov = QCheckBox("Nesterov momentum (sgd)")
        nesterov.setToolTip("Take the gradient where momentum is carrying the weights")
        l1 = _spin(0.0, 1.0, 1e-4, 5, "L1 penalty on the weights (not the biases)")
        l2 = _spin(0.0, 1.0, 1e-4, 5, "L2 penalty on the weights (not the biases)")
        initializer = QComboBox()
        initializer.addItems(list(INITIALIZERS))
        initializer.setToolTip("How the initial weights are drawn (Reset draws them again)")
        dtype = QComboBox()
        dtype.addItems(["float32", "float64"])
        dtype.setToolTip("float32 trains faster; float64 keeps the digits a tutorial prints")
        scaling = QComboBox()
        scaling.addItems([AUTOMATIC_SCALING, *datasets.SCALINGS])
        scaling.setToolTip(
            "How inputs are scaled before training, with statistics of the training part: "
            "standard (mean 0, variance 1), minmax (0 to 1) or none. Auto: standard, none "
            "for points drawn on the plane"
        )
        validation = _spin(
            0.0,
            0.5,
            0.05,
            2,
            "Share of the training samples held out for the validation curve",
            off="none",
        )
        test = _spin(
            0.0,
            0.5,
            0.05,
            2,
            "Share of the samples kept for testing. Auto: a fifth, or none for a dataset "
            "of under 32 samples (a truth table trains on every row)",
            off="auto",
        )
        target = _spin(
            0.0, 100.0, 0.001, 4, "Stop once an epoch's mean loss is this low", off="none"
        )
        self._widgets = {
            "optimizer": optimizer,
            "lr": lr,
            "batch_size": batch_size,
            "epochs": epochs,
            "seed": seed,
            "loss": loss,
            "loss_reduction": reduction,
            "momentum": momentum,
            "nesterov": nesterov,
            "l1": l1,
            "l2": l2,
            "initializer": initializer,
            "dtype": dtype,
            "scaling": scaling,
            "validation_split": validation,
            "test_split": test,
            "target_loss": target,
        }
        self.optimizer, self.lr, self.batch_size, self.epochs, self.seed = (
            optimizer,
            lr,
            batch_size,
            epochs,
            seed,
        )
        self.form = QFormLayout()
        for label, key in (
            ("Optimizer", "optimizer"),
            ("Learning rate", "lr"),
            ("Batch size", "batch_size"),
            ("Stop after epochs", "epochs"),
            ("Seed", "seed"),
        ):
            self.form.addRow(label, self._widgets[key])
        for key, widget in self._widgets.items():
            explain(widget, TERMS[key])
        self.more = QCollapsible("More settings")
        for button in whats_this.controls(self.more):  # its own toggle
            explain(button, sentence="Show or hide the settings used less often")
        inner = QWidget()
        self._more_form = more = QFormLayout(inner)
        more.setContentsMargins(0, 0, 0, 0)
        for label, key in (
            ("Loss", "loss"),
            ("Loss reduction", "loss_reduction"),
            ("Momentum", "momentum"),
            ("", "nesterov"),
            ("L1", "l1"),
            ("L2", "l2"),
            ("Initialiser", "initializer"),
            ("Precision", "dtype"),
            ("Input scaling", "scaling"),
            ("Validation split", "validation_split"),
            ("Test split", "test_split"),
            ("Stop at loss", "target_loss"),
        ):
            more.addRow(label, self._widgets[key])
        self.more.addWidget(inner)

    def steps_per_second(self) -> float | None:
        """The chosen speed in steps a second (None: full speed)."""
        return SPEEDS[self.speed.value()]

    def _on_speed(self, position: int) -> None:
        rate = SPEEDS[position]
        self.speed_label.setText("full" if rate is None else f"{rate} step{'s' * (rate > 1)}/s")
        self.sigSpeedChanged.emit(rate)

    def show_settings(self, settings: dict) -> None:
        for widget in self._widgets.values():
            widget.blockSignals(True)
        for key, widget in self._widgets.items():
            value = settings[key]
            if key in ("loss", "scaling"):
                widget.setCurrentText(value or widget.itemText(0))  # None: automatic
            elif isinstance(widget, QComboBox):
                widget.setCurrentText(value)
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            else:
                widget.setValue(value or 0)
        for widget in self._widgets.values():
            widget.blockSignals(False)

    def settings(self) -> dict:
        values = {}
        for key, widget in self._widgets.items():
            if isinstance(widget, QComboBox):
                values[key] = widget.currentText()
            elif isinstance(widget, QCheckBox):
                values[key] = widget.isChecked()
            else:
                values[key] = widget.value()
        values["loss"] = None if values["loss"] == AUTOMATIC_LOSS else values["loss"]
        values["scaling"] = None if values["scaling"] == AUTOMATIC_SCALING else values["scaling"]
        values["epochs"] = values["epochs"] or None
        values["target_loss"] = values["target_loss"] or None
        values["test_split"] = values["test_split"] or None
        return values

    def _emit_setting(self, key: str) -> None:
        """The setting the user changed, alone (the others are as the project has them:
        one shown as "auto" or "none" is not rewritten)."""
        self.sigSettingsChanged.emit({key: self.settings()[key]})

    def set_running(self, running: bool) -> None:
        self._running = running
        self.play.setEnabled(not running)
        self.pause.setEnabled(running)
        for key, widget in self._widgets.items():
            widget.setEnabled((not running or key == "lr") and key not in self._locked)

    def restrict(self, locked=(), hidden=()) -> None:
        """Show the settings ``locked`` without letting them change, and leave out those
        ``hidden`` (a lesson's; ``restrict()`` gives every setting back)."""
        self._locked = frozenset(locked)
        for key, widget in self._widgets.items():
            form = self.form if self.form.indexOf(widget) >= 0 else self._more_form
            form.setRowVisible(widget, key not in hidden)
            tip = widget.toolTip().removesuffix(LOCKED_TIP)
            widget.setToolTip(tip + LOCKED_TIP if key in self._locked else tip)
        self.set_running(self._running)

    def show_counters(self, epoch: int, step: int, rate: float | None, metrics) -> None:
        """Progress; ``rate`` None when not training (paused, finished)."""
        self.counters.setText(counters_text(epoch, step, rate, metrics))

    def show_banner(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.setVisible(bool(message))
