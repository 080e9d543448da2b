"""Importing a table (CSV/TSV, plain or gzip) with explicit choices: what the studio's
import dialog shows and stores.

preview = preview_table("reviews.csv")           # names, first rows, kind of each column
options = preview.suggested_import()               # or TableImport(label_columns=("mood",), ...)
train = load_table("reviews.csv", options)         # .dataset, .encoding
test = load_table("reviews_test.csv", options, encoding=train.encoding)

A test file is encoded like its training file (the same categories, words, class names,
means); one whose columns differ, or whose labels hold a class the training file has not,
is refused. Every refusal names the file, the line or column, and what to do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnstudio.datasets import csv_reader, delimited
from nnstudio.datasets.csv_reader import MAX_BYTES, MISSING, NUMBER, TEXT
from nnstudio.datasets.dataset import CLASSIFICATION, REGRESSION, Dataset
from nnstudio.datasets.delimited import Layout, mib
from nnstudio.datasets.labels import numeric_keys, regression_targets, targets
from nnstudio.datasets.progress import ReadProgress
from nnstudio.datasets.table_encoding import (
    ENCODE_CATEGORY,
    ENCODE_NUMBER,
    ENCODE_WORDS,
    ColumnEncoding,
    TableEncoding,
    bag_of_words,
    one_hot,
    words,
)
from nnstudio.datasets.table_options import AUTO, DROP, MEAN, REFUSE, TableImport, column_index
from nnstudio.datasets.table_preview import TablePreview, preview_table
from nnstudio.errors import DataError
from nnstudio.limits import limit_text

__all__ = [
    "ImportedTable",
    "TableEncoding",
    "TableImport",
    "TablePreview",
    "load_table",
    "preview_table",
]

MAX_CATEGORIES = 1000
_MISSING_HELP = (
    "Fill it in, or import with missing values dropped (missing='drop') or filled with the "
    "column mean (missing='mean')"
)


@dataclass(frozen=True)
class ImportedTable:
    """A table imported: the dataset, the encoding (for a test file) and the rows dropped
    for missing values."""

    dataset: Dataset
    encoding: TableEncoding
    dropped_rows: int = 0
    filled_values: int = 0
    options: TableImport = field(default_factory=TableImport)


def load_table(
    path,
    options: TableImport | None = None,
    *,
    encoding: TableEncoding | None = None,
    max_bytes: int = MAX_BYTES,
    progress: ReadProgress | None = None,
) -> ImportedTable:
    """Import a CSV/TSV file (plain or gzip) as ``options`` say.

    With ``encoding`` (a training file's ``ImportedTable.encoding``) the file is a test
    file: encoded with the training file's categories, words, class names and means, and
    refused when its columns differ or a label is a class the training file has not.
    ``max_bytes`` bounds the memory the table takes once read (8 bytes a number; see
    ``csv_reader``) and the inputs it becomes; nothing is kept if anything is refused.
    ``progress`` (a :class:`ReadProgress`) follows the reading, and can cancel it.
    """
    return _load(path, options or TableImport(), encoding, max_bytes, False, progress)


def _load(path, options, encoding, max_bytes, strict: bool, progress=None) -> ImportedTable:
    """``strict``: ``load_csv``'s rules (only an empty cell is missing, and refused)."""
    layout, sample, _ = delimited.sniff(Path(path), options.delimiter, options.header)
    plan = _plan(layout, options) if encoding is None else _plan_from(layout, encoding)
    read = _Import(layout, sample, options, plan, encoding, max_bytes, strict)
    return read.run(progress)


@dataclass(frozen=True)
class _Plan:
    """Column indices in the file being read: labels, and features with their encoding."""

    labels: tuple[int, ...]
    features: tuple[tuple[int, str], ...]  # (index, ENCODE_*)
    names: tuple[str, ...]  # the columns' names as the encoding knows them


def _plan(layout: Layout, options: TableImport) -> _Plan:
    names, file = list(layout.names), layout.path.name

    def index(c):
        return column_index(c, names, file)

    labels = tuple(index(c) for c in options.label_columns)
    if len(set(labels)) != len(labels):
        raise DataError(f"{file}: label_columns names the same column twice")
    if options.feature_columns is None:
        features = [i for i in range(layout.width) if i not in labels]
    else:
        features = [index(c) for c in options.feature_columns]
        if len(set(features)) != len(features):
            raise DataError(f"{file}: feature_columns names the same column twice")
    if not features:
        raise DataError(f"{file} has no feature columns besides the label column")
    for i in features:
        if i in labels:
            raise DataError(f"{file}: the label column {names[i]!r} cannot also be a feature")
    encode = {i: ENCODE_NUMBER for i in features}
    for key, kind in ((options.categorical, ENCODE_CATEGORY), (options.text, ENCODE_WORDS)):
        for c in key:
            i = index(c)
            if i not in encode:
                raise DataError(
                    f"{file}: column {names[i]!r} is marked "
                    f"{'categorical' if kind == ENCODE_CATEGORY else 'text'} but is not "
                    "a feature; add it to the features or unmark it"
                )
            encode[i] = kind
    return _Plan(labels, tuple((i, encode[i]) for i in features), layout.names)


def _plan_from(layout: Layout, encoding: TableEncoding) -> _Plan:
    """Where the training file's columns are in a test file, which must have the same."""
    file, train = layout.path.name, encoding.source
    if layout.header and encoding.header:
        missing = [c for c in encoding.columns if c not in layout.names]
        extra = [c for c in layout.names if c not in encoding.columns]
        if missing or extra:
            said = []
            if missing:
                said.append(f"it has no column {', '.join(map(repr, missing))}")
            if extra:
                said.append(f"its column {', '.join(map(repr, extra))} is not in {train}")
            raise DataError(
                f"{file}: its columns differ from the training file {train}'s: "
                f"{'; '.join(said)}. Give {file} the same columns as {train} "
                f"({', '.join(encoding.columns)})"
            )
        names = list(layout.names)
    else:
        if layout.width != len(encoding.columns):
            raise DataError(
                f"{file} has {layout.width} columns but the training file {train} has "
                f"{len(encoding.columns)} ({', '.join(encoding.columns)}); give {file} the "
                "same columns, in the same order"
            )
        names = list(encoding.columns)
    return _Plan(
        tuple(names.index(c) for c in encoding.labels),
        tuple((names.index(f.column), f.encode) for f in encoding.features),
        tuple(names),
    )


class _Import:
    """One import: read the columns, handle missing values, encode, make the dataset."""

    def __init__(self, layout, sample, options, plan, encoding, max_bytes, strict):
        self.layout, self.sample, self.options = layout, sample, options
        self.plan, self.given, self.max_bytes = plan, encoding, max_bytes
        self.file, self.strict = layout.path.name, strict

    def run(self, progress: ReadProgress | None) -> ImportedTable:
        plan, layout = self.plan, self.layout
        columns = {i: (NUMBER if e == ENCODE_NUMBER else TEXT) for i, e in plan.features}
        columns.update({i: TEXT for i in plan.labels})
        last = layout.width - 1
        columns.setdefault(last, TEXT)  # a short row shows as a missing last cell
        if self.strict:
            hint = " (leave the column out with feature_columns, or import it as text)"
        else:
            hint = (
                "; the column holds text: import it as categorical (one-hot) or text "
                "(words), or leave it out of the features"
            )
        table = csv_reader.read_table(
            layout,
            columns,
            ("",) if self.strict else MISSING,
            self.max_bytes,
            hint,
            sample=self.sample,
            progress=progress,
        )
        if table.n_rows == 0:
            raise DataError(f"{self.file} has a header but no data rows")
        numbers = dict(zip(table.number_columns, table.numbers.T))
        if last in numbers:
            last_missing = table.numbers_missing and np.isnan(numbers[last]).any()
        else:
            last_missing = _is_none(table.texts[last]).any()
        if last_missing:
            delimited.check_widths(layout)  # a short row, or an empty last cell?
        missing = self._missing_rows(table, numbers)
        keep = None
        if missing.any():
            if self.options.missing == REFUSE:
                self._refuse_missing(table, numbers, int(np.argmax(missing)))
            if self.options.missing == DROP:
                keep = ~missing
                if not keep.any():
                    raise DataError(
                        f"{self.file}: every row has a missing value; with missing='drop' "
                        "no row is left. Fill the values in, or choose missing='mean'"
                    )
            else:
                self._refuse_missing_labels(table)
        rows = np.flatnonzero(keep) if keep is not None else None
        features, X, filled = self._features(table, numbers, rows)
        labels = [_take(table.texts[i], rows) for i in plan.labels]
        task, y, class_names, numeric = self._targets(labels, rows)
        encoding = TableEncoding(
            source=self.given.source if self.given else self.file,
            columns=self.given.columns if self.given else layout.names,
            header=self.given.header if self.given else layout.header,
            features=features,
            labels=tuple(layout.names[i] for i in plan.labels)
            if self.given is None
            else self.given.labels,
            task=task,
            class_names=class_names,
            numeric_classes=numeric,
        )
        dropped = 0 if keep is None else int((~keep).sum())
        notes = []
        if dropped:
            notes.append(f"{dropped:,} rows with missing values dropped")
        if filled:
            notes.append(f"{filled:,} missing values filled with column means")
        dataset = Dataset(
            X=X,
            y=y,
            task=task,
            feature_names=encoding.feature_names,
            class_names=class_names,
            name=_stem(layout.path),
            description=f"Loaded from {self.file}" + (f" ({'; '.join(notes)})" if notes else ""),
        )
        return ImportedTable(dataset, encoding, dropped, filled, self.options)

    # missing values ---------------------------------------------------------------------

    def _missing_rows(self, table, numbers) -> np.ndarray:
        missing = np.zeros(table.n_rows, dtype=bool)
        if table.numbers_missing:
            missing |= np.isnan(table.numbers).any(axis=1)
        for i, encode in self.plan.features:
            if encode != ENCODE_NUMBER:
                missing |= _is_none(table.texts[i])
        for i in self.plan.labels:
            missing |= _is_none(table.texts[i])
        return missing

    def _refuse_missing(self, table, numbers, row: int) -> None:
        line, cells = delimited.row_at(self.layout, row)
        features = [i for i, _ in self.plan.features]
        for i in features + list(self.plan.labels):
            value = numbers[i][row] if i in numbers else table.texts[i][row]
            if value is not None and not (isinstance(value, float) and np.isnan(value)):
                continue
            shown = cells[i].strip()
            if self.strict and i in features:
                raise DataError(
                    f"{self.layout.where(line, i)} is empty (missing values are not "
                    "supported: fill it in, or import the file with load_table, which "
                    "can drop such rows or fill in column means)"
                )
            if self.strict:
                raise DataError(
                    f"{self.file}, line {line}: the label ({self.layout.names[i]!r}) is empty"
                )
            what = "is empty" if not shown else f"holds {shown!r}"
            role = "the label is missing" if i in self.plan.labels else "a missing value"
            raise DataError(f"{self.layout.where(line, i)} {what}: {role}. {_MISSING_HELP}")

    def _refuse_missing_labels(self, table) -> None:
        for i in self.plan.labels:
            gone = _is_none(table.texts[i])
            if gone.any():
                line, _ = delimited.row_at(self.layout, int(np.argmax(gone)))
                raise DataError(
                    f"{self.layout.where(line, i)}: the label is missing and a label cannot be "
                    "filled with a mean; fill it in, or import with missing='drop'"
                )

    # features ---------------------------------------------------------------------------

    def _features(self, table, numbers, rows):
        """The encodings of the feature columns, X, and how many values were filled."""
        n = table.n_rows if rows is None else len(rows)
        given = {f.column: f for f in self.given.features} if self.given else {}
        encodings, blocks = [], []
        for i, encode in self.plan.features:
            name = self._name(i)
            if encode == ENCODE_NUMBER:
                values = numbers[i] if rows is None else numbers[i][rows]
                encodings.append(ColumnEncoding(name, ENCODE_NUMBER))
                blocks.append((values, None))
                continue
            cells = _take(table.texts[i], rows)
            known = given.get(name)
            if encode == ENCODE_CATEGORY:
                values = known.values if known else self._categories(i, cells)
            else:
                values = known.values if known else self._vocabulary(i, cells)
            encodings.append(ColumnEncoding(name, encode, values))
            blocks.append((cells, _is_none(cells)))
        width = sum(1 if e.encode == ENCODE_NUMBER else len(e.values) for e in encodings)
        if n * width * 8 > self.max_bytes:
            raise DataError(
                f"{self.file}: {n:,} rows × {width:,} inputs take {mib(n * width * 8)}, more "
                f"than {limit_text(self.max_bytes)}; use fewer categories or a smaller "
                "vocabulary, or leave out columns"
            )
        if all(e.encode == ENCODE_NUMBER for e in encodings) and rows is None:
            X = table.numbers  # already (n, features) in order: no copy
            if [c for c, _ in self.plan.features] != list(table.number_columns):
                X = np.column_stack([b for b, _ in blocks])
        else:
            X = np.empty((n, width))
            start = 0
            for e, (values, _) in zip(encodings, blocks):
                stop = start + (1 if e.encode == ENCODE_NUMBER else len(e.values))
                if e.encode == ENCODE_NUMBER:
                    X[:, start] = values
                elif e.encode == ENCODE_CATEGORY:
                    one_hot(values, e.values, X[:, start:stop])
                else:
                    bag_of_words(values, e.values, X[:, start:stop])
                start = stop
        filled = 0
        if self.options.missing == MEAN:
            gone = [np.isnan(v) if m is None else m for v, m in blocks]
            encodings, filled = self._fill(X, encodings, gone)
        elif self.given is not None:
            encodings = [
                ColumnEncoding(e.column, e.encode, e.values, given[e.column].fill)
                for e in encodings
            ]
        return tuple(encodings), X, filled

    def _fill(self, X, encodings, missing):
        """Missing inputs become the column's mean (the training file's for a test file)."""
        out, start, filled = [], 0, 0
        given = {f.column: f for f in self.given.features} if self.given else {}
        for e, gone in zip(encodings, missing):
            stop = start + (1 if e.encode == ENCODE_NUMBER else len(e.values))
            block = X[:, start:stop]
            if e.column in given and given[e.column].fill:
                means = np.array(given[e.column].fill)
            elif e.column in given:
                raise DataError(
                    f"{self.file}: column {e.column!r} has missing values but the training "
                    f"file {self.given.source} was imported without filling them; import "
                    "both with missing='mean' or fill the values in"
                )
            else:
                if gone.all():
                    raise DataError(
                        f"{self.file}: column {e.column!r} holds no values to take a mean "
                        "of; leave it out of the features"
                    )
                means = block[~gone].mean(axis=0)
            block[gone] = means
            filled += int(gone.sum())
            out.append(ColumnEncoding(e.column, e.encode, e.values, tuple(map(float, means))))
            start = stop
        return out, filled

    def _name(self, i: int) -> str:
        return self.plan.names[i]

    def _categories(self, i: int, cells: np.ndarray) -> tuple[str, ...]:
        values = tuple(sorted({c for c in cells if c is not None}))
        if not values:
            raise DataError(f"{self.file}: column {self._name(i)!r} holds no values")
        if len(values) > MAX_CATEGORIES:
            raise DataError(
                f"{self.file}: column {self._name(i)!r} holds {len(values):,} different values, "
                f"more than the {MAX_CATEGORIES:,} categories nnstudio one-hot encodes; "
                "import it as text (words) or leave it out"
            )
        return values

    def _vocabulary(self, i: int, cells: np.ndarray) -> tuple[str, ...]:
        counts = Counter()
        for text in cells:
            if text is not None:
                counts.update(set(words(text)))
        if not counts:
            raise DataError(f"{self.file}: column {self._name(i)!r} holds no words")
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(w for w, _ in ranked[: self.options.vocabulary_size])

    # labels -----------------------------------------------------------------------------

    def _locate(self, rows) -> Callable[[int], str]:
        def locate(k: int) -> str:
            row = k if rows is None else int(rows[k])
            line, _ = delimited.row_at(self.layout, row)
            return f"{self.file}, line {line}"

        return locate

    def _targets(self, labels: list[np.ndarray], rows):
        """(task, y, class names, numeric classes) from the label columns' cells."""
        locate = self._locate(rows)
        names = [self.layout.names[i] for i in self.plan.labels]
        if self.given is not None:
            return self._targets_like_training(labels, names, locate)
        task = None if self.options.task == AUTO else self.options.task
        if len(labels) > 1:
            if task == CLASSIFICATION:
                raise DataError(
                    f"{self.file}: several label columns ({', '.join(names)}) make a "
                    "multi-output regression; for classification choose one label column"
                )
            y = np.column_stack([regression_targets(v, n, locate) for v, n in zip(labels, names)])
            return REGRESSION, y, None, False
        return targets(labels[0], task, names[0], self.file, locate)

    def _targets_like_training(self, labels, names, locate):
        given = self.given
        if given.task == REGRESSION:
            y = [regression_targets(v, n, locate) for v, n in zip(labels, names)]
            return REGRESSION, (y[0] if len(y) == 1 else np.column_stack(y)), None, False
        cells, name = labels[0], names[0]
        keys = numeric_keys(cells) if given.numeric_classes else cells
        index = {c: k for k, c in enumerate(given.class_names)}
        y = np.empty(len(cells), dtype=np.int64)
        for k, key in enumerate(keys):
            found = index.get(key)
            if found is None:
                shown = cells[k]
                raise DataError(
                    f"{locate(k)}: the label {shown!r} in column {name!r} is a class the "
                    f"training file {given.source} does not have (its classes: "
                    f"{', '.join(given.class_names[:20])}"
                    f"{', …' if len(given.class_names) > 20 else ''}); remove those rows "
                    f"from {self.file} or add the class to {given.source}"
                )
            y[k] = found
        return CLASSIFICATION, y, given.class_names, given.numeric_classes


def _is_none(values: np.ndarray) -> np.ndarray:
    return np.equal(values, None)


def _take(values: np.ndarray, rows) -> np.ndarray:
    return values if rows is None else values[rows]


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz",):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return Path(name).stem or name
