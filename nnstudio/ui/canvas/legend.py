"""The weight colour legend: the gradient from the most negative value drawn (orange)
through zero to the most positive (blue), with its range. The canvas view paints it in
its corner; a diagram picture paints it under the network."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter

from nnstudio.ui.canvas import colors

SIZE = QSizeF(180, 38)  # the legend's box


def labels(scale: float, showing_changes: bool) -> tuple[str, str, str]:
    """The legend's three words: its left end, what it shows, its right end."""
    return f"{-scale:.2g}", "change" if showing_changes else "weight", f"+{scale:.2g}"


def paint(painter: QPainter, box: QRectF, scale: float, showing_changes: bool) -> None:
    """The legend in ``box`` (in the painter's coordinates, :data:`SIZE` at best) for a
    colour ``scale`` (the largest |value| drawn), of weights or of their changes."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    ink = colors.ink()
    backing = QColor(ink.paper)
    backing.setAlpha(230)
    painter.setPen(ink.faint)
    painter.setBrush(backing)
    painter.drawRoundedRect(box, 5, 5)
    bar = QRectF(box.left() + 10, box.top() + 6, box.width() - 20, 10)
    gradient = QLinearGradient(bar.topLeft(), bar.topRight())
    gradient.setColorAt(0.0, colors.color_of(colors.BINS - 1))
    gradient.setColorAt(0.5, colors.middle_color())  # a weight of zero
    gradient.setColorAt(1.0, colors.color_of(2 * colors.BINS - 1))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(gradient)
    painter.drawRect(bar)
    painter.setPen(ink.text)
    text = QRectF(bar.left(), bar.bottom() + 2, bar.width(), 16)
    left, middle, right = labels(scale, showing_changes)
    painter.drawText(text, Qt.AlignmentFlag.AlignLeft, left)
    painter.drawText(text, Qt.AlignmentFlag.AlignHCenter, middle)
    painter.drawText(text, Qt.AlignmentFlag.AlignRight, right)
    painter.restore()
