"""The stepper: a sample's pass stage by stage, with the numbers worked out by hand."""

import numpy as np
from PySide6.QtCore import Qt

from nnstudio.model.document import NetworkDocument
from nnstudio.model.project import Project
from nnstudio.ui.stepper_text import number


def _xor_221(window):
    doc = NetworkDocument(
        inputs=2, outputs=1, hidden=((2, "sigmoid"),), output_activation="sigmoid"
    )
    project = Project(document=doc, dataset={"name": "xor_table", "params": {}})
    project.training = {"optimizer": "sgd", "lr": 0.5, "loss_reduction": "mean"}
    project.document.loss = "mse"
    window.set_project(project, None)


def _shown_stepper(window, qtbot):
    """The 2-2-1 XOR project with the Stepper tab in front, its first trace done."""
    _xor_221(window)
    window.stepper.parentWidget().raise_()
    qtbot.waitUntil(lambda: window.stepper.traced is not None, timeout=5000)
    return window.stepper


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_the_stepper_writes_out_a_2_2_1_pass_with_the_real_numbers(window, qtbot):
    stepper = _shown_stepper(window, qtbot)
    stepper.sample.setValue(2)
    (W1, b1), (W2, b2) = (
        (w.astype(float), b.astype(float)) for w, b in window.project.document.weights()
    )
    x = stepper.frame.parts.train.X[1].astype(float)
    y = float(stepper.frame.parts.train.y[1])
    z1 = x @ W1 + b1
    a1 = _sigmoid(z1)
    a2 = _sigmoid(a1 @ W2 + b2)
    delta2 = 2 * (a2 - y) * a2 * (1 - a2)
    dW2 = np.outer(a1, delta2)

    assert "Forward: hidden_1" in stepper.text.toPlainText()
    text = stepper.text.toPlainText()
    assert f"= {number(z1[0])}; a1 = sigmoid({number(z1[0])}) = {number(a1[0])}" in text
    for _ in range(2):  # forward through the output, then the loss
        qtbot.mouseClick(stepper.forward, Qt.MouseButton.LeftButton)
    assert f"L = {number((a2[0] - y) ** 2)}" in stepper.text.toPlainText()
    qtbot.mouseClick(stepper.forward, Qt.MouseButton.LeftButton)
    text = stepper.text.toPlainText()
    assert "Backward: output" in text and window.scene.layer_items[2].isSelected()
    assert f"= {number(delta2[0])}" in text
    assert f"= {number(dW2[0, 0])}" in text
    while stepper.forward.isEnabled():
        qtbot.mouseClick(stepper.forward, Qt.MouseButton.LeftButton)
    text = stepper.text.toPlainText()
    assert "Update" in text and stepper.where.text() == "stage 6 of 6"
    assert f"Δw = {number(-0.5 * dW2[0, 0])}" in text  # sgd at lr 0.5


def test_the_canvas_writes_each_nodes_numbers_beside_it_while_stepping(window, qtbot):
    """z and a beside each node of the layer going forward, δ going back; gone when the
    Stepper's tab is left or the network is edited."""
    stepper = _shown_stepper(window, qtbot)
    scene = window.scene
    (W1, b1), _ = ((w.astype(float), b.astype(float)) for w, b in window.project.document.weights())
    x = stepper.frame.parts.train.X[0].astype(float)
    z1 = x @ W1 + b1
    texts = [tag.text for tag in scene.value_tags]
    assert texts == [f"z = {number(z)}\na = {number(_sigmoid(z))}" for z in z1]
    first = scene.value_tags[0].sceneBoundingRect()
    node = scene.layer_items[1].node_position(0)
    assert first.left() > node.x() and first.top() < node.y() < first.bottom()  # beside it
    for _ in range(3):  # hidden_1 → output → loss → backward through the output
        qtbot.mouseClick(stepper.forward, Qt.MouseButton.LeftButton)
    assert [t.text[:4] for t in scene.value_tags] == ["δ = "]
    window.weights_dock.raise_()
    qtbot.waitUntil(lambda: scene.value_tags == [])
    stepper.parentWidget().raise_()
    qtbot.waitUntil(lambda: len(scene.value_tags) == 1)
    old = scene.value_tags[0]
    window.editor.set_units(1, 3)  # another network: its own numbers
    assert old.scene() is None
    while stepper.back.isEnabled():
        qtbot.mouseClick(stepper.back, Qt.MouseButton.LeftButton)
    assert len(scene.value_tags) == 3


def test_the_stepper_follows_training(window, qtbot):
    stepper = _shown_stepper(window, qtbot)
    window.scene.select_layer(0)
    before = stepper.text.toPlainText()
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: stepper.text.toPlainText() != before, timeout=10_000)
    assert window.scene.layer_items[0].isSelected()  # a new frame leaves the selection


def test_a_stepper_behind_another_tab_waits_until_it_is_shown(window, qtbot):
    """Frames do not trace the sample while another tab hides the stepper (a CNN's
    trace costs the training process time); bringing it to the front traces it."""
    stepper = _shown_stepper(window, qtbot)
    window.weights_dock.raise_()
    qtbot.waitUntil(lambda: stepper.parentWidget().visibleRegion().isEmpty())
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: stepper.traced is None, timeout=10_000)
    stepper.parentWidget().raise_()
    qtbot.waitUntil(lambda: stepper.traced is not None, timeout=5000)


def test_the_update_says_when_the_optimizer_remembers_past_gradients(window, qtbot):
    """Adam's next change depends on its running averages, which the stepper's
    optimizer starts without: the Update stage says so; plain SGD's needs no caveat."""
    stepper = _shown_stepper(window, qtbot)

    def update_text():
        while stepper.forward.isEnabled():
            qtbot.mouseClick(stepper.forward, Qt.MouseButton.LeftButton)
        return stepper.text.toPlainText()

    assert "remembers past gradients" not in update_text()
    window.training_panel.optimizer.setCurrentText("adam")
    qtbot.waitUntil(lambda: window.project.training.get("optimizer") == "adam")
    assert "adam remembers past gradients (running averages)" in update_text()


def test_a_point_clicked_on_the_plane_is_the_sample_the_stepper_follows(window, qtbot):
    from PySide6.QtCore import QPointF

    stepper = _shown_stepper(window, qtbot)
    window.resize(1366, 768)
    window.boundary_dock.raise_()
    plot = window.boundary_plot
    qtbot.waitUntil(lambda: plot.isVisible() and plot.width() > 100)
    train = stepper.frame.parts.train
    for k in (2, 0):
        scene_point = plot.getViewBox().mapViewToScene(QPointF(*train.X[k]))
        qtbot.mouseClick(
            plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene_point)
        )
        qtbot.waitUntil(lambda k=k: stepper.sample.value() == k + 1)
    assert window.boundary_dock.visibleRegion().isEmpty() is False  # the plane stays
    assert window.project.dataset["name"] == "xor_table"  # nothing drawn


def test_a_training_row_double_clicked_in_the_data_tab_is_followed(window, qtbot):
    stepper = _shown_stepper(window, qtbot)
    window.findChild(type(window.stepper_dock), "Data").raise_()
    table = window.data_table
    qtbot.waitUntil(lambda: table.model.rowCount() > 0)
    view = table.view
    row_rect = view.visualRect(view.model().index(3, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row_rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row_rect.center())
    qtbot.waitUntil(lambda: stepper.sample.value() == 4)
    qtbot.waitUntil(lambda: not window.stepper_dock.visibleRegion().isEmpty())
