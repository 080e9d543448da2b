"""Canvas items: a layer column (nodes drawn by one item) and the connections between
two layers (all of them painted by one item, pens batched by colour bin)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject

from nnstudio.model.document import HIDDEN, INPUT, LayerState
from nnstudio.ui.canvas import colors

NODE_RADIUS = 9.0
NODE_SPACING = 24.0
FULL_SIZE_UP_TO = 16
MIN_SPACING = 7.0
COLUMN_WIDTH = 110.0
HEADER_HEIGHT = 46.0
COLLAPSE_FROM = 200
SHOWN_AT_EACH_END = 12
ANTIALIAS_UP_TO = 400
LINES_UP_TO = 600
MATRIX_MARGIN = 24.0
INPUT_FILL = QColor(245, 245, 245)
NODE_FILLS = [colors.color_of(b) for b in range(2 * colors.BINS)]  # by bias bin


def shown_nodes(units: int) -> np.ndarray:
    """Indices of the nodes drawn for a layer: all, or the first and last few."""
    if units < COLLAPSE_FROM:
        return np.arange(units)
    return np.r_[np.arange(SHOWN_AT_EACH_END), np.arange(units - SHOWN_AT_EACH_END, units)]


def node_spacing(units: int) -> float:
    """Distance between node centres: full size for small layers, tighter for big ones."""
    drawn = len(shown_nodes(units))
    if drawn <= FULL_SIZE_UP_TO:
        return NODE_SPACING
    return max(MIN_SPACING, NODE_SPACING * FULL_SIZE_UP_TO / drawn)


def node_radius(units: int) -> float:
    return min(NODE_RADIUS, 0.4 * node_spacing(units))


def node_offsets(units: int) -> np.ndarray:
    """Vertical centres of the drawn nodes, centred on 0 (a gap where nodes are hidden)."""
    shown = shown_nodes(units)
    slots = np.arange(len(shown), dtype=float)
    if units >= COLLAPSE_FROM:
        slots[SHOWN_AT_EACH_END:] += 2  # room for the ellipsis
    total = slots[-1] if len(slots) else 0
    return (slots - total / 2) * node_spacing(units)


class LayerItem(QGraphicsObject):
    """One layer: header (name, size, activation), its nodes, +/- buttons on hidden
    layers. Hidden layers can be dragged sideways to reorder them."""

    sigUnitsDelta = Signal(int, int)
    sigRenameRequested = Signal(int)
    sigBiasEditRequested = Signal(int, int)
    sigDragFinished = Signal(int, float)

    def __init__(self, index: int, layer: LayerState, x: float):
        super().__init__()
        self.index, self.layer = index, layer
        self.offsets = node_offsets(layer.units)
        self.shown = shown_nodes(layer.units)
        self.radius = node_radius(layer.units)
        self.biases = np.zeros(layer.units)
        self.scale = 1.0
        self.node_images: list[QImage] | None = None
        self._bias_bins = np.empty(0, np.int64)
        self.hovered_node: int | None = None
        self.value_label = "bias"
        self._home_x = x
        self.setPos(x, 0)
        flags = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
        if layer.kind == HIDDEN:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        self.setFlags(flags | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setCursor(
            Qt.CursorShape.OpenHandCursor if layer.kind == HIDDEN else Qt.CursorShape.ArrowCursor
        )
        top = self.offsets[0] - self.radius if len(self.offsets) else 0
        self._top = top - HEADER_HEIGHT
        bottom = (self.offsets[-1] if len(self.offsets) else 0) + self.radius + 6
        self._rect = QRectF(-COLUMN_WIDTH / 2, self._top, COLUMN_WIDTH, bottom - self._top)
        self._buttons = {}
        if layer.kind == HIDDEN:
            for delta, dx in ((-1, -COLUMN_WIDTH / 2 + 12), (+1, COLUMN_WIDTH / 2 - 12)):
                self._buttons[delta] = QRectF(dx - 9, self._top + 2, 18, 18)
        self.setToolTip(self._describe())

    def node_position(self, k: int) -> QPointF:
        """Scene position of drawn node number ``k`` (an index into :attr:`shown`)."""
        return self.mapToScene(QPointF(0, self.offsets[k]))

    def set_values(self, biases: np.ndarray, scale: float) -> None:
        """New biases; repainted only if a node's colour changes (tooltips read the
        exact values)."""
        bins = colors.bin_of(biases[self.shown], scale)
        self.biases, self.scale = biases, scale
        if not np.array_equal(bins, self._bias_bins):
            self._bias_bins = bins
            self.update()

    def set_node_images(self, images: list[QImage] | None) -> None:
        """Pictures drawn inside the nodes (what each neuron responds to), or none."""
        self.node_images = images
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        selected = self.isSelected()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(80, 130, 200) if selected else QColor(0, 0, 0, 0), 1.5))
        painter.setBrush(QBrush(QColor(230, 240, 252, 160) if selected else QColor(0, 0, 0, 0)))
        painter.drawRoundedRect(self._rect, 8, 8)
        normal = QFont(painter.font())
        bold = QFont(normal)
        bold.setBold(True)
        title = QRectF(-COLUMN_WIDTH / 2 + 20, self._top + 2, COLUMN_WIDTH - 40, 20)
        name = QFontMetrics(bold).elidedText(
            self.layer.name, Qt.TextElideMode.ElideRight, int(title.width())
        )
        subtitle = (
            f"{self.layer.units} · {self.layer.activation}"
            if self.layer.kind != INPUT
            else f"{self.layer.units} inputs"
        )
        # a backing just as wide as the text: connections that pass behind the header
        # (into a single output node, say) stay visible beside it and faintly under it
        width = (
            max(
                QFontMetrics(bold).horizontalAdvance(name),
                QFontMetrics(normal).horizontalAdvance(subtitle),
            )
            + 12
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(252, 252, 253, 170))
        painter.drawRoundedRect(QRectF(-width / 2, self._top + 1, width, 40), 6, 6)
        painter.setPen(QColor(40, 40, 40))
        painter.setFont(bold)
        painter.drawText(title, Qt.AlignmentFlag.AlignCenter, name)
        painter.setFont(normal)
        painter.setPen(QColor(100, 100, 100))
        painter.drawText(
            QRectF(-COLUMN_WIDTH / 2, self._top + 21, COLUMN_WIDTH, 18),
            Qt.AlignmentFlag.AlignCenter,
            subtitle,
        )
        for delta, rect in self._buttons.items():
            painter.setPen(QPen(QColor(150, 150, 150), 1))
            painter.setBrush(QColor(250, 250, 250))
            painter.drawEllipse(rect)
            painter.setPen(QColor(60, 60, 60))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "+" if delta > 0 else "−")
        painter.setPen(QPen(QColor(90, 90, 90), 1 if self.radius > 4 else 0.5))
        fills = (
            [INPUT_FILL] * len(self.offsets)
            if self.layer.kind == INPUT or len(self._bias_bins) != len(self.offsets)
            else [NODE_FILLS[b] for b in self._bias_bins]
        )
        for k, offset in enumerate(self.offsets):
            node = self.shown[k]
            painter.setBrush(fills[k])
            centre = QPointF(0, offset)
            painter.drawEllipse(centre, self.radius, self.radius)
            if self.node_images is not None and node < len(self.node_images):
                self._paint_inside(painter, centre, self.node_images[node])
        if self.layer.units >= COLLAPSE_FROM:
            gap = (self.offsets[SHOWN_AT_EACH_END - 1] + self.offsets[SHOWN_AT_EACH_END]) / 2
            painter.setPen(QColor(90, 90, 90))
            hidden = self.layer.units - 2 * SHOWN_AT_EACH_END
            painter.drawText(
                QRectF(-COLUMN_WIDTH / 2, gap - 16, COLUMN_WIDTH, 32),
                Qt.AlignmentFlag.AlignCenter,
                f"⋮\n{hidden:,} more",
            )

    def _paint_inside(self, painter: QPainter, centre: QPointF, image: QImage) -> None:
        """A round picture (transparent corners) inside the node, under its outline."""
        r = self.radius
        painter.drawImage(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r), image)
        brush = painter.brush()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, r, r)
        painter.setBrush(brush)

    def _describe(self) -> str:
        role = {
            "input": "Input layer: follows the dataset's features",
            "output": "Output layer: follows the dataset's outputs",
            "dense": "Hidden layer: drag sideways to reorder, +/− for nodes, "
            "double-click to rename",
        }[self.layer.kind]
        return (
            f"<b>{self.layer.name}</b> — {self.layer.units} nodes, "
            f"{self.layer.activation}<br>{role}"
        )

    def node_at(self, y: float) -> int | None:
        if not len(self.offsets):
            return None
        k = int(np.argmin(np.abs(self.offsets - y)))
        return k if abs(self.offsets[k] - y) <= self.radius + 2 else None

    def _node_under(self, pos: QPointF) -> int | None:
        k = self.node_at(pos.y())
        return None if k is None or abs(pos.x()) > self.radius + 2 else int(self.shown[k])

    def hover_text(self) -> str:
        """The tooltip for what the pointer is over (a node with its bias, or the layer)."""
        node = self.hovered_node
        if node is None:
            return self._describe()
        value = (
            ""
            if self.layer.kind == INPUT
            else f"<br>{self.value_label} {float(self.biases[node]):+.4f}"
            "<br><i>double-click to edit</i>"
        )
        return f"<b>{self.layer.name}</b> node {node}{value}"

    def hoverMoveEvent(self, event):
        self.hovered_node = self._node_under(event.pos())
        self.setToolTip(self.hover_text())
        super().hoverMoveEvent(event)

    def hoverLeaveEvent(self, event):
        self.hovered_node = None
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event):
        for delta, rect in self._buttons.items():
            if rect.contains(event.pos()):
                self.sigUnitsDelta.emit(self.index, delta)
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event):
        node = self._node_under(event.pos())
        if node is not None and self.layer.kind != INPUT:
            self.sigBiasEditRequested.emit(self.index, node)
        else:
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
    """The connections between two layers, coloured by weight: one line per connection
    for small layer pairs, the whole weight matrix as a picture for large ones."""

    def __init__(self, source: LayerItem, target: LayerItem):
        super().__init__()
        self.source, self.target = source, target
        self.as_matrix = (
            source.layer.units * target.layer.units > LINES_UP_TO
            or len(source.shown) < source.layer.units
            or len(target.shown) < target.layer.units
        )
        src = np.array([source.node_position(k).toTuple() for k in range(len(source.shown))])
        dst = np.array([target.node_position(k).toTuple() for k in range(len(target.shown))])
        self._src = src + [source.radius, 0]
        self._dst = dst - [target.radius, 0]
        self._weights = np.zeros((source.layer.units, target.layer.units))
        self._image = QImage()
        self._by_bin: list[list[QLineF]] = []
        if self.as_matrix:
            self._pairs = np.zeros((2, 0), np.int64)
            self._lines: list[QLineF] = []
            # rows line up with the target layer's nodes, columns are the source's
            left, right = src[0][0] + MATRIX_MARGIN, dst[0][0] - MATRIX_MARGIN
            rows = dst if len(dst) > 1 else src
            half_row = (rows[-1][1] - rows[0][1]) / max(len(rows) - 1, 1) / 2
            top, bottom = rows[0][1] - half_row, rows[-1][1] + half_row
            self._matrix_rect = QRectF(left, top, right - left, bottom - top)
            y_min = min(top, src[:, 1].min(), dst[:, 1].min())
            y_max = max(bottom, src[:, 1].max(), dst[:, 1].max())
            self._rect = QRectF(src[0][0], y_min - 2, dst[0][0] - src[0][0], y_max - y_min + 4)
        else:
            self._pairs = np.array(
                np.meshgrid(np.arange(len(src)), np.arange(len(dst)), indexing="ij")
            ).reshape(2, -1)
            a, b = self._src[self._pairs[0]], self._dst[self._pairs[1]]
            self._lines = [QLineF(*p, *q) for p, q in zip(a, b)]
            xs, ys = np.r_[src[:, 0], dst[:, 0]], np.r_[src[:, 1], dst[:, 1]]
            self._rect = QRectF(
                xs.min(), ys.min() - 2, xs.max() - xs.min(), ys.max() - ys.min() + 4
            )
        self.hovered: tuple[int, int] | None = None
        self.value_label = "weight"
        self._bins = np.empty(0, np.int64)
        # painted once per change of colours, blitted when items around it repaint
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._thin = len(self._lines) > ANTIALIAS_UP_TO
        self._pens = [colors.pen_of(b, self._thin) for b in range(2 * colors.BINS)]
        self.setZValue(-1)
        self.setAcceptHoverEvents(True)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def set_weights(self, weights: np.ndarray, scale: float) -> None:
        """Recolour from the full weight matrix (fan_in, fan_out); repainted only if a
        colour changes (tooltips read the exact values)."""
        self._weights = weights
        if self.as_matrix:
            self._image = colors.matrix_image(weights.T, scale)
        else:
            shown = weights[self.source.shown[self._pairs[0]], self.target.shown[self._pairs[1]]]
            bins = colors.bin_of(shown, scale)
            if np.array_equal(bins, self._bins):
                return
            self._bins = bins
            order = np.argsort(bins, kind="stable")
            edges = np.searchsorted(bins[order], np.arange(2 * colors.BINS + 1))
            lines = self._lines
            self._by_bin = [
                [lines[i] for i in order[edges[b] : edges[b + 1]]] for b in range(2 * colors.BINS)
            ]
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        if self.as_matrix:
            self._paint_matrix(painter)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not self._thin)
        for pen, lines in zip(self._pens, self._by_bin):
            if lines:
                painter.setPen(pen)
                painter.drawLines(lines)

    def _paint_matrix(self, painter: QPainter) -> None:
        rect = self._matrix_rect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(170, 170, 170), 0.8))
        for points, x in ((self._src, rect.left()), (self._dst, rect.right())):
            painter.drawLine(QPointF(points[0][0], points[0][1]), QPointF(x, rect.top()))
            painter.drawLine(QPointF(points[-1][0], points[-1][1]), QPointF(x, rect.bottom()))
        if not self._image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(rect, self._image)
        painter.setPen(QPen(QColor(120, 120, 120), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)

    def connection_at(self, point: QPointF, tolerance: float = 4.0) -> tuple[int, int] | None:
        """(source node, target node) of the connection at ``point``, or None."""
        if self.as_matrix:
            rect = self._matrix_rect
            if not rect.contains(point):
                return None
            j = int((point.y() - rect.top()) / rect.height() * self._weights.shape[1])
            i = int((point.x() - rect.left()) / rect.width() * self._weights.shape[0])
            return (min(i, self._weights.shape[0] - 1), min(j, self._weights.shape[1] - 1))
        if not self._lines:
            return None
        p = np.array(point.toTuple())
        a, b = self._src[self._pairs[0]], self._dst[self._pairs[1]]
        ab = b - a
        t = np.clip(((p - a) * ab).sum(1) / np.maximum((ab * ab).sum(1), 1e-9), 0, 1)
        distance = np.hypot(*(a + t[:, None] * ab - p).T)
        k = int(np.argmin(distance))
        if distance[k] > tolerance:
            return None
        return int(self.source.shown[self._pairs[0][k]]), int(self.target.shown[self._pairs[1][k]])

    def hover_text(self) -> str:
        """The tooltip for the connection under the pointer (its current value)."""
        if self.hovered is None:
            return (
                f"{self._weights.shape[0]} × {self._weights.shape[1]} weights"
                if self.as_matrix
                else ""
            )
        i, j = self.hovered
        return (
            f"{self.value_label} {self.source.layer.name}[{i}] → "
            f"{self.target.layer.name}[{j}]: {self._weights[i, j]:+.4f}"
            "<br><i>double-click to edit</i>"
        )

    def hoverMoveEvent(self, event):
        self.hovered = self.connection_at(event.pos())
        self.setToolTip(self.hover_text())
        super().hoverMoveEvent(event)

    def hoverLeaveEvent(self, event):
        self.hovered = None
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event):
        if self.connection_at(event.pos()) is None:
            event.ignore()  # the background: the view pans

    def mouseDoubleClickEvent(self, event):
        hit = self.connection_at(event.pos())
        if hit is not None and self.scene() is not None:
            self.scene().sigWeightEditRequested.emit(self.target.index - 1, *hit)
            event.accept()
