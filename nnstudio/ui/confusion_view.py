"""The confusion matrix drawn to fit its room: one cell per (actual, predicted) pair with
its count, the axis titles "predicted" (over the columns) and "actual" (beside the
rows), the class names as tick labels; no scrolling for up to MAX_FITTED classes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from nnstudio.ui.plot_style import toward_paper

CORRECT = (32, 110, 200)  # a cell on the diagonal
WRONG = (232, 120, 20)
DARK_TEXT, LIGHT_TEXT = QColor(20, 20, 20), QColor(255, 255, 255)
TITLE_SIZE, TICK_SIZE = 8, 8  # points
COUNT_SIZES = (9, 8, 7, 6.5)  # points, the largest that fits a cell is used
MIN_CELL = 12  # px: the fewest a cell needs for its count
MAX_CELL = 64  # px: a few classes do not get huge cells
MAX_LABEL_SHARE = 0.3  # of the width, at most, for the row names (longer ones elided)
PAD = 3  # px between a label and the grid


def cell_colors(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's background (rows, columns, RGB in 0–255) — blue on the diagonal,
    orange off it, from the paper (white, or dark grey) to full colour with its share
    of its row — and whether its count is written light: where white contrasts more
    than the dark text does."""
    n = len(counts)
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    base = np.where(np.eye(n, dtype=bool)[..., None], CORRECT, WRONG)
    rgb = toward_paper(base, share[..., None])
    cell, dark = _luminance(rgb), _luminance(np.array(DARK_TEXT.getRgb()[:3]))
    return rgb, 1.05 / (cell + 0.05) > (cell + 0.05) / (dark + 0.05)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    """Relative luminance (WCAG 2) of RGB colours in 0–255, along the last axis."""
    c = np.asarray(rgb, float) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def short_count(count: int) -> str:
    """A count in at most three characters and a suffix: 980, 1.2k, 12k, 3.4M."""
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if count >= size:
            value = count / size
            return f"{value:.1f}{suffix}" if value < 9.95 else f"{value:.0f}{suffix}"
    return str(count)


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


