"""The decision boundary (pyqtgraph): the network's output over the input plane."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox

from nnstudio.engine.network import Network
from nnstudio.ui.plot_style import PLOT_MARGINS, class_colors

GRID = 80
DRAW_CLASSES, DRAW_VALUES = "classes", "values"


class SmoothImage(pg.ImageItem):
    """An image whose cells blend into their neighbours (bilinear filtering when
    scaled up): a boundary between cells shows no steps."""

    def paint(self, painter, *args):
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        super().paint(painter, *args)


class BoundaryPlot(pg.PlotWidget):
    """The network's output over the visible input plane, behind the training points.
    The coloured plane fills the view (GRID cells high): pan or zoom out to see how
    the network extrapolates beyond the data.

    With "draw points" on, a click asks for a point of class A there
    (``sigDrawn(x, y, 0)``), Shift+click for one of class B, and a right-click for the
    nearest point to go (``sigErased(x, y)``); the view then stays where it is. Drawing
    values instead (for regression), a click asks for a point of the value set beside
    the box (``sigDrawnValue(x, y, value)``)."""

    sigDrawn = Signal(float, float, int)
    sigDrawnValue = Signal(float, float, float)
    sigErased = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAspectLocked(True)
        self.getAxis("left").setStyle(hideOverlappingLabels=PLOT_MARGINS[1])  # in the margin
        self.image = SmoothImage(axisOrder="row-major")
        self.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.6))
        self.addItem(self.points)
        self.test_points = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(255, 255, 255, 200))
        self.addItem(self.test_points)
        self.show_test = QCheckBox("test points", self)
        self.show_test.setToolTip(
            "Also show the test split (white dots ringed in their "
            "class colour): data the network never trains on"
        )
        self.show_test.move(8, 4)
        self.show_test.toggled.connect(self.test_points.setVisible)
        self.test_points.setVisible(False)
        self.draw = QCheckBox("draw points", self)
        self.draw.setToolTip(
            "Click: a point of class A · Shift+click: class B (drawing values: a point of "
            "the value set beside) · right-click: remove the nearest point. Each point is an "
            "undoable edit of the project's own 'drawn' data."
        )
        self.draw.move(self.show_test.sizeHint().width() + 16, 4)
        self.draw.toggled.connect(self._set_drawing)
        self.draw_kind = QComboBox(self)
        self.draw_kind.addItems([DRAW_CLASSES, DRAW_VALUES])
        self.draw_kind.setToolTip(
            "Draw points of two classes (classification), or points with a value each "
            "(regression: the value set beside)"
        )
        self.value = QDoubleSpinBox(self)
        self.value.setRange(-10.0, 10.0)
        self.value.setSingleStep(0.25)
        self.value.setValue(1.0)
        self.value.setFixedWidth(72)
        self.value.setToolTip("The value of the next point drawn (the network learns it)")
        below = self.show_test.sizeHint().height() + 8  # a row of their own: narrow docks
        self.draw_kind.move(8, below)
        self.value.move(8 + self.draw_kind.sizeHint().width() + 6, below)
        self.draw_kind.currentIndexChanged.connect(self._show_draw_controls)
        self._show_draw_controls()
        self.scene().sigMouseClicked.connect(self._on_click)
        self._bounds: tuple[float, float, float, float] | None = None
        self._palette = None
        self._regression = False
        self._net: Network | None = None
        self._grid = self._shape = None
        self._rect = QRectF(0, 0, 1, 1)
        self.getViewBox().sigRangeChanged.connect(self._follow_view)

    def set_data(
        self,
        X: np.ndarray,
        labels: np.ndarray,
        n_classes: int | None,
        test: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """The 2-D points to show (scaled features) and their classes (or values); the
        test split's ``(X, labels)`` are shown on request."""
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.1 * (hi - lo) + 1e-9
        x0, x1, y0, y1 = lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]
        self._bounds = (x0, x1, y0, y1)
        self._palette = class_colors(n_classes or 2)
        self._regression = not n_classes
        brushes = (
            [pg.mkBrush(*self._palette[int(c)]) for c in labels]
            if n_classes
            else [pg.mkBrush(120, 120, 120)] * len(labels)
        )
        self.points.setData(pos=X, brush=brushes)
        if test is not None and len(test[0]):
            pens = (
                [pg.mkPen(self._palette[int(c)], width=2) for c in test[1]]
                if n_classes
                else [pg.mkPen(120, 120, 120, width=2)] * len(test[1])
            )
            self.test_points.setData(pos=test[0], pen=pens)
        else:
            self.test_points.clear()
        self._net = None
        self.image.clear()
        if not self.draw.isChecked():  # while drawing, the plane stays where it is
            self.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0)
        self._follow_view()

    def _set_drawing(self, on: bool) -> None:
        """Drawing: clicks place points, so the view neither pans nor opens its menu."""
        view = self.getViewBox()
        view.setMouseEnabled(not on, not on)
        view.setMenuEnabled(not on)
        self._show_draw_controls()

    def _show_draw_controls(self, *_) -> None:
        drawing = self.draw.isChecked()
        self.draw_kind.setVisible(drawing)
        self.value.setVisible(drawing and self.draw_kind.currentText() == DRAW_VALUES)
        self._make_room()

    def _make_room(self) -> None:
        """The axes and points start below the controls shown over the plot's top, with
        room for the top tick's label (at once: a click that follows lands on the plane
        where it is drawn)."""
        controls = (self.show_test, self.draw, self.draw_kind, self.value)
        bottom = max(w.y() + w.sizeHint().height() for w in controls if not w.isHidden())
        left, top, right, end = PLOT_MARGINS
        item = self.getPlotItem()
        item.setContentsMargins(left, bottom + top, right, end)
        item.layout.activate()

    def _on_click(self, event) -> None:
        if not self.draw.isChecked():
            return
        point = self.getViewBox().mapSceneToView(event.scenePos())
        if event.button() == Qt.MouseButton.RightButton:
            self.sigErased.emit(point.x(), point.y())
        elif event.button() == Qt.MouseButton.LeftButton:
            if self.draw_kind.currentText() == DRAW_VALUES:
                self.sigDrawnValue.emit(point.x(), point.y(), self.value.value())
            else:
                shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.sigDrawn.emit(point.x(), point.y(), int(shift))
        event.accept()

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        """The data's plane (x0, x1, y0, y1), in scaled feature units; None without data."""
        return self._bounds

    def clear_data(self) -> None:
        """No 2-D data to show (e.g. iris, digits)."""
        self._bounds = self._net = self._grid = None
        self.points.clear()
        self.test_points.clear()
        self.image.clear()

    def _follow_view(self, *_) -> None:
        """A grid over what is visible now (GRID rows, as many square columns as fit),
        sampled at the centres of the image's cells."""
        if self._bounds is None:
            return
        (x0, x1), (y0, y1) = self.getViewBox().viewRange()
        columns = int(np.clip(round(GRID * (x1 - x0) / max(y1 - y0, 1e-12)), 2, 4 * GRID))
        gx, gy = np.meshgrid(_centres(x0, x1, columns), _centres(y0, y1, GRID))
        self._grid, self._shape = np.c_[gx.ravel(), gy.ravel()], (GRID, columns)
        self._rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        if self._net is not None:
            self.update_from(self._net)

    def update_from(self, net: Network) -> None:
        """Colour the plane by the network's prediction (class colour, certainty)."""
        if self._grid is None:
            return
        self._net = net
        out = net.predict(self._grid)
        if self._regression:
            v = out[:, 0] / max(float(np.abs(out[:, 0]).max()), 1e-9)
            pos, neg = np.array([32, 110, 200.0]), np.array([232, 120, 20.0])
            colors = np.where(v[:, None] >= 0, pos, neg)
            rgb = 255 - (255 - colors) * (0.6 * np.abs(v)[:, None])
            self._show(rgb)
            return
        if out.shape[1] == 1:
            p = out[:, 0]
            probs = np.c_[1 - p, p]
        else:
            probs = out
        cls = probs.argmax(axis=1)
        strength = (
            np.clip(
                (probs.max(axis=1) - 1 / probs.shape[1]) * probs.shape[1] / (probs.shape[1] - 1),
                0,
                1,
            )
            if probs.shape[1] > 1
            else np.ones(len(p))
        )
        colors = np.asarray(self._palette, float)[cls % len(self._palette)]
        rgb = 255 - (255 - colors) * (0.15 + 0.45 * strength[:, None])
        self._show(rgb)

    def _show(self, rgb: np.ndarray) -> None:
        self.image.setImage(
            rgb.reshape(*self._shape, 3).astype(np.uint8), levels=(0, 255), rect=self._rect
        )


def _centres(lo: float, hi: float, n: int) -> np.ndarray:
    """The centres of ``n`` equal cells from ``lo`` to ``hi``."""
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n
