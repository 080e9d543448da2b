"""A table's first rows as text, and what each column seems to hold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nnstudio.datasets import delimited
from nnstudio.datasets.csv_reader import MISSING
from nnstudio.datasets.table_options import Column, TableImport, column_index

# what a column holds, as the preview sees it
KIND_NUMBER, KIND_CATEGORY, KIND_TEXT, KIND_EMPTY = "number", "category", "text", "empty"
_KIND_ROWS = 1000  # sample rows the preview judges each column's kind by
_CATEGORY_VALUES = 50  # at most this many distinct short values: a category
_CATEGORY_WORDS = 3  # a category's values are a few words at most


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
        label = column_index(label_column, list(self.columns), self.name)
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
    layout, sample, complete = delimited.sniff(Path(path), delimiter, header)
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
        n_rows=len(sample) if complete else delimited.count_lines(layout),
    )


def column_kind(cells: Sequence[str]) -> str:
    """ "number", "category" (a few distinct short values), "text" or "empty"."""
    values = [c.strip() for c in cells]
    values = [v for v in values if v not in MISSING]
    if not values:
        return KIND_EMPTY
    if all(delimited.is_number(v) for v in values):
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
