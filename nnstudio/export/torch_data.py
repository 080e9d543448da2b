"""Read the training job's data as nnstudio read it, from the files themselves: the
user's table (CSV/TSV, plain or gzip) with the import's choices (its columns, categories
one-hot, words counted, missing values refused, dropped or filled with the training
file's means, the label classes), an MNIST-style IDX pair, an NPZ file, or data.npz
(built-in sets and the project's own data, as nnstudio made them).

    arrays = read(bundle["data"], HERE)            # {"X", "y"} (and "X_test", "y_test")
    arrays = read(bundle["data"], HERE, {"train": ["big.csv"]})   # another file, same choices

Beside train.py in the training job; it imports nothing of nnstudio. Needs numpy, and
pandas for a table. Written by nnstudio (nnstudio/export/torch_data.py).
"""

import csv
import gzip
import hashlib
import math
import re
from pathlib import Path

import numpy as np

ARRAYS, TABLE, IDX, NPZ = "arrays", "table", "idx", "npz"
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # nnstudio's words: "don't" is one
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DataError(Exception):
    """A file that cannot be read as nnstudio read the project's: the message says why."""


def read(data, folder, files=None):
    """The arrays of the bundle's ``data`` section: ``X`` (float64 rows, images channels
    last), ``y`` (class indices, or targets), and ``X_test``/``y_test`` when the data has
    its own test file. ``files`` ({"train": [...], "test": [...]}) replaces the bundle's
    copies; the bundle's own are checked to read as nnstudio read them."""
    given = {part: [Path(p) for p in paths] for part, paths in (files or {}).items()}
    if given and data["kind"] == ARRAYS:
        raise DataError(
            f"the studio's data ({data['name']}) is no file of the user's but arrays "
            "(data.npz): there is no other file to read in its place"
        )
    wanted = 2 if data["kind"] == IDX else 1
    for part, paths in given.items():
        if len(paths) != wanted:
            what = "an images file and its labels file" if wanted == 2 else "one file"
            raise DataError(f"the {part} data is {what}, got {len(paths)}")
    own = {part: [Path(folder) / p for p in paths] for part, paths in data["files"].items()}
    paths = {**own, **given}
    reader = {ARRAYS: _arrays, TABLE: _table, IDX: _idx, NPZ: _npz}[data["kind"]]
    arrays = reader(data, paths)
    if not given and digest(arrays) != data["arrays_digest"]:
        raise DataError(
            f"{', '.join(p.name for p in paths['train'])} read here differs from what "
            "nnstudio read (another version of numpy or pandas reads a cell otherwise?); "
            "export the training job again, or convert the file to plain numbers"
        )
    return arrays


def digest(arrays):
    """A digest of the arrays (their names, types, shapes and values)."""
    hashed = hashlib.sha256()
    for key in sorted(arrays):
        array = np.ascontiguousarray(arrays[key])
        hashed.update(f"{key} {array.dtype.str} {array.shape}".encode())
        hashed.update(memoryview(array).cast("B"))
    return hashed.hexdigest()[:32]


def _arrays(data, paths):
    with np.load(paths["train"][0], allow_pickle=False) as arrays:
        return {key: arrays[key] for key in arrays.files}


def _parts(data, paths, read_one):
    """``read_one(paths)`` of the training files, and of the test files if any."""
    X, y = read_one(paths["train"])
    arrays = {"X": X, "y": y}
    if paths.get("test"):
        arrays["X_test"], arrays["y_test"] = read_one(paths["test"])
    return arrays


# -- classes ---------------------------------------------------------------------------


def class_indices(keys, class_names, where):
    """The index of each label ``keys[k]`` among the training's ``class_names``."""
    index = {name: k for k, name in enumerate(class_names)}
    y = np.empty(len(keys), dtype=np.int64)
    for k, key in enumerate(keys):
        found = index.get(key)
        if found is None:
            raise DataError(
                f"{where(k)}: the label {key!r} is a class the studio's data does not have "
                f"(its classes: {', '.join(class_names[:20])}); remove those rows"
            )
        y[k] = found
    return y


def numeric_key(cell):
    """A numeric label's class name as nnstudio names it ("1", "2.5")."""
    try:
        return f"{float(cell):g}"
    except (TypeError, ValueError):
        return cell


# -- a table -----------------------------------------------------------------------------


def _table(data, paths):
    table = data["table"]
    return _parts(data, paths, lambda files: Table(files[0], table).read())


def words(text):
    return _WORD.findall(text.lower())


