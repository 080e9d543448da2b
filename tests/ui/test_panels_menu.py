"""View → Panels: every panel can be hidden and, once closed, brought back."""

from PySide6.QtWidgets import QDockWidget


def test_a_closed_panel_comes_back_from_view_panels(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    docks = window.findChildren(QDockWidget)
    menu = window.menus.panels_menu
    assert [a.text() for a in menu.actions()] == [d.windowTitle() for d in docks]
    assert {"Layers", "Dataset", "Training", "Loss"} <= {d.windowTitle() for d in docks}
    loss = next(d for d in docks if d.windowTitle() == "Loss")
    loss.close()  # the dock's own ✕
    qtbot.waitUntil(lambda: not loss.isVisible())
    entry = next(a for a in menu.actions() if a.text() == "Loss")
    assert not entry.isChecked()
    entry.trigger()
    qtbot.waitUntil(loss.isVisible)
    assert entry.isChecked()
