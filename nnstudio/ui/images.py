"""Pictures out of the studio: the network diagram and the plots as PNG or SVG, plot
data as CSV."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import CSVExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPicture
from PySide6.QtSvg import QSvgGenerator

from nnstudio.atomic import write_atomically
from nnstudio.errors import NNStudioError
from nnstudio.ui.canvas import legend

DIAGRAM_SUFFIXES = (".png", ".svg")
MARGIN = 24  # around the network
LEGEND_GAP = 12  # between the network's lowest item and the weight legend under it
PNG_SCALE = 2.0
PLOT_SIZE = QSizeF(640, 400)  # a plot's picture is at least this large (a dock may be small)


def save_diagram(scene, path) -> Path:
    """The network of a :class:`~nnstudio.ui.canvas.scene.NetworkScene` as a picture
    (.png at 2× or .svg): what the canvas shows without its edit buttons, selection or
    hovered node's large map, with the weight colour legend under it."""
    path = _picture_path(path)
    with scene.picture():
        network = scene.network_rect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        legend_top = network.height() - MARGIN + LEGEND_GAP  # in the margin under it
        size = QSizeF(
            max(network.width(), legend.SIZE.width() + 2 * MARGIN),
            legend_top + legend.SIZE.height() + MARGIN,
        )

        def paint(painter: QPainter) -> None:
            target = QRectF(QPointF(0, 0), network.size())
            painter.fillRect(QRectF(QPointF(0, 0), size), scene.backgroundBrush())
            scene.render(painter, target, network, Qt.AspectRatioMode.KeepAspectRatio)
            box = QRectF(
                QPointF(size.width() - MARGIN - legend.SIZE.width(), legend_top),
                legend.SIZE,
            )
            legend.paint(painter, box, scene.scale, scene.showing_changes)

        return _write(path, size, paint, "nnstudio network")


