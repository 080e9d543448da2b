"""The decision plane as a user sees it: smooth, clear of its controls, regression
values in colour, a curve for one input."""

import numpy as np
import pytest
from gestures import train_epochs
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QFileDialog, QMessageBox

from nnstudio.engine.network import Network
from nnstudio.model.training import prepare_data
from nnstudio.ui.boundary_plot import GRID, BoundaryPlot

CORNERS = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])


@pytest.fixture
def plot(qtbot):
    plot = BoundaryPlot()
    qtbot.addWidget(plot)
    plot.resize(420, 420)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def tilted(slope: float) -> Network:
    """A one-neuron classifier whose certainty grows along y."""
    net = Network.from_spec({"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid"}]})
    net.set_weights([(np.array([[0.0], [slope]]), np.zeros(1))])
    return net


def in_widget(plot, item) -> QRectF:
    """Where ``item`` is drawn, in the plot widget's coordinates."""
    return plot.mapFromScene(item.sceneBoundingRect()).boundingRect().toRectF()


def test_the_plane_blends_its_cells_instead_of_stepping_between_them(plot, qtbot):
    plot.set_data(CORNERS, np.array([0, 1, 0, 1]), 2)  # points only in the corners
    plot.update_from(tilted(2.0))
    view = in_widget(plot, plot.getViewBox())
    image = plot.grab().toImage()
    x = int(view.center().x())
    column = [image.pixel(x, y) for y in range(int(view.top()) + 2, int(view.bottom()) - 2)]
    changes = sum(a != b for a, b in zip(column, column[1:]))
    # GRID rows span the view: drawn cell by cell, the colour could change GRID - 1 times
    assert changes > 1.5 * GRID


def test_the_controls_sit_above_the_axes_and_points_even_while_drawing(plot, qtbot):
    plot.set_data(CORNERS, np.array([0, 1, 0, 1]), 2)
    for drawing in (False, True):
        plot.draw.setChecked(drawing)
        shown = [w for w in (plot.show_test, plot.draw, plot.draw_kind) if w.isVisible()]
        assert len(shown) == 2 + drawing
        below = max(w.geometry().bottom() for w in shown)
        for item in (plot.getViewBox(), plot.getAxis("left"), plot.getAxis("bottom")):
            assert in_widget(plot, item).top() > below
        highest = max(plot.points.getData()[1])
        centre = plot.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(0, highest)))
        assert centre.y() - plot.points.opts["size"] > below


def linear(weights) -> Network:
    """A network whose one output is ``weights`` · (x, y)."""
    net = Network.from_spec({"inputs": 2, "layers": [{"units": 1, "activation": "linear"}]})
    net.set_weights([(np.array(weights, float)[:, None], np.zeros(1))])
    return net


def test_regression_points_take_the_colour_of_their_value_on_the_planes_scale(plot):
    X = np.random.default_rng(0).uniform(-1, 1, (60, 2))
    values = 3 * X[:, 0]  # what the network below outputs: a perfect fit
    plot.set_data(X, values, None)
    plot.update_from(linear([3, 0]))
    points = np.array([b.color().getRgb()[:3] for b in plot.points.data["brush"]], float)
    bluer = points[:, 2] - points[:, 0]
    order = np.argsort(values)
    assert np.all(np.diff(bluer[order]) >= 0)  # orange to blue as the value grows
    assert bluer[order[0]] < -100 < 100 < bluer[order[-1]]
    rect, plane = plot.image.mapRectToParent(plot.image.boundingRect()), plot.image.image
    rows, columns = plane.shape[:2]
    col = ((X[:, 0] - rect.left()) / rect.width() * columns).astype(int)
    row = ((X[:, 1] - rect.top()) / rect.height() * rows).astype(int)
    under = plane[row, col].astype(float)
    clear = np.abs(values) > 0.5  # away from the white middle, the plane agrees with each point
    assert np.all(np.sign(under[clear, 2] - under[clear, 0]) == np.sign(bluer[clear]))
    assert plot.color_bar.isVisible()
    lo, hi = plot.color_bar.levels()
    assert lo <= values.min() and values.max() <= hi
    plot.set_data(X, (values > 0).astype(int), 2)  # classes: their own colours, no bar
    assert not plot.color_bar.isVisible()
    classes = {b.color().getRgb()[:3] for b in plot.points.data["brush"]}
    assert len(classes) == 2


def test_one_input_regression_shows_its_points_and_the_networks_curve_live(
    window, qtbot, monkeypatch
):
    window.editor.set_dataset({"name": "sine", "params": {}})
    plot = window.boundary_plot
    assert window.boundary_dock.isVisible() and not window.boundary_dock.visibleRegion().isEmpty()
    parts, _ = prepare_data(window.project)
    x, y = plot.points.getData()
    np.testing.assert_allclose(np.c_[x, y], np.c_[parts.train.X[:, 0], parts.train.y])
    assert plot.getAxis("bottom").labelText == "x" and plot.getAxis("left").labelText
    assert not plot.draw.isVisible()  # drawing points is for the plane

    def curve():
        cx, cy = plot.fit.item.getData()
        return (np.empty(0), np.empty(0)) if cx is None else (cx, cy)

    cx, cy = curve()
    (x0, x1), _ = plot.getViewBox().viewRange()
    assert np.isclose(cx[0], x0) and np.isclose(cx[-1], x1) and len(cx) > 100
    net = Network.from_spec(window.project.document.spec())
    net.set_weights(window.project.document.weights())
    np.testing.assert_allclose(cy, net.predict(cx[:, None])[:, 0], atol=1e-6)
    untrained = cy.copy()
    train_epochs(window, qtbot, 3)
    qtbot.waitUntil(lambda: not np.allclose(curve()[1], untrained), timeout=5000)
    plot.getViewBox().scaleBy((2, 1))  # zoomed out: the curve spans the view again
    (x0, x1), _ = plot.getViewBox().viewRange()
    assert np.isclose(curve()[0][0], x0) and np.isclose(curve()[0][-1], x1)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.editor.set_dataset({"name": "iris", "params": {}})  # four inputs: nothing to draw
    assert plot.is_empty and len(curve()[0]) == 0 and len(plot.points.data) == 0
    window.editor.set_dataset({"name": "circle", "params": {}})  # the plane, square again
    assert plot.getViewBox().state["aspectLocked"] and plot.draw.isVisible()
    assert not plot.getAxis("bottom").labelText


def test_exporting_a_boundary_the_data_has_not_explains_and_writes_nothing(
    window, monkeypatch, tmp_path
):
    asked, said = [], []
    path = tmp_path / "boundary.png"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a: asked.append(a) or (str(path), "")
    )
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: said.append(a[1:]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.editor.set_dataset({"name": "iris", "params": {}})  # four inputs
    action = window.menus.export_boundary_action
    pictures = next(
        a.menu()
        for a in window.menuBar().actions()[0].menu().actions()
        if a.menu() and action in a.menu().actions()
    )
    pictures.aboutToShow.emit()
    assert "two inputs" in action.toolTip() and "two inputs" in action.statusTip()
    action.trigger()
    assert not asked and not path.exists()  # no file dialog, no file
    assert len(said) == 1 and "no file was written" in said[0][1]
    window.editor.set_dataset({"name": "circle", "params": {}})
    pictures.aboutToShow.emit()
    assert "two inputs" not in action.toolTip()
    action.trigger()
    assert asked and path.stat().st_size > 0 and len(said) == 1
