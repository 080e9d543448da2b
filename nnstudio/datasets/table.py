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

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from nnstudio.datasets import csv_reader
from nnstudio.datasets.csv_reader import MAX_BYTES, MISSING, NUMBER, TEXT, Layout, mib
from nnstudio.datasets.dataset import CLASSIFICATION, REGRESSION, Dataset
from nnstudio.errors import DataError

AUTO = "auto"
TASKS = (AUTO, CLASSIFICATION, REGRESSION)
REFUSE, DROP, MEAN = "refuse", "drop", "mean"
MISSING_CHOICES = (REFUSE, DROP, MEAN)
# what a column holds, as the preview sees it
KIND_NUMBER, KIND_CATEGORY, KIND_TEXT, KIND_EMPTY = "number", "category", "text", "empty"
# how a feature column becomes inputs
ENCODE_NUMBER, ENCODE_CATEGORY, ENCODE_WORDS = "number", "category", "words"

MAX_AUTO_CLASSES = 50  # whole-number labels with at most this many values are classes
MAX_CLASSES = 1000
MAX_CATEGORIES = 1000
MAX_VOCABULARY = 100_000
_KIND_ROWS = 1000  # sample rows the preview judges each column's kind by
_CATEGORY_VALUES = 50  # at most this many distinct short values: a category
_CATEGORY_WORDS = 3  # a category's values are a few words at most
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_MISSING_HELP = (
    "Fill it in, or import with missing values dropped (missing='drop') or filled with the "
    "column mean (missing='mean')"
)

Column = int | str


def words(text: str) -> list[str]:
    """The lowercase word tokens of ``text`` (letters and digits; "don't" is one word)."""
    return _WORD.findall(text.lower())


# -- options --------------------------------------------------------------------------


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


