"""Runs in the studio, as a user works with them: nothing trained is lost (save,
reopen, edits, undo), runs are compared and rewound, and every new run starts with
clean views."""

import os

import numpy as np
import pytest
from gestures import drawn
from PySide6.QtCore import Qt

from nnstudio.engine.network import Network
from nnstudio.io.project import load_project
from nnstudio.model.series import smoothed, thinned
from nnstudio.ui.main_window import MainWindow
from nnstudio.ui.plots import SMOOTHED_POINTS


def train_steps(window, qtbot, steps: int = 200) -> None:
    """Press Play, let it train at least ``steps`` steps, press Pause."""
    qtbot.mouseClick(window.training_panel.play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            window.training.session.run is not None and window.training.session.run.step >= steps
        ),
        timeout=20_000,
    )
    qtbot.mouseClick(window.training_panel.pause, Qt.MouseButton.LeftButton)
    run = window.training.session.run
    qtbot.waitUntil(lambda: run.status == "paused", timeout=10_000)


def predictions(project) -> np.ndarray:
    doc = project.document
    net = Network.from_spec(doc.spec())
    net.set_weights(doc.weights())
    grid = np.random.default_rng(0).normal(size=(50, doc.sizes[0]))
    return net.predict(grid)


def test_save_and_reopen_a_trained_project_keeps_weights_runs_curves_and_counters(
    window, qtbot, tmp_path, monkeypatch
):
    train_steps(window, qtbot)
    assert window.isWindowModified()  # training changed the project
    before = predictions(window.project)
    run = window.project.runs[-1]
    counters = window.training_panel.counters.text()
    path = tmp_path / "trained.nnsp"
    assert window.files.save_to(path) and not window.isWindowModified()
    window.training.shutdown()
    again = MainWindow(load_project(path), path)
    qtbot.addWidget(again)
    assert np.array_equal(predictions(again.project), before)  # bit for bit
    reopened = again.project.runs[-1]
    assert (reopened.name, reopened.step, reopened.epoch) == (run.name, run.step, run.epoch)
    np.testing.assert_array_equal(drawn(again.loss_plot.train)[1], run.steps.data()[1])
    assert again.training_panel.counters.text().split("\n")[1] == counters.split("\n")[1]
    assert (
        again.runs_panel.selected_runs() == [] and again.runs_panel.table.topLevelItemCount() == 1
    )
    again.training.shutdown()


def test_closing_after_training_asks_to_save(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    train_steps(window, qtbot, 20)
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda *a, **k: asked.append(a[1]) or QMessageBox.StandardButton.Cancel,
    )
    assert not window.files.maybe_save() and asked == ["Unsaved changes"]


def test_undoing_a_rename_or_an_activation_change_keeps_the_trained_weights(window, qtbot):
    train_steps(window, qtbot)
    trained = [w.copy() for w, _ in window.project.document.weights()]
    window.editor.rename(1, "first")
    window.editor.set_activation(1, "relu")
    for _ in range(2):
        window.editor.undo_stack.undo()
    assert window.project.document[1].name == "hidden_1"
    for (w, _), expected in zip(window.project.document.weights(), trained):
        np.testing.assert_array_equal(w, expected)


def test_adding_a_node_keeps_the_trained_weights_and_undo_restores_them_exactly(window, qtbot):
    train_steps(window, qtbot)
    trained = window.project.document.weights()
    window.editor.change_units(1, +1)
    grown = window.project.document.weights()
    np.testing.assert_array_equal(grown[0][0][:, :4], trained[0][0])
    np.testing.assert_array_equal(grown[1][0][:4], trained[1][0])
    np.testing.assert_array_equal(grown[2][0], trained[2][0])  # the next pair: untouched
    window.editor.undo_stack.undo()
    for (w, b), (w0, b0) in zip(window.project.document.weights(), trained):
        np.testing.assert_array_equal(w, w0)  # exactly the weights that were there
        np.testing.assert_array_equal(b, b0)


