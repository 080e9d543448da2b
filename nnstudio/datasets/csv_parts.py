"""A plain delimited file cut at line ends into parts that parse apart, one per core.

pandas parses a named file on every core itself, but then joins each column's pieces
into one array, which the reader copies again into the rows of its own: parsing the
parts apart lets each go straight into its rows. A cut is only safe where a line end is
a row's end, so a file holding a quote character (a quoted cell may span lines) or a
bare carriage return (a line end Python and pandas count, ``bytes.find`` does not) is
not cut.
"""

from __future__ import annotations

import mmap
import os
import re
from pathlib import Path

PART_BYTES = 8 << 20  # a part below this costs more in pandas' set-up than it saves
# one a core, 2 to 4: on 2 cores, 2 parts took 0.93x the time of 4 (12 rounds; each part
# costs pandas's set-up of every column again) and 1.3x the peak memory (1.1 GiB: MNIST)
MAX_PARTS = min(4, max(2, os.cpu_count() or 2))
_BARE_CR = re.compile(rb"\r(?!\n)")


def cut(path: Path, header: bool, parts: int | None = None) -> list[tuple[int, int]] | None:
    """Byte ranges ``[start, end)`` of the data rows, each ending at a line end, in file
    order (``MAX_PARTS`` at most by default); None when the file is too small to be worth
    cutting or may not be cut."""
    with open(path, "rb") as file:
        size = file.seek(0, 2)
        parts = min(MAX_PARTS if parts is None else parts, size // PART_BYTES)
        if parts < 2:
            return None
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            # a plain scan for b"\r" first: the pattern is several times slower
            if data.find(b'"') >= 0 or (data.find(b"\r") >= 0 and _BARE_CR.search(data)):
                return None
            start = _after_header(data) if header else 0
            cuts = [start]
            for k in range(1, parts):
                line_end = data.find(b"\n", start + (size - start) * k // parts)
                if line_end < 0:
                    break
                if line_end + 1 > cuts[-1]:
                    cuts.append(line_end + 1)
            if cuts[-1] < size:
                cuts.append(size)
    return list(zip(cuts, cuts[1:])) if len(cuts) > 2 else None


def _after_header(data: mmap.mmap) -> int:
    """Where the line after the header starts (pandas skips blank lines before it)."""
    start = 0
    while data[start : start + 1] == b"\n" or data[start : start + 2] == b"\r\n":
        start = data.find(b"\n", start) + 1
    end = data.find(b"\n", start)
    return len(data) if end < 0 else end + 1


def read(path: Path, span: tuple[int, int]) -> bytes:
    """The bytes of one part."""
    start, end = span
    with open(path, "rb") as file:
        file.seek(start)
        return file.read(end - start)
