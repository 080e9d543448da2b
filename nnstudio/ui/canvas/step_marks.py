"""The stepper's marks on a layer: an outline around the layer being computed and its
numbers (z and a, or δ) beside each node."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnstudio.ui.canvas import colors

COLOUR = QColor(230, 140, 20)  # amber: apart from the selection's blue
GAP = 4.0  # between a node and its label
PAD = 3.0  # around a label's text


class StepMarks(QGraphicsItem):
    """A child of the layer item it marks (it moves and goes with it); takes no pointer
    events, so the nodes and connections under it keep their hover and tooltips."""

    def __init__(self, layer_item, labels: tuple[str, ...], caption: str):
        super().__init__(layer_item)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setZValue(5)
        self.labels, self.caption = labels, caption
        self._outline = layer_item.boundingRect().adjusted(-3, -3, 3, 3)
        self._font = QFont()
        self._font.setPointSizeF(max(6.0, self._font.pointSizeF() * 0.8))
        metrics = QFontMetricsF(self._font)
        left = layer_item.half_width + GAP
        height = metrics.height() + 2 * PAD
        self._boxes = [
            QRectF(left, offset - height / 2, metrics.horizontalAdvance(text) + 2 * PAD, height)
            for text, offset in zip(labels, layer_item.offsets[: len(labels)])
        ]
        if len(labels) != len(layer_item.offsets):  # the nodes drawn are not these
            self._boxes = []
        self._caption_box = QRectF(
            self._outline.left(), self._outline.bottom() + 2, self._outline.width(), height * 2
        )
        self._rect = self._outline.adjusted(-2, -2, 2, 2).united(self._caption_box)
        for box in self._boxes:
            self._rect = self._rect.united(box)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        ink = colors.ink()
        painter.setPen(QPen(COLOUR, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self._outline, 9, 9)
        painter.setFont(self._font)
        for text, box in zip(self.labels, self._boxes):
            painter.setPen(QPen(COLOUR, 1.0))
            painter.setBrush(ink.paper)
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(ink.text)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        if self.caption:
            painter.setPen(ink.muted)
            painter.drawText(
                self._caption_box,
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                self.caption,
            )
