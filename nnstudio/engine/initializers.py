"""Weight initialisers. Each draws a (fan_in, fan_out) array from a NumPy Generator in
float64, so a seed gives the same starting weights in float32 and float64."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnstudio.errors import SpecError

Initializer = Callable[[np.random.Generator, int, int], np.ndarray]


def uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """The classic tutorial start: uniform on [-1, 1)."""
    return rng.uniform(-1.0, 1.0, size=(fan_in, fan_out))


def glorot_uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """Glorot & Bengio (2010): uniform on ±sqrt(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def he_normal(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """He et al. (2015): normal with std sqrt(2 / fan_in), for ReLU layers."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def zeros(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """All zeros (every unit of a layer then learns the same thing: for teaching)."""
    return np.zeros((fan_in, fan_out))


INITIALIZERS: dict[str, Initializer] = {
    f.__name__: f for f in (uniform, glorot_uniform, he_normal, zeros)
}


def get_initializer(name: str) -> Initializer:
    """The initialiser called ``name`` (see :data:`INITIALIZERS`)."""
    try:
        return INITIALIZERS[name]
    except (KeyError, TypeError):
        known = ", ".join(INITIALIZERS)
        raise SpecError(f"unknown initializer {name!r}; choose one of: {known}") from None
