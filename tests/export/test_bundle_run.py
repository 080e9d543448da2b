"""``nnstudio export --format pytorch-train`` and ``nnstudio import-run``: a job that
resumes, starts fresh, and comes back only into the project it fits."""

import json
import shutil

import numpy as np
import pytest
from bundles import ADAM, SGD_MOMENTUM, dense_project, run_job

from nnstudio.cli import main
from nnstudio.errors import NNStudioError
from nnstudio.export.bundle_run import read_run
from nnstudio.export.pytorch import read_safetensors, safetensors_bytes
from nnstudio.export.training_bundle import write_bundle
from nnstudio.io.project import load_project, save_project
from nnstudio.model.training import make_run


def edited_weights(project):
    """The project's network with weights of its own (not the seed's)."""
    rng = np.random.default_rng(7)
    project.document.set_weights(
        [
            (w + rng.normal(0, 0.3, w.shape), b + rng.normal(0, 0.3, b.shape))
            for w, b in project.document.weights()
        ]
    )
    return project


def studio_run(project, start=None):
    """The studio's trainer after training ``project`` (from ``start`` weights)."""
    if start is not None:
        project.document.set_weights(start)
    run = make_run(project, snapshot_interval=60)
    for _ in run.trainer.run():
        pass
    return run.trainer


@pytest.fixture(scope="module")
def trained_job(tmp_path_factory):
    """A project saved as p.nnsp, exported with the CLI and trained by its train.py: 2
    epochs, then started again to resume up to the project's 3."""
    folder = tmp_path_factory.mktemp("bundle")
    project = edited_weights(dense_project(ADAM))
    save_project(project, folder / "p.nnsp")
    assert (
        main(["export", str(folder / "p.nnsp"), "-f", "pytorch-train", "-o", str(folder / "job")])
        == 0
    )
    first = run_job(folder / "job", "--epochs", "2")
    resumed = run_job(folder / "job")
    assert "epoch 2/2" in first and "epoch 1/" not in resumed and "epoch 3/3" in resumed
    return folder


def fresh_copy(trained_job, tmp_path):
    shutil.copytree(trained_job, tmp_path / "copy")
    return load_project(tmp_path / "copy" / "p.nnsp"), tmp_path / "copy" / "job"


def test_a_resumed_job_trains_as_the_studio_does(trained_job):
    project = load_project(trained_job / "p.nnsp")
    trainer = studio_run(project)  # 3 epochs, shuffled, from the project's weights
    run = read_run(project, trained_job / "job")
    for (w, b), (w0, b0) in zip(run.weights, trainer.net.get_weights()):
        assert np.abs(w - w0).max() <= 1e-6 and np.abs(b - b0).max() <= 1e-6
    assert run.epoch == 3 and run.step == trainer.step_count
    np.testing.assert_allclose(run.epochs["val_loss"].data()[1], trainer.history["val_loss"])


def test_import_run_adds_the_run_and_its_weights_to_the_project(trained_job, tmp_path, capsys):
    project, job = fresh_copy(trained_job, tmp_path)
    before = len(project.runs)
    assert main(["import-run", str(tmp_path / "copy" / "p.nnsp"), str(job)]) == 0
    assert "3 epochs" in capsys.readouterr().out
    again = load_project(tmp_path / "copy" / "p.nnsp")
    assert len(again.runs) == before + 1
    run = again.runs[-1]
    assert run.status == "finished" and run.name.startswith("PyTorch")
    assert set(run.curves()) == {"loss", "val_loss", "accuracy", "val_accuracy"}
    steps, losses = run.curves()["loss"]
    assert steps[-1] == run.step and len(losses) == run.step
    assert [c.reason for c in run.checkpoints] == ["start", "end"]
    for (w, b), (w0, b0) in zip(again.document.weights(), run.weights):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(b, b0)
    tensors = read_safetensors(job / "trained.safetensors")
    np.testing.assert_array_equal(run.weights[0][0], tensors["0.weight"].T)


def test_fresh_starts_from_the_seeds_weights(trained_job, tmp_path):
    project, job = fresh_copy(trained_job, tmp_path)
    run_job(job, "--fresh", "--epochs", "1")
    run = read_run(project, job)
    initial = project.document.initial_weights()
    for (w, b), (w0, b0) in zip(run.start.weights, initial):
        np.testing.assert_array_equal(w, w0.astype(np.float64))
        np.testing.assert_array_equal(b, b0.astype(np.float64))
    project.training = {**project.training, "epochs": 1}
    trainer = studio_run(project, start=initial)
    assert np.abs(run.weights[0][0] - trainer.net.get_weights()[0][0]).max() <= 1e-6


