"""The runs panel, used as a user would: rows, renaming, comparing, the timeline, the
buttons and deleting, on runs that really trained; and in the studio, where a branch
is followed as it trains."""

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip

from nnstudio import datasets
from nnstudio.engine.network import Network
from nnstudio.engine.trainer import Trainer
from nnstudio.model.runs import BEST, END, START, Run, Runs
from nnstudio.model.training import DEFAULT_SETTINGS
from nnstudio.ui.runs_panel import RunsPanel
from nnstudio.ui.runs_table import CHANGES_ROLE, CHANGES_TIP_ROLE, EPOCHS, NAME

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
        start_epoch=parent[1] // trainer.steps_per_epoch if parent else 0,
        steps_per_epoch=trainer.steps_per_epoch,
    )
    return run, trainer


def trained(run_id, lr_changes=(), **kwargs):
    """A run trained for 12 epochs, its learning rate changed as ``lr_changes`` say
    (step, lr) while it trained."""
    run, trainer = make_run(run_id, **kwargs)
    changes = dict(lr_changes)
    for snapshot in trainer.run():
        run.record(snapshot)
        if run.step in changes:
            trainer.lr = changes[run.step]
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
    """The row as it reads: name, changes (the line under it), loss, best, accuracy,
    epochs, time (a no-break space read as a space)."""
    item = panel.table.topLevelItem(row)
    texts = [item.text(column) for column in range(panel.table.columnCount())]
    texts.insert(1, item.data(NAME, CHANGES_ROLE) or "")
    return [text.replace("\u00a0", " ") for text in texts]


def changes_read_whole(table, row) -> bool:
    """True if the row's changes line (if it has one), wrapped to the width of the row,
    is shown whole in the row, under its name."""
    item = table.topLevelItem(row)
    if not item.data(NAME, CHANGES_ROLE):
        return True  # the first run: nothing to read
    line, cell, metrics = table.changes_rect(item), table.visualItemRect(item), table.fontMetrics()
    needed = metrics.boundingRect(
        QRect(0, 0, line.width(), 1 << 20), Qt.TextFlag.TextWordWrap, item.data(NAME, CHANGES_ROLE)
    )
    return (
        line.width() > table.viewport().width() - 20
        and cell.top() + metrics.height() <= line.top()
        and line.bottom() <= cell.bottom()
        and needed.height() <= line.height()
    )


def fits_on_a_line(table, row, column) -> bool:
    """True if the cell's text is shown whole, on one line."""
    item = table.topLevelItem(row)
    cell = table.visualRect(table.indexFromItem(item, column))
    return table.fontMetrics().horizontalAdvance(item.text(column)) <= cell.width() - 8


def hover_tooltip(qtbot, table, point) -> str:
    """The tooltip the table shows with the mouse at ``point`` (in its viewport)."""
    viewport = table.viewport()
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    )
    qtbot.waitUntil(QToolTip.isVisible)
    text = QToolTip.text()
    QToolTip.hideText()
    return text.replace("\u00a0", " ")


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
    assert row_texts(panel, 0)[1] == ""  # the first run
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
    assert panel.timeline.position.text().startswith("step 48 · epoch 12 · loss ")


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
    assert " · Adam · " in panel.timeline.title.text()


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
    assert " · Run 2 · " in panel.timeline.title.text()  # several: the newest run
    click_row(qtbot, panel, 1, Qt.KeyboardModifier.ControlModifier)
    assert compared[-1] == [runs[0]] and " · Run 1 · " in panel.timeline.title.text()


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
    assert panel.timeline.position.text() != "step 0 · epoch 0 · start"
    step = timeline[1]
    assert panel.timeline.position.text().startswith(f"step {step.step:,} · epoch {step.epoch}")
    best = next(i for i, c in enumerate(timeline) if c.reason == BEST)
    for _ in range(best - 1):
        qtbot.keyClick(panel.slider, Qt.Key.Key_Right)
    assert shown[-1] == (runs[0], timeline[best]) and len(shown) == best + 1
    assert panel.timeline.position.text().endswith(" · best")


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
    assert row_texts(panel, 0)[:2] == ["Run 2", ""]  # now the first run
    assert compared[-1] == [] and not panel.delete.isEnabled()
    assert " · Run 2 · " in panel.timeline.title.text()


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
    assert panel.timeline.position.text().endswith(" · end") and len(shown) == 2


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


