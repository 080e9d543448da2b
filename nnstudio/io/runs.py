"""Runs in a project file: their description as JSON, their arrays (history,
checkpoints, current weights) in one NPZ, each array named ``run<id>/<what>``.

A run's current weights that are a checkpoint's (a run that ended, paused or was not
trained yet) are stored once: ``"weights_checkpoint": k`` says they are those of
``run<id>/checkpoint<k>``; without it (files written before, or weights newer than any
checkpoint) they are ``run<id>/weights``. ``"lr_changes"`` (absent in older files: none)
holds the [step, learning rate] pairs where the learning rate changed while it trained.

Metrics that are not finite (the loss of a run that diverged) are written as the
strings "nan", "inf" and "-inf" (strict JSON has no such numbers). Every entry is
checked before a run is built from it: a damaged file gives a :class:`RunsFileError`
naming the run and what is wrong, never a run that fails later.
"""

from __future__ import annotations

import math

import numpy as np

from nnstudio.engine.snapshot import PAUSED, RUNNING, STOPPED
from nnstudio.engine.spec import NetworkSpec
from nnstudio.errors import NNStudioError, shortened
from nnstudio.model.project import check_dataset
from nnstudio.model.runs import (
    EPOCH_POINTS,
    STEP_POINTS,
    Checkpoint,
    Run,
    Runs,
    frozen,
    same_weights,
)
from nnstudio.model.series import Series


class RunsFileError(NNStudioError):
    """The runs stored in a project do not fit together."""


def runs_to_file(runs: Runs) -> tuple[list[dict], dict[str, np.ndarray]]:
    """The runs' JSON description and their arrays: arrays that nothing changes
    afterwards (the checkpoints' and weights' are read-only; the histories' are copied),
    so that they can be written while the runs train on."""
    described, arrays = [], {}
    for run in runs:
        prefix = f"run{run.id}"
        moments = [*run.checkpoints, *([run.best] if run.best is not None else [])]
        for k, checkpoint in enumerate(moments):
            arrays.update(_weights_arrays(f"{prefix}/checkpoint{k}", checkpoint.weights))
        at = _checkpoint_holding(moments, run.weights)
        if at is None:
            arrays.update(_weights_arrays(f"{prefix}/weights", run.weights))
        arrays.update(_series_arrays(f"{prefix}/steps", run.steps))
        for key, series in run.epochs.items():
            arrays.update(_series_arrays(f"{prefix}/epochs/{key}", series))
        described.append(
            {
                "id": run.id,
                "name": run.name,
                "created": run.created,
                "settings": run.settings,
                "network": run.network,
                "dataset": run.dataset,
                "parent": list(run.parent) if run.parent else None,
                "steps_per_epoch": run.steps_per_epoch,
                "step": run.step,
                "epoch": run.epoch,
                "status": run.status,
                "training_seconds": run.training_seconds,
                "metrics": _metrics_to_file(run.metrics),
                "next_scheduled": run.next_scheduled,
                "lr_changes": [[step, lr] for step, lr in run.lr_changes],
                "epoch_metrics": list(run.epochs),
                "layers": len(run.weights),
                "weights_checkpoint": at,
                "checkpoints": [
                    {
                        "step": c.step,
                        "epoch": c.epoch,
                        "reason": c.reason,
                        "metrics": _metrics_to_file(c.metrics),
                    }
                    for c in run.checkpoints
                ],
                "best": None
                if run.best is None
                else {
                    "step": run.best.step,
                    "epoch": run.best.epoch,
                    "metrics": _metrics_to_file(run.best.metrics),
                },
            }
        )
    return described, arrays


def _checkpoint_holding(moments: list[Checkpoint], weights) -> int | None:
    """The index of the (newest) checkpoint whose weights are ``weights``' very arrays:
    a checkpoint keeps the run's weights of its moment without copying them, and they
    never change (:func:`~nnstudio.model.runs.frozen`)."""
    for k in reversed(range(len(moments))):
        held = moments[k].weights
        if len(held) == len(weights) and all(
            w is w0 and b is b0 for (w, b), (w0, b0) in zip(held, weights)
        ):
            return k
    return None


