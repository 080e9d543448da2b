"""The first layer's weights as pictures, one per unit (what each unit looks for): each
at least MIN_TILE pixels on a side, whole pixels, in a grid of whole columns as wide as
its room that scrolls down; a caption says whose weights they are."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QToolTip, QWidget

from nnstudio.ui.canvas import colors
from nnstudio.ui.colour_pictures import RGB, symmetric_rgb

MAX_TILES = 1024  # pictures drawn at most (a wider first layer shows its first units)
MIN_TILE = 48  # the shortest side of a unit's picture, in pixels
TILE_GAP = 4  # between pictures
EDGE = 1  # margin at the left and right


def unit_images(
    weights: np.ndarray, image_shape: tuple[int, ...], max_units: int = MAX_TILES
) -> np.ndarray:
    """First-layer weights (pixels, units) as one (height, width) image per unit, each
    scaled by its own largest |weight| into [-1, 1] (0 stays 0: the colour map's
    middle). Of a colour image (height, width, 3), channels last, one (height, width,
    3) image per unit, scaled by its largest |weight| over the three; of an image of
    other channels, the first channel is shown."""
    h, w = image_shape[:2]
    channels = image_shape[2] if len(image_shape) > 2 else 1
    units = min(weights.shape[1], max_units)
    images = np.asarray(weights[:, :units], dtype=np.float64).T.reshape(units, h, w, channels)
    images = images if channels == RGB else images[..., 0]
    axes = tuple(range(1, images.ndim))
    largest = np.abs(images).max(axis=axes, keepdims=True) if units else 1.0
    return images / np.maximum(largest, 1e-12)


def unit_rgba(images: np.ndarray) -> np.ndarray:
    """:func:`unit_images` as RGBA bytes (units, height, width, 4): grey images on the
    weight colour map, colour ones symmetric about grey."""
    if images.ndim == 4:
        return symmetric_rgb(images)
    return colors.matrix_image_array(images, 1.0)


def tile_zoom(image_shape: tuple[int, ...]) -> int | float:
    """Screen pixels per image pixel: a whole number (crisp pixels) that makes the
    shorter side at least MIN_TILE; an image larger than that is drawn MIN_TILE short.
    ``image_shape``: (height, width), maybe channels after them."""
    shorter = min(image_shape[:2])
    return math.ceil(MIN_TILE / shorter) if shorter < MIN_TILE else MIN_TILE / shorter


class TileGrid(QWidget):
    """Pictures of equal size in rows as wide as the widget, TILE_GAP apart, centred;
    as tall as its rows (height for width), so a scroll area around it scrolls
    vertically only. Each picture is drawn pixel for pixel enlarged, with a thin frame
    (near-zero weights are near-white)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.image: QImage | None = None  # every unit's picture, stacked vertically
        self.count = 0
        self.pixels = (1, 1)  # (height, width) of one picture, in image pixels
        self.tile = QSize(MIN_TILE, MIN_TILE)
        self.tooltips: list[str] = []

    def set_images(self, rgba: np.ndarray, zoom: float, tooltips: Sequence[str] = ()) -> None:
        """``rgba``: (units, height, width, 4) bytes; drawn ``zoom`` times enlarged."""
        units, h, w = rgba.shape[:3]
        stacked = np.ascontiguousarray(rgba.reshape(units * h, w, 4))
        self.image = QImage(stacked.data, w, units * h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        tile = QSize(round(w * zoom), round(h * zoom))
        reflow = units != self.count or tile != self.tile
        self.count, self.pixels, self.tile = units, (h, w), tile
        self.tooltips = list(tooltips)
        if reflow:
            self.updateGeometry()
        self.update()

    def columns(self, width: int | None = None) -> int:
        width = self.width() if width is None else width
        room = width - 2 * EDGE + TILE_GAP  # a pixel's margin each side
        return max(1, min(self.count, room // (self.tile.width() + TILE_GAP)))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        rows = math.ceil(self.count / self.columns(width)) if self.count else 0
        return max(0, rows * (self.tile.height() + TILE_GAP) - TILE_GAP) + 2

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        width = 8 * (self.tile.width() + TILE_GAP)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self.tile.width() + 2, self.tile.height() + 2)

    def tile_rect(self, k: int) -> QRect:
        """Where unit ``k``'s picture is drawn, in this widget's coordinates."""
        columns = self.columns()
        used = columns * (self.tile.width() + TILE_GAP) - TILE_GAP
        left = max(EDGE, (self.width() - used) // 2)
        r, c = divmod(k, columns)
        step_x, step_y = self.tile.width() + TILE_GAP, self.tile.height() + TILE_GAP
        return QRect(left + c * step_x, 1 + r * step_y, self.tile.width(), self.tile.height())

    def unit_at(self, point: QPoint) -> int | None:
        for k in range(self.count):
            if self.tile_rect(k).contains(point):
                return k
        return None

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.image is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.setPen(QPen(QColor(170, 170, 170), 1))
        h, w = self.pixels
        dirty = event.rect()
        for k in range(self.count):
            rect = self.tile_rect(k)
            if rect.intersects(dirty.adjusted(-1, -1, 1, 1)):
                painter.drawImage(rect, self.image, QRect(0, k * h, w, h))
                painter.drawRect(rect.adjusted(-1, -1, 0, 0))
        painter.end()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            k = self.unit_at(event.pos())
            if k is not None and k < len(self.tooltips):
                QToolTip.showText(event.globalPos(), self.tooltips[k], self, self.tile_rect(k))
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class TileArea(QScrollArea):
    """The grid, scrolling vertically when its rows are taller than the room."""

    def __init__(self, grid: TileGrid, parent=None):
        super().__init__(parent)
        self.setWidget(grid)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # always there: a scroll bar that comes and goes changes the width, so the rows,
        # so the height, so whether it is needed (Qt can flip it to a stack overflow)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setMinimumHeight(MIN_TILE + 2)


def _swatch(color: QColor) -> str:
    return f'<span style="color:{color.name()}">■</span>'


KEY_TIP = (
    "One picture per unit: the weight from each pixel, orange negative, blue positive,"
    " white 0; each picture is scaled to its own largest |weight| (hover a picture)."
)
COLOUR_KEY_TIP = (
    "One picture per unit: the weights from each pixel's red, green and blue as one"
    " colour, grey 0 (a bright red pixel: a large weight from red, a dark one: a negative"
    " one); each picture is scaled to its own largest |weight| (hover a picture)."
)


def tile_caption(names: list[str], units: int, shown: int, image_shape) -> str:
    """What the pictures are: whose input weights, how many, of what size."""
    h, w = image_shape[:2]
    if len(names) > 1:
        layer = "hidden layer 1" + (f" ({names[0]})" if names[0] != "hidden_1" else "")
    else:
        layer = "the output layer" + (f" ({names[0]})" if names[0] != "output" else "")
    what = f"{units} units" if shown == units else f"the first {shown} of {units} units"
    channels = image_shape[2] if len(image_shape) > 2 else 1
    if channels == RGB:
        return (
            f"<b>Input weights of {layer}</b>: {what}, {h}×{w} in colour &nbsp; "
            "red, green, blue: the weights from each; grey 0"
        )
    first = f", first of {channels} channels" if channels > 1 else ""
    key = f"{_swatch(colors.NEGATIVE)}&nbsp;−&nbsp;&nbsp;{_swatch(colors.POSITIVE)}&nbsp;+"
    return f"<b>Input weights of {layer}</b>: {what}, {h}×{w}{first} &nbsp; {key}"
