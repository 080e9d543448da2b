"""The network scene: keeps one item per layer and per layer pair, rebuilt from the
document's events; weights recolour the existing items."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont
from PySide6.QtWidgets import QGraphicsScene, QGraphicsTextItem, QToolTip

from nnstudio.model.document import NetworkDocument
from nnstudio.ui.canvas import colors
from nnstudio.ui.canvas.items import ConnectionsItem, LayerItem

COLUMN_SPACING = 200.0


class NetworkScene(QGraphicsScene):
    """Draws a :class:`NetworkDocument`. Asks for edits through signals (the window
    turns them into undo commands); never edits the document itself."""

    sigUnitsDelta = Signal(int, int)
    sigRenameRequested = Signal(int)
    sigMoveRequested = Signal(int, int)
    sigSelectedLayerChanged = Signal(int)
    sigRebuilt = Signal()
    sigWeightEditRequested = Signal(int, int, int)  # layer pair, source node, target node
    sigBiasEditRequested = Signal(int, int)  # layer, node
    sigHoverText = Signal(str)  # what the pointer is over, with its current value

    def __init__(self, document: NetworkDocument, parent=None):
        super().__init__(parent)
        self.setBackgroundBrush(QColor(252, 252, 253))
        self.document = document
        self.layer_items: list[LayerItem] = []
        self.connection_items: list[ConnectionsItem] = []
        self.scale = 1.0
        self.baseline: list | None = None  # weights that changes are shown against
        self._legend = None  # what the views' legends show
        self._problem = QGraphicsTextItem()
        self._problem.setDefaultTextColor(QColor(190, 30, 30))
        font = QFont()
        font.setBold(True)
        self._problem.setFont(font)
        self._problem.setZValue(10)
        self.addItem(self._problem)
        self.selectionChanged.connect(self._on_selection_changed)
        self._subscribe(document, connect=True)
        self.rebuild()

    def set_document(self, document: NetworkDocument) -> None:
        """Draw another document (a project was opened)."""
        self._subscribe(self.document, connect=False)
        self.document = document
        self._subscribe(document, connect=True)
        self.rebuild()

    def _subscribe(self, document: NetworkDocument, connect: bool) -> None:
        pairs = [
            (event, self._on_structure_changed)
            for event in (
                document.layer_added,
                document.layer_removed,
                document.layer_moved,
                document.layer_changed,
                document.reset,
            )
        ]
        pairs.append((document.weights_changed, self._on_weights_changed))
        for event, slot in pairs:
            event.connect(slot) if connect else event.disconnect(slot)

    def column_x(self, index: int) -> float:
        return index * COLUMN_SPACING

    def insertion_index(self, x: float) -> int:
        """Where a layer dropped at scene x goes: between the two columns around x."""
        after = sum(1 for i in range(len(self.document)) if self.column_x(i) < x)
        return min(max(after, 1), len(self.document) - 1)

    def selected_layer(self) -> int:
        for item in self.selectedItems():
            if isinstance(item, LayerItem):
                return item.index
        return -1

    def select_layer(self, index: int) -> None:
        self.clearSelection()
        if 0 <= index < len(self.layer_items):
            self.layer_items[index].setSelected(True)

    # -- building ---------------------------------------------------------------------

    def rebuild(self) -> None:
        """Items anew from the document; the selection stays with the same layer (by
        name, wherever it moved; by position if it was renamed)."""
        selected = self.selected_layer()
        name = self.layer_items[selected].layer.name if selected >= 0 else None
        self.blockSignals(True)
        for item in self.layer_items + self.connection_items:
            self.removeItem(item)
        self.layer_items, self.connection_items = [], []
        for i, layer in enumerate(self.document.layers):
            item = LayerItem(i, layer, self.column_x(i))
            # queued: the edit rebuilds the scene, which deletes the item that asked
            queued = Qt.ConnectionType.QueuedConnection
            item.sigUnitsDelta.connect(self.sigUnitsDelta, queued)
            item.sigRenameRequested.connect(self.sigRenameRequested, queued)
            item.sigBiasEditRequested.connect(self.sigBiasEditRequested, queued)
            item.sigDragFinished.connect(self._on_layer_dropped, queued)
            self.addItem(item)
            self.layer_items.append(item)
        for source, target in zip(self.layer_items, self.layer_items[1:]):
            connections = ConnectionsItem(source, target)
            self.addItem(connections)
            self.connection_items.append(connections)
        self.blockSignals(False)
        self._show_problems()
        self._on_weights_changed()
        # room around the network, so the background can always be dragged to pan
        bounds = self.itemsBoundingRect()
        margin = max(bounds.width(), bounds.height(), 800.0)
        self.setSceneRect(bounds.adjusted(-margin, -margin, margin, margin))
        names = [layer.name for layer in self.document.layers]
        if name in names:
            selected = names.index(name)
        self.select_layer(selected if selected < len(self.layer_items) else -1)
        self.sigRebuilt.emit()

    def _show_problems(self) -> None:
        problems = self.document.problems()
        self._problem.setPlainText("⚠ " + problems[0] if problems else "")
        self._problem.setTextWidth(max(300.0, COLUMN_SPACING * (len(self.document) - 1)))
        top = min((item.boundingRect().top() for item in self.layer_items), default=0)
        self._problem.setPos(QPointF(-60, top - 60))

    # -- events -----------------------------------------------------------------------

    def _on_structure_changed(self, *args) -> None:
        self.rebuild()

    def show_changes(self, on: bool) -> None:
        """Colour by how much each weight and bias changed since now (on), or by value."""
        self.baseline = [(w.copy(), b.copy()) for w, b in self.document.weights()] if on else None
        self._on_weights_changed()

    @property
    def showing_changes(self) -> bool:
        """True while colours show changes (the network still has the baseline's shape)."""
        return self.baseline is not None and [w.shape for w, _ in self.baseline] == [
            w.shape for w, _ in self.document.weights()
        ]

    def displayed_weights(self) -> list:
        """The values drawn: the weights, or their changes since the baseline."""
        weights = self.document.weights()
        if not self.showing_changes:
            return weights
        return [(w - w0, b - b0) for (w, b), (w0, b0) in zip(weights, self.baseline)]

    def _on_weights_changed(self) -> None:
        weights = self.displayed_weights()
        self.scale = colors.scale_of(weights)
        prefix = "change of " if self.showing_changes else ""
        for (w, b), connections, target in zip(
            weights, self.connection_items, self.layer_items[1:]
        ):
            connections.value_label = prefix + "weight"
            target.value_label = prefix + "bias"
            connections.set_weights(np.asarray(w), self.scale)
            target.set_values(np.asarray(b), self.scale)
        legend = (f"{self.scale:.2g}", self.showing_changes)
        if legend != self._legend:
            self._legend = legend
            for view in self.views():
                view.viewport().update()
        self._refresh_hover()

    def _refresh_hover(self) -> None:
        """Keep the value under the pointer current while training changes it."""
        for item in self.layer_items + self.connection_items:
            hovered = item.hovered_node if isinstance(item, LayerItem) else item.hovered
            if hovered is not None:
                text = item.hover_text()
                item.setToolTip(text)
                self.sigHoverText.emit(text)
                if QToolTip.isVisible():
                    QToolTip.showText(QCursor.pos(), text)
                return

    def set_node_maps(self, maps: list | None) -> None:
        """Pictures inside the hidden layers' nodes (see node_maps), or none."""
        for i, item in enumerate(self.layer_items[1:-1]):
            item.set_node_images(maps[i] if maps and i < len(maps) else None)

    def _on_layer_dropped(self, index: int, x: float) -> None:
        target = min(max(round(x / COLUMN_SPACING), 1), len(self.document) - 2)
        item = self.layer_items[index]
        item.setPos(self.column_x(index), 0)
        if target != index:
            self.sigMoveRequested.emit(index, target)

    def _on_selection_changed(self) -> None:
        self.sigSelectedLayerChanged.emit(self.selected_layer())
