"""Update rules: two or three steps worked out by hand, then against torch.optim."""

import math

import numpy as np
import pytest

from nnstudio.engine.optimizers import OPTIMIZERS, get_optimizer
from nnstudio.errors import TrainingConfigError

GRADS = [np.array([0.5, -1.0]), np.array([0.25, 2.0]), np.array([-1.0, 0.5])]


def _run(name, steps, **options):
    params = np.array([1.0, -2.0])
    opt = get_optimizer(name, params, **options)
    for g in GRADS[:steps]:
        opt.step(params, g.copy())
    return params


def test_plain_sgd():
    # θ₁ = θ₀ − 0.1·g₁, θ₂ = θ₁ − 0.1·g₂
    assert np.allclose(_run("sgd", 2, lr=0.1), [1 - 0.05 - 0.025, -2 + 0.1 - 0.2])


def test_sgd_momentum():
    # b₁ = g₁ = (.5, −1); b₂ = .9·b₁ + g₂ = (.7, 1.1); b₃ = .9·b₂ + g₃ = (−.37, 1.49)
    expected = np.array([1.0, -2.0]) - 0.1 * (np.array([0.5, -1]) + [0.7, 1.1] + [-0.37, 1.49])
    assert np.allclose(_run("sgd", 3, lr=0.1, momentum=0.9), expected)


def test_sgd_momentum_with_dampening():
    # b₁ = g₁; b₂ = .9·b₁ + .5·g₂ = (.575, .1)
    expected = np.array([1.0, -2.0]) - 0.1 * (np.array([0.5, -1]) + [0.575, 0.1])
    assert np.allclose(_run("sgd", 2, lr=0.1, momentum=0.9, dampening=0.5), expected)


def test_sgd_nesterov():
    # d₁ = g₁ + .9·b₁ = 1.9·g₁ = (.95, −1.9); d₂ = g₂ + .9·b₂ = (.25+.63, 2+.99)
    expected = np.array([1.0, -2.0]) - 0.1 * (np.array([0.95, -1.9]) + [0.88, 2.99])
    assert np.allclose(_run("sgd", 2, lr=0.1, momentum=0.9, nesterov=True), expected)


def test_adagrad():
    # s₁ = g₁², θ₁ = θ₀ − lr·sign(g₁); s₂ = g₁² + g₂²
    s2 = np.array([0.25 + 0.0625, 1 + 4])
    expected = np.array([1.0, -2.0]) - 0.5 * np.array([1, -1]) - 0.5 * GRADS[1] / np.sqrt(s2)
    assert np.allclose(_run("adagrad", 2, lr=0.5, eps=0.0), expected)


def test_adagrad_lr_decay():
    # step 2 uses lr / (1 + 1·0.5)
    s2 = np.array([0.3125, 5.0])
    step2 = (0.5 / 1.5) * GRADS[1] / np.sqrt(s2)
    expected = np.array([1.0, -2.0]) - 0.5 * np.array([1, -1]) - step2
    assert np.allclose(_run("adagrad", 2, lr=0.5, lr_decay=0.5, eps=0.0), expected)


def test_rmsprop():
    # v₁ = .1·g₁²; θ₁ = θ₀ − lr·g₁/√v₁ = θ₀ − lr·sign(g₁)/√.1
    v1 = 0.1 * GRADS[0] ** 2
    v2 = 0.9 * v1 + 0.1 * GRADS[1] ** 2
    expected = np.array([1.0, -2.0]) - 0.01 * (GRADS[0] / np.sqrt(v1) + GRADS[1] / np.sqrt(v2))
    assert np.allclose(_run("rmsprop", 2, lr=0.01, alpha=0.9, eps=0.0), expected)


def test_rmsprop_centered_with_momentum():
    g1, g2 = GRADS[0], GRADS[1]
    v1, m1 = 0.1 * g1**2, 0.1 * g1
    v2, m2 = 0.9 * v1 + 0.1 * g2**2, 0.9 * m1 + 0.1 * g2
    d1 = g1 / np.sqrt(v1 - m1**2)
    d2 = g2 / np.sqrt(v2 - m2**2)
    b1, b2 = d1, 0.5 * d1 + d2
    expected = np.array([1.0, -2.0]) - 0.01 * (b1 + b2)
    got = _run("rmsprop", 2, lr=0.01, alpha=0.9, eps=0.0, momentum=0.5, centered=True)
    assert np.allclose(got, expected)


