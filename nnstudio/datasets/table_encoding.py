"""What a training table fixes: how each feature column becomes inputs (a number,
one-hot categories, word counts) and its labels' classes; a test file is read with it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from nnstudio.datasets.dataset import CLASSIFICATION, REGRESSION
from nnstudio.errors import DataError

# how a feature column becomes inputs
ENCODE_NUMBER, ENCODE_CATEGORY, ENCODE_WORDS = "number", "category", "words"
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def words(text: str) -> list[str]:
    """The lowercase word tokens of ``text`` (letters and digits; "don't" is one word)."""
    return _WORD.findall(text.lower())


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


def one_hot(cells: np.ndarray, categories: tuple[str, ...], out: np.ndarray) -> None:
    """Rows of ``out`` get a 1 at their category (none for an unknown or missing one)."""
    out[:] = 0.0
    index = {c: k for k, c in enumerate(categories)}
    positions = np.array([index.get(c, -1) for c in cells], dtype=np.int64)
    known = positions >= 0
    out[np.flatnonzero(known), positions[known]] = 1.0


def bag_of_words(cells: np.ndarray, vocabulary: tuple[str, ...], out: np.ndarray) -> None:
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