class Table:
    """One CSV/TSV file read with the training file's encoding (nnstudio's import)."""

    def __init__(self, path, table):
        self.path = Path(path)
        self.encoding = table["encoding"]
        self.delimiter, self.header = table["delimiter"], self.encoding["header"]
        self.missing_cells, self.missing = set(table["missing_cells"]), table["missing"]
        self.columns = list(self.encoding["columns"])

    def where(self, row):
        return f"{self.path.name}, data row {row + 1}"

    def read(self):
        """(X, y) as nnstudio's import made them from this file."""
        if not self.path.is_file():
            raise DataError(f"{self.path}: no such data file")
        with open(self.path, "rb") as f:
            self.gz = f.read(2) == b"\x1f\x8b"
        self.check_columns()
        encoding, columns = self.encoding, self.columns
        features = [(columns.index(f["column"]), f) for f in encoding["features"]]
        labels = [columns.index(c) for c in encoding["labels"]]
        texts = set(labels) | {i for i, f in features if f["encode"] != "number"}
        frame = self.frame(texts)
        cells = {i: self.texts(frame[i]) for i in texts}
        numbers = {i: self.numbers(frame[i], i) for i, f in features if f["encode"] == "number"}
        unlabelled = np.zeros(len(frame), dtype=bool)
        for i in labels:
            unlabelled |= np.equal(cells[i], None)
        gone = unlabelled.copy()
        for i, _ in features:
            gone |= np.isnan(numbers[i]) if i in numbers else np.equal(cells[i], None)
        keep = np.arange(len(frame))
        if self.missing == "drop":
            keep = np.flatnonzero(~gone)
            if not len(keep):
                raise DataError(f"{self.path.name}: every row has a missing value")
        elif self.missing == "refuse" and gone.any() or unlabelled.any():
            row = int(np.argmax(gone if self.missing == "refuse" else unlabelled))
            raise DataError(
                f"{self.where(row)} has a missing value, which the studio's import "
                f"({self.missing!r} for missing values) does not accept; fill it in"
            )
        X = np.concatenate(
            [self.encode(f, numbers.get(i), cells.get(i), keep) for i, f in features], axis=1
        )
        return X, self.targets([cells[i][keep] for i in labels], keep)

    def check_columns(self):
        """Refuse a file whose columns are not the training file's."""
        opener = gzip.open if self.gz else open
        with opener(self.path, "rt", encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f, delimiter=self.delimiter):
                if len(row) > 1 or (row and row[0].strip()):
                    break
            else:
                raise DataError(f"{self.path.name} is empty")
        if self.header:
            names = _unique([c.strip() or f"column {i}" for i, c in enumerate(row)])
            if names != self.columns:
                raise DataError(
                    f"{self.path.name}: its columns ({', '.join(names)}) are not the "
                    f"studio's data's ({', '.join(self.columns)}); give it the same columns"
                )
        elif len(row) != len(self.columns):
            raise DataError(
                f"{self.path.name} has {len(row)} columns, the studio's data "
                f"{len(self.columns)}; give it the same columns, in the same order"
            )

    def frame(self, texts):
        try:
            import pandas as pd
        except ImportError:
            raise DataError(
                "reading the project's table needs pandas: pip install pandas"
            ) from None
        width = len(self.columns)
        try:
            return pd.read_csv(
                self.path,
                sep=self.delimiter,
                header=0 if self.header else None,
                names=list(range(width)),
                index_col=False,
                dtype={c: object for c in texts},
                keep_default_na=False,
                na_values={c: sorted(self.missing_cells) for c in range(width)},
                skip_blank_lines=True,
                encoding="utf-8",
                compression="gzip" if self.gz else None,
                engine="c",
                **(
                    {}
                    if int(pd.__version__.split(".")[0]) >= 3
                    else {"float_precision": "round_trip"}
                ),
            )
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise DataError(f"{self.path.name} could not be read: {exc}") from None

    def texts(self, column):
        """Stripped cells, None where missing."""
        out = column.to_numpy(dtype=object, copy=True)
        for k, cell in enumerate(out):
            cell = cell.strip() if isinstance(cell, str) else None
            out[k] = None if cell is None or cell in self.missing_cells else cell
        return out

    def numbers(self, column, i):
        """The column as float64 (NaN where missing); refused where a cell is not a
        finite number."""
        values = column.to_numpy()
        if values.dtype.kind in "iuf" and np.isfinite(values[~np.isnan(values)]).all():
            return values.astype(np.float64)
        out = np.empty(len(values))
        for k, cell in enumerate(column.to_numpy(dtype=object)):
            if isinstance(cell, str) and cell.strip() in self.missing_cells:
                out[k] = math.nan
                continue
            if cell is None or (isinstance(cell, float) and math.isnan(cell)):
                out[k] = math.nan
                continue
            try:
                value = float(cell.strip() if isinstance(cell, str) else cell)
            except ValueError:
                value = math.nan
            if isinstance(cell, (bool, np.bool_)) or not math.isfinite(value):
                raise DataError(
                    f"{self.where(k)}: {cell!r} in column {self.columns[i]!r} is not a number"
                )
            out[k] = value
        return out

    def encode(self, feature, numbers, cells, keep):
        """The inputs one feature column becomes, of the rows kept."""
        if feature["encode"] == "number":
            block = numbers[keep][:, None]
            gone = np.isnan(block[:, 0])
        else:
            cells = cells[keep]
            gone = np.equal(cells, None)
            index = {v: k for k, v in enumerate(feature["values"])}
            block = np.zeros((len(cells), len(index)))
            for row, cell in enumerate(cells):
                if cell is None:
                    continue
                if feature["encode"] == "category":
                    if cell in index:
                        block[row, index[cell]] = 1.0
                    continue
                for word in words(cell):
                    if word in index:
                        block[row, index[word]] += 1.0
        if gone.any():
            if not feature.get("fill"):
                raise DataError(
                    f"{self.path.name}: column {feature['column']!r} has missing values the "
                    "studio's import had none of (no mean to fill them with); fill them in"
                )
            block[gone] = feature["fill"]
        return block

    def targets(self, labels, keep):
        def where(k):
            return self.where(int(keep[k]))

        encoding = self.encoding
        if encoding["task"] == "regression":
            values = []
            for cells in labels:
                try:
                    values.append(np.array([float(c) for c in cells]))
                except ValueError as exc:
                    raise DataError(f"{self.path.name}: a label is not a number ({exc})") from None
                if not np.isfinite(values[-1]).all():
                    raise DataError(f"{self.path.name}: a label is not a finite number")
            return values[0] if len(values) == 1 else np.column_stack(values)
        cells = labels[0]
        keys = [numeric_key(c) for c in cells] if encoding["numeric_classes"] else list(cells)
        return class_indices(keys, encoding["class_names"], where)


