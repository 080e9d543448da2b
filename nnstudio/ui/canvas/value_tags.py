"""Numbers beside a layer's nodes on the canvas (the Stepper's z and a, or δ, for the
layer it is computing): a small label on a backing, right of each node."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QGraphicsItem

from nnstudio.ui.canvas import colors

GAP = 4.0  # between a node and its tag
PADDING = 3.0


class ValueTag(QGraphicsItem):
    """``text`` (one or two lines) with its left edge at ``anchor``, centred on it."""

    def __init__(self, text: str, anchor: QPointF):
        super().__init__()
        self.text = text
        self._font = QFont()
        self._font.setPointSizeF(max(6.0, self._font.pointSizeF() * 0.8))
        metrics = QFontMetricsF(self._font)
        lines = text.split("\n")
        width = max(metrics.horizontalAdvance(line) for line in lines) + 2 * PADDING
        height = metrics.height() * len(lines) + 2 * PADDING
        self._rect = QRectF(0, -height / 2, width, height)
        self.setPos(anchor)
        self.setZValue(20)  # over the connections and the layers

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None):
        ink = colors.ink()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink.backing)
        painter.drawRoundedRect(self._rect, 3, 3)
        painter.setPen(ink.text)
        painter.setFont(self._font)
        painter.drawText(self._rect, Qt.AlignmentFlag.AlignCenter, self.text)


def tags_beside(layer_item, texts: list[str]) -> list[ValueTag]:
    """A tag right of each drawn node of ``layer_item`` (``texts`` by node index)."""
    return [
        ValueTag(texts[node], layer_item.node_position(k) + QPointF(layer_item.radius + GAP, 0))
        for k, node in enumerate(layer_item.shown)
        if node < len(texts)
    ]
