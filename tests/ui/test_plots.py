"""The live plots: a step axis that grows in jumps, and the
decision plane."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnstudio.engine.network import Network
from nnstudio.model.runs import Run
from nnstudio.ui.boundary_plot import BoundaryPlot
from nnstudio.ui.plots import LossPlot, StickyRange


def live_run(plot: LossPlot, start: int = 0) -> Run:
    """A new run, shown by ``plot`` as it grows (a branch from ``start``)."""
    parent = (99, start) if start else None
    run = Run(1, "Run 1", {}, {}, {}, [(np.zeros((2, 1)), np.zeros(1))], parent=parent)
    plot.show_run(run)
    return run


def grow(plot: LossPlot, run: Run, losses, epochs=()) -> None:
    """``run`` records the losses of its next steps and these epochs' metrics; the
    plot draws a frame."""
    first = run.step + 1
    run.steps.extend(np.arange(first, first + len(losses), dtype=float), np.asarray(losses))
    run.step += len(losses)
    for metrics in epochs:
        for key, value in metrics.items():
            if key != "epoch":
                x = np.array([metrics["epoch"] * 10.0])
                run._epoch_series(key).extend(x, np.array([value]))
    plot.redraw()


def test_the_step_axis_grows_in_jumps_and_stops_following_once_the_user_zooms(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    view = plot.plot.getViewBox()
    low, high = view.viewRange()[0]
    assert low <= 0 and 100 <= high < 110  # before any step: room for the first hundred
    run = live_run(plot)
    grow(plot, run, np.linspace(1, 0.5, 150))
    first = view.viewRange()[0][1]
    assert first >= 150 * 2
    grow(plot, run, np.full(50, 0.5))
    assert view.viewRange()[0][1] == first  # 200 steps still fit: no re-ticking
    grow(plot, run, np.full(200, 0.4))
    assert view.viewRange()[0][1] >= 400 * 2
    view.setXRange(50, 60)
    view.sigRangeChangedManually.emit(view.state["mouseEnabled"])
    grow(plot, run, np.full(1000, 0.3))
    assert view.viewRange()[0][1] < 100  # the user's zoom is kept
    run = live_run(plot)
    grow(plot, run, np.ones(10))
    assert view.viewRange()[0][1] >= 100  # a new run follows again


def test_a_branch_of_a_long_run_starts_its_step_axis_where_it_starts(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    view = plot.plot.getViewBox()
    run = live_run(plot, start=1_000_000)
    grow(plot, run, np.linspace(1, 0.5, 150))
    low, high = view.viewRange()[0]
    assert 999_000 < low <= 1_000_000 and 1_000_300 <= high < 1_001_000  # not a sliver
    plot.set_overlays([("parent", {"loss": (np.arange(0.0, 1e6), np.ones(1_000_000))})])
    low, high = view.viewRange()[0]
    assert low <= 0 and high >= 1_000_150  # compared with its parent: both whole


def test_a_sticky_range_moves_only_when_the_data_leaves_it_or_shrinks_to_under_half():
    sticky = StickyRange(padding=0.1)
    assert sticky.fit(np.array([np.nan, np.inf])) is None  # nothing finite: keep
    assert sticky.fit(np.array([0.0, 1.0])) == pytest.approx((-0.1, 1.1))
    assert sticky.fit(np.array([0.05, 1.05])) is None  # inside and more than half
    assert sticky.fit(np.array([0.0, 1.2])) == pytest.approx((-0.12, 1.32))  # left it
    assert sticky.fit(np.array([0.5, 0.6])) == pytest.approx((0.49, 0.61))  # < half
    assert sticky.fit(np.array([0.5, 0.6, np.nan])) is None
    sticky.reset()
    assert sticky.fit(np.array([0.5, 0.6])) is not None


def test_the_loss_axis_moves_in_jumps_and_follows_the_log_scale(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    view = plot.plot.getViewBox()
    run = live_run(plot)
    grow(plot, run, np.linspace(2.0, 1.0, 100))
    first = view.viewRange()[1]
    assert first[0] < 1.0 and first[1] > 2.0
    grow(plot, run, np.full(20, 1.05))
    assert view.viewRange()[1] == first  # still inside: no re-ticking
    grow(plot, run, np.full(20, 0.2))
    assert view.viewRange()[1][0] < 0.2  # the new low is shown
    plot.log_scale.setChecked(True)
    low, high = view.viewRange()[1]
    assert low < np.log10(0.2) < np.log10(2.0) < high  # log10 units in log mode


def test_accuracy_curves_appear_for_classification_epochs(qtbot):
    from types import MappingProxyType

    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show()
    assert not plot.accuracy.isVisible()  # until told the task is classification
    plot.show_curves(accuracy=True, validation=True)
    run = live_run(plot)
    grow(plot, run, np.ones(10))
    assert plot.accuracy.isVisible() and plot.train_accuracy.getData()[0] is None
    epochs = tuple(
        MappingProxyType(
            {
                "epoch": e,
                "loss": 1.0 / e,
                "accuracy": 0.5 + e / 10,
                "val_loss": 1.2 / e,
                "val_accuracy": 0.4 + e / 10,
            }
        )
        for e in (1, 2, 3)
    )
    grow(plot, run, np.ones(20), epochs)
    x, y = plot.train_accuracy.getData()
    assert x.tolist() == [10, 20, 30] and np.allclose(y, [0.6, 0.7, 0.8])
    assert np.allclose(plot.val_accuracy.getData()[1], [0.5, 0.6, 0.7])
    plot.show_run(None)
    assert plot.train_accuracy.getData()[0] is None and plot.accuracy.isVisible()


def legend_names(plot_widget) -> list[str]:
    return [label.text for _, label in plot_widget.getPlotItem().legend.items]


def test_validation_has_a_legend_entry_only_when_the_run_has_validation(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show_curves(accuracy=True, validation=False)
    assert legend_names(plot.plot) == ["training"]
    plot.show_curves(accuracy=True, validation=True)
    plot.show_curves(accuracy=True, validation=True)  # listed once, however often asked
    assert legend_names(plot.plot) == ["training", "validation"]


def test_the_decision_plane_fills_the_view_and_follows_zooming_out(qtbot):
    plot = BoundaryPlot()
    qtbot.addWidget(plot)
    plot.resize(600, 300)
    plot.show()
    X = np.random.default_rng(0).normal(size=(50, 2))
    plot.set_data(X, (X[:, 0] > 0).astype(int), 2)
    plot.update_from(
        Network.from_spec({"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid"}]}, seed=0)
    )
    view = plot.getViewBox()

    def coloured():
        return plot.image.mapRectToParent(plot.image.boundingRect())

    (x0, x1), (y0, y1) = view.viewRange()
    assert x1 - x0 > 1.5 * (y1 - y0)  # a wide panel, the data's square aspect kept...
    assert np.allclose([coloured().left(), coloured().right()], [x0, x1])  # ...all coloured
    view.scaleBy((3, 3))  # zoom out: the plane beyond the data is computed too
    (x0, x1), _ = view.viewRange()
    assert np.allclose([coloured().left(), coloured().right()], [x0, x1])
    assert plot.bounds[1] - plot.bounds[0] < (x1 - x0) / 3  # the data's own bounds stay


def test_clear_after_a_diverged_run_shows_the_initial_axes_and_follows_the_next_run(qtbot):
    fresh, plot = LossPlot(), LossPlot()
    for widget in (fresh, plot):
        qtbot.addWidget(widget)
    view = plot.plot.getViewBox()
    run = live_run(plot)
    grow(plot, run, np.geomspace(1.0, 1e27, 500))  # a diverging run
    plot.accuracy.setYRange(0.9, 0.95)
    assert view.viewRange()[1][1] > 1e26
    plot.show_run(None)
    assert view.viewRange() == fresh.plot.getViewBox().viewRange()  # steps 0–100 as well
    assert plot.accuracy.getViewBox().viewRange() == fresh.accuracy.getViewBox().viewRange()
    run = live_run(plot)
    grow(plot, run, np.linspace(0.5, 0.4, 50))
    low, high = view.viewRange()[1]
    assert low < 0.4 and 0.5 < high < 0.6  # fits the new run


def overlay_entries(plot: LossPlot) -> dict:
    """The loss legend's entries for overlaid runs: label -> the curve it stands for."""
    return {
        label.text: sample.item
        for sample, label in plot.plot.getPlotItem().legend.items
        if label.text not in ("training", "validation")
    }


