"""Network helpers beyond training (see test_gradients.py for the maths)."""

import numpy as np

from nnstudio.engine.network import Network


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
