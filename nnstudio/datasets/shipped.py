"""The real datasets shipped in ``resources/datasets`` (see the README there)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from nnstudio.datasets.dataset import Dataset
from nnstudio.datasets.files import load_csv

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "datasets"


def iris() -> Dataset:
    """Fisher's iris: 150 flowers, 4 measurements (cm), 3 species."""
    data = load_csv(RESOURCES / "iris.csv", label_column="species")
    return replace(
        data,
        name="iris",
        description=(
            "Fisher's iris flowers (1936): 4 measurements in cm, 3 species. Setosa is easy; "
            "versicolor and virginica overlap a little."
        ),
    )


def digits() -> Dataset:
    """8×8 handwritten digits: 1,797 images, 64 pixels (0–16), 10 classes."""
    data = load_csv(RESOURCES / "digits.csv.gz", label_column="digit")
    return replace(
        data,
        name="digits",
        image_shape=(8, 8),
        X=data.X / 16.0,
        description=(
            "Handwritten digits from UCI (Alpaydin & Kaynak, 1998): 8×8 images, pixels "
            "scaled to [0, 1], 10 classes. A small MNIST that trains in seconds."
        ),
    )
