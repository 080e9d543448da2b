"""In the studio, Rosenblatt's single neuron: its line separates AND, and keeps moving on
XOR, which no line separates (the tutorials' point)."""

import numpy as np
from gestures import train_epochs


def single_step_neuron(window, qtbot, dataset: str) -> None:
    """As a user sets it up: the truth table, no hidden layer, a step output neuron
    (chosen in the inspector), the perceptron rule one example at a time."""
    window.editor.set_dataset({"name": dataset, "params": {}})
    while len(window.project.document) > 2:
        window.editor.remove_layer(1)
    output = len(window.project.document) - 1
    window.scene.select_layer(output)
    combo = window.inspector.activation
    combo.setCurrentIndex(combo.findText("step"))
    combo.activated.emit(combo.currentIndex())  # what a user's pick sends
    assert window.project.document[output].activation == "step"
    panel = window.training_panel
    panel.more.expand(animate=False)
    settings = panel._widgets
    settings["optimizer"].setCurrentText("perceptron")
    settings["lr"].setValue(1.0)
    settings["batch_size"].setValue(1)


def drawn_latest(window, qtbot) -> None:
    """Wait until the data views (the boundary among them) show the latest snapshot."""
    training = window.training
    qtbot.waitUntil(lambda: training._drawn["data views"] is training.latest, timeout=5000)


def test_the_perceptron_separates_and_then_its_line_stays(window, qtbot):
    single_step_neuron(window, qtbot, "and")
    train_epochs(window, qtbot, 12)
    assert window.training.latest.metrics["accuracy"] == 1.0
    drawn_latest(window, qtbot)
    line = window.boundary_plot.image.image.copy()
    train_epochs(window, qtbot, 13, start=13)
    drawn_latest(window, qtbot)
    np.testing.assert_array_equal(window.boundary_plot.image.image, line)


def test_on_xor_the_line_never_settles(window, qtbot):
    single_step_neuron(window, qtbot, "xor_table")
    pictures = []
    for epoch in range(1, 9):
        train_epochs(window, qtbot, epoch, start=epoch)
        assert window.training.latest.metrics["accuracy"] <= 0.75
        drawn_latest(window, qtbot)
        pictures.append(window.boundary_plot.image.image.copy())
    changed = [not np.array_equal(a, b) for a, b in zip(pictures, pictures[1:])]
    assert sum(changed) >= 4  # it keeps moving
