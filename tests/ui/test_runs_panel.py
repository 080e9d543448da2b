"""The runs panel, used as a user would: rows, renaming, comparing, the timeline, the
buttons and deleting, on runs that really trained."""

import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from nnstudio import datasets
from nnstudio.engine.network import Network
from nnstudio.engine.trainer import Trainer
from nnstudio.model.runs import BEST, END, START, Run, Runs
from nnstudio.model.training import DEFAULT_SETTINGS
from nnstudio.ui.runs_panel import NAME, RunsPanel

SPEC = {
    "inputs": 2,
    "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
}
DATA = datasets.load("xor", n_samples=40)


def make_run(run_id, optimizer="adam", lr=0.05, parent=None):
    """A run of a 2-4-1 net on xor, and its trainer (one snapshot per step)."""
    net = Network.from_spec(SPEC, seed=1)
    settings = {**DEFAULT_SETTINGS, "optimizer": optimizer, "lr": lr, "batch_size": 10}
    trainer = Trainer(
        net,
        DATA.X,
        DATA.y,
        optimizer=optimizer,
        lr=lr,
        batch_size=10,
        epochs=12,
        snapshot_interval=0,
    )
    run = Run(
        run_id,
        f"Run {run_id}",
        settings,
        SPEC,
        {"name": "xor"},
        net.get_weights(),
        parent=parent,
        steps_per_epoch=trainer.steps_per_epoch,
    )
    return run, trainer


def trained(run_id, **kwargs):
    run, trainer = make_run(run_id, **kwargs)
    for snapshot in trainer.run():
        run.record(snapshot)
    return run


@pytest.fixture
def runs():
    return Runs([trained(1), trained(2, optimizer="sgd", lr=0.1)])


@pytest.fixture
def panel(qtbot, runs):
    panel = RunsPanel(runs)
    qtbot.addWidget(panel)
    panel.resize(720, 420)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def row_texts(panel, row):
    item = panel.table.topLevelItem(row)
    return [item.text(column) for column in range(panel.table.columnCount())]


def click_row(qtbot, panel, row, modifier=Qt.KeyboardModifier.NoModifier):
    table = panel.table
    rect = table.visualItemRect(table.topLevelItem(row))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def test_rows_show_each_runs_summary(panel, runs):
    assert panel.table.topLevelItemCount() == 2
    assert not panel.hint.isVisible()
    for row, run in enumerate(runs):
        summary = run.summary()
        name, _, loss, best, accuracy, epochs, seconds = row_texts(panel, row)
        assert name == run.name
        assert loss == f"{summary['loss']:.4g}" and best == f"{summary['best']:.4g}"
        assert accuracy == f"{100 * summary['accuracy']:.4g}%"
        assert epochs == "12" and seconds.endswith(" s")
    assert row_texts(panel, 0)[1] == "—"
    assert row_texts(panel, 1)[1] == "optimizer adam → sgd, learning rate 0.05 → 0.1"


def test_a_branch_says_where_it_started_and_times_read_as_minutes(qtbot, panel, runs):
    branch = trained(3, optimizer="sgd", lr=0.1, parent=(1, 24))
    runs.add(branch)
    # compared with the run it started from, not with the run listed before it
    changed = "optimizer adam → sgd, learning rate 0.05 → 0.1"
    assert row_texts(panel, 2)[1] == f"from Run 1 @ step 24, {changed}"
    runs.rename(runs[0], "Adam")
    assert row_texts(panel, 2)[1] == f"from Adam @ step 24, {changed}"
    branch.training_seconds = 184.2
    panel.refresh(branch)
    assert row_texts(panel, 2)[6] == "3 min 4 s"


def test_a_run_trained_again_from_the_start_of_another_is_compared_with_it(panel, runs):
    again = trained(3, optimizer="rmsprop", parent=(1, 0))
    runs.add(again)
    assert row_texts(panel, 2)[1] == "from the start of Run 1, optimizer adam → rmsprop"


def test_no_runs_shows_a_hint_and_adding_one_adds_a_row(qtbot):
    runs = Runs()
    panel = RunsPanel(runs)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.hint.isVisible() and "Press Play" in panel.hint.text()
    assert not panel.table.isVisible()
    assert not any(b.isEnabled() for b in (panel.branch, panel.retrain, panel.delete))
    run = trained(1)
    runs.add(run)
    assert panel.table.topLevelItemCount() == 1 and row_texts(panel, 0)[0] == "Run 1"
    assert panel.table.isVisible() and not panel.hint.isVisible()
    assert panel.branch.isEnabled() and panel.retrain.isEnabled()
    assert panel.position.text().startswith("step 48 · epoch 12 · loss ")


