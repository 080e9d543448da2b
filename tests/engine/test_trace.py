"""The traced pass: its numbers by hand for a 2-2-1 network, and equal to what
training computes for dense and convolutional networks."""

import numpy as np
import pytest

from nnstudio.engine import Network
from nnstudio.engine.optimizers import get_optimizer
from nnstudio.engine.trace import step_changes, trace
from nnstudio.errors import TrainingConfigError

XOR_NET = {
    "inputs": 2,
    "layers": [{"units": 2, "activation": "sigmoid"}, {"units": 1, "activation": "sigmoid"}],
}
CNN = {
    "inputs": [8, 8, 2],
    "layers": [
        {"type": "conv2d", "filters": 3, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d", "pool_size": 2, "stride": 2},
        {"type": "dropout", "rate": 0.5},
        {"type": "flatten"},
        {"units": 4, "activation": "softmax"},
    ],
}


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_a_2_2_1_network_by_hand():
    net = Network(XOR_NET, seed=4, dtype="float64")
    (W1, b1), (W2, b2) = net.get_weights()
    x, y = np.array([[1.0, 0.0]]), np.array([[1.0]])
    traced = trace(net, x, y, loss="mse")
    hidden, out = traced.layers

    z1 = x @ W1 + b1
    a1 = _sigmoid(z1)
    z2 = a1 @ W2 + b2
    a2 = _sigmoid(z2)
    error = 2 * (a2 - y)  # d/da of (a − y)², one sample, one output
    delta2 = error * a2 * (1 - a2)
    delta1 = (delta2 @ W2.T) * a1 * (1 - a1)

    np.testing.assert_allclose(hidden.inputs, x)
    np.testing.assert_allclose(hidden.pre_activations, z1, rtol=1e-14)
    np.testing.assert_allclose(hidden.outputs, a1, rtol=1e-14)
    np.testing.assert_allclose(out.pre_activations, z2, rtol=1e-14)
    np.testing.assert_allclose(traced.outputs, a2, rtol=1e-14)
    assert traced.loss == pytest.approx(((a2 - y) ** 2).item(), rel=1e-14)
    np.testing.assert_allclose(out.output_gradients, error, rtol=1e-14)
    np.testing.assert_allclose(out.deltas, delta2, rtol=1e-14)
    np.testing.assert_allclose(hidden.output_gradients, delta2 @ W2.T, rtol=1e-14)
    np.testing.assert_allclose(hidden.deltas, delta1, rtol=1e-13)
    np.testing.assert_allclose(out.weight_gradient, a1.T @ delta2, rtol=1e-14)
    np.testing.assert_allclose(out.bias_gradient, delta2[0], rtol=1e-14)
    np.testing.assert_allclose(hidden.weight_gradient, x.T @ delta1, rtol=1e-13)

    (dW1, db1), (dW2, db2) = step_changes(net, traced, get_optimizer("sgd", net.parameters, lr=0.5))
    np.testing.assert_allclose(dW2, -0.5 * a1.T @ delta2, rtol=1e-13)
    np.testing.assert_allclose(db1, -0.5 * delta1[0], rtol=1e-13)


def _training_gradients(net, X, y, loss, **penalty):
    from nnstudio.engine.losses import get_loss
    from nnstudio.engine.targets import prepare

    loss_fn = get_loss(loss, net.output_activation)
    data = prepare(net, X, y, loss_fn)
    value = net.loss_and_gradients(data.X, data.y, loss_fn, training=False)
    if penalty:
        net.add_penalty_gradient(**penalty)
    return value, net.gradients.copy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_cnn_trace_equals_its_training_pass(dtype):
    """Training fuses pooling with the conv's ReLU and reorders its outputs; the trace
    does neither, and gets the same loss and gradients."""
    net = Network(CNN, seed=1, dtype=dtype)
    rng = np.random.default_rng(0)
    X, labels = rng.normal(size=(5, 8, 8, 2)), rng.integers(0, 4, 5)
    traced = trace(net, X, labels, l2=0.01)
    value, gradients = _training_gradients(net, X, labels, None, l2=0.01)
    tight = 1e-5 if dtype == "float32" else 1e-12
    assert traced.loss == pytest.approx(value, rel=tight)
    np.testing.assert_allclose(traced.gradients, gradients, rtol=tight, atol=tight)
    for layer, expected in zip(traced.layers, net.layer_outputs(X)):
        np.testing.assert_allclose(layer.outputs, expected, rtol=tight, atol=tight)
    conv = traced.layers[0]
    assert conv.pre_activations.shape == conv.deltas.shape == (5, 6, 6, 3)
    assert conv.weight_gradient.shape == (3, 3, 2, 3)
    assert traced.layers[-1].output_gradients is None  # cross-entropy gives δ itself


def test_step_changes_are_the_next_step_and_leave_the_optimizer_alone():
    net = Network(XOR_NET, seed=2, dtype="float64")
    X, y = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]), np.array([0, 1, 1, 0])
    adam = get_optimizer("adam", net.parameters, lr=0.1)
    for _ in range(3):  # some state to carry
        _training_gradients(net, X, y, "mse")
        adam.step(net.parameters, net.gradients)
    before, moments = net.parameters.copy(), adam._m.copy()
    traced = trace(net, X, y, loss="mse")
    changes = step_changes(net, traced, adam)
    np.testing.assert_array_equal(net.parameters, before)
    np.testing.assert_array_equal(adam._m, moments)
    assert adam.steps == 3
    _training_gradients(net, X, y, "mse")
    adam.step(net.parameters, net.gradients)
    np.testing.assert_allclose(
        np.concatenate([np.ravel(d) for pair in changes for d in pair]),
        _flat_in_layer_order(net.parameters - before, net),
        rtol=1e-12,
    )


def _flat_in_layer_order(flat, net):
    """The flat vector (weights first, then biases) as W1, b1, W2, b2, … ravelled."""
    n_w = net.n_weights
    parts, w_at, b_at = [], 0, n_w
    for layer in net.weighted_layers:
        size = layer.weight.size
        parts.append(flat[w_at : w_at + size])
        w_at += size
        parts.append(flat[b_at : b_at + layer.bias.size])
        b_at += layer.bias.size
    return np.concatenate(parts)


def test_tracing_leaves_the_network_and_its_next_training_step_as_they_were():
    net = Network(CNN, seed=3, dtype="float64")
    twin = Network(CNN, seed=3, dtype="float64")
    X, labels = np.random.default_rng(1).normal(size=(4, 8, 8, 2)), np.arange(4)
    trace(net, X, labels)
    np.testing.assert_array_equal(net.parameters, twin.parameters)
    assert (
        _training_gradients(net, X, labels, None)[0]
        == _training_gradients(twin, X, labels, None)[0]
    )


def test_samples_that_do_not_fit_are_refused_with_what_to_give():
    net = Network(XOR_NET, dtype="float64")
    with pytest.raises(TrainingConfigError, match="the traced samples"):
        trace(net, [[1.0, 2.0, 3.0]], [[1.0]])


@pytest.mark.parametrize(
    ("name", "options", "stateful"),
    [
        ("sgd", {}, False),
        ("perceptron", {}, False),
        ("sgd", {"momentum": 0.9}, True),
        ("adagrad", {}, True),
        ("rmsprop", {}, True),
        ("adam", {}, True),
    ],
)
def test_an_optimizer_says_whether_its_next_step_depends_on_those_before(name, options, stateful):
    net = Network(XOR_NET, seed=0)
    assert get_optimizer(name, net.parameters, **options).keeps_state is stateful