# -- preview ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TablePreview:
    """The first rows of a table as text, and what each column seems to hold."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kinds: tuple[str, ...]  # KIND_NUMBER, KIND_CATEGORY, KIND_TEXT or KIND_EMPTY
    delimiter: str
    header: bool
    n_rows: int | None  # data lines, when cheap to count (None for a large .gz)

    def suggested_import(self, label_column: Column = -1) -> TableImport:
        """Options from the kinds: ``label_column`` is the label, empty columns are left
        out, categories are one-hot encoded and free text becomes words."""
        label = _index(label_column, list(self.columns), self.name)
        ref = (lambda i: self.columns[i]) if self.header else (lambda i: i)
        features = [i for i in range(len(self.columns)) if i != label]
        used = [i for i in features if self.kinds[i] != KIND_EMPTY]
        return TableImport(
            label_columns=(ref(label),),
            feature_columns=None if used == features else tuple(ref(i) for i in used),
            categorical=tuple(ref(i) for i in used if self.kinds[i] == KIND_CATEGORY),
            text=tuple(ref(i) for i in used if self.kinds[i] == KIND_TEXT),
            delimiter=self.delimiter,
            header=self.header,
        )


def preview_table(
    path, rows: int = 20, delimiter: str | None = None, header: bool | None = None
) -> TablePreview:
    """The column names, the first ``rows`` data rows as text and each column's kind
    (judged on up to 1,000 rows), with the delimiter and header detected (or as given)
    and the number of data lines when cheap to count. Reads about a MiB."""
    layout, sample, complete = csv_reader.sniff(Path(path), delimiter, header)
    judged = sample[:_KIND_ROWS]
    kinds = tuple(
        column_kind([row[c] for row in judged if c < len(row)]) for c in range(layout.width)
    )
    return TablePreview(
        name=layout.path.name,
        columns=layout.names,
        rows=tuple(tuple(row) for row in sample[: max(0, rows)]),
        kinds=kinds,
        delimiter=layout.delimiter,
        header=layout.header,
        n_rows=len(sample) if complete else csv_reader.count_lines(layout),
    )


def column_kind(cells: Sequence[str]) -> str:
    """ "number", "category" (a few distinct short values), "text" or "empty"."""
    values = [c.strip() for c in cells]
    values = [v for v in values if v not in MISSING]
    if not values:
        return KIND_EMPTY
    if all(csv_reader.is_number(v) for v in values):
        return KIND_NUMBER
    distinct = set(values)
    mean_words = sum(len(v.split()) for v in values) / len(values)
    if (
        mean_words <= _CATEGORY_WORDS
        and len(distinct) <= _CATEGORY_VALUES
        and len(distinct) < len(values)
    ):
        return KIND_CATEGORY
    return KIND_TEXT


# -- the encoding a training file defines ---------------------------------------------------


@dataclass(frozen=True)
class ColumnEncoding:
    """How one feature column becomes inputs: a number, one-hot ``values`` (categories)
    or counts of ``values`` (words); ``fill`` holds the training means (missing='mean')."""

    column: str
    encode: str
    values: tuple[str, ...] = ()
    fill: tuple[float, ...] = ()

    def feature_names(self, prefix_words: bool) -> tuple[str, ...]:
        if self.encode == ENCODE_NUMBER:
            return (self.column,)
        if self.encode == ENCODE_CATEGORY:
            return tuple(f"{self.column}={v}" for v in self.values)
        start = f"{self.column} word:" if prefix_words else "word:"
        return tuple(start + w for w in self.values)


@dataclass(frozen=True)
class TableEncoding:
    """What a training file fixed: its columns, how each feature is encoded, the labels'
    task and class names. A test file is read with it (``load_table(encoding=...)``)."""

    source: str  # the training file's name, for messages
    columns: tuple[str, ...]
    header: bool
    features: tuple[ColumnEncoding, ...]
    labels: tuple[str, ...]
    task: str
    class_names: tuple[str, ...] | None = None
    numeric_classes: bool = False

    @property
    def feature_names(self) -> tuple[str, ...]:
        several = sum(f.encode == ENCODE_WORDS for f in self.features) > 1
        return tuple(n for f in self.features for n in f.feature_names(several))

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "columns": list(self.columns),
            "header": self.header,
            "features": [
                {"column": f.column, "encode": f.encode, "values": list(f.values)}
                | ({"fill": list(f.fill)} if f.fill else {})
                for f in self.features
            ],
            "labels": list(self.labels),
            "task": self.task,
            "class_names": None if self.class_names is None else list(self.class_names),
            "numeric_classes": self.numeric_classes,
        }

    @classmethod
    def from_dict(cls, data) -> TableEncoding:
        try:
            features = tuple(
                ColumnEncoding(
                    column=str(f["column"]),
                    encode=f["encode"],
                    values=tuple(str(v) for v in f.get("values", ())),
                    fill=tuple(float(v) for v in f.get("fill", ())),
                )
                for f in data["features"]
            )
            encoding = cls(
                source=str(data["source"]),
                columns=tuple(str(c) for c in data["columns"]),
                header=bool(data["header"]),
                features=features,
                labels=tuple(str(c) for c in data["labels"]),
                task=data["task"],
                class_names=(
                    None
                    if data.get("class_names") is None
                    else tuple(str(c) for c in data["class_names"])
                ),
                numeric_classes=bool(data.get("numeric_classes", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"a stored table encoding is damaged ({exc!r})") from None
        bad = [f.column for f in features if f.encode not in _ENCODES]
        names = set(encoding.columns)
        if (
            bad
            or encoding.task not in (CLASSIFICATION, REGRESSION)
            or not {f.column for f in features} <= names
            or not set(encoding.labels) <= names
            or (encoding.task == CLASSIFICATION) != (encoding.class_names is not None)
        ):
            raise DataError("a stored table encoding is damaged (its columns do not agree)")
        return encoding


_ENCODES = (ENCODE_NUMBER, ENCODE_CATEGORY, ENCODE_WORDS)


@dataclass(frozen=True)
class ImportedTable:
    """A table imported: the dataset, the encoding (for a test file) and the rows dropped
    for missing values."""

    dataset: Dataset
    encoding: TableEncoding
    dropped_rows: int = 0
    filled_values: int = 0
    options: TableImport = field(default_factory=TableImport)


# -- loading ------------------------------------------------------------------------------


def load_table(
    path,
    options: TableImport | None = None,
    *,
    encoding: TableEncoding | None = None,
    max_bytes: int = MAX_BYTES,
) -> ImportedTable:
    """Import a CSV/TSV file (plain or gzip) as ``options`` say.

    With ``encoding`` (a training file's ``ImportedTable.encoding``) the file is a test
    file: encoded with the training file's categories, words, class names and means, and
    refused when its columns differ or a label is a class the training file has not.
    ``max_bytes`` bounds the memory the table takes once read (8 bytes a number; see
    ``csv_reader``) and the inputs it becomes; nothing is kept if anything is refused.
    """
    return _load(path, options or TableImport(), encoding, max_bytes, strict=False)


def _load(path, options, encoding, max_bytes, strict: bool) -> ImportedTable:
    """``strict``: ``load_csv``'s rules (only an empty cell is missing, and refused)."""
    layout, sample, _ = csv_reader.sniff(Path(path), options.delimiter, options.header)
    plan = _plan(layout, options) if encoding is None else _plan_from(layout, encoding)
    return _Import(layout, sample, options, plan, encoding, max_bytes, strict).run()


@dataclass(frozen=True)
class _Plan:
    """Column indices in the file being read: labels, and features with their encoding."""

    labels: tuple[int, ...]
    features: tuple[tuple[int, str], ...]  # (index, ENCODE_*)
    names: tuple[str, ...]  # the columns' names as the encoding knows them


def _index(column: Column, names: list[str], file: str) -> int:
    if isinstance(column, str):
        if column in names:
            return names.index(column)
        raise DataError(f"{file} has no column {column!r}; its columns are: {', '.join(names)}")
    if isinstance(column, (int, np.integer)) and -len(names) <= column < len(names):
        return int(column) % len(names)
    raise DataError(f"{file} has {len(names)} columns; column {column!r} does not exist")


def _plan(layout: Layout, options: TableImport) -> _Plan:
    names, file = list(layout.names), layout.path.name

    def index(c):
        return _index(c, names, file)

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

    def run(self) -> ImportedTable:
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
        )
        if table.n_rows == 0:
            raise DataError(f"{self.file} has a header but no data rows")
        numbers = dict(zip(table.number_columns, table.numbers.T))
        if last in numbers:
            last_missing = table.numbers_missing and np.isnan(numbers[last]).any()
        else:
            last_missing = _is_none(table.texts[last]).any()
        if last_missing:
            csv_reader.check_widths(layout)  # a short row, or an empty last cell?
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
        line, cells = csv_reader.row_at(self.layout, row)
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
                line, _ = csv_reader.row_at(self.layout, int(np.argmax(gone)))
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
                f"than the {mib(self.max_bytes)} nnstudio loads; use fewer categories or a "
                "smaller vocabulary, or leave out columns"
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
                    _one_hot(values, e.values, X[:, start:stop])
                else:
                    _bag_of_words(values, e.values, X[:, start:stop])
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
            line, _ = csv_reader.row_at(self.layout, row)
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
            y = np.column_stack([_regression_targets(v, n, locate) for v, n in zip(labels, names)])
            return REGRESSION, y, None, False
        return targets(labels[0], task, names[0], self.file, locate)

    def _targets_like_training(self, labels, names, locate):
        given = self.given
        if given.task == REGRESSION:
            y = [_regression_targets(v, n, locate) for v, n in zip(labels, names)]
            return REGRESSION, (y[0] if len(y) == 1 else np.column_stack(y)), None, False
        cells, name = labels[0], names[0]
        keys = _numeric_keys(cells) if given.numeric_classes else cells
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