def test_renaming_by_double_click_and_by_f2(qtbot, panel, runs):
    changed = []
    runs.run_changed.connect(changed.append)
    table = panel.table
    rect = table.visualItemRect(table.topLevelItem(1))
    click_row(qtbot, panel, 1)  # a double-click starts with a press
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    editor = table.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "SGD fast")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # commits once the event loop runs
    qtbot.waitUntil(lambda: runs[1].name == "SGD fast")
    assert changed == [runs[1]]
    assert row_texts(panel, 1)[0] == "SGD fast"

    click_row(qtbot, panel, 0)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "Adam")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: runs[0].name == "Adam")
    assert changed == [runs[1], runs[0]]
    assert " · Adam · " in panel.timeline_title.text()


def test_an_empty_name_is_refused(qtbot, panel, runs):
    click_row(qtbot, panel, 0)
    qtbot.keyClick(panel.table, Qt.Key.Key_F2)
    editor = panel.table.focusWidget()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.table.state() != panel.table.State.EditingState)
    assert runs[0].name == "Run 1" and row_texts(panel, 0)[0] == "Run 1"
    assert len(runs) == 2  # Delete in the editor deletes text, not the run


def test_ctrl_click_selects_runs_to_compare(qtbot, panel, runs):
    compared = []
    panel.sigCompare.connect(compared.append)
    click_row(qtbot, panel, 0)
    click_row(qtbot, panel, 1, Qt.KeyboardModifier.ControlModifier)
    assert compared[-2:] == [[runs[0]], [runs[0], runs[1]]]
    assert panel.selected_runs() == [runs[0], runs[1]]
    assert " · Run 2 · " in panel.timeline_title.text()  # several: the newest run
    click_row(qtbot, panel, 1, Qt.KeyboardModifier.ControlModifier)
    assert compared[-1] == [runs[0]] and " · Run 1 · " in panel.timeline_title.text()


def test_the_slider_shows_each_checkpoint_once(qtbot, panel, runs):
    shown = []
    panel.sigShowCheckpoint.connect(lambda run, checkpoint: shown.append((run, checkpoint)))
    click_row(qtbot, panel, 0)
    timeline = runs[0].timeline()
    assert [c.reason for c in timeline][0] == START and timeline[-1].reason == END
    assert panel.slider.maximum() == len(timeline) - 1
    assert panel.slider.value() == panel.slider.maximum() and not shown
    panel.slider.setFocus()
    qtbot.keyClick(panel.slider, Qt.Key.Key_Home)
    qtbot.keyClick(panel.slider, Qt.Key.Key_Home)
    qtbot.keyClick(panel.slider, Qt.Key.Key_Right)
    assert shown == [(runs[0], timeline[0]), (runs[0], timeline[1])]
    assert panel.position.text() != "step 0 · epoch 0 · start"
    step = timeline[1]
    assert panel.position.text().startswith(f"step {step.step:,} · epoch {step.epoch}")
    best = next(i for i, c in enumerate(timeline) if c.reason == BEST)
    for _ in range(best - 1):
        qtbot.keyClick(panel.slider, Qt.Key.Key_Right)
    assert shown[-1] == (runs[0], timeline[best]) and len(shown) == best + 1
    assert panel.position.text().endswith(" · best")


def test_dragging_the_slider_emits_the_checkpoint_under_the_handle(qtbot, panel, runs):
    shown = []
    panel.sigShowCheckpoint.connect(lambda run, checkpoint: shown.append(checkpoint))
    click_row(qtbot, panel, 1)
    slider, timeline = panel.slider, runs[1].timeline()
    y, right = slider.height() // 2, slider.width() - 4
    qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=QPoint(right, y))
    for x in range(right, -10, -5):
        qtbot.mouseMove(slider, QPoint(x, y))
    qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=QPoint(0, y))
    assert slider.value() == 0 and shown[-1] is timeline[0]
    assert len(shown) == len({id(c) for c in shown})  # each checkpoint at most once


