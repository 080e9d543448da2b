"""Runs fed the snapshots of real training: checkpoints (start, log-spaced, pauses, best,
end; bounded), bounded history, branches counting on, summaries and comparisons."""

import math
import time

import numpy as np
import pytest

from nnstudio import datasets
from nnstudio.engine.network import Network
from nnstudio.engine.snapshot import FINISHED, PAUSED, RUNNING, STOPPED
from nnstudio.engine.trainer import Trainer
from nnstudio.model import runs as runs_module
from nnstudio.model.runs import (
    BEST,
    END,
    PAUSE,
    SCHEDULE_RATIO,
    SCHEDULED,
    START,
    Run,
    Runs,
    differences,
    frozen,
)
from nnstudio.model.training import DEFAULT_SETTINGS

SPEC = {
    "inputs": 2,
    "layers": [{"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
}
XOR = {"name": "xor", "params": {"n_samples": 40}}
DATA = datasets.load("xor", n_samples=40)


def make_run(run_id=1, weights=None, parent=None, start_epoch=0, spec=SPEC, **options):
    """A run and the trainer whose snapshots it records: one snapshot per step."""
    options = {
        "optimizer": "adam",
        "lr": 0.05,
        "batch_size": 10,
        "epochs": 12,
        "snapshot_interval": 0,
        **options,
    }
    net = Network.from_spec(spec, seed=1)
    if weights is not None:
        net.set_weights(weights)
    trainer = Trainer(net, DATA.X, DATA.y, **options)
    settings = {**DEFAULT_SETTINGS, **{k: v for k, v in options.items() if k in DEFAULT_SETTINGS}}
    run = Run(
        run_id,
        f"Run {run_id}",
        settings,
        spec,
        XOR,
        net.get_weights(),
        parent=parent,
        start_epoch=start_epoch,
        steps_per_epoch=trainer.steps_per_epoch,
    )
    return run, trainer


def record_all(run, snapshots):
    seen = []
    for snapshot in snapshots:
        run.record(snapshot)
        seen.append(snapshot)
    return seen


def same_weights(a, b):
    return len(a) == len(b) and all(
        np.array_equal(w, w0) and np.array_equal(b, b0) for (w, b), (w0, b0) in zip(a, b)
    )


def test_a_run_keeps_its_start_a_log_spaced_schedule_and_its_end():
    run, trainer = make_run()
    start = run.weights
    seen = record_all(run, trainer.run())
    at = {s.step: s for s in seen}  # the last snapshot at each step
    first, *middle, last = run.checkpoints
    assert (first.reason, first.step, first.epoch) == (START, 0, 0)
    assert same_weights(first.weights, start) and run.start is first
    assert (last.reason, last.step, last.epoch) == (END, trainer.step_count, trainer.epoch)
    assert same_weights(last.weights, trainer.net.get_weights())
    assert run.status == FINISHED and run.step == trainer.step_count
    scheduled = [c.step for c in middle]
    assert {c.reason for c in middle} == {SCHEDULED} and scheduled[0] == 1
    for step, following in zip(scheduled, scheduled[1:]):
        assert following == max(step + 1, math.ceil(step * SCHEDULE_RATIO))
    assert scheduled[-1] * SCHEDULE_RATIO > trainer.step_count - 1  # none missing at the end
    for checkpoint in run.checkpoints[1:]:
        snapshot = at[checkpoint.step]
        assert same_weights(checkpoint.weights, snapshot.weights)
        assert checkpoint.metrics == {k: v for k, v in snapshot.metrics.items() if k != "epoch"}
        assert checkpoint.weights[0][0].flags.writeable is False


def test_a_pause_and_a_stop_keep_where_they_happened():
    run, trainer = make_run(epochs=None)
    snapshots = trainer.run()
    for _ in range(7):
        run.record(next(snapshots))
    trainer.pause()
    paused = next(snapshots)
    run.record(paused)
    assert paused.status == PAUSED and run.status == PAUSED
    assert (run.checkpoints[-1].reason, run.checkpoints[-1].step) == (PAUSE, paused.step)
    assert same_weights(run.checkpoints[-1].weights, paused.weights)
    trainer.stop()  # a stop at the same step: the pause there becomes the run's end
    stopped = next(snapshots)
    run.record(stopped)
    assert stopped.status == STOPPED and stopped.step == paused.step
    assert [c.step for c in run.checkpoints].count(paused.step) == 1
    assert run.checkpoints[-1].reason == END

    run, trainer = make_run(epochs=None)
    snapshots = trainer.run()
    for _ in range(9):
        run.record(next(snapshots))
    trainer.stop()
    stopped = next(snapshots)
    run.record(stopped)
    assert run.status == STOPPED and run.step == stopped.step
    assert (run.checkpoints[-1].reason, run.checkpoints[-1].step) == (END, stopped.step)


def test_time_paused_is_not_training_time():
    run, trainer = make_run(epochs=30)
    snapshots = trainer.run()
    began = time.perf_counter()
    for _ in range(5):
        run.record(next(snapshots))
    trainer.pause()
    run.record(next(snapshots))
    pause = 0.3
    time.sleep(pause)
    trainer.resume()
    record_all(run, snapshots)
    wall = time.perf_counter() - began
    assert run.status == FINISHED
    assert 0 < run.summary()["seconds"] == run.training_seconds < wall - pause


@pytest.mark.parametrize("validation", [0.25, 0.0])
def test_the_best_checkpoint_has_the_lowest_loss_that_decides(validation):
    run, trainer = make_run(validation_split=validation, lr=0.2, epochs=30)
    seen = record_all(run, trainer.run())
    key = "val_loss" if validation else "loss"
    assert run.best_metric == key
    values = [s.metrics[key] for s in seen if key in s.metrics]
    best = run.best
    assert best.reason == BEST and best.metrics[key] == min(values)
    first = next(s for s in seen if s.metrics.get(key) == min(values))  # where it was reached
    assert best.step == first.step and same_weights(best.weights, first.weights)
    assert ("val_loss" in best.metrics) == bool(validation)
    assert run.summary()["best"] == min(values)


def test_checkpoints_stay_bounded_over_a_long_run(monkeypatch):
    monkeypatch.setattr(runs_module, "MAX_CHECKPOINTS", 6)
    run, trainer = make_run(epochs=300)
    start = run.start
    snapshots = trainer.run()
    for k, snapshot in enumerate(snapshots):
        run.record(snapshot)
        if k % 40 == 39:  # a pause now and then
            trainer.pause()
            run.record(next(snapshots))
            trainer.resume()
        timeline = run.timeline()
        assert len(timeline) <= 6 and timeline[0] is start
        assert [c.step for c in timeline] == sorted(c.step for c in timeline)
    assert trainer.step_count == 1200 and run.checkpoints[-1].reason == END
    assert run.checkpoints[-1].step == trainer.step_count
    assert {c.reason for c in run.checkpoints[1:-1]} <= {SCHEDULED, PAUSE}


def test_checkpoint_bytes_stay_bounded_and_a_stopped_run_keeps_where_it_stopped(monkeypatch):
    run, trainer = make_run(epochs=None)
    limit = 5 * run.start.nbytes
    monkeypatch.setattr(runs_module, "MAX_CHECKPOINT_BYTES", limit)
    snapshots = trainer.run()
    for k, snapshot in enumerate(snapshots):
        run.record(snapshot)
        assert sum(c.nbytes for c in run.timeline()) <= limit
        if k % 50 == 49:
            trainer.pause()
            run.record(next(snapshots))
            trainer.resume()
        if k == 700:
            trainer.stop()
    assert run.status == STOPPED and run.start.reason == START and run.start.step == 0
    last = run.checkpoints[-1]
    assert last.step == run.step and same_weights(last.weights, run.weights)


def test_history_stays_bounded_and_evenly_sampled(monkeypatch):
    monkeypatch.setattr(runs_module, "STEP_POINTS", 100)
    monkeypatch.setattr(runs_module, "EPOCH_POINTS", 30)
    run, trainer = make_run(epochs=250, validation_split=0.25)
    seen = record_all(run, trainer.run())
    losses = np.concatenate([s.losses for s in seen])
    assert len(losses) == trainer.step_count == 250 * trainer.steps_per_epoch
    x, y = run.curves()["loss"]
    stride = run.steps.stride
    assert 50 <= len(x) <= 100 and stride > 1
    np.testing.assert_array_equal(x, 1 + stride * np.arange(len(x)))
    np.testing.assert_allclose(y, losses[: len(y) * stride].reshape(-1, stride).mean(axis=1))
    epochs = [e for s in seen for e in s.epochs]
    assert len(epochs) == 250
    for key in ("val_loss", "accuracy", "val_accuracy"):
        ex, ey = run.curves()[key]
        assert 15 <= len(ex) <= 30 and ex[0] == run.steps_per_epoch
        assert np.all(np.diff(ex) == np.diff(ex)[0])
        values = np.array([e[key] for e in epochs])
        n = run.epochs[key].stride
        np.testing.assert_allclose(ey, values[: len(ey) * n].reshape(-1, n).mean(axis=1))


def test_a_branch_counts_its_steps_and_epochs_on_from_where_it_started():
    parent, trainer = make_run()
    record_all(parent, trainer.run())
    mid = next(c for c in parent.checkpoints if c.step % parent.steps_per_epoch)  # mid-epoch
    assert 0 < mid.epoch or mid.step < parent.steps_per_epoch
    branch, trainer = make_run(
        2, weights=mid.weights, parent=(parent.id, mid.step), start_epoch=mid.epoch, epochs=5
    )
    assert (branch.start.step, branch.start.epoch) == (mid.step, mid.epoch)
    assert same_weights(branch.start.weights, mid.weights)
    seen = record_all(branch, trainer.run())
    assert branch.step == mid.step + trainer.step_count
    assert branch.epoch == mid.epoch + 5
    x, _ = branch.curves()["loss"]
    np.testing.assert_array_equal(x, mid.step + np.arange(1, trainer.step_count + 1))
    ex, _ = branch.curves()["accuracy"]
    np.testing.assert_array_equal(ex, mid.step + branch.steps_per_epoch * np.arange(1, 6))
    assert all(c.step > mid.step for c in branch.checkpoints[1:])
    assert branch.checkpoints[-1].step == mid.step + seen[-1].step
    assert [c.epoch for c in branch.checkpoints] == sorted(c.epoch for c in branch.checkpoints)
    assert branch.checkpoints[-1].epoch == branch.epoch


def test_summary_curves_and_timeline():
    run, trainer = make_run(validation_split=0.25, epochs=20)
    seen = record_all(run, trainer.run())
    last = seen[-1].metrics
    summary = run.summary()
    assert summary["loss"] == last["loss"] and summary["accuracy"] == last["val_accuracy"]
    assert summary["best"] == run.best.metrics["val_loss"] and summary["epochs"] == 20
    epochs = [e for s in seen for e in s.epochs]
    curves = run.curves()
    assert set(curves) == {"loss", "val_loss", "accuracy", "val_accuracy"}
    for key in ("val_loss", "accuracy", "val_accuracy"):
        x, y = curves[key]
        np.testing.assert_array_equal(x, [e["epoch"] * run.steps_per_epoch for e in epochs])
        np.testing.assert_array_equal(y, [e[key] for e in epochs])
    np.testing.assert_array_equal(curves["loss"][1], np.concatenate([s.losses for s in seen]))
    timeline = run.timeline()
    assert timeline[0] is run.start and timeline.count(run.best) == 1
    assert set(map(id, timeline)) == set(map(id, run.checkpoints)) | {id(run.best)}
    steps = [c.step for c in timeline]
    assert steps == sorted(steps)
    at_best = [c for c in timeline if c.step == run.best.step]
    assert at_best[0] is run.best  # before another checkpoint of the same step

    plain, trainer = make_run(epochs=3)
    record_all(plain, trainer.run())
    assert set(plain.curves()) == {"loss", "accuracy"}
    assert plain.summary()["accuracy"] == plain.metrics["accuracy"]


def test_differences_name_the_settings_the_network_and_the_data_that_changed():
    first, _ = make_run(1)
    assert differences(first, None) == {}
    again, _ = make_run(2)
    assert differences(again, first) == {}
    sgd, _ = make_run(3, optimizer="sgd", lr=0.1)
    assert differences(sgd, first) == {"optimizer": ("adam", "sgd"), "lr": (0.05, 0.1)}
    wider = {**SPEC, "layers": [{"units": 6, "activation": "relu"}, SPEC["layers"][1]]}
    other, _ = make_run(4, spec=wider)
    changed = differences(other, first)
    assert set(changed) == {"network"}
    before, after = changed["network"]
    assert "2-4-1" in before and "tanh" in before and "2-6-1" in after and "relu" in after
    other.dataset = {"name": "spiral", "params": {"n_samples": 40}}
    assert differences(other, first)["dataset"] == ("xor", "spiral")
    other.dataset = {"name": "xor", "params": {"n_samples": 80}}
    before, after = differences(other, first)["dataset"]
    assert before != after and "40" in before and "80" in after


def test_the_runs_list_never_gives_an_id_twice_and_says_what_changed():
    events = []
    runs = Runs()
    for signal, name in zip(runs.events(), ("added", "removed", "changed")):
        signal.connect(lambda run, name=name: events.append((name, run.id)))
    first, _ = make_run(runs.next_id())
    runs.add(first)
    second, _ = make_run(runs.next_id())
    runs.add(second)
    assert [run.id for run in runs] == [1, 2] and runs.previous(second) is first
    assert runs.previous(first) is None and runs.get(2) is second and runs.get(3) is None
    runs.remove(second)  # a branch of it would otherwise name itself as its parent
    assert runs.next_id() == 3
    runs.rename(first, "  baseline ")
    runs.rename(first, "baseline")  # no change, no event
    runs.rename(first, "   ")
    assert first.name == "baseline"
    assert events == [("added", 1), ("added", 2), ("removed", 2), ("changed", 1)]
    assert Runs([second, first]).next_id() == 3


def test_snapshots_are_recorded_as_they_came_while_running():
    run, trainer = make_run(epochs=2)
    seen = record_all(run, trainer.run())
    assert seen[0].status == RUNNING and run.status == FINISHED
    assert run.epoch == 2 and run.step == trainer.step_count
    assert same_weights(run.weights, seen[-1].weights)
    # a snapshot's read-only weights are kept as they are (no copy 30 times a second);
    # weights anyone could still change are copied
    assert run.weights[0][0] is seen[-1].weights[0][0]
    mine = [(w.copy(), b.copy()) for w, b in seen[-1].weights]
    kept = frozen(mine)
    assert kept[0][0] is not mine[0][0] and not kept[0][0].flags.writeable
    mine[0][0][...] = 0
    assert kept[0][0].any()


def test_the_best_checkpoint_holds_exactly_the_weights_of_the_best_epoch():
    # a learning rate that overshoots: the best epoch is not the last; and one snapshot,
    # at the end, so only the trainer could have kept the best epoch's weights
    run, trainer = make_run(epochs=30, snapshot_interval=60, lr=1.0)
    record_all(run, trainer.run())
    best = run.best
    assert best.epoch < run.epoch
    epochs = trainer.history["loss"]
    assert best.metrics["loss"] == min(epochs)
    again, replay = make_run(epochs=best.epoch, lr=1.0)  # the same run, stopped there
    record_all(again, replay.run())
    assert again.step == best.step
    assert same_weights(best.weights, again.weights)


def test_a_learning_rate_changed_while_training_is_logged_at_the_step_it_applies_from():
    run, trainer = make_run(epochs=4)
    snapshots = trainer.run()
    run.record(next(snapshots))
    run.record(next(snapshots))
    first = run.step
    trainer.lr = 0.2
    trainer.lr = 0.1  # again before a step trained with 0.2: only 0.1 counts
    run.record(next(snapshots))
    assert run.lr_changes == [(first, 0.1)] and run.lr == 0.1
    assert trainer.optimizer.lr == 0.1
    run.record(next(snapshots))
    at = run.step
    trainer.lr = 0.05  # back to where it started: still a change, at its step
    record_all(run, snapshots)
    assert run.lr_changes == [(first, 0.1), (at, 0.05)]
    assert run.settings["lr"] == 0.05 and run.lr == 0.05  # it started with 0.05


def test_a_branch_logs_learning_rate_changes_at_its_own_steps():
    parent, trainer = make_run()
    record_all(parent, trainer.run())
    branch, trainer = make_run(2, weights=parent.weights, parent=(1, parent.step))
    snapshots = trainer.run()
    branch.record(next(snapshots))
    trainer.lr = 0.3
    record_all(branch, snapshots)
    assert branch.lr_changes == [(parent.step + 1, 0.3)]
