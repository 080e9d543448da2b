"""Dragging a layer type: the pointer carries a readable card, and the canvas marks the
gap the layer would go into."""

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QPalette
from PySide6.QtWidgets import QApplication

from tests.ui.gestures import drop_from_palette, palette_row, viewport_point


def drag_over(window, type_name, scene_point):
    """Drag ``type_name`` from the palette over the canvas at ``scene_point`` (held)."""
    item = window.palette.item(palette_row(window, type_name))
    mime = window.palette.mimeData([item])
    pos = viewport_point(window, scene_point)
    action, buttons = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    mods = Qt.KeyboardModifier.NoModifier
    target = window.view.viewport()
    QApplication.sendEvent(target, QDragEnterEvent(pos, action, mime, buttons, mods))
    QApplication.sendEvent(target, QDragMoveEvent(pos, action, mime, buttons, mods))


def test_the_drag_card_shows_the_types_name_on_an_opaque_background(window):
    palette = window.palette
    item = palette.item(palette_row(window, "dense"))
    image = palette.drag_pixmap(item).toImage()
    assert image.width() > palette.iconSize().width() + palette.fontMetrics().horizontalAdvance(
        item.text()
    )
    middle = image.pixelColor(image.width() // 2, 3)  # the card's top band: its background
    assert middle.alpha() == 255
    assert middle == palette.palette().color(QPalette.ColorRole.Base)
    ink = palette.palette().color(QPalette.ColorRole.Text)
    text_pixels = [
        image.pixelColor(x, y)
        for x in range(image.width() // 2, image.width())
        for y in range(image.height())
    ]
    assert any(abs(c.lightness() - ink.lightness()) < 60 for c in text_pixels)  # the name


def test_the_gap_a_dragged_layer_would_fill_is_marked_until_it_leaves(window, qtbot):
    scene, marker = window.scene, window.scene.drop_marker
    between = (scene.column_x(1) + scene.column_x(2)) / 2
    drag_over(window, "dense", QPointF(between + 10, 0))
    assert marker.isVisible()
    assert abs(marker.pos().x() - between) < 1
    network = scene.network_rect()
    assert marker.sceneBoundingRect().top() <= network.top() + 5
    assert network == scene.network_rect()  # the marker is no part of the network
    drag_over(window, "dense", QPointF(scene.column_x(0) - 50, 0))  # left of everything
    assert abs(marker.pos().x() - (scene.column_x(0) + scene.column_x(1)) / 2) < 1
    QApplication.sendEvent(window.view.viewport(), QDragLeaveEvent())
    assert not marker.isVisible()


def test_a_drop_takes_the_marker_away_and_inserts_where_it_was(window, qtbot):
    scene = window.scene
    between = QPointF((scene.column_x(2) + scene.column_x(3)) / 2, 0)
    before = [layer.name for layer in window.project.document.layers]
    drag_over(window, "dense", between)
    marked = scene.drop_marker.pos().x()
    drop_from_palette(window, "dense", between)
    assert not scene.drop_marker.isVisible()
    after = [layer.name for layer in window.project.document.layers]
    assert scene.column_x(2) < marked < scene.column_x(3)
    assert after[:3] + after[4:] == before and after[3] not in before  # in that gap