def test_two_hundred_runs_have_a_row_each_refreshed_in_place(qtbot):
    many = Runs(
        [Run(i, f"Run {i}", DEFAULT_SETTINGS, SPEC, {"name": "xor"}, []) for i in range(200)]
    )
    panel = RunsPanel(Runs())
    qtbot.addWidget(panel)
    panel.show()
    panel.set_runs(many)
    rows = [panel.table.topLevelItem(i) for i in range(200)]
    many[7].name = "renamed"
    for run in many:
        panel.refresh(run)
    assert [panel.table.topLevelItem(i) for i in range(200)] == rows  # none rebuilt
    assert rows[7].text(NAME) == "renamed"
    panel.select_run(many[150])
    assert panel.selected_runs() == [many[150]]
    assert panel.table.currentItem().text(NAME) == "Run 150"


def test_what_a_run_changed_wraps_under_it_to_be_read_whole_at_any_width(qtbot, panel, runs):
    runs.add(trained(3, optimizer="sgd", lr=0.1, parent=(1, 24), lr_changes=[(30, 0.2)]))
    table, heights = panel.table, {}
    line_height = table.fontMetrics().height()
    for width in (410, 504, 900):  # the Runs dock at 1366 × 768 (its least) and 1600 × 1000
        panel.resize(width, 420)
        qtbot.waitUntil(lambda: all(changes_read_whole(table, row) for row in range(3)))
        for row in range(3):
            assert all(fits_on_a_line(table, row, column) for column in range(1, 6))
        heights[width] = [table.visualItemRect(table.topLevelItem(r)).height() for r in range(3)]
    assert heights[900][0] < line_height * 1.5  # the first run: no line of changes
    assert line_height * 2 <= heights[900][1] == heights[900][2] < line_height * 2.5  # 1 + 1
    assert heights[410][2] >= heights[504][2] > heights[900][2]

    line = table.changes_rect(table.topLevelItem(2))
    assert hover_tooltip(qtbot, table, line.center()).splitlines() == [
        "from Run 1 @ step 24",
        "optimizer adam → sgd",
        "learning rate 0.05 → 0.1",
        "learning rate 0.1 → 0.2 at step 30",
    ]
    name = table.visualItemRect(table.topLevelItem(2)).topLeft() + QPoint(4, 4)
    assert hover_tooltip(qtbot, table, name) == "Run 3 (finished) · double-click or F2 to rename"


def test_a_branch_shows_the_epoch_it_reached_and_the_epochs_it_trained(panel, runs):
    runs.add(trained(3, parent=(1, 24)))  # from epoch 6 of Run 1, 12 epochs more
    runs.add(trained(4, parent=(1, 0)))  # from the start of Run 1
    assert [row_texts(panel, row)[5] for row in range(4)] == ["12", "12", "18 (+12)", "12"]
    tip = panel.table.topLevelItem(2).toolTip(EPOCHS)
    assert tip == "At epoch 18: 12 epochs trained in this run, on from epoch 6 where it started"
    assert panel.table.topLevelItem(0).toolTip(EPOCHS) == "12 epochs trained"
    assert "510 (+10)" in panel.table.headerItem().toolTip(EPOCHS)


def test_learning_rate_changes_made_while_training_are_listed(panel, runs):
    runs.add(trained(3, optimizer="sgd", lr=0.1, lr_changes=[(20, 0.2)]))
    assert row_texts(panel, 2)[1] == "learning rate 0.1 → 0.2 at step 20"
    runs.add(trained(4, optimizer="sgd", lr=0.1, lr_changes=[(5, 0.2), (10, 0.3)]))
    assert row_texts(panel, 3)[1] == "learning rate 0.1 → 0.2 at step 5 → 0.3 at step 10"
    runs.add(trained(5, optimizer="sgd", lr=0.1, lr_changes=[(5, 0.2), (10, 0.3), (30, 0.4)]))
    assert row_texts(panel, 4)[1] == "learning rate 0.1 → 0.4 in 3 changes (steps 5–30)"
    tip = panel.table.topLevelItem(4).data(NAME, CHANGES_TIP_ROLE).replace("\u00a0", " ")
    assert tip.splitlines() == [
        "learning rate 0.1 → 0.2 at step 5",
        "learning rate 0.2 → 0.3 at step 10",
        "learning rate 0.3 → 0.4 at step 30",
    ]
    # a branch is compared with the learning rate its parent had where it started
    runs.add(trained(6, optimizer="sgd", lr=0.2, parent=(3, 24)))
    assert row_texts(panel, 5)[1] == "from Run 3 @ step 24"
    runs.add(trained(7, optimizer="sgd", lr=0.2, parent=(3, 12)))
    assert row_texts(panel, 6)[1] == "from Run 3 @ step 12, learning rate 0.1 → 0.2"

    live, trainer = make_run(8, optimizer="sgd", lr=0.2)  # changed while it trains
    snapshots = trainer.run()
    for _ in range(10):
        live.record(next(snapshots))
    runs.add(live)
    assert row_texts(panel, 7)[1] == "no change"
    trainer.lr = 0.05
    live.record(next(snapshots))
    panel.refresh(live)
    assert row_texts(panel, 7)[1] == "learning rate 0.2 → 0.05 at step 10"


