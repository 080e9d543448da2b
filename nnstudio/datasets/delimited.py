"""A delimited text file (CSV/TSV, plain or gzip): its layout (delimiter, header, column
names) from its first MiB, and its rows as Python's ``csv`` module reads them, for exact
messages ("file.csv, line 7, column 'age'"). Blank lines are no rows.

Files are opened through :func:`open_bytes`: with a :class:`ReadProgress`, a reading is
counted (and can be cancelled).
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from nnstudio.datasets.progress import ReadProgress
from nnstudio.errors import DataError

_SAMPLE_BYTES = 1 << 20
_TSV_SUFFIXES = (".tsv", ".tab")


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def check_file(path: Path) -> int:
    """The file's size; a missing or empty file is refused."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise DataError(f"{path.name} is empty")
    return size


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB" if n >= 2**20 else f"{n:,.0f} bytes"


@dataclass(frozen=True)
class Layout:
    """What a table's first lines say: its delimiter, header and column names."""

    path: Path
    delimiter: str
    header: bool
    names: tuple[str, ...]
    gzip: bool
    size: int  # bytes on disk

    @property
    def width(self) -> int:
        return len(self.names)

    @property
    def first_line(self) -> int:
        """The line number of the first data row when no line is blank."""
        return 2 if self.header else 1

    def where(self, line: int, column: int | None = None) -> str:
        """ "file.csv, line 7, column 'age'" for messages."""
        place = f"{self.path.name}, line {line}"
        return place if column is None else f"{place}, column {self.names[column]!r}"


@contextmanager
def open_bytes(layout: Layout, progress: ReadProgress | None = None, stage: str = ""):
    """The file's bytes (decompressed), counted into ``progress`` as ``stage`` (by
    default "Reading file.csv")."""
    stage = stage or f"Reading {layout.path.name}"
    with progress.open(layout.path, stage) if progress else open(layout.path, "rb") as raw:
        if not layout.gzip:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw) as unpacked:
            yield unpacked


def sniff(
    path: Path, delimiter: str | None = None, header: bool | None = None
) -> tuple[Layout, list[list[str]], bool]:
    """The layout of ``path`` and the data rows of its first MiB (at least one row).

    Returns the layout, the sample's data rows (blank ones skipped) and whether the
    sample is the whole file."""
    size = check_file(path)
    gz = is_gzip(path)
    text, complete = _head(path, gz)
    delimiter = delimiter or _guess_delimiter(path, text)
    rows = _csv_rows(path, text, delimiter)
    if not complete and len(rows) > 1:
        rows.pop()  # the last line may be cut short
    if not rows:
        raise DataError(f"{path.name} is empty")
    if header is None:
        header = _looks_like_header(rows)
    width = len(rows[0])
    names = [c.strip() or f"column {i}" for i, c in enumerate(rows[0])] if header else []
    names = _unique(names) if header else [f"column {i}" for i in range(width)]
    layout = Layout(path, delimiter, bool(header), tuple(names), gz, size)
    return layout, rows[1:] if header else rows, complete


def _head(path: Path, gz: bool) -> tuple[str, bool]:
    """The decoded start of the file: at least one non-blank line, about a MiB."""
    opener = gzip.open if gz else open
    chunks: list[bytes] = []
    try:
        with opener(path, "rb") as f:
            while True:
                block = f.read(_SAMPLE_BYTES)
                chunks.append(block)
                data = b"".join(chunks)
                if len(block) < _SAMPLE_BYTES:
                    more = f.read(1)
                    if not more:
                        return _decode(path, data, final=True), True
                    chunks.append(more)
                    data += more
                if data.strip() and b"\n" in data.lstrip():
                    return _decode(path, data, final=False), False
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DataError(f"{path.name} could not be read ({exc})") from None


def _decode(path: Path, data: bytes, final: bool) -> str:
    if not final:  # do not cut a character in two
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut >= 0 else data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path.name} is not a UTF-8 text file (byte {exc.start}); save it as UTF-8 text"
        ) from None


def _guess_delimiter(path: Path, text: str) -> str:
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in _TSV_SUFFIXES:
        return "\t"
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(path: Path, text: str, delimiter: str) -> list[list[str]]:
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if _filled(row)]
    except csv.Error as exc:
        raise DataError(f"{path.name}: not a valid CSV file ({exc})") from None


def _filled(row: list[str]) -> bool:
    """False for the rows pandas skips: blank or whitespace-only lines."""
    return len(row) > 1 or (len(row) == 1 and bool(row[0].strip()))


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _looks_like_header(rows: list[list[str]]) -> bool:
    first = rows[0]
    if all(not is_number(c) for c in first):
        return True
    if len(rows) < 2:
        return False
    return any(not is_number(a) and is_number(b) for a, b in zip(first, rows[1]))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        out.append(name if count == 1 else f"{name} ({count})")
    return out


def ragged(layout: Layout, line: int, row: list[str]) -> DataError:
    # lines inside quoted cells (a cell open at the end of the file holds its last newline)
    spans = sum(cell.count("\n") for cell in row) - bool(row and row[-1].endswith("\n"))
    quote = (
        f" (a quoted field runs from line {line - spans}: is a closing quote missing there?)"
        if spans
        else ""
    )
    return DataError(
        f"{layout.path.name}, line {line}: {len(row)} fields, expected {layout.width} "
        f"like the first line{quote}"
    )


def data_rows(
    layout: Layout, progress: ReadProgress | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each data row, as Python's csv module reads them."""
    try:
        with (
            open_bytes(layout, progress) as raw,
            io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as f,
        ):
            reader = csv.reader(f, delimiter=layout.delimiter)
            header = layout.header
            for row in reader:
                if not _filled(row):
                    continue
                if header:
                    header = False
                    continue
                yield reader.line_num, row
    except csv.Error as exc:
        raise DataError(f"{layout.path.name}: not a valid CSV file ({exc})") from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{layout.path.name} is not a UTF-8 text file ({exc.reason}); save it as UTF-8 text"
        ) from None


def row_at(layout: Layout, row: int) -> tuple[int, list[str]]:
    """The line on which data row ``row`` (from 0) ends, and its cells; a row of the wrong
    length on the way is refused (pandas reads a short row as missing trailing cells)."""
    for index, (line, cells) in enumerate(data_rows(layout)):
        if len(cells) != layout.width:
            raise ragged(layout, line, cells)
        if index == row:
            return line, cells
    raise DataError(f"{layout.path.name} changed while it was read; open it again")


def check_widths(layout: Layout) -> None:
    """Refuse the first row whose length differs from the first line's."""
    for line, cells in data_rows(layout):
        if len(cells) != layout.width:
            raise ragged(layout, line, cells)


def count_lines(
    layout: Layout, max_compressed: int = 16 << 20, progress: ReadProgress | None = None
) -> int | None:
    """The data lines of a plain file (or of a gzip file up to ``max_compressed`` bytes),
    counted fast: rows, when no quoted cell spans lines and no line is blank."""
    if layout.gzip and layout.size > max_compressed:
        return None
    lines, last = 0, b""
    try:
        with open_bytes(layout, progress, f"Counting the lines of {layout.path.name}") as f:
            while block := f.read(1 << 24):
                lines += last.count(b"\n")
                last = block
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error):
        return None
    tail = last.rstrip()  # blank lines at the end are no rows
    lines += tail.count(b"\n") + bool(tail)
    return max(0, lines - layout.header)
