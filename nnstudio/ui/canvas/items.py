"""Canvas items: a layer column (nodes drawn by one item) and the connections between
two layers (all of them painted by one item, pens batched by colour bin)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject

from nnstudio.model.document import DENSE, INPUT, LayerState
from nnstudio.ui.canvas import colors

NODE_RADIUS = 9.0
NODE_SPACING = 24.0
COLUMN_WIDTH = 110.0
HEADER_HEIGHT = 46.0
COLLAPSE_FROM = 200
SHOWN_AT_EACH_END = 12
ANTIALIAS_UP_TO = 2000


def shown_nodes(units: int) -> np.ndarray:
    """Indices of the nodes drawn for a layer: all, or the first and last few."""
    if units < COLLAPSE_FROM:
        return np.arange(units)
    return np.r_[np.arange(SHOWN_AT_EACH_END), np.arange(units - SHOWN_AT_EACH_END, units)]


def node_offsets(units: int) -> np.ndarray:
    """Vertical centres of the drawn nodes, centred on 0 (a gap where nodes are hidden)."""
    shown = shown_nodes(units)
    slots = np.arange(len(shown), dtype=float)
    if units >= COLLAPSE_FROM:
        slots[SHOWN_AT_EACH_END:] += 2  # room for the ellipsis
    total = slots[-1] if len(slots) else 0
    return (slots - total / 2) * NODE_SPACING


class LayerItem(QGraphicsObject):
    """One layer: header (name, size, activation), its nodes, +/- buttons on hidden
    layers. Hidden layers can be dragged sideways to reorder them."""

    sigUnitsDelta = Signal(int, int)
    sigRenameRequested = Signal(int)
    sigDragFinished = Signal(int, float)

    def __init__(self, index: int, layer: LayerState, x: float):
        super().__init__()
        self.index, self.layer = index, layer
        self.offsets = node_offsets(layer.units)
        self.shown = shown_nodes(layer.units)
        self.biases = np.zeros(layer.units)
        self.scale = 1.0
        self._home_x = x
        self.setPos(x, 0)
        flags = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
        if layer.kind == DENSE:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        self.setFlags(flags | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.OpenHandCursor if layer.kind == DENSE
                       else Qt.CursorShape.ArrowCursor)
        top = self.offsets[0] - NODE_RADIUS if len(self.offsets) else 0
        self._top = top - HEADER_HEIGHT
        bottom = (self.offsets[-1] if len(self.offsets) else 0) + NODE_RADIUS + 6
        self._rect = QRectF(-COLUMN_WIDTH / 2, self._top, COLUMN_WIDTH, bottom - self._top)
        self._buttons = {}
        if layer.kind == DENSE:
            for delta, dx in ((-1, -COLUMN_WIDTH / 2 + 12), (+1, COLUMN_WIDTH / 2 - 12)):
                self._buttons[delta] = QRectF(dx - 9, self._top + 2, 18, 18)
        self.setToolTip(self._describe())

    def node_position(self, k: int) -> QPointF:
        """Scene position of drawn node number ``k`` (an index into :attr:`shown`)."""
        return self.mapToScene(QPointF(0, self.offsets[k]))

    def set_values(self, biases: np.ndarray, scale: float) -> None:
        self.biases, self.scale = biases, scale
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        selected = self.isSelected()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(80, 130, 200) if selected else QColor(0, 0, 0, 0), 1.5))
        painter.setBrush(QBrush(QColor(230, 240, 252, 160) if selected else QColor(0, 0, 0, 0)))
        painter.drawRoundedRect(self._rect, 8, 8)
        painter.setPen(QColor(40, 40, 40))
        bold = QFont(painter.font())
        bold.setBold(True)
        painter.setFont(bold)
        title = QRectF(-COLUMN_WIDTH / 2 + 20, self._top + 2, COLUMN_WIDTH - 40, 20)
        painter.drawText(title, Qt.AlignmentFlag.AlignCenter,
                         painter.fontMetrics().elidedText(self.layer.name,
                                                          Qt.TextElideMode.ElideRight,
                                                          int(title.width())))
        painter.setFont(QFont(self.font_family(painter)))
        painter.setPen(QColor(100, 100, 100))
        subtitle = (f"{self.layer.units} · {self.layer.activation}"
                    if self.layer.kind != INPUT else f"{self.layer.units} inputs")
        painter.drawText(QRectF(-COLUMN_WIDTH / 2, self._top + 21, COLUMN_WIDTH, 18),
                         Qt.AlignmentFlag.AlignCenter, subtitle)
        for delta, rect in self._buttons.items():
            painter.setPen(QPen(QColor(150, 150, 150), 1))
            painter.setBrush(QColor(250, 250, 250))
            painter.drawEllipse(rect)
            painter.setPen(QColor(60, 60, 60))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "+" if delta > 0 else "−")
        painter.setPen(QPen(QColor(90, 90, 90), 1))
        input_layer = self.layer.kind == INPUT
        for k, offset in enumerate(self.offsets):
            node = self.shown[k]
            fill = (QColor(245, 245, 245) if input_layer
                    else colors.value_color(float(self.biases[node]), self.scale))
            painter.setBrush(fill)
            painter.drawEllipse(QPointF(0, offset), NODE_RADIUS, NODE_RADIUS)
        if self.layer.units >= COLLAPSE_FROM:
            gap = (self.offsets[SHOWN_AT_EACH_END - 1] + self.offsets[SHOWN_AT_EACH_END]) / 2
            painter.setPen(QColor(90, 90, 90))
            hidden = self.layer.units - 2 * SHOWN_AT_EACH_END
            painter.drawText(QRectF(-COLUMN_WIDTH / 2, gap - 16, COLUMN_WIDTH, 32),
                             Qt.AlignmentFlag.AlignCenter, f"⋮\n{hidden:,} more")

    @staticmethod
    def font_family(painter: QPainter) -> str:
        return painter.font().family()

    def _describe(self) -> str:
        role = {"input": "Input layer: follows the dataset's features",
                "output": "Output layer: follows the dataset's outputs",
                "dense": "Hidden layer: drag sideways to reorder, +/− for nodes, "
                         "double-click to rename"}[self.layer.kind]
        return f"<b>{self.layer.name}</b> — {self.layer.units} nodes, " \
               f"{self.layer.activation}<br>{role}"

    def node_at(self, y: float) -> int | None:
        if not len(self.offsets):
            return None
        k = int(np.argmin(np.abs(self.offsets - y)))
        return k if abs(self.offsets[k] - y) <= NODE_RADIUS + 2 else None

    def hoverMoveEvent(self, event):
        k = self.node_at(event.pos().y())
        if k is None or abs(event.pos().x()) > NODE_RADIUS + 2:
            self.setToolTip(self._describe())
        else:
            node = int(self.shown[k])
            value = ("" if self.layer.kind == INPUT
                     else f"<br>bias {float(self.biases[node]):+.4f}")
            self.setToolTip(f"<b>{self.layer.name}</b> node {node}{value}")
        super().hoverMoveEvent(event)

    def mousePressEvent(self, event):
        for delta, rect in self._buttons.items():
            if rect.contains(event.pos()):
                self.sigUnitsDelta.emit(self.index, delta)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event):
        self.sigRenameRequested.emit(self.index)
        event.accept()

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange:
            return QPointF(value.x(), 0.0)
        return super().itemChange(change, value)

    def mouseReleaseEvent(self, event):
        super().mouseReleaseEvent(event)
        if abs(self.pos().x() - self._home_x) > 1:
            self.sigDragFinished.emit(self.index, self.pos().x())


class ConnectionsItem(QGraphicsItem):
    """Every drawn connection between two layers, coloured by weight."""

    def __init__(self, source: LayerItem, target: LayerItem):
        super().__init__()
        self.source, self.target = source, target
        src = np.array([source.node_position(k).toTuple() for k in range(len(source.shown))])
        dst = np.array([target.node_position(k).toTuple() for k in range(len(target.shown))])
        self._src, self._dst = src, dst
        pairs = np.array(np.meshgrid(np.arange(len(src)), np.arange(len(dst)), indexing="ij")
                         ).reshape(2, -1)
        self._pairs = pairs
        self._lines = [QLineF(src[i][0] + NODE_RADIUS, src[i][1], dst[j][0] - NODE_RADIUS,
                              dst[j][1]) for i, j in pairs.T]
        self._by_bin: list[list[QLineF]] = []
        self._weights = np.zeros(len(self._lines))
        self._thin = len(self._lines) > ANTIALIAS_UP_TO
        self._pens = [colors.pen_of(b, self._thin) for b in range(2 * colors.BINS)]
        xs = np.r_[src[:, 0], dst[:, 0]]
        ys = np.r_[src[:, 1], dst[:, 1]]
        self._rect = QRectF(xs.min(), ys.min() - 2, xs.max() - xs.min(), ys.max() - ys.min() + 4)
        self.setZValue(-1)
        self.setAcceptHoverEvents(True)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def set_weights(self, weights: np.ndarray, scale: float) -> None:
        """Recolour from the full weight matrix (fan_in, fan_out)."""
        rows, cols = self.source.shown[self._pairs[0]], self.target.shown[self._pairs[1]]
        self._weights = weights[rows, cols]
        bins = colors.bin_of(self._weights, scale)
        order = np.argsort(bins, kind="stable")
        edges = np.searchsorted(bins[order], np.arange(2 * colors.BINS + 1))
        lines = self._lines
        self._by_bin = [[lines[i] for i in order[edges[b]:edges[b + 1]]]
                        for b in range(2 * colors.BINS)]
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def shape(self):
        from PySide6.QtGui import QPainterPath

        path = QPainterPath()
        path.addRect(self._rect)
        return path

    def paint(self, painter: QPainter, option, widget=None):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not self._thin)
        for pen, lines in zip(self._pens, self._by_bin):
            if lines:
                painter.setPen(pen)
                painter.drawLines(lines)

    def connection_at(self, point: QPointF, tolerance: float = 4.0) -> int | None:
        """The index of the drawn connection nearest ``point`` (within tolerance)."""
        if not self._lines:
            return None
        p = np.array(point.toTuple())
        a = self._src[self._pairs[0]] + [NODE_RADIUS, 0]
        b = self._dst[self._pairs[1]] - [NODE_RADIUS, 0]
        ab = b - a
        t = np.clip(((p - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-9), 0, 1)
        distance = np.hypot(*(a + t[:, None] * ab - p).T)
        k = int(np.argmin(distance))
        return k if distance[k] <= tolerance else None

    def hoverMoveEvent(self, event):
        k = self.connection_at(event.pos())
        if k is None:
            self.setToolTip("")
        else:
            i, j = self.source.shown[self._pairs[0][k]], self.target.shown[self._pairs[1][k]]
            self.setToolTip(f"weight {self.source.layer.name}[{i}] → "
                            f"{self.target.layer.name}[{j}]: {self._weights[k]:+.4f}")
        super().hoverMoveEvent(event)
