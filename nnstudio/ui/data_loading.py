"""Data files read off the GUI thread (the window stays responsive, Cancel abandons a
read): a table as the import dialog says (``TableLoader``, followed by a
``ReadProgress``), or an NPZ file or an IDX pair as they are (``read_in_background``,
behind a busy dialog), and what a chosen file comes to (``ChosenData``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QThread
from PySide6.QtWidgets import QProgressDialog

from nnstudio import datasets
from nnstudio.errors import NNStudioError
from nnstudio.model.project import LoadedFile, file_reference, load_file

BUSY_AFTER_MS = 400  # a read taking longer shows a busy dialog
# reads cancelled but still ending, each with the slot that forgets it: both kept alive
# until the read ends (a slot held by its connection alone may be collected first)
_ABANDONED: dict = {}


@dataclass(frozen=True)
class ChosenData:
    """A data file chosen: its reference, the file read already (None: not yet), and the
    training settings chosen with it (the input scaling)."""

    reference: dict
    read: LoadedFile | None = None
    settings: dict = field(default_factory=dict)


def read_in_background(parent, reference: dict) -> ChosenData | None:
    """The file ``reference`` names read off the GUI thread, a busy dialog with Cancel
    showing if it takes long; None if cancelled. A file that cannot be read comes back
    unread (using it says why)."""
    loader = FileLoader(reference)
    busy = QProgressDialog(f"Reading {Path(reference['name']).name}…", "Cancel", 0, 0, parent)
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.setMinimumDuration(BUSY_AFTER_MS)
    wait = QEventLoop()
    loader.finished.connect(wait.quit)
    busy.canceled.connect(wait.quit)
    loader.start()
    wait.exec()
    busy.close()
    if loader.isRunning():  # cancelled: it ends by itself, unused
        keep_until_finished(loader)
        return None
    if loader.error is not None:
        return ChosenData(reference)
    return ChosenData(reference, loader.data)


class FileLoader(QThread):
    """Reads the data file(s) a reference names, off the GUI thread: ``data`` (the
    dataset and its test file's), or ``error``."""

    def __init__(self, reference: dict):
        super().__init__()
        self.reference = reference
        self.data = self.error = None

    def run(self) -> None:
        try:
            self.data = load_file(self.reference)
        except NNStudioError as exc:
            self.error = exc


def keep_until_finished(thread: QThread) -> None:
    """A thread abandoned while it runs stays alive until it ends, then goes (one slot
    does both: a slot of its own would not be called once the thread is deleted)."""

    def forget():
        _ABANDONED.pop(thread, None)
        thread.deleteLater()

    _ABANDONED[thread] = forget
    thread.finished.connect(forget)
    if thread.isFinished():  # it ended before the connection: no signal will come
        forget()


class TableLoader(QThread):
    """Reads a table off the GUI thread: ``imported`` and ``reference``, or ``error``;
    ``progress`` says how far it is, and cancels it."""

    def __init__(self, path: Path, options: datasets.TableImport, test: Path | None = None):
        super().__init__()
        self.path, self.options, self.test_path = path, options, test
        self.progress = datasets.ReadProgress()
        self.imported = self.test = self.reference = self.error = None

    def run(self) -> None:
        progress = self.progress
        try:
            self.imported = datasets.load_table(self.path, self.options, progress=progress)
            if self.test_path is not None:  # read as the training file was
                self.test = datasets.load_table(
                    self.test_path, self.options, encoding=self.imported.encoding, progress=progress
                )
            self.reference = file_reference(
                self.path, self.options, test=self.test_path, digests=progress.digests
            )
        except NNStudioError as exc:
            self.error = exc
