"""A run trained by a PyTorch training job (:mod:`nnstudio.export.training_bundle`)
brought back: its history and trained weights as a :class:`~nnstudio.model.runs.Run`
of the project, once the job is checked to have trained the project's network on the
project's data, split and scaled as the project does now.

run = read_run(project, "job")     # BundleError saying what does not fit
project.runs.add(run)
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np

from nnstudio.engine.spec import NetworkSpec
from nnstudio.errors import NNStudioError
from nnstudio.export import pytorch
from nnstudio.export.model import ExportModel, from_project
from nnstudio.export.training_bundle import (
    FORMAT,
    HISTORY,
    INITIAL,
    MANIFEST,
    TRAINED,
    VERSION,
    WEIGHTS,
)
from nnstudio.io.npz import computing_differences, same_scaling
from nnstudio.model.project import Project
from nnstudio.model.references import same_data
from nnstudio.model.runs import Run
from nnstudio.model.training import prepare_data, settings_of, split_fractions

METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")
HISTORY_FORMAT = "nnstudio-run-history"


class BundleError(NNStudioError):
    """A training job's folder or results that do not fit the project."""


def read_run(project: Project, folder) -> Run:
    """The run the job in ``folder`` trained, as a finished run of ``project`` (not yet
    added to its runs); BundleError if the job trained another network or data, was not
    run yet, or its files are damaged."""
    folder = Path(folder)
    manifest = _json(folder / MANIFEST, f"{folder} holds no training job ({MANIFEST})")
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BundleError(f"{folder / MANIFEST} is not an nnstudio training job of version 1")
    history = _json(
        folder / HISTORY,
        f"{folder} holds no {HISTORY} yet: run its train.py first (python train.py, or "
        "torchrun), then import the run",
    )
    digest = hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()[:16]
    if history.get("format") != HISTORY_FORMAT or history.get("bundle") != digest:
        raise BundleError(
            f"{folder / HISTORY} is not the history of this job's training (its "
            f"{MANIFEST} changed since, or the file comes from another job)"
        )
    if not isinstance(manifest.get("network"), dict):
        raise BundleError(f"{folder / MANIFEST} describes no network")
    _check_network(manifest["network"], project.document.spec())
    _check_data(manifest, history, project)
    model = from_project(project, allow_untrained=True)
    epochs, losses = _epochs(history), _losses(history)
    start = history.get("start")
    if start not in (WEIGHTS, INITIAL):
        raise BundleError(f"{folder / HISTORY}: it started from {start!r}, no file of the job")
    run = Run(
        project.runs.next_id(),
        f"PyTorch, {history.get('processes', 1)} × {history.get('device', 'cpu')}",
        {
            **settings_of(project),
            "epochs": len(epochs),
            "batch_size": _count(history.get("batch_size"), "batch_size"),
        },
        manifest["network"],
        manifest["dataset"],
        _weights(folder / start, model),
        steps_per_epoch=_count(history.get("steps_per_epoch"), "steps_per_epoch"),
    )
    seconds = history.get("seconds")
    seconds = float(seconds) if _finite(seconds) and seconds >= 0 else 0.0
    run.record_trained(losses, epochs, _weights(folder / TRAINED, model), seconds)
    return run


def _json(path: Path, missing: str) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleError(missing) from None
    except OSError as exc:
        raise BundleError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{path} is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise BundleError(f"{path} does not hold a mapping")
    return value


def _check_network(trained: dict, ours: dict) -> None:
    """The job's network is the project's: the same layers, types and shapes."""
    try:
        theirs, mine = NetworkSpec.from_dict(trained), NetworkSpec.from_dict(ours)
    except NNStudioError as exc:
        raise BundleError(f"the training job's network is not valid ({exc})") from None
    if theirs.shapes != mine.shapes or len(theirs.layers) != len(mine.layers):
        raise BundleError(
            "the training job trained another network: shapes "
            f"{_shapes(theirs)} there, {_shapes(mine)} in the project; export the job again "
            "or open the project it came from"
        )
    differences = computing_differences(theirs, mine, "the job")
    if differences:
        raise BundleError(f"the training job trained another network: {'; '.join(differences)}")


def _shapes(spec: NetworkSpec) -> str:
    return " → ".join("×".join(map(str, shape)) for shape in spec.shapes)


