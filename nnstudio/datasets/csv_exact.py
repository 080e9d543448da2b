"""A delimited table's data rows read with Python's ``csv``, every cell checked.

The reader's exact path: where pandas cannot vouch for a file, or the rest of it, these
rows name the line and column of the first bad cell, and read what pandas would not
(``1_000``, a first row longer than the header). Both count the same rows: blank lines
are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from nnstudio.datasets.delimited import Layout, data_rows, ragged
from nnstudio.datasets.progress import ReadProgress
from nnstudio.datasets.row_arrays import objects
from nnstudio.errors import DataError


def number(layout: Layout, cell: str, line: int, column: int, missing, hint: str = "") -> float:
    """A number column's cell: NaN where it is in ``missing`` (after stripping spaces),
    else a finite number; anything else is refused, ``hint`` added to the message."""
    cell = cell.strip()
    if cell in missing:
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        raise DataError(
            f"{layout.where(line, column)}: {cell[:40]!r} is not a number{hint}"
        ) from None
    if not math.isfinite(value):
        raise DataError(f"{layout.where(line, column)}: {cell!r} is not a finite number")
    return value


def blocks(
    layout: Layout,
    start: int,
    number_columns: tuple[int, ...],
    text_columns: tuple[int, ...],
    missing: tuple[str, ...],
    hint: str = "",
    progress: ReadProgress | None = None,
) -> Iterator[tuple[np.ndarray, dict[int, np.ndarray], int]]:
    """The data rows from ``start`` on, a block of ~100,000 cells at a time: the number
    columns' values (rows, k) float64, each text column's stripped cells (None where
    missing) and the bytes of their text. A row of the wrong length is refused."""
    numbers: list[list[float]] = []
    texts: dict[int, list] = {c: [] for c in text_columns}
    size = 0
    block = max(256, 100_000 // layout.width)
    for index, (line, row) in enumerate(data_rows(layout, progress)):
        if index < start:
            continue
        if len(row) != layout.width:
            raise ragged(layout, line, row)
        numbers.append([number(layout, row[c], line, c, missing, hint) for c in number_columns])
        for c in text_columns:
            cell = row[c].strip()
            if cell in missing:
                texts[c].append(None)
            else:
                texts[c].append(cell)
                size += len(cell)
        if len(numbers) == block:
            yield _block(numbers, texts, size)
            numbers, texts, size = [], {c: [] for c in text_columns}, 0
    if numbers:
        yield _block(numbers, texts, size)


def _block(numbers: list, texts: dict[int, list], size: int):
    values = np.array(numbers, dtype=np.float64).reshape(len(numbers), -1)
    return values, {c: objects(cells) for c, cells in texts.items()}, size


def converted(values: np.ndarray, missing) -> tuple[np.ndarray, int | None]:
    """A column pandas read as text, True/False or with inf, converted cell by cell as
    :func:`number` reads a cell (NaN where missing, pandas' NaN too): the values, and the
    first row holding something else (None if none)."""
    out = np.empty(len(values))
    missing = set(missing)
    for row, cell in enumerate(values.astype(object)):
        if isinstance(cell, str):
            cell = cell.strip()
            if cell in missing:
                out[row] = math.nan
                continue
            try:
                value = float(cell)
            except ValueError:
                return out, row
        elif cell is None or (isinstance(cell, float) and math.isnan(cell)):
            out[row] = math.nan  # missing: pandas' NaN
            continue
        elif isinstance(cell, (bool, np.bool_)):
            return out, row
        else:
            value = float(cell)
        if not math.isfinite(value):
            return out, row
        out[row] = value
    return out, None


def stripped(values: np.ndarray, missing) -> tuple[np.ndarray, int]:
    """A text column's cells (an object array, changed in place) stripped, None where
    missing (or pandas' NaN), and the bytes of their text."""
    missing, size = set(missing), 0
    for k, cell in enumerate(values):
        if isinstance(cell, str):
            cell = cell.strip()
            if cell not in missing:
                values[k] = cell
                size += len(cell)
                continue
        values[k] = None  # missing, or NaN: pandas' own mark of it
    return values, size


def any_missing(rows: list[list[str]], columns: tuple[int, ...], missing) -> bool:
    """Whether a cell of ``columns`` in ``rows`` is missing (after stripping spaces)."""
    missing = set(missing)
    for row in rows:
        if not missing.isdisjoint(row[c].strip() for c in columns if c < len(row)):
            return True
    return False
