"""The views that follow training: node heat maps, evaluation, the predict box."""

import numpy as np
from gestures import train_epochs
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDockWidget, QMessageBox

from nnstudio.ui.evaluation import confusion_matrix
from nnstudio.ui.throttle import on_screen
from nnstudio.ui.weights_view import decade_ticks


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    counts = confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]), 3)
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])


def test_hidden_nodes_show_what_they_respond_to_and_follow_training(window, qtbot, monkeypatch):
    hidden = window.scene.layer_items[1]
    assert hidden.node_images is not None and len(hidden.node_images) == 4
    before = hidden.node_images[0].copy()
    assert before.width() == 24
    train_epochs(window, qtbot, 3)
    qtbot.waitUntil(lambda: hidden.node_images[0] != before, timeout=5000)
    assert window.scene.layer_items[0].node_images is None  # inputs have none
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.editor.set_dataset({"name": "iris", "params": {}})
    assert all(item.node_images is None for item in window.scene.layer_items)


def test_evaluation_scores_each_split_and_shows_the_confusion_matrix(window, qtbot):
    window.findChild(QDockWidget, "Evaluation").raise_()
    train_epochs(window, qtbot, 5)
    panel = window.evaluation
    qtbot.waitUntil(lambda: "test:" in panel.scores.text(), timeout=5000)
    train_accuracy = float(panel.scores.text().split("train: ")[1].split("%")[0])
    assert train_accuracy > 60
    assert panel.matrix.counts.sum() == window.training.live.parts.test.n_samples
    assert panel.matrix.counts.shape == (2, 2) and "test split" in panel.matrix_title.text()


def test_a_validation_split_is_held_out_of_training_and_scored_on_its_own(window, qtbot):
    window.findChild(QDockWidget, "Evaluation").raise_()
    window.training_panel._widgets["validation_split"].setValue(0.25)
    train_epochs(window, qtbot, 2)
    parts, trainer = window.training.live.parts, window.training.live.trainer
    assert parts.validation.n_samples == round(0.25 * 0.8 * 400)  # a share of what test leaves
    assert trainer.recipe.X.shape[0] == parts.train.n_samples  # not trained on
    assert "val_loss" in window.training.latest.metrics
    qtbot.waitUntil(lambda: "validation:" in window.evaluation.scores.text(), timeout=5000)
    assert f"({parts.validation.n_samples:,} samples)" in window.evaluation.scores.text()


def test_the_predict_box_answers_typed_inputs_and_explains_bad_ones(window, qtbot):
    panel = window.evaluation
    window.findChild(QDockWidget, "Evaluation").raise_()
    train_epochs(window, qtbot, 20)
    qtbot.keyClicks(panel.input, "0, 0")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)
    assert "→ class" in panel.output.text()
    centre = float(panel.output.text().split()[1].rstrip(","))
    panel.input.clear()
    qtbot.keyClicks(panel.input, "5, 5")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)
    far = float(panel.output.text().split()[1].rstrip(","))
    assert (centre > 0.5) != (far > 0.5)  # inside vs far outside the ring
    panel.input.clear()
    qtbot.keyClicks(panel.input, "1, 2, 3")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)
    assert "takes 2 features" in panel.output.text()
    panel.input.clear()
    qtbot.keyClicks(panel.input, "one, two")
    qtbot.keyClick(panel.input, Qt.Key.Key_Return)
    assert "numbers" in panel.output.text()


def test_decade_ticks_label_powers_of_ten_and_stay_few():
    assert decade_ticks(-3.4, -0.6) == [(-3, "10⁻³"), (-2, "10⁻²"), (-1, "10⁻¹")]
    ticks = decade_ticks(-11.2, -1.5)  # ten decades on a small plot
    assert len(ticks) <= 4 and ticks[0] == (-11, "10⁻¹¹")
    assert {b - a for (a, _), (b, _) in zip(ticks, ticks[1:])} == {3}
    assert decade_ticks(0.2, 2.0) == [(1, "10¹"), (2, "10²")]


def test_weights_view_shows_histograms_gradients_and_digit_tiles(window, qtbot):
    window.editor.set_dataset({"name": "digits", "params": {}})
    window.editor.set_units(1, 16)
    window.findChild(QDockWidget, "Weights").raise_()
    view = window.weights_view
    # 16 units: 16 pictures of 8×8 pixels, each drawn at least 48 pixels a side (the
    # throttled view still draws the last edit)
    qtbot.waitUntil(lambda: view.tile_grid.count == 16, timeout=5000)
    assert view.tiles.isVisible()
    assert view.tile_grid.pixels == (8, 8) and view.tile_grid.tile.width() >= 48
    assert len(view._curves) == 3
    train_epochs(window, qtbot, 1)
    qtbot.waitUntil(
        lambda: view.gradient_curve.yData is not None and len(view.gradient_curve.yData) == 3,
        timeout=5000,
    )
    rms = np.array(view.frame.snapshot.gradient_rms)
    assert np.all(rms > 0) and np.allclose(10**view.gradient_curve.yData, rms)
    low, high = view.gradients.getViewBox().viewRange()[1]
    assert low < np.log10(rms).min() <= np.log10(rms).max() < high
    window.training.shutdown()
    assert window.editor.set_dataset({"name": "circle", "params": {}})
    qtbot.waitUntil(lambda: on_screen(window.boundary_plot), timeout=5000)  # 2-D: in front
    assert not on_screen(view)
    window.findChild(QDockWidget, "Weights").raise_()
    qtbot.waitUntil(lambda: not view.tiles.isVisible(), timeout=5000)  # no image data


