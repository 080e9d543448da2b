"""Every layer type's backward against central differences (float64): dL/dx of each
layer alone, and dL/dθ of whole chains conv → pool → flatten → dense."""

import numpy as np
import pytest

from nnstudio.engine.losses import get_loss
from nnstudio.engine.network import Network


def _layer(entry, input_shape, seed=0):
    """A one-layer network's layer, its parameters drawn, biases made non-zero."""
    net = Network.from_spec(
        {"inputs": list(input_shape), "layers": [entry, {"type": "flatten"}, {"units": 2}]},
        seed=seed,
        dtype="float64",
    )
    net.parameters[net.n_weights :] = np.random.default_rng(seed).normal(
        size=net.parameters.size - net.n_weights
    )
    return net.layers[0]


def _input_gradient(layer, x, upstream, training):
    """Analytic dL/dx for L = Σ upstream ⊙ y, from the layer's own backward."""
    n = len(x)
    scratch = layer.scratch(n, x.dtype, True)
    y = layer.forward(x, layer.new_output(n, x.dtype), scratch, training)
    grad_x = np.empty_like(x)
    layer.backward(x, y, upstream.copy(), grad_x, scratch)
    return grad_x


def _numeric_input_gradient(layer, x, upstream, training, h=1e-6):
    def loss(x):
        n = len(x)
        scratch = layer.scratch(n, x.dtype, True)
        layer.seed(np.random.SeedSequence(5))
        return float(
            np.vdot(upstream, layer.forward(x, layer.new_output(n, x.dtype), scratch, training))
        )

    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        up = loss(x)
        x[i] = saved - h
        down = loss(x)
        x[i] = saved
        grad[i] = (up - down) / (2 * h)
    return grad


LAYERS = [
    ({"type": "conv2d", "filters": 3, "kernel_size": 3}, (6, 7, 2)),
    ({"type": "conv2d", "filters": 2, "kernel_size": 3, "stride": 2}, (7, 6, 2)),
    ({"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": "same"}, (5, 6, 3)),
    ({"type": "conv2d", "filters": 2, "kernel_size": 4, "padding": "same"}, (5, 5, 1)),
    ({"type": "conv2d", "filters": 2, "kernel_size": 3, "stride": 2, "padding": "same"}, (8, 7, 2)),
    ({"type": "conv2d", "filters": 3, "kernel_size": 2, "activation": "tanh"}, (4, 4, 2)),
    ({"type": "maxpool2d"}, (6, 6, 2)),
    ({"type": "maxpool2d", "pool_size": 3, "stride": 2}, (7, 8, 2)),
    ({"type": "maxpool2d", "pool_size": 2, "stride": 3}, (8, 8, 1)),
    ({"type": "maxpool2d", "pool_size": 2, "stride": 1}, (5, 4, 2)),
    ({"type": "avgpool2d"}, (7, 7, 2)),
    ({"type": "avgpool2d", "pool_size": 3, "stride": 1}, (5, 6, 2)),
    ({"type": "dropout", "rate": 0.4}, (4, 5, 2)),
    ({"type": "dropout", "rate": 0.0}, (3, 3, 2)),
]


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("entry,input_shape", LAYERS)
def test_each_layers_input_gradient_matches_central_differences(entry, input_shape, training):
    layer = _layer(entry, input_shape)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, *input_shape))
    upstream = rng.normal(size=(3, *layer.output_shape))
    layer.seed(np.random.SeedSequence(5))
    analytic = _input_gradient(layer, x, upstream, training)
    numeric = _numeric_input_gradient(layer, x, upstream, training)
    assert np.max(np.abs(analytic - numeric)) < 1e-7


def test_flattens_input_gradient_is_its_output_gradient_reshaped():
    net = Network.from_spec({"inputs": [2, 3, 4], "layers": [{"type": "flatten"}, {"units": 1}]})
    flatten = net.layers[0]
    x = np.random.default_rng(0).normal(size=(2, 2, 3, 4))
    y = flatten.forward(x, None, None, True)
    np.testing.assert_array_equal(y[1], x[1].reshape(-1))  # channels-last order
    grad_x = np.empty_like(x)
    flatten.backward(x, y, y * 2, grad_x, None)
    np.testing.assert_array_equal(grad_x, 2 * x)


def test_max_pooling_sends_a_tied_windows_gradient_to_its_first_maximum_only():
    layer = _layer({"type": "maxpool2d"}, (2, 2, 1))
    x = np.ones((1, 2, 2, 1))
    grad_x = _input_gradient(layer, x, np.full((1, 1, 1, 1), 3.0), True)
    np.testing.assert_array_equal(grad_x[0, :, :, 0], [[3.0, 0.0], [0.0, 0.0]])


CHAINS = {
    "conv-relu-maxpool-flatten-dense": [
        {"type": "conv2d", "filters": 3, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d"},
        {"type": "flatten"},
        {"units": 3, "activation": "softmax"},
    ],
    "same-stride2-avgpool-conv-maxpool": [
        {
            "type": "conv2d",
            "filters": 2,
            "kernel_size": 3,
            "stride": 2,
            "padding": "same",
            "activation": "tanh",
        },
        {"type": "avgpool2d", "pool_size": 2, "stride": 1},
        {
            "type": "conv2d",
            "filters": 3,
            "kernel_size": 2,
            "padding": "same",
            "activation": "sigmoid",
            "use_bias": False,
        },
        {"type": "maxpool2d", "pool_size": 2, "stride": 1},
        {"type": "flatten"},
        {"units": 4, "activation": "tanh"},
        {"units": 3, "activation": "softmax"},
    ],
    "conv-stride2-dropout-dense": [
        {"type": "conv2d", "filters": 2, "kernel_size": 3, "stride": 2, "activation": "tanh"},
        {"type": "dropout", "rate": 0.3},
        {
            "type": "conv2d",
            "filters": 2,
            "kernel_size": 2,
            "activation": "leaky_relu",
            "alpha": 0.2,
        },
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.5},
        {"units": 3, "activation": "softmax"},
    ],
}


