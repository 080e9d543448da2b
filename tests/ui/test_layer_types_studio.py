"""Layer types in the studio, as a user meets them: the palette lists the registry's
types, a convolutional network is built by drag and drop on 8×8 digits, its shapes and
parameter formulas show on the canvas, the inspector edits each type's options (with
undo), and it trains with its connections following live."""

import numpy as np
import pytest
from gestures import click, double_click, drop_from_palette, drop_mime, sizes, train_epochs
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QDockWidget

from nnstudio.model.layer_types import palette_types
from nnstudio.ui.canvas.connections import ConnectionsItem, KernelLinksItem, LinkItem
from nnstudio.ui.canvas.image_items import FeatureMapsItem
from nnstudio.ui.canvas.items import subtitle_of
from nnstudio.ui.canvas.view import layer_mime


def between(window, index):
    """The canvas point where a drop inserts a layer at ``index``."""
    scene = window.scene
    return QPointF((scene.column_x(index - 1) + scene.column_x(index)) / 2, 0)


def choose_dataset(window, name):
    """Pick ``name`` in the dataset panel's list, as a user does."""
    choice = window.dataset_panel.choice
    choice.setCurrentText(name)
    choice.activated.emit(choice.currentIndex())
    assert window.project.dataset["name"] == name


def select(window, index):
    """Click layer ``index``'s title on the canvas."""
    item = window.scene.layer_items[index]
    click(window, item.mapToScene(QPointF(0, item.boundingRect().top() + 10)))
    assert window.inspector.index == index


def build_cnn(window):
    """On digits: Flatten before the first dense layer, then Conv2D before it, then
    MaxPool2D between the two."""
    choose_dataset(window, "digits")
    drop_from_palette(window, "flatten", between(window, 1))
    drop_from_palette(window, "conv2d", between(window, 1))
    drop_from_palette(window, "maxpool2d", between(window, 2))
    window.view.fit()
    types = [layer.type for layer in window.project.document.layers]
    assert types == ["dense", "conv2d", "maxpool2d", "flatten", "dense", "dense", "dense"]


@pytest.fixture
def cnn(window):
    build_cnn(window)
    return window


def enter(qtbot, spin, text):
    """Type ``text`` into a spin box and press Return."""
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def test_the_palette_lists_each_layer_type_with_an_icon_and_its_description(window):
    palette = window.palette
    names = [info.name for info in palette_types()]
    assert palette.type_names() == names
    assert names[:6] == ["dense", "conv2d", "maxpool2d", "avgpool2d", "flatten", "dropout"]
    assert "input" not in names and "output" not in names
    for row, info in enumerate(palette_types()):
        item = palette.item(row)
        assert item.text() == info.title and info.description in item.toolTip()
        assert not item.icon().isNull()
    icons = [palette.item(row).icon().pixmap(28).toImage() for row in range(6)]
    assert len({bytes(image.constBits()) for image in icons}) == 6  # all distinct
    assert bytes(palette.mimeData([palette.item(1)]).data("application/x-nnstudio-layer")) == (
        b"conv2d"
    )


def test_conv2d_dropped_on_xor_data_is_refused_with_the_documents_message(window):
    choose_dataset(window, "xor")
    before, steps = sizes(window), window.editor.undo_stack.count()
    drop_from_palette(window, "conv2d", between(window, 1))
    assert sizes(window) == before and window.editor.undo_stack.count() == steps
    assert "needs an image input" in window.statusBar().currentMessage()
    assert all(layer.type == "dense" for layer in window.project.document.layers)


def test_an_input_layer_dropped_from_elsewhere_is_refused(window):
    drop_mime(window, layer_mime("input"), between(window, 1))
    assert sizes(window) == [2, 4, 4, 1]
    assert "exactly one input layer" in window.statusBar().currentMessage()


def test_the_cnn_shows_its_shapes_between_layers_and_formulas_on_them(cnn):
    scene = cnn.scene
    assert scene.shape_labels() == ["8×8×1", "6×6×8", "3×3×8", "72", "4", "4"]
    image_items = [isinstance(item, FeatureMapsItem) for item in scene.layer_items]
    assert image_items == [True, True, True, False, False, False, False]
    conv, pool = scene.layer_items[1], scene.layer_items[2]
    assert len(conv.shown) == 8 and len(pool.shown) == 8  # a tile per feature map
    assert subtitle_of(scene.layer_items[0].layer, scene.layer_items[0].output_shape) == "8×8×1"
    assert conv.formula == "3×3×1×8 + 8 = 80" and "3×3×1×8 + 8 = 80" in conv.toolTip()
    assert scene.layer_items[4].formula == "72×4 + 4 = 292"
    links = [type(item) for item in scene.connection_items]
    assert links == [KernelLinksItem, LinkItem, LinkItem] + [ConnectionsItem] * 3
    assert [item.pair for item in scene.connection_items if hasattr(item, "pair")] == [
        0,
        1,
        2,
        3,
    ]
    assert len(scene.connection_items[0]._lines) == 8  # one input channel, 8 filters


