"""A batch trained as two halves on two threads (engine/halves.py) gives the whole
batch's loss, gradients and outputs, the same on every run."""

import numpy as np
import pytest

from nnstudio.engine import halves, threads
from nnstudio.engine.losses import get_loss
from nnstudio.engine.network import Network
from nnstudio.engine.trainer import Trainer

CNN = {
    "inputs": [10, 10, 1],
    "layers": [
        {"type": "conv2d", "filters": 4, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d", "pool_size": 2},
        {"type": "conv2d", "filters": 6, "kernel_size": 2, "activation": "tanh"},
        {"type": "flatten"},
        {"units": 3, "activation": "softmax"},
    ],
}

DENSE = {"inputs": 100, "layers": [{"units": 8}, {"units": 3, "activation": "softmax"}]}


def data(n, dtype="float64"):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, 10, 10, 1)).astype(dtype)
    return X, np.eye(3, dtype=dtype)[rng.integers(0, 3, n)]


def pair(dtype="float64"):
    split, whole = (Network.from_spec(CNN, seed=3, dtype=dtype) for _ in range(2))
    whole.split_batches = False
    return split, whole


@pytest.mark.parametrize("n", [16, 33, 64])
def test_halves_equal_the_whole_batch(n):
    split, whole = pair()
    X, Y = data(n)
    loss = get_loss(None, whole.output_activation)
    value = halves.Halves(split).loss_and_gradients(X, Y, loss, True)
    expected = whole.loss_and_gradients(X, Y, loss)
    assert value == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(split.gradients, whole.gradients, rtol=1e-12, atol=1e-15)


def test_the_network_splits_convolutions_and_keeps_their_outputs():
    if not (threads.cores() >= 2 and threads.blas_threads() is not None):
        pytest.skip("needs two cores and NumPy's OpenBLAS")
    split, whole = pair()
    X, Y = data(40)
    loss = get_loss(None, whole.output_activation)
    split.loss_and_gradients(X, Y, loss)
    whole.loss_and_gradients(X, Y, loss)
    assert isinstance(split._halves, halves.Halves)
    np.testing.assert_allclose(split.batch_outputs(), whole.batch_outputs(), rtol=1e-12)
    np.testing.assert_allclose(split.batch_outputs(), split.predict(X), rtol=1e-12)
    assert split.dropped_units() == (None,) * len(split.layers)


def test_training_split_repeats_bit_for_bit_and_follows_the_whole_batches():
    X, Y = data(100)
    runs = []
    for split_batches in (True, True, False):
        net = Network.from_spec(CNN, seed=3, dtype="float64")
        net.split_batches = split_batches
        trainer = Trainer(net, X, Y, optimizer="adam", batch_size=32, epochs=3, seed=0)
        for _ in trainer.run():
            pass
        runs.append((net.parameters.copy(), trainer.history))
    (first, history), (again, _), (whole, whole_history) = runs
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(first, whole, rtol=1e-10, atol=1e-12)
    assert history["accuracy"] == whole_history["accuracy"]


def test_which_networks_split():
    dense = Network.from_spec({"inputs": 4, "layers": [{"units": 2}]}, seed=0)
    dropout = dict(CNN, layers=[*CNN["layers"][:2], {"type": "dropout"}, *CNN["layers"][2:]])
    assert not halves.worthwhile(dense.layers)
    assert not halves.worthwhile(Network.from_spec(dropout, seed=0).layers)
    can = threads.cores() >= 2 and threads.blas_threads() is not None
    assert halves.worthwhile(Network.from_spec(CNN, seed=0).layers) == can


def test_snapshots_say_how_many_threads_the_steps_train_on():
    """Two once a convolutional network's batches train as halves (the studio paces its
    drawing by it); for a dense network, one, or BLAS's threads once its products are
    large enough for BLAS to share them (32 × 100 × 128 multiply-adds)."""
    X, Y = data(64)
    can = threads.cores() >= 2 and threads.blas_threads() is not None
    wide = {"inputs": 100, "layers": [{"units": 128}, {"units": 3, "activation": "softmax"}]}
    for spec, inputs, expected in (
        (CNN, X, 2 if can else 1),
        (DENSE, X.reshape(64, -1), 1),
        (wide, X.reshape(64, -1), threads.blas_threads() or 1),
    ):
        trainer = Trainer(Network.from_spec(spec, seed=0), inputs, Y, batch_size=32, epochs=1)
        assert [s.threads for s in trainer.run()][-1] == expected


def test_a_replica_shares_the_parameters_not_the_gradients():
    net = Network.from_spec(CNN, seed=0)
    twin = net.replica()
    net.parameters += 1
    assert twin.layers[0].weight[0, 0, 0, 0] == net.layers[0].weight[0, 0, 0, 0]
    twin.gradients += 1
    assert not net.gradients.any()
    assert twin.layers[0] is not net.layers[0]


def test_the_second_half_keeps_the_callers_floating_point_handling():
    split, _ = pair()
    X, Y = data(32)
    X[-1, 0, 0, 0] = np.inf  # in the second half: inf · 0 and inf − inf on the way
    loss = get_loss(None, split.output_activation)
    with np.errstate(all="raise"), pytest.raises(FloatingPointError):
        halves.Halves(split).loss_and_gradients(X, Y, loss, True)
    with np.errstate(all="ignore"):
        value = halves.Halves(split).loss_and_gradients(X, Y, loss, True)
    assert not np.isfinite(value)
