"""Loaders for the user's own files: CSV/TSV, NPZ and MNIST-style IDX (plain or .gz).

Each loader checks sizes before it allocates and raises :class:`DataError` naming the
file, the line or array, and what is wrong. None of them unpickles anything.
"""

from __future__ import annotations

import gzip
import math
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np

from nnstudio.atomic import write_atomically
from nnstudio.datasets import table
from nnstudio.datasets.csv_reader import MAX_BYTES
from nnstudio.datasets.dataset import CLASSIFICATION, REGRESSION, Dataset
from nnstudio.datasets.delimited import check_file, is_gzip
from nnstudio.datasets.labels import targets
from nnstudio.datasets.table_options import AUTO, TableImport
from nnstudio.errors import DataError
from nnstudio.limits import limit_text, size_text
from nnstudio.safe_npz import MAX_DIMENSIONS, read_arrays


def _check_file(path: Path, max_bytes: int) -> int:
    size = check_file(path)
    if size > max_bytes:
        raise DataError(f"{path.name} is {size_text(size)}, more than {limit_text(max_bytes)}")
    return size


def _check_loaded_size(values: int, path: Path, what: str, max_bytes: int) -> None:
    """Refuse ``values`` numbers that take more than ``max_bytes`` as float64 (the
    data's form once loaded, whatever its type in the file)."""
    if values * 8 > max_bytes:
        raise DataError(
            f"{path.name}: {what} {values:,} values, {size_text(values * 8)} once loaded "
            f"(8 bytes a value), more than {limit_text(max_bytes)}"
        )


# -- CSV ------------------------------------------------------------------------------


def load_csv(
    path,
    label_column: int | str = -1,
    feature_columns=None,
    task: str | None = None,
    delimiter: str | None = None,
    header: bool | None = None,
    max_bytes: int = MAX_BYTES,
) -> Dataset:
    """Load a CSV/TSV table (plain or gzip): one row per sample, one column of labels.

    ``label_column`` is an index (default: the last) or a header name; ``feature_columns``
    (indices or names) defaults to every other column, and each must hold numbers: no
    cell may be empty (:func:`load_table` can drop or fill missing values and encode
    text). ``task`` is "classification" or "regression"; by default non-numeric labels,
    or whole numbers with at most 50 distinct values, make a classification. ``header``
    and ``delimiter`` are detected when not given.

    ``max_bytes`` bounds the memory the table takes once read: 8 bytes a number, a text
    cell (the labels) its length plus about 60 bytes. A plain file clearly larger is
    refused before it is read; otherwise the limit is checked as rows are read, so
    loading never holds much more than the array it returns plus one chunk of rows.
    """
    options = TableImport(
        label_columns=(label_column,),
        feature_columns=feature_columns,
        task=AUTO if task is None else task,
        delimiter=delimiter,
        header=header,
    )
    return table._load(path, options, None, max_bytes, strict=True).dataset


def _with_labels(
    X, labels, feature_names, path: Path, locate, label_name: str, task: str | None
) -> Dataset:
    """A dataset from features and label strings; ``locate(row)`` names a row in errors."""
    task, y, class_names, _ = targets(labels, task, label_name, path.name, locate)
    return Dataset(
        X=X,
        y=y,
        task=task,
        feature_names=feature_names,
        class_names=class_names,
        name=path.stem,
        description=f"Loaded from {path.name}",
    )


# -- NPZ ------------------------------------------------------------------------------


def load_npz(
    path,
    x_key: str = "X",
    y_key: str = "y",
    task: str | None = None,
    max_bytes: int = MAX_BYTES,
    shape_key: str = "shape",
) -> Dataset:
    """Load arrays ``x_key`` (n, d) and ``y_key`` (n,) or (n, k) from an ``.npz`` file.

    String labels become classes; integer labels with few values too (unless ``task``
    says "regression"). An optional ``shape_key`` array of 2 or 3 whole numbers says
    each row is an image: (height, width) grey, or (height, width, channels) channels
    last, e.g. [32, 32, 3] for colour. It becomes the dataset's ``image_shape`` and must
    hold d values. A channels-first shape (channels, height, width), as PyTorch keeps
    images, is told by a first number of 1, or of 2 to 4 with a last one above 4
    ([1, 28, 28], [3, 32, 32]): its rows are reordered to channels last as they load."""
    path = Path(path)
    _check_file(path, max_bytes)
    arrays = read_arrays(path, path.name, max_bytes, DataError)
    missing = [k for k in (x_key, y_key) if k not in arrays]
    if missing:
        raise DataError(
            f"{path.name} has no array {missing[0]!r}; it has: {', '.join(arrays) or 'no arrays'}"
        )
    X, y, shape = arrays[x_key], arrays[y_key], arrays.get(shape_key)
    _check_loaded_size(X.size + y.size, path, f"{x_key!r} and {y_key!r} hold", max_bytes)
    data = _from_arrays(X, y, path, x_key, y_key, task)
    if shape is None:
        return data
    image_shape = _image_shape(shape, data.n_features, path, shape_key, x_key)
    if len(image_shape) == 3 and channels_first(image_shape):
        channels, height, width = image_shape
        X = data.X.reshape(-1, channels, height, width).transpose(0, 2, 3, 1)
        return replace(data, X=X.reshape(len(X), -1), image_shape=(height, width, channels))
    return replace(data, image_shape=image_shape)


