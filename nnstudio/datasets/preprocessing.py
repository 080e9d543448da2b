"""Splitting and scaling. Scaling statistics come from the training split only and
travel with the model (:meth:`Scaler.to_dict`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnstudio.datasets.dataset import CLASSIFICATION, Dataset
from nnstudio.errors import DataError

SCALINGS = ("none", "standard", "minmax")
SMALL_DATASET = 32  # samples: fewer are not split for testing unless asked


@dataclass(frozen=True)
class Split:
    """Train, validation and test parts of one dataset (validation/test may be None)."""

    train: Dataset
    validation: Dataset | None
    test: Dataset | None


def automatic_test_split(n_samples: int) -> float:
    """The share of ``n_samples`` kept for testing unless asked otherwise: a fifth, or
    none of a dataset too small to spare any (a truth table trains on every row)."""
    return 0.0 if n_samples < SMALL_DATASET else 0.2


def split(
    data: Dataset,
    test: float | None = None,
    validation: float = 0.0,
    seed: int | None = 0,
    stratify: bool = True,
) -> Split:
    """Shuffle and cut ``data`` into train/validation/test parts of the given fractions
    (``test`` None: :func:`automatic_test_split`).

    Classification data is stratified: each class is cut in the same proportions, so a
    file sorted by class still gives every part every class.
    """
    if test is None:
        test = automatic_test_split(data.n_samples)
    if not (0 <= test < 1 and 0 <= validation < 1 and test + validation < 1):
        raise DataError(
            f"split fractions must be ≥ 0 and leave data to train on, got "
            f"test={test}, validation={validation}"
        )
    rng = np.random.default_rng(seed)
    if stratify and data.task == CLASSIFICATION:
        groups = [np.flatnonzero(data.y == c) for c in range(data.n_classes)]
    else:
        groups = [np.arange(data.n_samples)]
    parts: list[list[np.ndarray]] = [[], [], []]
    for rows in groups:
        rows = rng.permutation(rows)
        n_test = int(round(len(rows) * test))
        n_val = int(round(len(rows) * validation))
        parts[0].append(rows[n_test + n_val :])
        parts[1].append(rows[n_test : n_test + n_val])
        parts[2].append(rows[:n_test])
    train_rows, val_rows, test_rows = (rng.permutation(np.concatenate(p)) for p in parts)
    if len(train_rows) == 0:
        raise DataError(f"{data.name}: the split leaves no samples to train on")
    return Split(
        train=data.subset(train_rows, f"{data.name} (train)"),
        validation=data.subset(val_rows, f"{data.name} (validation)") if len(val_rows) else None,
        test=data.subset(test_rows, f"{data.name} (test)") if len(test_rows) else None,
    )


@dataclass(frozen=True)
class Scaler:
    """x ↦ (x − offset) / scale per feature: standardisation or min-max to [0, 1]."""

    method: str
    offset: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray, method: str = "standard", names=None) -> Scaler:
        """Statistics of ``X`` (the training features, named ``names`` in messages);
        constant features keep scale 1. Features whose statistics overflow are refused."""
        if method not in SCALINGS:
            raise DataError(f"scaling must be one of {', '.join(SCALINGS)}, got {method!r}")
        X = np.asarray(X, dtype=np.float64)
        d = X.shape[1]
        with np.errstate(over="ignore", invalid="ignore"):
            if method == "none":
                offset, scale = np.zeros(d), np.ones(d)
            elif method == "standard":
                offset, scale = X.mean(axis=0), X.std(axis=0)
            else:
                offset, scale = X.min(axis=0), X.max(axis=0) - X.min(axis=0)
        overflowed = ~(np.isfinite(offset) & np.isfinite(scale))
        if overflowed.any():
            k = int(np.argmax(overflowed))
            name = repr(names[k]) if names is not None else f"number {k}"
            raise DataError(
                f"feature {name} holds values too large to scale ({method} scaling "
                "overflows: its mean or spread passes what a float can hold); divide it by "
                "a power of ten first"
            )
        scale = np.where(scale > 0, scale, 1.0)
        return cls(method, offset, scale)

    def transform(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.offset):
            raise DataError(
                f"the scaler was fitted on {len(self.offset)} features, got data of shape {X.shape}"
            )
        return (X - self.offset) / self.scale

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=np.float64) * self.scale + self.offset

    def apply(self, data: Dataset) -> Dataset:
        """``data`` with scaled features."""
        return data.with_features(self.transform(data.X))

    def to_dict(self) -> dict:
        """A JSON-ready form, for project files and exported models."""
        return {"method": self.method, "offset": self.offset.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, d: dict) -> Scaler:
        try:
            offset = np.asarray(d["offset"], dtype=np.float64)
            scale = np.asarray(d["scale"], dtype=np.float64)
            method = d["method"]
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"not a valid scaler description: {exc}") from None
        if (
            method not in SCALINGS
            or offset.shape != scale.shape
            or offset.ndim != 1
            or not np.all(scale > 0)
            or not np.isfinite(offset).all()
        ):
            raise DataError("not a valid scaler description: bad method or statistics")
        return cls(method, offset, scale)


def prepare(
    data: Dataset,
    test: float | None = None,
    validation: float = 0.0,
    scaling: str = "standard",
    seed: int | None = 0,
) -> tuple[Split, Scaler]:
    """Split (``test`` None: :func:`automatic_test_split`), then scale every part with
    statistics of the training part only."""
    parts = split(data, test=test, validation=validation, seed=seed)
    scaler = Scaler.fit(parts.train.X, scaling, parts.train.feature_names)
    scaled = Split(
        *(
            None if p is None else scaler.apply(p)
            for p in (parts.train, parts.validation, parts.test)
        )
    )
    return scaled, scaler
