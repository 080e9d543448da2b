"""Activation functions, each a forward/backward pair working in place.

``forward(z)`` turns the pre-activations ``z`` into the outputs ``a`` in place.
``backward(a, grad)`` turns ``grad`` = dL/da into dL/dz in place, using the outputs ``a``.
SiLU and GELU have no derivative expressible through ``a`` alone: they set
``needs_preactivation`` and are called as ``backward(a, grad, z)``, ``z`` being a copy of
the pre-activations that the layer kept before the in-place forward.
"""

from __future__ import annotations

import math

import numpy as np

from nnstudio.errors import SpecError


class Activation:
    """Base class: subclasses implement :meth:`forward` and :meth:`backward`."""

    name = ""
    needs_preactivation = False

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


class Step(Activation):
    """Heaviside step, the threshold neuron of McCulloch–Pitts and Rosenblatt: a = 1 where
    z ≥ 0, else 0 (so a unit exactly at its threshold fires); NaN stays NaN.

    da/dz = 0 almost everywhere, so backward sets dL/dz to 0 and gradient descent leaves
    the weights before a step layer where they are: train step neurons with the perceptron
    rule instead."""

    name = "step"

    def forward(self, z):
        # min(sign(z) + 1, 1), NaN kept (z >= 0 would make it 0); np.heaviside, and np.sign
        # in place, are ten times slower
        np.minimum(np.sign(z) + 1.0, 1.0, out=z)

    def backward(self, a, grad):
        grad *= 0.0  # not fill(0): a NaN or inf that reached dL/da stays visible


class ELU(Activation):
    """a = z where z > 0, else alpha·(e^z − 1) (PyTorch's ``nn.ELU``);
    da/dz = 1 where a > 0, else alpha·e^z = a + alpha.

    Computed as max(z, 0) + alpha·expm1(min(z, 0)), without masks: NumPy's masked operations
    (``where=``, boolean indexing, np.where) take ~10 ns an element when the mask is
    unpredictable, ten times a plain ufunc."""

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        if not 0 < alpha < math.inf:
            raise SpecError(f"elu needs alpha > 0, got {alpha}")
        self.alpha = float(alpha)

    def forward(self, z):
        negative = np.minimum(z, 0.0)
        np.expm1(negative, out=negative)
        negative *= self.alpha
        np.maximum(z, 0.0, out=z)
        z += negative

    def backward(self, a, grad):
        slope = np.greater(a, 0.0, out=np.empty_like(a))
        slope *= 1.0 - self.alpha
        slope += self.alpha
        slope += np.minimum(a, 0.0)  # 1 where a > 0, else a + alpha
        grad *= slope

    def params(self):
        return {"alpha": self.alpha}


class Softplus(Activation):
    """a = log(1 + e^z), as max(z, 0) + log1p(e^(−|z|)) so it never overflows (np.logaddexp
    is thirty times slower); da/dz = sigmoid(z) = 1 − e^(−a), as −expm1(−a) so it stays
    exact for tiny a."""

    name = "softplus"

    def forward(self, z):
        tail = np.abs(z)
        np.negative(tail, out=tail)
        np.exp(tail, out=tail)
        np.log1p(tail, out=tail)
        np.maximum(z, 0.0, out=z)
        z += tail

    def backward(self, a, grad):
        slope = np.expm1(-a)
        np.negative(slope, out=slope)
        grad *= slope


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """sigmoid(z) as a new array, as (1 + tanh(z/2)) / 2 (never overflows)."""
    s = np.multiply(z, 0.5)
    np.tanh(s, out=s)
    s *= 0.5
    s += 0.5
    return s


class SiLU(Activation):
    """SiLU, also called swish: a = z·s with s = sigmoid(z);
    da/dz = s + z·s·(1 − s) = s + a·(1 − s), which needs z (``backward(a, grad, z)``)."""

    name = "silu"
    needs_preactivation = True

    def forward(self, z):
        z *= _sigmoid(z)

    def backward(self, a, grad, z):
        s = _sigmoid(z)
        slope = 1.0 - s
        slope *= a
        slope += s
        grad *= slope


# W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
# (1969) 631-638, as in Netlib's specfun CALERF: numerator and denominator coefficients,
# highest degree first.
_ERF_SMALL = (  # erf(x) = x·P(x²)/Q(x²) for |x| ≤ 0.46875
    (1.85777706184603153e-1, 3.16112374387056560e0, 1.13864154151050156e2,
     3.77485237685302021e2, 3.20937758913846947e3),
    (1.0, 2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3,
     2.84423683343917062e3),
)  # fmt: skip
_ERFC_MID = (  # erfc(y) = e^(−y²)·P(y)/Q(y) for 0.46875 < y ≤ 4
    (2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e0,
     6.61191906371416295e1, 2.98635138197400131e2, 8.81952221241769090e2,
     1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3),
    (1.0, 1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2,
     1.62138957456669019e3, 3.29079923573345963e3, 4.36261909014324716e3,
     3.43936767414372164e3, 1.23033935480374942e3),
)  # fmt: skip
_ERFC_LARGE = (  # erfc(y) = e^(−y²)/y·(1/√π − w·P(w)/Q(w)), w = 1/y², for y > 4
    (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
     1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4),
    (1.0, 2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1,
     6.05183413124413191e-2, 2.33520497626869185e-3),
)  # fmt: skip
_SMALL = 0.46875  # Cody's first interval: |x| ≤ 0.46875
_ZERO_FROM = 30.0  # erfc(30) < 1e-390, 0 in floating point


