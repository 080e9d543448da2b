"""The inspector: name, size and activation of the selected layer."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.model.document import HIDDEN, INPUT, MAX_UNITS, NetworkDocument


class Inspector(QWidget):
    """Edits the selected layer by emitting requests (the window makes them commands)."""

    sigRenameRequested = Signal(int, str)
    sigUnitsRequested = Signal(int, int)
    sigActivationRequested = Signal(int, str)

    def __init__(self, document: NetworkDocument, parent=None):
        super().__init__(parent)
        self.document, self.index = document, -1
        self.hint = QLabel("Select a layer on the canvas.")
        self.hint.setWordWrap(True)
        self.name = QLineEdit()
        self.units = QSpinBox()
        self.units.setRange(1, MAX_UNITS)
        self.units.setKeyboardTracking(False)
        self.activation = QComboBox()
        self.activation.addItems(list(ACTIVATIONS))
        form = QFormLayout(self)
        form.addRow(self.hint)
        form.addRow("Name", self.name)
        form.addRow("Nodes", self.units)
        form.addRow("Activation", self.activation)
        self.hovered = QLabel()
        self.hovered.setWordWrap(True)
        self.hovered.setToolTip("The weight or node under the pointer; follows training live")
        form.addRow(self.hovered)
        self.name.editingFinished.connect(self._on_name_edited)
        self.units.valueChanged.connect(self._on_units_edited)
        self.activation.activated.connect(self._on_activation_edited)
        self.show_layer(-1)

    def show_hovered(self, text: str) -> None:
        """The value under the pointer on the canvas (kept current while training)."""
        self.hovered.setText(text.split("<br><i>")[0])

    def set_document(self, document: NetworkDocument) -> None:
        self.document = document
        self.show_layer(-1)

    def show_layer(self, index: int) -> None:
        """Show layer ``index`` (−1: nothing selected)."""
        self.index = index if 0 <= index < len(self.document) else -1
        editors = (self.name, self.units, self.activation)
        for editor in editors:
            editor.blockSignals(True)
        if self.index < 0:
            self.hint.setText("Select a layer on the canvas to edit it.")
            self.name.clear()  # no made-up values for no layer
            self.units.setSpecialValueText(" ")
            self.units.setValue(self.units.minimum())
            self.activation.setCurrentIndex(-1)
            for editor in editors:
                editor.setEnabled(False)
        else:
            layer = self.document[self.index]
            self.hint.setText(f"<b>{layer.kind.title()} layer</b>")
            self.units.setSpecialValueText("")
            self.name.setText(layer.name)
            self.units.setValue(layer.units)
            self.activation.setCurrentText(layer.activation)
            self.name.setEnabled(True)
            self.units.setEnabled(layer.kind == HIDDEN)
            self.units.setToolTip(
                "" if layer.kind == HIDDEN else f"The {layer.kind} layer follows the dataset"
            )
            self.activation.setEnabled(layer.kind != INPUT)
        for editor in editors:
            editor.blockSignals(False)

    def refresh(self, *args) -> None:
        self.show_layer(self.index)

    def _on_name_edited(self):
        if self.index >= 0 and self.name.text() != self.document[self.index].name:
            self.sigRenameRequested.emit(self.index, self.name.text())

    def _on_units_edited(self, value: int):
        if self.index >= 0 and value != self.document[self.index].units:
            self.sigUnitsRequested.emit(self.index, value)

    def _on_activation_edited(self, _):
        text = self.activation.currentText()
        if self.index >= 0 and text != self.document[self.index].activation:
            self.sigActivationRequested.emit(self.index, text)
