"""Atomic writes: a crash mid-save never leaves a half-written file in place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(path, write: Callable[[object], None]) -> None:
    """Call ``write(f)`` on a temporary binary file beside ``path``, then rename it over
    ``path`` (atomic on POSIX and Windows)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