@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_chains_backprop_matches_central_differences(chain):
    net = Network.from_spec({"inputs": [9, 8, 2], "layers": CHAINS[chain]}, seed=2, dtype="float64")
    rng = np.random.default_rng(3)
    net.parameters[net.n_weights :] = rng.normal(
        scale=0.3, size=net.parameters.size - net.n_weights
    )
    loss = get_loss(None, net.output_activation)
    X, y = rng.normal(size=(4, 9, 8, 2)), np.eye(3)[rng.integers(0, 3, 4)]

    def objective():
        net.seed_layers(11)  # the same dropout masks every time
        return net.loss_and_gradients(X, y, loss)

    objective()
    analytic = net.gradients.copy()
    numeric = np.zeros_like(analytic)
    h = 1e-6
    for i in range(net.parameters.size):
        saved = net.parameters[i]
        net.parameters[i] = saved + h
        up = objective()
        net.parameters[i] = saved - h
        down = objective()
        net.parameters[i] = saved
        numeric[i] = (up - down) / (2 * h)
    assert np.max(np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric))) < 1e-6


# A ReLU convolution followed by 2×2/2 max pooling hands its ReLU to the pooling, and
# where the windows tile its output it writes that output in phase order: these chains
# have even outputs (so they take the phase order), one with the convolution not first
# (its dL/dx goes back from phase order), one with a bias-free convolution.
PHASED_CHAINS = {
    "conv-relu-maxpool, phase order": [
        {"type": "conv2d", "filters": 3, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d"},
        {"type": "flatten"},
        {"units": 3, "activation": "softmax"},
    ],
    "conv-conv-relu-maxpool, phase order after a conv": [
        {"type": "conv2d", "filters": 4, "kernel_size": 3, "activation": "tanh"},
        {
            "type": "conv2d",
            "filters": 3,
            "kernel_size": 3,
            "padding": "same",
            "activation": "relu",
            "use_bias": False,
        },
        {"type": "maxpool2d"},
        {"type": "flatten"},
        {"units": 3, "activation": "softmax"},
    ],
}


@pytest.mark.parametrize("chain", sorted(PHASED_CHAINS))
def test_relu_handed_to_the_pooling_keeps_exact_gradients(chain):
    layers = PHASED_CHAINS[chain]
    net = Network.from_spec({"inputs": [10, 8, 2], "layers": layers}, seed=2, dtype="float64")
    pooled = [layer for layer in net.layers if layer.type_name == "maxpool2d"]
    assert pooled[0].applies_relu and pooled[0].phased
    rng = np.random.default_rng(3)
    net.parameters[net.n_weights :] = rng.normal(
        scale=0.3, size=net.parameters.size - net.n_weights
    )
    loss = get_loss(None, net.output_activation)
    X, y = rng.normal(size=(4, 10, 8, 2)), np.eye(3)[rng.integers(0, 3, 4)]
    net.loss_and_gradients(X, y, loss)
    # the training pass's output equals inference's, where the conv applies its ReLU
    np.testing.assert_allclose(net.workspace(4).outputs[-1], net.predict(X), rtol=0, atol=1e-12)
    analytic = net.gradients.copy()
    numeric = np.zeros_like(analytic)
    h = 1e-6
    for i in range(net.parameters.size):
        saved = net.parameters[i]
        net.parameters[i] = saved + h
        up = net.loss_and_gradients(X, y, loss)
        net.parameters[i] = saved - h
        down = net.loss_and_gradients(X, y, loss)
        net.parameters[i] = saved
        numeric[i] = (up - down) / (2 * h)
    assert np.max(np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric))) < 1e-6


def test_max_pooling_after_a_relu_conv_routes_ties_as_pytorch_does():
    """Zero images make every window a tie (z = b everywhere): dL/dz goes to each
    window's first position where b > 0, nowhere where b ≤ 0."""
    layers = PHASED_CHAINS["conv-relu-maxpool, phase order"]
    net = Network.from_spec({"inputs": [10, 8, 2], "layers": layers}, seed=2, dtype="float64")
    conv = net.layers[0]
    conv.bias[...] = [0.5, -0.5, 0.0]
    X, y = np.zeros((2, 10, 8, 2)), np.eye(3)[[0, 1]]
    net.loss_and_gradients(X, y, get_loss(None, net.output_activation))
    delta = net.workspace(2).deltas[0]  # dL/dz in phase order: (n, 2, 2, 4, 3, filters)
    blocks = delta.reshape(2, 2, 2, 4, 3, 3)
    assert np.all(blocks[:, 0, 0, :, :, 0] != 0)
    assert np.all(blocks[:, 0, 1:, :, :, 0] == 0) and np.all(blocks[:, 1, :, :, :, 0] == 0)
    assert np.all(delta.reshape(2, -1, 3)[:, :, 1:] == 0)
