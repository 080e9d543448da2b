"""The canvas fits the network as the network and the window change size, until the
user zooms or pans it."""

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.ui.gestures import mouse, train_epochs


def network_rect(window):
    """Where the network is drawn, in viewport pixels."""
    return window.view.mapFromScene(window.scene.network_rect()).boundingRect()


def centre_offset(window):
    shown, viewport = network_rect(window).center(), window.view.viewport().rect().center()
    return abs(shown.x() - viewport.x()), abs(shown.y() - viewport.y())


def wheel(window, steps=1):
    view = window.view.viewport()
    centre = QPointF(view.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(view.mapToGlobal(centre.toPoint())),
        QPoint(),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view, event)


def background_point(window):
    """A scene point of the canvas with no item under it (left of the network)."""
    rect = window.scene.network_rect()
    return QPointF(rect.left() - 20, rect.center().y())


def test_deleting_a_layer_leaves_the_network_centred(window, qtbot):
    window.view.fit()
    before = network_rect(window).width()
    window.scene.layer_items[1].setSelected(True)
    window.menus.delete_action.trigger()
    assert len(window.project.document.sizes) == 3
    dx, dy = centre_offset(window)
    assert dx <= 3 and dy <= 3, (dx, dy)
    assert network_rect(window).width() != before  # it re-fitted, not just stayed


def test_the_network_stays_whole_when_the_window_shrinks(window, qtbot):
    window.resize(1400, 860)
    qtbot.waitUntil(lambda: window.view.viewport().width() > 500)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.view.viewport().width() < 500)
    assert window.view.viewport().rect().contains(network_rect(window))
    dx, dy = centre_offset(window)
    assert dx <= 3 and dy <= 3, (dx, dy)


def test_a_zoom_of_the_users_own_is_kept_through_edits_until_fit_to_view(window, qtbot):
    wheel(window)
    zoom = window.view.zoom
    assert not window.view.auto_fit
    window.scene.layer_items[1].setSelected(True)
    window.menus.delete_action.trigger()
    assert window.view.zoom == zoom
    window.menus.fit_action.trigger()
    assert window.view.auto_fit
    window.resize(window.width() - 200, window.height())
    qtbot.waitUntil(lambda: window.view.viewport().rect().contains(network_rect(window)))


def test_dragging_the_background_pans_and_stops_the_fitting(window, qtbot):
    start = background_point(window)
    before = network_rect(window)
    mouse(window, QEvent.Type.MouseButtonPress, start)
    moved = window.view.mapToScene(window.view.mapFromScene(start) + QPoint(60, 40))
    mouse(window, QEvent.Type.MouseMove, moved)
    mouse(window, QEvent.Type.MouseButtonRelease, moved, Qt.MouseButton.NoButton)
    assert network_rect(window) != before
    assert not window.view.auto_fit
    panned = network_rect(window)
    window.resize(window.width() - 100, window.height())
    qtbot.wait(50)
    assert network_rect(window).size() == panned.size()  # not re-fitted


def test_a_click_on_the_background_is_no_pan(window, qtbot):
    point = background_point(window)
    mouse(window, QEvent.Type.MouseButtonPress, point)
    mouse(window, QEvent.Type.MouseButtonRelease, point, Qt.MouseButton.NoButton)
    assert window.view.auto_fit


def test_the_first_run_leaves_the_canvas_as_big_as_it_was(window, qtbot):
    size = window.view.viewport().size()
    assert not window.runs_panel.body.isVisible()
    train_epochs(window, qtbot, 1)
    assert window.runs_panel.body.isVisible()
    assert window.view.viewport().size() == size