def test_the_inspector_edits_a_convolutions_options_with_undo(cnn, qtbot):
    inspector, doc = cnn.inspector, cnn.project.document
    select(cnn, 1)
    assert inspector.hint.text() == "<b>Conv2D layer</b>"
    assert inspector.units_label.text() == "Filters" and inspector.units.value() == 8
    assert list(inspector.options) == ["kernel_size", "stride", "padding", "use_bias"]
    assert inspector.form.labelForField(inspector.options["kernel_size"]).text() == "Kernel size"
    assert all(editor.toolTip() for editor in inspector.options.values())
    assert inspector.output_shape.text() == "6×6×8"
    assert inspector.parameters.text() == "3×3×1×8 + 8 = 80"

    enter(qtbot, inspector.options["kernel_size"], "5")
    assert doc[1].option("kernel_size") == 5
    assert cnn.scene.shape_labels()[1:4] == ["4×4×8", "2×2×8", "32"]
    assert inspector.output_shape.text() == "4×4×8"
    assert inspector.parameters.text() == "5×5×1×8 + 8 = 208"

    padding = inspector.options["padding"]
    padding.setFocus()
    qtbot.keyClick(padding, Qt.Key.Key_Down)  # valid → same
    assert doc[1].option("padding") == "same"
    assert cnn.scene.shape_labels()[1:4] == ["8×8×8", "4×4×8", "128"]

    cnn.editor.undo_stack.undo()
    assert doc[1].option("padding") == "valid" and padding.currentText() == "valid"
    assert cnn.scene.shape_labels()[1] == "4×4×8"
    cnn.editor.undo_stack.undo()
    assert inspector.options["kernel_size"].value() == 3
    assert cnn.scene.shape_labels()[1] == "6×6×8"

    enter(qtbot, inspector.options["kernel_size"], "9")  # larger than the 8×8 image
    assert "larger than its 8×8×1 input" in cnn.statusBar().currentMessage()
    assert doc[1].option("kernel_size") == 3 and inspector.options["kernel_size"].value() == 3

    bias = inspector.options["use_bias"]
    qtbot.mouseClick(bias, Qt.MouseButton.LeftButton, pos=QPoint(8, bias.height() // 2))
    assert doc[1].option("use_bias") is False
    assert inspector.parameters.text() == "3×3×1×8 = 72"


def test_the_inspector_shows_only_what_a_type_has(cnn, qtbot):
    inspector = cnn.inspector
    select(cnn, 3)  # flatten: no size, no activation, no options
    assert inspector.hint.text() == "<b>Flatten layer</b>"
    assert not inspector.units.isVisible() and not inspector.activation.isVisible()
    assert inspector.options == {} and inspector.parameters.text() == "none"
    assert inspector.output_shape.text() == "72"
    select(cnn, 2)
    assert list(inspector.options) == ["pool_size", "stride"]
    assert inspector.form.labelForField(inspector.options["pool_size"]).text() == "Pool size"
    select(cnn, 4)
    assert inspector.units.isVisible() and inspector.units_label.text() == "Nodes"
    assert inspector.activation.isVisible()


def test_a_dropout_rate_is_set_in_steps_of_5_percent(cnn, qtbot):
    drop_from_palette(cnn, "dropout", between(cnn, 4))
    select(cnn, 4)
    rate = cnn.inspector.options["rate"]
    assert cnn.inspector.form.labelForField(rate).text() == "Dropout rate"
    assert (rate.minimum(), rate.maximum(), rate.singleStep()) == (0.0, 0.95, 0.05)
    rate.setFocus()
    qtbot.keyClick(rate, Qt.Key.Key_Down)
    assert cnn.project.document[4].option("rate") == pytest.approx(0.45)
    assert isinstance(cnn.scene.connection_items[3], LinkItem)  # flatten → dropout


def test_a_cnn_trains_and_its_kernels_and_biases_follow_live(cnn, qtbot):
    cnn.findChild(QDockWidget, "Weights").raise_()
    train_epochs(cnn, qtbot, 2)
    doc, scene = cnn.project.document, cnn.scene
    qtbot.waitUntil(lambda: doc.explicit_weights() is not None, timeout=5000)
    kernels, biases = doc.weights()[0]
    qtbot.waitUntil(
        lambda: np.allclose(scene.connection_items[0]._weights, kernels.mean(axis=(0, 1))),
        timeout=5000,
    )
    np.testing.assert_allclose(scene.layer_items[1].biases, biases)
    dense = scene.connection_items[4]  # hidden_1 → hidden_2: the third pair
    np.testing.assert_allclose(dense._weights, doc.weights()[2][0])
    assert cnn.weights_view.tiles.isHidden()  # no dense weights on the pixels to draw
    assert cnn.training.latest.metrics["accuracy"] > 0.1


def test_a_feature_maps_bias_is_edited_by_double_click(cnn, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (0.75, True))
    conv = cnn.scene.layer_items[1]
    double_click(cnn, conv.node_position(2))
    qtbot.waitUntil(lambda: cnn.project.document.weights()[0][1][2] == np.float32(0.75))
    assert cnn.editor.undo_stack.undoText() == "Set bias of conv2d_1[2] to 0.75"


def test_a_weight_after_the_image_layers_is_edited_by_double_click(cnn, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (0.75, True))
    lines = cnn.scene.connection_items[4]  # hidden_1 → hidden_2: the third weight pair
    middle = (lines.source.node_position(1) + lines.target.node_position(3)) / 2
    cnn.view.resetTransform()  # at zoom 1, a pixel is a point of the scene
    cnn.view.centerOn(middle)
    point = cnn.view.mapToScene(cnn.view.mapFromScene(middle))  # where the pixel is
    i, j = lines.connection_at(point)
    double_click(cnn, point)
    assert cnn.project.document.weights()[2][0][i, j] == np.float32(0.75)
    assert cnn.editor.undo_stack.undoText() == f"Set weight hidden_1[{i}] → hidden_2[{j}] to 0.75"
