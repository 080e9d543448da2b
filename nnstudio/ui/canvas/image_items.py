"""Canvas items of image layers (convolution, pooling, an image input): a stack of
feature-map tiles, one small picture frame per channel, instead of thousands of nodes."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from nnstudio.ui.canvas import colors
from nnstudio.ui.canvas.items import COLUMN_WIDTH, LayerItem

TILES_SHOWN = 16  # feature maps drawn; more are summed up as "⋮ N more"
TILE_GAP = 6.0
GRID_COLOR = QColor(255, 255, 255, 110)


def tile_side(channels: int) -> float:
    """A tile's side: large for a few channels, smaller for many."""
    drawn = min(channels, TILES_SHOWN)
    return 36.0 if drawn <= 2 else 26.0 if drawn <= 6 else 20.0 if drawn <= 10 else 15.0


def is_image(shape: tuple[int, ...] | None) -> bool:
    """True for an output of height, width and channels."""
    return shape is not None and len(shape) == 3


class FeatureMapsItem(LayerItem):
    """An image layer: one tile per channel (the first :data:`TILES_SHOWN`), filled
    with its filter's bias colour where it has one."""

    _mark_name = "feature map"

    def _layout(self) -> None:
        side = tile_side(self.count)
        drawn = min(self.count, TILES_SHOWN)
        self.shown = np.arange(drawn)
        slots = np.arange(drawn, dtype=float)
        if self.count > TILES_SHOWN:
            slots = np.r_[slots, drawn + 0.6]  # room below for "⋮ N more"
        total = slots[-1] if len(slots) else 0.0
        self.offsets = ((slots - total / 2) * (side + TILE_GAP))[:drawn]
        self.radius = side / 2
        height, width = self.output_shape[:2]
        self.tile_width = side * min(max(width / height, 0.5), 2.0)
        self._grid = min(height, width, 4)  # faint pixel lines, as a picture's
        self._tile_rects, self._grid_lines = self._tiles()

    @property
    def half_width(self) -> float:
        return self.tile_width / 2

    def _body_extent(self) -> tuple[float, float]:
        top, bottom = super()._body_extent()
        more = 2 * self.radius + TILE_GAP if self.count > TILES_SHOWN else 0.0
        return top, bottom + more

    def _paint_body(self, painter: QPainter) -> None:
        """The tiles' fills, then their pixel grids and frames: a few calls for all the
        tiles (per-tile calls cost ~2 ms an item, repainted as the biases train)."""
        tiles = self._tile_rects
        painter.setPen(Qt.PenStyle.NoPen)
        for tile, fill in zip(tiles, self._fills()):
            painter.setBrush(fill)
            painter.drawRect(tile)
        painter.setPen(QPen(GRID_COLOR, 1))
        painter.drawLines(self._grid_lines)
        painter.setPen(QPen(colors.ink().muted, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRects(tiles)
        if self.count > TILES_SHOWN:
            painter.setPen(colors.ink().muted)
            painter.drawText(
                QRectF(
                    -COLUMN_WIDTH / 2,
                    self.offsets[-1] + self.radius,
                    COLUMN_WIDTH,
                    2 * self.radius + TILE_GAP,
                ),
                Qt.AlignmentFlag.AlignCenter,
                f"⋮ {self.count - TILES_SHOWN:,} more",
            )

    def _tiles(self) -> tuple[list[QRectF], list[QLineF]]:
        """Each tile's rectangle and the faint lines of all the tiles' pixel grids."""
        r, half_w = self.radius, self.tile_width / 2
        tiles = [QRectF(-half_w, offset - r, 2 * half_w, 2 * r) for offset in self.offsets]
        grid = []
        for tile in tiles:
            for k in range(1, self._grid):
                x = tile.left() + tile.width() * k / self._grid
                y = tile.top() + tile.height() * k / self._grid
                grid.append(QLineF(x, tile.top(), x, tile.bottom()))
                grid.append(QLineF(tile.left(), y, tile.right(), y))
        return tiles, grid

    def _node_under(self, pos: QPointF) -> int | None:
        k = self.node_at(pos.y())
        return None if k is None or abs(pos.x()) > self.half_width + 2 else int(self.shown[k])
