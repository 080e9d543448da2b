"""Autosave while modified, and recovery after a crash.

Each window autosaves to a file of its own, ``autosave-PID-N.nnsp`` in the recovery
folder: two studios never overwrite each other's, a clean close removes only its own,
and a file whose process is gone is a session that crashed, offered back on the next
start (one of a studio still running never is).

The window must not freeze while a big project is written: an autosave gathers what
the file will hold on the GUI thread (:func:`~nnstudio.io.project.gather_project`:
the JSON and the arrays, most of them the runs' read-only checkpoints, not copied) and
writes it on a thread of its own. One write at a time; an autosave asked for while one
writes waits for it, and only the newest one waiting is written. The file is written
beside the recovery file and renamed over it once complete, so a crash mid-write leaves
the previous recovery file, never a broken one.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from nnstudio.atomic import process_running
from nnstudio.errors import NNStudioError
from nnstudio.io.project import ProjectContents, gather_project, load_project, write_project
from nnstudio.model.project import Project

INTERVAL_MS = 60_000

log = logging.getLogger(__name__)


_serial = itertools.count(1)  # the windows of this process


def recovery_folder() -> Path:
    """Where the autosaves of unsaved sessions live."""
    base = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return base / "recovery"


def new_recovery_path() -> Path:
    """A recovery file of this process's own, for one more window."""
    return recovery_folder() / f"autosave-{os.getpid()}-{next(_serial)}.nnsp"


def _owner_running(path: Path) -> bool:
    """True if the studio process that names ``path`` runs (it is not a crash's)."""
    try:
        pid = int(path.stem.split("-")[1])
    except (IndexError, ValueError):
        return False  # not named by a process
    return process_running(pid)


def crashed_sessions() -> list[Path]:
    """Recovery files of studios that did not close cleanly, newest first."""
    files = [p for p in recovery_folder().glob("autosave*.nnsp") if not _owner_running(p)]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


class Autosaver(QObject):
    """Saves the project to its own ``path`` (:func:`new_recovery_path`) every
    ``interval_ms`` while it is modified, writing in the background; :meth:`discard`
    removes the file (after a save or a clean exit), :meth:`stop` waits for the
    writing to end."""

    def __init__(self, project_getter, is_modified, interval_ms: int = INTERVAL_MS, parent=None):
        super().__init__(parent)
        self._project, self._is_modified = project_getter, is_modified
        self.path = new_recovery_path()
        # guards the three below; held only for a moment, never over file work (replacing
        # or removing a file of 150 MiB takes ~35 ms), so save_now() never waits for it
        self._lock = threading.Lock()
        self._writer: threading.Thread | None = None  # the thread writing, if one is
        self._waiting: tuple[ProjectContents, int] | None = None  # next, after it
        self._wanted = 0  # discard() counts up: what was gathered before is not kept
        self._stopped = False
        self._file_lock = threading.Lock()  # the recovery file: put in place or removed
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_now)
        self.timer.start()

    def save_now(self) -> None:
        """Autosave now if modified: gather here, write in the background."""
        if self._stopped or not self._is_modified():
            return
        contents = gather_project(self._project())
        with self._lock:
            job = (contents, self._wanted)
            if self._writer is not None:  # one write at a time: this one is next
                self._waiting = job
                return
            self._writer = threading.Thread(
                target=self._write_all, args=(job,), name="nnstudio-autosave"
            )
            self._writer.start()

    def writing(self) -> bool:
        """True while an autosave is being written (or waits to be)."""
        with self._lock:
            return self._writer is not None

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no autosave is written or waits to be; False on timeout."""
        with self._lock:
            writer = self._writer
        if writer is not None:
            writer.join(timeout)
        return not self.writing()

    def discard(self) -> None:
        """Remove the recovery file; a write under way or waiting does not bring it back."""
        with self._lock:
            self._wanted += 1
            self._waiting = None
        with self._file_lock:
            self.path.unlink(missing_ok=True)

    def adopt(self, path: Path) -> None:
        """Make the recovery file ``path`` (a crashed session's, just recovered) this
        window's own: it stays until this window saves or closes cleanly."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._file_lock:
            os.replace(path, self.path)

    def stop(self) -> None:
        """No more autosaves; returns once the one being written is written."""
        self.timer.stop()
        self._stopped = True
        self.wait()

    # -- the writing thread ------------------------------------------------------------

    def _write_all(self, job: tuple[ProjectContents, int] | None) -> None:
        while job is not None:
            try:
                self._write(*job)
            except (OSError, NNStudioError) as exc:  # best effort; the user's saves report
                log.warning("autosave to %s failed: %s", self.path, exc)
            except Exception:  # a bug: logged, and the writing goes on with the next
                log.exception("autosave to %s failed", self.path)
            with self._lock:
                job, self._waiting = self._waiting, None
                if job is None:
                    self._writer = None

    def _write(self, contents: ProjectContents, wanted: int) -> None:
        path = self.path
        part = path.with_name(f".{path.name}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_project(contents, part)
            with self._file_lock:  # put in place only if not discarded while it was written
                with self._lock:
                    current = wanted == self._wanted
                if current:
                    os.replace(part, path)
        finally:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)


class RecoveryError(NNStudioError):
    """An autosaved project that cannot be read (it was kept aside)."""


def pending_recovery() -> tuple[Project, Path] | None:
    """The newest autosaved project of a session that did not end cleanly, and its
    file; None if there is none. One that cannot be read is kept aside, never deleted
    (it may be the only copy of the work), and :class:`RecoveryError` says where."""
    crashed = crashed_sessions()
    if not crashed:
        return None
    path = crashed[0]
    try:
        return load_project(path), path
    except Exception as exc:  # whatever it is, this file must not stop every later start
        if not isinstance(exc, NNStudioError):
            log.exception("the autosave %s could not be read", path)
        kept = set_aside(path, "unreadable")
        raise RecoveryError(
            f"The autosaved network could not be read ({exc}). It is kept as {kept}."
        ) from None


def set_aside(path: Path, why: str) -> Path:
    """Keep the recovery file ``path`` as ``WHY-TIME.nnsp`` (never offered again)."""
    kept = path.with_name(f"{why}-{time.strftime('%Y%m%d-%H%M%S')}-{path.stem}{path.suffix}")
    os.replace(path, kept)
    return kept
