"""The decision boundary (pyqtgraph): the network's output over the input plane, or
for one input and a regression target its curve over the data."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox

from nnstudio.datasets import REGRESSION, Dataset
from nnstudio.engine.network import Network
from nnstudio.ui.fit_curve import POINT_COLOR, FitCurve
from nnstudio.ui.number_text import value_text
from nnstudio.ui.plot_style import (
    PLOT_MARGINS,
    class_colors,
    toward_paper,
    value_color_map,
    value_colors,
    value_range,
)

GRID = 80
PLANE_STRENGTH = 0.6  # regression: the plane's colours, paler than its points'
CLASS_PEN = pg.mkPen("w", width=1.0)  # a white rim: a point stands out on its own colour
VALUE_PEN = pg.mkPen(70, 70, 70, 200, width=0.6)  # a value near the middle is white
MARK_PEN = pg.mkPen(230, 140, 20, width=2.5)  # the stepper's amber
DRAW_CLASSES, DRAW_VALUES = "classes", "values"
PICK_PIXELS = 8  # a click this near a point picks it
PICK_TIP = (
    "Click a training point to follow it in the Stepper, double-click to open the "
    "Stepper on it (with 'draw points' on, clicks draw instead)"
)
NOTHING_DRAWN = (
    "The decision boundary is drawn for data of two inputs (a plane), or of one input "
    "with a regression target (a curve). This data has neither, so there is no picture "
    "to export: no file was written."
)


def draws(data: Dataset) -> bool:
    """Whether the plot shows ``data``: two inputs, or one and a regression target."""
    return data.n_features == 2 or (data.n_features == 1 and data.task == REGRESSION)


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
    the box (``sigDrawnValue(x, y, value)``).

    Not drawing, a click on a training point picks it for the stepper
    (``sigPicked(index, False)``; a double-click ``sigPicked(index, True)``: open the
    stepper on it); :meth:`mark_sample` rings the stepper's sample."""

    sigDrawn = Signal(float, float, int)
    sigDrawnValue = Signal(float, float, float)
    sigErased = Signal(float, float)
    sigPicked = Signal(int, bool)  # a training point's index; True: a double-click

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAspectLocked(True)
        self.getAxis("left").setStyle(hideOverlappingLabels=PLOT_MARGINS[1])  # in the margin
        self.image = SmoothImage(axisOrder="row-major")
        self.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=7, pen=CLASS_PEN)
        self.addItem(self.points)
        self.test_points = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(255, 255, 255, 200))
        self.addItem(self.test_points)
        self.marked = pg.ScatterPlotItem(size=15, pen=MARK_PEN, brush=None)
        self.addItem(self.marked)
        self.marked_sample: int | None = None  # the stepper's sample, once picked
        self.setToolTip(PICK_TIP)
        self.show_test = QCheckBox("test points", self)
        self.show_test.setToolTip(
            "Also show the test split (white dots ringed in their "
            "class or value colour): data the network never trains on"
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
        self.color_bar = pg.ColorBarItem(
            colorMap=value_color_map(), interactive=False, width=10, colorMapMenu=False
        )
        self.color_bar.axis.setWidth(None)  # as wide as its labels
        self.color_bar.hide()  # in the layout only when shown (hidden, it takes room)
        self.scene().sigMouseClicked.connect(self._on_click)
        self._bounds: tuple[float, float, float, float] | None = None
        self._palette = None
        self._span: tuple[float, float] | None = None  # regression: the colours' values
        self._net: Network | None = None
        self._grid = self._shape = None
        self._rect = QRectF(0, 0, 1, 1)
        self.fit = FitCurve(self.getPlotItem())
        self._on_curve = False  # showing one input's curve, not the plane
        self.getViewBox().sigRangeChanged.connect(self._follow_view)

    def show_data(self, train: Dataset, test: Dataset | None = None) -> None:
        """What the plot can draw of ``train`` (and ``test``, scaled as training sees
        them): the plane of two inputs, the curve of one and a regression target, or
        nothing."""
        if train.n_features == 2:
            self.set_data(train.X, train.y, train.n_classes, test and (test.X, test.y))
        elif draws(train):
            line = test and (test.X[:, 0], _first(test.y))
            self.set_curve_data(train.X[:, 0], _first(train.y), line, train.feature_names[0])
        else:
            self.clear_data()

    def set_curve_data(
        self,
        x: np.ndarray,
        y: np.ndarray,
        test: tuple[np.ndarray, np.ndarray] | None = None,
        x_name: str = "x",
    ) -> None:
        """One input's values and their targets as points (x, y), and from
        :meth:`update_from` the network's curve; the test split's ``(x, y)`` shown on
        request. Drawing points is for the plane only."""
        self.clear_data()
        self._on_curve = True
        self.setAspectLocked(False)
        self.draw.setChecked(False)
        self.draw.hide()
        self._make_room()
        self.points.setData(x=x, y=y, brush=pg.mkBrush(*POINT_COLOR), pen=CLASS_PEN)
        self.mark_sample(self.marked_sample)
        if test is not None and len(test[0]):
            self.test_points.setData(x=test[0], y=test[1], pen=pg.mkPen(POINT_COLOR, width=2))
        self.fit.show(x, y, x_name)

    @property
    def is_empty(self) -> bool:
        """Nothing to show: neither a plane nor a curve."""
        return self._bounds is None and not self._on_curve

    def set_data(
        self,
        X: np.ndarray,
        labels: np.ndarray,
        n_classes: int | None,
        test: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """The 2-D points to show (scaled features) and their classes (or values, in
        colour: a bar beside gives the scale); the test split's ``(X, labels)`` are
        shown on request."""
        self._use_plane()
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.1 * (hi - lo) + 1e-9
        x0, x1, y0, y1 = lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]
        self._bounds = (x0, x1, y0, y1)
        self._palette = class_colors(n_classes or 2)
        self._span = None if n_classes else value_range(_first(labels))
        brushes = [pg.mkBrush(*c) for c in self._colors(labels)]
        self.points.setData(pos=X, brush=brushes, pen=VALUE_PEN if n_classes is None else CLASS_PEN)
        self.mark_sample(self.marked_sample)
        if test is not None and len(test[0]):
            pens = [pg.mkPen(c, width=2) for c in self._colors(test[1])]
            self.test_points.setData(pos=test[0], pen=pens)
        else:
            self.test_points.clear()
        self._show_bar()
        self._net = None
        self.image.clear()
        if not self.draw.isChecked():  # while drawing, the plane stays where it is
            self.setRange(QRectF(x0, y0, x1 - x0, y1 - y0), padding=0)
        self._follow_view()

    def _colors(self, labels: np.ndarray) -> list:
        """Each point's colour: its class's, or its value's on the plane's scale."""
        if self._span is None:
            return [self._palette[int(c)] for c in labels]
        return value_colors(_first(labels), self._span).round().astype(int).tolist()

    def _show_bar(self) -> None:
        """The scale of regression values beside the plane, its ends and middle marked
        (classes: no bar)."""
        bar, layout = self.color_bar, self.getPlotItem().layout
        if bar.isVisible() != (self._span is not None):
            if self._span is None:
                layout.removeItem(bar)
            else:
                layout.addItem(bar, 2, 5)  # right of the plane
            bar.setVisible(self._span is not None)
        if self._span is not None:
            lo, hi = self._span
            bar.setLevels(self._span)
            bar.axis.setTicks([[(v, value_text(v, 3)) for v in (lo, (lo + hi) / 2, hi)]])

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
            self._pick(event)
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

    def _pick(self, event) -> None:
        """A left click on (or within PICK_PIXELS of) a training point picks the
        nearest for the stepper."""
        x, y = self.points.getData()
        if event.button() != Qt.MouseButton.LeftButton or x is None or not len(x):
            return
        view = self.getViewBox()
        point = view.mapSceneToView(event.scenePos())
        width, height = view.viewPixelSize()
        pixels = np.hypot((x - point.x()) / width, (y - point.y()) / height)
        nearest = int(np.argmin(pixels))
        if pixels[nearest] <= PICK_PIXELS:
            self.sigPicked.emit(nearest, bool(event.double()))
            event.accept()

    def mark_sample(self, index: int | None) -> None:
        """Ring training point ``index`` (the stepper's sample); None: no ring."""
        self.marked_sample = index
        x, y = self.points.getData()
        if index is None or index >= len(x):
            self.marked.clear()
        else:
            self.marked.setData(x=[x[index]], y=[y[index]])

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        """The data's plane (x0, x1, y0, y1), in scaled feature units; None without data."""
        return self._bounds

    def clear_data(self) -> None:
        """No data to show (e.g. iris, digits)."""
        self._use_plane()
        self._bounds = self._net = self._grid = None
        self.points.clear()
        self.test_points.clear()
        self.marked.clear()
        self.image.clear()
        self._span = None
        self._show_bar()

    def _use_plane(self) -> None:
        """Square axes without labels, no curve, drawing offered."""
        if self._on_curve:
            self._on_curve = False
            self.fit.hide()
            self.setAspectLocked(True)
            self.draw.show()
            self._make_room()

    def _follow_view(self, *_) -> None:
        """A grid over what is visible now (GRID rows, as many square columns as fit),
        sampled at the centres of the image's cells; on a curve, the curve across it."""
        if self._on_curve and self.fit.net is not None:
            self.fit.update_from(self.fit.net)
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
        """Colour the plane by the network's prediction (class colour, certainty), or
        draw its curve."""
        if self._on_curve:
            self.fit.update_from(net)
        if self._grid is None:
            return
        self._net = net
        out = net.predict(self._grid)
        if self._span is not None:
            self._show(value_colors(out[:, 0], self._span, strength=PLANE_STRENGTH))
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
        rgb = toward_paper(colors, 0.15 + 0.45 * strength[:, None])
        self._show(rgb)

    def _show(self, rgb: np.ndarray) -> None:
        self.image.setImage(
            rgb.reshape(*self._shape, 3).astype(np.uint8), levels=(0, 255), rect=self._rect
        )


def _centres(lo: float, hi: float, n: int) -> np.ndarray:
    """The centres of ``n`` equal cells from ``lo`` to ``hi``."""
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n


def _first(labels: np.ndarray) -> np.ndarray:
    """The first target of each point (the one the plane shows)."""
    return labels if labels.ndim == 1 else labels[:, 0]
