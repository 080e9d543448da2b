"""File → Export, File → Import weights and File → Import run: dialogs around
:mod:`nnstudio.export` (the PyTorch training job and the run it brings back included)
and :mod:`nnstudio.ui.images`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMessageBox

from nnstudio.errors import NNStudioError
from nnstudio.export import (
    FORMATS,
    UntrainedError,
    export,
    files_written,
    from_project,
    precision_note,
)
from nnstudio.export.bundle_run import read_run
from nnstudio.export.training_bundle import write_bundle
from nnstudio.io.npz import weights_to_import
from nnstudio.model.training import prepare_data
from nnstudio.ui import images, last_folder

MODEL_FILTERS = {f"{fmt.description} (*{fmt.suffix})": fmt for fmt in FORMATS.values()}


class Exporter:
    """Runs the export and import dialogs of a main window (``window.project``,
    ``window.editor``, ``window.scene``, ``window.path``, ``window.training``,
    ``window.runs_panel``)."""

    def __init__(self, window: QMainWindow):
        self.window = window

    def _stem(self) -> str:
        return self.window.path.stem if self.window.path else "network"

    def _done(self, paths: list[Path], note: str = "") -> None:
        text = "Exported " + ", ".join(str(p) for p in paths)
        self.window.statusBar().showMessage(f"{text}. Note: {note}" if note else text, 15000)

    def _failed(self, what: str, exc: Exception) -> None:
        self.refuse(what, str(exc))

    def refuse(self, what: str, reason: str) -> None:
        """Say why ``what`` is not exported (no file is written)."""
        QMessageBox.warning(self.window, f"Cannot export {what}", reason)

    def export_model(self) -> None:
        """Ask for a file and a format, then export the trained network."""
        window = self.window
        path, chosen = QFileDialog.getSaveFileName(
            window,
            "Export model",
            last_folder.start_in(last_folder.EXPORTS, self._stem() + ".onnx"),
            ";;".join(MODEL_FILTERS),
            next(k for k, f in MODEL_FILTERS.items() if f.name == "onnx"),
        )
        if not path:
            return
        last_folder.remember(last_folder.EXPORTS, path)
        fmt = MODEL_FILTERS.get(chosen) or next(
            (f for f in FORMATS.values() if path.endswith(f.suffix)), FORMATS["onnx"]
        )
        path = Path(path if path.endswith(fmt.suffix) else path + fmt.suffix)
        if not self._may_replace_beside(files_written(fmt, path)[1:], path):
            return
        try:
            try:
                model = from_project(window.project, name=path.stem)
            except UntrainedError:
                answer = QMessageBox.question(
                    window,
                    "Export an untrained network?",
                    "The network has not been trained: it still has its initial random "
                    "weights. Export them anyway?",
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
                model = from_project(window.project, name=path.stem, allow_untrained=True)
            self._done(export(model, fmt.name, path), precision_note(model, fmt.name))
        except NNStudioError as exc:
            self._failed("the model", exc)

    def export_training_job(self) -> None:
        """Ask for a new folder and write the PyTorch training job into it."""
        window = self.window
        path, _ = QFileDialog.getSaveFileName(
            window,
            "Export PyTorch training job (a new folder)",
            last_folder.start_in(last_folder.EXPORTS, self._stem() + "_pytorch"),
        )
        if not path:
            return
        last_folder.remember(last_folder.EXPORTS, path)
        window.statusBar().showMessage("Writing the training job…")
        window.statusBar().repaint()  # seen before the data is written (MNIST's: ~1 s)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_bundle(window.project, path, name=self._stem())
        except NNStudioError as exc:
            window.statusBar().clearMessage()
            self._failed("the training job", exc)
            return
        finally:
            QApplication.restoreOverrideCursor()
        window.statusBar().showMessage(
            f"Exported the training job to {path}: run python train.py (or torchrun) there, "
            "then File → Import run…",
            15000,
        )

    def import_run(self) -> None:
        """Ask for a training job's folder and add the run it trained to the project's
        runs; every view then shows it, with its weights in the network."""
        window = self.window
        folder = QFileDialog.getExistingDirectory(
            window,
            "Import run: the training job's folder",
            last_folder.start_in(last_folder.EXPORTS),
        )
        if not folder:
            return
        last_folder.remember(last_folder.EXPORTS, folder)
        try:
            run = read_run(window.project, folder)
        except NNStudioError as exc:
            QMessageBox.warning(window, "Cannot import the run", str(exc))
            return
        window.project.runs.add(run)
        window.runs_panel.select_run(run)
        window.training.show_checkpoint(run, run.checkpoints[-1])
        window.statusBar().showMessage(f"Imported {run.name}: {run.epoch} epochs", 8000)

    def _may_replace_beside(self, companions: list[Path], path: Path) -> bool:
        """The file dialog asked about ``path`` only: a file the export writes beside it
        is replaced only if the user says so."""
        existing = [p.name for p in companions if p.exists()]
        if not existing:
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window,
            "Replace the file beside it?",
            f"The export writes {', '.join(existing)} beside {path.name}, and "
            f"{'it exists' if len(existing) == 1 else 'they exist'} already. Replace "
            f"{'it' if len(existing) == 1 else 'them'}?",
            buttons.Yes | buttons.No,
            buttons.No,
        )
        return answer == buttons.Yes

    def export_diagram(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "Export network diagram",
            last_folder.start_in(last_folder.EXPORTS, self._stem() + ".png"),
            "PNG image (*.png);;SVG drawing (*.svg)",
        )
        if path:
            self._save(
                lambda p: images.save_diagram(self.window.scene, p), path, ".png", "the diagram"
            )

    def export_plot(self, plot_item, title: str) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            f"Export {title}",
            last_folder.start_in(
                last_folder.EXPORTS, f"{self._stem()}-{title.replace(' ', '-')}.png"
            ),
            "PNG image (*.png);;SVG drawing (*.svg);;CSV data (*.csv)",
        )
        if path:
            self._save(lambda p: images.save_plot(plot_item, p), path, ".png", title)

    def _save(self, save, path: str, default_suffix: str, what: str) -> None:
        last_folder.remember(last_folder.EXPORTS, path)
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(default_suffix)
        try:
            self._done([save(path)])
        except NNStudioError as exc:
            self._failed(what, exc)

    def _scaler(self) -> dict | None:
        """How the project scales its inputs, if its data can be read."""
        try:
            return prepare_data(self.window.project)[1].to_dict()
        except NNStudioError:
            return None

    def import_weights(self) -> None:
        """Load the weights of an NPZ file into the network (undoable)."""
        window = self.window
        path, _ = QFileDialog.getOpenFileName(
            window,
            "Import weights",
            last_folder.start_in(last_folder.EXPORTS),
            "nnstudio weights (*.npz)",
        )
        if not path:
            return
        last_folder.remember(last_folder.EXPORTS, path)
        try:
            weights = weights_to_import(path, window.project.document.spec(), self._scaler())
        except NNStudioError as exc:
            QMessageBox.warning(window, "Cannot import weights", str(exc))
            return
        if window.editor.set_weights(weights, f"Import weights from {Path(path).name}"):
            window.training.session.origin = None  # a run from them continues no run
            window.statusBar().showMessage(f"Imported the weights of {path}", 8000)