def test_a_settings_change_is_an_undoable_edit_that_marks_the_project(window, qtbot):
    panel = window.training_panel
    panel.optimizer.setCurrentText("sgd")
    assert window.project.training["optimizer"] == "sgd" and window.isWindowModified()
    assert window.editor.undo_stack.undoText() == "Change optimizer"
    window.editor.undo_stack.undo()
    assert panel.optimizer.currentText() == "adam" and not window.isWindowModified()


def test_a_new_seed_draws_new_weights_and_undo_brings_the_trained_ones_back(window, qtbot):
    train_steps(window, qtbot)
    trained = window.project.document.weights()
    window.training_panel.seed.setValue(7)
    assert not np.array_equal(window.project.document.weights()[0][0], trained[0][0])
    window.editor.undo_stack.undo()
    assert window.training_panel.seed.value() == 0
    np.testing.assert_array_equal(window.project.document.weights()[0][0], trained[0][0])


def test_a_new_run_starts_with_clean_curves(window, qtbot):
    train_steps(window, qtbot)
    first = window.project.runs[-1]
    window.editor.change_units(1, +1)  # ends the run
    qtbot.mouseClick(window.training_panel.step, Qt.MouseButton.LeftButton)
    second = window.training.session.run
    qtbot.waitUntil(lambda: second.step > first.step, timeout=10_000)
    assert second is not first and second.parent == (first.id, first.step)
    steps, _ = drawn(window.loss_plot.train)
    assert steps.min() > first.step  # no point of the first run, no line back to step 0


def test_reset_redraws_every_view_from_the_initial_weights(window, qtbot):
    train_steps(window, qtbot)
    trained = window.boundary_plot.image.image.copy()
    qtbot.mouseClick(window.training_panel.reset, Qt.MouseButton.LeftButton)
    assert not np.array_equal(window.boundary_plot.image.image, trained)
    shown = window.boundary_plot._net.get_weights()
    for (w, b), (w0, b0) in zip(shown, window.project.document.initial_weights()):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(b, b0)
    assert window.training_panel.counters.text().startswith("epoch 0 · step 0")
    assert len(drawn(window.loss_plot.train)[0]) == 0


def test_the_inspector_follows_the_layer_when_it_is_dragged_elsewhere(window, qtbot):
    window.scene.select_layer(1)  # hidden_1
    window.editor.move_layer(1, 2)
    assert window.project.document[2].name == "hidden_1"
    assert window.inspector.index == 2 and window.inspector.name.text() == "hidden_1"
    window.inspector.units.setValue(6)
    assert window.project.document[2].units == 6 and window.project.document[1].units == 4


def test_a_refused_dataset_keeps_every_widget_on_the_data_in_use(window, monkeypatch):
    from nnstudio.ui import editor

    monkeypatch.setattr(
        editor.datasets, "load", lambda *a, **k: (_ for _ in ()).throw(editor.NNStudioError("no"))
    )
    panel = window.dataset_panel
    panel.choice.setCurrentText("spiral")
    panel.choice.activated.emit(panel.choice.currentIndex())
    assert panel.choice.currentText() == "circle" and window.project.dataset["name"] == "circle"


def test_two_runs_from_the_same_start_are_overlaid(window, qtbot):
    train_steps(window, qtbot, 60)
    first = window.project.runs[-1]
    window.training_panel.optimizer.setCurrentText("sgd")
    window.runs_panel.select_run(first)
    qtbot.mouseClick(window.runs_panel.retrain, Qt.MouseButton.LeftButton)
    second = window.training.session.run
    assert second is not first and second.settings["optimizer"] == "sgd"
    assert second.parent == (first.id, 0)  # a branch of the first run, at its start
    for (w, b), (w0, b0) in zip(second.start.weights, first.start.weights):
        np.testing.assert_array_equal(w, w0)  # the same initial weights
        np.testing.assert_array_equal(b, b0)
    qtbot.waitUntil(lambda: second.step >= 60, timeout=20_000)
    qtbot.mouseClick(window.training_panel.pause, Qt.MouseButton.LeftButton)
    window.runs_panel.table.selectAll()
    assert len(window.loss_plot.overlay_curves) == 1  # the live run is drawn as itself
    legend = window.loss_plot.plot.getPlotItem().legend
    assert first.name in {label.text for _, label in legend.items}
    # smoothed as the live run: thinned to SMOOTHED_POINTS first (a long run has more)
    _, kept = thinned(*first.steps.data(), SMOOTHED_POINTS)
    overlaid = window.loss_plot.overlay_curves[0]["loss"].yData
    np.testing.assert_allclose(overlaid, smoothed(kept, 0.6))


