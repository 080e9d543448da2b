"""Inside the weights: the gradient size per layer and a histogram of each layer's
weights, in a grid of small plots (:mod:`nnstudio.ui.plot_grid`), and — for image data —
the first layer's weights as pictures (:mod:`nnstudio.ui.weight_tiles`), beside the
plots or under them as the room allows."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from nnstudio.ui.plot_grid import MIN_HEIGHT, PlotGrid
from nnstudio.ui.plot_items import HistogramItem, MarkedLine
from nnstudio.ui.plots import StickyRange
from nnstudio.ui.small_plot import SmallPlot
from nnstudio.ui.throttle import Throttle, on_screen
from nnstudio.ui.weight_tiles import (
    COLOUR_KEY_TIP,
    KEY_TIP,
    TILE_GAP,
    TileArea,
    TileGrid,
    tile_caption,
    tile_zoom,
    unit_images,
    unit_rgba,
)

EVERY_S = 0.2
BINS = 40
HISTOGRAM_SAMPLE = 20_000  # weights per layer the histogram is drawn from
PLOTS_MIN_HEIGHT = MIN_HEIGHT  # the plots' room, pictures under them: one row
PLOTS_MIN_WIDTH = 180  # the plots' room, pictures beside them
HISTOGRAM_COLOR = (32, 110, 200)
PLOTS_SHARE = 0.35  # of the height or width at least, the rest for the pictures
MARKER_DECADES = 0.2  # kept clear around a gradient point, in decades
WIDE = 1.2  # width / height from which the pictures go beside the plots


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_ticks(low: float, high: float, most: int = 4) -> list[tuple[int, str]]:
    """Axis ticks for a log10 range: whole powers of ten, at most ``most`` of them."""
    first, last = int(np.ceil(low)), int(np.floor(high))
    step = max(1, int(np.ceil((last - first + 1) / most)))
    return [(k, "10" + str(k).translate(_SUPERSCRIPT)) for k in range(first, last + 1, step)]


class WeightsView(QWidget):
    """Updated from the controller's frames, at most 1 / EVERY_S times a second, when
    visible. For image data the first layer's pictures share the room with the plots,
    a handle between them: beside the plots (stacked) in a wide view, as a bottom dock
    is; under them (side by side) in a tall one."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.gradients = SmallPlot()
        self.gradients.getViewBox().enableAutoRange(y=False)
        self._gradient_range = StickyRange(padding=0.5, min_span=1.0)  # in decades
        self.gradient_curve = MarkedLine(pg.mkPen((32, 110, 200), width=2), 8, (32, 110, 200))
        self.gradients.addItem(self.gradient_curve)
        self.tile_grid = TileGrid()
        self.tile_scroll = TileArea(self.tile_grid)
        self.tile_caption = QLabel()
        self.tile_caption.setWordWrap(True)
        self.tile_caption.setTextFormat(Qt.TextFormat.RichText)
        self.tile_caption.setToolTip(KEY_TIP)
        self.tiles = QWidget()  # the caption and the pictures
        tile_layout = QVBoxLayout(self.tiles)
        tile_layout.setContentsMargins(6, 4, 2, 0)
        tile_layout.setSpacing(4)
        tile_layout.addWidget(self.tile_caption)
        tile_layout.addWidget(self.tile_scroll, 1)
        self.histograms: list[SmallPlot] = []  # one per layer with weights
        self._histogram_ranges: list[tuple[StickyRange, StickyRange]] = []
        self._curves: list[HistogramItem] = []
        self.plots = PlotGrid()
        self.plots.set_plots([self.gradients])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.plots)
        self.splitter.addWidget(self.tiles)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.splitterMoved.connect(self._on_handle_moved)
        self._handle_moved = False
        self._arrangement = (False, False)  # (pictures shown, beside the plots)
        self._arrange_later = QTimer(self)
        self._arrange_later.setSingleShot(True)
        self._arrange_later.setInterval(0)
        self._arrange_later.timeout.connect(self._arrange)
        self.tiles.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._names: list[str] = []  # the gradients' layers
        self._layers: list[tuple[str, tuple[int, ...]]] = []  # the histograms'
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
        names = [layer.name for layer in frame.net.weighted_layers]  # one per (W, b)
        self._show_histograms(names, [w for w, _ in weights])
        rms = frame.snapshot.gradient_rms if frame.snapshot is not None else ()
        self._show_gradients(names, np.maximum(rms, 1e-30))
        shape = frame.data.image_shape
        first = weights[0][0]  # a dense layer's on the pixels (a convolution's: no tiles)
        if shape is not None and first.ndim == 2 and first.shape[0] == math.prod(shape):
            self._show_tiles(names, first, shape)
        elif not self.tiles.isHidden():
            self.tiles.hide()
            self._arrange()

    def _show_tiles(self, names: list[str], first: np.ndarray, shape) -> None:
        images = unit_images(first, shape)
        reflow = self.tile_grid.count != len(images) or self.tile_grid.pixels != shape[:2]
        # of the channels shown: all three of colour, else the first (every c-th row)
        step = shape[2] if images.ndim == 3 and len(shape) == 3 else 1
        largest = np.abs(first[::step, : len(images)]).max(axis=0)
        self.tile_caption.setToolTip(COLOUR_KEY_TIP if images.ndim == 4 else KEY_TIP)
        self.tile_grid.set_images(
            unit_rgba(images),
            tile_zoom(shape),
            [f"{names[0]} unit {k + 1}: largest |weight| {v:.3g}" for k, v in enumerate(largest)],
        )
        self.tile_caption.setText(tile_caption(names, first.shape[1], len(images), shape))
        if self.tiles.isHidden():
            self.tiles.show()
            self._arrange()
        elif reflow:  # other rows: another share
            self._arrange()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # not from inside the resize: rearranging changes size hints, which the
        # window's layout may answer with another resize
        self._arrange_later.start()

    def _on_handle_moved(self) -> None:
        self._handle_moved = True

    def _arrange(self) -> None:
        """Without pictures, the plots side by side. With them: beside the plots
        (stacked) if the view is wide, under them (side by side) if not, with some
        slack so a view about as wide as tall does not flip back and forth. The
        pictures get whole columns in the larger share and the plots the rest, unless
        the handle between them was moved (until the arrangement changes)."""
        shown = not self.tiles.isHidden()
        ratio = self.width() / max(self.height(), 1)
        was_wide = self._arrangement == (True, True)
        wide = shown and (ratio >= WIDE - 0.1 if was_wide else ratio >= WIDE + 0.1)
        if (shown, wide) != self._arrangement:
            self._arrangement = (shown, wide)
            self._handle_moved = False
            self.splitter.setOrientation(
                Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
            )
            self.plots.setMinimumSize(
                PLOTS_MIN_WIDTH if wide else 0, PLOTS_MIN_HEIGHT if shown and not wide else 0
            )
        elif self._handle_moved:
            return
        total = (self.width() if wide else self.height()) - self.splitter.handleWidth()
        if not shown or total < 2:  # (not laid out yet: no sizes to share)
            return
        plots = max(PLOTS_MIN_WIDTH if wide else PLOTS_MIN_HEIGHT, round(total * PLOTS_SHARE))
        tiles = self._tiles_width(total - plots) if wide else self._tiles_height(total - plots)
        tiles = min(max(tiles, 1), total - 1)  # Qt's splitter takes no negative size
        self.splitter.setSizes([total - tiles, tiles])

    def _tiles_width(self, room: int) -> int:
        """Of ``room`` pixels across, as many as whole columns of pictures take (at
        least one), with the margins and the scroll bar."""
        margins = self.tiles.layout().contentsMargins()
        scroll_bar = self.tile_scroll.verticalScrollBar().sizeHint().width()
        chrome = margins.left() + margins.right() + scroll_bar + 2
        step = self.tile_grid.tile.width() + TILE_GAP
        columns = max(1, (room - chrome + TILE_GAP) // step)
        return min(room, columns * step - TILE_GAP + chrome)

    def _tiles_height(self, room: int) -> int:
        """Of ``room`` pixels down, what the caption and every row of pictures take (the
        plots have the rest)."""
        layout = self.tiles.layout()
        margins = layout.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        grid_width = width - self.tile_scroll.verticalScrollBar().sizeHint().width()
        needed = (
            margins.top()
            + margins.bottom()
            + layout.spacing()
            + self.tile_caption.heightForWidth(width)
            + self.tile_grid.heightForWidth(grid_width)
        )
        return min(room, needed)

    def _show_histograms(self, names: list[str], matrices: list[np.ndarray]) -> None:
        layers = [(name, w.shape) for name, w in zip(names, matrices)]
        if layers != self._layers:  # another network, or a layer renamed
            self._layers = layers
            self.histograms = [
                _histogram_plot(k, name, shape) for k, (name, shape) in enumerate(layers)
            ]
            self._histogram_ranges = [
                (StickyRange(padding=0.05), StickyRange(padding=0.05)) for _ in names
            ]
            self._curves = [
                HistogramItem(pg.mkPen(HISTOGRAM_COLOR, width=1.5), (*HISTOGRAM_COLOR, 60))
                for _ in self.histograms
            ]
            for plot, curve in zip(self.histograms, self._curves):
                plot.addItem(curve)
            self.plots.set_plots([self.gradients, *self.histograms])
        for plot, curve, (x_range, y_range), w in zip(
            self.histograms, self._curves, self._histogram_ranges, matrices
        ):
            sample = w.ravel()[:: max(1, w.size // HISTOGRAM_SAMPLE)]  # an even spread
            counts, edges = np.histogram(sample, bins=BINS)
            shares = counts / max(sample.size, 1)
            curve.setData(edges, shares)
            for fitted, set_range in (
                (x_range.fit(edges[[0, -1]]), plot.setXRange),
                (y_range.fit(np.array([0.0, shares.max()])), plot.setYRange),
            ):
                if fitted is not None:
                    set_range(*fitted, padding=0)

    def _show_gradients(self, names: list[str], rms: np.ndarray) -> None:
        """RMS gradient per layer on a log axis (plotted as log10, labelled in powers of
        ten, at most a few: a small plot); the plot stays in place (empty, with a
        note in its title) before training, so the layout never jumps."""
        if rms.size:
            self.gradients.set_titles(
                "Gradient size per layer (RMS of dL/dW)",
                "Gradient size (RMS of dL/dW)",
                "Gradient size per layer",
                "Gradient size",
            )
        else:
            self.gradients.set_titles(
                "Gradient sizes appear once training runs",
                "Gradients: once training runs",
                "No gradients yet",
            )
        decades = np.log10(rms)
        self.gradient_curve.setData(np.arange(rms.size), decades)
        if names != self._names:
            self._names = names
            self.gradients.set_categories(names)
            self.gradients.setToolTip(
                "RMS gradient of each layer's weights; the layers are numbered as their"
                " histograms are: " + ", ".join(f"{k + 1} {n}" for k, n in enumerate(names))
            )
        # the range follows the points with room for their markers: one that drifted
        # to the edge would be cut in half
        room = np.r_[decades - MARKER_DECADES, decades + MARKER_DECADES]
        fitted = self._gradient_range.fit(room) if rms.size else None
        if fitted is not None:
            self.gradients.setYRange(*fitted, padding=0)
            self.gradients.getAxis("left").setTicks([decade_ticks(*fitted)])

    def redraw_now(self) -> None:
        """Brought to the front (say, its tab chosen): show the latest at once."""
        self._throttle.request(now=True)


def _histogram_plot(k: int, name: str, shape: tuple[int, ...]) -> SmallPlot:
    """Layer ``k``'s histogram: the share of its weights in each bin."""
    plot = SmallPlot()
    size = "×".join(map(str, shape))
    plot.set_titles(
        f"{k + 1}. {name} weights ({size})", f"{k + 1}. {name} ({size})", f"{k + 1}. {name}"
    )
    plot.getViewBox().enableAutoRange(x=False, y=False)
    plot.getViewBox().setMouseEnabled(x=False, y=False)
    plot.getAxis("left").setTickDensity(0.5)  # a short axis: 2–3 labels
    plot.setToolTip(f"{name}: the share of its {math.prod(shape):,} weights in each of {BINS} bins")
    return plot