def test_adam_first_step_moves_every_weight_by_lr():
    # m̂₁ = g₁ and v̂₁ = g₁², so the first step is lr·sign(g₁) (eps aside)
    assert np.allclose(_run("adam", 1, lr=0.1), [0.9, -1.9], atol=1e-6)


def test_adam_two_steps():
    b1, b2, lr = 0.9, 0.999, 0.1
    theta = np.array([1.0, -2.0])
    m = (1 - b1) * GRADS[0]
    v = (1 - b2) * GRADS[0] ** 2
    theta = theta - lr / (1 - b1) * m / (np.sqrt(v / (1 - b2)) + 1e-8)
    m = b1 * m + (1 - b1) * GRADS[1]
    v = b2 * v + (1 - b2) * GRADS[1] ** 2
    theta = theta - lr / (1 - b1**2) * m / (np.sqrt(v) / math.sqrt(1 - b2**2) + 1e-8)
    assert np.allclose(_run("adam", 2, lr=lr), theta)


def test_amsgrad_keeps_the_largest_second_moment():
    plain, ams = (
        _run("adam", 3, lr=0.1, betas=(0.5, 0.5)),
        _run("adam", 3, lr=0.1, betas=(0.5, 0.5), amsgrad=True),
    )
    # the second weight's g² falls from 4 to 0.25 on step 3: AMSGrad steps smaller there
    assert abs(ams[1] - (-2)) < abs(plain[1] - (-2))
    assert not np.allclose(plain, ams)


def test_learning_rate_can_change_between_steps():
    params = np.array([1.0])
    opt = get_optimizer("sgd", params, lr=0.1)
    opt.step(params, np.array([1.0]))
    opt.lr = 0.5
    opt.step(params, np.array([1.0]))
    assert params[0] == pytest.approx(1 - 0.1 - 0.5)


@pytest.mark.parametrize(
    "name,options",
    [
        ("nope", {}),
        ("sgd", {"lr": -1}),
        ("sgd", {"nesterov": True}),
        ("adam", {"betas": (1.0, 0.9)}),
        ("adam", {"momentum": 0.9}),
        ("rmsprop", {"alpha": 2}),
    ],
)
def test_bad_settings_raise_a_clear_error(name, options):
    with pytest.raises(TrainingConfigError):
        get_optimizer(name, np.zeros(2), **options)


TORCH_CASES = [
    ("sgd", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}),
    ("adagrad", {"lr": 0.05, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("adam", {"lr": 0.01, "betas": (0.8, 0.99), "amsgrad": True}),
]


@pytest.mark.parametrize("name,options", TORCH_CASES)
def test_matches_torch_optim_over_many_steps(name, options):
    torch = pytest.importorskip("torch", reason="torch==2.13.0 (the test extra) is not installed")
    rng = np.random.default_rng(3)
    grads = rng.normal(size=(20, 6))
    params = rng.normal(size=6)
    ours = params.copy()
    opt = get_optimizer(name, ours, **options)
    theirs = torch.tensor(params, requires_grad=True)
    cls = {
        "sgd": torch.optim.SGD,
        "adagrad": torch.optim.Adagrad,
        "rmsprop": torch.optim.RMSprop,
        "adam": torch.optim.Adam,
    }[name]
    torch_opt = cls([theirs], **options)
    for g in grads:
        opt.step(ours, g.copy())
        theirs.grad = torch.tensor(g)
        torch_opt.step()
    assert np.allclose(ours, theirs.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_every_optimizer_is_registered():
    assert set(OPTIMIZERS) == {"sgd", "adagrad", "rmsprop", "adam", "perceptron"}


@pytest.mark.parametrize("name,options", TORCH_CASES + [("adam", {"lr": 0.01})])
def test_large_vectors_updated_in_parallel_chunks_match_one_pass(name, options, monkeypatch):
    from nnstudio.engine import optimizers

    rng = np.random.default_rng(0)
    n = optimizers._PARALLEL_FROM + 12345
    start = rng.normal(size=n).astype(np.float32)
    grads = rng.normal(size=(3, n)).astype(np.float32)
    results = []
    for parallel_from in (optimizers._PARALLEL_FROM, n + 1):
        monkeypatch.setattr(optimizers, "_PARALLEL_FROM", parallel_from)
        params = start.copy()
        opt = get_optimizer(name, params, **options)
        for g in grads:
            opt.step(params, g)
        results.append(params)
    assert np.array_equal(results[0], results[1])
    assert not np.array_equal(results[0], start)
