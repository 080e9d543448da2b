"""Network helpers beyond training (see test_gradients.py for the maths)."""

import numpy as np
import pytest

import nnstudio
from nnstudio.engine.network import Network
from nnstudio.errors import SpecError, TrainingConfigError


def test_layer_outputs_are_each_layers_activations_and_end_in_predict():
    net = Network.from_spec(
        {
            "inputs": 2,
            "layers": [{"units": 3, "activation": "relu"}, {"units": 2, "activation": "softmax"}],
        },
        seed=3,
        dtype="float64",
    )
    X = np.random.default_rng(0).normal(size=(5, 2))
    hidden, out = net.layer_outputs(X)
    (w0, b0), _ = net.get_weights()
    np.testing.assert_allclose(hidden, np.maximum(X @ w0 + b0, 0))
    np.testing.assert_allclose(out, net.predict(X))


def test_a_network_too_large_to_train_is_refused_before_allocation():
    spec = {"inputs": 2, "layers": [{"units": 10**9, "activation": "tanh"}, {"units": 1}]}
    with pytest.raises(SpecError, match=r"4,000,000,001 parameters \(29.8 GiB with their"):
        nnstudio.Network.from_spec(spec)


def test_a_batch_too_large_for_memory_is_refused_but_a_batch_larger_than_the_data_is_not():
    from nnstudio.engine.trainer import Trainer

    net = nnstudio.Network.from_spec(
        {"inputs": 2, "layers": [{"units": 4096, "activation": "tanh"}, {"units": 1}]}
    )
    X = np.zeros((70_000, 2), np.float32)
    with pytest.raises(TrainingConfigError, match="a batch of 70,000 samples needs 2.1 GiB"):
        Trainer(net, X, np.zeros(70_000), batch_size=100_000, epochs=1)
    Trainer(net, X[:100], np.zeros(100), batch_size=10**9, epochs=1)  # batches of 100


def test_a_copy_answers_as_the_network_and_keeps_its_weights_when_it_changes():
    net = Network.from_spec({"inputs": 3, "layers": [{"units": 4}, {"units": 2}]}, seed=0)
    X = np.random.default_rng(0).normal(size=(5, 3))
    twin = net.copy()
    np.testing.assert_array_equal(twin.predict(X), net.predict(X))
    before = twin.predict(X)
    net.parameters += 1.0
    np.testing.assert_array_equal(twin.predict(X), before)
    assert not np.array_equal(net.predict(X), before)
