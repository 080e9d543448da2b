"""Pictures out of the studio: the network diagram and the plots as PNG or SVG, plot
data as CSV."""

from __future__ import annotations

import os
from pathlib import Path

import pyqtgraph as pg
from pyqtgraph.exporters import CSVExporter
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsScene

from nnstudio.errors import NNStudioError

DIAGRAM_SUFFIXES = (".png", ".svg")
MARGIN = 24
PNG_SCALE = 2.0


def save_scene(scene: QGraphicsScene, path, source: QRectF | None = None) -> Path:
    """Render ``source`` of ``scene`` (default: all of a network scene's network) to
    ``path`` (.png at 2× or .svg), with nothing selected."""
    path = Path(path)
    if path.suffix.lower() not in DIAGRAM_SUFFIXES:
        raise NNStudioError(f"{path.name}: a picture is saved as .png or .svg")
    selected = scene.selectedItems()
    for item in selected:
        item.setSelected(False)
    if source is None:
        source = scene.network_rect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    try:
        if path.suffix.lower() == ".svg":
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(source.size().toSize())
            generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
            generator.setTitle("nnstudio network")
            _render(scene, generator, source, QRectF(0, 0, source.width(), source.height()))
        else:
            size = QSize(int(source.width() * PNG_SCALE), int(source.height() * PNG_SCALE))
            image = QImage(size, QImage.Format.Format_ARGB32)
            image.fill(QColor("white"))
            _render(scene, image, source, QRectF(0, 0, size.width(), size.height()))
            if not image.save(str(path)):
                raise NNStudioError(f"cannot write {path}")
    finally:
        for item in selected:
            item.setSelected(True)
    return path


def _render(scene: QGraphicsScene, device, source: QRectF, target: QRectF) -> None:
    painter = QPainter(device)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()


def save_plot(plot_item: pg.PlotItem, path) -> Path:
    """Export a plot as .png (2× size) or .svg as it looks, or .csv (its curves' data,
    pyqtgraph's CSV exporter)."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return save_scene(plot_item.scene(), path, plot_item.sceneBoundingRect())
    CSVExporter(plot_item).export(str(path))
    if not path.is_file():
        raise NNStudioError(f"cannot write {path}")
    return path


def save_project_diagram(project, path) -> Path:
    """The diagram of a project without a window (for ``nnstudio export``)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from nnstudio.ui.canvas.scene import NetworkScene

    app = QApplication.instance() or QApplication([])  # noqa: F841 - must outlive the scene
    return save_scene(NetworkScene(project.document), path)