def test_buttons_branch_and_retrain_from_the_timeline(qtbot, panel, runs):
    branched, retrained = [], []
    panel.sigBranch.connect(lambda run, checkpoint: branched.append((run, checkpoint)))
    panel.sigRetrain.connect(retrained.append)
    click_row(qtbot, panel, 1)
    panel.slider.setFocus()
    qtbot.keyClick(panel.slider, Qt.Key.Key_Home)
    qtbot.keyClick(panel.slider, Qt.Key.Key_Right)
    qtbot.mouseClick(panel.branch, Qt.MouseButton.LeftButton)
    assert branched == [(runs[1], runs[1].timeline()[1])]
    qtbot.mouseClick(panel.retrain, Qt.MouseButton.LeftButton)
    assert retrained == [runs[1]]
    assert "branch" in panel.branch.toolTip() and "initial weights" in panel.retrain.toolTip()


def test_delete_asks_then_removes_the_selected_runs(qtbot, panel, runs, monkeypatch):
    asked = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    runs.add(trained(3, lr=0.01))
    compared = []
    panel.sigCompare.connect(compared.append)
    click_row(qtbot, panel, 0)
    click_row(qtbot, panel, 2, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert "Delete 2 runs" in asked[0] and len(runs) == 3  # answered No
    kept = runs[1]
    qtbot.mouseClick(panel.delete, Qt.MouseButton.LeftButton)
    assert list(runs) == [kept] and panel.table.topLevelItemCount() == 1
    assert row_texts(panel, 0)[:2] == ["Run 2", "—"]  # now the first run
    assert compared[-1] == [] and not panel.delete.isEnabled()
    assert " · Run 2 · " in panel.timeline_title.text()


def test_refresh_while_training_keeps_the_slider_unless_it_is_at_the_end(qtbot, panel, runs):
    live, trainer = make_run(3)
    snapshots = trainer.run()
    for _ in range(10):
        live.record(next(snapshots))
    runs.add(live)
    panel.select_run(live)
    assert panel.selected_runs() == [live]
    shown = []
    panel.sigShowCheckpoint.connect(lambda run, checkpoint: shown.append(checkpoint))

    panel.slider.setFocus()
    qtbot.keyClick(panel.slider, Qt.Key.Key_Home)
    qtbot.keyClick(panel.slider, Qt.Key.Key_Right)
    held = panel.slider.value()
    assert shown == [live.timeline()[0], live.timeline()[1]]
    for snapshot in snapshots:
        live.record(snapshot)
        panel.refresh(live)
    assert panel.slider.value() == held and live.timeline()[held] is shown[-1]
    assert panel.slider.maximum() == len(live.timeline()) - 1
    assert row_texts(panel, 2)[2] == f"{live.summary()['loss']:.4g}"
    assert len(shown) == 2  # refreshing shows nothing by itself

    live2, trainer2 = make_run(4)
    snapshots = trainer2.run()
    live2.record(next(snapshots))
    runs.add(live2)
    panel.select_run(live2)
    for snapshot in snapshots:
        live2.record(snapshot)
        panel.refresh(live2)
        assert panel.slider.value() == panel.slider.maximum()
    assert panel.position.text().endswith(" · end") and len(shown) == 2


def test_set_runs_switches_to_another_project(qtbot, panel, runs):
    other = Runs([trained(7, optimizer="rmsprop")])
    panel.set_runs(other)
    assert panel.table.topLevelItemCount() == 1 and row_texts(panel, 0)[0] == "Run 7"
    runs.add(trained(3))  # the old project is no longer followed
    runs.rename(runs[0], "Old")
    assert panel.table.topLevelItemCount() == 1 and row_texts(panel, 0)[0] == "Run 7"
    other.add(trained(8))
    assert [row_texts(panel, r)[0] for r in range(2)] == ["Run 7", "Run 8"]
    assert row_texts(panel, 1)[1] == "optimizer rmsprop → adam"


def test_two_hundred_runs_stay_fast(qtbot):
    many = Runs(
        [Run(i, f"Run {i}", DEFAULT_SETTINGS, SPEC, {"name": "xor"}, []) for i in range(200)]
    )
    panel = RunsPanel(Runs())
    qtbot.addWidget(panel)
    panel.show()
    start = time.perf_counter()
    panel.set_runs(many)
    for run in many:
        panel.refresh(run)
    assert time.perf_counter() - start < 1.0
    assert panel.table.topLevelItemCount() == 200
    panel.select_run(many[150])
    assert panel.selected_runs() == [many[150]]
    assert panel.table.currentItem().text(NAME) == "Run 150"
