"""How every plot looks: pyqtgraph's options, legend backing, class colours."""

from __future__ import annotations

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
