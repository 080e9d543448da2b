"""The canvas view: wheel zoom, drag the background to pan, fit to view, drops from the
palette, and the weight colour legend in the corner."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsView

from nnstudio.ui.canvas import legend
from nnstudio.ui.canvas.scene import NetworkScene

LAYER_MIME = "application/x-nnstudio-layer"
ZOOM_STEP = 1.2


def layer_mime(kind: str) -> QMimeData:
    """The drag payload of a palette entry: just the layer type's id."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, QByteArray(kind.encode()))
    return mime


PAN_ROOM = 5000.0  # scene units the view may pan beyond the network fitted last


class NetworkView(QGraphicsView):
    """Shows a :class:`NetworkScene`; emits ``sigLayerDropped(kind, index)``."""

    sigLayerDropped = Signal(str, int)

    def __init__(self, scene: NetworkScene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setAcceptDrops(True)
        self.setMinimumSize(400, 300)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._held_button: tuple[int, int, QPointF] | None = None
        # the view fits the network as it and the window change size, until the user
        # zooms or pans it; Fit to view starts that again
        self._auto_fit = True
        self._pan_start: tuple[int, int] | None = None
        # connected before the editor's slot: runs while the clicked layer still exists
        scene.sigUnitsDelta.connect(self._hold_button)
        scene.sigRebuilt.connect(self.keep_in_view)

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    @property
    def auto_fit(self) -> bool:
        """Whether the view still fits the network by itself (no zoom or pan since)."""
        return self._auto_fit

    def zoom_by(self, factor: float) -> None:
        """The user's zoom: the view stops fitting by itself."""
        self._auto_fit = False
        self._scale_to(self.zoom * factor)

    def _scale_to(self, zoom: float) -> None:
        new = min(max(zoom, 0.05), 8.0)
        self.scale(new / self.zoom, new / self.zoom)

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def fit(self) -> None:
        """Show the whole network in the middle, never magnified beyond 1.5×."""
        rect = self.scene().network_rect().adjusted(-30, -30, 30, 30)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > 1.5:
            self._scale_to(1.5)
        off = self.mapFromScene(rect.center()) - self.viewport().rect().center()
        if off.manhattanLength() > 2:
            # the scene's rect only grows: a network smaller than one it held before
            # sat off centre in it; give the view room around this one
            self.setSceneRect(rect.adjusted(-PAN_ROOM, -PAN_ROOM, PAN_ROOM, PAN_ROOM))
            self.centerOn(rect.center())
        self._auto_fit = True

    def keep_in_view(self) -> None:
        """After an edit: keep a clicked +/− button where it was on screen (the layer's
        header moves as it grows) while the network still fits; else, unless the user
        zoomed or panned, fit again (a deleted layer leaves the network centred)."""
        held, self._held_button = self._held_button, None
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        fits = visible.contains(self.scene().network_rect())
        if held is not None and (fits or not self._auto_fit):
            self._put_back(*held)
        elif self._auto_fit:
            self.fit()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()

    def mousePressEvent(self, event):
        on_background = self.itemAt(event.position().toPoint()) is None
        self._pan_start = self._scrolled() if on_background else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event):
        super().mouseReleaseEvent(event)
        if self._pan_start is not None and self._scrolled() != self._pan_start:
            self._auto_fit = False  # the user dragged the network somewhere
        self._pan_start = None

    def _scrolled(self) -> tuple[int, int]:
        return self.horizontalScrollBar().value(), self.verticalScrollBar().value()

    def _hold_button(self, index: int, delta: int) -> None:
        """Before a +/− click's edit: where its button is in the viewport."""
        where = self._button_point(index, delta)
        self._held_button = None if where is None else (index, delta, where)

    def _put_back(self, index: int, delta: int, where: QPointF) -> None:
        now = self._button_point(index, delta)
        if now is None:
            return
        shift = now - where
        for bar, step in (
            (self.horizontalScrollBar(), shift.x()),
            (self.verticalScrollBar(), shift.y()),
        ):
            bar.setValue(bar.value() + round(step))

    def _button_point(self, index: int, delta: int) -> QPointF | None:
        """The viewport point of layer ``index``'s +/− button, if it has one."""
        items = self.scene().layer_items
        if index >= len(items) or delta not in items[index].buttons:
            return None
        item = items[index]
        return self.mapFromScene(item.mapToScene(item.buttons[delta].center())).toPointF()

    def changeEvent(self, event):
        """A new palette (light ↔ dark): the scene is drawn again in its colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.scene().recolour()

    def wheelEvent(self, event):
        self.zoom_by(ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP)
        event.accept()

    # -- drops from the palette -------------------------------------------------------

    def _accepts(self, event) -> bool:
        return event.mimeData().hasFormat(LAYER_MIME)

    def dragEnterEvent(self, event):
        if self._accepts(event):
            self._mark_drop(event)
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event):
        if self._accepts(event):
            self._mark_drop(event)
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dragLeaveEvent(self, event):
        self.scene().hide_drop_marker()
        super().dragLeaveEvent(event)

    def _mark_drop(self, event) -> None:
        x = self.mapToScene(event.position().toPoint()).x()
        self.scene().show_drop_marker(self.scene().insertion_index(x))

    def dropEvent(self, event):
        self.scene().hide_drop_marker()
        if not self._accepts(event):
            super().dropEvent(event)
            return
        kind = bytes(event.mimeData().data(LAYER_MIME)).decode(errors="replace")
        self.drop_layer(kind, self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()

    def drop_layer(self, kind: str, scene_pos: QPointF) -> None:
        """What a drop does: ask for a layer of ``kind`` where it landed."""
        self.sigLayerDropped.emit(kind, self.scene().insertion_index(scene_pos.x()))

    # -- the legend -------------------------------------------------------------------

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        scene = self.scene()
        painter.save()
        painter.resetTransform()
        size = legend.SIZE
        box = QRectF(
            self.viewport().width() - size.width() - 16,
            self.viewport().height() - size.height() - 12,
            size.width(),
            size.height(),
        )
        legend.paint(painter, box, scene.scale, scene.showing_changes)
        painter.restore()
