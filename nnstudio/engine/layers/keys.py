"""Reading one layer entry of a spec: each check raises SpecError saying what to fix."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from nnstudio.engine.activations import get_activation
from nnstudio.engine.initializers import get_initializer
from nnstudio.errors import SpecError


def check_keys(entry: Mapping, allowed: set[str], where: str) -> None:
    """Refuse keys of ``entry`` outside ``allowed`` (a typo such as "actvation")."""
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise SpecError(
            f"{where} has unknown keys {unknown}; allowed: {', '.join(sorted(allowed))}"
        )


def positive_int(value, what: str) -> int:
    """``value`` if it is a whole number ≥ 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"{what} must be a whole number ≥ 1, got {value!r}")
    return value


def boolean(value, what: str) -> bool:
    """``value`` if it is true or false."""
    if not isinstance(value, bool):
        raise SpecError(f"{what} must be true or false, got {value!r}")
    return value


def choice(value, options: Sequence[str], what: str) -> str:
    """``value`` if it is one of ``options``."""
    if not isinstance(value, str) or value not in options:
        raise SpecError(f"{what} must be one of {', '.join(options)}, got {value!r}")
    return value


def number(value, what: str) -> float:
    """``value`` as a float if it is a finite real number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SpecError(f"{what} must be a number, got {value!r}")
    return float(value)


def name(entry: Mapping, default: str, where: str) -> str:
    """The entry's "name", or ``default`` when it has none."""
    value = entry.get("name") or default
    if not isinstance(value, str):
        raise SpecError(f"{where}: name must be a string, got {value!r}")
    return value


def shape_text(shape: Sequence[int]) -> str:
    """A shape as the canvas writes it: 26×26×16, or 784 for a flat vector."""
    return "×".join(str(n) for n in shape)


BIAS_INITIALIZERS = ("zeros", "uniform")
ALPHA_DEFAULTS = {"leaky_relu": 0.01, "elu": 1.0}  # the activations that take an alpha


def weighted_keys(entry: Mapping, where: str, initializer: str) -> dict:
    """The keys a layer with weights shares: activation (and alpha), use_bias,
    initializer, bias_initializer — defaults filled in, each checked."""
    activation = entry.get("activation", "linear")
    if not isinstance(activation, str):
        raise SpecError(f"{where}: activation must be a name such as 'relu', got {activation!r}")
    alpha = entry.get("alpha", ALPHA_DEFAULTS.get(activation, 0.01))
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool):
        raise SpecError(f"{where}: alpha must be a number, got {alpha!r}")
    keys = {
        "activation": activation,
        "use_bias": entry.get("use_bias", True),
        "initializer": entry.get("initializer", initializer),
        "bias_initializer": entry.get("bias_initializer", "zeros"),
        "alpha": float(alpha),
    }
    get_activation(keys["activation"], **activation_params(keys["activation"], keys["alpha"]))
    get_initializer(keys["initializer"])
    if keys["bias_initializer"] not in BIAS_INITIALIZERS:
        raise SpecError(
            f"{where}: bias_initializer must be one of {', '.join(BIAS_INITIALIZERS)}, "
            f"got {keys['bias_initializer']!r}"
        )
    boolean(keys["use_bias"], f"{where}: use_bias")
    return keys


def activation_params(activation: str, alpha: float) -> dict:
    """The parameters beyond its name that ``activation`` takes."""
    return {"alpha": alpha} if activation in ALPHA_DEFAULTS else {}
