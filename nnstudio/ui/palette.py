"""The palette of layer types, one entry per type of the registry (with a small icon
and its one-line description); entries are dragged onto the canvas. The input and
output layers are not in it: they follow the data."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QDrag, QFontMetrics, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from nnstudio.model.layer_types import palette_types
from nnstudio.ui.canvas.view import LAYER_MIME, layer_mime

ICON_SIZE = 28
CARD_PAD = 6  # around the drag card's icon and name
INK = QColor(60, 70, 85)
BLUE = QColor(32, 110, 200)
ORANGE = QColor(232, 120, 20)
PALE = QColor(205, 220, 240)


def _dots(p: QPainter, x: float, ys, filled=None) -> None:
    for k, y in enumerate(ys):
        p.setBrush(BLUE if filled is None or filled[k] else Qt.BrushStyle.NoBrush)
        p.drawEllipse(QPointF(x, y), 2.6, 2.6)


def _dense(p: QPainter) -> None:
    p.setPen(QPen(PALE, 1.2))
    for a in (8, 14, 20):
        for b in (6, 12, 18, 24):
            p.drawLine(QPointF(7, a), QPointF(21, b))
    p.setPen(QPen(INK, 1))
    _dots(p, 7, (8, 14, 20))
    _dots(p, 21, (6, 12, 18, 24))


def _conv2d(p: QPainter) -> None:
    p.setPen(QPen(INK, 1))
    for k in range(3):  # a stack of feature maps
        p.setBrush(PALE if k < 2 else QColor(235, 242, 252))
        p.drawRect(QRectF(3 + 3 * k, 3 + 3 * k, 16, 16))
    p.setBrush(BLUE)  # the kernel sliding over the front one
    p.drawRect(QRectF(14, 14, 6, 6))


def _pool(fill: QColor) -> Callable[[QPainter], None]:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(INK, 1))
        for i in range(2):
            for j in range(2):
                p.setBrush(fill if (i, j) == (0, 1) else PALE)
                p.drawRect(QRectF(2 + 7 * j, 6 + 7 * i, 7, 7))
        p.drawLine(QPointF(17.5, 13), QPointF(20.5, 13))
        p.setBrush(fill)
        p.drawRect(QRectF(21, 9.5, 6, 7))

    return draw


def _flatten(p: QPainter) -> None:
    p.setPen(QPen(INK, 1))
    p.setBrush(PALE)
    p.drawRect(QRectF(2, 7, 12, 12))
    p.drawLine(QPointF(15.5, 13), QPointF(18.5, 13))
    for k in range(6):
        p.setBrush(BLUE if k % 2 else PALE)
        p.drawRect(QRectF(21, 1.5 + 4.2 * k, 5, 4.2))


def _dropout(p: QPainter) -> None:
    p.setPen(QPen(INK, 1))
    _dots(p, 8, (6, 14, 22), (True, False, True))
    _dots(p, 20, (6, 14, 22), (False, True, True))
    p.setPen(QPen(ORANGE, 1.6))
    for x, y in ((8, 14), (20, 6)):
        p.drawLine(QPointF(x - 4, y - 4), QPointF(x + 4, y + 4))


def _other(p: QPainter) -> None:
    p.setPen(QPen(INK, 1))
    p.setBrush(PALE)
    p.drawRoundedRect(QRectF(4, 6, 20, 16), 4, 4)


ICONS: dict[str, Callable[[QPainter], None]] = {
    "dense": _dense,
    "conv2d": _conv2d,
    "maxpool2d": _pool(BLUE),
    "avgpool2d": _pool(QColor(130, 165, 210)),
    "flatten": _flatten,
    "dropout": _dropout,
}


def layer_icon(type_name: str) -> QIcon:
    """A small picture of what a layer type does (a plain box for a type without one)."""
    icon = QIcon()
    for ratio in (1, 2):  # crisp on high-density screens too
        pixmap = QPixmap(ICON_SIZE * ratio, ICON_SIZE * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        ICONS.get(type_name, _other)(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class Palette(QListWidget):
    """Layer types to drag onto the canvas (the payload is the type's id only)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setMinimumWidth(150)
        for info in palette_types():
            item = QListWidgetItem(layer_icon(info.name), info.title)
            item.setData(Qt.ItemDataRole.UserRole, info.name)
            item.setToolTip(
                f"<b>{info.title}</b><br>{info.description}.<br>"
                "<i>Drag it onto the canvas, between two layers.</i>"
            )
            item.setStatusTip(info.description)
            self.addItem(item)
        rows = self.sizeHintForRow(0) * self.count() + 2 * self.frameWidth() + 4
        self.setFixedHeight(rows)  # every type in sight

    def type_names(self) -> list[str]:
        """The layer types listed, top to bottom."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def mimeData(self, items):
        return layer_mime(items[0].data(Qt.ItemDataRole.UserRole))

    def drag_pixmap(self, item: QListWidgetItem) -> QPixmap:
        """What the pointer carries: the type's icon and name on an opaque card."""
        font = self.font()
        font.setBold(True)
        metrics = QFontMetrics(font)
        ratio = self.devicePixelRatioF()
        width = ICON_SIZE + metrics.horizontalAdvance(item.text()) + 3 * CARD_PAD
        height = max(ICON_SIZE, metrics.height()) + 2 * CARD_PAD
        pixmap = QPixmap(round(width * ratio), round(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        colours = self.palette()
        painter.setPen(QPen(colours.color(QPalette.ColorRole.Highlight), 1.5))
        painter.setBrush(colours.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(0.75, 0.75, width - 1.5, height - 1.5), 6, 6)
        painter.drawPixmap(CARD_PAD, (height - ICON_SIZE) // 2, item.icon().pixmap(ICON_SIZE))
        painter.setFont(font)
        painter.setPen(colours.color(QPalette.ColorRole.Text))
        text = QRectF(ICON_SIZE + 2 * CARD_PAD, 0, width, height)
        painter.drawText(
            text, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, item.text()
        )
        painter.end()
        return pixmap

    def startDrag(self, supported_actions):  # noqa: N802 - Qt's name
        item = self.currentItem()
        if item is None:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        pixmap = self.drag_pixmap(item)
        drag.setPixmap(pixmap)
        drag.setHotSpot(
            QPoint(CARD_PAD + ICON_SIZE // 2, round(pixmap.deviceIndependentSize().height() / 2))
        )
        drag.exec(Qt.DropAction.CopyAction)

    def mimeTypes(self):
        return [LAYER_MIME]
