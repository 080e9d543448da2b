"""Inside an image network, for one sample of the data: each image layer's feature maps
(convolution, pooling, dropout), one grey picture per channel, and each convolution's
filters (the first one's on colour images in colour), following training live. One
picture grid per layer, drawing only the pictures on screen
(:class:`~nnstudio.ui.weight_tiles.TileGrid`)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnstudio.datasets import CLASSIFICATION
from nnstudio.engine.layers import Layer
from nnstudio.engine.layers.dropout import Dropout
from nnstudio.engine.layers.keys import shape_text
from nnstudio.engine.snapshot import RUNNING
from nnstudio.errors import NNStudioError
from nnstudio.ui.canvas import colors
from nnstudio.ui.colour_pictures import RGB, colour_filter_rgba, sample_rgba
from nnstudio.ui.feature_pictures import (
    filter_pictures,
    filter_rgba,
    grey_rgba,
    map_pictures,
)
from nnstudio.ui.throttle import Throttle, on_screen
from nnstudio.ui.weight_tiles import TileGrid, tile_zoom

EVERY_S = 0.1  # at most 10 redraws a second while training
NOTHING = (
    "This network has no image layers (convolution or pooling) to look inside: their "
    "feature maps show here when it has."
)


def shows_images(document) -> bool:
    """True if the document's network has layers with image outputs (height, width,
    channels) to show; False for a flat network or shapes that do not work."""
    try:
        return any(len(shape) == 3 for shape in document.shapes()[1:])
    except NNStudioError:
        return False


def _is_filtered(layer: Layer) -> bool:
    """A layer with image kernels (kernel_h, kernel_w, in_channels, filters)."""
    return layer.has_parameters and len(layer.weight_shape) == 4


def _key(color) -> str:
    return f'<span style="color:{color.name()}">■</span>'


def _label(text: str) -> QLabel:
    """A label that wraps (a long one would widen the column past the view)."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def colour_filters(layers: list[Layer]) -> int | None:
    """The index of the convolution whose filters are drawn in colour: the first one,
    when the network's images are red, green and blue (only pooling or dropout before
    it, which keep the channels); None for grey images or another number of channels."""
    filtered = [k for k, layer in enumerate(layers) if _is_filtered(layer)]
    shape = layers[0].input_shape
    if not filtered or len(shape) != 3 or shape[2] != RGB:
        return None
    first = layers[filtered[0]]
    return filtered[0] if first.weight_shape[2] == RGB else None


class LayerRow(QWidget):
    """One image layer: its name and output shape, its maps, and its filters if any
    (``colour``: the kernels on red, green and blue, as colour pictures)."""

    def __init__(self, layer: Layer, parent=None, colour: bool = False):
        super().__init__(parent)
        self.colour = colour
        self.title = _label(
            f"<b>{layer.name}</b> · {layer.type_name} · {shape_text(layer.output_shape)}"
        )
        self.maps = TileGrid()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.maps)
        if isinstance(layer, Dropout):
            layout.addWidget(
                _label(
                    f"While training, the values a mask drops (rate {layer.rate:g}) are dimmed:"
                    " a fresh mask each update, drawn as each batch draws its own"
                )
            )
        self.filters: TileGrid | None = None
        if _is_filtered(layer):
            kh, kw, inputs, _ = layer.weight_shape
            mean = f"mean over {inputs} input channels" if inputs > 1 else "1 input channel"
            key = f"{_key(colors.NEGATIVE)} − {_key(colors.POSITIVE)} +"
            if colour:
                mean, key = "in colour", "the weights on red, green and blue as one colour, grey 0"
            self.filters_title = _label(
                f"Filters {kh}×{kw} ({mean}): {key}, each scaled to its largest |weight|"
            )
            self.filters = TileGrid()
            layout.addWidget(self.filters_title)
            layout.addWidget(self.filters)

    def draw(self, layer: Layer, maps: np.ndarray, dropped: np.ndarray | None) -> None:
        """``maps``: ``layer``'s output for the sample (height, width, channels);
        ``dropped``: where a training mask zeroes it (same shape), dimmed."""
        name, pictures = layer.name, map_pictures(maps)
        low, high = maps.min(axis=(0, 1)), maps.max(axis=(0, 1))
        self.maps.set_images(
            grey_rgba(pictures, None if dropped is None else np.moveaxis(dropped, -1, 0)),
            tile_zoom(maps.shape[:2]),
            [f"{name} map {k + 1}: {a:.3g} to {b:.3g}" for k, (a, b) in enumerate(zip(low, high))],
        )
        if self.filters is not None:
            kernels = layer.weight
            if self.colour:
                largest = np.abs(kernels).max(axis=(0, 1, 2))
                rgba = colour_filter_rgba(kernels)
            else:
                largest = np.abs(kernels.mean(axis=2)).max(axis=(0, 1))
                rgba = filter_rgba(filter_pictures(kernels))
            self.filters.set_images(
                rgba,
                tile_zoom(kernels.shape[:2]),
                [f"{name} filter {k + 1}: largest |weight| {v:.3g}" for k, v in enumerate(largest)],
            )


