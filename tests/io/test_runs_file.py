"""Runs written to their JSON description and arrays and read back (nnstudio.io.runs):
exact, strict JSON, and every kind of damage refused with a RunsFileError naming the run.
(Not test_runs.py: tests/model has one, and the test folders are not packages.)"""

import copy
import json

import numpy as np
import pytest

from nnstudio import datasets
from nnstudio.engine.network import Network
from nnstudio.engine.snapshot import DIVERGED, STOPPED
from nnstudio.engine.trainer import Trainer
from nnstudio.io.runs import RunsFileError, runs_from_file, runs_to_file
from nnstudio.model.runs import END, Run, Runs
from nnstudio.model.training import DEFAULT_SETTINGS


def through_file(runs):
    described, arrays = runs_to_file(runs)
    described = json.loads(json.dumps(described, allow_nan=False))  # as the file holds it
    return runs_from_file(described, dict(arrays))


def test_runs_come_back_exactly(trained_project, same_runs):
    project = trained_project()
    again = through_file(project.runs)
    same_runs(list(project.runs), list(again))
    assert again.next_id() == project.runs.next_id()


def test_a_run_that_diverged_is_written_as_strict_json():
    spec = {"inputs": 2, "layers": [{"units": 8, "activation": "relu"}, {"units": 1}]}
    data = datasets.load("xor", n_samples=40)
    net = Network.from_spec(spec, seed=1)
    # one batch an epoch: the batch that overflows ends an epoch, whose loss is infinite
    trainer = Trainer(net, data.X * 1e3, data.y * 1e3, optimizer="sgd", lr=10.0, batch_size=40)
    settings = {**DEFAULT_SETTINGS, "optimizer": "sgd", "lr": 10.0, "batch_size": 40}
    run = Run(1, "Run 1", settings, spec, {"name": "xor"}, net.get_weights())
    for snapshot in trainer.run():
        run.record(snapshot)
    assert run.status == DIVERGED and not np.isfinite(run.metrics["loss"])
    again = through_file(Runs([run]))[0]
    assert again.metrics.keys() == run.metrics.keys()
    assert again.metrics["loss"] == run.metrics["loss"]  # inf, with its sign
    assert again.checkpoints[-1].reason == END
    assert again.checkpoints[-1].metrics == run.checkpoints[-1].metrics
    x, y = again.curves()["loss"]
    np.testing.assert_array_equal(y, run.curves()["loss"][1])


def test_a_run_saved_while_it_trained_is_read_as_stopped(trained_project):
    project = trained_project()
    described, arrays = runs_to_file(project.runs)
    for status in ("running", "paused", "new"):
        described[-1]["status"] = status
        assert runs_from_file(described, arrays)[-1].status == STOPPED
    described[0]["status"] = "finished"
    assert runs_from_file(described, arrays)[0].status == "finished"


def _drop(described, arrays, key):
    del arrays[key]


def _unchained(described, arrays, key):
    rows, columns = arrays[key].shape
    arrays[key], arrays[key[:-1] + "b"] = np.zeros((rows, columns + 1)), np.zeros(columns + 1)


def _other_network(described, arrays, key):
    described[0]["network"]["layers"][0]["units"] += 1


def _missing(described, arrays, key):
    del described[0]["status"]


def _metrics_not_a_mapping(described, arrays, key):
    described[0]["metrics"] = [1, 2]


def _bad_metric(described, arrays, key):
    described[0]["checkpoints"][1]["metrics"]["loss"] = "low"


def _no_checkpoints(described, arrays, key):
    described[0]["checkpoints"] = []


def _integers(described, arrays, key):
    arrays[key] = arrays[key].astype(np.int64)


def _not_finite(described, arrays, key):
    arrays[key] = np.full_like(arrays[key], np.nan)


def _half_precision(described, arrays, key):
    arrays[key] = arrays[key].astype(np.float16)


def _series_apart(described, arrays, key):
    arrays["run1/steps/y"] = arrays["run1/steps/y"][:-1]


def _unknown_metric_series(described, arrays, key):
    described[0]["epoch_metrics"].append("f1")


@pytest.mark.parametrize(
    "damage,message",
    [
        (_drop, "run1/checkpoint1/0/W"),
        (_unchained, "do not chain"),
        (_other_network, "do not fit"),
        (_missing, "status"),
        (_metrics_not_a_mapping, "damaged"),
        (_bad_metric, "low"),
        (_no_checkpoints, "damaged"),
        (_integers, "not float32 or float64"),
        (_half_precision, "not float32 or float64"),
        (_not_finite, "not all finite"),
        (_series_apart, "do not fit together"),
        (_unknown_metric_series, "f1"),
    ],
)
def test_damaged_runs_are_refused_naming_the_run(trained_project, damage, message):
    project = trained_project()
    described, arrays = runs_to_file(project.runs)
    described, arrays = copy.deepcopy(described), dict(arrays)
    damage(described, arrays, "run1/checkpoint1/0/W")
    with pytest.raises(RunsFileError, match=message) as info:
        runs_from_file(described, arrays)
    assert "run 'Run 1' is damaged" in str(info.value)


def test_runs_that_are_not_a_list_or_repeat_an_id_are_refused(trained_project):
    described, arrays = runs_to_file(trained_project().runs)
    with pytest.raises(RunsFileError, match="not a list"):
        runs_from_file({"runs": described}, arrays)
    with pytest.raises(RunsFileError, match="damaged"):
        runs_from_file(["a run"], arrays)
    with pytest.raises(RunsFileError, match="ids repeat"):
        runs_from_file([described[0], described[0]], arrays)
