"""The training panel: Play / Pause / Step / Step epoch / Reset, counters, settings."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnstudio.engine.optimizers import OPTIMIZERS
from nnstudio.model.training import DEFAULT_SETTINGS


class TrainingPanel(QWidget):
    """Buttons emit requests; settings changes emit ``sigSettingsChanged(dict)``."""

    sigPlay = Signal()
    sigPause = Signal()
    sigStep = Signal()
    sigStepEpoch = Signal()
    sigReset = Signal()
    sigSettingsChanged = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.play = QPushButton("▶ Play")
        self.play.setToolTip("Train until paused (Space)")
        self.pause = QPushButton("Pause")
        self.step = QPushButton("Step")
        self.step.setToolTip("Train one mini-batch")
        self.step_epoch = QPushButton("Step epoch")
        self.reset = QPushButton("⟲ Reset")
        self.reset.setToolTip("Re-initialise the weights from the seed")
        buttons = QGridLayout()
        for i, button in enumerate((self.play, self.pause, self.step, self.step_epoch,
                                    self.reset)):
            buttons.addWidget(button, i // 3, i % 3)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#fde2e1;color:#8a1c1c;padding:6px;"
                                  "border-radius:4px")
        self.banner.hide()
        self.counters = QLabel("epoch 0 · step 0")
        self.counters.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.optimizer = QComboBox()
        self.optimizer.addItems(list(OPTIMIZERS))
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(1e-5, 10.0)
        self.lr.setSingleStep(0.001)
        self.lr.setToolTip("Learning rate: takes effect at the next step, even while training")
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 65536)
        self.epochs = QSpinBox()
        self.epochs.setRange(0, 10_000_000)
        self.epochs.setSpecialValueText("until paused")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        form = QFormLayout()
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Learning rate", self.lr)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Stop after epochs", self.epochs)
        form.addRow("Seed", self.seed)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.counters)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addStretch(1)
        self.play.clicked.connect(self.sigPlay)
        self.pause.clicked.connect(self.sigPause)
        self.step.clicked.connect(self.sigStep)
        self.step_epoch.clicked.connect(self.sigStepEpoch)
        self.reset.clicked.connect(self.sigReset)
        for widget in (self.optimizer, self.lr, self.batch_size, self.epochs, self.seed):
            signal = (widget.currentTextChanged if isinstance(widget, QComboBox)
                      else widget.valueChanged)
            signal.connect(self._emit_settings)
        self.show_settings(DEFAULT_SETTINGS)
        self.set_running(False)

    def show_settings(self, settings: dict) -> None:
        widgets = (self.optimizer, self.lr, self.batch_size, self.epochs, self.seed)
        for widget in widgets:
            widget.blockSignals(True)
        self.optimizer.setCurrentText(settings["optimizer"])
        self.lr.setValue(settings["lr"])
        self.batch_size.setValue(settings["batch_size"])
        self.epochs.setValue(settings["epochs"] or 0)
        self.seed.setValue(settings["seed"])
        for widget in widgets:
            widget.blockSignals(False)

    def settings(self) -> dict:
        return {"optimizer": self.optimizer.currentText(), "lr": self.lr.value(),
                "batch_size": self.batch_size.value(),
                "epochs": self.epochs.value() or None, "seed": self.seed.value()}

    def _emit_settings(self, *_):
        self.sigSettingsChanged.emit(self.settings())

    def set_running(self, running: bool) -> None:
        self.play.setEnabled(not running)
        self.pause.setEnabled(running)
        for widget in (self.optimizer, self.batch_size, self.epochs, self.seed):
            widget.setEnabled(not running)

    def show_counters(self, epoch: int, step: int, rate: float | None, metrics) -> None:
        """Progress; ``rate`` None when not training (paused, finished)."""
        speed = "not training" if rate is None else f"{rate:,.0f} samples/s"
        text = f"epoch {epoch:,} · step {step:,} · {speed}"
        if metrics.get("loss") is not None:
            text += f"\nloss {metrics['loss']:.4g}"
        if metrics.get("accuracy") is not None:
            text += f" · accuracy {metrics['accuracy']:.1%}"
        self.counters.setText(text)

    def show_banner(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.setVisible(bool(message))
