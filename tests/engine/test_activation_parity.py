"""The activations PyTorch also has give its values and its autograd gradients (float64)."""

import numpy as np
import pytest

from nnstudio.engine.activations import get_activation

EDGES = [-1000.0, -50.0, -20.0, -1e-8, -1e-35, 0.0, 1e-35, 1e-8, 20.0, 50.0, 1000.0]


def _functional(torch, name, params):
    f = torch.nn.functional
    return {
        "elu": lambda z: f.elu(z, **params),
        "softplus": f.softplus,
        "silu": f.silu,
        "gelu": f.gelu,  # approximate="none": the exact erf form
    }[name]


@pytest.mark.parametrize(
    "name,params",
    [("elu", {}), ("elu", {"alpha": 0.3}), ("softplus", {}), ("silu", {}), ("gelu", {})],
)
def test_values_and_gradients_match_torch(name, params):
    torch = pytest.importorskip("torch", reason="torch==2.13.0 (the test extra) is not installed")
    rng = np.random.default_rng(7)
    z = np.concatenate([rng.normal(scale=3.0, size=2000), np.linspace(-8, 8, 401), EDGES])
    z = z.reshape(3, 804)
    upstream = rng.normal(size=z.shape)

    activation = get_activation(name, **params)
    a = activation(z)
    grad = upstream.copy()
    if activation.needs_preactivation:
        activation.backward(a, grad, z.copy())
    else:
        activation.backward(a, grad)

    zt = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    at = _functional(torch, name, params)(zt)
    at.backward(torch.tensor(upstream))
    assert np.max(np.abs(a - at.detach().numpy())) <= 1e-6
    assert np.max(np.abs(grad - zt.grad.numpy())) <= 1e-6
