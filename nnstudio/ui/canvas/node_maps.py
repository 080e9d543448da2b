"""What each hidden neuron responds to over a 2-D input plane, as small pictures drawn
inside its node (TensorFlow Playground's view, for any number of classes)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from nnstudio.engine.network import Network
from nnstudio.ui.canvas import colors

GRID = 24
MAX_UNITS = 64
# the middle and half-width of each activation's range; None: symmetric about 0
RANGES = {"sigmoid": (0.5, 0.5), "tanh": (0.0, 1.0), "softmax": (0.5, 0.5)}


def plane(bounds: tuple[float, float, float, float], grid: int = GRID) -> np.ndarray:
    """The grid's points (x0 … x1, y1 … y0: row 0 at the top, as images are)."""
    x0, x1, y0, y1 = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y1, y0, grid))
    return np.c_[gx.ravel(), gy.ravel()]


def node_images(net: Network, points: np.ndarray, activations: list[str],
                grid: int = GRID) -> list[list[QImage] | None]:
    """Per hidden layer, one picture per node (None for layers too big to show)."""
    outputs = net.layer_outputs(points)[:-1]
    maps = []
    for values, activation in zip(outputs, activations):
        if values.shape[1] > MAX_UNITS:
            maps.append(None)
            continue
        middle, half = RANGES.get(activation, (0.0, None))
        if half is None:
            half = max(float(np.abs(values).max()), 1e-6)
        centred = (values - middle).T.reshape(-1, grid, grid)
        maps.append([colors.matrix_image(node, half) for node in centred])
    return maps
