"""Canvas layer items: a layer column (header, its nodes drawn by one item, +/- buttons).
Image layers draw feature-map tiles instead (``image_items``); connections are in
``connections``."""

from __future__ import annotations

import math
import re

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject

from nnstudio.engine.layers.keys import shape_text
from nnstudio.model.document import HIDDEN, INPUT, LayerState
from nnstudio.model.layer_types import type_info
from nnstudio.ui.canvas import colors

NODE_RADIUS = 9.0
NODE_SPACING = 24.0
FULL_SIZE_UP_TO = 16
MIN_SPACING = 7.0
COLUMN_WIDTH = 170.0
HEADER_HEIGHT = 62.0
COLLAPSE_FROM = 200
SHOWN_AT_EACH_END = 12
NODE_FILLS = [colors.color_of(b) for b in range(2 * colors.BINS)]  # by bias bin
FORMULA_COLOR = QColor(120, 120, 130)
SELECTED_FILL = QColor(80, 130, 200, 45)
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
LABEL_GAP = 5.0  # between an input node and its feature's name


def shown_nodes(units: int) -> np.ndarray:
    """Indices of the nodes drawn for a layer: all, or the first and last few."""
    if units < COLLAPSE_FROM:
        return np.arange(units)
    return np.r_[np.arange(SHOWN_AT_EACH_END), np.arange(units - SHOWN_AT_EACH_END, units)]


def node_spacing(units: int) -> float:
    """Distance between node centres: full size for small layers, tighter for big ones."""
    drawn = len(shown_nodes(units))
    if drawn <= FULL_SIZE_UP_TO:
        return NODE_SPACING
    return max(MIN_SPACING, NODE_SPACING * FULL_SIZE_UP_TO / drawn)


def node_radius(units: int) -> float:
    return min(NODE_RADIUS, 0.4 * node_spacing(units))


def node_offsets(units: int) -> np.ndarray:
    """Vertical centres of the drawn nodes, centred on 0 (a gap where nodes are hidden)."""
    shown = shown_nodes(units)
    slots = np.arange(len(shown), dtype=float)
    if units >= COLLAPSE_FROM:
        slots[SHOWN_AT_EACH_END:] += 2  # room for the ellipsis
    total = slots[-1] if len(slots) else 0
    return (slots - total / 2) * node_spacing(units)


def feature_label(name: str) -> str:
    """A feature's name as a node shows it: x1 → x₁, pixel_3_4 → pixel (3, 4)."""
    if match := re.fullmatch(r"([A-Za-z])(\d+)", name):
        return match[1] + match[2].translate(SUBSCRIPTS)
    if match := re.fullmatch(r"pixel_(\d+)_(\d+)", name):
        return f"pixel ({match[1]}, {match[2]})"
    return name


def drawn_units(layer: LayerState, shape: tuple[int, ...] | None) -> int:
    """What a layer draws one mark for: an image's channels, a vector's values (the
    layer's own units while the shapes do not work)."""
    if shape is None:
        return layer.units
    return shape[-1] if len(shape) == 3 else math.prod(shape)


def subtitle_of(layer: LayerState, shape: tuple[int, ...] | None) -> str:
    """The header's second line: "4 · tanh", "Conv2D 8 · relu", "28×28×1", "Flatten"…"""
    if layer.kind == INPUT:
        if shape and len(shape) == 3:
            return shape_text(shape)
        return f"{layer.units} input{'s' * (layer.units != 1)}"
    info = type_info(layer.type)
    words = [] if layer.type == "dense" else [info.title]
    if info.count_key:
        words.append(str(layer.units))
    text = " ".join(words)
    if info.has_activation:
        text = f"{text} · {layer.activation}" if text else layer.activation
    return text


