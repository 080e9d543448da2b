"""How every plot looks: pyqtgraph's options, paper and ink from the palette (light or
dark), legend backing, class colours, the diverging scale of regression values."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

pg.setConfigOptions(antialias=True, background="w", foreground="k")
# around a plot: room at the top for the label of a tick at the top edge
PLOT_MARGINS = (2, 10, 8, 2)
MARK_COLOR = (120, 60, 160)  # marks where a run changed (its learning rate, network, data)


def paper() -> tuple[int, int, int]:
    """What plots are drawn on: the palette's base colour (white, or dark grey)."""
    return QApplication.palette().color(QPalette.ColorRole.Base).getRgb()[:3]


def ink() -> tuple[int, int, int]:
    """What axes and text are drawn in: the palette's text colour."""
    return QApplication.palette().color(QPalette.ColorRole.Text).getRgb()[:3]


def legend_brush():
    """Legends sit over the data in a corner: a backing of paper keeps them readable."""
    return pg.mkBrush(*paper(), 210)


def theme_plots() -> None:
    """Plots made from now on, and every plot shown, on the palette's paper and ink."""
    pg.setConfigOptions(background=paper(), foreground=ink())
    for widget in QApplication.allWidgets():
        if not isinstance(widget, pg.GraphicsView):
            continue
        widget.setBackground(paper())
        for item in widget.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setPen(ink())
                item.setTextPen(ink())
            elif isinstance(item, pg.LegendItem):
                item.setBrush(legend_brush())
                item.setLabelTextColor(ink())
            elif isinstance(item, pg.LabelItem):
                item.setText(item.text, color=ink())


def toward_paper(rgb: np.ndarray, strength) -> np.ndarray:
    """Colours ``rgb`` faded by ``strength`` (1: as they are, 0: the paper)."""
    base = np.asarray(paper(), float)
    return base + (np.asarray(rgb, float) - base) * strength


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


# regression values: orange below the middle of their range, paper there, blue above
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
    ``strength`` under 1 fades them towards the paper."""
    lo, hi = span
    v = np.clip((np.asarray(values, float) - (lo + hi) / 2) * 2 / (hi - lo), -1, 1)[:, None]
    return toward_paper(np.where(v >= 0, HIGH, LOW), strength * np.abs(v))


def value_color_map() -> pg.ColorMap:
    """The diverging scale as a colour map (for a colour bar)."""
    return pg.ColorMap([0.0, 0.5, 1.0], [LOW, paper(), HIGH])
