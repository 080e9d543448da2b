"""Delimited text tables, read fast and checked exactly.

pandas' C parser reads the bulk of a file (``csv_pandas``): a plain file in parts cut at
line ends (``csv_parts``), parsed on the cores at once and written into its rows in file
order (``parts_at_once``); a gzip file in chunks. A part or chunk it cannot vouch for (a
field that is not a number where one is wanted, a row of the wrong length) sends the
file, or the rest of it, through Python's ``csv`` module (``csv_exact``), which finds
the exact line and column, or reads what pandas would not (``1_000``).

Memory: numbers go straight into one float64 array (``row_arrays``), reserved (not
touched) for the most rows the limit allows, so a table never needs much more than the
array it becomes plus the parts or the chunk being read. ``max_bytes`` bounds what the
table holds once read: 8 bytes a number, a text cell its length plus ~60 bytes; it is
checked before each chunk is kept, and estimated from the first rows of a plain file
before anything is read.
"""

from __future__ import annotations

import gzip
import io
import warnings
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from nnstudio.datasets import csv_exact, csv_pandas, csv_parts, parts_at_once
from nnstudio.datasets.delimited import (
    Layout,
    check_widths,
    count_lines,
    mib,
    open_bytes,
    row_at,
)
from nnstudio.datasets.progress import ReadProgress
from nnstudio.datasets.row_arrays import reserve, rows_from_columns
from nnstudio.errors import DataError
from nnstudio.limits import DATA_BYTES, limit_text

MAX_BYTES = DATA_BYTES
NUMBER, TEXT = "number", "text"
# cells that mean "no value" in the table import (``load_csv`` takes only the empty cell)
MISSING = ("", "?", "NA", "na", "N/A", "n/a", "NaN", "nan", "NAN", "null", "NULL", "Null")
TEXT_CELL_BYTES = 60  # a Python str (49 bytes + its text) and its pointer in an array
_CHUNK_CELLS = 8_000_000  # ~64 MB of int64 per chunk: pandas' chunk overhead is small


@dataclass(frozen=True)
class Table:
    """The columns read: ``numbers`` (rows, k) float64 in the order asked for, NaN where a
    cell is missing; ``texts`` maps a column to its stripped cells (None where missing)."""

    layout: Layout
    n_rows: int
    number_columns: tuple[int, ...]
    numbers: np.ndarray
    texts: Mapping[int, np.ndarray]
    numbers_missing: bool = True  # False: no NaN in ``numbers``


def read_table(
    layout: Layout,
    columns: Mapping[int, str],
    missing: tuple[str, ...] = ("",),
    max_bytes: int = MAX_BYTES,
    text_hint: str = "",
    sample: list[list[str]] | None = None,
    progress: ReadProgress | None = None,
) -> Table:
    """Read ``columns`` ({index: NUMBER or TEXT}) of every data row.

    A cell in ``missing`` (after stripping spaces) is missing: NaN or None. Anything else
    in a NUMBER column must be a finite number; ``text_hint`` is added to the message
    when it is not. Rows of the wrong length are refused, except that a short row reads
    as missing trailing cells: callers refusing missing values find it with
    :func:`row_at`, the others check with :func:`check_widths`. ``sample`` holds the
    first data rows (from :func:`sniff`). ``progress`` follows the reading (and can
    cancel it).

    A plain file is read whole by pandas (in parallel where pandas can), once its lines
    are counted and the table they make is known to fit in ``max_bytes``; a gzip file is
    read in chunks and the limit checked before each is kept.
    """
    reader = _Reader(layout, columns, missing, max_bytes, text_hint, progress)
    reader.sample = sample or []
    # pandas reads a first data row longer than the header with a warning (and loses
    # cells); later ones it refuses. Python reads such a file.
    reader.first_row_fits = not sample or len(sample[0]) == layout.width
    return reader.read()


