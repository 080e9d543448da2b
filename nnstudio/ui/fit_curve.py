"""One input and a regression target: the network's curve x → y over the points."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from nnstudio.engine.network import Network
from nnstudio.ui.plot_style import class_colors

CURVE_POINTS = 400  # samples of x across the view
CURVE_PEN = pg.mkPen(class_colors(2)[0], width=2.5)
POINT_COLOR = class_colors(2)[1]


class FitCurve:
    """The network's output as a curve on ``plot_item``, drawn over the x range in
    view; the points themselves are the plot's own."""

    def __init__(self, plot_item: pg.PlotItem):
        self.plot_item = plot_item
        self.item = pg.PlotDataItem(pen=CURVE_PEN)
        plot_item.addItem(self.item)
        self.net: Network | None = None

    def show(self, x: np.ndarray, y: np.ndarray, x_name: str) -> None:
        """Frame the points (x, y) and name the axes; no curve until :meth:`update_from`."""
        self.net = None
        self.item.clear()
        pad_x, pad_y = 0.05 * np.ptp(x) + 1e-9, 0.1 * np.ptp(y) + 1e-9
        self.plot_item.setRange(
            xRange=(x.min() - pad_x, x.max() + pad_x),
            yRange=(y.min() - pad_y, y.max() + pad_y),
            padding=0,
        )
        self.plot_item.setLabel("bottom", x_name)
        self.plot_item.setLabel("left", "target")

    def hide(self) -> None:
        self.net = None
        self.item.clear()
        self.plot_item.setLabel("bottom", None)
        self.plot_item.setLabel("left", None)

    def update_from(self, net: Network) -> None:
        """The network's output over the x range in view (its first output)."""
        self.net = net
        x0, x1 = self.plot_item.getViewBox().viewRange()[0]
        x = np.linspace(x0, x1, CURVE_POINTS)
        self.item.setData(x, net.predict(x[:, None])[:, 0])
