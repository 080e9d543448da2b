"""Activation functions: values in place, and non-finite values never hidden."""

import numpy as np
import pytest

from nnstudio.engine.activations import get_activation


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "sigmoid", "tanh", "linear", "softmax"])
def test_nan_stays_nan_so_divergence_is_seen(name):
    z = np.array([[np.nan, 1.0, -1.0]], np.float32)
    get_activation(name).forward(z)
    assert np.isnan(z).any()


def test_relu_zeroes_negatives_in_place():
    z = np.array([[-2.0, -0.0, 0.0, 0.5, 3.0]], np.float32)
    get_activation("relu").forward(z)
    assert np.array_equal(z, [[0, 0, 0, 0.5, 3.0]])