def test_scrubbing_back_then_branching_starts_from_that_checkpoint(window, qtbot):
    train_steps(window, qtbot, 300)
    run = window.project.runs[-1]
    panel = window.runs_panel
    panel.select_run(run)
    early = next(c for c in run.timeline() if 0 < c.step < run.step)
    panel.slider.setValue(run.timeline().index(early))
    for (w, _), (w0, _) in zip(window.project.document.weights(), early.weights):
        np.testing.assert_array_equal(w, w0)
    assert f"step {early.step:,}" in window.training_panel.counters.text()
    qtbot.mouseClick(panel.branch, Qt.MouseButton.LeftButton)
    branch = window.training.session.run
    assert branch.parent == (run.id, early.step)
    for (w, _), (w0, _) in zip(branch.start.weights, early.weights):
        np.testing.assert_array_equal(w, w0)
    qtbot.waitUntil(lambda: branch.step > early.step + 5, timeout=10_000)
    window.training.pause()


@pytest.mark.parametrize("dataset", ["digits"])
def test_the_predict_box_follows_the_network_shown(window, qtbot, dataset):
    window.editor.set_dataset({"name": dataset, "params": {}})
    evaluation = window.evaluation
    window.weights_dock.raise_()
    window.findChild(type(window.boundary_dock), "Evaluation").raise_()
    evaluation.input.setText(",".join(["1"] * 64))
    evaluation.predict_typed()
    before = evaluation.output.text()
    train_steps(window, qtbot, 100)
    qtbot.waitUntil(lambda: evaluation.output.text() != before, timeout=10_000)
    qtbot.mouseClick(window.training_panel.reset, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: evaluation.output.text() == before, timeout=10_000)


def test_a_refused_rename_puts_the_name_in_use_back_in_the_inspector(window, qtbot):
    window.scene.select_layer(1)
    inspector = window.inspector
    inspector.name.selectAll()
    qtbot.keyClicks(inspector.name, "hidden_2")  # taken by the next layer
    qtbot.keyClick(inspector.name, Qt.Key.Key_Return)
    assert "already called" in window.statusBar().currentMessage()
    assert inspector.name.text() == "hidden_1" == window.project.document[1].name


def test_opening_a_trained_project_draws_its_node_maps(window, qtbot, tmp_path):
    train_steps(window, qtbot, 50)
    path = tmp_path / "maps.nnsp"
    assert window.files.save_to(path)
    window.files.new_project()
    assert window.files.open_path(path)
    hidden = window.scene.layer_items[1:-1]
    assert hidden and all(item.node_images for item in hidden)


def test_undoing_an_edit_while_training_ends_the_run_and_draws_no_old_snapshot(window, qtbot):
    window.editor.change_units(1, +1)
    qtbot.mouseClick(window.training_panel.play, Qt.MouseButton.LeftButton)
    run = window.training.session.run
    qtbot.waitUntil(lambda: run.step > 20, timeout=10_000)
    window.menus.undo_action.trigger()  # back to 4 nodes, with training going on
    assert window.project.document.sizes == [2, 4, 4, 1]
    assert window.training.session.run is None and run.status == "stopped"
    qtbot.wait(200)  # frames: nothing of the 5-node run is drawn on the 4-node network
    assert window.training_panel.banner.isHidden()


