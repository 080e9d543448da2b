"""Training slowed to a pace: so many steps a second, each one shown, changed live."""

import threading
import time

import numpy as np
import pytest
from test_remote import Driver, _recipe

from nnstudio.engine.network import Network
from nnstudio.engine.pace import checked_pace
from nnstudio.engine.remote import RemoteTrainer
from nnstudio.engine.snapshot import PAUSED, RUNNING
from nnstudio.engine.trainer import Trainer
from nnstudio.errors import TrainingConfigError

SPEC = {"inputs": 2, "layers": [{"units": 3, "activation": "tanh"}, {"units": 1}]}


def _trainer(**options):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 2)), rng.normal(size=64)
    return Trainer(Network(SPEC, seed=0), X, y, optimizer="sgd", lr=0.01, batch_size=8, **options)


def _run_for(trainer, seconds):
    snapshots = []
    thread = threading.Thread(target=lambda: snapshots.extend(trainer.run()))
    thread.start()
    time.sleep(seconds)
    trainer.stop()
    thread.join(10)
    return snapshots


def test_a_pace_trains_that_many_steps_a_second_and_shows_each():
    snapshots = _run_for(_trainer(steps_per_second=20), 1.0)
    steps = [s.step for s in snapshots if s.status == RUNNING]
    assert 12 <= snapshots[-1].step <= 22
    assert steps == list(range(1, len(steps) + 1))  # one snapshot for every step


def test_full_speed_is_far_faster_and_does_not_report_every_step():
    snapshots = _run_for(_trainer(), 0.5)
    assert snapshots[-1].step > 500
    assert len(snapshots) < snapshots[-1].step / 10


def test_the_pace_changes_while_a_slow_step_waits():
    trainer = _trainer(steps_per_second=0.2)  # one step every 5 s
    snapshots = []
    thread = threading.Thread(target=lambda: snapshots.extend(trainer.run()))
    thread.start()
    time.sleep(0.3)
    assert trainer.step_count == 1
    trainer.steps_per_second = None
    time.sleep(0.5)
    trainer.stop()
    thread.join(10)
    assert snapshots[-1].step > 100


def test_pause_does_not_wait_for_the_next_slow_step():
    trainer = _trainer(steps_per_second=0.2)
    snapshots = []
    thread = threading.Thread(target=lambda: snapshots.extend(trainer.run()))
    thread.start()
    time.sleep(0.3)
    asked = time.perf_counter()
    trainer.pause()
    while not (snapshots and snapshots[-1].status == PAUSED):
        assert time.perf_counter() - asked < 1.0, "pause waited for the pace"
        time.sleep(0.01)
    trainer.step()  # stepping by hand is not paced
    while snapshots[-1].step < 2:
        assert time.perf_counter() - asked < 1.0, "a step waited for the pace"
        time.sleep(0.01)
    trainer.stop()
    thread.join(10)


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan"), True, "fast", 1e9])
def test_a_pace_that_cannot_work_is_refused(bad):
    with pytest.raises(TrainingConfigError, match="steps a second"):
        checked_pace(bad)
    with pytest.raises(TrainingConfigError, match="steps a second"):
        _trainer(steps_per_second=bad)


def test_a_remote_trainer_takes_its_pace_live():
    trainer = RemoteTrainer(_recipe(steps_per_second=10))
    driver = Driver(trainer)
    driver.wait_for(lambda s: s.step >= 3)
    began, step = time.perf_counter(), trainer.step_count
    time.sleep(1.0)
    slow = (trainer.step_count - step) / (time.perf_counter() - began)
    trainer.steps_per_second = None
    driver.wait_for(lambda s: s.step >= step + 300)
    trainer.stop()
    driver.thread.join(30)
    assert 4 <= slow <= 14
