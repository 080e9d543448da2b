"""How far a long read has come, for another thread to show, and a way to stop it.

progress = ReadProgress()
# in a worker:  load_table(path, options, progress=progress)
# meanwhile:    progress.stage, progress.fraction; progress.cancel() stops the read
#               at its next block (it raises Cancelled)

The reader opens its files through :meth:`ReadProgress.open`, which counts the bytes
read (of the file on disk: a gzip file's compressed bytes) and digests a file read from
start to end, so that the digest a project keeps of it costs no second reading; a file
that pandas opens itself is read once before, by :meth:`ReadProgress.digest`.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from nnstudio.errors import NNStudioError

_BUFFER = 1 << 20


class Cancelled(NNStudioError):
    """A read stopped because it was cancelled."""


class ReadProgress:
    """The stage of a read ("Reading train.csv"), its bytes done of ``total``, and the
    digests of the files read whole (path → sha256 hex). Written by the reading thread,
    read by any other."""

    def __init__(self):
        self.stage = ""
        self.done = 0
        self.total = 0
        self.digests: dict[Path, str] = {}
        self._cancelled = False

    @property
    def fraction(self) -> float | None:
        """Done of the current stage, 0-1; None before it knows its size."""
        return min(1.0, self.done / self.total) if self.total else None

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        """Stop the read at its next block."""
        self._cancelled = True

    def check(self) -> None:
        """Raise :class:`Cancelled` if the read was cancelled."""
        if self._cancelled:
            raise Cancelled("cancelled")

    def begin(self, stage: str, total: int = 0) -> None:
        """A new stage of ``total`` bytes (0: of a size not known)."""
        self.stage, self.done, self.total = stage, 0, total

    def digest(self, path: Path, stage: str) -> None:
        """Read ``path`` whole as ``stage``, only to record its digest (for a reader that
        opens the file itself: pandas reads a named file on every core)."""
        with self.open(path, stage) as file:
            while file.read(_BUFFER):
                pass

    def open(self, path: Path, stage: str) -> io.BufferedReader:
        """``path`` opened for reading bytes, a new ``stage`` counting them."""
        path = Path(path)
        self.check()
        raw = open(path, "rb")  # noqa: SIM115 - the reader returned owns and closes it
        self.begin(stage, path.stat().st_size)
        return io.BufferedReader(_Counted(raw, path, self), _BUFFER)


class _Counted(io.RawIOBase):
    """A file's bytes as read, counted into a progress and digested."""

    def __init__(self, raw, path: Path, progress: ReadProgress):
        self.raw, self.path, self.progress = raw, path, progress
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.progress.check()
        n = self.raw.readinto(memoryview(buffer)[:_BUFFER])  # a step at most: cancel soon
        if n:
            self.digest.update(memoryview(buffer)[:n])
            self.progress.done += n
        else:  # the end: every byte was read, in order
            self.progress.digests[self.path.resolve()] = self.digest.hexdigest()
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()
