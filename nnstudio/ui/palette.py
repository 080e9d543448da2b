"""The palette of layer types; entries are dragged onto the canvas."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from nnstudio.ui.canvas.view import layer_mime

LAYER_TYPES = [
    ("dense", "Dense", "A fully-connected hidden layer. Drag it between two layers."),
    ("input", "Input", "The input layer: one per network, sized by the dataset's features."),
    ("output", "Output", "The output layer: one per network, sized by the dataset's outputs."),
]


class Palette(QListWidget):
    """Layer types to drag onto the canvas (the payload is the type's id only)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMinimumWidth(150)
        self.setMaximumHeight(90)
        for kind, label, tip in LAYER_TYPES:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setToolTip(tip)
            self.addItem(item)

    def mimeData(self, items):
        return layer_mime(items[0].data(Qt.ItemDataRole.UserRole))

    def mimeTypes(self):
        return [layer_mime("dense").formats()[0]]
