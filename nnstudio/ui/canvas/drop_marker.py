"""Where a layer dragged from the palette would go: a bar in the gap between the two
columns it would land between."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

WIDTH = 14.0
COLOUR = QColor(32, 110, 200)


class DropMarker(QGraphicsItem):
    """A rounded bar with a "+" at its top; takes no pointer events."""

    def __init__(self):
        super().__init__()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(15)
        self._rect = QRectF()
        self.hide()

    def show_at(self, x: float, top: float, bottom: float) -> None:
        """The bar at scene ``x``, from ``top`` to ``bottom``."""
        self.prepareGeometryChange()
        self._rect = QRectF(-WIDTH / 2, top, WIDTH, bottom - top)
        self.setPos(x, 0)
        self.show()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None):
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fill = QColor(COLOUR)
        fill.setAlpha(40)
        pen = QPen(COLOUR, 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(self._rect, WIDTH / 2, WIDTH / 2)
        painter.setPen(QPen(COLOUR, 2))
        top = self._rect.top() + WIDTH / 2
        painter.drawLine(-4, int(top), 4, int(top))
        painter.drawLine(0, int(top - 4), 0, int(top + 4))
