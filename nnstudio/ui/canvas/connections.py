"""Canvas connections: into a dense layer (all lines painted by one item, pens batched
by colour bin, or the weight matrix as a picture), into a convolution (a line per input
channel and filter, coloured by the kernel's mean weight), and the neutral links into
layers without weights (pooling, flatten, dropout)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnstudio.engine.layers.keys import shape_text
from nnstudio.ui.canvas import colors
from nnstudio.ui.canvas.items import LayerItem

ANTIALIAS_UP_TO = 400
LINES_UP_TO = 600
MATRIX_MARGIN = 24.0


class ConnectionsItem(QGraphicsItem):
    """The connections into a dense layer, coloured by weight: one line per connection
    for small layer pairs, the whole weight matrix as a picture for large ones.
    ``pair`` is the index of the layer's (W, b) in the document's weights."""

    lines_only = False  # True: lines between the drawn marks, never the matrix picture

    def __init__(self, source: LayerItem, target: LayerItem, pair: int):
        super().__init__()
        self.source, self.target, self.pair = source, target, pair
        self.as_matrix = not self.lines_only and (
            source.count * target.count > LINES_UP_TO
            or len(source.shown) < source.count
            or len(target.shown) < target.count
        )
        src = np.array([source.node_position(k).toTuple() for k in range(len(source.shown))])
        dst = np.array([target.node_position(k).toTuple() for k in range(len(target.shown))])
        self._src = src + [source.half_width, 0]
        self._dst = dst - [target.half_width, 0]
        self._weights = np.zeros((source.count, target.count))
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
        self.note = None  # (source node, target node) → the stepper's line, or None
        self._bins = np.empty(0, np.int64)
        # painted once per change of colours, blitted when items around it repaint
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._thin = len(self._lines) > ANTIALIAS_UP_TO
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
        if not self._by_bin:  # not coloured yet
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, not self._thin)
        pens = colors.line_pens(self._thin)
        for b in colors.DRAW_ORDER:
            if self._by_bin[b]:
                painter.setPen(pens[b])
                painter.drawLines(self._by_bin[b])

    def _paint_matrix(self, painter: QPainter) -> None:
        rect = self._matrix_rect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(colors.ink().faint, 0.8))
        for points, x in ((self._src, rect.left()), (self._dst, rect.right())):
            painter.drawLine(QPointF(points[0][0], points[0][1]), QPointF(x, rect.top()))
            painter.drawLine(QPointF(points[-1][0], points[-1][1]), QPointF(x, rect.bottom()))
        if not self._image.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(rect, self._image)
        painter.setPen(QPen(colors.ink().muted, 1))
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
        note = self.note(i, j) if self.note else ""
        return (
            f"{self.value_label} {self.source.layer.name}[{i}] → "
            f"{self.target.layer.name}[{j}]: {self._weights[i, j]:+.4f}"
            + (f"<br>{note}" if note else "")
            + "<br><i>double-click to edit</i>"
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
            self.scene().sigWeightEditRequested.emit(self.pair, *hit)
            event.accept()


class KernelLinksItem(ConnectionsItem):
    """The connections into a convolution: one line per (input channel, filter) between
    the drawn feature maps, coloured by the mean of that kernel's weights."""

    lines_only = True

    def set_weights(self, weights: np.ndarray, scale: float) -> None:
        """Recolour from the kernels (kernel_h, kernel_w, in_channels, filters)."""
        self._kernels = weights
        super().set_weights(weights.mean(axis=(0, 1)), scale)

    def hover_text(self) -> str:
        if self.hovered is None:
            return ""
        i, j = self.hovered
        kernel = self._kernels[:, :, i, j]
        return (
            f"{self.value_label} {self.source.layer.name}[{i}] → {self.target.layer.name}[{j}]: "
            f"{shape_text(kernel.shape)} kernel, mean {kernel.mean():+.4f}, "
            f"from {kernel.min():+.3f} to {kernel.max():+.3f}"
        )

    def mouseDoubleClickEvent(self, event):
        event.ignore()  # a kernel is many weights: nothing to edit by one number


class LinkItem(QGraphicsItem):
    """The link into a layer without weights: a thin grey line per value kept where
    the two layers draw the same marks (pooling keeps the channels, dropout the units),
    a band from one to the other where they do not (flatten)."""

    def __init__(self, source: LayerItem, target: LayerItem):
        super().__init__()
        self.source, self.target = source, target
        self.hovered = None  # never a value under the pointer: there is none
        self._lines: list[QLineF] = []
        self._band = QPainterPath()
        src = [
            source.node_position(k) + QPointF(source.half_width, 0)
            for k in range(len(source.shown))
        ]
        dst = [
            target.node_position(k) - QPointF(target.half_width, 0)
            for k in range(len(target.shown))
        ]
        if src and dst:
            if np.array_equal(source.shown, target.shown) and source.count == target.count:
                self._lines = [QLineF(p, q) for p, q in zip(src, dst)]
            else:
                self._band.moveTo(src[0])
                self._band.lineTo(dst[0])
                self._band.lineTo(dst[-1])
                self._band.lineTo(src[-1])
                self._band.closeSubpath()
        points = src + dst
        xs = [p.x() for p in points] or [0.0]
        ys = [p.y() for p in points] or [0.0]
        self._rect = QRectF(min(xs), min(ys) - 2, max(xs) - min(xs), max(ys) - min(ys) + 4)
        self.setZValue(-1)
        self.setToolTip(f"{target.layer.name}: no weights — {target.info.description.lower()}")

    def hover_text(self) -> str:
        return ""

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        faint = colors.ink().faint
        if self._lines:
            painter.setPen(QPen(faint, 1.0))
            painter.drawLines(self._lines)
        elif not self._band.isEmpty():
            band = QColor(faint)
            band.setAlpha(90)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(band)
            painter.drawPath(self._band)
