"""What each hidden neuron responds to over a 2-D input plane, as small pictures drawn
inside its node (TensorFlow Playground's view, for any number of classes)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtGui import QImage

from nnstudio.engine.network import Network
from nnstudio.errors import NNStudioError
from nnstudio.ui.canvas import colors
from nnstudio.ui.throttle import Throttle

GRID = 24
ZOOM_GRID = 96  # the hovered node's large map
MAX_UNITS = 64
EVERY_S = 0.1
# the middle and half-width of each activation's range; None: symmetric about 0
RANGES = {"sigmoid": (0.5, 0.5), "tanh": (0.0, 1.0), "softmax": (0.5, 0.5)}


def plane(bounds: tuple[float, float, float, float], grid: int = GRID) -> np.ndarray:
    """The grid's points (x0 … x1, y1 … y0: row 0 at the top, as images are)."""
    x0, x1, y0, y1 = bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid), np.linspace(y1, y0, grid))
    return np.c_[gx.ravel(), gy.ravel()]


def node_images(
    net: Network, points: np.ndarray, activations: list[str], grid: int = GRID
) -> list[list[QImage] | None]:
    """Per hidden layer, one picture per node (None for layers too big to show)."""
    outputs = net.layer_outputs(points)[:-1]
    maps = []
    for values, activation in zip(outputs, activations):
        if values.shape[1] > MAX_UNITS:
            maps.append(None)
            continue
        centred, half = _centred(values, activation)
        maps.append([_round_image(node, half) for node in centred.T.reshape(-1, grid, grid)])
    return maps


def node_image(
    net: Network, points: np.ndarray, layer: int, node: int, activation: str, grid: int
) -> QImage:
    """One node's square map (layer 0 is the first hidden one), on its layer's scale
    as the small pictures are."""
    centred, half = _centred(net.layer_outputs(points)[layer], activation)
    return colors.matrix_image(centred[:, node].reshape(grid, grid), half)


def _centred(values: np.ndarray, activation: str) -> tuple[np.ndarray, float]:
    """A layer's outputs about the middle of its activation's range, and the half-width
    the colours span (the largest |value| for an activation without a fixed range)."""
    middle, half = RANGES.get(activation, (0.0, None))
    if half is None:
        half = max(float(np.abs(values).max()), 1e-6)
    return values - middle, half


def _round_image(values: np.ndarray, half: float) -> QImage:
    """``values`` on the weight colour map, transparent outside the inscribed circle
    (so a node draws it without a clip path, which is slow to paint)."""
    rgba = colors.matrix_image_array(values, half)
    n = values.shape[0]
    centre = np.arange(n) - (n - 1) / 2
    rgba[..., 3] = np.where(np.hypot(*np.meshgrid(centre, centre)) <= n / 2, 255, 0)
    return QImage(rgba.data, n, n, 4 * n, QImage.Format.Format_RGBA8888).copy()


class NodeMaps(QObject):
    """Keeps the scene's node pictures up to date from the training frames (at most
    ``1 / EVERY_S`` times a second); ``bounds()`` gives the input plane shown, or None
    when the data is not 2-D. The hovered hidden node's map is also shown large."""

    def __init__(self, scene, bounds: Callable[[], tuple | None], parent=None):
        super().__init__(parent)
        self.scene, self.bounds = scene, bounds
        self.frame = None
        self.hovered: tuple[int, int] | None = None  # (layer index, node)
        self._throttle = Throttle(EVERY_S, self._draw, self)
        scene.sigNodeHovered.connect(self._on_hovered)

    def show_frame(self, frame) -> None:
        self.frame = frame
        self._throttle.request(now=frame.snapshot is None)

    def _draw(self) -> None:
        frame, bounds = self.frame, self.bounds()
        if bounds is None or not frame.data.is_2d:
            self.scene.set_node_maps(None)
            return
        activations = [layer.activation for layer in self.scene.document.layers[1:-1]]
        try:
            self.scene.set_node_maps(node_images(frame.net, plane(bounds), activations))
        except NNStudioError:  # the network does not take 2 inputs (yet)
            self.scene.set_node_maps(None)
        self._draw_zoom()

    def _on_hovered(self, layer: int, node: int) -> None:
        self.hovered = (layer, node) if node >= 0 else None
        self._draw_zoom()

    def _draw_zoom(self) -> None:
        """The hovered node's map, large, while the nodes show maps."""
        layers = self.scene.document.layers
        frame, bounds = self.frame, self.bounds()
        if (
            self.hovered is None
            or not 0 < self.hovered[0] < len(layers) - 1
            or frame is None
            or bounds is None
            or not frame.data.is_2d
            or self.scene.layer_items[self.hovered[0]].node_images is None
        ):
            self.scene.hide_node_zoom()
            return
        index, node = self.hovered
        layer = layers[index]
        image = node_image(
            frame.net, plane(bounds, ZOOM_GRID), index - 1, node, layer.activation, ZOOM_GRID
        )
        self.scene.show_node_zoom(index, node, image, f"{layer.name} · node {node}")
