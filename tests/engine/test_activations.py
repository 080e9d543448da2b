"""Activation functions: values in place, gradients against central differences, and
non-finite values never hidden."""

import math

import numpy as np
import pytest

from nnstudio.engine.activations import ACTIVATIONS, SiLU, erf, erfc, get_activation
from nnstudio.errors import SpecError

NEW = ["step", "elu", "softplus", "silu", "gelu"]
# near 0 and far out on both sides; none within the central-difference step of 0, where
# step and elu have their kinks
Z = np.array([-50, -20, -5, -1, -0.3, -1e-3, 1e-3, 0.3, 1, 5, 20, 50], np.float64)


def backward(activation, z, grad):
    """dL/dz from dL/da through ``activation``'s backward, with the signature it asks for."""
    a = activation(z)
    if activation.needs_preactivation:
        activation.backward(a, grad, z.copy())
    else:
        activation.backward(a, grad)
    return grad


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_nan_stays_nan_so_divergence_is_seen(name):
    z = np.array([[np.nan, 1.0, -1.0]], np.float32)
    with np.errstate(invalid="ignore"):  # as in training; softplus's logaddexp warns
        get_activation(name).forward(z)
    assert np.isnan(z).any()


def test_relu_zeroes_negatives_in_place():
    z = np.array([[-2.0, -0.0, 0.0, 0.5, 3.0]], np.float32)
    get_activation("relu").forward(z)
    assert np.array_equal(z, [[0, 0, 0, 0.5, 3.0]])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_backward_matches_central_differences(name):
    activation = get_activation(name)
    rng = np.random.default_rng(0)
    z = np.stack([Z, rng.permutation(Z)])  # two rows, so softmax mixes its inputs
    w = rng.normal(size=z.shape)  # L = Σ w·a, so dL/da = w

    analytic = backward(activation, z, w.copy())

    h = 1e-6
    numeric = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        up, down = z.copy(), z.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (np.vdot(w, activation(up)) - np.vdot(w, activation(down))) / (2 * h)
    assert np.max(np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric))) < 1e-7


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_large_inputs_neither_overflow_nor_give_nan(name, dtype):
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        grad = backward(get_activation(name), z, np.ones_like(z))
        a = get_activation(name)(z)
    assert a.dtype == grad.dtype == dtype
    assert np.isfinite(a).all() and np.isfinite(grad).all()
    assert np.all(np.abs(grad) <= 1.0 + 1e-6)


def test_step_fires_at_and_above_its_threshold_and_learns_nothing_by_gradient():
    z = np.array([[-np.inf, -1.0, -1e-300, -0.0, 0.0, 1e-300, 1.0, np.inf]])
    step = get_activation("step")
    assert np.array_equal(step(z), [[0, 0, 0, 1, 1, 1, 1, 1]])
    assert np.array_equal(backward(step, z, np.full_like(z, 3.0)), np.zeros_like(z))


def test_elu_alpha_scales_the_negative_side():
    elu = get_activation("elu", alpha=0.5)
    assert repr(elu) == "ELU(alpha=0.5)" and elu.params() == {"alpha": 0.5}
    assert get_activation("elu").alpha == 1.0
    assert np.allclose(elu(np.array([-2.0, 0.0, 3.0])), [0.5 * math.expm1(-2.0), 0.0, 3.0])


@pytest.mark.parametrize("alpha", [0.0, -1.0, math.nan, math.inf])
def test_elu_refuses_an_alpha_its_gradient_cannot_use(alpha):
    with pytest.raises(SpecError, match="elu needs alpha > 0"):
        get_activation("elu", alpha=alpha)


def test_softplus_gradient_stays_exact_where_the_output_is_tiny():
    z = np.array([-700.0, -40.0])
    grad = backward(get_activation("softplus"), z, np.ones_like(z))
    assert np.allclose(grad, np.exp(z), rtol=1e-12, atol=0)


def test_only_silu_and_gelu_need_the_pre_activations():
    needing = {name for name, cls in ACTIVATIONS.items() if cls.needs_preactivation}
    assert needing == {"silu", "gelu"}


def test_swish_is_silu():
    swish = get_activation("swish")
    assert isinstance(swish, SiLU) and swish.name == "silu"


def test_unknown_activation_lists_the_choices():
    with pytest.raises(SpecError, match="unknown activation 'mish'; choose one of: ") as info:
        get_activation("mish")
    assert all(name in str(info.value) for name in [*NEW, "swish", "relu"])


def test_erf_matches_math_erf_to_the_last_digits():
    x = np.linspace(-10, 10, 200_001)
    assert np.max(np.abs(erf(x) - [math.erf(v) for v in x])) < 1e-15
    reference = np.array([math.erfc(v) for v in x])
    assert np.max(np.abs(erfc(x) - reference) / reference) < 1e-13


def test_erf_keeps_float32_and_the_limits():
    x = np.linspace(-6, 6, 1001, dtype=np.float32)
    assert erf(x).dtype == np.float32
    assert np.max(np.abs(erf(x) - [math.erf(v) for v in x.astype(float)])) < 1e-6
    assert np.array_equal(erf([-np.inf, -0.0, np.inf]), [-1.0, 0.0, 1.0])
    assert np.isnan(erf([np.nan])).all() and np.isnan(erfc([np.nan])).all()


def test_erf_of_a_transposed_array_is_the_transpose_of_erf():
    x = np.linspace(-9, 9, 60).reshape(6, 10)
    assert np.array_equal(erf(x.T), erf(x).T) and np.array_equal(erfc(x.T), erfc(x).T)