MAX_CHANNELS = 4  # grey, grey and alpha, red-green-blue, and alpha


def channels_first(shape: tuple[int, int, int]) -> bool:
    """True for a (channels, height, width) shape, as PyTorch keeps images: one channel
    first ([1, 28, 28], the form nnstudio read before it read colour), or 2 to 4 first
    and more than that last ([3, 32, 32]); False for (height, width, channels)."""
    return shape[0] == 1 or shape[0] <= MAX_CHANNELS < shape[2]


def _image_shape(shape: np.ndarray, features: int, path: Path, key: str, x_key: str):
    """The image shape an NPZ's ``shape`` entry gives, checked against the features."""
    if (
        shape.ndim != 1
        or not 2 <= len(shape) <= 3
        or shape.dtype.kind not in "iu"
        or (shape <= 0).any()
    ):
        raise DataError(
            f"{path.name}: array {key!r} must be 2 or 3 whole numbers above 0 (the height and "
            f"width of an image, and its channels), got {shape.tolist()!r}"
        )
    image_shape = tuple(int(v) for v in shape)
    if math.prod(image_shape) != features:
        raise DataError(
            f"{path.name}: {key!r} {list(image_shape)} is an image of "
            f"{math.prod(image_shape):,} values but the rows of {x_key!r} hold {features:,}; "
            f"correct {key!r} or leave it out"
        )
    return image_shape


def _from_arrays(X, y, path: Path, x_key: str, y_key: str, task: str | None) -> Dataset:
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise DataError(
            f"{path.name}: array {x_key!r} must be 2-D (samples × features), got shape {X.shape}"
        )
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise DataError(f"{path.name}: array {x_key!r} is empty (shape {X.shape})")
    if not (
        np.issubdtype(X.dtype, np.integer) or np.issubdtype(X.dtype, np.floating) or X.dtype == bool
    ):
        raise DataError(f"{path.name}: array {x_key!r} must hold numbers, got {X.dtype}")
    if y.ndim == 0 or len(y) != len(X):
        raise DataError(
            f"{path.name}: {len(X)} rows in {x_key!r} but "
            f"{0 if y.ndim == 0 else len(y)} in {y_key!r}"
        )
    X = X.astype(np.float64)
    if not np.isfinite(X).all():
        row = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise DataError(
            f"{path.name}: array {x_key!r} has NaN or infinite values (first in row {row})"
        )
    names = tuple(f"x{i + 1}" for i in range(X.shape[1]))

    def locate(row):
        return f"{path.name}, array {y_key!r}, row {row}"

    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.dtype.kind in "US":
        labels = [str(v) for v in y]
        return _with_labels(X, labels, names, path, locate, y_key, task or CLASSIFICATION)
    if y.dtype.kind not in "biuf":
        raise DataError(f"{path.name}: array {y_key!r} must hold numbers or strings, got {y.dtype}")
    if y.ndim == 1:
        labels = [repr(float(v)) for v in y]
        return _with_labels(X, labels, names, path, locate, y_key, task)
    if y.ndim != 2:
        raise DataError(f"{path.name}: array {y_key!r} must be 1-D or 2-D, got {y.shape}")
    y = y.astype(np.float64)
    if not np.isfinite(y).all():
        raise DataError(f"{path.name}: array {y_key!r} has NaN or infinite values")
    is_one_hot = np.isin(y, (0, 1)).all() and np.all(y.sum(axis=1) == 1)
    if task != REGRESSION and is_one_hot and y.shape[1] >= 2:
        classes = tuple(str(i) for i in range(y.shape[1]))
        return Dataset(
            X=X,
            y=y.argmax(axis=1),
            task=CLASSIFICATION,
            feature_names=names,
            class_names=classes,
            name=path.stem,
            description=f"Loaded from {path.name}",
        )
    return Dataset(
        X=X,
        y=y,
        task=REGRESSION,
        feature_names=names,
        name=path.stem,
        description=f"Loaded from {path.name}",
    )


