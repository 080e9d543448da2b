"""The snapshot generator: rate, control from another thread, divergence, determinism."""

import math
import threading

import numpy as np
import pytest

import nnstudio
from nnstudio.engine.trainer import DIVERGED, FINISHED, PAUSED, STOPPED, Trainer
from nnstudio.errors import SpecError, TrainingConfigError, TrainingDiverged

SPEC = {
    "inputs": 2,
    "layers": [{"units": 8, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
}


def _blobs(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(float)


def test_snapshots_are_rate_limited_and_carry_every_step_loss():
    X, y = _blobs()
    trainer = Trainer(nnstudio.Network.from_spec(SPEC), X, y, batch_size=4, epochs=60)
    snapshots = list(trainer.run())
    assert trainer.step_count == 60 * 50
    assert len(snapshots) < trainer.step_count / 20
    assert sum(len(s.losses) for s in snapshots) == trainer.step_count
    assert sum(len(s.epochs) for s in snapshots) == 60
    assert snapshots[-1].status == FINISHED and snapshots[-1].finished
    assert [e["epoch"] for s in snapshots for e in s.epochs] == list(range(1, 61))


def test_time_spent_paused_does_not_count_against_the_training_speed():
    X, y = _blobs()
    trainer = Trainer(nnstudio.Network.from_spec(SPEC), X, y, batch_size=4, snapshot_interval=0.05)
    trainer.pause()
    snapshots = trainer.run()
    assert next(snapshots).status == PAUSED
    threading.Timer(0.5, trainer.resume).start()
    resumed = next(snapshots)  # blocks through the pause
    trainer.stop()
    steps = len(resumed.losses)
    assert steps > 1
    # the samples of this snapshot over the time it trained (~0.05 s), not over the pause
    assert resumed.samples_per_second > steps * 4 / 0.3


def test_snapshot_weights_are_read_only_copies():
    X, y = _blobs()
    net = nnstudio.Network.from_spec(SPEC)
    trainer = Trainer(net, X, y, epochs=2)
    last = list(trainer.run())[-1]
    w0, b0 = last.weights[0]
    assert np.array_equal(w0, net.get_weights()[0][0])
    with pytest.raises(ValueError):
        w0[0, 0] = 1.0
    net.parameters[...] = 0
    assert np.any(last.weights[0][0] != 0)


def test_same_seed_gives_identical_weights_bit_for_bit():
    X, y = _blobs()
    runs = []
    for _ in range(2):
        net = nnstudio.Network.from_spec(SPEC, seed=7)
        nnstudio.fit(net, X, y, epochs=5, batch_size=16, seed=3, validation_split=0.2)
        runs.append(net.parameters.copy())
    assert np.array_equal(runs[0], runs[1])
    other = nnstudio.Network.from_spec(SPEC, seed=7)
    nnstudio.fit(other, X, y, epochs=5, batch_size=16, seed=4, validation_split=0.2)
    assert not np.array_equal(runs[0], other.parameters)


def test_float64_on_request_and_same_start_as_float32():
    a = nnstudio.Network.from_spec(SPEC, seed=1)
    b = nnstudio.Network.from_spec(SPEC, seed=1, dtype="float64")
    assert a.parameters.dtype == np.float32 and b.parameters.dtype == np.float64
    assert np.allclose(a.parameters, b.parameters, atol=1e-7)
    assert b.predict(np.zeros((3, 2))).dtype == np.float64


def test_pause_step_and_stop_from_another_thread():
    X, y = _blobs()
    trainer = Trainer(nnstudio.Network.from_spec(SPEC), X, y, batch_size=10)
    trainer.pause()
    received = []
    worker = threading.Thread(target=lambda: received.extend(trainer.run()))
    worker.start()
    _wait_for(lambda: len(received) == 1)
    assert received[0].status == PAUSED and trainer.step_count == 0

    trainer.step()
    _wait_for(lambda: len(received) == 2)
    assert received[1].status == PAUSED and trainer.step_count == 1
    assert len(received[1].losses) == 1

    trainer.step_epoch()
    _wait_for(lambda: len(received) == 3)
    assert trainer.step_count == 20 and trainer.epoch == 1

    trainer.resume()
    _wait_for(lambda: trainer.epoch > 3)
    trainer.stop()
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert received[-1].status == STOPPED


def test_live_learning_rate_change_is_used_by_the_next_step():
    X, y = _blobs()
    net = nnstudio.Network.from_spec(SPEC)
    trainer = Trainer(net, X, y, optimizer="sgd", lr=0.1, shuffle=False)
    trainer.step()
    run = trainer.run()
    next(run)
    before = net.parameters.copy()
    trainer.lr = 0.0001
    trainer.step()
    next(run)
    moved = np.abs(net.parameters - before).max()
    assert 0 < moved < 0.001


def test_divergence_restores_finite_weights_and_says_what_to_do():
    X, y = _blobs()
    X = X * 1e3
    net = nnstudio.Network.from_spec(
        {"inputs": 2, "layers": [{"units": 8, "activation": "relu"}, {"units": 1}]}
    )
    with pytest.raises(TrainingDiverged, match="lower learning rate") as info:
        nnstudio.fit(net, X, y * 1e3, optimizer="sgd", lr=10.0, epochs=50)
    assert np.isfinite(net.parameters).all()
    assert "loss" in info.value.history


def test_divergence_is_a_final_snapshot_for_the_gui():
    X, y = _blobs()
    net = nnstudio.Network.from_spec(
        {"inputs": 2, "layers": [{"units": 8, "activation": "relu"}, {"units": 1}]}
    )
    snapshots = list(Trainer(net, X * 1e3, y * 1e3, optimizer="sgd", lr=10.0, epochs=50).run())
    assert snapshots[-1].status == DIVERGED
    assert "learning rate" in snapshots[-1].message
    assert all(np.isfinite(w).all() and np.isfinite(b).all() for w, b in snapshots[-1].weights)


def test_stops_at_the_target_loss():
    X, y = _blobs()
    history = nnstudio.fit(
        nnstudio.Network.from_spec(SPEC),
        X,
        y,
        optimizer="adam",
        lr=0.05,
        epochs=500,
        target_loss=0.3,
    )
    assert history["loss"][-1] <= 0.3 < history["loss"][-2]


def test_integer_and_one_hot_labels_train_identically():
    rng = np.random.default_rng(0)
    X, labels = rng.normal(size=(60, 3)), rng.integers(0, 3, 60)
    spec = {"inputs": 3, "layers": [{"units": 3, "activation": "softmax"}]}
    a, b = nnstudio.Network.from_spec(spec), nnstudio.Network.from_spec(spec)
    ha = nnstudio.fit(a, X, labels, epochs=3)
    hb = nnstudio.fit(b, X, np.eye(3)[labels], epochs=3)
    assert np.array_equal(a.parameters, b.parameters)
    assert ha == hb


def test_last_partial_batch_is_trained():
    X, y = _blobs(n=10)
    trainer = Trainer(nnstudio.Network.from_spec(SPEC), X, y, batch_size=4, epochs=1)
    snapshots = list(trainer.run())
    assert trainer.step_count == 3
    assert sum(len(s.losses) for s in snapshots) == 3


def test_each_epoch_shuffles_rows_together_and_keeps_them_all():
    X, y = _blobs(n=50)
    trainer = Trainer(nnstudio.Network.from_spec(SPEC), X, y, batch_size=8, seed=3)
    trainer._begin_epoch()
    first = trainer._epoch_X.copy()
    assert not np.array_equal(first, trainer.train.X)
    rows = {tuple(row): target for row, target in zip(trainer.train.X, trainer.train.y[:, 0])}
    assert sorted(map(tuple, first)) == sorted(rows)  # every row, once
    assert all(rows[tuple(x)] == t for x, t in zip(first, trainer._epoch_y[:, 0]))
    trainer._begin_epoch()
    assert not np.array_equal(first, trainer._epoch_X)  # a new order each epoch


@pytest.mark.parametrize(
    "spec,message",
    [
        ({"inputs": 2, "layers": [{"units": 2, "activation": "mish"}]}, "unknown activation"),
        ({"inputs": 2, "layers": [{"units": 2, "activation": []}]}, "activation must be a name"),
        ({"inputs": 2, "layers": [{"units": 1, "activation": "softmax"}]}, "at least 2 units"),
        ({"inputs": 0, "layers": [{"units": 1}]}, "inputs must be"),
        ({"inputs": 2, "layers": []}, "non-empty list"),
        ({"inputs": 2, "layers": [{"units": 2, "actvation": "relu"}]}, "unknown keys"),
        ({"inputs": 2, "layers": [{"units": 2, "initializer": "ones"}]}, "unknown initializer"),
    ],
)
def test_networks_that_cannot_work_are_refused(spec, message):
    with pytest.raises(SpecError, match=message):
        nnstudio.Network.from_spec(spec)


@pytest.mark.parametrize(
    "kwargs,y,message",
    [
        ({"loss": "categorical_crossentropy"}, np.zeros((4, 3)), "needs a softmax output"),
        ({"loss": "binary_crossentropy"}, np.full(4, 2.0), "between 0 and 1"),
        ({}, np.zeros((4, 2)), r"labels have shape \(4, 2\)"),
        ({}, np.zeros(3), "4 input rows but 3 labels"),
        ({"optimizer": "adamw"}, np.zeros(4), "unknown optimizer"),
        ({"batch_size": 0}, np.zeros(4), "batch_size"),
        ({"validation_split": 0.1}, np.zeros(4), "leaves no samples"),
        ({}, np.array([0, 1, np.nan, 0]), "NaN"),
    ],
)
def test_data_and_settings_that_cannot_work_are_refused_before_training(kwargs, y, message):
    net = nnstudio.Network.from_spec(SPEC)
    before = net.parameters.copy()
    with pytest.raises((TrainingConfigError, SpecError), match=message):
        nnstudio.fit(net, np.zeros((4, 2)), y, **kwargs)
    assert np.array_equal(before, net.parameters)


def test_class_labels_out_of_range_are_refused():
    net = nnstudio.Network.from_spec(
        {"inputs": 2, "layers": [{"units": 3, "activation": "softmax"}]}
    )
    with pytest.raises(TrainingConfigError, match="from 0 to 2"):
        nnstudio.fit(net, np.zeros((2, 2)), [0, 3])


def test_set_weights_validates_shapes():
    net = nnstudio.Network.from_spec(SPEC)
    weights = net.get_weights()
    assert [(w.shape, b.shape) for w, b in weights] == [((2, 8), (8,)), ((8, 1), (1,))]
    weights[0] = (np.ones((2, 8)), np.ones(8))
    net.set_weights(weights)
    assert np.array_equal(net.get_weights()[0][0], np.ones((2, 8)))
    with pytest.raises(SpecError, match=r"shape \(8, 1\)"):
        net.set_weights([weights[0], (np.ones((1, 8)), np.ones(1))])
    with pytest.raises(SpecError, match="2 layers"):
        net.set_weights(weights[:1])


def _wait_for(condition, timeout=5.0):
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_snapshots_report_each_layers_gradient_size_and_it_vanishes_in_deep_sigmoid_nets():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 4)).astype(np.float32)
    y = (X[:, :1] > 0).astype(np.float32)
    deep = {
        "inputs": 4,
        "layers": [{"units": 16, "activation": "sigmoid"}] * 6
        + [{"units": 1, "activation": "sigmoid"}],
    }
    trainer = Trainer(
        nnstudio.Network.from_spec(deep, seed=0),
        X,
        y,
        batch_size=64,
        epochs=1,
        optimizer="sgd",
        lr=0.1,
    )
    last = list(trainer.run())[-1]
    assert len(last.gradient_rms) == 7
    assert all(g > 0 for g in last.gradient_rms)
    assert last.gradient_rms[0] < last.gradient_rms[-1] / 100  # vanishing towards the input


def test_weights_set_while_paused_are_reported_and_trained_from():
    import threading

    X, y = _blobs()
    trainer = Trainer(nnstudio.Network.from_spec(SPEC, seed=0), X, y, batch_size=10)
    trainer.pause()
    snapshots = []
    worker = threading.Thread(target=lambda: snapshots.extend(trainer.run()))
    worker.start()
    _wait_for(lambda: snapshots and snapshots[-1].status == "paused")
    edited = [(w.copy(), b.copy()) for w, b in trainer.net.get_weights()]
    edited[0][0][0, 0] = 3.5
    edited[1][1][0] = -1.25
    trainer.set_weights(edited)
    _wait_for(lambda: len(snapshots) >= 2)
    shown = snapshots[-1]
    assert shown.status == "paused" and shown.step == 0
    assert shown.weights[0][0][0, 0] == np.float32(3.5)
    assert shown.weights[1][1][0] == np.float32(-1.25)
    trainer.step()
    _wait_for(lambda: snapshots[-1].step == 1)
    assert abs(trainer.net.get_weights()[0][0][0, 0] - 3.5) < 0.1  # one small step from it
    with pytest.raises(nnstudio.SpecError):
        trainer.set_weights([(np.zeros((3, 8)), np.zeros(8)), edited[1]])
    trainer.stop()
    worker.join(5)
    assert not worker.is_alive()


def test_a_snapshot_carries_the_best_epoch_beside_the_current_weights():
    X, y = _blobs()
    net = nnstudio.Network.from_spec(SPEC)
    # overshooting steps: the best epoch is not the last; one snapshot, at the end
    trainer = Trainer(
        net, X, y, optimizer="sgd", lr=5.0, batch_size=4, epochs=20, snapshot_interval=60
    )
    last = list(trainer.run())[-1]
    losses = trainer.history["loss"]
    best = last.best
    assert best.metrics["loss"] == min(losses) and best.metrics["epoch"] < 20
    for (w, b), (w0, b0) in zip(last.weights, net.get_weights()):
        np.testing.assert_array_equal(w, w0)  # the current weights, not the best ones
        np.testing.assert_array_equal(b, b0)
    assert not all(np.array_equal(w, w0) for (w, _), (w0, _) in zip(best.weights, last.weights))


def test_a_loss_that_explodes_without_becoming_nan_is_divergence():
    X, y = _blobs()
    net = nnstudio.Network.from_spec(
        {
            "inputs": 2,
            "layers": [{"units": 8, "activation": "tanh"}, {"units": 2, "activation": "softmax"}],
        }
    )
    labels = (y > y.mean()).astype(int).ravel()
    with pytest.raises(TrainingDiverged, match=r"the loss exploded to .*, more than 10,000 times"):
        nnstudio.fit(net, X, labels, optimizer="sgd", lr=1e6, epochs=30)
    assert np.isfinite(net.parameters).all()


def test_a_loss_that_only_rises_a_little_trains_on():
    X, y = _blobs()
    net = nnstudio.Network.from_spec(SPEC)
    history = nnstudio.fit(net, X, y, optimizer="sgd", lr=0.05, epochs=20)
    assert len(history["loss"]) == 20


@pytest.mark.parametrize("lr", [math.inf, math.nan, -1.0, 0.0, "0.1", True])
def test_a_learning_rate_that_cannot_work_never_starts_a_run(lr):
    X, y = _blobs()
    net = nnstudio.Network.from_spec(SPEC)
    with pytest.raises(TrainingConfigError, match="the learning rate must be"):
        Trainer(net, X, y, lr=lr, epochs=1)
    trainer = Trainer(net, X, y, lr=0.1, epochs=1)
    with pytest.raises(TrainingConfigError, match="the learning rate must be"):
        trainer.lr = lr  # set live too


@pytest.mark.parametrize("seed", [-1, 2**63, 1.5, True])
def test_a_seed_that_cannot_be_stored_never_starts_a_run(seed):
    X, y = _blobs()
    with pytest.raises(
        TrainingConfigError, match=r"the seed must be a whole number from 0 to 2\*\*63 - 1"
    ):
        nnstudio.Network.from_spec(SPEC, seed=seed)
    with pytest.raises(TrainingConfigError, match="the seed must be"):
        Trainer(nnstudio.Network.from_spec(SPEC), X, y, seed=seed, epochs=1)
    assert Trainer(nnstudio.Network.from_spec(SPEC, seed=2**63 - 1), X, y, seed=2**63 - 1)


@pytest.mark.parametrize("key", ["l1", "l2", "target_loss"])
def test_an_infinite_penalty_or_target_is_refused(key):
    X, y = _blobs()
    with pytest.raises(TrainingConfigError, match="finite"):
        Trainer(nnstudio.Network.from_spec(SPEC), X, y, epochs=1, **{key: math.inf})
