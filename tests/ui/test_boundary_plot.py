"""The decision plane as a user sees it: smooth, clear of its controls, regression
values in colour, a curve for one input."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF

from nnstudio.engine.network import Network
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
