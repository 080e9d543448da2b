"""Loss values: right, and never below zero when the network is confidently right."""

import numpy as np

from nnstudio.engine.activations import get_activation
from nnstudio.engine.losses import get_loss


def test_binary_cross_entropy_of_confident_right_answers_is_small_and_never_negative():
    loss = get_loss("binary_crossentropy", get_activation("sigmoid"))
    rng = np.random.default_rng(1)
    for _ in range(3000):
        y = (rng.random((16, 1)) < 0.5).astype(np.float32)
        z = (np.where(y > 0, 1, -1) * rng.uniform(2, 60, (16, 1))).astype(np.float32)
        value = loss.value(z, y)
        exact = np.mean(np.logaddexp(0.0, -np.abs(z.astype(np.float64))))
        assert 0.0 <= value <= exact + 1e-6


def test_binary_cross_entropy_matches_its_definition():
    loss = get_loss("binary_crossentropy", get_activation("sigmoid"))
    rng = np.random.default_rng(0)
    z, y = rng.normal(size=(32, 3)), rng.random((32, 3))
    a = 1 / (1 + np.exp(-z))
    expected = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))
    np.testing.assert_allclose(loss.value(z, y), expected, rtol=1e-12)
