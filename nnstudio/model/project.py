"""A project: the designed network, its dataset, training settings and canvas layout."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
from psygnal import Signal

from nnstudio import datasets
from nnstudio.errors import DataError, shortened
from nnstudio.model.document import (
    DEFAULT_INITIALIZER,
    HIDDEN,
    INPUT,
    OUTPUT,
    DocumentError,
    LayerState,
    NetworkDocument,
)
from nnstudio.model.references import FILE, FILE_KEYS, OWN
from nnstudio.model.runs import Runs

DEFAULT_DATASET = {"name": "circle", "params": {"n_samples": 400, "noise": 0.1, "seed": 0}}


def file_reference(
    path,
    options: datasets.TableImport | None = None,
    labels=None,
    test=None,
    test_labels=None,
    digests=None,
) -> dict:
    """The reference to the data file at ``path`` (a table imported with ``options``,
    with its own ``test`` file maybe; an IDX images file with its ``labels`` file, and
    maybe a ``test`` images file with its ``test_labels``; NPZ as it is), with digests
    of their bytes: a file that changed since is noticed.
    ``digests`` (path → sha256, a ``ReadProgress``'s) are those of files just read."""
    known = digests or {}

    def digest(file: Path) -> str:
        return (known.get(file) or _file_digest(file))[:16]

    path = Path(path).resolve()
    reference = {"name": str(path), "source": FILE, "digest": digest(path)}
    for key, other in (("labels", labels), ("test", test), ("test_labels", test_labels)):
        if other is not None:
            other = Path(other).resolve()
            reference.update({key: str(other), f"{key}_digest": digest(other)})
    return {**reference, "import": options.to_dict()} if options is not None else reference


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


MISSING, CHANGED = "missing", "changed"


def file_problem(reference: dict) -> tuple[str, str] | None:
    """The first of a file reference's files that is not as it was opened: its key
    ("name", "labels" or "test") and MISSING or CHANGED; None if all are (or it names no
    file)."""
    if reference.get("source") != FILE:
        return None
    for key, digest_key in FILE_KEYS.items():
        if key in reference:
            file = Path(reference[key])
            if not file.is_file():
                return key, MISSING
            if _file_digest(file)[:16] != reference.get(digest_key):
                return key, CHANGED
    return None


def with_file(reference: dict, key: str, path) -> dict:
    """``reference`` with its ``key`` file at ``path``, as its bytes are now."""
    path = Path(path).resolve()
    return {**reference, key: str(path), FILE_KEYS[key]: _file_digest(path)[:16]}


class DataFileProblem(DataError):
    """A data file of the reference is MISSING or CHANGED: ``key`` says which file."""

    def __init__(self, message: str, key: str, kind: str):
        super().__init__(message)
        self.key, self.kind = key, kind


class LoadedFile(NamedTuple):
    """A data file read: its data, its test file's (None: none) and, for a table, the
    encoding it was imported with (its categories, words, means and classes)."""

    data: datasets.Dataset
    test: datasets.Dataset | None = None
    encoding: datasets.TableEncoding | None = None


def load_file(reference: dict) -> LoadedFile:
    """A data file as it was imported, and its test file's data; refused if one moved
    or changed since."""
    path = Path(reference["name"])
    problem = file_problem(reference)
    if problem is not None:
        key, kind = problem
        file = Path(reference[key])
        if kind == MISSING:
            raise DataFileProblem(
                f"{file}: the data file is not there any more (moved or deleted?); locate "
                "it, or open another with Data → Open a data file…",
                key,
                kind,
            )
        raise DataFileProblem(
            f"{file} changed since it was opened: use it as it is now, or open it again "
            "(Data → Open a data file…)",
            key,
            kind,
        )
    if "labels" in reference:
        train = datasets.load_idx(path, reference["labels"])
        if "test" not in reference:
            return LoadedFile(train)
        test = datasets.load_idx_test(reference["test"], reference["test_labels"], train)
        return LoadedFile(train, test)
    if "import" in reference:
        options = datasets.TableImport.from_dict(reference["import"])
        train = datasets.load_table(path, options)
        test = reference.get("test")
        tested = datasets.load_table(test, options, encoding=train.encoding) if test else None
        return LoadedFile(train.dataset, tested.dataset if tested else None, train.encoding)
    return LoadedFile(datasets.load(str(path)))


def own_reference(name: str, data: datasets.Dataset) -> dict:
    """The reference to the project's own dataset ``name`` holding ``data``: with a
    digest of its content, so that a run trained on it before an edit reads as trained
    on other data."""
    digest = hashlib.sha256()
    for array in (data.X, data.y):
        digest.update(str((array.dtype, array.shape)).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(json.dumps([data.feature_names, data.class_names, data.task]).encode())
    return {"name": name, "source": OWN, "content": digest.hexdigest()[:16]}


@dataclass
class Project:
    """Everything a ``.nnsp`` file holds. ``dataset`` names a built-in dataset (with its
    parameters), a file, or one of ``own_data`` (tables typed or pasted in, points drawn:
    see :func:`own_reference`); ``training`` holds the training settings; ``runs`` what
    was trained. ``settings_changed()`` follows any change of the training settings."""

    document: NetworkDocument
    dataset: dict = field(default_factory=lambda: dict(DEFAULT_DATASET))
    training: dict = field(default_factory=dict)
    layout: dict = field(default_factory=dict)
    runs: Runs = field(default_factory=Runs)
    own_data: dict[str, datasets.Dataset] = field(default_factory=dict)
    _loaded: tuple[str, datasets.Dataset] | None = field(default=None, repr=False, compare=False)
    _adopted: tuple | None = field(default=None, repr=False, compare=False)
    # reference → its file as read: the current dataset's, and the last one read
    _files: dict[str, LoadedFile] = field(default_factory=dict, repr=False, compare=False)

    settings_changed = Signal()

    @classmethod
    def example(cls) -> Project:
        """The newcomer's start: a 2-4-4-1 network on the circle dataset."""
        doc = NetworkDocument(
            inputs=2, outputs=1, hidden=((4, "tanh"), (4, "tanh")), output_activation="sigmoid"
        )
        return cls(document=doc)

    def load_dataset(self) -> datasets.Dataset:
        """The project's dataset, loaded once per reference (datasets are immutable)."""
        key = json.dumps(self.dataset, sort_keys=True)
        if self._loaded is None or self._loaded[0] != key:
            self._loaded = (key, self.dataset_for(self.dataset))
        return self._loaded[1]

    def adopt(self, reference: dict, read: LoadedFile) -> None:
        """``read`` is what ``reference`` names, read already (a file just imported):
        using it next reads nothing again."""
        self._adopted = (json.dumps(reference, sort_keys=True), read)

    def test_data(self) -> datasets.Dataset | None:
        """The data of the dataset's own test file, if it came with one (it replaces the
        test split)."""
        return self._file_read().test

    def table_encoding(self) -> datasets.TableEncoding | None:
        """How the project's table file was imported (its columns' categories, words,
        means, its classes); None for other data."""
        return self._file_read().encoding

    def _file_read(self) -> LoadedFile:
        """The dataset's file as read (nothing beside the data for other datasets)."""
        data = self.load_dataset()
        return self._files.get(json.dumps(self.dataset, sort_keys=True), LoadedFile(data))

    def dataset_for(self, reference: dict) -> datasets.Dataset:
        """The dataset ``reference`` names: one of the project's own, a built-in one or
        a file; raise DataError if there is none."""
        if reference.get("source") == FILE:
            key, adopted = json.dumps(reference, sort_keys=True), self._adopted
            if adopted is not None and adopted[0] == key:  # once: later, read and check it
                self._adopted, read = None, adopted[1]
                self._loaded = (key, read.data)  # and load_dataset gives it too
            else:
                read = load_file(reference)
            current = json.dumps(self.dataset, sort_keys=True)
            self._files = {k: v for k, v in self._files.items() if k == current}
            self._files[key] = read
            return read.data
        if reference.get("source") == OWN:
            data = self.own_data.get(reference["name"])
            if data is None:
                raise DataError(f"this project holds no dataset {reference['name']!r}")
            return data
        return datasets.load(reference["name"], **reference.get("params", {}))

    def to_dict(self) -> dict:
        doc = self.document
        return {
            "network": {
                "layers": [layer.to_dict() for layer in doc.layers],
                "seed": doc.seed,
                "loss": doc.loss,
                "initializer": doc.initializer,
            },
            "dataset": self.dataset,
            "own_data": [
                {
                    "name": name,
                    "task": data.task,
                    "feature_names": list(data.feature_names),
                    "class_names": None if data.class_names is None else list(data.class_names),
                    "description": data.description,
                }
                for name, data in self.own_data.items()
            ],
            "training": self.training,
            "layout": self.layout,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Project:
        """Rebuild a project from :meth:`to_dict`'s form; raise DocumentError if bad."""
        try:
            network = data["network"]
            layers = [LayerState.from_dict(d) for d in network["layers"]]
            if any(layer.kind not in (INPUT, HIDDEN, OUTPUT) for layer in layers):
                raise DocumentError("unknown layer kind")
            doc = NetworkDocument()
            doc.set_layers(layers)
            doc.seed = int(network.get("seed", 0))
            doc.loss = network.get("loss")
            doc.set_initializer(str(network.get("initializer", DEFAULT_INITIALIZER)))
            dataset = data.get("dataset", dict(DEFAULT_DATASET))
            try:
                check_dataset(dataset)
            except ValueError as exc:
                raise DocumentError(f"the project's data: {exc}") from None
            training, layout = data.get("training", {}), data.get("layout", {})
            for what, value in (("training settings are", training), ("layout is", layout)):
                if not isinstance(value, dict):
                    raise DocumentError(f"the {what} not a mapping ({shortened(value)})")
            return cls(document=doc, dataset=dataset, training=dict(training), layout=dict(layout))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, DocumentError):
                raise
            raise DocumentError(f"the project's network is not valid ({exc!r})") from None


def check_dataset(reference) -> None:
    """Raise ValueError unless ``reference`` is a dataset reference: a mapping with a
    ``name`` (text) and, if given, ``params`` (a mapping)."""
    if not isinstance(reference, dict):
        raise ValueError(f"the dataset reference is not a mapping ({shortened(reference)})")
    if not isinstance(reference.get("name"), str):
        raise ValueError(f"the dataset reference has no name ({shortened(reference)})")
    params = reference.get("params", {})
    if not isinstance(params, dict):
        raise ValueError(f"the dataset's params are not a mapping ({shortened(params)})")
    if reference.get("source", OWN) not in (OWN, FILE):
        raise ValueError(f"the dataset's source is unknown ({shortened(reference['source'])})")