def _check_data(manifest: dict, history: dict, project: Project) -> None:
    """The job trained on the project's data, split and scaled as the project does."""
    other = history.get("data_files")
    if other:
        raise BundleError(
            f"the training job read other data files ({', '.join(map(str, other))}) than the "
            "project's: its weights answer inputs scaled by those files' statistics. Import "
            "a run trained on the project's own data, or open those files in a project and "
            "export a job from it"
        )
    reference = manifest.get("dataset")
    if not isinstance(reference, dict) or not same_data(reference, project.dataset):
        name = reference.get("name") if isinstance(reference, dict) else reference
        raise BundleError(
            f"the training job trained on {name!r}, the project uses "
            f"{project.dataset.get('name')!r} now: open that data again, or export a new job"
        )
    test, validation = split_fractions(project)
    seed = settings_of(project)["seed"]
    split = manifest.get("split") or {}
    if (split.get("test"), split.get("validation"), split.get("seed")) != (test, validation, seed):
        raise BundleError(
            f"the training job split its data otherwise (test {split.get('test')}, validation "
            f"{split.get('validation')}, seed {split.get('seed')}) than the project does now "
            f"(test {test}, validation {validation}, seed {seed})"
        )
    _, scaler = prepare_data(project)
    used = history.get("scaler")
    if not isinstance(used, dict) or not same_scaling(used, scaler.to_dict()):
        method = used.get("method") if isinstance(used, dict) else None
        raise BundleError(
            f"the training job scaled its inputs otherwise ({method!r}, with its statistics) "
            f"than the project does now ({scaler.method!r}): the weights would answer other "
            "inputs here"
        )


def _count(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BundleError(f"the job's {HISTORY} has no valid {what} ({value!r})")
    return value


def _epochs(history: dict) -> list[dict]:
    """Each epoch's metrics, checked: numbered 1, 2, …, finite numbers."""
    epochs = history.get("epochs")
    if not isinstance(epochs, list) or not epochs:
        raise BundleError(f"the job's {HISTORY} records no finished epoch")
    kept = []
    for number, entry in enumerate(epochs, 1):
        if not isinstance(entry, dict) or entry.get("epoch") != number:
            raise BundleError(f"the job's {HISTORY}: epoch {number} is damaged")
        metrics = {key: entry[key] for key in METRICS if key in entry}
        if "loss" not in metrics or not all(_finite(v) for v in metrics.values()):
            raise BundleError(f"the job's {HISTORY}: epoch {number} has no finite loss")
        kept.append({"epoch": number, **{k: float(v) for k, v in metrics.items()}})
    return kept


def _losses(history: dict) -> np.ndarray:
    steps = history.get("steps")
    if not isinstance(steps, list) or not all(_finite(v) for v in steps):
        raise BundleError(f"the job's {HISTORY}: its step losses are not finite numbers")
    return np.array(steps, dtype=np.float64)


def _finite(value) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return number and math.isfinite(value)


def _weights(path: Path, model: ExportModel) -> list[tuple[np.ndarray, np.ndarray]]:
    """The job's tensors at ``path`` as nnstudio's [(W, b), ...] for ``model``'s layers:
    every tensor the Sequential has, of its shape, finite."""
    if not path.exists():
        raise BundleError(f"{path.parent} holds no {path.name}: run its train.py first")
    tensors = pytorch.read_safetensors(path)
    expected = pytorch.state_dict(model)
    if sorted(tensors) != sorted(expected):
        raise BundleError(
            f"{path.name} holds the tensors {', '.join(sorted(tensors))}, the network has "
            f"{', '.join(sorted(expected))}"
        )
    weights = []
    for layer, name in pytorch.weighted_modules(model):
        for key in ("weight", "bias"):
            tensor, shape = tensors[f"{name}.{key}"], expected[f"{name}.{key}"].shape
            if tensor.shape != shape or not np.isfinite(tensor).all():
                raise BundleError(
                    f"{path.name}: {name}.{key} (layer {layer.name!r}) has shape "
                    f"{tensor.shape}, not {shape}, or values that are not finite"
                )
        weight = pytorch.FROM_TORCH[layer.type_name](tensors[f"{name}.weight"])
        weights.append((np.ascontiguousarray(weight), tensors[f"{name}.bias"]))
    return weights
