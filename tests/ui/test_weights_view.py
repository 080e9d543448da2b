"""The Weights tab: histograms, gradient sizes and, for image data, the first layer's
weights as pictures large enough to read, in a grid that scrolls down."""

from types import SimpleNamespace

import numpy as np
import pytest
from gestures import train_epochs
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QHelpEvent
from PySide6.QtWidgets import QDockWidget, QToolTip

from nnstudio.ui.canvas import colors
from nnstudio.ui.plot_grid import MIN_HEIGHT, MIN_WIDTH
from nnstudio.ui.throttle import on_screen
from nnstudio.ui.weight_tiles import (
    EDGE,
    TILE_GAP,
    tile_caption,
    tile_zoom,
    unit_images,
    unit_rgba,
)
from nnstudio.ui.weights_view import WeightsView

READABLE = 48  # device pixels a side: the smallest picture one can read a digit in


def _scene_rect(item) -> QRectF:
    return item.mapRectToScene(item.boundingRect())


# -- the pictures' numbers ---------------------------------------------------------------


def test_each_unit_is_its_own_picture_scaled_to_its_largest_weight():
    weights = np.zeros((4, 3))
    weights[:, 0] = [1, 0, 0, -2]  # unit 0: a 2×2 image
    weights[:, 2] = [0, 5, 0, 0]
    images = unit_images(weights, (2, 2))
    assert images.shape == (3, 2, 2)
    np.testing.assert_array_equal(images[0], [[0.5, 0], [0, -1]])
    assert not images[1].any()  # all zero stays zero (the colour map's white middle)
    np.testing.assert_array_equal(images[2], [[0, 1], [0, 0]])
    assert unit_images(np.ones((4, 10)), (2, 2), max_units=4).shape == (4, 2, 2)


def test_an_image_of_two_channels_shows_its_first_channel_per_unit():
    image = np.zeros((3, 4, 2))  # (height, width, channels), channels last
    image[..., 0] = np.arange(1, 13).reshape(3, 4)  # channel 0: 3 rows of 4
    image[..., 1] = 100  # channel 1: not shown, and not in the scale
    weights = image.reshape(-1, 1)
    np.testing.assert_allclose(
        unit_images(weights, (3, 4, 2))[0], np.arange(1, 13).reshape(3, 4) / 12
    )


def test_a_colour_image_shows_each_unit_in_colour_symmetric_about_grey():
    image = np.zeros((2, 2, 3))
    image[0, 0] = [2, 0, 0]  # a weight from red only: red
    image[0, 1] = [0, -2, 0]  # a negative one from green: less green than grey
    image[1, 1] = [1, 1, 1]  # the same from all three: a lighter grey
    weights = np.c_[image.reshape(-1), np.zeros(12)]  # unit 1: all zero
    images = unit_images(weights, (2, 2, 3))
    assert images.shape == (2, 2, 2, 3)
    np.testing.assert_allclose(images[0], image / 2)  # scaled by the largest over the three
    rgba = unit_rgba(images)
    assert rgba.shape == (2, 2, 2, 4) and (rgba[..., 3] == 255).all()
    assert tuple(rgba[0, 0, 0, :3]) == (255, 128, 128)
    assert tuple(rgba[0, 0, 1, :3]) == (128, 0, 128)
    assert tuple(rgba[0, 1, 0, :3]) == (128, 128, 128)  # 0: grey
    assert tuple(rgba[0, 1, 1, :3]) == (191, 191, 191)
    assert (rgba[1, ..., :3] == 128).all()  # all zero stays grey
    grey = unit_rgba(unit_images(weights[:4], (2, 2)))  # grey images: the weight colours
    np.testing.assert_array_equal(
        grey, colors.matrix_image_array(unit_images(weights[:4], (2, 2)), 1.0)
    )


