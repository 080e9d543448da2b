"""Atomic writes: a crash mid-save never leaves a half-written file in place, and a save
replaces only the file it was asked to write.

A symbolic link is written through (the file it points to is replaced; the link stays);
a directory, FIFO, device or socket is refused; an existing file keeps its permission
bits and a new one gets those the umask allows (not the 0600 of a temporary file).
Temporary files are named ``.NAME.PID.XXXXXXXX.tmp`` beside the target; one a killed
save left behind (its process is gone) is removed by the next save of the same file.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from nnstudio.errors import NNStudioError

STALE_SECONDS = 3600  # a temporary file this old, of no known process, is no save's
_KINDS = {
    stat.S_ISDIR: "a folder",
    stat.S_ISFIFO: "a FIFO (named pipe)",
    stat.S_ISCHR: "a device",
    stat.S_ISBLK: "a device",
    stat.S_ISSOCK: "a socket",
}


class UnwritableTarget(NNStudioError, OSError):
    """A path that names something other than a file to replace."""

    def __init__(self, path: Path, kind: str):
        message = f"{path} is {kind}, not a file: choose a file name to write"
        super().__init__(message)
        self.strerror, self.filename = message, str(path)


def write_atomically(path, write: Callable[[object], None]) -> None:
    """Call ``write(f)`` on a temporary binary file beside ``path``, then rename it over
    ``path`` (atomic on POSIX and Windows); raise :class:`UnwritableTarget` if ``path``
    is not a file (or a link to one, which is written through)."""
    target = writable_target(Path(path))
    mode = _mode_for(target)
    _remove_stale_temporaries(target)
    prefix = f".{target.name}.{os.getpid()}."
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w+b") as f:  # readable too: HDF5 reads what it wrote
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def writable_target(path: Path) -> Path:
    """The file a save to ``path`` replaces: ``path``, or the file a link points to."""
    target = path.resolve() if path.is_symlink() else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    for is_kind, kind in _KINDS.items():
        if is_kind(mode):
            raise UnwritableTarget(path, kind)
    return target


def _mode_for(target: Path) -> int:
    """The permission bits the saved file gets: the existing file's, else the umask's."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where Linux says it."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and put back at once
    os.umask(mask)
    return mask


def _remove_stale_temporaries(target: Path) -> None:
    """Temporary files of earlier saves of ``target`` that never finished: their
    process is gone (or, named by none, they are over an hour old)."""
    now = time.time()
    for stale in target.parent.glob(f".{_glob_escape(target.name)}.*.tmp"):
        try:
            status = stale.lstat()
            if not stat.S_ISREG(status.st_mode):
                continue
            pid = _pid_in(stale.name[len(target.name) + 2 :])
            if pid is None and now - status.st_mtime <= STALE_SECONDS:
                continue
            if pid is not None and process_running(pid):
                continue
            stale.unlink()
        except OSError:
            continue  # gone already, or not ours to remove


def _pid_in(rest: str) -> int | None:
    """The process id in ``PID.XXXXXXXX.tmp``, if that is what it is."""
    head = rest.split(".", 1)[0]
    return int(head) if head.isdigit() and rest.count(".") == 2 else None


def process_running(pid: int) -> bool:
    """True if process ``pid`` runs (or the system will not say: then it may)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's, or a system that will not say
    return True


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)
