"""A table's label cells as training targets: classes or regression values."""

from __future__ import annotations

import numpy as np

from nnstudio.datasets.dataset import CLASSIFICATION, REGRESSION
from nnstudio.datasets.delimited import is_number
from nnstudio.errors import DataError

MAX_AUTO_CLASSES = 50  # whole-number labels with at most this many values are classes
MAX_CLASSES = 1000


def _as_numbers(labels) -> np.ndarray | None:
    """The labels as float64, or None if one is not a number."""
    try:
        return np.asarray(labels, dtype=object).astype(np.float64)
    except (TypeError, ValueError):
        return None


def numeric_keys(cells) -> list[str]:
    """Class names of numeric labels, as training named them ("1", "2.5")."""
    out = []
    for c in cells:
        try:
            out.append(f"{float(c):g}")
        except (TypeError, ValueError):
            out.append(c)
    return out


def regression_targets(cells, name: str | None, locate) -> np.ndarray:
    """The labels as regression targets; refused (naming the column ``name`` if
    given) unless every one is a finite number."""
    values = _as_numbers(cells)
    if values is None:
        bad = next(i for i, v in enumerate(cells) if not is_number(v))
        column = f" in column {name!r}" if name is not None else ""
        raise DataError(
            f"{locate(bad)}: label {cells[bad]!r}{column} is not a number "
            "(regression needs numeric targets)"
        )
    if not np.isfinite(values).all():
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise DataError(f"{locate(bad)}: label {cells[bad]!r} is not a finite number")
    return values


def targets(labels, task: str | None, label_name: str, file: str, locate):
    """(task, y, class names, whether the classes are numbers) from label strings;
    ``locate(row)`` names a row in errors.

    By default non-numeric labels, or whole numbers with at most 50 distinct values,
    are classes (named in numeric order, "2" before "10"); anything else is regression.
    """
    for k, value in enumerate(labels):
        if not value:
            raise DataError(f"{locate(k)}: the label ({label_name!r}) is empty")
    values = _as_numbers(labels)
    if task is None:
        task = REGRESSION
        if values is None:
            task = CLASSIFICATION
        elif (
            np.isfinite(values).all()
            and np.all(values == np.round(values))
            and len(np.unique(values)) <= MAX_AUTO_CLASSES
        ):
            task = CLASSIFICATION
    if task not in (CLASSIFICATION, REGRESSION):
        raise DataError(f"task must be {CLASSIFICATION} or {REGRESSION}, got {task!r}")
    if task == REGRESSION:
        return REGRESSION, regression_targets(labels, None, locate), None, False
    if values is not None:
        unique = np.unique(values)
        class_names = tuple(f"{v:g}" for v in unique)
        y = np.searchsorted(unique, values).astype(np.int64)
    else:
        strings = np.asarray(labels, dtype=object).astype(str)
        unique, y = np.unique(strings, return_inverse=True)
        class_names = tuple(str(u) for u in unique)
        y = y.astype(np.int64).reshape(-1)
    if len(class_names) < 2:
        raise DataError(
            f"{file}: the label column {label_name!r} holds one class only "
            f"({class_names[0]!r}); a classifier needs at least two"
        )
    if len(class_names) > MAX_CLASSES:
        raise DataError(
            f"{file}: the label column {label_name!r} holds {len(class_names):,} different "
            f"values, more than the {MAX_CLASSES:,} classes nnstudio trains; choose another "
            "label column, or task='regression' for numeric targets"
        )
    return CLASSIFICATION, y, class_names, values is not None