class FeatureMapsView(QWidget):
    """The chosen sample (spin box "Sample", its picture and label) and one
    :class:`LayerRow` per image layer, in a column that scrolls. Follows the training
    controller's frames (:meth:`show_frame`), at most 1 / EVERY_S times a second and
    only when on screen; while training, a dropout layer's dropped values are dimmed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sample = QSpinBox()
        self.sample.setRange(1, 1)
        self.sample.setToolTip("The sample of the data whose way through the network is shown")
        self.sample.valueChanged.connect(self.redraw_now)
        self.sample_picture = QLabel()
        self.sample_text = QLabel()
        header = QHBoxLayout()
        header.addWidget(QLabel("Sample"))
        header.addWidget(self.sample)
        header.addWidget(self.sample_picture)
        header.addWidget(self.sample_text, 1)
        self.message = QLabel(NOTHING)
        self.message.setWordWrap(True)
        self.rows_widget = QWidget()
        self._rows_layout = QVBoxLayout(self.rows_widget)
        self._rows_layout.setContentsMargins(6, 0, 6, 0)
        self._rows_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.rows_widget)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # always there: one that comes and goes changes the width, so the rows' heights
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)
        self.rows: list[LayerRow] = []
        self._indices: list[int] = []  # each row's layer in the network
        self._structure: tuple = ()
        self._rng = np.random.default_rng()
        self._throttle = Throttle(EVERY_S, self._draw, self)
        self.frame = None
        self._show_rows([])

    @property
    def has_images(self) -> bool:
        """True if the network of the latest frame has image layers to show."""
        net = None if self.frame is None else self.frame.net
        return net is not None and any(len(layer.output_shape) == 3 for layer in net.layers)

    def show_frame(self, frame) -> None:
        """Show ``frame`` (a training controller's Frame): at once unless training."""
        self.frame = frame
        self._throttle.request(now=frame.snapshot is None or frame.snapshot.status != RUNNING)

    def redraw_now(self) -> None:
        """Brought to the front, or another sample chosen: draw the latest at once."""
        self._throttle.request(now=True)

    def _draw(self) -> None:
        frame = self.frame
        if frame is None or not on_screen(self):
            return
        net, data = frame.net, frame.data
        self._follow(net)
        with QSignalBlocker(self.sample):  # a smaller dataset clamps it: drawn below
            self.sample.setMaximum(max(1, data.n_samples))
        if not self.rows or not data.n_samples:
            return
        index = self.sample.value() - 1
        try:
            outputs = net.layer_outputs(frame.scaler.transform(data.X[index : index + 1]))
        except NNStudioError as exc:  # the data do not fit the network (yet)
            self.message.setText(f"⚠ {exc}")
            self.message.show()
            return
        self.message.hide()
        self._show_sample(net, data, index)
        training = frame.snapshot is not None and frame.snapshot.status == RUNNING
        for k, row in zip(self._indices, self.rows):
            layer, maps, dropped = net.layers[k], outputs[k][0], None
            if training and isinstance(layer, Dropout) and layer.rate > 0:
                # a mask as Dropout draws one: kept where u ≥ rate, u uniform on [0, 1)
                dropped = self._rng.random(maps.shape) < layer.rate
            row.draw(layer, maps, dropped)

    def _follow(self, net) -> None:
        """Rows for ``net``'s image layers, made anew when its layers or shapes change."""
        structure = tuple(
            (layer.name, layer.type_name, layer.input_shape, layer.output_shape)
            for layer in net.layers
        )
        if structure != self._structure:
            self._structure = structure
            self._show_rows(net.layers)

    def _show_rows(self, layers: list[Layer]) -> None:
        """A row for each of ``layers`` with an image output (height, width, channels)."""
        for row in self.rows:
            self._rows_layout.removeWidget(row)
            row.deleteLater()
        self._indices = [k for k, layer in enumerate(layers) if len(layer.output_shape) == 3]
        colour = colour_filters(layers) if layers else None
        self.rows = [LayerRow(layers[k], colour=k == colour) for k in self._indices]
        for k, row in enumerate(self.rows):
            self._rows_layout.insertWidget(k, row)
        self.message.setText(NOTHING)
        self.message.setVisible(not self.rows)
        self.scroll.setVisible(bool(self.rows))
        self.sample_picture.clear()
        self.sample_text.clear()

    def _show_sample(self, net, data, index: int) -> None:
        """The sample as an image (grey: stretched to its range; colour: its red, green
        and blue, stretched to their range together) and its label."""
        image = data.X[index].reshape(net.input_shape)
        if image.shape[-1] == RGB:
            rgba = sample_rgba(image, image.min(), image.max())
        else:
            rgba = np.ascontiguousarray(grey_rgba(map_pictures(image[..., :1]))[0])
        h, w = rgba.shape[:2]
        zoom = tile_zoom((h, w))
        picture = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888)
        self.sample_picture.setPixmap(
            QPixmap.fromImage(picture).scaled(round(w * zoom), round(h * zoom))
        )
        target = data.y[index]
        if data.task == CLASSIFICATION:
            self.sample_text.setText(f"label {data.class_names[int(target)]}")
        else:
            self.sample_text.setText(f"target {np.array2string(np.asarray(target), precision=4)}")
