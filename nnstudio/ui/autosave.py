"""Autosave while modified, and recovery after a crash."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from nnstudio.errors import NNStudioError
from nnstudio.io.project import load_project, save_project
from nnstudio.model.project import Project

INTERVAL_MS = 60_000


def recovery_path() -> Path:
    """Where the autosave of an unsaved session lives."""
    base = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return base / "recovery" / "autosave.nnsp"


class Autosaver(QObject):
    """Saves the project to :func:`recovery_path` every ``interval_ms`` while it is
    modified; :meth:`discard` removes the file (after a save or a clean exit)."""

    def __init__(self, project_getter, is_modified, interval_ms: int = INTERVAL_MS, parent=None):
        super().__init__(parent)
        self._project, self._is_modified = project_getter, is_modified
        self.path = recovery_path()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()

    def save_now(self) -> None:
        if not self._is_modified():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            save_project(self._project(), self.path)
        except OSError:
            pass  # autosave is best effort; the user's own saves report errors

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    def stop(self) -> None:
        self.timer.stop()


def pending_recovery() -> Project | None:
    """The autosaved project of a session that did not end cleanly, if any."""
    path = recovery_path()
    if not path.exists():
        return None
    try:
        return load_project(path)
    except NNStudioError:
        path.unlink(missing_ok=True)
        return None
