"""A hovered neuron's map, large, beside it (TensorFlow Playground shows it in its big
plot): the same picture as inside the node, at a size one can read."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnstudio.ui.canvas import colors

SIZE = 150.0  # pixels on screen, whatever the zoom
CAPTION = 20.0
GAP = 18.0  # from the node's centre to the picture's edge


class NodeZoom(QGraphicsItem):
    """The enlarged map with a caption; drawn at a fixed screen size, ignores the
    pointer (the node under it keeps its hover)."""

    def __init__(self):
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setZValue(20)
        self.image: QImage | None = None
        self.caption = ""
        self.hide()

    def show_map(self, at: QPointF, image: QImage, caption: str) -> None:
        """Show ``image`` to the right of the scene point ``at`` (a node's centre)."""
        self.prepareGeometryChange()
        self.image, self.caption = image, caption
        self.setPos(at)
        self.show()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(GAP - 1, -SIZE / 2 - CAPTION - 1, SIZE + 2, SIZE + CAPTION + 2)

    def paint(self, painter: QPainter, option, widget=None):
        if self.image is None:
            return
        box = QRectF(GAP, -SIZE / 2, SIZE, SIZE)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        ink = colors.ink()
        painter.setPen(QPen(ink.muted, 1))
        painter.setBrush(ink.paper)
        caption = QRectF(GAP, box.top() - CAPTION, SIZE, CAPTION)
        painter.drawRect(caption.united(box))
        painter.drawImage(box, self.image)
        painter.setPen(ink.text)
        painter.drawText(caption, Qt.AlignmentFlag.AlignCenter, self.caption)