def _unique(names):
    """nnstudio's names for repeated header names: "a", "a (2)"."""
    seen, out = {}, []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


# -- IDX and NPZ ---------------------------------------------------------------------------


def read_idx(path):
    """One IDX file (plain or gzip): the array its header describes."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] or raw[1] or raw[2] not in _IDX_TYPES or not raw[3]:
        raise DataError(f"{Path(path).name} is not an IDX file")
    dims = tuple(int(d) for d in np.frombuffer(raw[4 : 4 + 4 * raw[3]], ">u4"))
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    body = raw[4 + 4 * raw[3] :]
    if len(body) != math.prod(dims) * dtype.itemsize:
        raise DataError(f"{Path(path).name}: its header and its size do not agree")
    return np.frombuffer(body, dtype).reshape(dims)


def _idx(data, paths):
    def pair(files):
        images, labels = read_idx(files[0]), read_idx(files[1])
        if len(images) != len(labels):
            raise DataError(
                f"{files[0].name} holds {len(images)} images but {files[1].name} "
                f"{len(labels)} labels"
            )
        X = images.reshape(len(images), -1).astype(np.float32)
        if images.dtype == np.dtype(">u1"):
            X /= 255.0
        names = data["class_names"]
        keys = [str(int(c)) for c in labels]
        return X.astype(np.float64), class_indices(keys, names, lambda k: f"{files[1].name}[{k}]")

    return _parts(data, paths, pair)


def _npz(data, paths):
    spec = data["npz"]

    def arrays(files):
        with np.load(files[0], allow_pickle=False) as stored:
            X, y = stored[spec["x_key"]], stored[spec["y_key"]]
        X = (X[:, None] if X.ndim == 1 else X).astype(np.float64)
        if spec.get("channels_first"):
            channels, height, width = spec["channels_first"]
            X = X.reshape(-1, channels, height, width).transpose(0, 2, 3, 1).reshape(len(X), -1)
        y = y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y
        if data["task"] == "regression":
            return X, y.astype(np.float64)
        if y.ndim == 2:  # one-hot rows
            return X, y.argmax(axis=1).astype(np.int64)
        cells = [str(v) for v in y] if y.dtype.kind in "US" else [repr(float(v)) for v in y]
        numeric = all(_is_number(c) for c in cells)
        keys = [numeric_key(c) for c in cells] if numeric else cells
        return X, class_indices(keys, data["class_names"], lambda k: f"{files[0].name}, row {k}")

    return _parts(data, paths, arrays)


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True
