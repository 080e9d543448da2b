"""The cheap plot items of the live views: what they draw and where, and that a plot
repaints enough of itself around them."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from nnstudio.ui.plot_items import HistogramItem, MarkedLine, outline
from nnstudio.ui.small_plot import SmallPlot

BLUE = (32, 110, 200)


def test_a_histograms_outline_rises_from_zero_steps_across_each_bar_and_falls_back():
    points = outline(np.array([0.0, 1.0, 3.0]), np.array([2.0, 5.0]))
    np.testing.assert_array_equal(
        points, [[0, 0], [0, 2], [1, 2], [1, 5], [3, 5], [3, 0]]
    )  # no point back at the start: no line along zero


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 200)
    widget.setXRange(0, 4, padding=0)
    widget.setYRange(0, 1, padding=0)
    widget.hideAxis("left")
    widget.hideAxis("bottom")
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _pixel(plot, image, x: float, y: float) -> tuple[int, int, int]:
    """The colour at data point (x, y)."""
    view = plot.getViewBox()
    point = plot.mapFromScene(view.mapViewToScene(pg.Point(x, y)))
    ratio = image.devicePixelRatio()
    color = QColor(image.pixel(int(point.x() * ratio), int(point.y() * ratio)))
    return color.red(), color.green(), color.blue()


def _blue(color) -> bool:
    """The markers' colour (up to antialiasing at the edge of the line under them)."""
    return max(abs(a - b) for a, b in zip(color, BLUE)) <= 8


def test_bars_are_filled_lightly_and_outlined_and_nothing_is_drawn_above_them(plot, qtbot):
    bars = HistogramItem(pg.mkPen(BLUE, width=1.5), (*BLUE, 60))
    plot.addItem(bars)
    bars.setData([0.5, 1.5, 2.5, 3.5], [0.3, 0.8, 0.0])
    image = plot.grab().toImage()
    inside = _pixel(plot, image, 1.0, 0.15)
    assert inside != (255, 255, 255) and inside[2] > inside[0]  # a light blue fill
    assert _pixel(plot, image, 1.0, 0.5) == (255, 255, 255)  # above the first bar
    assert _pixel(plot, image, 3.0, 0.5) == (255, 255, 255)  # an empty bar
    top = _pixel(plot, image, 2.0, 0.8)  # the outline: darker than the fill
    assert sum(top) < sum(inside) - 100
    np.testing.assert_array_equal(bars.getData()[1], [0, 0.3, 0.3, 0.8, 0.8, 0, 0, 0])


def test_their_bounds_cover_the_pen_in_pixels_whatever_the_range(plot, qtbot):
    """What Qt repaints when the bars change: less would leave bits of the old outline."""
    bars = HistogramItem(pg.mkPen(BLUE, width=1.5), (*BLUE, 60))
    plot.addItem(bars)
    bars.setData([1.0, 2.0, 3.0], [0.2, 0.5])
    for x_range in ((0, 4), (0, 40)):  # a data unit of 75 pixels, then of 7.5
        plot.setXRange(*x_range, padding=0)
        qtbot.wait(10)
        px, _ = bars.pixelVectors()
        pad = (bars.points[:, 0].min() - bars.boundingRect().left()) / px.length()
        assert pad >= 1.5 / 2 + 1  # pixels: half the pen and one more
        assert pad < 3


def test_the_same_bars_again_repaint_nothing(plot, qtbot):
    bars = HistogramItem(pg.mkPen(BLUE, width=1.5), (*BLUE, 60))
    plot.addItem(bars)
    bars.setData([0.0, 1.0, 2.0], [0.2, 0.5])
    updates = []
    bars.update = lambda *args: updates.append(args)
    bars.setData(np.array([0.0, 1.0, 2.0]), np.array([0.2, 0.5]))
    assert updates == []
    bars.setData([0.0, 1.0, 2.0], [0.2, 0.6])
    assert len(updates) == 1


def test_a_marked_line_has_a_round_marker_on_each_point(plot, qtbot):
    line = MarkedLine(pg.mkPen(BLUE, width=2), 8, BLUE)
    plot.addItem(line)
    line.setData([1, 2, 3], [0.2, 0.8, 0.5])
    np.testing.assert_array_equal(line.yData, [0.2, 0.8, 0.5])
    image = plot.grab().toImage()
    for x, y in zip(line.xData, line.yData):
        assert _blue(_pixel(plot, image, x, y))
    # round in pixels although x and y are scaled differently: 2 px off the centre of
    # the marker at (2, 0.8) is inside it in any direction, 6 px off is outside
    view = plot.getViewBox()
    px, py = (v.length() for v in line.pixelVectors())
    for dx, dy in ((2, 0), (0, 2), (-2, 0), (0, -2)):
        assert _blue(_pixel(plot, image, 2 + dx * px, 0.8 + dy * py))
    assert _pixel(plot, image, 2, 0.8 + 6 * py) == (255, 255, 255)
    assert _pixel(plot, image, 2 + 6 * px, 0.8 + 6 * py) == (255, 255, 255)
    assert view is line.getViewBox()


def test_a_marked_line_of_no_points_draws_nothing(plot, qtbot):
    line = MarkedLine(pg.mkPen(BLUE, width=2), 8, BLUE)
    plot.addItem(line)
    line.setData([], [])
    assert line.boundingRect().isEmpty() and len(line.yData) == 0
    plot.grab()  # paints without failing


def test_a_small_plots_cached_axes_look_as_pyqtgraph_paints_them(qtbot):
    """Ticks, labels and the line's ends whole: the cached picture cuts nothing off."""
    plot = SmallPlot()
    qtbot.addWidget(plot)
    plot.resize(180, 120)
    plot.set_titles("1. hidden_1")
    plot.setXRange(-1.234, 0.9, padding=0)
    plot.setYRange(0, 0.27, padding=0)
    plot.show()
    qtbot.waitExposed(plot)
    axes = [plot.getAxis(side) for side in ("left", "bottom")]
    assert all(a.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache for a in axes)
    cached = plot.grab().toImage()
    for axis in axes:
        axis.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    assert plot.grab().toImage() == cached