def save_plot(plot_item: pg.PlotItem, path, axes=("left", "bottom")) -> Path:
    """Export a plot as .png (2× size) or .svg as it looks, at least :data:`PLOT_SIZE`
    large and with ``axes`` shown (the loss plot's step axis may be hidden under the
    accuracy plot), or as .csv (its curves' data, pyqtgraph's CSV exporter)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        CSVExporter(plot_item).export(str(path))
        if not path.is_file():
            raise NNStudioError(f"cannot write {path}")
        return path
    path = _picture_path(path)
    with _laid_out_for_picture(plot_item, axes), _clipped_to_axes(plot_item):
        source = plot_item.sceneBoundingRect()
        scene = plot_item.scene()

        def paint(painter: QPainter) -> None:
            scene.render(painter, QRectF(QPointF(0, 0), source.size()), source)

        return _write(path, source.size(), paint, "nnstudio plot")


@contextmanager
def _laid_out_for_picture(plot_item: pg.PlotItem, axes):
    """The plot with ``axes`` shown and at least :data:`PLOT_SIZE` large, for the time
    of the ``with``; as before afterwards."""
    hidden = [side for side in axes if not plot_item.getAxis(side).isVisible()]
    geometry = plot_item.geometry()
    size = geometry.size().expandedTo(PLOT_SIZE)
    try:
        for side in hidden:
            plot_item.showAxis(side)
        if size != geometry.size():
            plot_item.resize(size)
        plot_item.layout.activate()
        yield
    finally:
        for side in hidden:
            plot_item.hideAxis(side)
        plot_item.setGeometry(geometry)
        plot_item.layout.activate()


@contextmanager
def _clipped_to_axes(plot_item: pg.PlotItem):
    """For the time of the ``with``, the plot's lines cut where they leave its axes and
    its symbols outside them hidden: a picture's curves stay inside the axes however
    it is viewed (an SVG's clip path is not honoured by every program, and Qt's own
    renderer misplaces a clipped line drawn at a curve's scale); as before afterwards."""
    (x0, x1), (y0, y1) = plot_item.getViewBox().viewRange()  # as drawn: log₁₀ on a log axis
    items = [item for item in plot_item.listDataItems() if isinstance(item, pg.PlotDataItem)]
    try:
        for item in items:
            x, y = item.curve.getData()
            lines = item.opts.get("fillLevel") is None and not item.opts.get("stepMode")
            if lines and x is not None and len(x) > 1:
                x, y = clip_polyline(x, y, (x0, x1), (y0, y1))
                item.curve.setData(x, y, connect="finite")
            x, y = item.scatter.getData()
            if x is not None and len(x):
                item.scatter.setPointsVisible((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        yield
    finally:
        for item in items:
            item.updateItems(styleUpdate=False)  # its curve and symbols from its data


def clip_polyline(x, y, x_range, y_range) -> tuple[np.ndarray, np.ndarray]:
    """The polyline through the points ``(x, y)`` cut to the rectangle ``x_range`` ×
    ``y_range`` (Liang–Barsky, per segment): the parts inside, each run of them
    separated from the next by a NaN point. Non-finite points are gaps already."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    xa, ya, dx, dy = x[:-1], y[:-1], np.diff(x), np.diff(y)
    start, end = np.zeros(len(dx)), np.ones(len(dx))
    shown = np.isfinite(xa) & np.isfinite(ya) & np.isfinite(dx) & np.isfinite(dy)
    (left, right), (bottom, top) = x_range, y_range
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-dx, xa - left), (dx, right - xa), (-dy, ya - bottom), (dy, top - ya)):
            shown &= (p != 0) | (q >= 0)  # parallel to this edge and outside it: gone
            t = q / p
            start = np.where(p < 0, np.maximum(start, t), start)
            end = np.where(p > 0, np.minimum(end, t), end)
    shown &= start < end  # (a segment that only touches the rectangle: none)
    k = np.flatnonzero(shown)
    # a segment that starts where the previous one ended, uncut, continues its run
    joined = np.zeros(len(k), bool)
    joined[1:] = (np.diff(k) == 1) & (end[k[:-1]] == 1) & (start[k[1:]] == 0)
    rows = np.full((len(k), 3, 2), np.nan)  # per segment: a gap, its start, its end
    for column, t in ((1, start[k]), (2, end[k])):
        rows[:, column] = np.c_[xa[k] + t * dx[k], ya[k] + t * dy[k]]
    keep = np.c_[~joined, ~joined, np.ones(len(k), bool)]
    keep[:1, 0] = False  # no gap before the first run
    points = rows[keep]
    return points[:, 0], points[:, 1]


def _picture_path(path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in DIAGRAM_SUFFIXES:
        raise NNStudioError(f"{path.name}: a picture is saved as .png or .svg")
    return path


def _write(path: Path, size: QSizeF, paint: Callable[[QPainter], None], title: str) -> Path:
    """Write a picture ``size`` logical pixels large that ``paint(painter)`` draws in
    those coordinates: an SVG drawing, or a PNG image at :data:`PNG_SCALE` × the pixels.

    Both devices count a point as the screen does (items cached as QPictures, pyqtgraph's
    axes, were recorded at the screen's resolution: at the SVG generator's default 72 dpi
    they would be drawn at ¾ of their size), the PNG's scale is its pixel ratio (items
    that ignore transformations, pyqtgraph's legends, grow with it) and the SVG clips
    (version 1.1: the curves stay inside their axes)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    dpi = QPicture().logicalDpiX()
    if path.suffix.lower() == ".svg":
        device = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
        device.setOutputDevice(buffer)
        device.setResolution(dpi)
        device.setSize(size.toSize())
        device.setViewBox(QRectF(QPointF(0, 0), size))
        device.setTitle(title)
    else:
        device = QImage((size * PNG_SCALE).toSize(), QImage.Format.Format_ARGB32)
        device.setDevicePixelRatio(PNG_SCALE)
        device.setDotsPerMeterX(round(dpi / 0.0254))
        device.setDotsPerMeterY(round(dpi / 0.0254))
        device.fill(QColor("white"))
    painter = QPainter(device)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    paint(painter)
    painter.end()
    if isinstance(device, QImage) and not device.save(buffer, "PNG"):
        raise NNStudioError(f"cannot draw {path.name}")
    try:
        write_atomically(path, lambda f: f.write(bytes(data)))
    except OSError as exc:
        raise NNStudioError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def save_project_diagram(project, path) -> Path:
    """The diagram of a project without a window (for ``nnstudio export``)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from nnstudio.ui.canvas.scene import NetworkScene

    app = QApplication.instance() or QApplication([])  # noqa: F841 - must outlive the scene
    return save_diagram(NetworkScene(project.document), path)
