"""Hovering a hidden neuron shows its map large beside it, live while training."""

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor

from nnstudio.ui.canvas.node_maps import ZOOM_GRID
from nnstudio.ui.canvas.node_zoom import SIZE
from tests.ui.gestures import mouse, train_epochs


def node_point(window, layer, k):
    item = window.scene.layer_items[layer]
    return window.view.mapFromScene(item.node_position(k))


def hover(window, qtbot, pos):
    """The pointer moves onto viewport point ``pos`` (from 40 pixels below it)."""
    for point in (pos + QPoint(0, 40), pos):
        mouse(window, QEvent.Type.MouseMove, window.view.mapToScene(point), Qt.MouseButton.NoButton)


def on_screen(window, item):
    transform = item.deviceTransform(window.view.viewportTransform())
    return transform.mapRect(item.boundingRect())


def test_hovering_a_hidden_node_shows_its_map_large_beside_it(window, qtbot):
    hidden = window.scene.layer_items[1]
    qtbot.waitUntil(lambda: hidden.node_images is not None)
    zoom = window.scene.node_zoom
    hover(window, qtbot, node_point(window, 1, 0))
    qtbot.waitUntil(zoom.isVisible)
    assert zoom.image.width() == zoom.image.height() == ZOOM_GRID
    assert zoom.caption == "hidden_1 · node 0"
    shown = on_screen(window, zoom)
    assert shown.width() >= SIZE and shown.left() > node_point(window, 1, 0).x()
    # the node's own small picture, enlarged: the centres agree
    small, large = hidden.node_images[0], zoom.image
    a = QColor(small.pixel(small.width() // 2, small.height() // 2))
    b = QColor(large.pixel(large.width() // 2, large.height() // 2))
    assert max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) < 40
    first = zoom.image.copy()
    hover(window, qtbot, node_point(window, 1, 1))
    qtbot.waitUntil(lambda: zoom.caption == "hidden_1 · node 1")
    assert zoom.image != first
    hover(window, qtbot, node_point(window, 0, 0) + QPoint(-60, 0))  # the background
    qtbot.waitUntil(lambda: not zoom.isVisible())


def test_the_large_map_follows_training(window, qtbot):
    zoom = window.scene.node_zoom
    qtbot.waitUntil(lambda: window.scene.layer_items[2].node_images is not None)
    hover(window, qtbot, node_point(window, 2, 3))
    qtbot.waitUntil(zoom.isVisible)
    before = zoom.image.copy()
    train_epochs(window, qtbot, 3)
    qtbot.waitUntil(lambda: zoom.image != before)
    assert zoom.isVisible() and zoom.caption == "hidden_2 · node 3"


def test_input_nodes_and_data_off_the_plane_show_no_large_map(window, qtbot):
    zoom = window.scene.node_zoom
    hover(window, qtbot, node_point(window, 0, 0))
    qtbot.wait(150)
    assert not zoom.isVisible()
    window._on_dataset_requested({"name": "iris"})
    qtbot.waitUntil(lambda: len(window.scene.layer_items[0].shown) == 4)
    hover(window, qtbot, node_point(window, 1, 0))
    qtbot.wait(150)
    assert not zoom.isVisible()