# -- IDX (MNIST) ----------------------------------------------------------------------

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path, max_bytes: int = MAX_BYTES) -> np.ndarray:
    """Read one IDX file (plain or gzip): the array its header describes."""
    path = Path(path)
    _check_file(path, max_bytes)
    opener = gzip.open if is_gzip(path) else open
    try:
        with opener(path, "rb") as f:
            magic = f.read(4)
            if len(magic) < 4 or magic[0] != 0 or magic[1] != 0 or magic[2] not in _IDX_TYPES:
                raise DataError(
                    f"{path.name} is not an IDX file (bad magic number {magic.hex() or 'missing'})"
                )
            dtype, ndim = np.dtype(_IDX_TYPES[magic[2]]), magic[3]
            if ndim == 0:
                raise DataError(f"{path.name}: the IDX header declares no dimensions")
            if ndim > MAX_DIMENSIONS:
                raise DataError(
                    f"{path.name}: the IDX header declares {ndim} dimensions, more than "
                    f"NumPy's {MAX_DIMENSIONS}: not an IDX file nnstudio can read"
                )
            dims_raw = f.read(4 * ndim)
            if len(dims_raw) < 4 * ndim:
                raise DataError(f"{path.name}: the IDX header is cut short")
            dims = tuple(int(d) for d in np.frombuffer(dims_raw, ">u4"))
            expected = math.prod(dims) * dtype.itemsize
            _check_loaded_size(math.prod(dims), path, f"the header declares {dims}:", max_bytes)
            data = f.read(expected + 1)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DataError(f"{path.name} could not be read ({exc})") from None
    if len(data) != expected:
        raise DataError(
            f"{path.name}: the header declares {' × '.join(map(str, dims))} "
            f"values ({expected} bytes) but the file holds "
            f"{'more' if len(data) > expected else len(data)} bytes of data"
        )
    return np.frombuffer(data, dtype).reshape(dims)


def load_idx(images, labels, max_bytes: int = MAX_BYTES) -> Dataset:
    """Load an MNIST-style pair: images (n, rows, cols) and labels (n,). Images are
    flattened and scaled to [0, 1], keeping their ``image_shape`` (rows, cols); 4-D
    images (n, rows, cols, channels), colour ones say, keep theirs channels last:
    ``image_shape`` (rows, cols, channels). Labels become classes "0", "1", ... An
    images file and a labels file of different lengths are refused."""
    images_path, labels_path = Path(images), Path(labels)
    pixels, classes = read_idx(images_path, max_bytes), read_idx(labels_path, max_bytes)
    if pixels.ndim < 2:
        raise DataError(
            f"{images_path.name}: images must have at least 2 dimensions, got {pixels.shape}"
        )
    if classes.ndim != 1:
        raise DataError(f"{labels_path.name}: labels must be 1-D, got shape {classes.shape}")
    if len(pixels) != len(classes):
        raise DataError(
            f"{images_path.name} holds {len(pixels)} images but "
            f"{labels_path.name} holds {len(classes)} labels; give each images file its "
            "own labels file (train-images with train-labels, t10k-images with t10k-labels)"
        )
    if len(pixels) == 0:
        raise DataError(f"{images_path.name} holds no images")
    if np.issubdtype(classes.dtype, np.floating) or classes.min() < 0:
        raise DataError(f"{labels_path.name}: labels must be whole numbers ≥ 0")
    X = pixels.reshape(len(pixels), -1).astype(np.float32)
    if pixels.dtype == np.dtype(">u1"):
        X /= 255.0
    elif not np.isfinite(X).all():
        raise DataError(f"{images_path.name} has NaN or infinite pixels")
    n_classes = int(classes.max()) + 1
    if n_classes < 2:
        raise DataError(f"{labels_path.name} holds one class only; a classifier needs two")
    # each image keeps its shape: (rows, columns), or (rows, columns, channels)
    image_shape = tuple(int(d) for d in pixels.shape[1:]) if 3 <= pixels.ndim <= 4 else None
    return Dataset(
        X=X.astype(np.float64),
        y=classes.astype(np.int64),
        task=CLASSIFICATION,
        feature_names=tuple(f"pixel {i}" for i in range(X.shape[1])),
        class_names=tuple(str(i) for i in range(n_classes)),
        name=images_path.name.split(".")[0],
        image_shape=image_shape,
        description=f"Images from {images_path.name}, labels from {labels_path.name}",
    )


def load_idx_test(images, labels, train: Dataset, max_bytes: int = MAX_BYTES) -> Dataset:
    """An IDX pair that tests what ``train`` (an IDX pair's dataset) trains: refused
    unless its images have the training images' shape and its labels are classes the
    training labels have."""
    test = load_idx(images, labels, max_bytes)
    name = Path(images).name
    if test.image_shape != train.image_shape or test.n_features != train.n_features:
        shape = "×".join(map(str, test.image_shape or (test.n_features,)))
        trained = "×".join(map(str, train.image_shape or (train.n_features,)))
        raise DataError(
            f"{name} holds {shape} images but the training images are {trained}; test "
            "on images of the training images' size"
        )
    if test.n_classes > train.n_classes:
        raise DataError(
            f"{Path(labels).name} has label {test.n_classes - 1}, a class the training labels "
            f"do not have (they go from 0 to {train.n_classes - 1})"
        )
    return replace(test, class_names=train.class_names)


def write_idx(path, array: np.ndarray, compress: bool = False) -> None:
    """Write ``array`` as an IDX file (for tests and for users who make their own)."""
    codes = {np.dtype(v).newbyteorder("="): k for k, v in _IDX_TYPES.items()}
    array = np.asarray(array)
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        raise DataError(f"IDX cannot hold {array.dtype} values")
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, ">u4").tobytes()
    payload = header + array.astype(_IDX_TYPES[code]).tobytes()
    data = gzip.compress(payload, mtime=0) if compress else payload
    write_atomically(path, lambda f: f.write(data))
