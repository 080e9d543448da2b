"""Inside the weights: per-layer histograms, gradient sizes, and — for image data — the
first layer's weights as one picture per hidden unit (what each unit looks for)."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QWidget

from nnstudio.ui.canvas import colors
from nnstudio.ui.plot_style import LEGEND_BRUSH, class_colors
from nnstudio.ui.plots import StickyRange
from nnstudio.ui.throttle import Throttle, on_screen

EVERY_S = 0.2
BINS = 40
HISTOGRAM_SAMPLE = 20_000  # weights per layer the histogram is drawn from
MAX_TILES = 64


def tile_mosaic(
    weights: np.ndarray, image_shape: tuple[int, int], max_tiles: int = MAX_TILES
) -> np.ndarray:
    """First-layer weights (pixels, units) as a grid of images, one per unit, each
    scaled to its own largest |weight| into [-1, 1]; gaps between tiles are 0. Of an
    image with channels (channels, height, width), the first channel is shown."""
    h, w = image_shape[-2:]
    weights = weights[: h * w]
    units = min(weights.shape[1], max_tiles)
    columns = int(np.ceil(np.sqrt(units)))
    rows = int(np.ceil(units / columns))
    mosaic = np.zeros((rows * (h + 1) - 1, columns * (w + 1) - 1))
    for k in range(units):
        tile = weights[:, k].reshape(h, w)
        r, c = divmod(k, columns)
        mosaic[r * (h + 1) : r * (h + 1) + h, c * (w + 1) : c * (w + 1) + w] = tile / max(
            float(np.abs(tile).max()), 1e-12
        )
    return mosaic


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_ticks(low: float, high: float, most: int = 4) -> list[tuple[int, str]]:
    """Axis ticks for a log10 range: whole powers of ten, at most ``most`` of them."""
    first, last = int(np.ceil(low)), int(np.floor(high))
    step = max(1, int(np.ceil((last - first + 1) / most)))
    return [(k, "10" + str(k).translate(_SUPERSCRIPT)) for k in range(first, last + 1, step)]


class WeightsView(QWidget):
    """Updated from the controller's frames, at most 1 / EVERY_S times a second, when
    visible."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.gradients = pg.PlotWidget()
        self.gradients.getViewBox().enableAutoRange(y=False)
        self._gradient_range = StickyRange(padding=0.5, min_span=1.0)  # in decades
        self.gradient_curve = self.gradients.plot(
            pen=pg.mkPen((32, 110, 200), width=2),
            symbol="o",
            symbolSize=8,
            symbolBrush=(32, 110, 200),
        )
        self.histograms = pg.PlotWidget()
        self.histograms.setTitle("Weights per layer", size="9pt")
        self.histograms.addLegend(offset=(-10, 10), brush=LEGEND_BRUSH)
        self.histograms.getViewBox().enableAutoRange(x=False, y=False)
        self._histogram_ranges = (StickyRange(padding=0.25), StickyRange(padding=0.25))
        self.tiles = pg.PlotWidget()
        self.tiles.setTitle("First layer's weights, one picture per hidden unit", size="9pt")
        self.tiles.setAspectLocked(True)
        self.tiles.invertY(True)
        self.tiles.hideAxis("left")
        self.tiles.hideAxis("bottom")
        self.tile_image = pg.ImageItem(axisOrder="row-major")
        self.tiles.addItem(self.tile_image)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.histograms, 0, 0)
        layout.addWidget(self.gradients, 0, 1)
        layout.addWidget(self.tiles, 1, 0, 1, 2)
        layout.setRowStretch(0, 1)
        layout.setRowStretch(1, 2)
        self._curves: list[pg.PlotDataItem] = []
        self._names: list[str] = []
        self._throttle = Throttle(EVERY_S, self._draw, self)
        self.frame = None

    def show_frame(self, frame) -> None:
        self.frame = frame
        self._throttle.request()

    def _draw(self) -> None:
        frame = self.frame
        if frame is None or not on_screen(self):
            return
        weights = frame.net.get_weights()
        names = [layer.name for layer in frame.net.layers]
        self._show_histograms(names, [w for w, _ in weights])
        rms = frame.snapshot.gradient_rms if frame.snapshot is not None else ()
        self._show_gradients(names, np.maximum(rms, 1e-30))
        shape = frame.data.image_shape
        if shape is not None and weights[0][0].shape[0] == math.prod(shape):
            mosaic = tile_mosaic(weights[0][0], shape)
            resized = (
                self.tile_image.image is None or self.tile_image.image.shape[:2] != mosaic.shape
            )
            self.tile_image.setImage(colors.matrix_image_array(mosaic, 1.0), levels=(0, 255))
            if resized:
                self.tiles.autoRange(padding=0.02)
            self.tiles.show()
        else:
            self.tiles.hide()

    def _show_histograms(self, names: list[str], matrices: list[np.ndarray]) -> None:
        if len(self._curves) != len(names):
            self.histograms.clear()
            palette = class_colors(len(names))
            self._curves = [
                self.histograms.plot(
                    stepMode="center", name=name, pen=pg.mkPen(palette[i], width=1.5)
                )
                for i, name in enumerate(names)
            ]
        edges_seen, heights = [], [0.0]
        for curve, name, w in zip(self._curves, names, matrices):
            sample = w.ravel()[:: max(1, w.size // HISTOGRAM_SAMPLE)]  # an even spread
            counts, edges = np.histogram(sample, bins=BINS)
            curve.setData(edges, counts / max(sample.size, 1))
            curve.opts["name"] = name
            edges_seen.append(edges[[0, -1]])
            heights.append(counts.max() / max(sample.size, 1))
        x_range, y_range = self._histogram_ranges
        for fitted, set_range in (
            (x_range.fit(np.concatenate(edges_seen)), self.histograms.setXRange),
            (y_range.fit(np.array(heights)), self.histograms.setYRange),
        ):
            if fitted is not None:
                set_range(*fitted, padding=0)

    def _show_gradients(self, names: list[str], rms: np.ndarray) -> None:
        """RMS gradient per layer on a log axis (plotted as log10, labelled in powers of
        ten, at most a few: a small plot); the plot stays in place (empty, with a
        note in its title) before training, so the layout never jumps."""
        title = (
            "Gradient size per layer (RMS of dL/dW)"
            if rms.size
            else "Gradient sizes appear once training runs"
        )
        if title != self.gradients.plotItem.titleLabel.text:
            self.gradients.setTitle(title, size="9pt")
        decades = np.log10(rms)
        self.gradient_curve.setData(np.arange(rms.size), decades)
        if names != self._names:
            self._names = names
            self.gradients.getAxis("bottom").setTicks([list(enumerate(names))])
            self.gradients.setXRange(-0.5, len(names) - 0.5, padding=0)
        fitted = self._gradient_range.fit(decades) if rms.size else None
        if fitted is not None:
            self.gradients.setYRange(*fitted, padding=0)
            self.gradients.getAxis("left").setTicks([decade_ticks(*fitted)])

    def redraw_now(self) -> None:
        """Brought to the front (say, its tab chosen): show the latest at once."""
        self._throttle.request(now=True)
