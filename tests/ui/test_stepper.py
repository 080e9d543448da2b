"""The stepper: a sample's pass stage by stage, with the numbers worked out by hand."""

import numpy as np
from PySide6.QtCore import QPointF, Qt

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


def _click_point(qtbot, plot, xy, double=False):
    """Click (or double-click: click, press again, release) the plane where the point
    ``xy`` is drawn."""
    pos = plot.mapFromScene(plot.getViewBox().mapViewToScene(QPointF(*xy)))
    left = Qt.MouseButton.LeftButton
    qtbot.mouseClick(plot.viewport(), left, pos=pos)
    if double:  # QTest's double-click leaves out the release a real one ends with
        qtbot.mouseDClick(plot.viewport(), left, pos=pos)
        qtbot.mouseRelease(plot.viewport(), left, pos=pos)


def test_a_click_on_a_training_point_picks_it_unless_drawing(window, qtbot):
    stepper = _shown_stepper(window, qtbot)
    window.resize(1366, 768)
    window.boundary_dock.raise_()
    plot = window.boundary_plot
    qtbot.waitUntil(lambda: plot.isVisible() and plot.width() > 100)
    train = stepper.frame.parts.train.X
    _click_point(qtbot, plot, train[2])
    assert stepper.sample.value() == 3 and plot.marked.getData()[0].tolist() == [train[2][0]]
    assert "sample 3" in window.statusBar().currentMessage()
    assert window.stepper_dock.visibleRegion().isEmpty()  # a click leaves it behind
    _click_point(qtbot, plot, train[1], double=True)  # double-click: the stepper opens
    assert stepper.sample.value() == 2
    qtbot.waitUntil(lambda: stepper.traced is not None)
    assert stepper.inputs.text().startswith(f"x = ({number(train[1][0])}, {number(train[1][1])})")
    window.boundary_dock.raise_()
    qtbot.mouseClick(plot.draw, Qt.MouseButton.LeftButton)
    with qtbot.assertNotEmitted(plot.sigPicked):
        _click_point(qtbot, plot, train[3])  # drawing: the click draws a point
    assert window.project.dataset["name"] == "drawn"


def test_a_training_row_of_the_data_table_picks_its_sample(window, qtbot):
    window.resize(1366, 768)
    window.findChild(type(window.boundary_dock), "Data").raise_()
    table = window.data_table
    qtbot.waitUntil(lambda: table.model.rowCount() > 0, timeout=5000)
    model = table.view.model()
    splits = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    train_row, test_row = splits.index("train") + 4, splits.index("test")

    def click_row(row):
        index = model.index(row, 1)
        table.view.scrollTo(index)
        centre = table.view.visualRect(index).center()
        qtbot.mouseClick(table.view.viewport(), Qt.MouseButton.LeftButton, pos=centre)

    click_row(train_row)
    assert window.stepper.sample.value() == train_row + 1
    click_row(test_row)  # a test sample: the stepper keeps its own
    assert window.stepper.sample.value() == train_row + 1
    assert not table.step_through.isEnabled()
    click_row(train_row + 1)
    table.step_through.trigger()  # (its context menu's action)
    qtbot.waitUntil(lambda: window.stepper.traced is not None)
    assert window.stepper.sample.value() == train_row + 2


def test_the_update_of_a_stateful_optimizer_says_it_is_a_first_step(window, qtbot):
    stepper = _shown_stepper(window, qtbot)
    while stepper.forward.isEnabled():
        qtbot.mouseClick(stepper.forward, Qt.MouseButton.LeftButton)
    assert "first step" not in stepper.text.toPlainText()  # plain sgd: the same each step
    window.training_panel.optimizer.setCurrentText("adam")
    qtbot.waitUntil(lambda: "first step" in stepper.text.toPlainText())
    assert "running averages" in stepper.text.toPlainText()
