"""Activation functions, each a forward/backward pair working in place.

``forward(z)`` turns the pre-activations ``z`` into the outputs ``a`` in place.
``backward(a, grad)`` turns ``grad`` = dL/da into dL/dz in place, using only the
outputs ``a`` (every activation here has a derivative expressible through its output).
"""

from __future__ import annotations

import numpy as np

from nnstudio.errors import SpecError


class Activation:
    """Base class: subclasses implement :meth:`forward` and :meth:`backward`."""

    name = ""

    def forward(self, z: np.ndarray) -> None:
        raise NotImplementedError

    def backward(self, a: np.ndarray, grad: np.ndarray) -> None:
        raise NotImplementedError

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """Return the activation of ``z`` as a new array."""
        a = np.array(z, copy=True)
        self.forward(a)
        return a

    def params(self) -> dict:
        """Parameters beyond the name that a spec needs to rebuild this activation."""
        return {}

    def __repr__(self) -> str:
        extra = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({extra})"


class Linear(Activation):
    """a = z; da/dz = 1."""

    name = "linear"

    def forward(self, z):
        pass

    def backward(self, a, grad):
        pass


class Sigmoid(Activation):
    """a = 1 / (1 + exp(-z)), computed as (1 + tanh(z/2)) / 2 so it never overflows;
    da/dz = a (1 - a)."""

    name = "sigmoid"

    def forward(self, z):
        z *= 0.5
        np.tanh(z, out=z)
        z *= 0.5
        z += 0.5

    def backward(self, a, grad):
        slope = 1.0 - a
        slope *= a
        grad *= slope


class Tanh(Activation):
    """a = tanh(z); da/dz = 1 - a²."""

    name = "tanh"

    def forward(self, z):
        np.tanh(z, out=z)

    def backward(self, a, grad):
        slope = a * a
        np.subtract(1.0, slope, out=slope)
        grad *= slope


class ReLU(Activation):
    """a = max(z, 0); da/dz = 1 where a > 0, else 0."""

    name = "relu"

    def forward(self, z):
        # z·[z > 0] is twice as fast as np.maximum here; NaN stays NaN, as it must
        np.multiply(z, z > 0, out=z)

    def backward(self, a, grad):
        np.multiply(grad, a > 0, out=grad)


class LeakyReLU(Activation):
    """a = z where z > 0, else alpha·z; da/dz = 1 where a > 0, else alpha."""

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.01):
        if not 0 < alpha < 1:
            raise SpecError(f"leaky_relu needs 0 < alpha < 1, got {alpha}")
        self.alpha = float(alpha)

    def forward(self, z):
        np.multiply(z, self.alpha, out=z, where=z < 0)

    def backward(self, a, grad):
        np.multiply(grad, self.alpha, out=grad, where=a <= 0)

    def params(self):
        return {"alpha": self.alpha}


class Softmax(Activation):
    """a_i = exp(z_i) / Σ_j exp(z_j) over each row (shifted by the row max: no overflow);
    dL/dz = a ⊙ (dL/da − Σ_j a_j dL/da_j)."""

    name = "softmax"

    def forward(self, z):
        z -= np.maximum.reduce(z, axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= np.add.reduce(z, axis=1, keepdims=True)

    def backward(self, a, grad):
        grad -= np.einsum("ij,ij->i", grad, a)[:, None]
        grad *= a


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Linear, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax)
}


def get_activation(name: str, **params) -> Activation:
    """Build the activation called ``name`` (see :data:`ACTIVATIONS`)."""
    try:
        cls = ACTIVATIONS[name]
    except (KeyError, TypeError):
        known = ", ".join(ACTIVATIONS)
        raise SpecError(f"unknown activation {name!r}; choose one of: {known}") from None
    try:
        return cls(**params)
    except TypeError:
        raise SpecError(f"activation {name!r} takes no parameters {sorted(params)}") from None
