"""Runs in a project file: their description as JSON, their arrays (history,
checkpoints, current weights) in one NPZ, each array named ``run<id>/<what>``.

Metrics that are not finite (the loss of a run that diverged) are written as the
strings "nan", "inf" and "-inf" (strict JSON has no such numbers).
"""

from __future__ import annotations

import math

import numpy as np

from nnstudio.engine.snapshot import PAUSED, RUNNING, STOPPED
from nnstudio.errors import NNStudioError
from nnstudio.model.runs import EPOCH_POINTS, STEP_POINTS, Checkpoint, Run, Runs, frozen
from nnstudio.model.series import Series


class RunsFileError(NNStudioError):
    """The runs stored in a project do not fit together."""


def runs_to_file(runs: Runs) -> tuple[list[dict], dict[str, np.ndarray]]:
    """The runs' JSON description and their arrays."""
    described, arrays = [], {}
    for run in runs:
        prefix = f"run{run.id}"
        moments = [*run.checkpoints, *([run.best] if run.best is not None else [])]
        for k, checkpoint in enumerate(moments):
            arrays.update(_weights_arrays(f"{prefix}/checkpoint{k}", checkpoint.weights))
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
                "epoch_metrics": list(run.epochs),
                "layers": len(run.weights),
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


def runs_from_file(described, arrays: dict[str, np.ndarray]) -> Runs:
    """Rebuild the runs; raise :class:`RunsFileError` saying what does not fit."""
    if not isinstance(described, list):
        raise RunsFileError("the runs are not a list")
    runs = []
    for entry in described:
        try:
            runs.append(_run(entry, arrays))
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            name = entry.get("name") if isinstance(entry, dict) else entry
            raise RunsFileError(f"run {name!r} is damaged ({exc!r})") from None
    ids = [run.id for run in runs]
    if len(set(ids)) != len(ids):
        raise RunsFileError(f"run ids repeat: {ids}")
    return Runs(runs)


def _run(entry: dict, arrays: dict[str, np.ndarray]) -> Run:
    prefix, sizes = f"run{int(entry['id'])}", _sizes(entry["network"])
    if int(entry["layers"]) != len(sizes) - 1:
        raise ValueError(f"{entry['layers']} weight pairs for a network of sizes {sizes}")
    parent = entry["parent"]
    checkpoints = entry["checkpoints"]
    start = checkpoints[0]
    run = Run(
        int(entry["id"]),
        str(entry["name"]),
        dict(entry["settings"]),
        dict(entry["network"]),
        dict(entry["dataset"]),
        _weights(arrays, f"{prefix}/checkpoint0", sizes),
        parent=(int(parent[0]), int(parent[1])) if parent else None,
        start_epoch=int(start["epoch"]),
        steps_per_epoch=int(entry["steps_per_epoch"]),
        created=float(entry["created"]),
    )
    run.checkpoints = [
        Checkpoint(
            int(c["step"]),
            int(c["epoch"]),
            str(c["reason"]),
            _weights(arrays, f"{prefix}/checkpoint{k}", sizes),
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
            _weights(arrays, f"{prefix}/checkpoint{len(checkpoints)}", sizes),
            _metrics_from_file(best["metrics"]),
        )
    run.weights = _weights(arrays, f"{prefix}/weights", sizes)
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


def _sizes(network: dict) -> list[int]:
    """Units per layer, input first, of a run's network spec."""
    return [int(network["inputs"]), *(int(layer["units"]) for layer in network["layers"])]


def _weights(arrays, prefix: str, sizes: list[int]):
    """The weights stored under ``prefix``, checked to be floats that chain from layer to
    layer in the run's network's ``sizes``."""
    pairs = [(arrays[f"{prefix}/{i}/W"], arrays[f"{prefix}/{i}/b"]) for i in range(len(sizes) - 1)]
    for w, b in pairs:
        if w.ndim != 2 or b.shape != (w.shape[1],):
            raise ValueError(f"{prefix}: weights of shapes {w.shape} and {b.shape}")
        check_values(w, b, prefix)
    for (w, _), (w_next, _) in zip(pairs, pairs[1:]):
        if w.shape[1] != w_next.shape[0]:
            raise ValueError(f"{prefix}: layers of {w.shape} and {w_next.shape} do not chain")
    shapes = [w.shape for w, _ in pairs]
    if shapes != list(zip(sizes[:-1], sizes[1:])):
        raise ValueError(f"{prefix}: weights of shapes {shapes} do not fit a {sizes} network")
    return frozen(pairs)


def check_values(w: np.ndarray, b: np.ndarray, where: str) -> None:
    """Raise ValueError unless a layer's stored weights and bias are finite float32 or
    float64 values of one precision (what every weights array in a project must be)."""
    if w.dtype not in (np.float32, np.float64) or b.dtype != w.dtype:
        raise ValueError(f"{where}: weights are not float32 or float64")
    if not (np.isfinite(w).all() and np.isfinite(b).all()):
        raise ValueError(f"{where}: weights are not all finite")


def _series_arrays(prefix: str, series: Series) -> dict[str, np.ndarray]:
    return {f"{prefix}/{key}": value for key, value in series.arrays().items()}


def _series(arrays, prefix: str, capacity: int) -> Series:
    keys = ("x", "y", "waiting_x", "waiting_y", "stride")
    return Series.from_arrays(capacity, {key: arrays[f"{prefix}/{key}"] for key in keys})