class _Reader:
    def __init__(self, layout, columns, missing, max_bytes, text_hint, progress):
        self.layout, self.missing, self.max_bytes = layout, tuple(missing), max_bytes
        self.text_hint, self.progress = text_hint, progress
        self.number_columns = tuple(c for c, kind in columns.items() if kind == NUMBER)
        self.text_columns = tuple(c for c, kind in columns.items() if kind == TEXT)
        self.row_bytes = 8 * len(self.number_columns) + TEXT_CELL_BYTES * len(self.text_columns)
        self.text_bytes = 0
        self.numbers: np.ndarray | None = None
        self.texts: dict[int, list[np.ndarray]] = {c: [] for c in self.text_columns}
        self.n_rows = 0
        self.first_row_fits = True
        self.numbers_missing = False  # whether a NaN (a missing number) was read
        self.chunk_rows = max(1000, _CHUNK_CELLS // layout.width)
        self.short_rows_beyond = False
        self.sample: list[list[str]] = []

    def read(self) -> Table:
        try:
            if not self.first_row_fits:
                start = 0
            elif self.layout.gzip:
                start = self._read_chunks()
            else:
                start = self._read_whole()
            if start is not None:
                self._read_exact(start)
        except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise DataError(f"{self.layout.path.name} could not be read ({exc})") from None
        texts = {
            c: np.concatenate(parts) if parts else np.empty(0, object)
            for c, parts in self.texts.items()
        }
        numbers = self.numbers if self.numbers is not None else self._reserve()
        return Table(
            self.layout,
            self.n_rows,
            self.number_columns,
            numbers[: self.n_rows],
            texts,
            self.numbers_missing,
        )

    def _too_large(self, rows: int, held: int) -> DataError:
        return DataError(
            f"{self.layout.path.name}: {rows:,} rows of {self.layout.width} columns take "
            f"{mib(held)} or more once read (a number takes 8 bytes, a text cell its length "
            f"plus {TEXT_CELL_BYTES}), more than {limit_text(self.max_bytes)}; leave out "
            "columns or rows"
        )

    def _reserve(self) -> np.ndarray:
        """Room for the most rows there can be, for the chunked and the exact reading.
        Only the rows written are ever touched (the kernel maps a page when it is first
        written), so the reserve costs no memory, and the array never has to grow."""
        k = len(self.number_columns)
        capacity = self.max_bytes // max(1, 8 * k)
        if not self.layout.gzip and self.layout.size // self.layout.width + 1 < capacity:
            capacity = self.layout.size // self.layout.width + 1  # a row: width bytes at least
            self.short_rows_beyond = True  # more rows than that: some are short
        try:
            self.numbers = reserve(capacity, k)
        except (MemoryError, OSError, OverflowError):
            raise DataError(f"{self.layout.path.name}: not enough memory to read it") from None
        return self.numbers

    def _room(self, rows: int, text_bytes: int) -> None:
        """Refuse rows that would take the table past the limit (chunks, exact)."""
        if self.numbers is None:
            self._reserve()
        total = self.n_rows + rows
        held = total * self.row_bytes + self.text_bytes + text_bytes
        if total > len(self.numbers) and self.short_rows_beyond:
            check_widths(self.layout)  # refuses the first short row
        if total > len(self.numbers) or held > self.max_bytes:
            raise self._too_large(total, held)
        self.text_bytes += text_bytes

    def _pandas(self, file, na_filter: bool, **options):
        """pandas' reader of ``file`` for these columns (``csv_pandas.read``)."""
        return csv_pandas.read(
            self.layout, file, self.text_columns, self.missing, na_filter, **options
        )

    # a plain file: whole -------------------------------------------------------------

    def _read_whole(self) -> int | None:
        """Read the file with pandas, in parts on every core; returns 0 (read it with
        Python) if pandas refuses it, else None."""
        import pandas as pd

        self._refuse_if_too_large()
        path = self.layout.path
        before = path.stat()
        if self.progress:
            self.progress.digest(path, f"Reading {path.name}")
        try:
            with warnings.catch_warnings():
                # a row longer than the header where pandas starts reading a part of the
                # file: pandas warns and drops cells. Python reads such a file.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                # pandas' NA check costs ~70% more time on every column; without it a
                # column holding a missing cell is converted cell by cell: the check is
                # made when the first rows have missing numbers (they seldom come alone).
                missing = csv_exact.any_missing(self.sample, self.number_columns, self.missing)
                texts = self._read_parts(path, na_filter=missing)
        except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, OverflowError):
            return 0  # a ragged or badly quoted row, a bad UTF-8 byte: Python says where
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise DataError(f"{path.name} changed while it was read; open it again")
        held = self.n_rows * self.row_bytes + sum(size for part in texts for _, size in part)
        if held > self.max_bytes:
            raise self._too_large(self.n_rows, held)
        for part in texts:
            for c, (values, _) in zip(self.text_columns, part):
                self.texts[c].append(values)
        return None

    def _read_parts(self, path, na_filter: bool) -> list[list[tuple[np.ndarray, int]]]:
        """Parse the file's parts on the cores at once (or the whole file where it is not
        cut: pandas then parses it on every core itself, given its path), each written
        into its rows once the parts before it are counted (``parts_at_once``). Returns
        each part's text columns, in file order."""
        spans = csv_parts.cut(path, self.layout.header) or [None]
        numbers = self._reserve()  # pages are mapped as the parts are written
        columns: list = [None] * len(spans)  # a part's number columns, till written
        texts: list = [None] * len(spans)

        def parse(k: int) -> int:
            if spans[k] is None:
                frame = self._pandas(str(path), na_filter)
            else:
                data = io.BytesIO(csv_parts.read(path, spans[k]))
                frame = self._pandas(data, na_filter, header=False, low_memory=False)
            texts[k] = [self._texts_of(frame[c]) for c in self.text_columns]
            columns[k] = [frame[c].to_numpy() for c in self.number_columns]
            return len(frame)

        def write(k: int, start: int, stop: int, row: int) -> None:
            values = [
                self._column(v[start:stop], c, row) for c, v in zip(self.number_columns, columns[k])
            ]
            rows_from_columns(values, numbers[row : row + stop - start], halves=False)

        def written(k: int) -> None:
            columns[k] = None

        def parsed(k: int) -> None:
            if self.progress:
                span = spans[k] or (0, self.layout.size)
                self.progress.done += span[1] - span[0]
                self.progress.check()

        if self.progress:
            self.progress.begin(f"Parsing {path.name}", self.layout.size)
        ends = parts_at_once.read_parts(
            len(spans), parse, write, len(numbers), self._capacity_error, written, parsed
        )
        self.n_rows = ends[-1]
        return texts

    def _capacity_error(self, rows: int) -> DataError:
        """More rows than the array reserved for them can hold: a short row, or a table
        beyond the limit."""
        if self.short_rows_beyond:
            try:
                check_widths(self.layout)  # refuses the first short row
            except DataError as exc:
                return exc
        return self._too_large(rows, rows * self.row_bytes)

    def _refuse_if_too_large(self) -> None:
        """Before reading: a table that cannot fit is refused. Its size is estimated from
        the first MiB; one estimated at half the limit or more has its lines counted (a
        line count is at least the rows)."""
        text = 0.0
        if self.sample:
            text = sum(len(r[c]) for r in self.sample for c in self.text_columns if c < len(r))
            text /= len(self.sample)
            line = sum(len(self.layout.delimiter.join(r)) + 1 for r in self.sample)
            rows = self.layout.size * len(self.sample) / line
            if rows * (self.row_bytes + text) < self.max_bytes / 2:
                return
        lines = count_lines(self.layout, progress=self.progress) or 0
        held = int(lines * (self.row_bytes + text))
        if held > self.max_bytes:
            raise self._too_large(lines, held)

    def _column(self, values: np.ndarray, column: int, first: int = 0) -> np.ndarray:
        """A number column as pandas read it (its ``to_numpy()``), or converted cell by
        cell (refusing the first cell that is not a number) where pandas found text,
        True/False or inf. ``first``: the data row of the first cell."""
        if values.dtype.kind in "iu":
            return values
        if values.dtype.kind == "f" and not np.isinf(values).any():
            if np.isnan(values).any():  # only ever set: the threads writing rows share it
                self.numbers_missing = True
            return values
        out, bad = csv_exact.converted(values, self.missing)
        if bad is not None:
            self._refuse_cell(first + bad, column)
        if np.isnan(out).any():
            self.numbers_missing = True
        return out

    def _refuse_cell(self, row: int, column: int) -> None:
        """Raise the message Python's reading gives for data row ``row``'s cell."""
        line, cells = row_at(self.layout, row)
        csv_exact.number(self.layout, cells[column], line, column, self.missing, self.text_hint)
        raise DataError(f"{self.layout.where(line, column)}: not read as a number")

    # a gzip file: chunks --------------------------------------------------------------

    def _read_chunks(self) -> int | None:
        """Read with pandas, chunk by chunk, while it can vouch for every chunk; returns
        the first row it could not, or None when it read them all."""
        import pandas as pd

        with open_bytes(self.layout, self.progress) as file:
            try:
                # a chunk holding a missing number would otherwise send the rest of the file
                # to Python: pandas marks them (an empty cell alone needs no marking: it is
                # refused)
                chunks = self._pandas(
                    file, na_filter=self.missing != ("",), chunksize=self.chunk_rows
                )
            except (pd.errors.ParserError, ValueError, OverflowError):
                return 0
            return self._read_chunks_of(chunks)

    def _read_chunks_of(self, chunks) -> int | None:
        """Keep the chunks while pandas can vouch for each: the first row it could not,
        or None."""
        import pandas as pd

        with chunks, warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            while True:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    return None
                except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, OverflowError):
                    return self.n_rows  # also a bad UTF-8 byte: Python says which line
                rows = len(chunk)
                if self.numbers is None or self.n_rows + rows > len(self.numbers):
                    self._room(rows, 0)  # reserves, or refuses
                if not self._numbers_of(chunk, rows):
                    return self.n_rows
                texts = {c: self._texts_of(chunk[c]) for c in self.text_columns}
                self._room(rows, sum(size for _, size in texts.values()))
                for c, (values, _) in texts.items():
                    self.texts[c].append(values)
                self.n_rows += rows

    def _numbers_of(self, chunk, rows: int) -> bool:
        """Put the chunk's number columns in place; False if one is not plain numbers
        and missing cells (pandas read it as text or True/False, or found inf)."""
        columns = []
        for c in self.number_columns:
            values = chunk[c].to_numpy()
            if values.dtype.kind not in "iuf":
                return False
            if values.dtype.kind == "f":
                if np.isinf(values).any():
                    return False
                if np.isnan(values).any():
                    self.numbers_missing = True
            columns.append(values)
        rows_from_columns(columns, self.numbers[self.n_rows : self.n_rows + rows])
        return True

    def _texts_of(self, column) -> tuple[np.ndarray, int]:
        """Stripped cells (None where missing) and the bytes of their text."""
        return csv_exact.stripped(column.to_numpy(dtype=object, copy=True), self.missing)

    # Python's csv: exact --------------------------------------------------------------

    def _read_exact(self, start: int) -> None:
        """Read the data rows from ``start`` on with Python, checking every cell."""
        rows_read = csv_exact.blocks(
            self.layout,
            start,
            self.number_columns,
            self.text_columns,
            self.missing,
            self.text_hint,
            self.progress,
        )
        for numbers, texts, size in rows_read:
            rows = len(numbers)
            self._room(rows, size)
            self.numbers[self.n_rows : self.n_rows + rows] = numbers
            if np.isnan(numbers).any():  # a missing number
                self.numbers_missing = True
            for c, values in texts.items():
                self.texts[c].append(values)
            self.n_rows += rows