def test_the_weight_colours_run_from_orange_through_white_to_blue_whatever_the_layout():
    rgba = colors.matrix_image_array(np.array([-3.0, -2.0, -1.0, 0.0, 0.5, 2.0, 3.0]), 2.0)
    assert rgba.dtype == np.uint8 and rgba.shape == (7, 4) and (rgba[:, 3] == 255).all()
    assert tuple(rgba[0, :3]) == tuple(rgba[1, :3]) == colors.NEGATIVE.getRgb()[:3]  # clipped
    assert tuple(rgba[-1, :3]) == tuple(rgba[-2, :3]) == colors.POSITIVE.getRgb()[:3]
    assert np.abs(rgba[3, :3].astype(int) - 246).max() <= 2  # zero: near-white
    assert 0 < rgba[4, 0] < 246 and rgba[4, 2] > rgba[4, 0]  # half-way: a paler blue
    # a transposed float32 matrix, as the pictures' units are: each entry its own colour,
    # rows of bytes a QImage can read
    matrix = np.random.default_rng(0).normal(size=(5, 7)).astype(np.float32).T
    picture = colors.matrix_image_array(matrix, 1.5)
    assert picture.shape == (7, 5, 4) and picture.flags.c_contiguous
    for (r, c), value in np.ndenumerate(matrix):
        expected = colors.matrix_image_array(np.array([value]), 1.5)[0]
        np.testing.assert_array_equal(picture[r, c], expected)


def test_pictures_are_enlarged_by_whole_pixels_to_at_least_the_smallest_tile():
    assert tile_zoom((28, 28)) == 2  # 56 px
    assert tile_zoom((8, 8)) == 6  # 48 px
    assert tile_zoom((28, 28, 3)) == 2
    assert tile_zoom((7, 20)) * 7 >= READABLE
    assert tile_zoom((96, 200)) * 96 == pytest.approx(READABLE)  # large: scaled down


def test_the_caption_says_whose_weights_how_many_and_what_size():
    assert "Input weights of hidden layer 1</b>: 128 units, 28×28" in tile_caption(
        ["hidden_1", "output"], 128, 128, (28, 28)
    )
    renamed = tile_caption(["edges", "output"], 2000, 1024, (8, 8, 2))
    assert "hidden layer 1 (edges)" in renamed
    assert "the first 1024 of 2000 units, 8×8, first of 2 channels" in renamed
    assert "8×8 in colour" in tile_caption(["hidden_1", "output"], 8, 8, (8, 8, 3))
    assert "channels" not in tile_caption(["hidden_1", "output"], 8, 8, (8, 8, 1))
    assert "Input weights of the output layer</b>: 10 units" in tile_caption(
        ["output"], 10, 10, (8, 8)
    )


# -- the view on its own, fed frames -----------------------------------------------------


def _frame(units=128, image_shape=(28, 28), seed=0, gradient_rms=(1e-3, 1e-2)):
    rng = np.random.default_rng(seed)
    pixels = int(np.prod(image_shape)) if image_shape else 2
    first = rng.normal(0, 0.1, size=(pixels, units))
    second = rng.normal(0, 0.3, size=(units, 10))
    layers = [SimpleNamespace(name="hidden_1"), SimpleNamespace(name="output")]
    net = SimpleNamespace(
        layers=layers,
        weighted_layers=layers,
        get_weights=lambda: [(first, np.zeros(units)), (second, np.zeros(10))],
    )
    return SimpleNamespace(
        net=net,
        data=SimpleNamespace(image_shape=image_shape),
        snapshot=SimpleNamespace(gradient_rms=list(gradient_rms)),
    )


@pytest.fixture
def view(qtbot):
    view = WeightsView()
    qtbot.addWidget(view)
    view.resize(540, 300)  # the Weights dock of a 1600×1000 window
    view.show()
    qtbot.waitExposed(view)
    return view


def _show(view, qtbot, frame):
    view.show_frame(frame)
    units = frame.net.get_weights()[0][0].shape[1]
    qtbot.waitUntil(lambda: view.tile_grid.count == units and not view.tiles.isHidden())
    qtbot.wait(50)  # the arrangement follows a moment later


def _assert_plots_inside(view):
    for plot in (view.gradients, *view.histograms):
        item = plot.plotItem
        assert item.width() <= plot.width() + 0.5  # nothing pushes it wider
        title = _scene_rect(item.titleLabel.item)
        assert title.left() >= 0 and title.right() <= plot.width(), item.titleLabel.text


