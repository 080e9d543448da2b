"""Weight initialisers. Each draws an array of ``shape`` (default (fan_in, fan_out)) from
a NumPy Generator in float64, so a seed gives the same starting weights in float32 and
float64. A convolution passes its kernel's shape and its receptive-field fans
(kh·kw·in_channels, kh·kw·filters), as Keras does."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnstudio.errors import SpecError

Initializer = Callable[..., np.ndarray]


def uniform(rng: np.random.Generator, fan_in: int, fan_out: int, shape=None) -> np.ndarray:
    """The classic tutorial start: uniform on [-1, 1)."""
    return rng.uniform(-1.0, 1.0, size=shape or (fan_in, fan_out))


def rand(rng: np.random.Generator, fan_in: int, fan_out: int, shape=None) -> np.ndarray:
    """``np.random.rand``'s start, as in the 3-4-1 tutorial network: uniform on [0, 1)."""
    return rng.uniform(0.0, 1.0, size=shape or (fan_in, fan_out))


def glorot_uniform(rng: np.random.Generator, fan_in: int, fan_out: int, shape=None) -> np.ndarray:
    """Glorot & Bengio (2010): uniform on ±sqrt(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape or (fan_in, fan_out))


def he_normal(rng: np.random.Generator, fan_in: int, fan_out: int, shape=None) -> np.ndarray:
    """He et al. (2015): normal with std sqrt(2 / fan_in), for ReLU layers."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape or (fan_in, fan_out))


def zeros(rng: np.random.Generator, fan_in: int, fan_out: int, shape=None) -> np.ndarray:
    """All zeros (every unit of a layer then learns the same thing: for teaching)."""
    return np.zeros(shape or (fan_in, fan_out))


INITIALIZERS: dict[str, Initializer] = {
    f.__name__: f for f in (uniform, rand, glorot_uniform, he_normal, zeros)
}


def get_initializer(name: str) -> Initializer:
    """The initialiser called ``name`` (see :data:`INITIALIZERS`)."""
    try:
        return INITIALIZERS[name]
    except (KeyError, TypeError):
        known = ", ".join(INITIALIZERS)
        raise SpecError(f"unknown initializer {name!r}; choose one of: {known}") from None
