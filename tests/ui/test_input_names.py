"""Input nodes show what they are: the data's features (x₁, x₂, iris's measurements, a
pixel's position)."""

import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from nnstudio.ui.canvas.items import COLUMN_WIDTH, feature_label
from tests.ui.gestures import mouse


@pytest.mark.parametrize(
    "name, label",
    [("x1", "x₁"), ("x2", "x₂"), ("x10", "x₁₀"), ("pixel_3_14", "pixel (3, 14)")],
)
def test_feature_names_read_as_a_person_writes_them(name, label):
    assert feature_label(name) == label


def test_other_feature_names_are_kept_as_they_are():
    assert feature_label("petal length (cm)") == "petal length (cm)"


def left_of_nodes(item) -> QImage:
    """The input column's left half, as painted."""
    rect = item.boundingRect()
    image = QImage(int(COLUMN_WIDTH / 2), int(rect.height()), QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.translate(COLUMN_WIDTH / 2, -rect.top())
    item.paint(painter, None)
    painter.end()
    return image.copy(0, 0, int(COLUMN_WIDTH / 2 - item.radius - 2), image.height())


def test_the_input_nodes_of_the_plane_are_x1_and_x2(window, qtbot):
    item = window.scene.layer_items[0]
    assert item.names == ("x₁", "x₂")
    named = left_of_nodes(item)
    item.set_names(())
    assert left_of_nodes(item) != named  # the names are drawn beside the nodes
    item.set_names(("x1", "x2"))
    node = item.node_position(1)
    for scene_point in (node + QPointF(0, 40), node):  # the pointer moves onto the node
        mouse(window, QEvent.Type.MouseMove, scene_point, Qt.MouseButton.NoButton)
    qtbot.waitUntil(lambda: item.hovered_node == 1)
    assert "x₂" in item.toolTip()


def test_names_follow_the_data(window, qtbot):
    window._on_dataset_requested({"name": "iris"})
    qtbot.waitUntil(lambda: window.scene.layer_items[0].count == 4)
    names = window.scene.layer_items[0].names
    assert names == window.project.load_dataset().feature_names
    window._on_dataset_requested({"name": "digits"})
    qtbot.waitUntil(lambda: window.scene.layer_items[0].count == 64)
    item = window.scene.layer_items[0]
    item.hovered_node = 10  # row 1, column 2 of the 8×8 digits
    assert "pixel (1, 2)" in item.hover_text()


def test_a_name_per_node_or_none(window):
    item = window.scene.layer_items[0]
    item.set_names(("only one",))
    assert item.names == ()
    assert isinstance(item.boundingRect(), QRectF)
