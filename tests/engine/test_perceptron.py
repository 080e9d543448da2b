"""Rosenblatt's perceptron rule: step neurons learn AND and OR, and never settle on XOR."""

import numpy as np
import pytest

from nnstudio.engine.fit import fit
from nnstudio.engine.network import Network
from nnstudio.errors import NNStudioError

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
TRUTH = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "xor": [0, 1, 1, 0]}
NEURON = {"inputs": 2, "layers": [{"units": 1, "activation": "step"}]}


def neuron(dtype: str = "float64") -> Network:
    net = Network.from_spec(NEURON, seed=0, dtype=dtype)
    net.set_weights([(np.zeros((2, 1)), np.zeros(1))])
    return net


def weights(net: Network) -> tuple[list[float], float]:
    (w, b), = net.get_weights()  # fmt: skip
    return w[:, 0].tolist(), float(b[0])


def test_the_rule_follows_a_hand_computed_sequence_on_and():
    # w = (0, 0), b = 0, lr 1, one sample at a time in order; step(0) = 1.
    # Epoch 1: (0,0)→0: a = 1, so b = -1; (0,1), (1,0): a = 0, right; (1,1)→1: z = -1,
    # a = 0, so w = (1, 1), b = 0. Epoch 2: (0,0): z = 0, a = 1, b = -1; (0,1): z = 0,
    # a = 1, so w = (1, 0), b = -2; (1,0): z = -1, right; (1,1): z = -1, a = 0, so
    # w = (2, 1), b = -1.
    net = neuron()
    y = np.array(TRUTH["and"], float)[:, None]
    fit(net, X, y, optimizer="perceptron", epochs=1, batch_size=1, shuffle=False)
    assert weights(net) == ([1.0, 1.0], 0.0)
    fit(net, X, y, optimizer="perceptron", epochs=1, batch_size=1, shuffle=False)
    assert weights(net) == ([2.0, 1.0], -1.0)


@pytest.mark.parametrize("gate", ["and", "or"])
def test_and_and_or_are_separated_and_then_the_line_stays(gate):
    net = neuron()
    y = np.array(TRUTH[gate], float)[:, None]
    history = fit(net, X, y, optimizer="perceptron", epochs=20, batch_size=1, seed=1)
    assert history["loss"][-1] == 0.0  # no sample is wrong
    np.testing.assert_array_equal(net.predict(X)[:, 0], TRUTH[gate])
    settled = weights(net)
    fit(net, X, y, optimizer="perceptron", epochs=5, batch_size=1, seed=2)
    assert weights(net) == settled  # nothing wrong: nothing changes


def test_xor_is_never_separated_and_the_line_keeps_moving():
    net = neuron()
    y = np.array(TRUTH["xor"], float)[:, None]
    seen = set()
    for epoch in range(50):
        history = fit(net, X, y, optimizer="perceptron", epochs=1, batch_size=1, seed=epoch)
        assert history["loss"][-1] > 0  # a line cannot separate XOR
        assert np.mean(net.predict(X)[:, 0] == TRUTH["xor"]) <= 0.75
        seen.add(tuple(weights(net)[0]) + (weights(net)[1],))
    assert len(seen) > 1


def test_step_outputs_learn_by_the_perceptron_loss_with_any_plain_optimizer():
    net = neuron()
    y = np.array(TRUTH["or"], float)[:, None]
    fit(net, X, y, optimizer="sgd", lr=0.5, epochs=30, batch_size=4, seed=0)
    np.testing.assert_array_equal(net.predict(X)[:, 0], TRUTH["or"])


@pytest.mark.parametrize(
    "spec,loss,message",
    [
        (
            {"inputs": 2, "layers": [{"units": 2, "activation": "tanh"}, NEURON["layers"][0]]},
            None,
            "a single layer of step neurons: remove the hidden layers",
        ),
        (
            {"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid"}]},
            None,
            "a single layer of step neurons",
        ),
        (NEURON, "mse", "the perceptron rule uses its own loss, not mse"),
        (
            {"inputs": 2, "layers": [{"units": 1, "activation": "tanh"}]},
            "perceptron",
            "the perceptron rule trains step neurons",
        ),
    ],
)
def test_networks_the_rule_cannot_train_are_refused(spec, loss, message):
    net = Network.from_spec(spec)
    optimizer = "sgd" if loss == "perceptron" else "perceptron"
    with pytest.raises(NNStudioError, match=message):
        fit(net, X, np.array(TRUTH["and"], float)[:, None], optimizer=optimizer, loss=loss)