def _other_network(project, job):
    project.document.set_units(1, 7)


def _other_activation(project, job):
    project.document.set_activation(1, "relu")


def _other_data(project, job):
    project.dataset = {**project.dataset, "params": {**project.dataset["params"], "seed": 2}}


def _other_scaling(project, job):
    project.training = {**project.training, "scaling": "minmax"}


def _other_split(project, job):
    project.training = {**project.training, "validation_split": 0.3}


def _not_trained(project, job):
    (job / "history.json").unlink()


def _another_jobs_history(project, job):
    manifest = json.loads((job / "bundle.json").read_text())
    (job / "bundle.json").write_text(json.dumps({**manifest, "name": "other"}))


def _trained_on_other_files(project, job):
    history = json.loads((job / "history.json").read_text())
    (job / "history.json").write_text(json.dumps({**history, "data_files": ["more.csv"]}))


def _cut_tensor(project, job):
    tensors = read_safetensors(job / "trained.safetensors")
    tensors["0.weight"] = tensors["0.weight"][:, :1]
    (job / "trained.safetensors").write_bytes(safetensors_bytes(tensors, {}))


def _broken_tensors(project, job):
    (job / "trained.safetensors").write_bytes(b"\xff" * 12)


@pytest.mark.parametrize(
    "change, message",
    [
        (_other_network, "trained another network: shapes 2 → 6 → 1 there, 2 → 7 → 1"),
        (_other_activation, "layer 1: activation 'tanh' in the job, 'relu' here"),
        (_other_data, "trained on 'moons'"),
        (_other_scaling, "scaled its inputs otherwise"),
        (_other_split, "split its data otherwise"),
        (_not_trained, "no history.json yet: run its train.py first"),
        (_another_jobs_history, "not the history of this job's training"),
        (_trained_on_other_files, r"read other data files \(more.csv\) than the project's"),
        (_cut_tensor, r"0.weight \(layer 'hidden_1'\) has shape \(6, 1\), not \(6, 2\)"),
        (_broken_tensors, "not a readable safetensors file"),
    ],
)
def test_a_run_that_does_not_fit_is_refused_saying_why(trained_job, tmp_path, change, message):
    project, job = fresh_copy(trained_job, tmp_path)
    change(project, job)
    with pytest.raises(NNStudioError, match=message):
        read_run(project, job)


def test_import_run_on_the_command_line_says_what_does_not_fit(trained_job, tmp_path, capsys):
    project, job = fresh_copy(trained_job, tmp_path)
    _other_activation(project, job)
    save_project(project, tmp_path / "copy" / "p.nnsp")
    written = (tmp_path / "copy" / "p.nnsp").read_bytes()
    assert main(["import-run", str(tmp_path / "copy" / "p.nnsp"), str(job)]) == 2
    assert "trained another network" in capsys.readouterr().err
    assert (tmp_path / "copy" / "p.nnsp").read_bytes() == written


def test_a_job_goes_only_into_a_new_or_empty_folder(tmp_path, capsys):
    project = dense_project(SGD_MOMENTUM)
    save_project(project, tmp_path / "p.nnsp")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    assert (
        main(
            [
                "export",
                str(tmp_path / "p.nnsp"),
                "-f",
                "pytorch-train",
                "-o",
                str(tmp_path / "full"),
            ]
        )
        == 2
    )
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]
    (tmp_path / "empty").mkdir()
    assert len(write_bundle(project, tmp_path / "empty")) == 8


def test_the_perceptron_rule_has_no_training_job(tmp_path):
    project = dense_project({"optimizer": "perceptron"})
    with pytest.raises(NNStudioError, match="perceptron rule .* no gradient in PyTorch"):
        write_bundle(project, tmp_path / "job")
    assert not (tmp_path / "job").exists()


def test_a_weights_file_has_no_training_job(tmp_path, capsys):
    (tmp_path / "w.npz").write_bytes(b"")
    assert (
        main(
            ["export", str(tmp_path / "w.npz"), "-f", "pytorch-train", "-o", str(tmp_path / "job")]
        )
        == 2
    )
    assert "written from a project" in capsys.readouterr().err
