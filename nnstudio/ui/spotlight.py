"""A pulsing outline over one widget of the window: where a lesson points."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QDockWidget, QWidget

COLOUR = QColor(255, 140, 0)
MARGIN = 3


class Spotlight(QWidget):
    """Drawn over the window, letting every click through; follows its target as the
    window's layout moves it, and hides while the target is hidden."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.target: QWidget | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(80)
        self._timer.timeout.connect(self._follow)
        self.hide()

    def point_at(self, target: QWidget | None) -> None:
        """Outline ``target`` (bringing its panel to the front), or nothing (None)."""
        self.target = target
        if target is None:
            self._timer.stop()
            self.hide()
            return
        dock = _dock_of(target)
        if dock is not None:
            dock.show()
            dock.raise_()
        self._timer.start()
        self._follow()

    def _follow(self) -> None:
        target, window = self.target, self.parentWidget()
        if target is None or not target.isVisible():
            self.hide()
            return
        corner = target.mapTo(window, target.rect().topLeft())
        box = QRect(corner, target.size()).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        self.setGeometry(box.intersected(window.rect()))
        self.show()
        self.raise_()
        self.update()

    def paintEvent(self, event):  # noqa: N802 - Qt's name
        colour = QColor(COLOUR)
        colour.setAlphaF(0.55 + 0.45 * math.sin(time.monotonic() * 5) ** 2)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, 3))
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 5, 5)


def _dock_of(widget: QWidget) -> QDockWidget | None:
    while widget is not None and not isinstance(widget, QDockWidget):
        widget = widget.parentWidget()
    return widget
