"""Live training in the window: play, pause and step, reset, live learning rate,
divergence, stopping and quitting, and a 20,000-snapshot run."""

import numpy as np
import pytest
from gestures import click, drawn
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLabel

import nnstudio
from nnstudio.engine.trainer import Trainer
from nnstudio.ui.main_window import MainWindow
from nnstudio.ui.training_bridge import TrainingBridge


def test_play_trains_and_every_view_follows(window, qtbot):
    initial = [w.copy() for w, _ in window.project.document.weights()]
    window.training_panel.play.click()
    qtbot.waitUntil(lambda: len(drawn(window.loss_plot.train)[0]) > 600, timeout=15000)
    window.training_panel.pause.click()
    qtbot.waitUntil(lambda: window.training.latest.status == "paused", timeout=5000)
    _, losses = drawn(window.loss_plot.train)
    assert losses[-100:].mean() < 0.7 * losses[:100].mean()
    weights = window.project.document.weights()
    assert not np.allclose(weights[0][0], initial[0])
    assert window.boundary_plot.image.image is not None
    assert "epoch" in window.training_panel.counters.text()
    connections = window.scene.connection_items[0]
    assert connections._weights[0, 0] == pytest.approx(float(weights[0][0][0, 0]))


def test_step_trains_exactly_one_batch(window, qtbot):
    window.training_panel.step.click()
    qtbot.waitUntil(
        lambda: window.training.latest is not None and window.training.latest.step == 1,
        timeout=5000,
    )
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: window.training.latest.step == 2, timeout=5000)
    qtbot.wait(100)
    assert window.training.bridge.trainer.step_count == 2
    window.training_panel.step_epoch.click()
    qtbot.waitUntil(lambda: window.training.latest.epoch == 1, timeout=5000)
    assert window.training.bridge.trainer.step_count == 20  # 320 samples / 16


def test_reset_restores_the_seeded_initial_weights(window, qtbot):
    expected = nnstudio.Network.from_spec(window.project.document.spec(), seed=0).get_weights()
    window.training.play()
    qtbot.waitUntil(lambda: window.training.snapshots > 5, timeout=10000)
    window.training_panel.reset.click()
    for (w, b), (ew, eb) in zip(window.project.document.weights(), expected):
        assert np.array_equal(w, ew) and np.array_equal(b, eb)
    assert len(drawn(window.loss_plot.train)[0]) == 0
    assert not window.training.bridge.running


def test_learning_rate_changes_live(window, qtbot):
    window.training.play()
    qtbot.waitUntil(lambda: window.training.snapshots > 2, timeout=10000)
    window.training_panel.lr.setValue(0.00123)
    assert window.training.bridge.trainer.lr == pytest.approx(0.00123)
    assert window.training.bridge.running  # no restart for a learning rate


def test_a_divergent_run_pauses_with_a_banner_and_finite_weights(window, qtbot):
    window.editor.set_dataset(
        {"name": "plane", "params": {"n_samples": 200, "seed": 0, "noise": 0.0}}
    )
    window.editor.set_activation(1, "relu")
    window.editor.set_activation(2, "relu")
    window.project.training.update({"optimizer": "sgd"})
    window.training_panel.show_settings({**window.training_panel.settings(), "optimizer": "sgd"})
    window.training_panel.lr.setValue(10.0)
    window.training.play()
    qtbot.waitUntil(lambda: window.training_panel.banner.isVisible(), timeout=15000)
    assert "diverged" in window.training_panel.banner.text()
    assert "lower learning rate" in window.training_panel.banner.text()
    assert all(np.isfinite(w).all() for w, _ in window.project.document.weights())
    assert window.training_panel.play.isEnabled()
    window.training_panel.lr.setValue(0.01)  # the cause is gone: so is the banner
    assert window.training_panel.banner.isHidden()


