"""Small plots in a grid as wide as its room: columns at least MIN_WIDTH wide, as few as
show every row, and rows at least MIN_HEIGHT tall that fill the height; when they do
not all fit, whole rows stay in view and the grid scrolls down (never sideways, never
clipped)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

MIN_WIDTH = 150  # px: a plot's axis, a few ticks and its data
MIN_HEIGHT = 100  # px: its title, its data and its x axis
GAP = 2


def grid_shape(count: int, width: int, height: int) -> tuple[int, int, int]:
    """(columns, rows, rows in view) of ``count`` plots in ``width`` × ``height`` pixels."""
    in_view = max(1, (height + GAP) // (MIN_HEIGHT + GAP))
    most = max(1, (width + GAP) // (MIN_WIDTH + GAP))
    columns = max(1, min(most, math.ceil(count / in_view)))
    rows = math.ceil(count / columns)
    return columns, rows, min(rows, in_view)


class PlotGrid(QScrollArea):
    """Lays out the plots it is given (:meth:`set_plots`) on every resize."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cells = QWidget()
        self.setWidget(self.cells)
        self.plots: list[QWidget] = []
        self.shape = (1, 0, 0)  # columns, rows, rows in view

    def set_plots(self, plots: Sequence[QWidget]) -> None:
        for plot in self.plots:
            if plot not in plots:
                plot.setParent(None)
        self.plots = list(plots)
        for plot in self.plots:
            plot.setParent(self.cells)
            plot.show()
        self.place()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(MIN_WIDTH + self.verticalScrollBar().sizeHint().width(), MIN_HEIGHT)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.place()

    def place(self) -> None:
        """Columns that fill the width; if the rows do not all fit, room for the scroll
        bar (decided here, not by Qt: a bar that came and went would change the
        columns) and rows of a height that shows whole ones."""
        width, height = self.width(), self.height()
        columns, rows, in_view = grid_shape(len(self.plots), width, height)
        scrolls = rows > in_view
        if scrolls:
            width -= self.verticalScrollBar().sizeHint().width()
            columns, rows, in_view = grid_shape(len(self.plots), width, height)
        self.setVerticalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOn
            if scrolls
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self.shape = (columns, rows, in_view)
        row_height = (height + GAP) // max(in_view, 1) - GAP
        self.cells.resize(width, max(height, rows * (row_height + GAP) - GAP))
        self.verticalScrollBar().setSingleStep(row_height + GAP)
        for k, plot in enumerate(self.plots):
            r, c = divmod(k, columns)
            left, right = c * width // columns, (c + 1) * width // columns
            top = r * (row_height + GAP)
            plot.setGeometry(
                QRect(left, top, right - left - (GAP if c < columns - 1 else 0), row_height)
            )