def _rational(x: np.ndarray, coefficients) -> np.ndarray:
    """P(x)/Q(x) by Horner's rule, ``coefficients`` = (P's, Q's), highest degree first."""
    p, q = (np.multiply(x, poly[0]) for poly in coefficients)
    for r, poly in ((p, coefficients[0]), (q, coefficients[1])):
        for c in poly[1:-1]:
            r += c
            r *= x
        r += poly[-1]
    p /= q
    return p


def _cody(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(small, e, c)``: ``small`` is 1.0 where |x| ≤ 0.46875, else 0.0; ``e`` = erf(x)
    where small, ``c`` = erfc(|x|) elsewhere (finite but meaningless in the other part).

    Both intervals are computed on the whole array and blended by arithmetic: NumPy's masked
    operations (``where=``, boolean indexing, np.where) take ~10 ns an element when the mask
    is unpredictable, ten times a SIMD ufunc. Only the rare |x| > 4 are picked out."""
    y = np.abs(x)
    np.minimum(y, _ZERO_FROM, out=y)  # np.minimum keeps NaN
    small = np.less_equal(y, _SMALL, out=np.empty_like(y))
    xs = np.clip(x, -_SMALL, _SMALL)
    e = _rational(xs * xs, _ERF_SMALL)
    e *= xs
    c = _rational(np.clip(y, _SMALL, 4.0), _ERFC_MID)
    large = np.nonzero(y > 4.0)  # indices, not a mask: any memory layout, and fast
    yl = y[large]
    w = 1.0 / (yl * yl)
    c[large] = (1 / math.sqrt(math.pi) - w * _rational(w, _ERFC_LARGE)) / yl
    y *= y
    np.negative(y, out=y)
    c *= np.exp(y, out=y)
    return small, e, c


def _floats(x) -> np.ndarray:
    """``x`` as an array of floats (float64 unless it has floats already)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _blend(small: np.ndarray, inside: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """``inside`` where ``small`` is 1.0, ``outside`` where it is 0.0, exactly (both finite:
    one of the two products is 0); overwrites all three."""
    inside *= small
    np.subtract(1.0, small, out=small)
    outside *= small
    outside += inside
    return outside


def erf(x) -> np.ndarray:
    """The error function, elementwise, in ``x``'s float dtype (float64 for integers).

    W. J. Cody's rational Chebyshev approximations (1969), ~18 digits in exact arithmetic.
    Measured in float64 against ``math.erf`` on 2,000,001 points of [−10, 10]: at most
    2.2e-16 absolute, 4.9e-16 relative (tests hold it under 1e-15); in float32, 1.6e-7."""
    x = _floats(x)
    small, e, c = _cody(x)
    np.subtract(1.0, c, out=c)
    return _blend(small, e, np.copysign(c, x, out=c))


def erfc(x) -> np.ndarray:
    """The complementary error function 1 − erf(x), computed directly for |x| > 0.46875, so
    the tail keeps its relative accuracy (measured in float64 against ``math.erfc`` on
    [−10, 10]: 7.5e-15 relative at most, where it does not underflow); see :func:`erf`."""
    x = _floats(x)
    small, e, c = _cody(x)
    np.subtract(1.0, e, out=e)
    # 2 − c for negative x, c itself (exactly, tiny as it may be) for positive x
    reflected = np.multiply(c, -2.0)
    reflected += 2.0
    reflected *= np.less(x, 0, out=np.empty_like(x))
    c += reflected
    return _blend(small, e, c)


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """Φ(z) = erfc(−z/√2)/2 as a new array."""
    p = erfc(z * (-1 / math.sqrt(2)))
    p *= 0.5
    return p


class GELU(Activation):
    """Exact GELU, as PyTorch's default ``nn.GELU()``: a = z·Φ(z), Φ the standard normal
    CDF (from :func:`erfc`); da/dz = Φ(z) + z·φ(z) with φ(z) = e^(−z²/2)/√(2π), which needs
    z (``backward(a, grad, z)``).

    backward takes Φ(z) = a/z rather than a second erfc, and Φ(z) = 1/2 (to every digit)
    where |z| < 1e-30, where a/z would be 0/0 or lose digits to subnormal numbers."""

    name = "gelu"
    needs_preactivation = True

    def forward(self, z):
        z *= _normal_cdf(z)

    def backward(self, a, grad, z):
        near_0 = np.less(np.abs(z), 1e-30, out=np.empty_like(z))
        cdf = np.divide(a, z + near_0)  # finite everywhere; replaced by 1/2 near 0
        slope = _blend(near_0, np.full_like(z, 0.5), cdf)
        density = np.multiply(z, z)
        density *= -0.5
        np.exp(density, out=density)
        density *= z
        density *= 1 / math.sqrt(2 * math.pi)
        slope += density
        grad *= slope


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
    cls.name: cls
    for cls in (Linear, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax, Step, ELU, Softplus, SiLU, GELU)
}
ALIASES = {"swish": "silu"}


def get_activation(name: str, **params) -> Activation:
    """Build the activation called ``name`` (see :data:`ACTIVATIONS` and :data:`ALIASES`)."""
    try:
        cls = ACTIVATIONS[ALIASES.get(name, name)]
    except (KeyError, TypeError):
        known = ", ".join([*ACTIVATIONS, *ALIASES])
        raise SpecError(f"unknown activation {name!r}; choose one of: {known}") from None
    try:
        return cls(**params)
    except TypeError:
        raise SpecError(f"activation {name!r} takes no parameters {sorted(params)}") from None