def _assert_readable_grid(view):
    grid, scroll = view.tile_grid, view.tile_scroll
    ratio = grid.devicePixelRatioF()
    rects = [grid.tile_rect(k) for k in range(grid.count)]
    for rect in rects:  # in device pixels, as the screen shows them
        assert rect.width() * ratio >= READABLE and rect.height() * ratio >= READABLE
    for a, b in zip(rects, rects[1:]):  # in reading order, a gap between neighbours
        assert not a.intersects(b)
        if a.top() == b.top():
            assert b.left() - a.right() - 1 >= TILE_GAP
    # the columns fill the width inside its margins (another would not fit), nothing
    # sideways to scroll
    columns = grid.columns()
    assert all(rect.right() < grid.width() for rect in rects)
    assert (columns + 1) * (grid.tile.width() + TILE_GAP) - TILE_GAP > grid.width() - 2 * EDGE
    assert scroll.horizontalScrollBar().maximum() == 0
    assert grid.width() <= scroll.viewport().width()


def test_128_units_of_28x28_are_readable_tiles_in_a_grid_that_scrolls_down(view, qtbot):
    _show(view, qtbot, _frame())
    grid, scroll = view.tile_grid, view.tile_scroll
    assert grid.tile.width() == grid.tile.height() == 56
    _assert_readable_grid(view)
    assert grid.columns() >= 3
    bottom = grid.tile_rect(127).bottom()
    assert bottom > scroll.viewport().height()  # more than fit: the grid scrolls
    assert scroll.verticalScrollBar().maximum() >= bottom - scroll.viewport().height()
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    last = grid.tile_rect(127).translated(grid.pos())
    assert scroll.viewport().rect().contains(last)  # the last unit can be scrolled to
    assert "Input weights of hidden layer 1</b>: 128 units, 28×28" in view.tile_caption.text()


def test_each_picture_is_drawn_pixel_for_pixel_enlarged_on_the_weight_colours(view, qtbot):
    frame = _frame(units=12)
    _show(view, qtbot, frame)
    grid = view.tile_grid
    expected = colors.matrix_image_array(unit_images(frame.net.get_weights()[0][0], (28, 28)), 1)
    image = grid.grab().toImage()
    ratio = image.devicePixelRatio()
    for k, (row, col) in [(0, (0, 0)), (5, (13, 20)), (11, (27, 27))]:
        rect = grid.tile_rect(k)
        zoom = rect.width() / 28
        # the middle of image pixel (row, col) of unit k, in device pixels
        x = (rect.left() + (col + 0.5) * zoom) * ratio
        y = (rect.top() + (row + 0.5) * zoom) * ratio
        color = image.pixelColor(int(x), int(y))
        assert (color.red(), color.green(), color.blue()) == tuple(expected[k, row, col, :3])
    # the colour map is the canvas's: symmetric, white-ish 0, orange −, blue +
    assert (
        tuple(colors.matrix_image_array(np.array([1.0]), 1)[0, :3]) == colors.POSITIVE.getRgb()[:3]
    )
    assert (
        tuple(colors.matrix_image_array(np.array([-1.0]), 1)[0, :3]) == colors.NEGATIVE.getRgb()[:3]
    )


def test_a_picture_names_its_unit_when_hovered(view, qtbot):
    _show(view, qtbot, _frame(units=6))
    grid = view.tile_grid
    centre = grid.tile_rect(4).center()
    grid.event(QHelpEvent(QEvent.Type.ToolTip, centre, grid.mapToGlobal(centre)))
    assert QToolTip.text().startswith("hidden_1 unit 5: largest |weight|")
    QToolTip.hideText()


def test_pictures_beside_the_plots_in_a_wide_view_under_them_in_a_tall_one(view, qtbot):
    _show(view, qtbot, _frame())
    assert view.splitter.orientation() == Qt.Orientation.Horizontal
    assert view.tiles.x() >= view.plots.width()  # beside
    assert view.histograms[0].y() > view.gradients.y()  # the plots stacked
    assert view.tiles.width() > view.plots.width()  # the pictures get the larger share
    assert view.tile_grid.columns() == 5
    _assert_readable_grid(view)
    view.resize(360, 700)  # floated and tall
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Vertical)
    qtbot.wait(50)
    assert view.tiles.y() >= view.plots.height()  # under
    assert view.histograms[0].x() > view.gradients.x()  # the plots side by side
    assert view.tile_scroll.width() > 0.9 * view.width()  # the grid as wide as the view
    _assert_readable_grid(view)
    _assert_plots_inside(view)  # narrower now: shorter titles, no plot pushed wider


