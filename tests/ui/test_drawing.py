"""Points drawn on the decision plane (ConvNetJS's demo): click for class A, Shift+click
for class B, right-click removes the nearest; each an undoable edit; training picks
them up as drawn."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt


@pytest.fixture
def plane(window, qtbot):
    window.resize(1366, 768)  # the smallest screen the studio is laid out for
    window.boundary_dock.raise_()
    plot = window.boundary_plot
    qtbot.waitUntil(lambda: plot.isVisible() and plot.width() > 100)
    qtbot.mouseClick(plot.draw, Qt.MouseButton.LeftButton)
    assert plot.draw.isChecked()
    return plot


def click(qtbot, plot, fx, fy, button=Qt.MouseButton.LeftButton, shift=False):
    """Click at a fraction of the plot's width and height; the plane point clicked."""
    rect = plot.getViewBox().sceneBoundingRect()
    pos = QPoint(int(rect.left() + fx * rect.width()), int(rect.top() + fy * rect.height()))
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(plot.viewport(), button, modifier, pos)
    point = plot.getViewBox().mapSceneToView(plot.mapToScene(pos))
    return point.x(), point.y()


def test_clicks_draw_points_of_either_class_that_undo_takes_back(window, qtbot, plane):
    a = click(qtbot, plane, 0.3, 0.4)
    b = click(qtbot, plane, 0.7, 0.6, shift=True)
    project = window.project
    assert project.dataset["name"] == "drawn" and project.dataset["source"] == "project"
    data = project.load_dataset()
    np.testing.assert_allclose(data.X, [a, b], atol=1e-6)
    assert data.y.tolist() == [0, 1] and data.class_names == ("A", "B")
    assert window.editor.undo_stack.undoText().startswith("Draw a point of class B")
    window.editor.undo_stack.undo()
    assert project.load_dataset().n_samples == 1
    window.editor.undo_stack.undo()
    assert project.dataset["name"] == "circle"  # before the first point


def test_twenty_drawn_points_train_unscaled_and_the_view_stays(window, qtbot, plane):
    view = plane.getViewBox()
    before = view.viewRange()
    for k in range(20):
        click(qtbot, plane, 0.2 + 0.03 * k, 0.3 if k % 2 else 0.7, shift=k % 2 == 1)
    assert view.viewRange() == before  # drawing does not move the plane
    data = window.project.load_dataset()
    assert data.n_samples == 20 and sorted(set(data.y.tolist())) == [0, 1]
    window.training_panel.step_epoch.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    live = window.training.live
    assert live.parts.train.n_samples == 20  # tiny: no test split
    np.testing.assert_array_equal(np.sort(live.parts.train.X, 0), np.sort(data.X, 0))


def test_right_click_removes_the_nearest_point_but_not_the_last(window, qtbot, plane):
    click(qtbot, plane, 0.2, 0.2)
    click(qtbot, plane, 0.8, 0.8, shift=True)
    click(qtbot, plane, 0.75, 0.75, button=Qt.MouseButton.RightButton)
    data = window.project.load_dataset()
    assert data.n_samples == 1 and data.y.tolist() == [0]
    click(qtbot, plane, 0.2, 0.2, button=Qt.MouseButton.RightButton)
    assert window.project.load_dataset().n_samples == 1
    assert "the last point stays" in window.statusBar().currentMessage()


def test_without_draw_points_a_click_draws_nothing(window, qtbot):
    window.boundary_dock.raise_()
    click(qtbot, window.boundary_plot, 0.5, 0.5)
    assert window.project.dataset["name"] == "circle"


def test_points_drawn_with_values_make_a_regression_that_trains(window, qtbot, plane):
    from nnstudio.ui.boundary_plot import DRAW_VALUES

    assert not plane.value.isVisibleTo(plane)  # classes first: no value to set
    click(qtbot, plane, 0.5, 0.5)  # a class point, then the user switches to values
    plane.draw_kind.setCurrentText(DRAW_VALUES)
    assert plane.value.isVisibleTo(plane) and plane.value.geometry().right() < plane.width()
    values = [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]
    for k, value in enumerate(values):
        plane.value.setValue(value)
        click(qtbot, plane, 0.2 + 0.12 * k, 0.5)
    data = window.project.load_dataset()
    assert data.task == "regression" and data.y.tolist() == values  # the class point made way
    assert window.project.document.layers[-1].activation == "linear"
    assert window.editor.undo_stack.undoText() == (
        f"Draw a point of value 1.5 at ({data.X[-1, 0]:.2f}, {data.X[-1, 1]:.2f})"
    )
    window.training_panel.step_epoch.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    assert window.training.live.parts.train.n_samples == 6
    for _ in values:
        window.editor.undo_stack.undo()
    assert window.project.load_dataset().task == "classification"  # the class point is back
