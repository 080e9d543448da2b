"""A few lines of text that change many times a second (training counters)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from nnstudio.ui.number_text import percent_text, value_text


def counters_text(epoch: int, step: int, rate: float | None, metrics) -> str:
    """The training counters: "epoch 12 · step 1,234 · 5.2 k samples/s" and "loss
    0.1234 · validation accuracy 97.5%" (``rate`` None: not training)."""
    speed = "not training" if rate is None else f"{value_text(rate, 3)} samples/s"
    text = f"epoch {epoch:,} · step {step:,} · {speed}\nloss "
    text += value_text(metrics.get("loss"), nonnegative=True)
    # the accuracy the runs list shows: on validation data when there is some
    for key, name in (("val_accuracy", "validation accuracy"), ("accuracy", "accuracy")):
        if metrics.get(key) is not None:
            return text + f" · {name} {percent_text(metrics[key], 4)}"
    return text


class LiveText(QWidget):
    """Text of a fixed number of lines, painted directly. A QLabel re-lays out its
    window on every ``setText`` (every dock and main-window layout up the chain); this
    only repaints itself."""

    def __init__(self, text: str = "", lines: int = 2, parent=None):
        super().__init__(parent)
        self._text, self._lines = text, lines
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # fills its own background: a new text repaints no parent under it
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (the QLabel name it stands for)
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(
            metrics.horizontalAdvance(max(self._text.splitlines() or [""], key=len)),
            self._lines * metrics.lineSpacing() + 2,
        )

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        painter.drawText(
            self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._text
        )
