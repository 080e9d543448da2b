"""Numbers as a person writes them, for axes and counters (Qt-free).

"0.25", "1,500", "20 k", "1.5 M", "3×10⁻⁸": just enough decimals, thousands
separators, compact large numbers, an exponent only where nothing else reads, no
"-0", and no float-error negative for a quantity that cannot be negative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MINUS = "\u2212"
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
UNITS = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
COMPACT_FROM = 10_000  # below: "9,500"; from here: "10 k"
PLAIN_DOWN_TO = 1e-4  # numbers smaller than this get an exponent: "3×10⁻⁸"
EXPONENT_FROM = 1e15
MAX_DECIMALS = 12


def decimals(spacing: float) -> int:
    """The fewest decimals that tell apart numbers ``spacing`` apart (0.25 → 2)."""
    if not math.isfinite(spacing) or spacing <= 0:
        return 0
    for places in range(MAX_DECIMALS + 1):
        if abs(round(spacing, places) - spacing) <= 1e-6 * spacing:
            return places
    return MAX_DECIMALS


def _signed(text: str, negative: bool) -> str:
    return MINUS + text if negative and text != "0" else text


def _plain(value: float, places: int) -> str:
    text = f"{abs(value):,.{places}f}"
    return "0" if float(text.replace(",", "")) == 0 else _signed(text, value < 0)


def _exponent(value: float, exponent: int, places: int) -> str:
    """``value`` as mantissa × 10^exponent: "3×10⁻⁸", "10⁻⁸" for a mantissa of 1."""
    mantissa = f"{abs(value) / 10.0**exponent:.{places}f}"
    if float(mantissa) == 0:
        return "0"
    power = "10" + str(exponent).translate(SUPERSCRIPTS)
    return _signed(power if mantissa == "1" else f"{mantissa}×{power}", value < 0)


def _unit(scale: float) -> tuple[float, str]:
    return next((size, name) for size, name in UNITS if scale >= size)


def tick_texts(values: Sequence[float], spacing: float, nonnegative: bool = False) -> list[str]:
    """Labels for axis ticks ``spacing`` apart. With ``nonnegative`` (a loss), a tick
    below zero by a float error reads "0" and one truly below has no label."""
    finite = [abs(v) for v in values if math.isfinite(v)]
    scale = max(finite, default=0.0)
    if scale >= EXPONENT_FROM or 0 < scale < PLAIN_DOWN_TO:
        exponent = math.floor(math.log10(scale))
        places = decimals(spacing / 10.0**exponent)

        def text(v: float) -> str:
            return _exponent(v, exponent, places)
    elif scale >= COMPACT_FROM and spacing >= _unit(scale)[0] / 100:
        unit, name = _unit(scale)
        places = decimals(spacing / unit)

        def text(v: float) -> str:
            plain = _plain(v / unit, places)
            return plain if plain == "0" else f"{plain} {name}"
    else:
        places = decimals(spacing)

        def text(v: float) -> str:
            return _plain(v, places)

    texts = []
    for value in values:
        if not math.isfinite(value):
            texts.append("")
        elif nonnegative and value < 0:
            texts.append("0" if -value < 1e-3 * spacing else "")
        else:
            texts.append(text(value))
    return texts


def value_text(value: float | None, digits: int = 4, nonnegative: bool = False) -> str:
    """One number to ``digits`` significant digits, no trailing zeros: "0.1234",
    "1,235", "12.35 k", "2.4×10⁻⁸"; "–" for None. With ``nonnegative``, a negative
    value (a float error) reads "0"."""
    if value is None:
        return "–"
    if math.isnan(value):
        return "not a number"
    if nonnegative and value < 0:
        value = 0.0
    if math.isinf(value):
        return _signed("∞", value < 0)
    size = abs(value)
    if size == 0:
        return "0"
    if size >= EXPONENT_FROM or size < PLAIN_DOWN_TO:
        return _exponent_text(value, digits)
    if size >= COMPACT_FROM:
        unit, name = _unit(size)
        places = max(0, digits - 1 - math.floor(math.log10(size / unit)))
        return f"{_trim(_plain(value / unit, places))} {name}"
    return _trim(_plain(value, max(0, digits - 1 - math.floor(math.log10(size)))))


def _exponent_text(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant digits with an exponent: "2.384×10⁻⁸"."""
    mantissa = f"{abs(value):.{digits - 1}e}"
    significand, exponent = mantissa.split("e")
    return _exponent(value, int(exponent), len(_trim(significand).partition(".")[2]))


def _trim(text: str) -> str:
    """Trailing zeros after a decimal point gone: "0.5000" → "0.5", "2.0" → "2"."""
    if "." not in text:
        return text
    return text.rstrip("0").rstrip(".")


def percent_text(fraction: float | None, digits: int = 3) -> str:
    """A share in [0, 1] as a percentage: "97.5%", "100%" (clamped to [0, 1])."""
    if fraction is None:
        return "–"
    return value_text(100 * min(max(fraction, 0.0), 1.0), digits) + "%"