def test_saving_while_training_writes_the_latest_weights(window, qtbot, tmp_path):
    qtbot.mouseClick(window.training_panel.play, Qt.MouseButton.LeftButton)
    run = window.training.session.run
    qtbot.waitUntil(lambda: run.step > 50, timeout=10_000)
    assert window.files.save_to(tmp_path / "live.nnsp")
    saved = load_project(tmp_path / "live.nnsp")
    latest = window.training.latest.weights
    for (w, _), (w0, _) in zip(saved.document.weights(), latest):
        np.testing.assert_array_equal(w, w0)
    window.training.shutdown()


def test_deleting_the_run_shown_clears_its_curves_and_counters(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    train_steps(window, qtbot, 50)
    window.training.invalidate()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.runs_panel.table.selectAll()
    qtbot.mouseClick(window.runs_panel.delete, Qt.MouseButton.LeftButton)
    assert len(window.project.runs) == 0 and len(drawn(window.loss_plot.train)[0]) == 0
    assert window.training_panel.counters.text().startswith("epoch 0 · step 0")


def test_undoing_learning_rate_changes_keeps_the_training_done_between_them(window, qtbot):
    panel = window.training_panel
    panel.lr.setValue(0.02)
    train_steps(window, qtbot, 100)
    panel.lr.setValue(0.03)  # merges with the first change: one undo step
    trained = window.project.document.weights()
    window.editor.undo_stack.undo()
    assert panel.lr.value() == pytest.approx(0.01)
    for (w, _), (w0, _) in zip(window.project.document.weights(), trained):
        np.testing.assert_array_equal(w, w0)


def test_the_delete_key_in_the_runs_list_deletes_runs_not_a_layer(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    train_steps(window, qtbot, 20)
    window.training.invalidate()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.scene.select_layer(1)  # a layer is selected too
    table = window.runs_panel.table
    table.selectAll()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert len(window.project.runs) == 0 and window.project.document.sizes == [2, 4, 4, 1]


def test_open_recent_lists_whole_paths_after_the_first_project(window, tmp_path):
    window.files.save_to(tmp_path / "one.nnsp")  # QSettings keeps a single path as a string
    window.files.save_to(tmp_path / "two.nnsp")
    names = [action.text() for action in window.files.recent_menu.actions()]
    assert names == [f"&1 two.nnsp  —  {tmp_path}", f"&2 one.nnsp  —  {tmp_path}"]


def test_open_recent_shows_the_folder_with_home_as_a_tilde(window, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "a & b").mkdir()
    window.files.save_to(tmp_path / "a & b" / "net.nnsp")
    action = window.files.recent_menu.actions()[0]
    assert action.text() == f"&1 net.nnsp  —  ~{os.sep}a && b"  # && shows one &
    assert action.toolTip() == str(tmp_path / "a & b" / "net.nnsp")


def play_until(window, qtbot, steps: int):
    qtbot.mouseClick(window.training_panel.play, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            window.training.session.run is not None and window.training.session.run.step >= steps
        ),
        timeout=20_000,
    )
    return window.training.session.run


def test_a_refused_rename_while_training_leaves_the_run_training(window, qtbot):
    run = play_until(window, qtbot, 50)
    window.scene.select_layer(1)
    inspector = window.inspector
    inspector.name.selectAll()
    qtbot.keyClicks(inspector.name, "hidden_2")  # taken: refused
    qtbot.keyClick(inspector.name, Qt.Key.Key_Return)
    assert "already called" in window.statusBar().currentMessage()
    assert window.training.session.run is run and window.training.training  # plays on
    step = run.step
    qtbot.waitUntil(lambda: run.step > step + 20, timeout=20_000)
    assert list(window.project.runs) == [run] and window.project.document[1].name == "hidden_1"


def test_a_rename_while_training_keeps_the_run_and_the_weights_it_paused_with(window, qtbot):
    run = play_until(window, qtbot, 50)
    window.scene.select_layer(1)
    window.inspector.name.selectAll()
    qtbot.keyClicks(window.inspector.name, "features")
    qtbot.keyClick(window.inspector.name, Qt.Key.Key_Return)
    assert window.project.document[1].name == "features"
    assert "paused for the edit" in window.statusBar().currentMessage()
    assert window.training.session.run is run and run.status == "paused"
    for (w, b), (w0, b0) in zip(window.project.document.weights(), run.weights):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(b, b0)


def test_after_a_node_is_added_the_counters_no_longer_claim_the_runs_loss(window, qtbot):
    train_steps(window, qtbot, 50)
    counters = window.training_panel.counters
    assert "loss –" not in counters.text()
    window.editor.change_units(1, +1)
    assert "loss –" in counters.text()  # measured on another network
    assert "step" in counters.text() and "step 0" not in counters.text()
    window.editor.undo_stack.undo()
    assert "loss –" not in counters.text()  # the network it was measured on again


def test_a_checkpoints_counters_leave_its_loss_out_once_the_data_changes(window, qtbot):
    train_steps(window, qtbot, 50)
    run = window.training.session.shown
    window.training.invalidate()
    window.training.show_checkpoint(run, run.checkpoints[1])
    assert "loss –" not in window.training_panel.counters.text()
    window.editor.set_dataset({"name": "spiral", "params": {}})
    assert "loss –" in window.training_panel.counters.text()


def test_a_dataset_the_network_cannot_take_leaves_the_project_on_its_data(window, monkeypatch):
    from nnstudio.model.document import DocumentError

    def refuse(*args, **kwargs):
        raise DocumentError("too many features")

    monkeypatch.setattr(window.project.document, "bind_dataset", refuse)
    assert not window.editor.set_dataset({"name": "spiral", "params": {}})
    assert window.project.dataset["name"] == "circle"
    assert "too many features" in window.statusBar().currentMessage()


def test_undoing_a_weight_edit_on_a_paused_run_puts_the_weight_back(window, qtbot):
    train_steps(window, qtbot, 30)
    before = float(window.project.document.weights()[0][0][0, 0])
    window.editor.set_weight(0, 0, 0, 2.5)
    qtbot.waitUntil(  # the paused run took the edit and reported it back
        lambda: window.training.latest.weights[0][0][0, 0] == np.float32(2.5), timeout=5000
    )
    qtbot.wait(100)  # and the canvas drew that report
    window.editor.undo_stack.undo()
    assert window.project.document.weights()[0][0][0, 0] == np.float32(before)


def test_moving_a_layer_while_training_ends_the_run_and_keeps_the_moved_weights(window, qtbot):
    run = play_until(window, qtbot, 50)
    window.editor.move_layer(1, 2)  # two hidden layers of 4: the sizes still fit
    assert window.training.session.run is None and run.status == "stopped"
    moved = [w.copy() for w, _ in window.project.document.weights()]
    qtbot.wait(300)  # nothing of the old order comes back
    for w, w0 in zip((w for w, _ in window.project.document.weights()), moved):
        np.testing.assert_array_equal(w, w0)


def test_two_plus_clicks_queued_while_training_both_count(window, qtbot):
    play_until(window, qtbot, 20)
    item = window.scene.layer_items[1]
    item.sigUnitsDelta.emit(1, +1)  # two clicks on its + button: queued to the editor
    item.sigUnitsDelta.emit(1, +1)
    qtbot.waitUntil(lambda: window.project.document[1].units == 6, timeout=10_000)
    qtbot.wait(200)
    assert window.project.document[1].units == 6


def test_renaming_the_run_shown_renames_its_curves_in_the_legend(window, qtbot):
    train_steps(window, qtbot, 30)
    run = window.training.session.shown
    window.project.runs.rename(run, "Adam, lr 0.01")
    legend = window.loss_plot.plot.getPlotItem().legend
    assert legend.getLabel(window.loss_plot.train_smooth).text == "Adam, lr 0.01 · training"
