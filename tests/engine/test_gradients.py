"""Backpropagation against central differences, for every activation × loss pair."""

import numpy as np
import pytest

from nnstudio.engine.activations import ACTIVATIONS
from nnstudio.engine.losses import get_loss
from nnstudio.engine.network import Network

HIDDEN = sorted(ACTIVATIONS)
PAIRS = [("mse", name) for name in sorted(ACTIVATIONS)] + [
    ("binary_crossentropy", "sigmoid"),
    ("categorical_crossentropy", "softmax"),
]


def _targets(loss_name, rng, n, k):
    if loss_name == "categorical_crossentropy":
        return np.eye(k)[rng.integers(0, k, n)]
    if loss_name == "binary_crossentropy":
        return rng.integers(0, 2, (n, k)).astype(float)
    return rng.normal(size=(n, k))


def _objective(net, loss, X, y, l1, l2):
    return loss.value(net.logits(X), y) + net.penalty(l1, l2)


def _numeric_gradient(net, loss, X, y, l1, l2, h=1e-6):
    grad = np.zeros_like(net.parameters)
    for i in range(net.parameters.size):
        saved = net.parameters[i]
        net.parameters[i] = saved + h
        up = _objective(net, loss, X, y, l1, l2)
        net.parameters[i] = saved - h
        down = _objective(net, loss, X, y, l1, l2)
        net.parameters[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad


@pytest.mark.parametrize("l1,l2", [(0.0, 0.0), (0.01, 0.0), (0.0, 0.1), (0.02, 0.05)])
@pytest.mark.parametrize("loss_name,output", PAIRS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_backprop_matches_central_differences(hidden, loss_name, output, l1, l2):
    rng = np.random.default_rng(abs(hash((hidden, loss_name, output))) % 2**32)
    k = 3
    spec = {
        "inputs": 4,
        "layers": [
            {"units": 5, "activation": hidden},
            {"units": 4, "activation": "tanh"},
            {"units": k, "activation": output},
        ],
    }
    net = Network.from_spec(spec, seed=1, dtype="float64")
    net.parameters[net.n_weights :] = rng.normal(
        scale=0.3, size=net.parameters.size - net.n_weights
    )
    loss = get_loss(loss_name, net.output_activation)
    X, y = rng.normal(size=(7, 4)), _targets(loss_name, rng, 7, k)

    analytic_loss = net.loss_and_gradients(X, y, loss)
    net.add_penalty_gradient(l1, l2)
    analytic = net.gradients.copy()

    assert analytic_loss == pytest.approx(loss.value(net.logits(X), y), rel=1e-12)
    numeric = _numeric_gradient(net, loss, X, y, l1, l2)
    scale = np.maximum(1.0, np.abs(numeric))
    assert np.max(np.abs(analytic - numeric) / scale) < 1e-6


def test_bias_free_layers_get_no_bias_gradient():
    net = Network.from_spec(
        {
            "inputs": 2,
            "layers": [
                {"units": 3, "activation": "tanh", "use_bias": False},
                {"units": 1, "activation": "sigmoid"},
            ],
        },
        dtype="float64",
    )
    assert net.count_params() == 2 * 3 + 3 * 1 + 1
    loss = get_loss(None, net.output_activation)
    X, y = np.random.default_rng(0).normal(size=(5, 2)), np.ones((5, 1))
    net.loss_and_gradients(X, y, loss)
    numeric = _numeric_gradient(net, loss, X, y, 0.0, 0.0)
    assert np.allclose(net.gradients, numeric, atol=1e-7)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_entropies_stay_finite_when_outputs_saturate(dtype):
    for spec, y in [
        ({"inputs": 1, "layers": [{"units": 1, "activation": "sigmoid"}]}, np.array([[0.0]])),
        ({"inputs": 1, "layers": [{"units": 2, "activation": "softmax"}]}, np.array([[0.0, 1.0]])),
    ]:
        net = Network.from_spec(spec, dtype=dtype)
        net.parameters[...] = 0
        net.layers[0].weight[0, 0] = 1e4
        loss = get_loss(None, net.output_activation)
        value = net.loss_and_gradients(np.array([[1.0]], dtype), y.astype(dtype), loss)
        assert np.isfinite(value) and value == pytest.approx(1e4, rel=1e-3)
        assert np.isfinite(net.gradients).all()
