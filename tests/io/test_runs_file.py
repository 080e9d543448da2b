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


def test_a_convolutional_run_comes_back_with_its_kernels():
    spec = {
        "inputs": [6, 6, 1],
        "layers": [
            {"type": "conv2d", "filters": 2, "kernel_size": 3, "activation": "relu"},
            {"type": "maxpool2d", "pool_size": 2},
            {"type": "flatten"},
            {"units": 3, "activation": "softmax"},
        ],
    }
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 36)), rng.integers(0, 3, 12)
    net = Network.from_spec(spec, seed=1)
    run = Run(1, "Run 1", DEFAULT_SETTINGS, spec, {"name": "mine"}, net.get_weights())
    for snapshot in Trainer(net, X, y, epochs=2, batch_size=4).run():
        run.record(snapshot)
    again = through_file(Runs([run]))[0]
    assert [w.shape for w, _ in again.weights] == [(3, 3, 1, 2), (8, 3)]
    for (w, b), (w0, b0) in zip(again.weights, net.get_weights()):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(b, b0)


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
        (_unchained, "do not fit the network"),
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


# -- the fields a run keeps as they are: checked when read ----------------------------------


def _set(key, value, run=0):
    def damage(described, arrays, _):
        described[run][key] = value

    return damage


def _set_in(key, inner, value):
    def damage(described, arrays, _):
        described[0][key][inner] = value

    return damage


@pytest.mark.parametrize(
    "damage,message",
    [
        (_set("dataset", {"name": "spiral", "params": [1, 2]}), "params are not a mapping"),
        (_set("dataset", ["spiral"]), "dataset reference is not a mapping"),
        (_set("dataset", {"name": 3}), "dataset reference has no name"),
        (_set("dataset", {"name": "s", "params": "noise=1"}), "params are not a mapping"),
        (_set("settings", "adam"), "settings are not a mapping"),
        (_set("network", [2, 5, 3, 1]), "network is not a mapping"),
        (_set_in("network", "layers", []), "network is not valid: .*layers"),
        (_set_in("network", "inputs", "two"), "network is not valid"),
        (_set("parent", [1]), r"parent is not null or \[run id, step\] \(\[1\]\)"),
        (_set("parent", ["1", 3]), "parent is not null"),
        (_set("parent", [1, True]), "parent is not null"),
        (_set("parent", {"id": 1}), "parent is not null"),
        (_set("lr_changes", "0.1"), r"learning rate changes are not \[step, learning rate\]"),
        (_set("lr_changes", [[3, "fast"]]), "learning rate changes are not"),
        (_set("lr_changes", [[3, 0.1, 2]]), "learning rate changes are not"),
        (_set("lr_changes", [[-1, 0.1]]), "learning rate changes are not"),
        (_set("lr_changes", [[3, 0]]), "learning rate changes are not"),
        (_set("lr_changes", [[3.5, 0.1]]), "learning rate changes are not"),
        (_set("lr_changes", [[5, 0.1], [3, 0.2]]), r"not in step order \(\[5, 3\]\)"),
        (_set("lr_changes", [[5, 0.1], [5, 0.2]]), "not in step order"),
        (_set("name", ["Run 1"]), "name is not text"),
        (_set("weights_checkpoint", 99), "weights are those of checkpoint 99, of 10"),
        (_set("weights_checkpoint", "end"), "weights are those of checkpoint 'end'"),
        (_set("checkpoints", {}), "no checkpoints"),
    ],
)
def test_badly_typed_run_fields_are_refused_saying_which(trained_project, damage, message):
    described, arrays = runs_to_file(trained_project().runs)
    described = json.loads(json.dumps(described))
    damage(described, arrays, None)
    with pytest.raises(RunsFileError, match=f"is damaged .*{message}"):
        runs_from_file(described, arrays)


def test_a_bad_field_is_refused_before_anything_reads_it(trained_project):
    """The crash the check prevents: two runs' dataset references compared in words."""
    from nnstudio.model.runs import differences

    described, arrays = runs_to_file(trained_project().runs)
    described = json.loads(json.dumps(described))
    described[1]["dataset"] = {"name": "xor", "params": [1, 2]}
    with pytest.raises(RunsFileError, match="run 'Run 2' is damaged"):
        runs = runs_from_file(described, arrays)
        differences(runs[1], runs[0])  # TypeError: 'list' object is not a mapping


