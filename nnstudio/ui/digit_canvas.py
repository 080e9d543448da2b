"""Square pictures of images: one to look at a sample, one to draw a digit on with the
mouse (left button draws, right button erases), light strokes on black as the data's
digits are."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnstudio.ui.digit_ink import ink_shape

MIN_SIDE = 140  # px: the least a drawing needs
ZOOM = 8  # screen pixels to each of the data's pixels, preferred
PEN_SHARE = 1 / 11  # of the ink's height: the pen's width (a digit's stroke)
ERASER_SHARE = 1 / 5
FRAME = QColor(150, 150, 150)


def grey_image(values: np.ndarray, low: float = 0.0, high: float = 1.0) -> QImage:
    """A (height, width) array as a grey QImage, ``low`` black and ``high`` white."""
    span = high - low if high > low else 1.0
    grey = np.clip(np.rint((np.asarray(values, float) - low) / span * 255), 0, 255)
    grey = np.ascontiguousarray(grey.astype(np.uint8))
    height, width = grey.shape
    return QImage(grey.data, width, height, width, QImage.Format.Format_Grayscale8).copy()


class SquareImage(QWidget):
    """An image drawn as large as fits, its pixels as squares (nearest neighbour), in
    the middle of the widget."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image = QImage()
        self.pixels = (8, 8)  # the data's (height, width): the preferred size
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(MIN_SIDE, MIN_SIDE)

    def set_image(self, image: QImage) -> None:
        self.image = image
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        height, width = self.pixels
        return QSize(max(MIN_SIDE, ZOOM * width), max(MIN_SIDE, ZOOM * height))

    def area(self) -> QRectF:
        """Where the image is drawn: the largest rectangle of its shape in the widget."""
        height, width = self.pixels
        scale = min((self.width() - 2) / width, (self.height() - 2) / height)
        w, h = width * scale, height * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        area = self.area()
        painter.fillRect(area, Qt.GlobalColor.black)
        if not self.image.isNull():
            painter.drawImage(area, self.image)  # no smoothing: the pixels stay squares
        painter.setPen(QPen(FRAME, 1))
        painter.drawRect(area.adjusted(-0.5, -0.5, 0.5, 0.5))
        painter.end()


class DigitCanvas(SquareImage):
    """Draw with the left button, erase with the right; ``sigChanged`` after each
    stroke's piece. The ink is ``ink_shape`` of the data's images, read by :meth:`ink`."""

    sigChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._last: QPointF | None = None
        self._erasing = False
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw with the left mouse button; the right button erases.")
        self.set_pixels((8, 8))

    def set_pixels(self, pixels: tuple[int, int]) -> None:
        """Draw for images of ``pixels`` (height, width); a new size clears the ink."""
        pixels = tuple(int(v) for v in pixels)
        if pixels == self.pixels and not self.image.isNull():
            return
        self.pixels = pixels
        height, width = ink_shape(pixels)
        self.image = QImage(width, height, QImage.Format.Format_RGB32)
        self.image.fill(Qt.GlobalColor.black)
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self.image.fill(Qt.GlobalColor.black)
        self.update()
        self.sigChanged.emit()

    def ink(self) -> np.ndarray:
        """The ink, (height, width) in [0, 1]: 1 where fully drawn."""
        image = self.image.convertToFormat(QImage.Format.Format_Grayscale8)
        height, width = image.height(), image.width()
        rows = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
        return rows[:, :width] / 255.0

    def is_empty(self) -> bool:
        return not self.ink().any()

    # -- the mouse ---------------------------------------------------------------------

    def _to_ink(self, point: QPointF) -> QPointF:
        area = self.area()
        return QPointF(
            (point.x() - area.left()) / area.width() * self.image.width(),
            (point.y() - area.top()) / area.height() * self.image.height(),
        )

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return super().mousePressEvent(event)
        self._erasing = event.button() == Qt.MouseButton.RightButton
        self._last = self._to_ink(event.position())
        self._stroke(self._last)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._last is None:
            return super().mouseMoveEvent(event)
        here = self._to_ink(event.position())
        self._stroke(here)
        self._last = here

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._last = None

    def _stroke(self, here: QPointF) -> None:
        """A round-ended line from the last point to ``here`` (a dot if they are one)."""
        share = ERASER_SHARE if self._erasing else PEN_SHARE
        color = Qt.GlobalColor.black if self._erasing else Qt.GlobalColor.white
        pen = QPen(color, share * self.image.height())
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter = QPainter(self.image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        painter.drawLine(self._last, here)
        painter.end()
        self.update()
        self.sigChanged.emit()
