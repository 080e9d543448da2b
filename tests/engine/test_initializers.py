"""Initialisers: each draws from its distribution, the same seed the same weights."""

import numpy as np
import pytest

from nnstudio.engine import Network

RANGES = {"uniform": (-1.0, 1.0), "rand": (0.0, 1.0)}


@pytest.mark.parametrize("name", RANGES)
def test_a_uniform_start_fills_its_interval(name):
    low, high = RANGES[name]
    spec = {"inputs": 50, "initializer": name, "layers": [{"units": 40}]}
    w = Network(spec, seed=2, dtype="float64").get_weights()[0][0]
    assert low <= w.min() < low + 0.01 and high - 0.01 < w.max() < high
    assert w.mean() == pytest.approx((low + high) / 2, abs=0.02)
    np.testing.assert_array_equal(w, Network(spec, seed=2, dtype="float64").get_weights()[0][0])