class ConfusionMatrix(QWidget):
    """Counts of samples of each actual class (rows) predicted as each class (columns)."""

    AXIS_TITLES = ("predicted", "actual")
    sigCellClicked = Signal(int, int)  # actual, predicted: a cell clicked with the left button

    def __init__(self, parent=None):
        super().__init__(parent)
        self.counts = np.zeros((0, 0), np.int64)
        self.names: list[str] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._title_font, self._tick_font = _font(TITLE_SIZE, True), _font(TICK_SIZE)

    def set_counts(self, counts: np.ndarray, names: Sequence[str]) -> None:
        self.counts, self.names = np.asarray(counts), [str(name) for name in names]
        self.updateGeometry()
        self.update()

    # -- geometry ------------------------------------------------------------------

    def _margins(self) -> tuple[float, float]:
        """(left, top): the axis title and the tick labels beside and over the grid."""
        title = QFontMetricsF(self._title_font).height()
        ticks = QFontMetricsF(self._tick_font)
        widest = max((ticks.horizontalAdvance(name) for name in self.names), default=0)
        labels = min(widest, MAX_LABEL_SHARE * self.width())
        return title + labels + 2 * PAD, title + ticks.height() + PAD

    def grid_rect(self) -> QRectF:
        """Where the cells are drawn: from the top left, as large as the room allows."""
        n = len(self.counts)
        if not n:
            return QRectF()
        left, top = self._margins()
        width, height = self.cell_size(self.width(), self.height())
        return QRectF(left, top, width * n, height * n)

    def cell_size(self, width: float, height: float) -> tuple[float, float]:
        """A cell's (width, height) in a widget of that size: as large as the room
        allows, at most MAX_CELL, neither side over twice the other."""
        n = max(len(self.counts), 1)
        left, top = self._margins()
        across = min(MAX_CELL, (width - left - 1) / n)
        down = min(MAX_CELL, (height - top - 1) / n)
        return min(across, 2 * down), min(down, 2 * across)

    def cell_rect(self, i: int, j: int) -> QRectF:
        """Actual class ``i``, predicted class ``j``."""
        grid, n = self.grid_rect(), len(self.counts)
        w, h = grid.width() / n, grid.height() / n
        return QRectF(grid.left() + j * w, grid.top() + i * h, w, h)

    def count_style(self) -> tuple[QFont, bool]:
        """The font of the counts and whether they are written short (1.2k)."""
        cell = self.cell_rect(0, 0) if len(self.counts) else QRectF()
        points, short = self.count_fit(cell.width(), cell.height()) or (COUNT_SIZES[-1], True)
        return _font(points), short

    def count_fit(self, width: float, height: float) -> tuple[float, bool] | None:
        """The largest of COUNT_SIZES in which every count fits a cell of that size, and
        whether they must be written short for it (only if the exact ones fit in none);
        None if nothing fits."""
        largest = int(self.counts.max()) if self.counts.size else 0
        for short in (False, True):
            widest = short_count(largest) if short else str(largest)
            for points in COUNT_SIZES:
                metrics = QFontMetricsF(_font(points))
                if (
                    metrics.horizontalAdvance(widest) + 2 <= width
                    and metrics.height() <= height + 2
                ):
                    return points, short
        return None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._size_for(2 * MIN_CELL)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # small: the dock's size is the window's to choose; the counts follow the cells
        return self._size_for(MIN_CELL // 2)

    def _size_for(self, cell: int) -> QSize:
        left, top = self._margins()
        n = len(self.counts)
        return QSize(int(left + n * cell) + 2, int(top + n * cell) + 2)

    # -- drawing --------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        n = len(self.counts)
        if not n:
            return
        painter = QPainter(self)
        grid = self.grid_rect()
        title_height = QFontMetricsF(self._title_font).height()
        painter.setFont(self._title_font)
        painter.setPen(DARK_TEXT)
        predicted, actual = self.AXIS_TITLES
        painter.drawText(
            QRectF(grid.left(), 0, grid.width(), title_height),
            Qt.AlignmentFlag.AlignCenter,
            predicted,
        )
        painter.save()  # "actual" reads upwards, beside the rows
        painter.translate(0, grid.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-grid.height() / 2, 0, grid.height(), title_height),
            Qt.AlignmentFlag.AlignCenter,
            actual,
        )
        painter.restore()
        self._draw_ticks(painter, grid, title_height)
        background, light = cell_colors(self.counts)
        font, short = self.count_style()
        painter.setFont(font)
        for i in range(n):
            for j in range(n):
                rect = self.cell_rect(i, j)
                count = int(self.counts[i, j])
                painter.fillRect(rect, QColor(*background[i, j].round().astype(int)))
                painter.setPen(LIGHT_TEXT if light[i, j] else DARK_TEXT)
                text = short_count(count) if short else str(count)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(QPen(QColor(200, 200, 200), 1))
        painter.drawRect(grid)
        painter.end()

    def _draw_ticks(self, painter: QPainter, grid: QRectF, title_height: float) -> None:
        painter.setFont(self._tick_font)
        metrics = QFontMetricsF(self._tick_font)
        labels_left = title_height + PAD
        for k, name in enumerate(self.names[: len(self.counts)]):
            column, row = self.cell_rect(0, k), self.cell_rect(k, 0)
            above = QRectF(column.left(), title_height, column.width(), metrics.height())
            beside = QRectF(labels_left, row.top(), grid.left() - PAD - labels_left, row.height())
            for rect, align in (
                (above, Qt.AlignmentFlag.AlignCenter),
                (beside, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            ):
                text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width())
                painter.drawText(rect, align, text)

    # -- hovering -------------------------------------------------------------------

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        grid, n = self.grid_rect(), len(self.counts)
        if not n or not grid.contains(point):
            return None
        i = int((point.y() - grid.top()) / grid.height() * n)
        j = int((point.x() - grid.left()) / grid.width() * n)
        return min(i, n - 1), min(j, n - 1)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        cell = self.cell_at(event.position())
        if event.button() == Qt.MouseButton.LeftButton and cell is not None:
            self.sigCellClicked.emit(*cell)
        super().mouseReleaseEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            cell = self.cell_at(QPointF(event.pos()))
            if cell is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self.cell_text(*cell), self)
            return True
        return super().event(event)

    def cell_text(self, i: int, j: int) -> str:
        row = int(self.counts[i].sum())
        share = f" ({self.counts[i, j] / row:.0%} of them)" if row else ""
        return (
            f"{row:,} samples of class {self.names[i]}: {int(self.counts[i, j]):,}"
            f" predicted as {self.names[j]}{share}; click to try one"
        )
