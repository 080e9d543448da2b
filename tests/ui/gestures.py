"""What a user's hand does on the canvas, as the events Qt delivers to it."""

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication


def sizes(window):
    return window.project.document.sizes


def viewport_point(window, scene_point):
    return window.view.mapFromScene(scene_point)


def palette_row(window, type_name):
    """The palette's row of layer type ``type_name``."""
    return window.palette.type_names().index(type_name)


def drop_from_palette(window, kind_row, scene_point):
    """A real drag-and-drop sequence of events, as Qt delivers them to the canvas;
    ``kind_row`` is a palette row or a layer type's name."""
    if isinstance(kind_row, str):
        kind_row = palette_row(window, kind_row)
    item = window.palette.item(kind_row)
    drop_mime(window, window.palette.mimeData([item]), scene_point)


def drop_mime(window, mime, scene_point):
    """Drag ``mime`` onto the canvas at ``scene_point`` and drop it there."""
    target = window.view.viewport()
    pos = QPointF(viewport_point(window, scene_point))
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event in (
        QDragEnterEvent(pos.toPoint(), action, mime, buttons, mods),
        QDragMoveEvent(pos.toPoint(), action, mime, buttons, mods),
        QDropEvent(pos, action, mime, buttons, mods),
    ):
        QApplication.sendEvent(target, event)


def mouse(window, kind, scene_point, buttons=Qt.MouseButton.LeftButton):
    pos = QPointF(viewport_point(window, scene_point))
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind,
        pos,
        window.view.viewport().mapToGlobal(pos),
        button,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window.view.viewport(), event)


def click(window, scene_point):
    mouse(window, QEvent.Type.MouseButtonPress, scene_point)
    mouse(window, QEvent.Type.MouseButtonRelease, scene_point, Qt.MouseButton.NoButton)


def double_click(window, scene_point):
    """Press, release, double-click and release, as Qt delivers a double click (sent to
    the canvas directly: no pointer state is left behind for the next test)."""
    click(window, scene_point)
    mouse(window, QEvent.Type.MouseButtonDblClick, scene_point)
    mouse(window, QEvent.Type.MouseButtonRelease, scene_point, Qt.MouseButton.NoButton)


def drawn(curve):
    """The (x, y) points given to a plot curve to draw (empty arrays for none)."""
    import numpy as np

    x, y = curve.xData, curve.yData
    return (np.empty(0), np.empty(0)) if x is None else (x, y)


def train_epochs(window, qtbot, epochs: int, start: int = 1) -> None:
    """Step epochs ``start`` to ``epochs``, each time until the run has finished it."""
    for epoch in range(start, epochs + 1):
        window.training_panel.step_epoch.click()
        qtbot.waitUntil(
            lambda e=epoch: (
                window.training.latest is not None and window.training.latest.epoch == e
            ),
            timeout=20000,
        )
