"""Delimited text tables, read fast and checked exactly.

pandas' C parser reads the bulk of a file: a plain file in parts parsed on the cores at
once (``csv_parts``), each written into its rows once the parts before it are counted;
a gzip file in chunks. A part or chunk it cannot vouch for (a field that is not
a number where one is wanted, a row of the wrong length) sends the file, or the rest of
it, through Python's ``csv`` module, which finds the exact line and column, or reads
what pandas would not (``1_000``). Both count the same rows: blank lines are skipped.

Memory: numbers go straight into one float64 array, reserved (not touched) for the most
rows the limit allows, so a table never needs much more than the array it becomes plus
the parts or the chunk being read. ``max_bytes`` bounds what the table holds once read:
8 bytes a number, a text cell its length plus ~60 bytes; it is checked before each
chunk is kept, and estimated from the first rows of a plain file before anything is
read.
"""

from __future__ import annotations

import gzip
import io
import math
import mmap
import os
import queue
import threading
import warnings
import zlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from nnstudio.datasets import csv_parts
from nnstudio.datasets.delimited import (
    Layout,
    check_widths,
    count_lines,
    data_rows,
    mib,
    open_bytes,
    ragged,
    row_at,
)
from nnstudio.datasets.progress import ReadProgress
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
        self.staging: np.ndarray | None = None
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

    def _pandas(self, file, na_filter: bool, header: bool | None = None, **options):
        """pandas' reader of ``file`` (the layout's bytes); with ``na_filter`` it marks
        missing cells NaN, else a number column with a missing cell reads as text
        (converted cell by cell). ``header``: whether ``file`` starts with the layout's
        header line (by default, if the layout has one)."""
        import pandas as pd

        layout = self.layout
        header = layout.header if header is None else header
        if int(pd.__version__.split(".")[0]) < 3:
            options["float_precision"] = "round_trip"  # pandas 3's default is exact
        return pd.read_csv(
            file,
            sep=layout.delimiter,
            header=0 if header else None,
            names=list(range(layout.width)),
            index_col=False,
            dtype={c: object for c in self.text_columns},
            keep_default_na=False,
            na_filter=na_filter,
            na_values={c: list(self.missing) for c in range(layout.width)},
            skip_blank_lines=True,
            encoding="utf-8",
            engine="c",
            **options,
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
                texts = self._read_parts(path, na_filter=self._sample_has_missing_numbers())
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
        cut: pandas then parses it on every core itself, given its path), and write each
        into its rows once the parts before it are counted. A core never waits for a
        count: parsing comes first, and each part's rows are written in two halves, so
        both cores keep busy to the end (waiting for the part before it left a core idle
        up to 0.15 s a part). Returns each part's text columns, in file order; raises the
        first refusal in file order."""
        spans = csv_parts.cut(path, self.layout.header) or [None]
        numbers = self._reserve()  # pages are mapped as the parts are written
        n = len(spans)
        parsed: list = [None] * n  # (rows, number columns) of a part parsed, till written
        texts: list = [None] * n  # its text columns
        ends: list[int] = []  # the end row of each part counted, in file order
        written = [0] * n  # halves written
        errors: dict[tuple[int, int], BaseException] = {}  # (part, half; -1: parsing)
        tasks: queue.PriorityQueue = queue.PriorityQueue()  # (kind, part, half), in order
        results: queue.SimpleQueue = queue.SimpleQueue()  # the tasks done, for progress
        STOP, PARSE, WRITE = -1, 0, 1
        lock = threading.Lock()
        state = {"queued": n, "halted": False}  # halted: a refusal; count no more parts

        def parse(k: int) -> None:
            if spans[k] is None:
                frame = self._pandas(str(path), na_filter=na_filter)
            else:
                data = io.BytesIO(csv_parts.read(path, spans[k]))
                frame = self._pandas(data, na_filter, header=False, low_memory=False)
            texts[k] = [self._texts_of(frame[c]) for c in self.text_columns]
            parsed[k] = (len(frame), [frame[c].to_numpy() for c in self.number_columns])

        def write(k: int, half: int) -> None:
            first, end = (ends[k - 1] if k else 0), ends[k]
            middle = (first + end) // 2
            start, stop = (first, middle) if half == 0 else (middle, end)
            columns = [
                self._column(values[start - first : stop - first], c, start)
                for c, values in zip(self.number_columns, parsed[k][1])
            ]
            _rows_from_columns(columns, numbers[start:stop], halves=False)

        def count() -> None:
            """Count the parts parsed, in file order, and queue their writes (locked)."""
            while not state["halted"] and len(ends) < n and parsed[len(ends)]:
                j = len(ends)
                ends.append((ends[-1] if ends else 0) + parsed[j][0])
                if ends[j] > len(numbers):
                    errors[(j, -1)] = self._capacity_error(ends[j])
                    state["halted"] = True
                    return
                tasks.put((WRITE, j, 0))
                tasks.put((WRITE, j, 1))
                state["queued"] += 2

        def work() -> None:
            while True:
                kind, k, half = tasks.get()
                if kind == STOP:
                    return
                try:
                    if not (kind == PARSE and (state["halted"] or errors)):
                        write(k, half) if kind == WRITE else parse(k)
                    exc = None
                except BaseException as error:  # raised in file order, when all is done
                    exc = error
                with lock:
                    if exc is not None:  # the writes queued still run: one may fail earlier
                        errors[(k, half if kind == WRITE else -1)] = exc
                        state["halted"] = state["halted"] or kind == WRITE
                    if kind == WRITE:
                        written[k] += 1
                        if written[k] == 2:
                            parsed[k] = None  # its columns are freed
                    else:
                        count()  # before this core takes its next task
                results.put((kind, k))

        progress = self.progress
        if progress:
            progress.begin(f"Parsing {path.name}", self.layout.size)
        workers = max(1, min(2 * n, os.cpu_count() or 1))
        pool = ThreadPoolExecutor(workers)
        for k in range(n):
            tasks.put((PARSE, k, 0))
        try:
            for _ in range(workers):
                pool.submit(work)
            done = 0
            while done < state["queued"]:  # each task queued is counted before it is done
                kind, k = results.get()
                done += 1
                if progress and kind == PARSE:
                    span = spans[k] or (0, self.layout.size)
                    progress.done += span[1] - span[0]
                    progress.check()
            if errors:
                raise errors[min(errors)]
        finally:
            for _ in range(workers):
                tasks.put((STOP, 0, 0))  # before any task still queued
            pool.shutdown()
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

    def _sample_has_missing_numbers(self) -> bool:
        missing, columns = set(self.missing), self.number_columns
        for row in self.sample:
            cells = [row[c].strip() for c in columns if c < len(row)]
            if not missing.isdisjoint(cells):
                return True
        return False

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
        out = np.empty(len(values))
        missing = set(self.missing)
        for row, cell in enumerate(values.astype(object)):
            if isinstance(cell, str):
                cell = cell.strip()
                if cell in missing:
                    out[row] = math.nan
                    self.numbers_missing = True
                    continue
                try:
                    value = float(cell)
                except ValueError:
                    self._refuse_cell(first + row, column)
            elif cell is None or (isinstance(cell, float) and math.isnan(cell)):
                out[row] = math.nan  # missing: pandas' NaN
                self.numbers_missing = True
                continue
            elif isinstance(cell, (bool, np.bool_)):
                self._refuse_cell(first + row, column)
            else:
                value = float(cell)
            if not math.isfinite(value):
                self._refuse_cell(first + row, column)
            out[row] = value
        return out

    def _refuse_cell(self, row: int, column: int) -> None:
        """Raise the message Python's reading gives for data row ``row``'s cell."""
        line, cells = row_at(self.layout, row)
        self._number(cells[column], line, column)
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
        _rows_from_columns(columns, self.numbers[self.n_rows : self.n_rows + rows])
        return True

    def _texts_of(self, column) -> tuple[np.ndarray, int]:
        """Stripped cells (None where missing) and the bytes of their text."""
        missing, size = set(self.missing), 0
        values = column.to_numpy(dtype=object, copy=True)
        for k, cell in enumerate(values):
            if isinstance(cell, str):
                cell = cell.strip()
                if cell not in missing:
                    values[k] = cell
                    size += len(cell)
                    continue
            values[k] = None  # missing, or NaN: pandas' own mark of it
        return values, size

    # Python's csv: exact --------------------------------------------------------------

    def _read_exact(self, start: int) -> None:
        """Read the data rows from ``start`` on with Python, checking every cell."""
        layout = self.layout
        numbers: list[list[float]] = []
        texts: dict[int, list] = {c: [] for c in self.text_columns}
        block = max(256, 100_000 // layout.width)
        for index, (line, row) in enumerate(data_rows(layout, self.progress)):
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
                self.texts[c].append(objects(values))
            self.n_rows += rows
        numbers.clear()
        for values in texts.values():
            values.clear()

    def _number(self, cell: str, line: int, column: int) -> float:
        cell = cell.strip()
        if cell in self.missing:
            self.numbers_missing = True
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


# rows written a tile at a time: a tile's columns are stacked into a buffer (contiguous
# runs, in cache) and its rows written from the buffer TILE_COLUMNS columns at a time
TILE_ROWS, TILE_COLUMNS = 2048, 64


def _rows_from_columns(columns: list[np.ndarray], out: np.ndarray, halves: bool = True) -> None:
    """Write columns (each contiguous) into the rows of ``out`` (row-major), tile by tile;
    with ``halves``, the two halves of the rows on two threads (NumPy copies without the
    GIL). MNIST's 47 million values: 0.25 s on one thread, where a row-major stack of the
    columns took 0.54 s."""
    if not columns:
        return

    def write(first: int, end: int) -> None:
        buffer = np.empty((len(columns), min(TILE_ROWS, end - first)))
        for start in range(first, end, TILE_ROWS):
            stop = min(start + TILE_ROWS, end)
            tile = buffer[:, : stop - start]
            np.stack([c[start:stop] for c in columns], out=tile)
            rows = out[start:stop]
            for j in range(0, len(columns), TILE_COLUMNS):
                rows[:, j : j + TILE_COLUMNS] = tile[j : j + TILE_COLUMNS].T

    if not halves or len(out) < 2 * TILE_ROWS:
        write(0, len(out))
        return
    half = len(out) // 2
    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(write, 0, half), pool.submit(write, half, len(out))]:
            done.result()


def reserve(rows: int, columns: int) -> np.ndarray:
    """An uninitialised (rows, columns) float64 array in a private memory map.

    Its pages are mapped when first written (by the threads writing the rows). NumPy's
    own large arrays ask the kernel for huge pages; where it must first compact memory
    to find them, writing 400 MB took 0.6-1.3 s instead of 0.15-0.3 s on this project's machines.
    """
    size = rows * columns * 8
    if size == 0 or os.name != "posix":
        return np.empty((rows, columns))
    flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
    return np.frombuffer(mmap.mmap(-1, size, flags=flags), dtype=np.float64).reshape(rows, columns)


def objects(values) -> np.ndarray:
    """A 1-D object array of ``values`` (NumPy would make rows of equal-length lists)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array
