"""The canvas's colours: the weight colour map — sign → hue (blue positive, orange
negative), magnitude → opacity and width; weights fall into a few bins so a painter
sets few pens — and the ink and paper of the current palette (light or dark)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PySide6.QtGui import QColor, QImage, QPalette, QPen
from PySide6.QtWidgets import QApplication

POSITIVE = QColor(32, 110, 200)
NEGATIVE = QColor(232, 120, 20)
BINS = 8


@dataclass(frozen=True)
class Ink:
    """What the canvas draws with, from the palette."""

    paper: QColor  # the background
    text: QColor  # names, numbers
    muted: QColor  # outlines, subtitles
    faint: QColor  # links between layers, button rims
    backing: QColor  # behind text over connections
    button: QColor  # the +/− buttons
    node: QColor  # a node with no colour of its own (inputs), and a zero weight


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a share ``t`` of the way to ``b``."""
    return QColor.fromRgbF(*(x + (y - x) * t for x, y in zip(a.getRgbF()[:3], b.getRgbF()[:3])))


def ink() -> Ink:
    """The current palette's ink (cached per palette)."""
    return _ink(QApplication.palette().cacheKey())


@lru_cache(maxsize=4)
def _ink(_palette_key: int) -> Ink:
    palette = QApplication.palette()
    paper = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    backing = QColor(paper)
    backing.setAlpha(190)
    return Ink(
        paper=paper,
        text=text,
        muted=blend(text, paper, 0.45),
        faint=blend(text, paper, 0.68),
        backing=backing,
        button=palette.color(QPalette.ColorRole.Button),
        node=blend(paper, text, 0.04),
    )


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


def line_pens(thin: bool = False) -> list[QPen]:
    """A pen per bin for lines: opaque, each colour as it looks over the paper (Qt
    strokes many translucent lines ~10× slower, as one path), wider as the weight
    grows; draw them in :data:`DRAW_ORDER`, so a stronger line covers a weaker one."""
    return _line_pens(QApplication.palette().cacheKey(), thin)


DRAW_ORDER = [b for level in range(BINS) for b in (level, BINS + level)]  # weakest first


@lru_cache(maxsize=8)
def _line_pens(_palette_key: int, thin: bool) -> list[QPen]:
    paper, pens = ink().paper, []
    for bin_index in range(2 * BINS):
        level = (bin_index % BINS + 0.5) / BINS
        seen = color_of(bin_index)
        pen = QPen(blend(paper, seen, seen.alphaF()))
        pen.setWidthF(0.6 if thin else 0.6 + 3.0 * level)
        pen.setCosmetic(True)
        pens.append(pen)
    return pens


@lru_cache(maxsize=4)
def _lookup_words(middle: tuple[int, int, int]) -> np.ndarray:
    """256 RGBA entries from full orange (−scale) through ``middle`` to full blue, each
    as one 4-byte word (one lookup per weight)."""
    t = np.linspace(-1, 1, 256)[:, None]
    centre = np.array(middle)
    neg = np.array(NEGATIVE.getRgb()[:3])
    pos = np.array(POSITIVE.getRgb()[:3])
    rgb = np.where(t < 0, centre + (neg - centre) * -t, centre + (pos - centre) * t)
    table = np.c_[rgb, np.full(256, 255)].astype(np.uint8)
    return np.ascontiguousarray(table).view(np.uint32).ravel()


def middle_color() -> QColor:
    """The colour of a zero weight: close to the paper (near-white, or dark grey)."""
    return ink().node


def matrix_image_array(weights: np.ndarray, scale: float) -> np.ndarray:
    """A matrix as (rows, columns, 4) RGBA bytes on the weight colour map."""
    # in place, and one 4-byte entry looked up per weight: ~5× faster than four bytes
    # (the Weights tab colours 100,000 weights a redraw for 128 units of 28×28)
    index = np.array(np.asarray(weights) / scale, copy=None, ndmin=1)
    index += 1
    index *= 127.5
    np.clip(index, 0, 255, out=index)
    rgba = _lookup_words(middle_color().getRgb()[:3])[index.astype(np.uint8, order="C")]
    return rgba.view(np.uint8).reshape(*np.shape(weights), 4)


def matrix_image(weights: np.ndarray, scale: float) -> QImage:
    """A matrix as a picture, one pixel per entry, on the weight colour map."""
    rgba = matrix_image_array(weights, scale)
    h, w = rgba.shape[:2]
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
