"""Loss reduction: "sum" follows the gradient of the summed loss (PyTorch's
reduction="sum"), "mean" of the averaged one; the reported loss is the mean either way."""

import numpy as np
import pytest

from nnstudio.engine import Network, fit
from nnstudio.engine.activations import get_activation
from nnstudio.engine.losses import get_loss
from nnstudio.errors import SpecError

# (loss, output activation, how PyTorch computes it from the logits, with a reduction)
CASES = [
    ("mse", "tanh", lambda F, z, y, r: F.mse_loss(z.tanh(), y, reduction=r)),
    (
        "binary_crossentropy",
        "sigmoid",
        lambda F, z, y, r: F.binary_cross_entropy_with_logits(z, y, reduction=r),
    ),
    (
        "categorical_crossentropy",
        "softmax",
        lambda F, z, y, r: F.cross_entropy(z, y.argmax(1), reduction=r),
    ),
]


def _batch(rng, activation):
    z = rng.normal(size=(6, 3))
    if activation == "softmax":
        y = np.eye(3)[rng.integers(0, 3, 6)]
    else:
        y = rng.random((6, 3))
    return z, y


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize(("name", "activation", "theirs"), CASES, ids=[c[0] for c in CASES])
def test_gradient_equals_torch_for_each_reduction(name, activation, theirs, reduction):
    torch = pytest.importorskip("torch", reason="torch==2.13.0 (the test extra) is not installed")
    z, y = _batch(np.random.default_rng(3), activation)
    loss = get_loss(name, get_activation(activation), reduction)
    delta = np.empty_like(z)
    value = loss.loss_and_delta(z.copy(), y, delta)
    tz = torch.tensor(z, requires_grad=True)
    theirs(torch.nn.functional, tz, torch.tensor(y), reduction).backward()
    np.testing.assert_allclose(delta, tz.grad.numpy(), rtol=1e-12, atol=1e-15)
    mean = theirs(torch.nn.functional, torch.tensor(z), torch.tensor(y), "mean").item()
    assert value == pytest.approx(mean, rel=1e-12)  # the reported loss: the mean


def test_sum_scales_the_perceptron_rule_by_the_batch():
    loss = get_loss("perceptron", get_activation("step"), "sum")
    z, y = np.array([[1.0], [-1.0], [2.0]]), np.array([[0.0], [0.0], [1.0]])
    delta = np.empty_like(z)
    wrong = loss.loss_and_delta(z.copy(), y, delta)
    np.testing.assert_array_equal(delta, [[1.0], [0.0], [0.0]])  # a − y, not divided by 3
    assert wrong == pytest.approx(1 / 3)


def test_an_unknown_reduction_is_refused_with_the_choices():
    with pytest.raises(SpecError, match="mean, sum"):
        get_loss("mse", get_activation("linear"), "total")


def test_the_single_neuron_tutorial_prints_its_number():
    """The 9-line tutorial: 3 inputs, no bias, weights 2·rand − 1 from seed 1, 10,000
    updates w += Xᵀ·(y − a)·a·(1 − a) — plain SGD on the summed squares at lr 0.5."""
    X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    y = np.array([[0, 1, 1, 0]]).T
    net = Network(
        {"inputs": 3, "layers": [{"units": 1, "activation": "sigmoid", "use_bias": False}]},
        dtype="float64",
    )
    start = 2 * np.random.RandomState(1).random_sample((3, 1)) - 1
    net.set_weights([(start, np.zeros(1))])
    fit(
        net,
        X,
        y,
        loss="mse",
        loss_reduction="sum",
        optimizer="sgd",
        lr=0.5,
        epochs=10_000,
        batch_size=4,
        shuffle=False,
    )
    assert net.predict([[1, 0, 0]])[0, 0] == pytest.approx(0.99993704, abs=1e-8)


def test_the_mean_needs_the_batch_times_the_learning_rate_for_the_same_run():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 2)), rng.random((8, 1))
    spec = {"inputs": 2, "layers": [{"units": 3, "activation": "tanh"}, {"units": 1}]}
    nets = [Network(spec, seed=1, dtype="float64") for _ in range(2)]
    common = dict(loss="mse", optimizer="sgd", epochs=5, batch_size=8, shuffle=False)
    fit(nets[0], X, y, loss_reduction="sum", lr=0.01, **common)
    fit(nets[1], X, y, loss_reduction="mean", lr=0.01 * 8, **common)
    np.testing.assert_allclose(nets[0].parameters, nets[1].parameters, rtol=1e-12)
