"""The dataset panel: pick a built-in dataset and its parameters."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QWidget

from nnstudio import datasets

GENERATED = [d["name"] for d in datasets.list() if "n_samples" in d["parameters"]]


class DatasetPanel(QWidget):
    """Emits ``sigDatasetRequested(reference)`` with {"name": ..., "params": {...}}."""

    sigDatasetRequested = Signal(dict)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choice = QComboBox()
        for entry in datasets.list():
            self.choice.addItem(entry["name"])
            self.choice.setItemData(
                self.choice.count() - 1, entry["summary"], Qt.ItemDataRole.ToolTipRole
            )
        self.samples = QSpinBox()
        self.samples.setRange(4, 100_000)
        self.samples.setValue(400)
        self.samples.setKeyboardTracking(False)
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 2.0)
        self.noise.setSingleStep(0.05)
        self.noise.setKeyboardTracking(False)
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.about.setMinimumHeight(90)
        self.size = QLabel()
        self.size.setStyleSheet("color: #606060;")
        self.form = QFormLayout(self)
        self.form.addRow("Dataset", self.choice)
        self.form.addRow("Samples", self.samples)
        self.form.addRow("Noise", self.noise)
        self.form.addRow(self.size)
        self.form.addRow(self.about)
        self.choice.activated.connect(self._request)
        self.samples.valueChanged.connect(self._request)
        self.noise.valueChanged.connect(self._request)

    def show_reference(self, reference: dict, description: str = "", size: str = "") -> None:
        """Show the project's dataset without asking for a change. Samples and noise
        are only shown for the generated sets; ``size`` says what the data holds."""
        for widget in (self.choice, self.samples, self.noise):
            widget.blockSignals(True)
        self.choice.setCurrentText(reference["name"])
        params = reference.get("params", {})
        self.samples.setValue(params.get("n_samples", self.samples.value()))
        self.noise.setValue(params.get("noise", 0.0))
        generated = reference["name"] in GENERATED
        self.form.setRowVisible(self.samples, generated)
        self.form.setRowVisible(self.noise, generated)
        self.size.setText(size)
        self.about.setText(description)
        for widget in (self.choice, self.samples, self.noise):
            widget.blockSignals(False)

    def _request(self, *_):
        name = self.choice.currentText()
        params = (
            {"n_samples": self.samples.value(), "noise": round(self.noise.value(), 4), "seed": 0}
            if name in GENERATED
            else {}
        )
        self.sigDatasetRequested.emit({"name": name, "params": params})
