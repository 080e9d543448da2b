"""The shipped MNIST subset learned: by the small CNN of the benchmark and by an MLP,
scored on the 2,000 held-out test images of the default split."""

import numpy as np
import pytest

import nnstudio
from nnstudio.datasets import load
from nnstudio.datasets.preprocessing import split

CNN = {
    "inputs": [28, 28, 1],
    "layers": [
        {"type": "conv2d", "filters": 16, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d", "pool_size": 2},
        {"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d", "pool_size": 2},
        {"type": "flatten"},
        {"units": 10, "activation": "softmax"},
    ],
}
MLP = {
    "inputs": 784,
    "layers": [{"units": 128, "activation": "relu"}, {"units": 10, "activation": "softmax"}],
}


@pytest.fixture(scope="module")
def mnist():
    parts = split(load("mnist"), test=0.2, seed=0)
    return parts.train, parts.test


def _test_accuracy(spec, mnist, epochs, lr):
    train, test = mnist
    net = nnstudio.Network.from_spec(spec, seed=0)
    nnstudio.fit(net, train.X, train.y, optimizer="adam", lr=lr, epochs=epochs, batch_size=32)
    return np.mean(net.predict(test.X).argmax(axis=1) == test.y)


def test_the_small_cnn_gets_97_percent_of_held_out_digits_right(mnist):
    # 8,000 images, 6 epochs: 97.5% (8 epochs: 97.3%; 2: 96.3%); ~12 s on 2 cores
    assert _test_accuracy(CNN, mnist, epochs=6, lr=0.002) >= 0.97


def test_784_128_10_gets_93_percent_of_held_out_digits_right(mnist):
    # 5 epochs: 3 gave 93.5%
    assert _test_accuracy(MLP, mnist, epochs=5, lr=0.001) >= 0.93
