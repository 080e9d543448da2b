"""How every plot looks: pyqtgraph's options, legend backing, class colours, the
diverging scale of regression values."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

pg.setConfigOptions(antialias=True, background="w", foreground="k")
# legends sit over the data in a corner: a light backing keeps their text readable
LEGEND_BRUSH = pg.mkBrush(255, 255, 255, 210)
# around a plot: room at the top for the label of a tick at the top edge
PLOT_MARGINS = (2, 10, 8, 2)
MARK_COLOR = (120, 60, 160)  # marks where a run changed (its learning rate, network, data)


def class_colors(n: int) -> list[tuple[int, int, int]]:
    base = [
        (232, 120, 20),
        (32, 110, 200),
        (60, 160, 80),
        (170, 80, 170),
        (200, 60, 60),
        (120, 120, 40),
        (40, 160, 170),
        (230, 170, 30),
        (110, 70, 40),
        (90, 90, 90),
    ]
    return [base[i % len(base)] for i in range(max(n, 2))]


# regression values: orange below the middle of their range, white there, blue above
LOW, HIGH = (232, 120, 20), (32, 110, 200)


def value_range(values: np.ndarray) -> tuple[float, float]:
    """The range the diverging colours span for ``values``: centred on zero when they
    have both signs (zero stays white), else on their middle."""
    lo, hi = float(np.min(values)), float(np.max(values))
    middle = 0.0 if lo < 0 < hi else (lo + hi) / 2
    half = max(hi - middle, middle - lo, 1e-9)
    return middle - half, middle + half


def value_colors(values: np.ndarray, span: tuple[float, float], strength=1.0) -> np.ndarray:
    """RGB rows (floats) of ``values`` on the diverging scale over ``span``; a
    ``strength`` under 1 pales them towards white."""
    lo, hi = span
    v = np.clip((np.asarray(values, float) - (lo + hi) / 2) * 2 / (hi - lo), -1, 1)[:, None]
    return 255 - (255 - np.where(v >= 0, HIGH, LOW)) * (strength * np.abs(v))


def value_color_map() -> pg.ColorMap:
    """The diverging scale as a colour map (for a colour bar)."""
    return pg.ColorMap([0.0, 0.5, 1.0], [LOW, (255, 255, 255), HIGH])