def runs_from_file(described, arrays: dict[str, np.ndarray]) -> Runs:
    """Rebuild the runs; raise :class:`RunsFileError` saying what does not fit."""
    if not isinstance(described, list):
        raise RunsFileError("the runs are not a list")
    runs = []
    for number, entry in enumerate(described, 1):
        named = isinstance(entry, dict) and isinstance(entry.get("name"), str)
        run = repr(entry["name"]) if named else f"{number} in the file"
        if not isinstance(entry, dict):
            raise RunsFileError(f"run {run} is damaged (not a mapping)")
        try:
            _check_entry(entry)
            runs.append(_run(entry, arrays))
        except KeyError as exc:
            raise RunsFileError(f"run {run} is damaged ({exc} missing)") from None
        except (NNStudioError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise RunsFileError(f"run {run} is damaged ({exc})") from None
    ids = [run.id for run in runs]
    if len(set(ids)) != len(ids):
        raise RunsFileError(f"run ids repeat: {ids}")
    return Runs(runs)


def _check_entry(entry: dict) -> None:
    """Raise ValueError (or KeyError) unless the fields a run keeps as they are, and
    that views read later, have the types they must have."""
    check_dataset(entry["dataset"])
    if not isinstance(entry["settings"], dict):
        raise ValueError("its settings are not a mapping")
    if not isinstance(entry["network"], dict):
        raise ValueError("its network is not a mapping")
    try:
        NetworkSpec.from_dict(entry["network"])
    except NNStudioError as exc:
        raise ValueError(f"its network is not valid: {exc}") from None
    parent = entry["parent"]
    if parent is not None and not (
        isinstance(parent, list) and len(parent) == 2 and all(_is_count(v) for v in parent)
    ):
        raise ValueError(f"its parent is not null or [run id, step] ({shortened(parent)})")
    changes = entry.get("lr_changes", [])
    if not isinstance(changes, list) or not all(
        isinstance(c, list) and len(c) == 2 and _is_count(c[0]) and _is_rate(c[1]) for c in changes
    ):
        raise ValueError("its learning rate changes are not [step, learning rate] pairs")
    steps = [step for step, _ in changes]
    if steps != sorted(set(steps)):
        raise ValueError(f"its learning rate changes are not in step order ({shortened(steps)})")
    if not isinstance(entry["name"], str):
        raise ValueError("its name is not text")
    if not isinstance(entry["checkpoints"], list) or not entry["checkpoints"]:
        raise ValueError("it has no checkpoints (not even where it started)")
    at = entry.get("weights_checkpoint")
    moments = len(entry["checkpoints"]) + (entry["best"] is not None)
    if at is not None and not (_is_count(at) and at < moments):
        raise ValueError(f"its weights are those of checkpoint {shortened(at)}, of {moments}")


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_rate(value) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return number and math.isfinite(value) and value > 0


def _run(entry: dict, arrays: dict[str, np.ndarray]) -> Run:
    prefix, shapes = f"run{int(entry['id'])}", weight_shapes(entry["network"])
    if int(entry["layers"]) != len(shapes):
        raise ValueError(f"{entry['layers']} weight pairs for a network with {len(shapes)}")
    parent = entry["parent"]
    checkpoints = entry["checkpoints"]
    start = checkpoints[0]
    run = Run(
        int(entry["id"]),
        entry["name"],
        dict(entry["settings"]),
        dict(entry["network"]),
        dict(entry["dataset"]),
        _weights(arrays, f"{prefix}/checkpoint0", shapes),
        parent=(parent[0], parent[1]) if parent else None,
        start_epoch=int(start["epoch"]),
        steps_per_epoch=int(entry["steps_per_epoch"]),
        created=float(entry["created"]),
    )
    run.checkpoints = [
        Checkpoint(
            int(c["step"]),
            int(c["epoch"]),
            str(c["reason"]),
            _weights(arrays, f"{prefix}/checkpoint{k}", shapes),
            _metrics_from_file(c["metrics"]),
        )
        for k, c in enumerate(checkpoints)
    ]
    best = entry["best"]
    if best is not None:
        run.best = Checkpoint(
            int(best["step"]),
            int(best["epoch"]),
            "best",
            _weights(arrays, f"{prefix}/checkpoint{len(checkpoints)}", shapes),
            _metrics_from_file(best["metrics"]),
        )
    moments = [*run.checkpoints, *([run.best] if run.best is not None else [])]
    at = entry.get("weights_checkpoint")
    if at is not None:
        run.weights = moments[at].weights
    else:  # stored apart; in a file written before, maybe the last checkpoint's again
        run.weights = _weights(arrays, f"{prefix}/weights", shapes)
        if same_weights(run.weights, run.checkpoints[-1].weights):
            run.weights = run.checkpoints[-1].weights  # kept (and saved next) once
    run.steps = _series(arrays, f"{prefix}/steps", STEP_POINTS)
    run.epochs = {
        str(key): _series(arrays, f"{prefix}/epochs/{key}", EPOCH_POINTS)
        for key in entry["epoch_metrics"]
    }
    run.step, run.epoch, run.status = int(entry["step"]), int(entry["epoch"]), str(entry["status"])
    if run.status in ("new", RUNNING, PAUSED):  # saved while it trained: it ended there
        run.status = STOPPED
    run.training_seconds = float(entry["training_seconds"])
    run.metrics = _metrics_from_file(entry["metrics"])
    run.next_scheduled = int(entry["next_scheduled"])
    run.lr_changes = [(step, float(lr)) for step, lr in entry.get("lr_changes", [])]
    return run


def _weights_arrays(prefix: str, weights) -> dict[str, np.ndarray]:
    arrays = {}
    for i, (w, b) in enumerate(weights):
        arrays[f"{prefix}/{i}/W"], arrays[f"{prefix}/{i}/b"] = w, b
    return arrays


def _metrics_to_file(metrics: dict) -> dict:
    return {key: value if math.isfinite(value) else str(value) for key, value in metrics.items()}


def _metrics_from_file(metrics: dict) -> dict:
    return {str(key): float(value) for key, value in metrics.items()}


def weight_shapes(network: dict) -> list[tuple[tuple, tuple]]:
    """The (W, b) shapes of each layer with parameters of a network spec (dense,
    convolutional, any registered type), in order."""
    spec = NetworkSpec.from_dict(network)
    pairs = [layer.parameter_shapes(shape) for layer, shape in zip(spec.layers, spec.shapes)]
    return [pair for pair in pairs if pair[0] is not None]


def _weights(arrays, prefix: str, shapes: list[tuple[tuple, tuple]]):
    """The weights stored under ``prefix``, checked to be floats of the shapes the run's
    network gives its layers."""
    pairs = [(arrays[f"{prefix}/{i}/W"], arrays[f"{prefix}/{i}/b"]) for i in range(len(shapes))]
    for (w, b), (w_shape, b_shape) in zip(pairs, shapes):
        if w.shape != tuple(w_shape) or b.shape != tuple(b_shape):
            raise ValueError(
                f"{prefix}: weights of shapes {w.shape} and {b.shape} do not fit the "
                f"network's {tuple(w_shape)} and {tuple(b_shape)}"
            )
        check_values(w, b, prefix)
    return frozen(pairs)


def check_values(w: np.ndarray, b: np.ndarray, where: str) -> None:
    """Raise ValueError unless a layer's stored weights and bias are finite float32 or
    float64 values of one precision (what every weights array in a project must be)."""
    if w.dtype not in (np.float32, np.float64) or b.dtype != w.dtype:
        raise ValueError(f"{where}: weights are not float32 or float64")
    if not (np.isfinite(w).all() and np.isfinite(b).all()):
        raise ValueError(f"{where}: weights are not all finite")


def _series_arrays(prefix: str, series: Series) -> dict[str, np.ndarray]:
    """The series' arrays, copied: a series grows in place while its run trains."""
    return {f"{prefix}/{key}": np.array(value) for key, value in series.arrays().items()}


def _series(arrays, prefix: str, capacity: int) -> Series:
    keys = ("x", "y", "waiting_x", "waiting_y", "stride")
    return Series.from_arrays(capacity, {key: arrays[f"{prefix}/{key}"] for key in keys})
