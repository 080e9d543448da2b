"""A plot small enough for a grid of them in a bottom dock: small tick labels, a one-line
title that is the longest of its candidates that fits, and category ticks (say, layer
names) that become numbers when the names would run into each other."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem

TITLE_HEIGHT = 18  # a plot's title row (pyqtgraph's 30 leaves too little for the plot)
TITLE_SIZE = 9  # points
TICK_SIZE = 8  # points
TEXT_MARGIN = 8  # around a pyqtgraph label's text
TICK_GAP = 6  # px at least between two category labels
AXIS_WIDTH = 40  # a left axis with ticks like 0.04 or 10⁻²
EDGE_ROOM = 2  # px beyond an axis's ends that its cached picture keeps


def font(points: float) -> QFont:
    chosen = QFont()
    chosen.setPointSizeF(points)
    return chosen


class CachedAxis(pg.AxisItem):
    """An axis painted from a pixmap of itself while its ticks stay (pyqtgraph's replays
    its ticks and their text each time). Its ticks reach into the data, so data drawn
    anew near the plot's edges repaints it, several times a second in a live view."""

    def __init__(self, orientation: str):
        super().__init__(orientation)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        # the pixmap holds only what is inside: EDGE_ROOM more along the axis keeps
        # the antialiased ends of its line
        rect = super().boundingRect()
        if self.orientation in ("left", "right"):
            return rect.adjusted(0, -EDGE_ROOM, 0, EDGE_ROOM)
        return rect.adjusted(-EDGE_ROOM, 0, EDGE_ROOM, 0)


class SmallPlot(pg.PlotWidget):
    """See the module's docstring; the texts are fitted again on every resize."""

    def __init__(self, parent=None):
        super().__init__(parent, axisItems={side: CachedAxis(side) for side in ("left", "bottom")})
        self._titles: tuple[str, ...] = ()
        self._categories: list[str] = []
        for side in ("left", "bottom"):
            self.getAxis(side).setTickFont(font(TICK_SIZE))
        self.plotItem.setContentsMargins(2, 2, 6, 2)

    def set_titles(self, *titles: str) -> None:
        if titles != self._titles:
            self._titles = titles
            self.fit_texts()

    def set_categories(self, names: list[str]) -> None:
        """One x tick per name, at 0, 1, …; numbered from 1 if the names do not fit."""
        if names != self._categories:
            self._categories = list(names)
            self.setXRange(-0.5, len(names) - 0.5, padding=0)
            self.fit_texts()

    def numbered(self) -> bool:
        """Whether the category ticks are numbers (the names would not fit)."""
        if not self._categories:
            return False
        metrics = QFontMetricsF(font(TICK_SIZE))
        slot = self._data_width() / len(self._categories)
        return any(metrics.horizontalAdvance(n) + TICK_GAP > slot for n in self._categories)

    def _data_width(self) -> float:
        axis = self.plotItem.getAxis("left")
        return self.width() - (max(axis.width(), AXIS_WIDTH) if axis.isVisible() else 0) - 8

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit_texts()

    def fit_texts(self) -> None:
        if not hasattr(self, "_categories"):  # resized while pyqtgraph builds it
            return
        # the title is centred over the data, beside the axis (whose width follows its
        # ticks: allow for the widest likely)
        room = self._data_width()
        if self._titles:
            metrics = QFontMetricsF(font(TITLE_SIZE))
            title = next(
                (t for t in self._titles if metrics.horizontalAdvance(t) + TEXT_MARGIN <= room),
                self._titles[-1],
            )
            if title != self.plotItem.titleLabel.text:
                self.setTitle(title, size=f"{TITLE_SIZE}pt")
                self.plotItem.layout.setRowFixedHeight(0, TITLE_HEIGHT)
        if self._categories:
            numbered = self.numbered()
            labels = [str(k + 1) if numbered else n for k, n in enumerate(self._categories)]
            self.getAxis("bottom").setTicks([list(enumerate(labels))])
        # the plot was fitted to the widget before its texts got shorter (a longer
        # title would not let it be narrower): fit it again
        self.plotItem.setGeometry(QRectF(0, 0, self.width(), self.height()))
