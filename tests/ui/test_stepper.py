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


def test_the_stepper_follows_training(window, qtbot):
    stepper = _shown_stepper(window, qtbot)
    window.scene.select_layer(0)
    before = stepper.text.toPlainText()
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: stepper.text.toPlainText() != before, timeout=10_000)
    assert window.scene.layer_items[0].isSelected()  # a new frame leaves the selection


def test_the_canvas_shows_the_stage_numbers_beside_each_node(window, qtbot):
    stepper = _shown_stepper(window, qtbot)
    traced, scene = stepper.traced, window.scene
    z, a = traced.layers[0].pre_activations[0], traced.layers[0].outputs[0]
    marks = scene.step_marks
    assert marks.parentItem() is scene.layer_items[1]  # the layer computed is outlined
    assert marks.labels == tuple(f"z {number(zj)} · a {number(aj)}" for zj, aj in zip(z, a))
    for _ in range(3):  # the output forward, the loss, the output backward
        qtbot.mouseClick(stepper.forward, Qt.MouseButton.LeftButton)
    delta = traced.layers[1].deltas[0]
    assert scene.step_marks.parentItem() is scene.layer_items[2]
    assert scene.step_marks.labels == (f"δ {number(delta[0])}",)
    connections = scene.connection_items[1]
    connections.hovered = (1, 0)
    grad = traced.layers[1].weight_gradient[1, 0]
    assert f"∂L/∂w = x·δ = {number(a[1])}·" in connections.hover_text()
    assert f"= {number(grad)}" in connections.hover_text()
    while stepper.forward.isEnabled():  # the update: Δw on every connection
        qtbot.mouseClick(stepper.forward, Qt.MouseButton.LeftButton)
    assert scene.step_marks is None
    assert f"Δw = {number(-0.5 * grad)}" in connections.hover_text()  # sgd at lr 0.5
    window.boundary_dock.raise_()  # the stepper's tab left: the canvas is as before
    qtbot.waitUntil(lambda: scene.step_marks is None)
    assert "∂L/∂w" not in connections.hover_text()
    window.stepper.parentWidget().raise_()  # back: the stage's numbers again
    qtbot.waitUntil(lambda: "Δw" in connections.hover_text())


def test_an_edit_takes_the_marks_and_a_big_layer_gets_none_per_node(window, qtbot):
    stepper = _shown_stepper(window, qtbot)
    window.editor.set_units(1, 3)
    qtbot.waitUntil(lambda: len(stepper.traced.layers[0].outputs[0]) == 3)
    a = stepper.traced.layers[0].outputs[0]
    assert [label.split("a ")[-1] for label in window.scene.step_marks.labels] == [
        number(v) for v in a
    ]
    window.editor.set_units(1, 40)
    qtbot.waitUntil(lambda: len(stepper.traced.layers[0].outputs[0]) == 40)
    marks = window.scene.step_marks
    assert marks.parentItem() is window.scene.layer_items[1]
    assert marks.labels == () and "Stepper panel" in marks.caption
