"""The weight colour map: sign → hue (blue positive, orange negative), magnitude →
opacity and width. Weights fall into a few bins so a painter sets few pens."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage, QPen

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


def _lookup_table() -> np.ndarray:
    """256 RGBA entries from full orange (−scale) through near-white to full blue."""
    t = np.linspace(-1, 1, 256)[:, None]
    white = np.array([246, 246, 246])
    neg = np.array(NEGATIVE.getRgb()[:3])
    pos = np.array(POSITIVE.getRgb()[:3])
    rgb = np.where(t < 0, white + (neg - white) * -t, white + (pos - white) * t)
    return np.c_[rgb, np.full(256, 255)].astype(np.uint8)


_LUT = _lookup_table()
_LUT32 = np.ascontiguousarray(_LUT).view(np.uint32).ravel()  # an entry's 4 bytes as one


def matrix_image_array(weights: np.ndarray, scale: float) -> np.ndarray:
    """A matrix as (rows, columns, 4) RGBA bytes on the weight colour map."""
    # in place, and one 4-byte entry looked up per weight: ~5× faster than four bytes
    # (the Weights tab colours 100,000 weights a redraw for 128 units of 28×28)
    index = np.array(np.asarray(weights) / scale, copy=None, ndmin=1)
    index += 1
    index *= 127.5
    np.clip(index, 0, 255, out=index)
    rgba = _LUT32[index.astype(np.uint8, order="C")]
    return rgba.view(np.uint8).reshape(*np.shape(weights), 4)


def matrix_image(weights: np.ndarray, scale: float) -> QImage:
    """A matrix as a picture, one pixel per entry, on the weight colour map."""
    rgba = matrix_image_array(weights, scale)
    h, w = rgba.shape[:2]
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
