"""How to import a table: the choices the import dialog shows and a project stores."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from nnstudio.datasets.dataset import CLASSIFICATION, REGRESSION
from nnstudio.errors import DataError

AUTO = "auto"
TASKS = (AUTO, CLASSIFICATION, REGRESSION)
REFUSE, DROP, MEAN = "refuse", "drop", "mean"
MISSING_CHOICES = (REFUSE, DROP, MEAN)
MAX_VOCABULARY = 100_000

Column = int | str


def _columns(value, what: str, allow_none: bool = False) -> tuple[Column, ...] | None:
    if value is None and allow_none:
        return None
    if isinstance(value, (str, int, np.integer)) and not isinstance(value, bool):
        value = (value,)
    if isinstance(value, (bytes, dict)) or not hasattr(value, "__iter__"):
        raise DataError(f"{what} must be a list of column names or numbers, got {value!r}")
    value = tuple(int(c) if isinstance(c, np.integer) else c for c in value)
    for column in value:
        if isinstance(column, bool) or not isinstance(column, (str, int)):
            raise DataError(f"{what}: {column!r} is neither a column name nor a column number")
    if len(set(value)) != len(value):
        raise DataError(f"{what} names a column twice: {list(value)}")
    return tuple(value)


def column_index(column: Column, names: list[str], file: str) -> int:
    if isinstance(column, str):
        if column in names:
            return names.index(column)
        raise DataError(f"{file} has no column {column!r}; its columns are: {', '.join(names)}")
    if isinstance(column, (int, np.integer)) and -len(names) <= column < len(names):
        return int(column) % len(names)
    raise DataError(f"{file} has {len(names)} columns; column {column!r} does not exist")


@dataclass(frozen=True)
class TableImport:
    """How to import a table: which columns are labels and features, the task, what to do
    with missing values, and how text features become numbers.

    ``label_columns``: one column (classification or regression) or several (numeric
    targets: multi-output regression); names or numbers from 0, negative from the end.
    ``feature_columns``: default every other column. ``task``: "auto" (text labels, or
    whole numbers with at most 50 values, are classes), "classification", "regression".
    ``missing``: "refuse" (the default: the message names the line and column), "drop"
    (rows with a missing value) or "mean" (a missing input becomes its column's mean; a
    missing label is refused). Missing is an empty cell or NA, N/A, NaN, null, ?.
    ``categorical``: text feature columns one-hot encoded (features ``colour=red``);
    ``text``: free-text feature columns as bag-of-words counts of the
    ``vocabulary_size`` most frequent lowercase words (features ``word:great``).
    ``delimiter``, ``header``: detected when None.
    """

    label_columns: tuple[Column, ...] = (-1,)
    feature_columns: tuple[Column, ...] | None = None
    task: str = AUTO
    missing: str = REFUSE
    categorical: tuple[Column, ...] = ()
    text: tuple[Column, ...] = ()
    vocabulary_size: int = 1000
    delimiter: str | None = None
    header: bool | None = None

    def __post_init__(self):
        labels = _columns(self.label_columns, "label_columns")
        if not labels:
            raise DataError("label_columns is empty: choose the column(s) to predict")
        set_ = object.__setattr__
        set_(self, "label_columns", labels)
        set_(self, "feature_columns", _columns(self.feature_columns, "feature_columns", True))
        set_(self, "categorical", _columns(self.categorical, "categorical"))
        set_(self, "text", _columns(self.text, "text"))
        set_(self, "task", AUTO if self.task is None else self.task)
        if self.task not in TASKS:
            raise DataError(f"task must be one of {', '.join(TASKS)}, got {self.task!r}")
        if self.missing not in MISSING_CHOICES:
            raise DataError(
                f"missing must be one of {', '.join(MISSING_CHOICES)}, got {self.missing!r}"
            )
        size = self.vocabulary_size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_VOCABULARY:
            raise DataError(
                f"vocabulary_size must be a whole number from 1 to {MAX_VOCABULARY:,}, got {size!r}"
            )
        if self.delimiter is not None and (
            not isinstance(self.delimiter, str) or len(self.delimiter) != 1
        ):
            raise DataError(f"delimiter must be one character, got {self.delimiter!r}")
        if self.header is not None and not isinstance(self.header, bool):
            raise DataError(f"header must be true, false or unset, got {self.header!r}")
        both = set(self.categorical) & set(self.text)
        if both:
            raise DataError(
                f"column {sorted(both, key=str)[0]!r} is both categorical and text; choose one"
            )

    def to_dict(self) -> dict:
        """Plain JSON-ready values (lists for tuples)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data) -> TableImport:
        """The options :meth:`to_dict` gave; unknown keys are refused."""
        if not isinstance(data, dict):
            raise DataError(f"table import options must be a mapping, got {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise DataError(
                f"unknown table import option(s): {', '.join(map(str, unknown))}; "
                f"known: {', '.join(sorted(known))}"
            )
        return cls(**data)
