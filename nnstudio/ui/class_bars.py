"""A network's answer for one input as a bar per class: its probability, the predicted
class's bar in colour, the true class's name in bold."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnstudio.ui.confusion_view import CORRECT, WRONG

MAX_BARS = 10  # the most probable classes, of more
ROW = 14  # px a class, preferred
OTHER = QColor(170, 170, 170)
TEXT = QColor(20, 20, 20)
GAP = 4


def class_probabilities(outputs: np.ndarray) -> np.ndarray:
    """One output row as a probability per class: a sigmoid unit's p as (1 − p, p);
    outputs that already are probabilities (softmax) as they are; others through a
    softmax."""
    outputs = np.asarray(outputs, dtype=np.float64).ravel()
    if len(outputs) == 1:
        p = float(np.clip(outputs[0], 0.0, 1.0))
        return np.array([1.0 - p, p])
    if outputs.min() >= 0 and abs(outputs.sum() - 1) < 1e-3:
        return outputs
    shifted = np.exp(outputs - outputs.max())
    return shifted / shifted.sum()


class ClassBars(QWidget):
    """Bars of the classes' probabilities, the most probable MAX_BARS in class order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.probabilities = np.zeros(0)
        self.names: list[str] = []
        self.actual: int | None = None
        self.shown: list[int] = []  # the classes with a bar, top to bottom
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_probabilities(
        self, probabilities: np.ndarray, names: Sequence[str], actual: int | None = None
    ) -> None:
        self.probabilities = np.asarray(probabilities, dtype=np.float64)
        self.names, self.actual = [str(name) for name in names], actual
        top = np.argsort(-self.probabilities, kind="stable")[:MAX_BARS]
        self.shown = sorted(int(k) for k in top)
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self.set_probabilities(np.zeros(0), [])

    @property
    def predicted(self) -> int | None:
        return int(np.argmax(self.probabilities)) if len(self.probabilities) else None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(150, ROW * max(len(self.shown), MAX_BARS))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(90, 8 * max(len(self.shown), 1))

    def bar_rect(self, k: int) -> QRectF:
        """The full length a class's bar can take (probability 1)."""
        row = self.shown.index(k)
        height = min(ROW + 2, self.height() / max(len(self.shown), 1))
        metrics = QFontMetricsF(self.font())
        names = max((metrics.horizontalAdvance(self.names[j]) for j in self.shown), default=0)
        left = min(names, 0.4 * self.width()) + GAP
        right = self.width() - metrics.horizontalAdvance("100%") - GAP
        return QRectF(left, row * height + 1, max(right - left, 1), height - 2)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if not self.shown:
            return
        painter = QPainter(self)
        metrics = QFontMetricsF(self.font())
        predicted = self.predicted
        for k in self.shown:
            bar, p = self.bar_rect(k), float(self.probabilities[k])
            color = OTHER
            if k == predicted:
                color = QColor(*(CORRECT if self.actual in (None, k) else WRONG))
            painter.fillRect(QRectF(bar.left(), bar.top(), bar.width() * p, bar.height()), color)
            font = QFont(self.font())
            font.setBold(k == self.actual)
            painter.setFont(font)
            painter.setPen(TEXT)
            name = QRectF(0, bar.top(), bar.left() - GAP, bar.height())
            text = metrics.elidedText(self.names[k], Qt.TextElideMode.ElideRight, name.width())
            align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(name, align, text)
            value = QRectF(bar.right() + GAP, bar.top(), self.width(), bar.height())
            painter.drawText(value, Qt.AlignmentFlag.AlignVCenter, f"{p:.0%}")
        painter.end()
