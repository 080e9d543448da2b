"""Plot items for live views that redraw several small plots a few times a second: a
histogram (as pyqtgraph's curve with ``stepMode="center"`` and a fill to 0 draws it) and
a line with round markers (as its curve with ``symbol="o"``), for a fraction of the cost
of setting and painting those: no NaN handling, no data-bounds search, no path rebuilt
at paint time, no symbol atlas, and nothing repainted for the same data. Pens are
cosmetic (their width in pixels), as pyqtgraph's are."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter, QPainterPath, QTransform


def outline(edges: np.ndarray, heights: np.ndarray) -> np.ndarray:
    """The (x, y) points of a histogram's outline: up from 0 at the first edge, across
    each bar and down to 0 at the last edge (``len(edges) == len(heights) + 1``)."""
    x = np.repeat(np.asarray(edges, float), 2)
    y = np.concatenate(([0.0], np.repeat(np.asarray(heights, float), 2), [0.0]))
    return np.column_stack((x, y))


def _path(points: np.ndarray) -> QPainterPath:
    """The points joined by straight lines."""
    path = QPainterPath()
    if len(points):  # (pyqtgraph's polygon of no points is read-only)
        path.addPolygon(fn.arrayToQPolygonF(points[:, 0], points[:, 1]))
    return path


class _PointsItem(pg.GraphicsObject):
    """Points in data coordinates, their bounds widened by ``padding`` pixels (for the
    pen and markers) in the current view."""

    padding = 1.0

    def __init__(self):
        super().__init__()
        self.points = np.zeros((0, 2))
        self._bounds = QRectF()  # of the points, in data coordinates
        self._padded: QRectF | None = None  # and the padding, once known

    def _set_points(self, points: np.ndarray) -> bool:
        """False if they are the ones drawn (nothing to repaint)."""
        if np.array_equal(points, self.points):
            return False
        self.points = points
        self.prepareGeometryChange()
        if len(points):
            low, high = points.min(axis=0), points.max(axis=0)
            self._bounds = QRectF(QPointF(*low), QPointF(*high))
        else:
            self._bounds = QRectF()
        self._padded = None
        self.update()
        return True

    @property
    def xData(self) -> np.ndarray:  # noqa: N802 - pyqtgraph's name
        return self.points[:, 0]

    @property
    def yData(self) -> np.ndarray:  # noqa: N802 - pyqtgraph's name
        return self.points[:, 1]

    def getData(self) -> tuple[np.ndarray, np.ndarray]:  # noqa: N802 - pyqtgraph's name
        return self.xData, self.yData

    def dataBounds(self, ax, frac=1.0, orthoRange=None):  # noqa: N802, N803 - pyqtgraph's
        if not len(self.points):
            return None, None
        return float(self.points[:, ax].min()), float(self.points[:, ax].max())

    def viewTransformChanged(self) -> None:  # noqa: N802 - pyqtgraph's name
        self.prepareGeometryChange()  # a pixel is another size in data units now
        self._padded = None

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        if not len(self.points):
            return QRectF()
        if self._padded is None:
            px, py = self.pixelVectors()
            dx = self.padding * px.length() if px is not None else 0.0
            dy = self.padding * py.length() if py is not None else 0.0
            self._padded = self._bounds.adjusted(-dx, -dy, dx, dy)
        return self._padded


class HistogramItem(_PointsItem):
    """Bars as one outline (no line along 0) over a fill."""

    def __init__(self, pen, brush):
        super().__init__()
        self.pen, self.brush = pg.mkPen(pen), pg.mkBrush(brush)
        self.padding = self.pen.widthF() * 0.71 + 1  # half the pen, diagonally; a pixel
        # paths: QPainter fills and strokes these several times faster than the same
        # points as a polygon
        self._line = QPainterPath()  # open
        self._fill = QPainterPath()  # closed along y = 0

    def setData(self, edges, heights) -> None:  # noqa: N802 - pyqtgraph's name
        points = outline(edges, heights)
        if self._set_points(points):
            self._line = _path(points)
            self._fill = QPainterPath(self._line)
            self._fill.closeSubpath()

    def paint(self, painter: QPainter, *args) -> None:
        # the fill's edges lie under the antialiased outline, but for the bottom one on
        # the axis: it need not be antialiased (that was about half the item's paint)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillPath(self._fill, self.brush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.strokePath(self._line, self.pen)


class MarkedLine(_PointsItem):
    """A line through points with a circle ``size`` pixels across on each, filled with
    ``brush`` and outlined with ``marker_pen`` (pyqtgraph's default: light grey)."""

    def __init__(self, pen, size: float, brush, marker_pen=(200, 200, 200)):
        super().__init__()
        self.pen, self.brush, self.size = pg.mkPen(pen), pg.mkBrush(brush), size
        self.marker_pen = pg.mkPen(marker_pen)
        self.padding = max(size / 2 + self.marker_pen.widthF(), self.pen.widthF()) + 1
        self._line = QPainterPath()

    def setData(self, x, y) -> None:  # noqa: N802 - pyqtgraph's name
        points = np.column_stack((np.asarray(x, float), np.asarray(y, float)))
        if self._set_points(points):
            self._line = _path(points)

    def paint(self, painter: QPainter, *args) -> None:
        if not len(self.points):
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.strokePath(self._line, self.pen)
        # the markers in pixels: a circle stays round however the axes are scaled
        to_device = painter.transform()
        painter.setTransform(QTransform())
        painter.setPen(self.marker_pen)
        painter.setBrush(self.brush)
        r = self.size / 2
        for x, y in self.points:
            painter.drawEllipse(to_device.map(QPointF(x, y)), r, r)
        painter.setTransform(to_device)
