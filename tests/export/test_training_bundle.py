"""The PyTorch training job: train.py trains as the studio trains (float64, to 1e-6),
on one process and under torchrun on two, and its run comes back into the project."""

import importlib.util
import json

import numpy as np
import pytest
from bundles import (
    ADAM,
    RMSPROP_SUM_L1,
    SGD_MOMENTUM,
    cnn_project,
    dense_project,
    regression_project,
    run_job,
    table_project,
)

from nnstudio.export import from_project
from nnstudio.export.bundle_run import read_run
from nnstudio.export.training_bundle import write_bundle
from nnstudio.model.training import make_run

TOLERANCE = 1e-6
FILES = [
    "bundle.json",
    "model.py",
    "train.py",
    "studio_data.py",
    "weights.safetensors",
    "initial.safetensors",
    "README.md",
    "data.npz",
]


def studio_training(project, shuffle: bool):
    """The studio's own run of ``project`` from its current weights: the trainer."""
    run = make_run(project, snapshot_interval=60)
    run.trainer.shuffle = shuffle
    for _ in run.trainer.run():
        pass
    return run.trainer


def largest_difference(job, trainer, project) -> float:
    """The largest difference between the job's run and the studio's: every weight and
    every epoch's metrics."""
    run = read_run(project, job)
    history = json.loads((job / "history.json").read_text())
    gaps = [
        np.abs(mine - theirs).max()
        for pair, other in zip(run.weights, trainer.net.get_weights())
        for mine, theirs in zip(pair, other)
    ]
    for key, values in trainer.history.items():
        theirs = [epoch[key] for epoch in history["epochs"]]
        gaps.append(np.abs(np.array(values) - theirs).max())
    assert len(history["steps"]) == trainer.step_count
    return float(max(gaps))


@pytest.mark.parametrize(
    "make, optimizer",
    [
        pytest.param(dense_project, SGD_MOMENTUM, id="dense-sgd-momentum-l2"),
        pytest.param(dense_project, ADAM, id="dense-adam-l2"),
        pytest.param(cnn_project, SGD_MOMENTUM, id="cnn-sgd-momentum-l2"),
        pytest.param(cnn_project, ADAM, id="cnn-adam-l2"),
        pytest.param(regression_project, RMSPROP_SUM_L1, id="mse-rmsprop-sum-l1"),
    ],
)
def test_train_py_trains_as_the_studio_does(tmp_path, make, optimizer):
    project = make(optimizer)
    job = tmp_path / "job"
    assert sorted(p.name for p in write_bundle(project, job)) == sorted(FILES)
    run_job(job, "--no-shuffle")
    gap = largest_difference(job, studio_training(project, shuffle=False), project)
    print(f"largest difference {gap:.2e}")
    assert gap <= TOLERANCE


def test_train_py_reads_the_projects_table_as_the_studio_does_and_trains_alike(tmp_path):
    project = table_project(SGD_MOMENTUM, tmp_path)
    job = tmp_path / "job"
    written = {p.relative_to(job).as_posix() for p in write_bundle(project, job)}
    assert written == {*FILES, "data/points.csv"} - {"data.npz"}
    run_job(job, "--no-shuffle")
    gap = largest_difference(job, studio_training(project, shuffle=False), project)
    print(f"largest difference {gap:.2e}")
    assert gap <= TOLERANCE

    more = tmp_path / "more.csv"  # the same columns, twice the rows
    rows = (tmp_path / "points.csv").read_text().splitlines()
    more.write_text("\n".join(rows + rows[1:]) + "\n")
    other = tmp_path / "other-job"
    write_bundle(project, other)
    output = run_job(other, "--data", str(more), "--epochs", "1")
    history = json.loads((other / "history.json").read_text())
    assert "epoch 1/1" in output and history["data_files"] == [str(more)]
    assert history["steps_per_epoch"] > 6  # the studio's 48 training rows take 6 batches


def load_model_py(folder):
    spec = importlib.util.spec_from_file_location("bundle_model", folder / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_torchrun_on_two_processes_trains_and_comes_back(tmp_path):
    project = cnn_project(ADAM, epochs=6)
    job = tmp_path / "job"
    write_bundle(project, job)
    output = run_job(job, processes=2)
    history = json.loads((job / "history.json").read_text())
    assert history["processes"] == 2 and "epoch 6/6" in output
    losses = [epoch["loss"] for epoch in history["epochs"]]
    assert losses[-1] < 0.8 * losses[0]
    # 36 training rows in batches of 8, 4 to a process: each step is the studio's batch
    gap = largest_difference(job, studio_training(project, shuffle=True), project)
    print(f"largest difference {gap:.2e}")
    assert gap <= TOLERANCE

    run = read_run(project, job)
    project.document.set_weights(run.weights)
    trained = load_model_py(job)
    (job / "weights.safetensors").write_bytes((job / "trained.safetensors").read_bytes())
    X = project.load_dataset().X
    np.testing.assert_allclose(
        from_project(project).predict(X), trained.predict(X), rtol=1e-5, atol=1e-6
    )