class LayerItem(QGraphicsObject):
    """One layer: header (name, type and size, parameter formula), its nodes, +/-
    buttons on layers with a size. Hidden layers can be dragged sideways to reorder."""

    sigUnitsDelta = Signal(int, int)
    sigRenameRequested = Signal(int)
    sigBiasEditRequested = Signal(int, int)
    sigDragFinished = Signal(int, float)
    sigNodeHovered = Signal(int, int)  # this layer, the node under the pointer (-1: none)
    _mark_name = "node"  # what one drawn mark is, in tooltips

    def __init__(
        self,
        index: int,
        layer: LayerState,
        x: float,
        shape: tuple[int, ...] | None = None,
        formula: str = "",
    ):
        super().__init__()
        self.index, self.layer = index, layer
        self.output_shape, self.formula = shape, formula
        self.count = drawn_units(layer, shape)
        self.info = type_info(layer.type)
        self._layout()
        self.biases = np.zeros(self.count)
        self.scale = 1.0
        self.node_images: list[QImage] | None = None
        self._bias_bins = np.empty(0, np.int64)
        self.hovered_node: int | None = None
        self.value_label = "bias"
        self.names: tuple[str, ...] = ()  # the features an input layer's nodes are
        self.dropped: np.ndarray | None = None  # the nodes dropout took, while training
        self._home_x = x
        self.setPos(x, 0)
        flags = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
        if layer.kind == HIDDEN:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemIsMovable
        self.setFlags(flags | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setCursor(
            Qt.CursorShape.OpenHandCursor if layer.kind == HIDDEN else Qt.CursorShape.ArrowCursor
        )
        top, bottom = self._body_extent()
        self._top = top - HEADER_HEIGHT
        self._rect = QRectF(-COLUMN_WIDTH / 2, self._top, COLUMN_WIDTH, bottom - self._top)
        self.buttons = {}
        self.buttons_shown = True  # False in a picture of the network
        if layer.kind == HIDDEN and self.info.count_key:
            for delta, dx in ((-1, -COLUMN_WIDTH / 2 + 12), (+1, COLUMN_WIDTH / 2 - 12)):
                self.buttons[delta] = QRectF(dx - 9, self._top + 2, 18, 18)
        self.setToolTip(self._describe())

    @property
    def has_biases(self) -> bool:
        """True for layers whose nodes (or feature maps) have a bias of their own."""
        return self.layer.kind != INPUT and self.info.has_parameters

    def _layout(self) -> None:
        """Where the drawn marks go: :attr:`shown` (their indices), :attr:`offsets`
        (their vertical centres) and :attr:`radius`."""
        self.shown = shown_nodes(self.count)
        self.offsets = node_offsets(self.count)
        self.radius = node_radius(self.count)

    @property
    def half_width(self) -> float:
        """Half a drawn mark's width: where connections meet it."""
        return self.radius

    def _body_extent(self) -> tuple[float, float]:
        """The top and bottom of the drawn marks."""
        if not len(self.offsets):
            return 0.0, self.radius + 6
        return self.offsets[0] - self.radius, self.offsets[-1] + self.radius + 6

    def node_position(self, k: int) -> QPointF:
        """Scene position of drawn node number ``k`` (an index into :attr:`shown`)."""
        return self.mapToScene(QPointF(0, self.offsets[k]))

    def set_values(self, biases: np.ndarray, scale: float) -> None:
        """New biases; repainted only if a node's colour changes (tooltips read the
        exact values)."""
        bins = colors.bin_of(biases[self.shown], scale)
        self.biases, self.scale = biases, scale
        if not np.array_equal(bins, self._bias_bins):
            self._bias_bins = bins
            self.update()

    def set_names(self, names: tuple[str, ...]) -> None:
        """What each node is (an input layer's features; shown beside full-size nodes
        and on hover); ignored unless there is one name per node."""
        self.names = tuple(feature_label(n) for n in names) if len(names) == self.count else ()
        self.setToolTip(self.hover_text())
        self.update()

    def set_dropped(self, lost: np.ndarray | None) -> None:
        """The nodes dropout took from the latest training step (None: none shown)."""
        lost = None if lost is None or lost.size != self.count else lost.reshape(-1)
        if (lost is None) != (self.dropped is None) or (
            lost is not None and not np.array_equal(lost, self.dropped)
        ):
            self.dropped = lost
            self.update()

    def set_node_images(self, images: list[QImage] | None) -> None:
        """Pictures drawn inside the nodes (what each neuron responds to), or none."""
        self.node_images = images
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def shape(self) -> QPainterPath:
        """Where the layer takes the pointer: its header and the column of its marks
        (the connections beside them stay the connections')."""
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)  # the two rectangles' overlap included
        path.addRect(QRectF(self._rect.left(), self._top, self._rect.width(), HEADER_HEIGHT))
        margin = self.half_width + 6
        path.addRect(QRectF(-margin, self._top, 2 * margin, self._rect.height()))
        return path

    def paint(self, painter: QPainter, option, widget=None):
        selected = self.isSelected()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(80, 130, 200) if selected else QColor(0, 0, 0, 0), 1.5))
        painter.setBrush(QBrush(SELECTED_FILL if selected else QColor(0, 0, 0, 0)))
        painter.drawRoundedRect(self._rect, 8, 8)
        self._paint_header(painter)
        self._paint_body(painter)

    def _paint_header(self, painter: QPainter) -> None:
        normal = QFont(painter.font())
        bold, small = QFont(normal), QFont(normal)
        bold.setBold(True)
        small.setPointSizeF(max(6.0, normal.pointSizeF() * 0.85))
        title = QRectF(-COLUMN_WIDTH / 2 + 22, self._top + 2, COLUMN_WIDTH - 44, 20)
        name = QFontMetrics(bold).elidedText(
            self.layer.name, Qt.TextElideMode.ElideRight, int(title.width())
        )
        subtitle = subtitle_of(self.layer, self.output_shape)
        formula = QFontMetrics(small).elidedText(
            self._formula_line(), Qt.TextElideMode.ElideMiddle, int(COLUMN_WIDTH - 4)
        )
        # a backing just as wide as the text: connections that pass behind the header
        # (into a single output node, say) stay visible beside it and faintly under it
        width = (
            max(
                QFontMetrics(bold).horizontalAdvance(name),
                QFontMetrics(normal).horizontalAdvance(subtitle),
                QFontMetrics(small).horizontalAdvance(formula),
            )
            + 12
        )
        painter.setPen(Qt.PenStyle.NoPen)
        ink = colors.ink()
        painter.setBrush(ink.backing)
        painter.drawRoundedRect(QRectF(-width / 2, self._top + 1, width, 56), 6, 6)
        painter.setPen(ink.text)
        painter.setFont(bold)
        painter.drawText(title, Qt.AlignmentFlag.AlignCenter, name)
        painter.setFont(normal)
        painter.setPen(ink.muted)
        row = QRectF(-COLUMN_WIDTH / 2, self._top + 21, COLUMN_WIDTH, 18)
        painter.drawText(row, Qt.AlignmentFlag.AlignCenter, subtitle)
        painter.setFont(small)
        painter.setPen(FORMULA_COLOR)
        painter.drawText(row.translated(0, 17), Qt.AlignmentFlag.AlignCenter, formula)
        painter.setFont(normal)
        if self.buttons_shown:
            self._paint_buttons(painter)

    def show_buttons(self, shown: bool) -> None:
        """Paint the +/− buttons (on the canvas) or not (in a picture)."""
        if shown != self.buttons_shown:
            self.buttons_shown = shown
            self.update()

    def _paint_buttons(self, painter: QPainter) -> None:
        ink = colors.ink()
        for delta, rect in self.buttons.items():
            painter.setPen(QPen(ink.faint, 1))
            painter.setBrush(ink.button)
            painter.drawEllipse(rect)
            painter.setPen(ink.text)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "+" if delta > 0 else "−")

    def _formula_line(self) -> str:
        """The header's third line: how the parameters add up (none for the input)."""
        if self.layer.kind == INPUT:
            return ""
        if not self.info.has_parameters:
            return "no parameters"
        return self.formula

    def _fills(self) -> list[QColor]:
        if not self.has_biases or len(self._bias_bins) != len(self.offsets):
            return [colors.ink().node] * len(self.offsets)
        return [NODE_FILLS[b] for b in self._bias_bins]

    def _paint_body(self, painter: QPainter) -> None:
        ink = colors.ink()
        outline = QPen(ink.muted, 1 if self.radius > 4 else 0.5)
        lost = QPen(ink.faint, outline.widthF(), Qt.PenStyle.DotLine)
        for k, (offset, fill) in enumerate(zip(self.offsets, self._fills())):
            node = self.shown[k]
            centre = QPointF(0, offset)
            if self.dropped is not None and self.dropped[node]:
                painter.setPen(lost)  # dropped in this training step: a dotted ghost
                painter.setBrush(ink.paper)
                painter.drawEllipse(centre, self.radius, self.radius)
                painter.setPen(outline)
                continue
            painter.setBrush(fill)
            painter.drawEllipse(centre, self.radius, self.radius)
            if self.node_images is not None and node < len(self.node_images):
                self._paint_inside(painter, centre, self.node_images[node])
        if self.names and node_spacing(self.count) >= NODE_SPACING:
            self._paint_names(painter)
        if self.count >= COLLAPSE_FROM:
            gap = (self.offsets[SHOWN_AT_EACH_END - 1] + self.offsets[SHOWN_AT_EACH_END]) / 2
            painter.setPen(colors.ink().muted)
            hidden = self.count - 2 * SHOWN_AT_EACH_END
            painter.drawText(
                QRectF(-COLUMN_WIDTH / 2, gap - 16, COLUMN_WIDTH, 32),
                Qt.AlignmentFlag.AlignCenter,
                f"⋮\n{hidden:,} more",
            )

    def _paint_names(self, painter: QPainter) -> None:
        """Each node's feature, right-aligned to its left, cut to the column."""
        painter.setPen(colors.ink().text)
        metrics = QFontMetrics(painter.font())
        room = COLUMN_WIDTH / 2 - self.radius - LABEL_GAP
        for k, offset in enumerate(self.offsets):
            text = metrics.elidedText(
                self.names[self.shown[k]], Qt.TextElideMode.ElideRight, int(room)
            )
            box = QRectF(-COLUMN_WIDTH / 2, offset - 10, room, 20)
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_inside(self, painter: QPainter, centre: QPointF, image: QImage) -> None:
        """A round picture (transparent corners) inside the node, under its outline."""
        r = self.radius
        painter.drawImage(QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r), image)
        brush = painter.brush()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, r, r)
        painter.setBrush(brush)

    def _describe(self) -> str:
        layer = self.layer
        if layer.kind == INPUT:
            role = "Input layer: follows the dataset's features"
        elif layer.kind == HIDDEN:
            sized = ", +/− for its size" if self.info.count_key else ""
            role = (
                f"{self.info.description}<br>Drag sideways to reorder{sized}, "
                "double-click to rename"
            )
        else:
            role = "Output layer: follows the dataset's outputs"
        lines = [f"<b>{layer.name}</b> — {subtitle_of(layer, self.output_shape)}", role]
        if self.output_shape is not None:
            lines.append(f"output {shape_text(self.output_shape)}")
        if self.formula and layer.kind != INPUT:
            lines.append(f"parameters {self.formula}")
        return "<br>".join(lines)

    def node_at(self, y: float) -> int | None:
        if not len(self.offsets):
            return None
        k = int(np.argmin(np.abs(self.offsets - y)))
        return k if abs(self.offsets[k] - y) <= self.radius + 2 else None

    def _node_under(self, pos: QPointF) -> int | None:
        k = self.node_at(pos.y())
        return None if k is None or abs(pos.x()) > self.radius + 2 else int(self.shown[k])

    def hover_text(self) -> str:
        """The tooltip for what the pointer is over (a node with its bias, or the layer)."""
        node = self.hovered_node
        if node is None:
            return self._describe()
        value = (
            f"<br>{self.value_label} {float(self.biases[node]):+.4f}<br><i>double-click to edit</i>"
            if self.has_biases
            else ""
        )
        name = f" — {self.names[node]}" if self.names else ""
        lost = (
            "<br><i>dropped in the latest training step</i>"
            if self.dropped is not None and self.dropped[node]
            else ""
        )
        return f"<b>{self.layer.name}</b> {self._mark_name} {node}{name}{value}{lost}"

    def hoverMoveEvent(self, event):
        self._hover(self._node_under(event.pos()))
        self.setToolTip(self.hover_text())
        super().hoverMoveEvent(event)

    def hoverLeaveEvent(self, event):
        self._hover(None)
        super().hoverLeaveEvent(event)

    def _hover(self, node: int | None) -> None:
        if node != self.hovered_node:
            self.hovered_node = node
            self.sigNodeHovered.emit(self.index, -1 if node is None else node)

    def mousePressEvent(self, event):
        if not self._press_button(event):
            super().mousePressEvent(event)

    def _press_button(self, event) -> bool:
        """A press on the +/− button: ask for one node more or fewer."""
        for delta, rect in self.buttons.items():
            if rect.contains(event.pos()):
                self.sigUnitsDelta.emit(self.index, delta)
                event.accept()
                return True
        return False

    def mouseDoubleClickEvent(self, event):
        if self._press_button(event):
            return  # a quick second click on +/− is another click, not a rename
        node = self._node_under(event.pos())
        if node is not None and self.has_biases:
            self.sigBiasEditRequested.emit(self.index, node)
        else:
            self.sigRenameRequested.emit(self.index)
        event.accept()

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionChange:
            return QPointF(value.x(), 0.0)
        return super().itemChange(change, value)

    def mouseReleaseEvent(self, event):
        super().mouseReleaseEvent(event)
        if abs(self.pos().x() - self._home_x) > 1:
            self.sigDragFinished.emit(self.index, self.pos().x())
