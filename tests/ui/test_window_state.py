"""The window comes back as it was closed; View → Reset layout puts the panels home."""

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget

from nnstudio.ui import window_state
from nnstudio.ui.main_window import MainWindow

RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def shown_window(qtbot, restore=False):
    window = MainWindow()
    qtbot.addWidget(window)
    if restore:
        window.restore_layout()
    window.show()
    qtbot.waitExposed(window)
    return window


def rearrange(window):
    """What a user may do to the panels: move one, float one, close one."""
    window.addDockWidget(RIGHT, window.loss_dock)
    window.weights_dock.setFloating(True)
    window.runs_dock.close()


def test_size_and_panels_come_back_on_the_next_launch(qtbot):
    first = shown_window(qtbot)
    # the height tells: the offscreen screen is 800 pixels wide, and Qt keeps a
    # restored window's width on its screen (the window's minimum then widens it)
    height = first.height() - 40
    first.resize(first.width(), height)
    qtbot.waitUntil(lambda: first.height() == height)
    rearrange(first)
    assert first.close()
    second = shown_window(qtbot, restore=True)
    assert second.height() == height
    assert second.dockWidgetArea(second.loss_dock) == RIGHT
    assert second.weights_dock.isFloating()
    assert second.runs_dock.isHidden()
    assert second.maps_dock.isHidden()  # no image layers: that panel follows the network
    second.close()


def test_a_first_launch_keeps_the_default_window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    size = window.size()
    assert not window.restore_layout()
    assert window.size() == size
    assert window.dockWidgetArea(window.loss_dock) == BOTTOM


def test_panels_saved_by_another_version_of_the_layout_are_ignored(qtbot):
    first = shown_window(qtbot)
    rearrange(first)
    QSettings().setValue(window_state.GEOMETRY, first.saveGeometry())
    QSettings().setValue(window_state.PANELS, first.saveState(window_state.LAYOUT_VERSION - 1))
    second = shown_window(qtbot, restore=True)
    assert second.dockWidgetArea(second.loss_dock) == BOTTOM
    assert not second.weights_dock.isFloating()


def test_reset_layout_puts_every_panel_back(window, qtbot):
    rearrange(window)
    window.menus.reset_layout_action.trigger()
    qtbot.waitUntil(lambda: window.runs_dock.isVisible())
    assert window.dockWidgetArea(window.loss_dock) == BOTTOM
    assert not window.weights_dock.isFloating()
    assert window.weights_dock in window.tabifiedDockWidgets(window.boundary_dock)
    hidden = [d.windowTitle() for d in window.findChildren(QDockWidget) if d.isHidden()]
    assert hidden == ["Feature maps"]
    top = window.loss_dock.geometry().top()
    assert window.runs_dock.geometry().top() == top  # side by side, as on the first launch
    assert window.boundary_dock.isVisible()  # its tab in front


def test_reset_layout_keeps_the_window_on_a_small_screen(window, qtbot):
    """Putting the panels back one by one lays them side by side for a moment; the
    window must not grow past the screen for it (it grew from 1,366 to 1,786 pixels)."""
    window.resize(1366, 740)
    qtbot.waitUntil(lambda: window.width() == 1366)
    for _ in range(2):
        window.menus.reset_layout_action.trigger()
        qtbot.wait(50)
    assert window.width() == 1366
    training = window.findChild(QDockWidget, "Training")
    assert training.geometry().right() < window.width()  # the right column on screen
