"""The datasets a project holds itself (typed, pasted, drawn) in its file: their
description in ``project.json``, their arrays in ``data.npz`` as ``<i>/X`` and ``<i>/y``."""

from __future__ import annotations

import numpy as np

from nnstudio.datasets import CLASSIFICATION, REGRESSION, Dataset
from nnstudio.errors import DataError, NNStudioError


class OwnDataError(NNStudioError):
    """A project's own dataset in its file does not fit together."""


def own_data_arrays(own_data: dict[str, Dataset]) -> dict[str, np.ndarray]:
    """Each dataset's features and targets, keyed by its place in the list."""
    arrays = {}
    for i, data in enumerate(own_data.values()):
        arrays[f"{i}/X"], arrays[f"{i}/y"] = data.X, data.y
    return arrays


def own_data_from_file(described, arrays: dict[str, np.ndarray]) -> dict[str, Dataset]:
    """Rebuild the datasets; raise :class:`OwnDataError` naming the one that is wrong."""
    if not isinstance(described, list):
        raise OwnDataError("the project's own datasets are not a list")
    own = {}
    for i, entry in enumerate(described):
        name = entry.get("name") if isinstance(entry, dict) else None
        label = repr(name) if isinstance(name, str) else f"number {i + 1}"
        try:
            own[name] = _dataset(entry, arrays.get(f"{i}/X"), arrays.get(f"{i}/y"))
        except (DataError, ValueError, TypeError, KeyError) as exc:
            raise OwnDataError(f"the project's dataset {label} is damaged ({exc})") from None
    return own


def _dataset(entry: dict, X, y) -> Dataset:
    if not isinstance(entry, dict):
        raise ValueError("it is not a mapping")
    if not isinstance(entry.get("name"), str) or not entry["name"]:
        raise ValueError("it has no name")
    if X is None or y is None:
        raise ValueError("its arrays are missing")
    task, classes = entry["task"], entry.get("class_names")
    if task not in (CLASSIFICATION, REGRESSION):
        raise ValueError(f"its task is {task!r}")
    X = np.asarray(X, dtype=np.float64)
    if not np.isfinite(X).all() or (y.dtype.kind == "f" and not np.isfinite(y).all()):
        raise ValueError("it holds values that are not finite")
    if task == CLASSIFICATION:
        if classes is None or y.dtype.kind not in "iu" or y.ndim != 1:
            raise ValueError("its classes do not fit its labels")
        if len(y) and not 0 <= y.min() <= y.max() < len(classes):
            raise ValueError(f"a label is not one of its {len(classes)} classes")
    names = tuple(str(n) for n in entry["feature_names"])
    return Dataset(
        X,
        y if task == CLASSIFICATION else y.astype(np.float64),
        task,
        names,
        None if classes is None else tuple(str(c) for c in classes),
        entry["name"],
        str(entry.get("description", "")),
    )