def test_pictures_that_all_fit_under_the_plots_leave_them_the_rest(view, qtbot):
    view.resize(540, 500)  # tall enough for pictures under the plots
    _show(view, qtbot, _frame(units=16, image_shape=(8, 8)))
    assert view.splitter.orientation() == Qt.Orientation.Vertical
    grid, scroll = view.tile_grid, view.tile_scroll
    assert grid.tile.width() == 48 and grid.columns() >= 8
    assert grid.tile_rect(15).bottom() < scroll.viewport().height()  # all of them shown
    assert scroll.viewport().height() - grid.height() < 10  # and no empty room below
    assert view.plots.height() > 0.5 * view.height()
    view.show_frame(_frame(units=128, image_shape=(8, 8)))  # more rows: more room
    qtbot.waitUntil(lambda: grid.count == 128)
    assert view.plots.height() < 0.4 * view.height()


def test_without_image_data_there_are_no_pictures_and_the_plots_share_the_width(view, qtbot):
    _show(view, qtbot, _frame())
    view.show_frame(_frame(units=8, image_shape=None))
    qtbot.waitUntil(lambda: view.tiles.isHidden())
    qtbot.wait(50)
    assert view.histograms[0].x() > view.gradients.x()  # side by side
    assert view.plots.height() == view.height()


def _assert_whole_plots_in_view(grid):
    """Every plot at least the grid's smallest size, with room for its data; the ones in
    view wholly so (whole rows); nothing sideways to scroll; the last one can be
    scrolled to."""
    viewport = grid.viewport().rect()
    assert grid.horizontalScrollBar().maximum() == 0
    for scrolled in (grid.verticalScrollBar().minimum(), grid.verticalScrollBar().maximum()):
        grid.verticalScrollBar().setValue(scrolled)
        in_view = []
        for plot in grid.plots:
            assert plot.height() >= MIN_HEIGHT and plot.width() >= MIN_WIDTH
            assert plot.getViewBox().height() >= 0.5 * plot.height()  # the data, not texts
            rect = plot.geometry().translated(grid.cells.pos())
            assert viewport.contains(rect) or not viewport.intersects(rect)  # never cut
            in_view.append(viewport.contains(rect))
        assert any(in_view)
    assert in_view[-1]  # scrolled to the end: the last layer's histogram is in view
    grid.verticalScrollBar().setValue(0)


def _gradient_labels_apart(view) -> list[str]:
    """The gradient plot's layer labels, checked to fit their slots without touching."""
    plot = view.gradients
    axis = plot.getAxis("bottom")
    labels = [label for _, label in axis._tickLevels[0]]
    metrics = QFontMetricsF(axis.style["tickFont"])
    slot = plot.getViewBox().width() / len(labels)
    assert all(metrics.horizontalAdvance(label) < slot for label in labels), (labels, slot)
    return labels


def test_each_layer_has_a_histogram_tall_enough_to_read_in_a_short_dock(view, qtbot):
    layers = ["hidden_1", "hidden_2", "hidden_3", "output"]
    frame = _frame(image_shape=None)
    rng = np.random.default_rng(1)
    weights = [(rng.normal(size=(2 if k == 0 else 8, 8)), np.zeros(8)) for k in range(4)]
    frame.net.weighted_layers = [SimpleNamespace(name=name) for name in layers]
    frame.net.get_weights = lambda: weights
    frame.snapshot.gradient_rms = [1e-3, 3e-3, 1e-2, 3e-2]
    view.show_frame(frame)
    qtbot.waitUntil(lambda: len(view.histograms) == 4)
    # the Weights dock at 1366×768 and at 1600×1000, a wider one, and floated and tall
    for width, height in ((308, 231), (378, 278), (900, 260), (360, 700)):
        view.resize(width, height)
        qtbot.wait(300)  # the throttled redraw after the re-layout
        _assert_plots_inside(view)
        _assert_whole_plots_in_view(view.plots)
        titles = [plot.plotItem.titleLabel.text for plot in view.histograms]
        assert titles == [f"{k + 1}. {name}" for k, name in enumerate(layers)] or all(
            title.startswith(f"{k + 1}. {name} ")
            for k, (title, name) in enumerate(zip(titles, layers))
        )
        labels = _gradient_labels_apart(view)
        assert labels in (layers, ["1", "2", "3", "4"])  # numbered as the histograms are
    view.resize(308, 231)
    qtbot.wait(300)
    assert view.plots.verticalScrollBar().maximum() > 0  # five plots: not all in view
    view.resize(900, 260)
    qtbot.wait(300)
    assert _gradient_labels_apart(view) == layers  # room for the names
    assert view.plots.verticalScrollBar().maximum() == 0  # and for all five plots


