"""The weight colour map: sign → hue (blue positive, orange negative), magnitude →
opacity and width. Weights fall into a few bins so a painter sets few pens."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QPen

POSITIVE = QColor(32, 110, 200)
NEGATIVE = QColor(232, 120, 20)
NEUTRAL = QColor(200, 200, 200)
BINS = 8


def scale_of(weights) -> float:
    """The symmetric colour scale: the largest |weight| in the network (≥ 1e-6)."""
    largest = max((float(np.abs(w).max()) for w, _ in weights if w.size), default=0.0)
    return max(largest, 1e-6)


def bin_of(values: np.ndarray, scale: float) -> np.ndarray:
    """Bin index per value: 0 … BINS−1 negative (weakest first), BINS … 2·BINS−1 positive."""
    magnitude = np.minimum(np.abs(values) / scale, 1.0)
    level = np.minimum((magnitude * BINS).astype(np.int64), BINS - 1)
    return np.where(values < 0, level, BINS + level)


def color_of(bin_index: int) -> QColor:
    level = (bin_index % BINS + 0.5) / BINS
    base = NEGATIVE if bin_index < BINS else POSITIVE
    color = QColor(base)
    color.setAlphaF(0.12 + 0.88 * level)
    return color


def pen_of(bin_index: int, thin: bool = False) -> QPen:
    level = (bin_index % BINS + 0.5) / BINS
    pen = QPen(color_of(bin_index))
    pen.setWidthF(0.6 if thin else 0.6 + 3.0 * level)
    pen.setCosmetic(True)
    return pen


def value_color(value: float, scale: float) -> QColor:
    """The colour of one value (a node's bias), on the same map."""
    return color_of(int(bin_of(np.array([value]), scale)[0]))