def test_quitting_while_training_stops_the_worker_cleanly(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.training.play()
    qtbot.waitUntil(lambda: window.training.snapshots > 2, timeout=10000)
    assert window.training.bridge.running
    process = window.training.bridge.trainer._process
    assert process.is_alive()  # training runs in a process of its own
    window.close()
    assert not window.training.bridge.running
    assert not process.is_alive()


def test_a_plus_click_while_training_pauses_ends_the_run_and_says_so(window, qtbot):
    window.training.play()
    qtbot.waitUntil(lambda: window.training.snapshots > 2, timeout=10000)
    run = window.training.session.run
    item = window.scene.layer_items[1]
    click(window, item.mapToScene(item.buttons[+1].center()))
    qtbot.waitUntil(lambda: window.project.document.sizes == [2, 5, 4, 1])
    assert not window.training.bridge.running and window.training.session.run is None
    assert f"This change ends {run.name}" in window.statusBar().currentMessage()
    assert list(window.project.runs) == [run] and run.status == "stopped" and run.step > 0
    # the trained weights carried into the wider layer: the old four nodes kept theirs
    np.testing.assert_array_equal(window.project.document.weights()[0][0][:, :4], run.weights[0][0])


def test_twenty_thousand_snapshots_reach_the_gui(qtbot):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 2))
    net = nnstudio.Network.from_spec({"inputs": 2, "layers": [{"units": 1}]})
    trainer = Trainer(
        net,
        X,
        X[:, :1],
        optimizer="sgd",
        lr=1e-3,
        batch_size=4,
        epochs=20_000,
        snapshot_interval=0.0,
    )
    bridge = TrainingBridge()
    received = []
    bridge.sigSnapshot.connect(lambda generation, s: received.append(s.step))
    with qtbot.waitSignal(bridge.sigFinished, timeout=120_000):
        bridge.start(trainer, generation=1)
    bridge.shutdown()
    assert len(received) >= 20_000 and received[-1] == 20_000


def test_before_training_the_boundary_shows_the_data_and_follows_edits(window):
    plot = window.boundary_plot
    assert len(plot.points.data) == 320  # the circle set's training split
    first = plot.image.image.copy()
    window.editor.set_units(1, 7)
    assert not np.array_equal(first, plot.image.image)
    window.editor.set_dataset({"name": "iris", "params": {}})
    assert len(plot.points.data) == 0 and plot._grid is None


def test_more_settings_reach_the_run(window, qtbot):
    panel = window.training_panel
    panel.more.expand(animate=False)
    settings = panel._widgets
    settings["optimizer"].setCurrentText("sgd")
    settings["lr"].setValue(0.1)
    settings["momentum"].setValue(0.9)
    qtbot.mouseClick(
        settings["nesterov"], Qt.MouseButton.LeftButton, pos=settings["nesterov"].rect().center()
    )
    legend = window.loss_plot.plot.getPlotItem().legend
    assert legend.getLabel(window.loss_plot.validation) is None  # no split, no entry
    settings["validation_split"].setValue(0.25)
    assert legend.getLabel(window.loss_plot.validation).text == "validation"
    settings["target_loss"].setValue(0.35)
    settings["loss"].setCurrentText("mse")
    settings["loss_reduction"].setCurrentText("sum")
    panel.play.click()
    qtbot.waitUntil(
        lambda: window.training.latest is not None and window.training.latest.status == "finished",
        timeout=60000,
    )
    options = window.training.live.trainer.recipe.options
    assert options["nesterov"] and options["momentum"] == 0.9 and options["loss"] == "mse"
    assert options["loss_reduction"] == "sum"
    assert window.project.training["loss_reduction"] == "sum"
    metrics = window.training.latest.metrics
    assert metrics["loss"] <= 0.35 and "val_loss" in metrics  # stopped at the target
    assert len(drawn(window.loss_plot.validation)[0]) > 0
    assert window.project.document.loss == "mse"
    assert settings["optimizer"].isEnabled()  # finished: settings can change again


def test_a_new_initializer_redraws_the_initial_weights(window):
    settings = window.training_panel._widgets
    settings["initializer"].setCurrentText("zeros")
    assert not any(w.any() for w, _ in window.project.document.weights())
    window.training_panel.reset.click()
    assert not any(w.any() for w, _ in window.project.document.weights())
    assert window.project.to_dict()["network"]["initializer"] == "zeros"


class _LayoutRequests(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):
        self.count += event.type() == QEvent.Type.LayoutRequest
        return False


