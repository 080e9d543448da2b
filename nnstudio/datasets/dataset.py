"""The dataset object the engine trains on: arrays plus what they mean."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from nnstudio.errors import DataError

CLASSIFICATION, REGRESSION = "classification", "regression"


@dataclass(frozen=True, eq=False)
class Dataset:
    """Features ``X`` (n, d) with targets ``y``.

    For classification ``y`` holds class indices (n,) into ``class_names``; for
    regression it holds float targets, (n,) or (n, k).
    """

    X: np.ndarray
    y: np.ndarray
    task: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] | None = None
    name: str = "data"
    description: str = ""
    # (height, width), or (height, width, channels) channels last: each row of X is an
    # image, its values in that order (as NumPy's reshape and Keras flatten)
    image_shape: tuple[int, ...] | None = field(default=None)

    def __post_init__(self):
        if self.task not in (CLASSIFICATION, REGRESSION):
            raise DataError(f"{self.name}: task must be {CLASSIFICATION} or {REGRESSION}")
        if self.X.ndim != 2 or len(self.X) != len(self.y):
            raise DataError(
                f"{self.name}: X must be (n, d) with one target per row, got "
                f"X {self.X.shape} and y {self.y.shape}"
            )
        if len(self.feature_names) != self.X.shape[1]:
            raise DataError(
                f"{self.name}: {len(self.feature_names)} feature names for "
                f"{self.X.shape[1]} features"
            )
        if self.task == CLASSIFICATION and self.class_names is None:
            raise DataError(f"{self.name}: a classification dataset needs class names")

    @property
    def image_input(self) -> tuple[int, ...]:
        """Each row as the (height, width, channels) image a convolutional network
        takes (a grey image of (height, width): one channel); () for rows that are no
        images."""
        if not self.image_shape:
            return ()
        if len(self.image_shape) == 2:
            return (*self.image_shape, 1)
        return tuple(self.image_shape) if len(self.image_shape) == 3 else ()

    @property
    def channels(self) -> int:
        """Values per pixel: 1 for grey images (and rows that are no images), 3 for
        colour (red, green, blue)."""
        return self.image_input[2] if self.image_input else 1

    @property
    def n_samples(self) -> int:
        return len(self.X)

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def n_classes(self) -> int | None:
        return None if self.class_names is None else len(self.class_names)

    @property
    def n_outputs(self) -> int:
        """Units an output layer needs: one per class (one for two classes with a
        sigmoid is also fine), or one per regression target."""
        if self.task == CLASSIFICATION:
            return self.n_classes
        return 1 if self.y.ndim == 1 else self.y.shape[1]

    @property
    def size_text(self) -> str:
        """What the data holds, e.g. "1,797 samples · 64 inputs · 10 classes"."""
        targets = (
            f"{self.n_classes} classes"
            if self.task == CLASSIFICATION
            else f"{self.n_outputs} target{'s' * (self.n_outputs > 1)}"
        )
        inputs = f"{self.n_features} input{'s' * (self.n_features != 1)}"
        return f"{self.n_samples:,} samples · {inputs} · {targets}"

    @property
    def is_2d(self) -> bool:
        """True when the inputs are points in a plane (decision boundaries can be drawn)."""
        return self.n_features == 2

    def one_hot(self) -> np.ndarray:
        """Targets as one-hot rows, columns in ``class_names`` order."""
        if self.task != CLASSIFICATION:
            raise DataError(f"{self.name} is a regression dataset: it has no classes")
        return np.eye(self.n_classes)[self.y]

    def targets(self, n_outputs: int) -> np.ndarray:
        """Targets for an output layer of ``n_outputs`` units: class indices for one
        sigmoid unit on two classes, one-hot rows for one unit per class, else ``y``."""
        if self.task == REGRESSION:
            if n_outputs != self.n_outputs:
                raise DataError(
                    f"{self.name} has {self.n_outputs} target(s) but the output "
                    f"layer has {n_outputs} unit(s)"
                )
            return self.y
        if n_outputs == 1 and self.n_classes == 2:
            return self.y
        if n_outputs == self.n_classes:
            return self.one_hot()
        raise DataError(
            f"{self.name} has {self.n_classes} classes but the output layer has "
            f"{n_outputs} unit(s); give it {self.n_classes} units"
            + (" (or 1 sigmoid unit)" if self.n_classes == 2 else "")
        )

    def subset(self, rows: np.ndarray, name: str | None = None) -> Dataset:
        """The same dataset restricted to ``rows``."""
        return replace(self, X=self.X[rows], y=self.y[rows], name=name or self.name)

    def with_features(self, X: np.ndarray) -> Dataset:
        """The same dataset with transformed features (e.g. scaled)."""
        return replace(self, X=X)

    def __repr__(self) -> str:
        classes = f", {self.n_classes} classes" if self.class_names else ""
        return (
            f"Dataset({self.name!r}, {self.task}, {self.n_samples} samples, "
            f"{self.n_features} features{classes})"
        )