def test_continue_from_here_selects_the_branch_and_its_timeline_follows_it(qtbot, panel, runs):
    def train_branch(run, checkpoint):  # as the studio does: a new run, then training
        branch, trainer = make_run(3, parent=(run.id, checkpoint.step))
        runs.add(branch)
        branches.append(branch)
        for snapshot in trainer.run():
            branch.record(snapshot)
            panel.refresh(branch)

    branches, compared = [], []
    panel.sigBranch.connect(train_branch)
    panel.sigCompare.connect(compared.append)
    click_row(qtbot, panel, 0)
    panel.slider.setFocus()
    qtbot.keyClick(panel.slider, Qt.Key.Key_Home)
    qtbot.keyClick(panel.slider, Qt.Key.Key_Right)
    qtbot.mouseClick(panel.branch, Qt.MouseButton.LeftButton)
    (branch,) = branches
    assert panel.selected_runs() == [branch] and compared[-1] == [branch]
    assert panel.table.currentItem().text(NAME) == "Run 3"
    assert panel.timeline.run is branch and " · Run 3 · " in panel.timeline.title.text()
    assert panel.slider.maximum() == len(branch.timeline()) - 1 > 0
    assert panel.slider.value() == panel.slider.maximum()
    assert panel.timeline.position.text().startswith(f"step {branch.step:,} · ")

    # comparing several runs, a new run leaves them selected; the timeline shows it
    click_row(qtbot, panel, 0)
    click_row(qtbot, panel, 1, Qt.KeyboardModifier.ControlModifier)
    again = trained(4)
    runs.add(again)
    assert panel.selected_runs() == [runs[0], runs[1]] and panel.timeline.run is again
    # none selected: none is, and the timeline shows the newest run
    panel.table.clearSelection()
    newest = trained(5)
    runs.add(newest)
    assert panel.selected_runs() == [] and panel.timeline.run is newest


def train_in_studio(window, qtbot, steps: int):
    """Press Play, let the run train ``steps`` steps more, press Pause."""
    qtbot.mouseClick(window.training_panel.play, Qt.MouseButton.LeftButton)
    run = window.training.session.run
    start = run.step
    qtbot.waitUntil(lambda: run.step >= start + steps, timeout=20_000)
    qtbot.mouseClick(window.training_panel.pause, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: run.status == "paused", timeout=10_000)
    return run


def test_in_the_studio_runs_read_whole_and_a_branch_is_followed(window, qtbot):
    window.resize(1366, 768)
    window.editor.set_dataset({"name": "spiral", "params": {}})
    panel, table = window.runs_panel, window.runs_panel.table
    first = train_in_studio(window, qtbot, 100)
    window.training_panel.optimizer.setCurrentText("sgd")
    second = train_in_studio(window, qtbot, 50)
    assert second is not first and second.parent == (first.id, first.step)
    window.training_panel.lr.setValue(0.03)  # changed while the run is paused
    train_in_studio(window, qtbot, 50)
    changed = f"learning rate 0.01 → 0.03 at step {second.lr_changes[0][0]:,}"
    qtbot.waitUntil(lambda: row_texts(panel, 1)[1].endswith(changed))
    assert row_texts(panel, 1)[1].startswith(f"from Run 1 @ step {first.step:,}, optimizer")
    trained_epochs = second.epoch - first.epoch
    assert row_texts(panel, 1)[5] == f"{second.epoch:,} (+{trained_epochs:,})"
    qtbot.waitUntil(lambda: all(changes_read_whole(table, row) for row in range(2)))
    for row in range(2):
        assert all(fits_on_a_line(table, row, column) for column in range(1, 6))

    click_row(qtbot, panel, 0)
    panel.slider.setFocus()
    qtbot.keyClick(panel.slider, Qt.Key.Key_Home)
    qtbot.keyClick(panel.slider, Qt.Key.Key_Right)
    qtbot.mouseClick(panel.branch, Qt.MouseButton.LeftButton)
    branch = window.training.session.run
    assert branch.parent[0] == first.id and panel.selected_runs() == [branch]
    assert panel.timeline.run is branch
    qtbot.waitUntil(lambda: branch.step > branch.start.step + 100, timeout=20_000)
    qtbot.mouseClick(window.training_panel.pause, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: branch.status == "paused", timeout=10_000)
    qtbot.waitUntil(lambda: panel.timeline.position.text().startswith(f"step {branch.step:,} "))
    assert panel.slider.maximum() == len(branch.timeline()) - 1 > 0
    assert window.loss_plot.overlay_curves == []  # the branch is drawn as itself