# -- in the studio ------------------------------------------------------------------------


def test_mnist_in_the_studio_shows_128_readable_tiles_and_none_for_2d_data(window, qtbot):
    window.resize(1366, 768)
    window.editor.set_dataset({"name": "mnist", "params": {}})
    window.editor.remove_layer(2)
    window.editor.set_units(1, 128)
    window.weights_dock.raise_()
    view = window.weights_view
    qtbot.waitUntil(lambda: view.tile_grid.count == 128 and on_screen(view.tiles), timeout=10000)
    qtbot.wait(100)
    _assert_readable_grid(view)
    scroll = view.tile_scroll
    assert view.tile_grid.height() > scroll.viewport().height()  # more than fit
    assert scroll.verticalScrollBar().maximum() > 0
    assert len(view.histograms) == 2
    window.editor.set_settings({"batch_size": 256})
    train_epochs(window, qtbot, 1)
    qtbot.waitUntil(
        lambda: view.gradient_curve.yData is not None and len(view.gradient_curve.yData) == 2,
        timeout=5000,
    )
    assert view.gradients.plotItem.titleLabel.text.startswith("Gradient size")
    assert view.tile_grid.count == 128  # still, after training
    window.training.shutdown()
    assert window.editor.set_dataset({"name": "circle", "params": {}})
    qtbot.waitUntil(lambda: on_screen(window.boundary_plot), timeout=5000)  # 2-D: in front
    window.findChild(QDockWidget, "Weights").raise_()
    qtbot.waitUntil(lambda: view.tiles.isHidden(), timeout=5000)  # no image data
    assert not on_screen(view.tile_grid)


def test_a_gradient_point_that_drifts_to_the_edge_moves_the_range_with_room_for_it(view, qtbot):
    _show(view, qtbot, _frame())
    first = view.gradients.getViewBox().viewRange()[1]
    drifted = first[0] + 0.05  # in range, but its marker would be cut in half
    view.frame = _frame(gradient_rms=(10**drifted, 1e-2))
    view.redraw_now()
    low, high = view.gradients.getViewBox().viewRange()[1]
    assert low < drifted - 0.15 and np.log10(1e-2) < high


def test_each_histogram_shows_the_share_of_its_layers_weights_per_bin(view, qtbot):
    frame = _frame(units=8, image_shape=None)
    view.show_frame(frame)
    qtbot.waitUntil(lambda: len(view._curves) == 2)
    for bars, (w, _) in zip(view._curves, frame.net.get_weights()):
        x, y = bars.getData()
        counts, edges = np.histogram(w, bins=40)
        np.testing.assert_allclose(x[::2], edges)  # each edge: a step up or down
        np.testing.assert_allclose(y[1:-1:2], counts / w.size)  # each bar's share
        assert y[0] == y[-1] == 0
        x_low, x_high = bars.getViewBox().viewRange()[0]
        assert x_low < edges[0] and edges[-1] < x_high  # all in view
    moved = _frame(units=8, image_shape=None, seed=1)
    view.frame = moved
    view.redraw_now()
    w = moved.net.get_weights()[1][0]
    shares = view._curves[1].getData()[1][1:-1:2]
    np.testing.assert_allclose(shares, np.histogram(w, bins=40)[0] / w.size)
