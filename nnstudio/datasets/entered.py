"""Data typed, pasted or drawn by hand: small tables of text cells and points on a plane.

columns, rows = parse_pasted("x1\\tx2\\ty\\n0\\t0\\t0\\n0\\t1\\t0\\n1\\t0\\t0\\n1\\t1\\t1")
data = from_rows(columns, rows, label_column=2)   # AND, 4 samples, 2 classes
data = from_points([[0.5, 1.0], [-1.0, 0.2]], [0, 1])
"""

from __future__ import annotations

import csv
import math
from dataclasses import replace

import numpy as np

from nnstudio.datasets.dataset import CLASSIFICATION, REGRESSION, Dataset
from nnstudio.datasets.labels import MAX_AUTO_CLASSES
from nnstudio.errors import DataError

MAX_CELLS = 1_000_000  # what a table typed or pasted in the studio may hold
DRAWN = "drawn"  # the name of the points drawn on the plane (trained on unscaled)
DRAWN_CLASSES = ("A", "B")
DRAWN_ABOUT = (
    "Points drawn on the decision plane: with 'draw points' on, click adds one of class "
    "A, Shift+click class B (or, drawing values, one of the value set), right-click "
    "removes the nearest."
)


def parse_pasted(text: str) -> tuple[list[str] | None, list[list[str]]]:
    """Rows of cells from text copied out of a spreadsheet (tab-separated) or a CSV
    (comma- or semicolon-separated), and the column names if the first row is a header
    (text above numbers)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DataError("nothing to paste: the clipboard holds no rows")
    delimiter = max(("\t", ",", ";"), key=lambda d: sum(line.count(d) for line in lines))
    rows = [[cell.strip() for cell in row] for row in csv.reader(lines, delimiter=delimiter)]
    header = None
    if len(rows) > 1 and not any(_number(c) is not None for c in rows[0]):
        if any(_number(c) is not None for c in rows[1]):
            header, rows = rows[0], rows[1:]
    return header, rows


def from_rows(
    columns: list[str],
    rows: list[list[str]],
    label_column: int,
    task: str | None = None,
    name: str = "table",
) -> Dataset:
    """A dataset from a table of text cells: every column but ``label_column`` is a
    numeric feature; the label column holds classes (text, or up to 50 whole numbers) or,
    with ``task="regression"`` (or many distinct numbers), targets. Empty rows are
    skipped; a bad cell is refused naming its row and column."""
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    width = len(columns)
    if not rows:
        raise DataError(f"{name}: the table has no rows")
    if width < 2:
        raise DataError(f"{name}: a table needs a label column and at least one feature")
    if len(rows) * width > MAX_CELLS:
        raise DataError(f"{name}: {len(rows) * width:,} cells; at most {MAX_CELLS:,} fit")
    if not 0 <= label_column < width:
        raise DataError(f"{name}: there is no column {label_column + 1} to take labels from")
    for i, row in enumerate(rows, 1):
        if len(row) != width:
            raise DataError(f"{name}: row {i} has {len(row)} cells; the table has {width}")
    features = [c for c in range(width) if c != label_column]
    X = np.array(
        [[_cell(row[c], i, columns[c], name) for c in features] for i, row in enumerate(rows, 1)]
    )
    labels = [row[label_column].strip() for row in rows]
    for i, label in enumerate(labels, 1):
        if not label:
            raise DataError(f"{name}: row {i} has no {columns[label_column]!r} (its label)")
    feature_names = tuple(columns[c] for c in features)
    data = _labelled(X, labels, feature_names, task, columns[label_column], name)
    about = (
        f"A table typed or pasted in: {columns[label_column]!r} from {', '.join(feature_names)}."
    )
    return replace(data, description=about)


def from_points(points, labels, task: str = CLASSIFICATION, name: str = DRAWN) -> Dataset:
    """Points drawn on the plane: (n, 2) coordinates with a class (0 or 1, shown as
    ``DRAWN_CLASSES``) or, for regression, a value each."""
    X = np.asarray(points, dtype=float).reshape(-1, 2)
    y = np.asarray(labels, dtype=float).reshape(-1)
    if len(X) != len(y) or not np.isfinite(X).all() or not np.isfinite(y).all():
        raise DataError(f"{name}: every point needs finite coordinates and a label")
    if task == CLASSIFICATION:
        if not np.isin(y, (0, 1)).all():
            raise DataError(f"{name}: drawn points are of class 0 or 1")
        return Dataset(X, y.astype(np.int64), task, ("x", "y"), DRAWN_CLASSES, name, DRAWN_ABOUT)
    return Dataset(X, y, REGRESSION, ("x", "y"), None, name, DRAWN_ABOUT)


def with_point(
    data: Dataset | None, x: float, y: float, label, task: str = CLASSIFICATION, name=DRAWN
) -> Dataset:
    """Drawn ``data`` with one more point: a class (0 or 1) or, for ``task``
    regression, a value. Drawn data of the other task (or None) starts again from it."""
    if data is None or data.task != task:
        return from_points([[x, y]], [label], task, name)
    return from_points(np.r_[data.X, [[x, y]]], np.r_[data.y, [label]], task, name)


def without_nearest(data: Dataset, x: float, y: float) -> Dataset:
    """Drawn ``data`` without the point nearest to (x, y); refused for the last one."""
    if data.n_samples <= 1:
        raise DataError(f"{data.name}: the last point stays (a dataset needs one)")
    keep = np.ones(data.n_samples, bool)
    keep[np.argmin(np.hypot(*(data.X - [x, y]).T))] = False
    return from_points(data.X[keep], data.y[keep], data.task, data.name)


def _labelled(X, labels, feature_names, task, label_name, name) -> Dataset:
    numbers = [_number(label) for label in labels]
    numeric = all(n is not None for n in numbers)
    if task is None:
        whole = numeric and all(float(n).is_integer() for n in numbers)
        few = len(set(numbers)) <= MAX_AUTO_CLASSES  # the rule of a file's labels
        task = CLASSIFICATION if not numeric or (whole and few) else REGRESSION
    if task == REGRESSION:
        if not numeric:
            row = next(i for i, n in enumerate(numbers, 1) if n is None)
            raise DataError(
                f"{name}: row {row}'s {label_name!r} is {labels[row - 1]!r}, not a number; "
                "a regression target must be one (or choose classification)"
            )
        return Dataset(X, np.array(numbers, dtype=float), REGRESSION, feature_names, None, name)
    keys = sorted(set(numbers)) if numeric else sorted(set(labels))
    classes = tuple(_class_name(k) for k in keys)
    index = {k: i for i, k in enumerate(keys)}
    y = np.array([index[n if numeric else label] for n, label in zip(numbers, labels)])
    return Dataset(X, y, CLASSIFICATION, feature_names, classes, name)


def _class_name(key) -> str:
    return f"{key:g}" if isinstance(key, float) else str(key)


def _cell(text: str, row: int, column: str, name: str) -> float:
    value = _number(text)
    if value is None:
        shown = text.strip() or "empty"
        raise DataError(
            f"{name}: row {row}, column {column!r} is {shown!r}, not a number; "
            "features must be numbers"
        )
    return value


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
