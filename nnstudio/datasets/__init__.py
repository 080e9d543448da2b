"""Datasets: built-in toy sets, shipped real data, the user's own files, preprocessing.

from nnstudio import datasets
datasets.list()                       # names and descriptions
data = datasets.load("spiral", n_samples=600, noise=0.1, seed=0, arms=3)
data = datasets.load("my_table.csv", label_column="species")
parts, scaler = datasets.prepare(data, test=0.2, scaling="standard", seed=0)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

from nnstudio.datasets import shipped, toy
from nnstudio.datasets.dataset import CLASSIFICATION, REGRESSION, Dataset
from nnstudio.datasets.files import (
    load_csv,
    load_idx,
    load_idx_test,
    load_npz,
    read_idx,
    write_idx,
)
from nnstudio.datasets.preprocessing import (
    SCALINGS,
    SMALL_DATASET,
    Scaler,
    Split,
    automatic_test_split,
    prepare,
    split,
)
from nnstudio.datasets.progress import Cancelled, ReadProgress
from nnstudio.datasets.table import (
    ImportedTable,
    TableEncoding,
    TableImport,
    TablePreview,
    load_table,
    preview_table,
)
from nnstudio.errors import DataError

BUILTIN: dict[str, Callable[..., Dataset]] = {
    "circle": toy.circle,
    "xor": toy.xor,
    "gaussians": toy.gaussians,
    "spiral": toy.spiral,
    "moons": toy.moons,
    "blobs": toy.blobs,
    "plane": toy.plane,
    "multi_gaussian": toy.multi_gaussian,
    "sine": toy.sine,
    "and": toy.logic_and,
    "or": toy.logic_or,
    "xor_table": toy.logic_xor,
    "parity3": toy.parity3,
    "single_neuron": toy.single_neuron,
    "xor_with_one": toy.xor_with_one,
    "iris": shipped.iris,
    "digits": shipped.digits,
    "mnist": shipped.mnist,
    "fashion_mnist": shipped.fashion_mnist,
}
FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".gz", ".npz")


def list_datasets() -> list[dict]:
    """Every built-in dataset: name, one-line summary and the parameters it takes."""
    return [
        {
            "name": name,
            "summary": inspect.getdoc(make).splitlines()[0],
            "parameters": [*inspect.signature(make).parameters],
        }
        for name, make in BUILTIN.items()
    ]


def load(name: str, **params) -> Dataset:
    """A built-in dataset by name, or a file by path (CSV/TSV, NPZ; see the loaders).

    For IDX images use :func:`load_idx` with the image and label files.
    """
    make = BUILTIN.get(name)
    if make is not None:
        accepted = inspect.signature(make).parameters
        unknown = sorted(set(params) - set(accepted))
        if unknown:
            raise DataError(
                f"dataset {name!r} takes {', '.join(accepted) or 'no parameters'}"
                f"; got {', '.join(unknown)}"
            )
        _check_generator_params(name, params)
        return make(**params)
    path = Path(name)
    if path.suffix.lower() == ".npz":
        return load_npz(path, **params)
    if path.suffix.lower() in FILE_SUFFIXES or path.exists():
        return load_csv(path, **params)
    raise DataError(
        f"no built-in dataset or file called {name!r}; built-in datasets: {', '.join(BUILTIN)}"
    )


def _check_generator_params(name: str, params: dict) -> None:
    n = params.get("n_samples", 1)
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 10_000_000:
        raise DataError(f"{name}: n_samples must be a whole number from 1 to 10,000,000, got {n!r}")
    noise = params.get("noise", 0.0)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not 0 <= noise <= 10:
        raise DataError(f"{name}: noise must be a number from 0 to 10, got {noise!r}")


list = list_datasets  # noqa: A001 - the documented name: nnstudio.datasets.list()

__all__ = [
    "BUILTIN",
    "CLASSIFICATION",
    "Cancelled",
    "REGRESSION",
    "SCALINGS",
    "SMALL_DATASET",
    "Dataset",
    "ImportedTable",
    "ReadProgress",
    "Scaler",
    "Split",
    "TableEncoding",
    "TableImport",
    "TablePreview",
    "automatic_test_split",
    "list",
    "list_datasets",
    "load",
    "load_csv",
    "load_idx",
    "load_idx_test",
    "load_npz",
    "load_table",
    "prepare",
    "preview_table",
    "read_idx",
    "split",
    "write_idx",
]
