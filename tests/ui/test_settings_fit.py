"""Settings fold and scroll inside their panels: the window never grows by itself and
no field hides under a scroll bar."""

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QPushButton, QScrollArea


def scroll_area_of(widget):
    while not isinstance(widget, QScrollArea):
        widget = widget.parentWidget()
    return widget


def hidden_on_the_right(panel):
    """The panel's buttons and fields that reach under its scroll bar or past its edge."""
    viewport = scroll_area_of(panel).viewport()
    cut = []
    for kind in (QPushButton, QComboBox, QAbstractSpinBox):
        for field in panel.findChildren(kind):
            if not field.isVisibleTo(panel):
                continue
            left = field.mapTo(viewport, QPoint(0, 0)).x()
            if left < 0 or left + field.width() > viewport.width():
                cut.append(field)
    return cut


def test_more_settings_scroll_inside_the_panel_on_a_small_screen(window, qtbot):
    window.resize(1366, 740)
    qtbot.waitUntil(lambda: window.width() == 1366)
    size = window.size()
    panel = window.training_panel
    panel.more.expand(animate=False)
    qtbot.wait(50)
    assert window.size() == size
    area = scroll_area_of(panel)
    assert area.verticalScrollBar().isVisible()  # it scrolls: the form is taller
    assert hidden_on_the_right(panel) == []
    assert hidden_on_the_right(window.dataset_panel) == []
