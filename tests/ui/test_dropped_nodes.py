"""While training, the nodes dropout took from the latest step are drawn as ghosts."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from tests.ui.gestures import train_epochs


def painted(item) -> QImage:
    rect = item.boundingRect()
    image = QImage(int(rect.width()), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.translate(-rect.left(), -rect.top())
    item.paint(painter, None)
    painter.end()
    return image


def test_dropped_nodes_follow_the_latest_training_step(window, qtbot):
    editor = window.editor
    editor.set_units(1, 16)
    assert editor.add_layer("dropout", 2)
    qtbot.waitUntil(lambda: len(window.scene.layer_items) == 5)
    train_epochs(window, qtbot, 1)
    item = window.scene.layer_items[2]
    latest = window.training.latest.dropped[1]  # the network's layers: no input
    qtbot.waitUntil(lambda: item.dropped is not None and np.array_equal(item.dropped, latest))
    assert 0 < latest.sum() < 16
    node = int(np.flatnonzero(latest)[0])
    item.hovered_node = node
    assert "dropped" in item.hover_text()
    ghosts = painted(item)
    item.set_dropped(None)
    assert painted(item) != ghosts  # drawn differently while dropped
    assert all(other.dropped is None for k, other in enumerate(window.scene.layer_items) if k != 2)


def test_no_ghosts_without_dropout_or_outside_training(window, qtbot):
    window.scene.show_dropped(())
    assert all(item.dropped is None for item in window.scene.layer_items)
    train_epochs(window, qtbot, 1)
    assert all(item.dropped is None for item in window.scene.layer_items)
