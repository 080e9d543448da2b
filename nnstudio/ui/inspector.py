"""The inspector: the selected layer's name, size, activation and its type's options
(one editor per option of the registry's type), its output shape and parameters."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.layers.conv2d import PADDINGS
from nnstudio.engine.layers.keys import shape_text
from nnstudio.model.document import HIDDEN, INPUT, MAX_UNITS, DocumentError, NetworkDocument
from nnstudio.model.layer_types import type_info
from nnstudio.ui.whats_this import explain

COUNT_LABELS = {"units": "Nodes", "filters": "Filters"}
# each option's label, what it does and its glossary term; an option not named here is
# labelled by its key
OPTIONS = {
    "kernel_size": ("Kernel size", "Each filter's height and width, in pixels", "kernel"),
    "stride": ("Stride", "How far the window moves between two outputs, in pixels", "stride"),
    "padding": (
        "Padding",
        "valid: only where the window fits in the image (the output shrinks); "
        "same: zeros around the image, so the output keeps its size (at stride 1)",
        "padding",
    ),
    "pool_size": ("Pool size", "Each pooling window's height and width, in pixels", "pooling"),
    "rate": ("Dropout rate", "The share of the values dropped at each training step", "dropout"),
    "use_bias": ("Bias", "Add a learnt bias to each node or feature map", "bias"),
}
CHOICES = {"padding": PADDINGS}
INT_MAX = 99


def option_label(key: str) -> str:
    return OPTIONS.get(key, (key.replace("_", " ").capitalize(), "", None))[0]


def option_editor(key: str, default) -> QWidget:
    """The editor of an option of type ``default``'s: a check box for a bool, a choice
    for a string, a spin box for a number."""
    if isinstance(default, bool):
        editor = QCheckBox()
    elif isinstance(default, str):
        editor = QComboBox()
        editor.addItems(list(CHOICES.get(key, (default,))))
    elif isinstance(default, float):
        editor = QDoubleSpinBox()
        editor.setRange(0.0, 0.95)
        editor.setSingleStep(0.05)
        editor.setDecimals(2)
        editor.setKeyboardTracking(False)
    else:
        editor = QSpinBox()
        editor.setRange(1, INT_MAX)
        editor.setKeyboardTracking(False)
    _, tip, term = OPTIONS.get(key, ("", f"The layer's {key.replace('_', ' ')}", None))
    editor.setToolTip(tip)
    explain(editor, term)
    return editor


def _set_value(editor: QWidget, value) -> None:
    if isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QComboBox):
        editor.setCurrentText(str(value))
    else:
        editor.setValue(value)


def _changed_signal(editor: QWidget):
    if isinstance(editor, QCheckBox):
        return editor.toggled
    if isinstance(editor, QComboBox):
        return editor.textActivated
    return editor.valueChanged


class Inspector(QWidget):
    """Edits the selected layer by emitting requests (the window makes them commands)."""

    sigRenameRequested = Signal(int, str)
    sigUnitsRequested = Signal(int, int)
    sigActivationRequested = Signal(int, str)
    sigOptionRequested = Signal(int, str, object)

    def __init__(self, document: NetworkDocument, parent=None):
        super().__init__(parent)
        self.document, self.index = document, -1
        self.hint = QLabel("Select a layer on the canvas.")
        self.hint.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setToolTip("The layer's name (unique in the network)")
        self.units = QSpinBox()
        self.units.setRange(1, MAX_UNITS)
        self.units.setKeyboardTracking(False)
        self.activation = QComboBox()
        self.activation.addItems(list(ACTIVATIONS))
        self.activation.setToolTip("The function each node applies to its weighted sum")
        explain(self.name, "layer")
        explain(
            self.units,
            "neuron",
            "How many nodes the layer has (feature maps, for a convolution); its + and − "
            "on the canvas change it too",
        )
        explain(self.activation, "activation")
        self.output_shape = QLabel()
        self.output_shape.setToolTip("The shape of what this layer passes on")
        self.parameters = QLabel()
        self.parameters.setWordWrap(True)
        self.parameters.setToolTip("How the layer's weights and biases add up")
        self.form = form = QFormLayout(self)
        form.addRow(self.hint)
        form.addRow("Name", self.name)
        self.units_label = QLabel("Nodes")
        form.addRow(self.units_label, self.units)
        form.addRow("Activation", self.activation)
        self._options_at = form.rowCount()  # the type's option rows go here
        self.options: dict[str, QWidget] = {}
        self._options_type: str | None = None
        form.addRow("Output", self.output_shape)
        form.addRow("Parameters", self.parameters)
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
        layer = self.document[self.index] if self.index >= 0 else None
        self._show_options(layer.type if layer is not None and layer.kind == HIDDEN else None)
        editors = (self.name, self.units, self.activation, *self.options.values())
        for editor in editors:
            editor.blockSignals(True)
        if layer is None:
            self.hint.setText("Select a layer on the canvas to edit it.")
            self.name.clear()  # no made-up values for no layer
            self.units.setSpecialValueText(" ")
            self.units.setValue(self.units.minimum())
            self.activation.setCurrentIndex(-1)
            for editor in editors:
                editor.setEnabled(False)
            self._show_rows(True, True)
            self.output_shape.clear()
            self.parameters.clear()
        else:
            self._show(layer)
        for editor in editors:
            editor.blockSignals(False)

    def _show(self, layer) -> None:
        info = type_info(layer.type)
        title = info.title if layer.kind == HIDDEN else layer.kind.title()
        self.hint.setText(f"<b>{title} layer</b>")
        self.hint.setToolTip(info.description if layer.kind == HIDDEN else "")
        self.units.setSpecialValueText("")
        self.name.setText(layer.name)
        self.name.setEnabled(True)
        sized = layer.kind != HIDDEN or info.count_key is not None
        self._show_rows(sized, layer.kind != INPUT and info.has_activation)
        self.units_label.setText(COUNT_LABELS.get(info.count_key, "Nodes"))
        self.units.setValue(layer.units)
        self.units.setEnabled(layer.kind == HIDDEN)
        self.units.setToolTip(
            f"The layer's {self.units_label.text().lower()}"
            if layer.kind == HIDDEN
            else f"The {layer.kind} layer follows the dataset"
        )
        self.activation.setCurrentText(layer.activation)
        self.activation.setEnabled(layer.kind != INPUT)
        for key, editor in self.options.items():
            _set_value(editor, layer.option(key))
            editor.setEnabled(True)
        try:
            shape = shape_text(self.document.shapes()[self.index])
            formula = self.document.parameter_formulas()[self.index]
        except DocumentError as exc:
            shape, formula = "—", ""
            self.output_shape.setToolTip(str(exc))
        self.output_shape.setText(shape)
        self.parameters.setText(
            "" if layer.kind == INPUT else formula if info.has_parameters else "none"
        )

    def _show_rows(self, units: bool, activation: bool) -> None:
        self.form.setRowVisible(self.units, units)
        self.form.setRowVisible(self.activation, activation)

    def _show_options(self, type_name: str | None) -> None:
        """One editor per option of ``type_name`` (none for None), made anew only when
        the type shown changes (an editor is never deleted in its own signal)."""
        if type_name == self._options_type:
            return
        for editor in self.options.values():
            self.form.removeRow(editor)
        self.options, self._options_type = {}, type_name
        if type_name is None:
            return
        for k, (key, default) in enumerate(type_info(type_name).options):
            editor = option_editor(key, default)
            _changed_signal(editor).connect(
                lambda value, key=key: self._on_option_edited(key, value)
            )
            self.form.insertRow(self._options_at + k, option_label(key), editor)
            self.options[key] = editor

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

    def _on_option_edited(self, key: str, value) -> None:
        if self.index >= 0 and value != self.document[self.index].option(key):
            self.sigOptionRequested.emit(self.index, key, value)