def test_a_run_that_is_not_a_mapping_is_named_by_its_place(trained_project):
    described, arrays = runs_to_file(trained_project().runs)
    with pytest.raises(RunsFileError, match=r"^run 2 in the file is damaged \(not a mapping\)"):
        runs_from_file([described[0], [1, 2]], arrays)


def test_a_missing_field_is_named(trained_project):
    described, arrays = runs_to_file(trained_project().runs)
    del described[0]["dataset"]
    with pytest.raises(RunsFileError, match=r"^run 'Run 1' is damaged \('dataset' missing\)$"):
        runs_from_file(described, arrays)


# -- learning rate changes --------------------------------------------------------------------


def test_learning_rate_changes_come_back(trained_project):
    runs = trained_project().runs
    assert runs[1].lr_changes == [(x, lr) for x, lr in runs[1].lr_changes]
    assert [lr for _, lr in runs[1].lr_changes] == [0.06, 0.12]
    again = through_file(runs)
    assert again[0].lr_changes == []
    assert again[1].lr_changes == runs[1].lr_changes
    assert all(isinstance(s, int) and isinstance(lr, float) for s, lr in again[1].lr_changes)
    assert again[1].lr == 0.12 and again[1].settings["lr"] == runs[1].settings["lr"]


def test_a_run_written_before_learning_rate_changes_were_kept_has_none(trained_project):
    described, arrays = runs_to_file(trained_project().runs)
    for entry in described:
        del entry["lr_changes"]
    assert [run.lr_changes for run in runs_from_file(described, arrays)] == [[], []]


def test_an_integer_learning_rate_is_read_as_a_float(trained_project):
    described, arrays = runs_to_file(trained_project().runs)
    described[1]["lr_changes"] = [[8, 1]]
    assert runs_from_file(described, arrays)[1].lr_changes == [(8, 1.0)]


# -- weights kept once --------------------------------------------------------------------------


def test_an_untrained_run_keeps_its_start_weights_once():
    spec = {"inputs": 2, "layers": [{"units": 3, "activation": "tanh"}, {"units": 1}]}
    net = Network.from_spec(spec, seed=1)
    run = Run(1, "Run 1", DEFAULT_SETTINGS, spec, {"name": "xor"}, net.get_weights())
    described, arrays = runs_to_file(Runs([run]))
    assert described[0]["weights_checkpoint"] == 0
    assert sorted(arrays) == sorted(
        f"run1/{what}"
        for what in [
            *(f"checkpoint0/{i}/{p}" for i in range(2) for p in "Wb"),
            *(f"steps/{key}" for key in ("x", "y", "waiting_x", "waiting_y", "stride")),
        ]
    )
    again = through_file(Runs([run]))[0]
    assert again.weights is again.start.weights


def test_weights_that_are_the_best_checkpoints_are_kept_once(trained_project, same_runs):
    runs = trained_project().runs
    run = runs[0]
    run.weights = run.best.weights
    described, arrays = runs_to_file(runs)
    assert described[0]["weights_checkpoint"] == len(run.checkpoints)
    again = through_file(runs)
    assert again[0].weights is again[0].best.weights
    same_runs(list(runs), list(again))


def test_weights_equal_to_the_last_checkpoints_but_apart_are_read_as_one(trained_project):
    runs = trained_project().runs
    run = runs[1]
    run.weights = tuple((w.copy(), b.copy()) for w, b in run.weights)  # equal, not the same
    described, arrays = runs_to_file(runs)
    assert described[1]["weights_checkpoint"] is None and "run2/weights/0/W" in arrays
    again = runs_from_file(described, arrays)[1]
    assert again.weights is again.checkpoints[-1].weights
    assert "run2/weights/0/W" not in runs_to_file(Runs([again]))[1]


def test_a_run_without_a_name_is_named_by_its_place(trained_project):
    described, arrays = runs_to_file(trained_project().runs)
    described[1]["name"] = None
    with pytest.raises(RunsFileError, match=r"^run 2 in the file is damaged \(its name is not"):
        runs_from_file(described, arrays)
