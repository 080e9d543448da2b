"""Networks of every layer type and activation, with random weights, for the export tests."""

import numpy as np

import nnstudio
from nnstudio.datasets import Scaler
from nnstudio.export import ExportModel

SMALL_CNN = {
    "inputs": [28, 28, 1],
    "layers": [
        {"type": "conv2d", "filters": 4, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d", "pool_size": 2, "stride": 2},
        {
            "type": "conv2d",
            "filters": 6,
            "kernel_size": 3,
            "stride": 2,
            "padding": "same",
            "activation": "tanh",
        },
        {"type": "avgpool2d", "pool_size": 2, "stride": 2},
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.25},
        {"type": "dense", "units": 10, "activation": "softmax"},
    ],
}
# three channels; "same" pads of 3 (1 top/left, 2 bottom/right) and of 1 (0, 1);
# overlapping pools, a convolution without bias and the new activations on images
COLOUR_CNN = {
    "inputs": [9, 9, 3],
    "layers": [
        {"type": "conv2d", "filters": 5, "kernel_size": 4, "padding": "same", "activation": "elu"},
        {"type": "avgpool2d", "pool_size": 3, "stride": 1},
        {
            "type": "conv2d",
            "filters": 3,
            "kernel_size": 2,
            "stride": 2,
            "padding": "same",
            "activation": "gelu",
            "use_bias": False,
        },
        {"type": "maxpool2d", "pool_size": 2, "stride": 1},
        {"type": "conv2d", "filters": 4, "kernel_size": 1, "activation": "softplus"},
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.5},
        {"type": "dense", "units": 4, "activation": "silu"},
        {"type": "dense", "units": 3, "activation": "leaky_relu", "alpha": 0.2},
    ],
}
NEW_ACTIVATIONS = {
    "inputs": 3,
    "layers": [
        {"units": 6, "activation": "elu", "alpha": 0.7},
        {"units": 6, "activation": "softplus"},
        {"units": 5, "activation": "silu"},
        {"type": "dropout", "rate": 0.1},
        {"units": 5, "activation": "swish"},
        {"units": 4, "activation": "gelu"},
        {"units": 2, "activation": "linear"},
    ],
}
STEP = {"inputs": 3, "layers": [{"units": 5, "activation": "step"}, {"units": 2}]}


def random_model(spec, seed=0, scale=0.5):
    """``spec``'s network with random weights (not its initial ones) and a scaler
    fitted on random raw samples."""
    rng = np.random.default_rng(seed)
    net = nnstudio.Network.from_spec(spec, seed=seed)
    net.set_weights(
        [
            (rng.normal(0, scale, w.shape), rng.normal(0, scale, b.shape) * layer.use_bias)
            for layer, (w, b) in zip(net.weighted_layers, net.get_weights())
        ]
    )
    samples = rng.normal(3.0, 2.0, (50, net.n_inputs))
    metadata = {"scaler": Scaler.fit(samples).to_dict(), "task": "classification"}
    return ExportModel.from_network(net, metadata, name="cnn")


def random_samples(model, n=7, seed=1):
    """Raw samples in the model's input shape, (n, h, w, c) for images."""
    return np.random.default_rng(seed).normal(3.0, 2.0, (n, *model.input_shape))
