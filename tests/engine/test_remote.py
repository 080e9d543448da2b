"""Training in a child process: the same run, driven the same way, reported the same."""

import os
import pickle
import threading

import numpy as np
import pytest

from nnstudio.engine import halves
from nnstudio.engine.network import Network
from nnstudio.engine.remote import RemoteTrainer, TrainerRecipe, TrainingProcessError
from nnstudio.engine.snapshot import FINISHED, PAUSED, STOPPED
from nnstudio.engine.trainer import Trainer

SPEC = {
    "inputs": 2,
    "layers": [{"units": 6, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
}


def _recipe(**options):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    net = Network.from_spec(SPEC, seed=1)
    return TrainerRecipe(
        SPEC, "float32", net.get_weights(), X, y, {"batch_size": 10, "lr": 0.05, **options}
    )


class Driver:
    """Runs a trainer's snapshot generator on a thread, as the studio's bridge does."""

    def __init__(self, trainer):
        self.trainer, self.snapshots, self.error = trainer, [], None
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self):
        try:
            self.snapshots.extend(self.trainer.run())
        except TrainingProcessError as exc:
            self.error = exc

    def wait_for(self, condition, timeout=30.0):
        import time

        deadline = time.monotonic() + timeout
        while not (self.snapshots and condition(self.snapshots[-1])):
            assert self.thread.is_alive() or self.snapshots, f"ended: {self.error}"
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.01)
        return self.snapshots[-1]

    def finish(self):
        self.thread.join(30)
        assert not self.thread.is_alive()


def test_a_remote_run_is_bit_for_bit_the_local_run():
    recipe = _recipe(epochs=3)
    local = recipe.build()
    last_local = list(local.run())[-1]
    driver = Driver(RemoteTrainer(recipe))
    driver.finish()
    last = driver.snapshots[-1]
    assert last.status == FINISHED and last.step == last_local.step == 36
    for (w, b), (lw, lb) in zip(last.weights, last_local.weights):
        np.testing.assert_array_equal(w, lw)
        np.testing.assert_array_equal(b, lb)
    assert dict(last.metrics) == dict(last_local.metrics)
    assert not last.weights[0][0].flags.writeable
    assert driver.trainer.steps_per_epoch == 12 and last.cpu_cores > 0


def test_commands_reach_the_process_before_and_during_the_run():
    trainer = RemoteTrainer(_recipe())
    trainer.pause()  # before the process exists: queued
    trainer.step(3)
    driver = Driver(trainer)
    assert driver.wait_for(lambda s: s.step == 3 and s.status == PAUSED).epoch == 0
    trainer.step_epoch()
    assert driver.wait_for(lambda s: s.step == 12 and s.status == PAUSED).epoch == 1
    edited = [(w.copy(), b.copy()) for w, b in driver.snapshots[-1].weights]
    edited[0][0][:] = 0.25
    trainer.set_weights(edited)
    shown = driver.wait_for(lambda s: s.weights[0][0][0, 0] == np.float32(0.25))
    assert shown.step == 12
    trainer.lr = 1e-9  # the next steps barely move the weights
    trainer.step(2)
    after = driver.wait_for(lambda s: s.step == 14)
    assert np.abs(after.weights[0][0] - 0.25).max() < 1e-6
    trainer.resume()
    driver.wait_for(lambda s: s.step > 30)
    trainer.stop()
    driver.finish()
    assert driver.snapshots[-1].status == STOPPED
    assert trainer.step_count == driver.snapshots[-1].step


def test_the_snapshot_interval_changes_during_the_run():
    import time

    trainer = RemoteTrainer(_recipe())
    driver = Driver(trainer)
    driver.wait_for(lambda s: s.step > 0)
    trainer.snapshot_interval = 0.4
    time.sleep(0.3)  # the command arrives; snapshots already on their way are counted out
    before = len(driver.snapshots)
    time.sleep(1.2)
    slow = len(driver.snapshots) - before
    trainer.snapshot_interval = 1 / 30
    time.sleep(0.3)
    before = len(driver.snapshots)
    time.sleep(1.2)
    fast = len(driver.snapshots) - before
    trainer.stop()
    driver.finish()
    assert 1 <= slow <= 4 and fast >= 4 * slow


def test_bad_weights_are_refused_at_once_and_a_failing_process_is_reported():
    trainer = RemoteTrainer(_recipe())
    with pytest.raises(Exception, match="shape|expected"):
        trainer.set_weights([(np.zeros((3, 6)), np.zeros(6))])
    broken = TrainerRecipe(
        SPEC, "float32", _recipe().weights, np.zeros((5, 2)), np.zeros((5, 3)), {"batch_size": 2}
    )  # 3 targets, 1 output
    driver = Driver(RemoteTrainer(broken))
    driver.finish()
    assert driver.error is not None and "TrainingConfigError" in str(driver.error)


def test_the_best_epoch_crosses_the_process_boundary():
    from nnstudio.engine.remote import _from_wire, _to_wire

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(float)
    net = Network.from_spec({"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid"}]})
    trainer = Trainer(net, X, y, epochs=3, batch_size=10, snapshot_interval=60)
    last = list(trainer.run())[-1]
    again = _from_wire(pickle.loads(pickle.dumps(_to_wire(last))))
    assert again.best.step == last.best.step and dict(again.best.metrics) == dict(last.best.metrics)
    for (w, b), (w0, b0) in zip(again.best.weights, last.best.weights):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(b, b0)
        assert not (w.flags.writeable or b.flags.writeable)


class EnvironmentReport(TrainerRecipe):
    """A recipe whose build, in the training process, fails with what OpenBLAS read."""

    def build(self):
        import os

        raise RuntimeError(f"OPENBLAS_THREAD_TIMEOUT={os.environ.get('OPENBLAS_THREAD_TIMEOUT')}")


CONV_SPEC = {
    "inputs": [6, 6, 1],
    "layers": [
        {"type": "conv2d", "filters": 2, "kernel_size": 3},
        {"type": "flatten"},
        {"units": 1, "activation": "sigmoid"},
    ],
}


@pytest.mark.parametrize("convolutional", [True, False])
def test_a_convolutional_network_trains_in_the_training_environment(monkeypatch, convolutional):
    """OpenBLAS's threads sleep at once where batches train as halves; a dense network's
    threaded products would pay for waking them, and its process starts as the studio's."""
    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT", raising=False)
    recipe = _recipe()
    if convolutional:
        net = Network.from_spec(CONV_SPEC, seed=1)
        X = np.random.default_rng(0).normal(size=(40, 6, 6, 1))
        recipe = TrainerRecipe(CONV_SPEC, "float32", net.get_weights(), X, recipe.y[:40], {})
    report = EnvironmentReport(recipe.spec, recipe.dtype, recipe.weights, recipe.X, recipe.y)
    driver = Driver(RemoteTrainer(report))
    driver.finish()
    halved = convolutional and halves.worthwhile(Network.from_spec(CONV_SPEC, seed=0).layers)
    assert str(driver.error) == f"RuntimeError: OPENBLAS_THREAD_TIMEOUT={'4' if halved else None}"
    assert "OPENBLAS_THREAD_TIMEOUT" not in os.environ  # the studio's own is as it was