def _one_hot(cells: np.ndarray, categories: tuple[str, ...], out: np.ndarray) -> None:
    """Rows of ``out`` get a 1 at their category (none for an unknown or missing one)."""
    out[:] = 0.0
    index = {c: k for k, c in enumerate(categories)}
    positions = np.array([index.get(c, -1) for c in cells], dtype=np.int64)
    known = positions >= 0
    out[np.flatnonzero(known), positions[known]] = 1.0


def _bag_of_words(cells: np.ndarray, vocabulary: tuple[str, ...], out: np.ndarray) -> None:
    """Rows of ``out`` count the vocabulary's words in each text (unknown words: none)."""
    out[:] = 0.0
    index = {w: k for k, w in enumerate(vocabulary)}
    rows, cols = [], []
    for r, text in enumerate(cells):
        if text is None:
            continue
        for w in words(text):
            k = index.get(w)
            if k is not None:
                rows.append(r)
                cols.append(k)
    np.add.at(out, (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)), 1.0)


# -- labels -------------------------------------------------------------------------------


def _numbers(labels) -> np.ndarray | None:
    """The labels as float64, or None if one is not a number."""
    try:
        return np.asarray(labels, dtype=object).astype(np.float64)
    except (TypeError, ValueError):
        return None


def _numeric_keys(cells) -> list[str]:
    """Class names of numeric labels, as training named them ("1", "2.5")."""
    out = []
    for c in cells:
        try:
            out.append(f"{float(c):g}")
        except (TypeError, ValueError):
            out.append(c)
    return out


def _regression_targets(cells, name: str | None, locate) -> np.ndarray:
    """The labels as regression targets; refused (naming the column ``name`` if
    given) unless every one is a finite number."""
    values = _numbers(cells)
    if values is None:
        bad = next(i for i, v in enumerate(cells) if not csv_reader.is_number(v))
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
    values = _numbers(labels)
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
        return REGRESSION, _regression_targets(labels, None, locate), None, False
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