def _point_on_connection(window, pair=0, source=0, target=0, t=0.3):
    item = window.scene.connection_items[pair]
    a, b = item.source.node_position(source), item.target.node_position(target)
    scene_point = a + (b - a) * t
    return item, window.view.mapFromScene(scene_point)


def _hover(window, qtbot, pos):
    viewport = window.view.viewport()
    qtbot.mouseMove(viewport, pos + QPoint(0, 40))  # a move, wherever the pointer was
    qtbot.mouseMove(viewport, pos)


def test_hovered_weight_follows_training_in_the_inspector(window, qtbot):
    item, pos = _point_on_connection(window)
    _hover(window, qtbot, pos)
    qtbot.waitUntil(lambda: item.hovered is not None, timeout=3000)
    i, j = item.hovered
    train_epochs(window, qtbot, 2)
    value = float(window.project.document.weights()[0][0][i, j])
    qtbot.waitUntil(lambda: f"{value:+.4f}" in window.inspector.hovered.text(), timeout=5000)
    assert f"input[{i}] → hidden_1[{j}]" in window.inspector.hovered.text()


def test_double_click_edits_a_weight_while_paused_and_training_goes_on_from_it(
    window, qtbot, monkeypatch
):
    from PySide6.QtWidgets import QInputDialog

    train_epochs(window, qtbot, 1)
    item, pos = _point_on_connection(window)
    _hover(window, qtbot, pos)
    qtbot.waitUntil(lambda: item.hovered is not None, timeout=3000)
    i, j = item.hovered
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (2.5, True))
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.project.document.weights()[0][0][i, j] == np.float32(2.5)
    qtbot.waitUntil(
        lambda: window.training.latest.weights[0][0][i, j] == np.float32(2.5), timeout=5000
    )  # the paused run took the edit and reported it
    step = window.training.latest.step
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: window.training.latest.step == step + 1, timeout=5000)
    assert abs(window.project.document.weights()[0][0][i, j] - 2.5) < 0.1
    assert window.editor.undo_stack.undoText().startswith("Set weight input")
    trained = [w.copy() for w, _ in window.project.document.weights()]
    window.editor.undo_stack.undo()  # trained since: the training is kept
    for w, w0 in zip((w for w, _ in window.project.document.weights()), trained):
        np.testing.assert_array_equal(w, w0)


def test_double_click_a_node_edits_its_bias(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    layer = window.scene.layer_items[2]
    pos = window.view.mapFromScene(layer.node_position(1))
    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (-0.75, True))
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(
        lambda: window.project.document.weights()[1][1][1] == np.float32(-0.75), timeout=3000
    )
    window.editor.undo_stack.undo()
    assert window.project.document.weights()[1][1][1] != np.float32(-0.75)


def test_weight_change_view_colours_by_change_since_turned_on(window, qtbot):
    window.menus.changes_action.trigger()
    assert window.scene.showing_changes
    assert not window.scene.connection_items[0]._weights.any()  # nothing changed yet
    start = [w.copy() for w, _ in window.project.document.weights()]
    train_epochs(window, qtbot, 2)
    shown = window.scene.connection_items[0]._weights
    np.testing.assert_allclose(shown, window.project.document.weights()[0][0] - start[0], atol=1e-6)
    assert np.abs(shown).max() > 0
    assert "change of weight" in window.scene.connection_items[0].value_label
    window.menus.changes_action.trigger()
    np.testing.assert_array_equal(
        window.scene.connection_items[0]._weights, window.project.document.weights()[0][0]
    )


def test_test_points_show_on_request_behind_the_boundary(window, qtbot):
    from nnstudio.model.training import prepare_data

    plot = window.boundary_plot
    assert not plot.test_points.isVisible()
    qtbot.mouseClick(plot.show_test, Qt.MouseButton.LeftButton, pos=plot.show_test.rect().center())
    assert plot.test_points.isVisible()
    parts, _ = prepare_data(window.project)
    np.testing.assert_allclose(np.c_[plot.test_points.getData()], parts.test.X)