def run_curves(steps: int, loss: float) -> dict:
    epochs = np.arange(1, steps // 100 + 1) * 100.0
    return {
        "loss": (np.arange(steps, dtype=float), np.full(steps, loss)),
        "val_loss": (epochs, np.full(len(epochs), 1.1 * loss)),
        "accuracy": (epochs, np.linspace(0.5, 0.9, len(epochs))),
        "val_accuracy": (epochs, np.linspace(0.4, 0.8, len(epochs))),
    }


def test_overlaid_runs_have_a_colour_and_a_legend_entry_each_and_can_be_replaced(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show_curves(accuracy=True, validation=True)
    items = len(plot.plot.getPlotItem().listDataItems())
    accuracy_items = len(plot.accuracy.getPlotItem().listDataItems())
    sgd, adam = run_curves(1000, 0.7), run_curves(600, 0.3)
    plot.set_overlays([("SGD", sgd), ("Adam", adam)])
    entries = overlay_entries(plot)
    assert list(entries) == ["SGD", "Adam"]  # one entry per run, not per curve
    assert plot.accuracy.getPlotItem().legend is None  # one legend tells both plots' colours
    for label, curves in (("SGD", sgd), ("Adam", adam)):
        np.testing.assert_array_equal(entries[label].getData()[1], curves["loss"][1])
    pens = [run["loss"].opts["pen"] for run in plot.overlay_curves]
    live = {plot.train.opts["pen"].color().name(), plot.validation.opts["pen"].color().name()}
    colours = {pen.color().name() for pen in pens}
    assert len(colours) == 2 and not colours & live
    for run in plot.overlay_curves:
        colour = run["loss"].opts["pen"].color().name()
        assert run["val_loss"].opts["pen"].style() == Qt.PenStyle.DashLine
        assert run["loss"].opts["pen"].style() == Qt.PenStyle.SolidLine
        assert run["val_loss"] in plot.plot.getPlotItem().listDataItems()
        for key in ("accuracy", "val_accuracy"):  # on the accuracy plot, in the run's colour
            assert run[key] in plot.accuracy.getPlotItem().listDataItems()
            assert run[key].opts["pen"].color().name() == colour
    for key, (x, y) in adam.items():
        np.testing.assert_array_equal(plot.overlay_curves[1][key].getData(), (x, y))
    for _ in range(5):  # replaced, not piled up
        plot.set_overlays([("Adam", adam)])
    assert list(overlay_entries(plot)) == ["Adam"]
    assert len(plot.plot.getPlotItem().listDataItems()) == items + 2
    assert len(plot.accuracy.getPlotItem().listDataItems()) == accuracy_items + 2
    np.testing.assert_array_equal(overlay_entries(plot)["Adam"].getData()[1], adam["loss"][1])
    plot.set_overlays([])
    assert overlay_entries(plot) == {}
    assert len(plot.plot.getPlotItem().listDataItems()) == items
    assert len(plot.accuracy.getPlotItem().listDataItems()) == accuracy_items
    assert plot.train.getData()[0] is None  # the live run's curves are untouched


def test_the_axes_cover_an_overlaid_longer_run_and_keep_following_the_live_one(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    view = plot.plot.getViewBox()
    run = live_run(plot)
    grow(plot, run, np.linspace(1.0, 0.5, 50))
    assert view.viewRange()[0][1] < 1000
    plot.set_overlays([("long run", run_curves(5000, 3.0))])
    (_, x1), (_, y1) = view.viewRange()
    assert x1 >= 5000 and y1 > 3.3  # the whole overlay, validation included
    grow(plot, run, np.full(8000, 0.5))
    assert view.viewRange()[0][1] >= 8050  # the live run, now longer, still followed
    live_run(plot)  # a new live run: the overlay stays, and the axes fit it
    (_, x1), (_, y1) = view.viewRange()
    assert 5000 <= x1 < 8000 and y1 > 3.3


def test_live_curves_are_named_after_their_run_when_asked(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show_curves(accuracy=True, validation=True)
    plot.name_live("Run 3")
    legend = plot.plot.getPlotItem().legend
    assert legend.getLabel(plot.train_smooth).text == "Run 3 · training"
    assert legend.getLabel(plot.validation).text == "Run 3 · validation"
    plot.show_curves(accuracy=True, validation=False)
    plot.show_curves(accuracy=True, validation=True)  # listed again: still named
    assert legend.getLabel(plot.validation).text == "Run 3 · validation"
    plot.name_live(None)
    assert legend.getLabel(plot.train_smooth).text == "training"


def test_a_recorded_run_is_shown_whole_on_a_step_axis_that_ends_with_it(qtbot):
    run = Run(1, "Run 1", {}, {}, {}, [(np.zeros((2, 1)), np.zeros(1))])
    run.steps.extend(np.arange(1.0, 5001.0), np.linspace(1.0, 0.1, 5000))
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show_run(run)
    np.testing.assert_array_equal(plot.train.yData, run.steps.data()[1])
    low, high = plot.plot.getViewBox().viewRange()[0]
    assert 5000 <= high <= 5000 * 1.1  # not twice the run, as while it grows


def test_a_run_that_is_not_training_ends_the_step_axis_with_overlays_shown_too(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    run = Run(1, "Run 1", {}, {}, {}, [(np.zeros((2, 1)), np.zeros(1))])
    run.steps.extend(np.arange(1.0, 1441.0), np.linspace(1.0, 0.1, 1440))
    run.status = "stopped"
    plot.show_run(run)
    plot.set_overlays([("Run 0", {"loss": (np.arange(1.0, 1001.0), np.ones(1000))})])
    high = plot.plot.getViewBox().viewRange()[0][1]
    assert 1440 <= high <= 1440 * 1.1  # not twice the run: it does not grow any more


def test_the_moment_shown_is_marked_on_the_loss_and_the_accuracy_plots(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.mark_step(120)
    assert plot.marker.isVisible() and plot.accuracy_marker.isVisible()
    assert plot.marker.value() == plot.accuracy_marker.value() == 120
    plot.mark_step(None)
    assert not plot.marker.isVisible() and not plot.accuracy_marker.isVisible()


def test_when_a_run_ends_the_step_axis_ends_with_it(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    run = live_run(plot)
    run.status = "running"
    grow(plot, run, np.linspace(1, 0.5, 1250))
    assert plot.plot.getViewBox().viewRange()[0][1] >= 2400  # room to grow while training
    run.status = "finished"
    plot.redraw()  # its last frame
    assert plot.plot.getViewBox().viewRange()[0][1] <= 1250 * 1.1


@pytest.fixture
def trained(qtbot):
    """A loss plot following a session that trains xor (a test split of 25%) through
    a real trainer; ``advance(n)`` records the next n snapshots and sends their frames."""
    from nnstudio.model.document import NetworkDocument
    from nnstudio.model.project import Project
    from nnstudio.model.session import TrainingSession
    from nnstudio.model.training import make_run
    from nnstudio.ui.training_controller import Frame

    doc = NetworkDocument(inputs=2, outputs=1, hidden=((4, "tanh"),), seed=2)
    project = Project(
        document=doc,
        dataset={"name": "xor", "params": {"n_samples": 80}},
        training={"epochs": 40, "batch_size": 10, "lr": 0.05, "test_split": 0.25},
    )
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.show_curves(accuracy=False, validation=False)  # as the controller says for xor
    session = TrainingSession(project)
    plot.follow(session)
    live = make_run(project, snapshot_interval=0)
    generation = session.begin(live.trainer.steps_per_epoch)
    snapshots = live.trainer.run()

    def advance(n: int):
        for _ in range(n):
            snapshot = next(snapshots)
            session.record(generation, snapshot)
            live.net.set_weights(snapshot.weights)
            plot.show_frame(Frame(live.net, live.parts, live.scaler, live.data, snapshot))
            plot.redraw()
        return snapshot

    return plot, session, live, advance


def _tested(plot) -> int:
    """How many test losses the plot draws (pyqtgraph gives None before any)."""
    x = plot.test.getData()[0]
    return 0 if x is None else len(x)


def test_the_test_loss_shows_beside_the_training_loss_throttled(trained, monkeypatch, qtbot):
    from nnstudio.ui import test_loss
    from nnstudio.ui.test_loss import loss_on_test

    plot, session, live, advance = trained
    clock = [100.0]
    monkeypatch.setattr(test_loss.time, "monotonic", lambda: clock[0])
    advance(5)  # five frames in no time: one test loss
    qtbot.waitUntil(lambda: _tested(plot) == 1)
    advance(3)
    x, y = plot.test.getData()
    assert len(x) == 1 and x[0] == session.run.steps.data()[0][0]
    assert legend_names(plot.plot) == ["Run 1 · training", "Run 1 · test"]  # by default
    clock[0] += test_loss.TEST_EVERY_S
    snapshot = advance(1)
    qtbot.waitUntil(lambda: _tested(plot) == 2)
    x, y = plot.test.getData()
    assert x[-1] == session.run.step
    live.net.set_weights(snapshot.weights)
    assert y[-1] == pytest.approx(loss_on_test(live.net, live.parts.test, None))
    assert y[-1] > 0


def test_a_slow_test_loss_is_computed_less_often_and_off_the_gui_thread(
    trained, monkeypatch, qtbot
):
    """A test loss that takes 0.3 s (a CNN's on 2,000 images) runs on a thread of its
    own and waits 0.3 / TEST_SHARE seconds before the next, so it never takes more
    than that share of the studio; the run's last frame is always computed."""
    import dataclasses
    import threading

    from nnstudio.ui import test_loss

    plot, _, live, advance = trained
    clock = [100.0]
    monkeypatch.setattr(test_loss.time, "monotonic", lambda: clock[0])
    threads = []

    def slow_loss(net, part, loss_name):
        clock[0] += 0.3
        threads.append(threading.current_thread())
        return 1.0

    monkeypatch.setattr(test_loss, "loss_on_test", slow_loss)

    def tested(count):
        qtbot.waitUntil(lambda: _tested(plot) == count)

    advance(1)
    tested(1)
    assert threads == [t for t in threads if t is not threading.main_thread()]
    wait = 0.3 / test_loss.TEST_SHARE
    assert wait > test_loss.TEST_EVERY_S
    clock[0] += wait - 0.31  # the 0.3 s it took count in
    advance(1)
    clock[0] += 0.02
    advance(1)
    tested(2)
    assert len(threads) == 2
    snapshot = advance(1)  # not due
    plot.show_frame(plots_frame(live, dataclasses.replace(snapshot, status="finished")))
    tested(3)


def plots_frame(live, snapshot):
    from nnstudio.ui.training_controller import Frame

    return Frame(live.net, live.parts, live.scaler, live.data, snapshot)


def test_the_smoothing_slider_changes_the_drawn_curve_over_the_faint_raw_one(trained):
    from nnstudio.model.series import smoothed

    plot, session, _, advance = trained
    advance(20)
    raw_x, raw_y = session.run.steps.data()
    assert plot.smoothing_slider.value() == 60
    np.testing.assert_array_equal(plot.train.getData()[1], raw_y)  # the raw curve, faint
    assert (
        plot.train.opts["pen"].color().lightness()
        > plot.train_smooth.opts["pen"].color().lightness()
    )
    np.testing.assert_allclose(plot.train_smooth.getData()[1], smoothed(raw_y, 0.6))
    plot.smoothing_slider.setValue(95)
    np.testing.assert_allclose(plot.train_smooth.getData()[1], smoothed(raw_y, 0.95))
    plot.smoothing_slider.setValue(0)  # no smoothing: the raw curve alone
    np.testing.assert_array_equal(plot.train_smooth.getData()[1], raw_y)
    assert plot.train.getData()[0] is None or not len(plot.train.getData()[0])


def test_a_mark_appears_at_the_step_a_learning_rate_change_applied(trained):
    plot, session, live, advance = trained
    advance(3)
    assert plot._marks == []
    live.trainer.lr = 0.2
    advance(3)
    (at, lr), *_ = session.run.lr_changes
    assert lr == 0.2 and [(m.value(), m.label.format) for m in plot._marks] == [(at, "lr 0.2")]


def test_a_branch_with_another_network_and_rate_is_marked_where_it_starts(trained):
    from nnstudio.model.training import make_run

    plot, session, _, advance = trained
    snapshot = advance(4)
    project = session.project
    project.document.set_weights([(w, b) for w, b in snapshot.weights])  # as the canvas does
    session.end()
    project.document.set_units(1, 7)
    project.training["lr"] = 0.1
    live = make_run(project, snapshot_interval=0)
    session.begin(live.trainer.steps_per_epoch)
    run = session.run
    assert run.parent is not None and run.start.step > 0
    plot.redraw()
    marks = [(m.value(), m.label.format) for m in plot._marks]
    assert marks == [(run.start.step, "network, lr 0.1")]


def test_axes_read_as_a_person_writes_them(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(500, 400)
    plot.show()
    run = live_run(plot)
    grow(plot, run, [0.693])  # a one-step run: a few readable ticks, not ten decimals
    left = plot.plot.getAxis("left")
    (low, high) = plot.plot.getViewBox().viewRange()[1]
    spacing = left.tickSpacing(low, high, 300)[0][0]
    texts = left.tickStrings(list(np.arange(0.68, 0.70, spacing)), 1, spacing)
    assert all(len(t.partition(".")[2]) <= 3 for t in texts)
    run = live_run(plot)
    grow(plot, run, np.geomspace(1.0, 1.5e7, 50))  # diverging
    assert (
        "x1e" not in left.labelString() and "x1e" not in plot.plot.getAxis("bottom").labelString()
    )
    assert left.tickStrings([0.0, 5e6, 1e7, 1.5e7], 1, 5e6) == ["0", "5 M", "10 M", "15 M"]
    assert left.tickStrings([-2.384e-08, 0.5], 1, 0.5) == ["0", "0.5"]  # a loss: not negative
    assert plot.plot.getPlotItem().layout.getContentsMargins()[1] >= 8  # the top tick whole