def test_counters_change_without_re_laying_out_the_window(window, qtbot):
    requests = _LayoutRequests()
    window.training_panel.installEventFilter(requests)
    for _ in range(20):  # the window's own start-up layout, until it has settled
        requests.count = 0
        qtbot.wait(100)
        if requests.count == 0:
            break
    panel = window.training_panel
    for step in (1, 10_000, 3, 12_345_678):
        panel.show_counters(step // 100, step, step * 37.0, {"loss": 1 / step})
        qtbot.wait(20)
    assert requests.count == 0
    assert "12,345,678" in panel.counters.text()
    label = QLabel("short", panel)  # what a QLabel would cost, to show this can fail
    panel.layout().addWidget(label)
    qtbot.wait(20)
    requests.count = 0
    label.setText("a much, much longer text than before")
    qtbot.wait(20)
    assert requests.count > 0


def test_while_training_each_frame_draws_one_group_of_views_in_turn(window, qtbot):
    drawn = []
    controller = window.training
    for name, obj, method in (
        ("curves", window.loss_plot, "redraw"),
        ("canvas", window.project.document, "set_weights"),
        ("data views", window.boundary_plot, "update_from"),
    ):
        original = getattr(obj, method)
        setattr(
            obj,
            method,
            lambda *a, _name=name, _original=original: (drawn.append(_name), _original(*a))[1],
        )
    frames = []
    original_draw = controller._draw

    def draw():
        before = len(drawn)
        original_draw()
        frames.append(drawn[before:])

    controller.pacer.timer.timeout.disconnect()
    controller.pacer.timer.timeout.connect(draw)
    controller._draw = draw  # the run's last snapshot is drawn at once, not on the timer
    controller.play()
    qtbot.waitUntil(lambda: sum(map(bool, frames)) >= 9, timeout=15000)
    controller.pause()
    qtbot.waitUntil(lambda: controller.latest.status == "paused", timeout=5000)
    running = [f for f in frames[:-1] if f][:9]
    assert all(len(f) == 1 for f in running)
    assert {f[0] for f in running} == {"curves", "canvas", "data views"}
    # the last frame draws all (the test loss, computed on a thread, may redraw the
    # curves after it: not a frame's drawing)
    assert sorted([f for f in frames if f][-1]) == ["canvas", "curves", "data views"]


def test_the_studio_can_keep_its_own_blas_to_one_thread_and_undo_it():
    from threadpoolctl import threadpool_info

    from nnstudio.ui.app import one_blas_thread

    def blas_threads():
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    before = blas_threads()
    limits = one_blas_thread()
    try:
        assert blas_threads() and set(blas_threads()) == {1}
    finally:
        limits.restore_original_limits()
    assert blas_threads() == before


def test_a_validation_split_too_small_for_the_data_says_so(window, qtbot):
    window.editor.set_dataset({"name": "xor_table", "params": {}})
    window.training_panel._widgets["validation_split"].setValue(0.05)
    with qtbot.waitSignal(window.training.sigMessage) as message:
        window.training_panel.step.click()
    assert "too small" in message.args[0]
    assert window.training.live.parts.validation is None


def test_a_truth_table_trains_on_all_its_rows_unless_a_test_split_is_chosen(window, qtbot):
    window.editor.set_dataset({"name": "and", "params": {}})
    test = window.training_panel._widgets["test_split"]
    assert test.text() == "auto"
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    assert window.training.live.parts.train.n_samples == 4
    assert window.training.live.parts.test is None
    window.training.invalidate()
    test.setValue(0.25)  # the user asks for one: a quarter of the rows is held out
    assert window.project.training["test_split"] == 0.25
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    assert window.training.live.parts.test.n_samples == 1
    window.editor.undo_stack.undo()
    assert test.text() == "auto" and window.project.training["test_split"] is None


def test_changing_one_setting_leaves_the_others_as_the_project_has_them(window):
    window.project.training["test_split"] = 0.0  # set from a script: no test split
    window.training.set_project(window.project)
    window.training_panel.lr.setValue(0.05)
    assert window.project.training["lr"] == 0.05
    assert window.project.training["test_split"] == 0.0  # shown as "auto", not rewritten


def test_the_counters_name_the_split_their_accuracy_is_measured_on(window):
    panel = window.training_panel
    panel.show_counters(3, 30, None, {"loss": 0.25, "accuracy": 1.0, "val_accuracy": 0.9721})
    assert "validation accuracy 97.21%" in panel.counters.text()  # as the runs list says
    panel.show_counters(3, 30, None, {"loss": 0.25, "accuracy": 0.866})
    assert panel.counters.text().endswith("· accuracy 86.6%")


def test_an_edit_as_a_run_ends_by_itself_is_made_without_a_crash(window, qtbot):
    window.training.play()
    qtbot.waitUntil(lambda: window.training.snapshots > 1, timeout=10_000)
    window.training.session.end()  # the run is over, its process not yet
    assert window.editor.set_settings({"optimizer": "sgd"})
    assert window.project.training["optimizer"] == "sgd"
