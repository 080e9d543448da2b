"""Delimited text tables, read fast and checked exactly.

pandas' C parser reads the bulk of a file in chunks; a chunk it cannot vouch for (a field
that is not a number where one is wanted, a row of the wrong length) sends the rest of the
file through Python's ``csv`` module, which finds the exact line and column, or reads
what pandas would not (``1_000``). Both count the same rows: blank lines are skipped.

Memory: numbers go straight into one float64 array, reserved (not touched) for the most
rows the limit allows, so a table never needs much more than the array it becomes plus
one chunk. ``max_bytes`` bounds what the table holds once read: 8 bytes a number, a text
cell its length plus ~60 bytes; it is checked before each chunk is kept, and estimated
from the first rows of a plain file before anything is read.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnstudio.errors import DataError

MAX_BYTES = 1 << 30
NUMBER, TEXT = "number", "text"
# cells that mean "no value" in the table import (``load_csv`` takes only the empty cell)
MISSING = ("", "?", "NA", "na", "N/A", "n/a", "NaN", "nan", "NAN", "null", "NULL", "Null")
TEXT_CELL_BYTES = 60  # a Python str (49 bytes + its text) and its pointer in an array
_SAMPLE_BYTES = 1 << 20
_CHUNK_CELLS = 8_000_000  # ~64 MB of int64 per chunk: pandas' chunk overhead is small
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
                if not block:
                    return _decode(path, data, final=True), True
                if data.strip() and b"\n" in data.lstrip():
                    return _decode(path, data, final=False), False
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
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


# -- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """The columns read: ``numbers`` (rows, k) float64 in the order asked for, NaN where a
    cell is missing; ``texts`` maps a column to its stripped cells (None where missing)."""

    layout: Layout
    n_rows: int
    number_columns: tuple[int, ...]
    numbers: np.ndarray
    texts: Mapping[int, np.ndarray]


def read_table(
    layout: Layout,
    columns: Mapping[int, str],
    missing: tuple[str, ...] = ("",),
    max_bytes: int = MAX_BYTES,
    text_hint: str = "",
    sample: list[list[str]] | None = None,
) -> Table:
    """Read ``columns`` ({index: NUMBER or TEXT}) of every data row.

    A cell in ``missing`` (after stripping spaces) is missing: NaN or None. Anything else
    in a NUMBER column must be a finite number; ``text_hint`` is added to the message
    when it is not. Rows of the wrong length are refused, except that a short row
    reads as missing trailing cells: callers refusing missing values find it with
    :func:`line_of_row`, the others check with :func:`check_widths`. ``sample`` (rows
    from :func:`sniff`) lets a plain file that is clearly too large be refused at once.
    """
    reader = _Reader(layout, columns, missing, max_bytes, text_hint)
    if sample and not layout.gzip:
        reader.refuse_if_too_large(sample)
    return reader.read()


class _Reader:
    def __init__(self, layout, columns, missing, max_bytes, text_hint):
        self.layout, self.missing, self.max_bytes = layout, tuple(missing), max_bytes
        self.text_hint = text_hint
        self.number_columns = tuple(c for c, kind in columns.items() if kind == NUMBER)
        self.text_columns = tuple(c for c, kind in columns.items() if kind == TEXT)
        k = len(self.number_columns)
        self.row_bytes = 8 * k + TEXT_CELL_BYTES * len(self.text_columns)
        self.text_bytes = 0
        # Room for the most rows there can be. Only the rows written are ever touched (the
        # kernel maps a page when it is first written), so the reserve itself costs no
        # memory, and the array never has to grow (which would copy it).
        capacity = max_bytes // max(1, 8 * k)
        if not layout.gzip:  # a row takes at least its delimiters and a newline
            capacity = min(capacity, layout.size // layout.width + 1)
        try:
            self.numbers = np.empty((capacity, k))
        except MemoryError:
            raise DataError(f"{layout.path.name}: not enough memory to read it") from None
        self.texts: dict[int, list[np.ndarray]] = {c: [] for c in self.text_columns}
        self.n_rows = 0

    def refuse_if_too_large(self, sample: list[list[str]]) -> None:
        line = sum(len(self.layout.delimiter.join(row)) + 1 for row in sample) / len(sample)
        text = sum(len(row[c]) for row in sample for c in self.text_columns if c < len(row))
        rows = self.layout.size / line
        estimate = rows * (self.row_bytes + text / len(sample))
        if estimate > 1.25 * self.max_bytes:
            raise DataError(
                f"{self.layout.path.name}: about {rows:,.0f} rows of {self.layout.width} "
                f"columns, about {mib(estimate)} once read: more than the "
                f"{mib(self.max_bytes)} nnstudio loads (a number takes 8 bytes, a text cell "
                f"its length plus {TEXT_CELL_BYTES}); leave out columns or rows"
            )

    def read(self) -> Table:
        try:
            start = self._read_fast()
            if start is not None:
                self._read_exact(start)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise DataError(f"{self.layout.path.name} could not be read ({exc})") from None
        texts = {
            c: np.concatenate(parts) if parts else np.empty(0, object)
            for c, parts in self.texts.items()
        }
        return Table(
            self.layout, self.n_rows, self.number_columns, self.numbers[: self.n_rows], texts
        )

    def _room(self, rows: int, text_bytes: int) -> None:
        """Refuse rows that would take the table past the limit."""
        total = self.n_rows + rows
        held = total * self.row_bytes + self.text_bytes + text_bytes
        if total > len(self.numbers) or held > self.max_bytes:
            raise DataError(
                f"{self.layout.path.name}: its {self.layout.width} columns take more than "
                f"the {mib(self.max_bytes)} nnstudio loads after {total:,} rows (a number "
                f"takes 8 bytes, a text cell its length plus {TEXT_CELL_BYTES}); leave out "
                "columns or rows"
            )
        self.text_bytes += text_bytes

    # pandas ------------------------------------------------------------------------

    def _read_fast(self) -> int | None:
        """Read with pandas while it can vouch for every chunk; returns the first row it
        could not, or None when it read them all."""
        import pandas as pd

        layout = self.layout
        options = {}
        if int(pd.__version__.split(".")[0]) < 3:
            options["float_precision"] = "round_trip"  # pandas 3's default is exact
        chunks = pd.read_csv(
            layout.path,
            sep=layout.delimiter,
            header=0 if layout.header else None,
            names=list(range(layout.width)),
            index_col=False,
            dtype={c: object for c in self.text_columns},
            keep_default_na=False,
            na_values={c: list(self.missing) for c in range(layout.width)},
            skip_blank_lines=True,
            compression="gzip" if layout.gzip else None,
            encoding="utf-8",
            engine="c",
            chunksize=max(1000, _CHUNK_CELLS // layout.width),
            **options,
        )
        with chunks:
            while True:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    return None
                except (pd.errors.ParserError, ValueError, OverflowError):
                    return self.n_rows  # also a bad UTF-8 byte: Python says which line
                texts = {c: self._texts_of(chunk[c]) for c in self.text_columns}
                rows = len(chunk)
                self._room(rows, sum(size for _, size in texts.values()))
                block = self.numbers[self.n_rows : self.n_rows + rows]
                for j, c in enumerate(self.number_columns):
                    values = chunk[c].to_numpy()
                    if values.dtype.kind not in "iuf":
                        return self.n_rows  # text, or True/False: Python says which
                    if values.dtype.kind == "f" and np.isinf(values).any():
                        return self.n_rows
                    block[:, j] = values
                for c, (values, _) in texts.items():
                    self.texts[c].append(values)
                self.n_rows += rows

    def _texts_of(self, column) -> tuple[np.ndarray, int]:
        """Stripped cells (None where missing) and the bytes of their text."""
        stripped = column.str.strip()
        values = stripped.to_numpy(dtype=object)
        values[stripped.isna().to_numpy() | stripped.isin(self.missing).to_numpy()] = None
        return values, int(stripped.str.len().sum())

    # Python's csv: exact --------------------------------------------------------------

    def _read_exact(self, start: int) -> None:
        """Read the data rows from ``start`` on with Python, checking every cell."""
        layout = self.layout
        numbers: list[list[float]] = []
        texts: dict[int, list] = {c: [] for c in self.text_columns}
        block = max(256, 100_000 // layout.width)
        for index, (line, row) in enumerate(data_rows(layout)):
            if index < start:
                continue
            if len(row) != layout.width:
                raise ragged(layout, line, row)
            numbers.append([self._number(row[c], line, c) for c in self.number_columns])
            for c in self.text_columns:
                cell = row[c].strip()
                texts[c].append(None if cell in self.missing else cell)
            if len(numbers) == block:
                self._flush(numbers, texts)
        self._flush(numbers, texts)

    def _flush(self, numbers: list, texts: dict[int, list]) -> None:
        rows = len(numbers)
        if rows:
            size = sum(len(v) for values in texts.values() for v in values if v is not None)
            self._room(rows, size)
            self.numbers[self.n_rows : self.n_rows + rows] = np.array(
                numbers, dtype=np.float64
            ).reshape(rows, -1)
            for c, values in texts.items():
                self.texts[c].append(np.array(values + [None], dtype=object)[:-1])
            self.n_rows += rows
        numbers.clear()
        for values in texts.values():
            values.clear()

    def _number(self, cell: str, line: int, column: int) -> float:
        cell = cell.strip()
        if cell in self.missing:
            return math.nan
        try:
            value = float(cell)
        except ValueError:
            raise DataError(
                f"{self.layout.where(line, column)}: {cell[:40]!r} is not a number{self.text_hint}"
            ) from None
        if not math.isfinite(value):
            raise DataError(f"{self.layout.where(line, column)}: {cell!r} is not a finite number")
        return value


def ragged(layout: Layout, line: int, row: list[str]) -> DataError:
    return DataError(
        f"{layout.path.name}, line {line}: {len(row)} fields, expected {layout.width} "
        "like the first line"
    )


def data_rows(layout: Layout) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each data row, as Python's csv module reads them."""
    opener = gzip.open if layout.gzip else open
    try:
        with opener(layout.path, "rt", encoding="utf-8-sig", newline="") as f:
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


