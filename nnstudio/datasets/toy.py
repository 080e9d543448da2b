"""Built-in toy datasets, generated from a seed: 2-D classification sets like
TensorFlow Playground's (plus more classes), regression surfaces and truth tables."""

from __future__ import annotations

import numpy as np

from nnstudio.datasets.dataset import CLASSIFICATION, REGRESSION, Dataset
from nnstudio.errors import DataError

XY = ("x1", "x2")


def _points(name, X, y, description, classes=None):
    if classes is None:
        classes = tuple(f"class {i}" for i in range(int(y.max()) + 1))
    return Dataset(
        X=X,
        y=y.astype(np.int64),
        task=CLASSIFICATION,
        feature_names=XY,
        class_names=classes,
        name=name,
        description=description,
    )


def circle(n_samples: int = 400, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Class 0 fills a disc, class 1 a ring around it."""
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % 2
    radius = np.where(y == 0, rng.uniform(0, 0.5, n_samples), rng.uniform(0.7, 1.0, n_samples))
    angle = rng.uniform(0, 2 * np.pi, n_samples)
    X = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
    X += rng.normal(0, noise * 0.25, X.shape)
    return _points(
        "circle",
        X,
        y,
        "A disc of one class inside a ring of the other: no "
        "straight line separates them, one hidden layer does.",
        ("inside", "ring"),
    )


def xor(n_samples: int = 400, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Points in the four quadrants; the class is whether x1 and x2 share a sign."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n_samples, 2))
    X += np.sign(X) * 0.05
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    X += rng.normal(0, noise * 0.25, X.shape)
    return _points(
        "xor",
        X,
        y,
        "The XOR pattern as a point cloud: opposite quadrants share "
        "a class. A single neuron cannot learn it; two hidden units can.",
    )


def gaussians(n_samples: int = 400, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Two Gaussian clouds, one per class."""
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % 2
    centres = np.array([[-0.5, -0.5], [0.5, 0.5]])
    X = centres[y] + rng.normal(0, 0.2 + 0.3 * noise, (n_samples, 2))
    return _points(
        "gaussians",
        X,
        y,
        "Two Gaussian clouds: linearly separable, the "
        "perceptron's home ground (overlapping with noise).",
    )


def spiral(
    n_samples: int = 400, noise: float = 0.0, seed: int | None = 0, arms: int = 2
) -> Dataset:
    """Interleaved spirals, one arm per class (2 or 3)."""
    if arms not in (2, 3):
        raise DataError(f"spiral: arms must be 2 or 3, got {arms}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % arms
    t = rng.uniform(0, 1, n_samples)
    angle = 1.75 * 2 * np.pi * t + 2 * np.pi * y / arms
    X = np.c_[t * np.sin(angle), t * np.cos(angle)]
    X += rng.normal(0, noise * 0.1, X.shape)
    return _points(
        "spiral",
        X,
        y,
        f"{arms} interleaved spiral arms: hard; needs several "
        "hidden layers or many units, and patience.",
    )


def moons(n_samples: int = 400, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """Two interleaving half circles."""
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % 2
    angle = rng.uniform(0, np.pi, n_samples)
    X = np.where(
        y[:, None] == 0,
        np.c_[np.cos(angle), np.sin(angle)],
        np.c_[1 - np.cos(angle), 0.5 - np.sin(angle)],
    )
    X = (X - [0.5, 0.25]) * 0.8
    X += rng.normal(0, noise * 0.2, X.shape)
    return _points("moons", X, y, "Two interleaving half moons: curved but gentle.")


def blobs(
    n_samples: int = 400, noise: float = 0.0, seed: int | None = 0, classes: int = 4
) -> Dataset:
    """Gaussian blobs on a circle, one per class (3 to 5 classes)."""
    if not 3 <= classes <= 5:
        raise DataError(f"blobs: classes must be 3, 4 or 5, got {classes}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % classes
    angles = 2 * np.pi * np.arange(classes) / classes
    centres = 0.6 * np.c_[np.cos(angles), np.sin(angles)]
    X = centres[y] + rng.normal(0, 0.15 + 0.2 * noise, (n_samples, 2))
    return _points(
        "blobs",
        X,
        y,
        f"{classes} Gaussian blobs: a first multi-class problem for a softmax output.",
    )


def _surface(name, X, values, description, features=XY):
    return Dataset(
        X=X, y=values, task=REGRESSION, feature_names=features, name=name, description=description
    )


def plane(n_samples: int = 400, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """A tilted plane: y = (x1 + x2) / 2."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n_samples, 2))
    values = X.sum(axis=1) / 2 + rng.normal(0, noise * 0.1, n_samples)
    return _surface(
        "plane", X, values, "Regression on a tilted plane: one linear neuron is enough."
    )


def multi_gaussian(n_samples: int = 400, noise: float = 0.0, seed: int | None = 0) -> Dataset:
    """A surface of positive and negative Gaussian bumps."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n_samples, 2))
    bumps = [(-0.5, -0.5, 1), (0.5, 0.5, 1), (-0.5, 0.5, -1), (0.5, -0.5, -1), (0, 0, 0.5)]
    values = sum(
        s * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / 0.08) for cx, cy, s in bumps
    )
    values = values + rng.normal(0, noise * 0.1, n_samples)
    return _surface(
        "multi_gaussian", X, values, "Regression on a surface of Gaussian hills and valleys."
    )


def sine(n_samples: int = 200, noise: float = 0.1, seed: int | None = 0) -> Dataset:
    """A noisy sine wave: y = sin(x) + noise, x in [−π, π]."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-np.pi, np.pi, (n_samples, 1))
    values = np.sin(X[:, 0]) + rng.normal(0, noise, n_samples)
    return _surface(
        "sine",
        X,
        values,
        "1-D regression: fit a noisy sine wave with a few tanh units.",
        features=("x",),
    )


def _table(name, rows, targets, description, features):
    X = np.array(rows, dtype=np.float64)
    return Dataset(
        X=X,
        y=np.array(targets, dtype=np.int64),
        task=CLASSIFICATION,
        feature_names=features,
        class_names=("0", "1"),
        name=name,
        description=description,
    )


_BITS2 = [[0, 0], [0, 1], [1, 0], [1, 1]]


def logic_and() -> Dataset:
    """The AND truth table."""
    return _table(
        "and",
        _BITS2,
        [0, 0, 0, 1],
        "AND of two bits: linearly separable, a single neuron learns it.",
        ("a", "b"),
    )


def logic_or() -> Dataset:
    """The OR truth table."""
    return _table("or", _BITS2, [0, 1, 1, 1], "OR of two bits: linearly separable.", ("a", "b"))


def logic_xor() -> Dataset:
    """The XOR truth table."""
    return _table(
        "xor_table",
        _BITS2,
        [0, 1, 1, 0],
        "XOR of two bits: the classic problem "
        "a single neuron cannot solve (Minsky & Papert); 2-2-1 can.",
        ("a", "b"),
    )


def parity3() -> Dataset:
    """3-bit parity: 1 when an odd number of bits are set."""
    rows = [[(i >> 2) & 1, (i >> 1) & 1, i & 1] for i in range(8)]
    return _table(
        "parity3",
        rows,
        [sum(r) % 2 for r in rows],
        "3-bit parity: XOR's big brother; needs a hidden layer.",
        ("a", "b", "c"),
    )


def single_neuron() -> Dataset:
    """The single-neuron tutorial: 4 examples of 3 inputs, target = first input."""
    rows = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]]
    return _table(
        "single_neuron",
        rows,
        [0, 1, 1, 0],
        "The classic single-neuron "
        "tutorial: the output copies the first input; then try [1, 0, 0].",
        ("input 1", "input 2", "input 3"),
    )


def xor_with_one() -> Dataset:
    """The 3-4-1 tutorial's table: XOR of the first two inputs, the third always 1 (it
    stands in for the bias the network does not have)."""
    rows = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]
    return _table(
        "xor_with_one",
        rows,
        [0, 1, 1, 0],
        "The 3-4-1 tutorial's table: XOR of inputs 1 and 2; input 3 is always 1, the "
        "network's bias in disguise.",
        ("input 1", "input 2", "input 3"),
    )
