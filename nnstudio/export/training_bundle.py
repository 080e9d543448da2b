"""The PyTorch training job: a folder that trains the project's network with PyTorch as
the studio trains it, on one machine or several (``torchrun``), and whose result
``nnstudio import-run`` brings back as a run (:mod:`nnstudio.export.bundle_run`).

The folder holds ``model.py`` (the PyTorch export's ``nn.Sequential``), ``train.py``
and ``studio_data.py`` (copies of :mod:`nnstudio.export.torch_train` and
:mod:`~nnstudio.export.torch_data`, which import nothing of nnstudio), ``bundle.json``
(the network, the data, its split and scaling, every training setting), the data — a
data file's own copies in ``data/`` (read by ``studio_data.py`` with the import's
choices, as nnstudio read them), or ``data.npz`` (a built-in set or the project's own,
as arrays) — ``weights.safetensors`` (the current weights), ``initial.safetensors`` (the
seed's, for ``--fresh``) and ``README.md``, the weights in the project's training
precision.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np

from nnstudio import __version__, datasets
from nnstudio.atomic import write_atomically
from nnstudio.datasets.csv_reader import MISSING
from nnstudio.datasets.delimited import sniff
from nnstudio.datasets.files import channels_first
from nnstudio.engine.losses import get_loss
from nnstudio.export import pytorch, torch_data
from nnstudio.export.model import ExportError, ExportModel, from_project
from nnstudio.model.project import Project
from nnstudio.model.references import FILE
from nnstudio.model.training import optimizer_options, settings_of, split_fractions

FORMAT, VERSION = "nnstudio-training-bundle", 1
MANIFEST, DATA, DATA_FOLDER, README = "bundle.json", "data.npz", "data", "README.md"
WEIGHTS, INITIAL = "weights.safetensors", "initial.safetensors"
TRAINED, HISTORY = "trained.safetensors", "history.json"  # what train.py writes
TRAINER = Path(__file__).with_name("torch_train.py")
READER = Path(__file__).with_name("torch_data.py")


def write_bundle(project: Project, folder, name: str = "network") -> list[Path]:
    """Write the training job of ``project`` into ``folder`` (new, or empty); return the
    files written. ExportError if the folder holds files or the settings have no
    PyTorch counterpart."""
    folder = Path(folder)
    settings = settings_of(project)
    if settings["optimizer"] == "perceptron":
        raise ExportError(
            "the perceptron rule trains step neurons, which have no gradient in PyTorch; "
            "choose another optimizer to export a training job"
        )
    model = from_project(project, name=name, allow_untrained=True)
    manifest = _manifest(project, model, settings)
    arrays = _data_arrays(project)
    section, copies = _data_section(project, torch_data.digest(arrays))
    manifest["data"].update(section)
    dtype = np.dtype(settings["dtype"])
    files = {
        MANIFEST: json.dumps(manifest, indent=1, allow_nan=False).encode("utf-8"),
        "model.py": pytorch.module_code(model, WEIGHTS, "model.py").encode("utf-8"),
        "train.py": TRAINER.read_bytes(),
        "studio_data.py": READER.read_bytes(),
        WEIGHTS: _safetensors(model, project.document.weights(), dtype),
        INITIAL: _safetensors(model, project.document.initial_weights(), dtype),
        README: _readme(model, manifest).encode("utf-8"),
    }
    _make(folder)
    written = []
    for file, data in files.items():
        write_atomically(folder / file, lambda f, data=data: f.write(data))
        written.append(folder / file)
    if not copies:
        write_atomically(folder / DATA, lambda f: np.savez_compressed(f, **arrays))
        return [*written, folder / DATA]
    (folder / DATA_FOLDER).mkdir()
    for copy, original in copies.items():
        try:
            shutil.copyfile(original, folder / copy)
        except OSError as exc:
            raise ExportError(
                f"cannot copy {original} into the job: {exc.strerror or exc}"
            ) from None
        written.append(folder / copy)
    return written


def _make(folder: Path) -> None:
    """Create ``folder``; refuse one that holds anything (the job never replaces a file
    it was not asked to write, nor mixes with an earlier job's results)."""
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file: the training job is a folder; choose a new name")
    if folder.is_dir() and any(folder.iterdir()):
        raise ExportError(
            f"{folder} is not empty: the training job is written into a new (or empty) "
            "folder; choose another"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {folder}: {exc.strerror or exc}") from None


def _manifest(project: Project, model: ExportModel, settings: dict) -> dict:
    """What train.py reads (and ``import-run`` checks a run against)."""
    data = project.load_dataset()
    net = model.network()
    loss = get_loss(settings["loss"], net.output_activation, settings["loss_reduction"])
    data.targets(net.n_outputs)  # DataError unless the output layer fits the data
    test, validation = split_fractions(project)
    return {
        "format": FORMAT,
        "version": VERSION,
        "producer": f"nnstudio {__version__}",
        "name": model.name,
        "network": project.document.spec(),
        "n_outputs": net.n_outputs,
        "dataset": project.dataset,
        "data": {
            "name": data.name,
            "task": data.task,
            "feature_names": list(data.feature_names),
            "class_names": None if data.class_names is None else list(data.class_names),
        },
        "split": {"test": test, "validation": validation, "seed": settings["seed"]},
        "scaling": model.scaler.method,
        "training": {
            "loss": loss.name,
            "loss_reduction": settings["loss_reduction"],
            "optimizer": settings["optimizer"],
            "lr": settings["lr"],
            "options": optimizer_options(settings),
            "batch_size": settings["batch_size"],
            "epochs": settings["epochs"],
            "target_loss": settings["target_loss"],
            "l1": settings["l1"],
            "l2": settings["l2"],
            "seed": settings["seed"],
            "shuffle": True,
            "dtype": settings["dtype"],
        },
        "weights": WEIGHTS,
        "initial": INITIAL,
        "fixed_at_zero": _biases_without_bias(model),
    }


def _biases_without_bias(model: ExportModel) -> list[str]:
    """The Sequential's bias tensors of layers that have none in nnstudio (``use_bias``
    false): PyTorch's module has one, which train.py keeps at zero."""
    return [
        f"{name}.bias" for layer, name in pytorch.weighted_modules(model) if not layer.spec.use_bias
    ]


def _safetensors(model: ExportModel, weights, dtype: np.dtype) -> bytes:
    """``weights`` [(W, b), ...] in the Sequential's names and layouts, in ``dtype``."""
    pairs = iter(weights)
    layers = tuple(
        replace(layer, **dict(zip(("weight", "bias"), (a.astype(dtype) for a in next(pairs)))))
        if layer.has_parameters
        else layer
        for layer in model.layers
    )
    tensors = pytorch.state_dict(replace(model, layers=layers))
    return pytorch.safetensors_bytes(tensors, {"format": "pt"})


def _data_arrays(project: Project) -> dict[str, np.ndarray]:
    """The data as nnstudio reads it (before the split and scaling), with the data's
    own test file if it has one: float64 rows, int64 classes or float64 targets."""
    data, test = project.load_dataset(), project.test_data()
    y_type = np.int64 if data.task == datasets.CLASSIFICATION else np.float64
    arrays = {"X": data.X.astype(np.float64, copy=False), "y": data.y.astype(y_type, copy=False)}
    if test is not None:
        arrays["X_test"] = test.X.astype(np.float64, copy=False)
        arrays["y_test"] = test.y.astype(y_type, copy=False)
    return arrays


def _data_section(project: Project, digest: str) -> tuple[dict, dict[str, Path]]:
    """How studio_data.py reads the data (its kind, files and choices, and ``digest``,
    of the arrays nnstudio read), and the data files to copy into the job (name → file)."""
    reference = project.dataset
    if reference.get("source") != FILE:
        return {"kind": torch_data.ARRAYS, "files": {"train": [DATA]}, "arrays_digest": digest}, {}
    parts = {"train": ("name", "labels"), "test": ("test", "test_labels")}
    copies: dict[str, Path] = {}
    files = {}
    for part, keys in parts.items():
        for key in keys:
            if key in reference:
                original = Path(reference[key])
                name = f"{DATA_FOLDER}/{original.name}"
                if name in copies:
                    name = f"{DATA_FOLDER}/{key}-{original.name}"
                copies[name] = original
                files.setdefault(part, []).append(name)
    section = {"files": files, "arrays_digest": digest}
    path = Path(reference["name"])
    if "labels" in reference:
        return {"kind": torch_data.IDX, **section}, copies
    if "import" in reference:
        options = datasets.TableImport.from_dict(reference["import"])
        layout, _, _ = sniff(path, options.delimiter, options.header)
        table = {
            "delimiter": layout.delimiter,
            "missing_cells": list(MISSING),
            "missing": options.missing,
            "encoding": project.table_encoding().to_dict(),
        }
        return {"kind": torch_data.TABLE, **section, "table": table}, copies
    return {"kind": torch_data.NPZ, **section, "npz": _npz_choices(path)}, copies


def _npz_choices(path: Path) -> dict:
    """The arrays nnstudio reads of an NPZ file, and the shape of images kept channels
    first in it (their rows are reordered to channels last)."""
    with np.load(path, allow_pickle=False) as arrays:
        shape = arrays["shape"] if "shape" in arrays.files else None
    first = None
    if shape is not None and len(shape) == 3 and channels_first(tuple(int(v) for v in shape)):
        first = [int(v) for v in shape]
    return {"x_key": "X", "y_key": "y", "channels_first": first}


def _readme(model: ExportModel, manifest: dict) -> str:
    training, data = manifest["training"], manifest["data"]
    epochs = (
        training["epochs"] if training["epochs"] is not None else "until stopped (give --epochs)"
    )
    return f"""# {model.name}: a PyTorch training job from nnstudio {__version__}

Trains the studio's network on `{data["name"]}` exactly as the studio would: the same split
(test {manifest["split"]["test"]:g}, validation {manifest["split"]["validation"]:g}, seed
{training["seed"]}), {manifest["scaling"]} scaling fitted on the training split, loss
{training["loss"]} ({training["loss_reduction"]}), {training["optimizer"]} at lr {training["lr"]:g},
batch {training["batch_size"]}, epochs {epochs}, L1 {training["l1"]:g}, L2 {training["l2"]:g}
(weights only), {training["dtype"]}.

    pip install torch numpy safetensors{" pandas" if manifest["data"]["kind"] == "table" else ""}
    python train.py                          # one process: a GPU if there is one, else CPU
    torchrun --nproc_per_node=4 train.py     # 4 processes/GPUs (DistributedDataParallel)
    python train.py --fresh                  # from the seed's initial weights, not the current
    python train.py --epochs 50              # more (or fewer) epochs than the project's

With several processes the batch of {training["batch_size"]} rows is shared among them
(`--batch-size` sets another); `nccl` is used with CUDA, `gloo` on CPU. After every epoch
`checkpoint.pt` is written: started again, `train.py` resumes from it. At the end it
writes `trained.safetensors` and `history.json`; bring them back with

    nnstudio import-run PROJECT.nnsp THIS_FOLDER

or File → Import run… in the studio. `model.py` loads the network for predictions
(`python model.py inputs.csv`). {_data_note(manifest["data"])}
"""


def _data_note(data: dict) -> str:
    if data["kind"] == torch_data.ARRAYS:
        return "The data travels in `data.npz` as nnstudio made it (before splitting and scaling)."
    files = ", ".join(f"`{name}`" for names in data["files"].values() for name in names)
    return f"""The data travels as the files themselves ({files}), read by `studio_data.py` as
nnstudio read them; `python train.py --data FILE` reads another file of the same columns
with the same choices (`--data IMAGES LABELS` for IDX, `--test-data` for a test file)."""