def line_of_row(layout: Layout, row: int) -> int:
    """The line on which data row ``row`` (from 0) ends; a row of the wrong length on the
    way is refused (pandas reads a short row as missing trailing cells)."""
    for index, (line, cells) in enumerate(data_rows(layout)):
        if len(cells) != layout.width:
            raise ragged(layout, line, cells)
        if index == row:
            return line
    raise DataError(f"{layout.path.name} changed while it was read; open it again")


def check_widths(layout: Layout) -> None:
    """Refuse the first row whose length differs from the first line's."""
    for line, cells in data_rows(layout):
        if len(cells) != layout.width:
            raise ragged(layout, line, cells)


def count_lines(layout: Layout, max_compressed: int = 16 << 20) -> int | None:
    """The data lines of a plain file (or of a gzip file up to ``max_compressed`` bytes),
    counted fast: rows, when no quoted cell spans lines and no line is blank."""
    if layout.gzip and layout.size > max_compressed:
        return None
    opener = gzip.open if layout.gzip else open
    lines, last = 0, b""
    try:
        with opener(layout.path, "rb") as f:
            while block := f.read(1 << 24):
                lines += last.count(b"\n")
                last = block
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    tail = last.rstrip()  # blank lines at the end are no rows
    lines += tail.count(b"\n") + bool(tail)
    return max(0, lines - layout.header)
