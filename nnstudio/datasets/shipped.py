"""The real datasets shipped in ``resources/datasets`` (see the README there)."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np

from nnstudio.datasets.dataset import CLASSIFICATION, Dataset
from nnstudio.datasets.files import load_csv
from nnstudio.errors import DataError

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "datasets"
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


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


def mnist() -> Dataset:
    """MNIST handwritten digits: 10,000 images, 28×28 pixels in [0, 1], 10 classes."""
    return _images(
        "mnist.npz",
        name="mnist",
        class_names=tuple(str(k) for k in range(10)),
        description=(
            "Real handwritten digits from MNIST (LeCun, Cortes & Burges): 10,000 of its "
            "28×28 images, pixels scaled to [0, 1] (0 is the background), 10 classes of 863 "
            "(fives) to 1,127 (ones) images. The default split trains on 8,000 and tests on "
            "2,000, a fifth of each digit; one hidden layer of 64 units gets about 94% of the "
            "test digits right."
        ),
    )


def fashion_mnist() -> Dataset:
    """Fashion-MNIST clothes: 10,000 images, 28×28 pixels in [0, 1], 10 classes."""
    return _images(
        "fashion_mnist.npz",
        name="fashion_mnist",
        class_names=FASHION_CLASSES,
        description=(
            "Zalando's Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): 10,000 photos of "
            "clothes, shoes and bags as 28×28 grey images, pixels scaled to [0, 1], 1,000 of "
            "each of 10 classes. Harder than the digits: shirts, T-shirts, pullovers and "
            "coats look alike (64 hidden units: about 85%). The default split trains on 800 "
            "and tests on 200 of each."
        ),
    )


def _images(file: str, name: str, class_names: tuple[str, ...], description: str) -> Dataset:
    """A shipped NPZ of ``images`` (n, h, w) uint8 and ``labels`` (n,) uint8 as a dataset
    of flat rows scaled to [0, 1] that keeps its ``image_shape``."""
    path = RESOURCES / file
    try:
        with np.load(path, allow_pickle=False) as npz:
            images, labels = npz["images"], npz["labels"]
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise DataError(f"{name}: cannot read {path} ({exc}); reinstall nnstudio") from None
    if (
        images.dtype != np.uint8
        or labels.dtype != np.uint8
        or images.ndim != 3
        or labels.shape != images.shape[:1]
        or labels.max(initial=0) >= len(class_names)
    ):
        raise DataError(f"{name}: {path} does not hold the expected images; reinstall nnstudio")
    n, height, width = images.shape
    return Dataset(
        X=images.reshape(n, height * width) / 255.0,
        y=labels.astype(np.int64),
        task=CLASSIFICATION,
        feature_names=tuple(f"pixel_{r}_{c}" for r in range(height) for c in range(width)),
        class_names=class_names,
        name=name,
        description=description,
        image_shape=(height, width),
    )
