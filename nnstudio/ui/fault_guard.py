"""Anything unexpected in the studio is logged with its traceback and shown as a
message, and the studio goes on: the project stays open (and autosaved), nothing is
lost because of it.

``install()`` routes uncaught exceptions — in slots and event handlers (PySide6 calls
``sys.excepthook`` for them), and in Python threads — to :func:`report`, which writes
the traceback to ``nnstudio.log`` in the application's data folder and shows it, one
message at a time, on the GUI thread.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("nnstudio")


def log_path() -> Path:
    base = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return base / "nnstudio.log"


class _Reporter(QObject):
    """Shows reports on the GUI thread (a signal crosses threads), one at a time."""

    shown = Signal(str)

    def __init__(self):
        super().__init__()
        self.showing = False
        self.shown.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def _show(self, text: str) -> None:
        if self.showing:  # one message at a time: the rest are in the log
            return
        self.showing = True
        try:
            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle("Something went wrong")
            box.setText(
                "nnstudio met an error it did not expect. Your project is still open; "
                "save it under a new name to be safe."
            )
            box.setInformativeText(f"The details are in {log_path()}.")
            box.setDetailedText(text)
            box.exec()
        finally:
            self.showing = False


_reporter: _Reporter | None = None


def report(exc_type, exc, tb) -> None:
    """Log an unexpected exception with its traceback, and show it."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected error\n%s", text)
    if _reporter is not None:
        _reporter.shown.emit(text)


def install() -> None:
    """Route uncaught exceptions of the GUI thread and of Python threads to
    :func:`report`; log them to :func:`log_path` too."""
    global _reporter
    _reporter = _Reporter()
    try:
        log_path().parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_path(), encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    sys.excepthook = report
    threading.excepthook = lambda args: report(args.exc_type, args.exc_value, args.exc_traceback)
