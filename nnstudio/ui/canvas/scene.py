"""The network scene: keeps one item per layer, one link per two consecutive layers and
the shape passed between them, rebuilt from the document's events; weights recolour the
existing items."""

from __future__ import annotations

import math
from contextlib import contextmanager
from functools import partial

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsTextItem, QToolTip

from nnstudio.engine.layers.keys import shape_text
from nnstudio.model.document import DocumentError, NetworkDocument
from nnstudio.ui.canvas import colors
from nnstudio.ui.canvas.connections import ConnectionsItem, KernelLinksItem, LinkItem
from nnstudio.ui.canvas.drop_marker import DropMarker
from nnstudio.ui.canvas.image_items import FeatureMapsItem, is_image
from nnstudio.ui.canvas.items import LayerItem
from nnstudio.ui.canvas.node_zoom import NodeZoom
from nnstudio.ui.canvas.step_marks import StepMarks

COLUMN_SPACING = 200.0
SHAPES_ABOVE = 24.0  # the shapes' row: this far above the highest layer


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
    sigNodeHovered = Signal(int, int)  # layer, node (-1: none any more)

    def __init__(self, document: NetworkDocument, parent=None):
        super().__init__(parent)
        self.setBackgroundBrush(colors.ink().paper)
        self.document = document
        self.layer_items: list[LayerItem] = []
        self.connection_items: list[ConnectionsItem | LinkItem] = []  # into layer 1, 2, …
        self.shape_items: list[QGraphicsSimpleTextItem] = []  # each layer's output shape
        self.scale = 1.0
        self.baseline: list | None = None  # weights that changes are shown against
        self.input_names: tuple[str, ...] = ()  # the data's features
        self._legend = None  # what the views' legends show
        self._problem = QGraphicsTextItem()
        self._problem.setDefaultTextColor(QColor(190, 30, 30))
        font = QFont()
        font.setBold(True)
        self._problem.setFont(font)
        self._problem.setZValue(10)
        self.addItem(self._problem)
        self.node_zoom = NodeZoom()
        self.drop_marker = DropMarker()
        self._overlays = (self.node_zoom, self.drop_marker)  # not part of the network
        self.step_marks: StepMarks | None = None  # the stepper's, on the layer it computes
        self._step = None  # the stepper's CanvasMarks shown
        for overlay in self._overlays:
            self.addItem(overlay)
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
        self.step_marks, self._step = None, None  # they go with the items they mark
        for item in self.layer_items + self.connection_items + self.shape_items:
            self.removeItem(item)
        self.layer_items, self.connection_items, self.shape_items = [], [], []
        self.node_zoom.hide()
        shapes, formulas = self._shapes_and_formulas()
        for i, layer in enumerate(self.document.layers):
            kind = FeatureMapsItem if is_image(shapes[i]) else LayerItem
            item = kind(i, layer, self.column_x(i), shapes[i], formulas[i])
            # queued: the edit rebuilds the scene, which deletes the item that asked
            queued = Qt.ConnectionType.QueuedConnection
            item.sigUnitsDelta.connect(self.sigUnitsDelta, queued)
            item.sigRenameRequested.connect(self.sigRenameRequested, queued)
            item.sigBiasEditRequested.connect(self.sigBiasEditRequested, queued)
            item.sigDragFinished.connect(self._on_layer_dropped, queued)
            item.sigNodeHovered.connect(self.sigNodeHovered)
            self.addItem(item)
            self.layer_items.append(item)
        pairs = {index: pair for pair, index in enumerate(self.document.weighted())}
        for source, target in zip(self.layer_items, self.layer_items[1:]):
            link = self._link(source, target, pairs.get(target.index))
            self.addItem(link)
            self.connection_items.append(link)
        self._show_shapes(shapes)
        if self.layer_items:
            self.layer_items[0].set_names(self.input_names)
        self.blockSignals(False)
        self._show_problems()
        self._on_weights_changed()
        # room around the network, so the background can always be dragged to pan
        bounds = self.network_rect()
        margin = max(bounds.width(), bounds.height(), 800.0)
        self.setSceneRect(bounds.adjusted(-margin, -margin, margin, margin))
        names = [layer.name for layer in self.document.layers]
        if name in names:
            selected = names.index(name)
        self.select_layer(selected if selected < len(self.layer_items) else -1)
        self.sigRebuilt.emit()

    def _shapes_and_formulas(self) -> tuple[list, list[str]]:
        """Each layer's output shape and parameter formula (None and "" while the
        network's shapes do not work: the problem says why)."""
        try:
            return self.document.shapes(), self.document.parameter_formulas()
        except DocumentError:
            return [None] * len(self.document), [""] * len(self.document)

    @staticmethod
    def _link(source: LayerItem, target: LayerItem, pair: int | None):
        """The connections into ``target``: weights into a layer that has them (its
        ``pair`` of the document's weights), a neutral link into one that has none."""
        if pair is None or not len(source.shown) or not len(target.shown):
            return LinkItem(source, target)
        kind = KernelLinksItem if is_image(target.output_shape) else ConnectionsItem
        return kind(source, target, pair)

    def _show_shapes(self, shapes: list) -> None:
        """Between two layers, in one row over the network: the shape the first passes
        on ("26×26×16", "2704"), so shape mistakes show before training."""
        if shapes[0] is None:
            return
        y = min(item.boundingRect().top() for item in self.layer_items) - SHAPES_ABOVE
        font = QFont()
        font.setPointSizeF(font.pointSizeF() * 0.95)
        for item, shape in zip(self.layer_items[:-1], shapes):
            label = QGraphicsSimpleTextItem(f"{shape_text(shape)} →")
            label.setFont(font)
            label.setBrush(colors.ink().muted)
            label.setToolTip(
                f"{item.layer.name} passes on {shape_text(shape)}"
                + (f" ({math.prod(shape):,} values)" if len(shape) > 1 else " values")
            )
            width = label.boundingRect().width()
            label.setPos(item.x() + COLUMN_SPACING / 2 - width / 2, y)
            self.addItem(label)
            self.shape_items.append(label)

    def shape_labels(self) -> list[str]:
        """The shapes written between the layers, first to last."""
        return [label.text().removesuffix(" →") for label in self.shape_items]

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
        for (w, b), index in zip(weights, self.document.weighted()):
            if index >= len(self.layer_items):
                break
            connections, target = self.connection_items[index - 1], self.layer_items[index]
            target.value_label = prefix + "bias"
            target.set_values(np.asarray(b), self.scale)
            if isinstance(connections, ConnectionsItem):
                connections.value_label = prefix + "weight"
                connections.set_weights(np.asarray(w), self.scale)
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

    def show_dropped(self, per_layer: tuple) -> None:
        """Dim what dropout took from the latest training step's first sample (per
        network layer — the input is none — None or a boolean mask of its outputs; ()
        to show none)."""
        for k, item in enumerate(self.layer_items):
            item.set_dropped(per_layer[k - 1] if 0 < k <= len(per_layer) else None)

    def show_step(self, marks) -> None:
        """The stepper's stage (a :class:`~nnstudio.ui.stepper_text.CanvasMarks`): its
        layer outlined with a label per node, its numbers in the connections' tooltips;
        None: none (the stepper is not shown). A stage of another network than the one
        drawn marks nothing."""
        if self.step_marks is not None:
            self.removeItem(self.step_marks)
            self.step_marks = None
        self._step = marks
        for target, item in enumerate(self.connection_items, start=1):
            if isinstance(item, ConnectionsItem):
                item.note = None if marks is None else partial(marks.connection_note, target)
        if marks is None or not 0 <= marks.layer < len(self.layer_items):
            return
        item = self.layer_items[marks.layer]
        labels = marks.labels if len(marks.labels) == item.count else ()
        self.step_marks = StepMarks(item, labels, marks.caption)
        self._refresh_hover()

    def set_input_names(self, names: tuple[str, ...]) -> None:
        """The data's feature names, for the input layer's nodes."""
        self.input_names = tuple(names)
        if self.layer_items:
            self.layer_items[0].set_names(self.input_names)

    def set_node_maps(self, maps: list | None) -> None:
        """Pictures inside the hidden layers' nodes (see node_maps), or none."""
        for i, item in enumerate(self.layer_items[1:-1]):
            item.set_node_images(maps[i] if maps and i < len(maps) else None)

    def recolour(self) -> None:
        """Draw everything again in the palette's colours (light ↔ dark)."""
        self.setBackgroundBrush(colors.ink().paper)
        for label in self.shape_items:
            label.setBrush(colors.ink().muted)
        for item in self.connection_items:
            item.update()  # its cached picture has the old paper's colours
        self.update()

    def network_rect(self) -> QRectF:
        """What the network takes on the canvas (its overlays — a hovered node's large
        map, the drop marker — and hidden items aside)."""
        rect = QRectF()
        for item in self.items():
            if item not in self._overlays and item is not self.step_marks and item.isVisible():
                rect |= item.sceneBoundingRect()
        return rect

    @contextmanager
    def picture(self):
        """For the time of the ``with``, the network as a picture shows it: no +/−
        buttons, no selection, no hovered node's large map, no stepper's marks, no empty
        problem line (and no room for it). Afterwards the canvas is as it was, and no signal said
        otherwise in between."""
        selected = self.selectedItems()
        zoomed, problem = self.node_zoom.isVisible(), self._problem.isVisible()
        marks = self.step_marks
        self.blockSignals(True)  # the inspector keeps its layer
        try:
            for item in selected:
                item.setSelected(False)
            self.node_zoom.hide()
            if marks is not None:
                marks.hide()
            self._problem.setVisible(problem and bool(self._problem.toPlainText()))
            for item in self.layer_items:
                item.show_buttons(False)
            yield self
        finally:
            for item in self.layer_items:
                item.show_buttons(True)
            self._problem.setVisible(problem)
            self.node_zoom.setVisible(zoomed)
            if marks is not None:
                marks.show()
            for item in selected:
                item.setSelected(True)
            self.blockSignals(False)

    def show_node_zoom(self, layer: int, node: int, image, caption: str) -> None:
        """Node ``node`` of layer ``layer``'s map, large, beside it."""
        item = self.layer_items[layer]
        k = int(np.searchsorted(item.shown, node))
        if k >= len(item.shown) or item.shown[k] != node:
            self.node_zoom.hide()
            return
        self.node_zoom.show_map(item.node_position(k), image, caption)

    def hide_node_zoom(self) -> None:
        self.node_zoom.hide()

    def show_drop_marker(self, index: int) -> None:
        """Mark the gap a layer inserted at ``index`` would fill."""
        x = (self.column_x(index - 1) + self.column_x(index)) / 2
        rect = self.network_rect()
        self.drop_marker.show_at(x, rect.top(), rect.bottom())

    def hide_drop_marker(self) -> None:
        self.drop_marker.hide()

    def _on_layer_dropped(self, index: int, x: float) -> None:
        target = min(max(round(x / COLUMN_SPACING), 1), len(self.document) - 2)
        item = self.layer_items[index]
        item.setPos(self.column_x(index), 0)
        if target != index:
            self.sigMoveRequested.emit(index, target)

    def _on_selection_changed(self) -> None:
        self.sigSelectedLayerChanged.emit(self.selected_layer())
