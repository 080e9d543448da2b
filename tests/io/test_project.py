"""Project files: round trip, atomic saves, refusal of corrupt, newer and bomb files."""

import io
import json
import zipfile

import numpy as np
import pytest

from nnstudio.engine.network import Network
from nnstudio.io.project import (
    VERSION,
    ProjectError,
    gather_project,
    load_project,
    save_project,
    write_project,
)
from nnstudio.model.project import Project


def _project():
    project = Project.example()
    project.document.set_units(1, 6)
    project.dataset = {"name": "spiral", "params": {"n_samples": 300, "noise": 0.2, "arms": 3}}
    project.document.bind_dataset(2, 3, "softmax")
    project.training = {"optimizer": "sgd", "lr": 0.1}
    project.layout = {"zoom": 0.8}
    return project


def _rewrite(path, **members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_round_trip_is_identical(tmp_path):
    project = _project()
    save_project(project, tmp_path / "p.nnsp")
    again = load_project(tmp_path / "p.nnsp")
    assert again.to_dict() == project.to_dict()


def test_trained_weights_travel_with_the_project(tmp_path):
    project = _project()
    trained = [(w + 1.0, b - 0.5) for w, b in project.document.weights()]
    project.document.set_weights(trained)
    save_project(project, tmp_path / "p.nnsp")
    again = load_project(tmp_path / "p.nnsp")
    for (a, b), (c, d) in zip(again.document.weights(), trained):
        assert np.array_equal(a, c) and np.array_equal(b, d)


def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "p.nnsp"
    save_project(_project(), path)
    before = path.read_bytes()
    bad = _project()
    monkeypatch.setattr(Project, "to_dict", lambda self: {"x": float("nan")})
    with pytest.raises(ValueError):
        save_project(bad, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.nnsp"]


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "not a readable project file"),
        (b"garbage", "not a readable project file"),
    ],
)
def test_corrupt_files_are_refused(tmp_path, content, message):
    path = tmp_path / "p.nnsp"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        load_project(path)


def test_a_newer_project_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "p.nnsp"
    body = {"format": "nnstudio.project", "schema_version": 7, **_project().to_dict()}
    _rewrite(path, **{"project.json": json.dumps(body)})
    with pytest.raises(ProjectError, match="newer nnstudio .* version 7"):
        load_project(path)


@pytest.mark.parametrize(
    "members,message",
    [
        ({"project.json": "{not json"}, "not valid JSON"),
        ({"project.json": json.dumps({"format": "other"})}, "not an nnstudio project"),
        ({"weights.npz": b""}, "no project.json"),
        ({"project.json": "{}", "../evil.sh": "rm -rf /"}, "unexpected files"),
        (
            {
                "project.json": json.dumps(
                    {
                        "format": "nnstudio.project",
                        "schema_version": 1,
                        "network": {"layers": [{"name": "a"}]},
                    }
                )
            },
            "network is not valid",
        ),
    ],
)
def test_malformed_projects_are_refused(tmp_path, members, message):
    path = tmp_path / "p.nnsp"
    _rewrite(path, **members)
    with pytest.raises(ProjectError, match=message):
        load_project(path)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.nnsp"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.json", b" " * (20 << 20))
    assert path.stat().st_size < 100_000
    with pytest.raises(ProjectError, match="unpacks to 20 MiB; refusing it"):
        load_project(path)


# -- version 2: the weights and the runs travel with the project ------------------------------

UNPICKLED = []


def _mark(text):
    UNPICKLED.append(text)
    return text


class _Trap:
    """Unpickling it leaves a mark (a file that runs code when opened)."""

    def __reduce__(self):
        return _mark, ("unpickled",)


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _npz_arrays(data: bytes) -> dict:
    with np.load(io.BytesIO(data)) as npz:
        return {key: npz[key] for key in npz.keys()}


def _npz_bytes(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _same(a, b) -> bool:
    return a.dtype == b.dtype and np.array_equal(a, b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_trained_project_comes_back_exactly(tmp_path, trained_project, same_runs, dtype):
    project = trained_project(dtype)
    weights = project.document.explicit_weights()
    assert {w.dtype for w, _ in weights} == {np.dtype(dtype)}
    X = project.load_dataset().X
    net = Network.from_spec(project.document.spec(), dtype=dtype)
    net.set_weights(weights)
    predictions = net.predict(X)
    save_project(project, tmp_path / "p.nnsp")
    assert set(_members(tmp_path / "p.nnsp")) == {"project.json", "weights.npz", "runs.npz"}

    again = load_project(tmp_path / "p.nnsp")
    loaded = again.document.explicit_weights()
    assert loaded is not None and len(loaded) == len(weights)
    assert all(_same(w, w0) and _same(b, b0) for (w, b), (w0, b0) in zip(loaded, weights))
    net = Network.from_spec(again.document.spec(), dtype=dtype)
    net.set_weights(loaded)
    assert np.array_equal(net.predict(X), predictions)
    assert again.to_dict() == project.to_dict()
    assert [run.parent for run in again.runs] == [None, (1, again.runs[1].start.step)]
    same_runs(list(project.runs), list(again.runs))


def test_an_untrained_project_writes_no_weights_and_comes_back_untrained(tmp_path):
    project = _project()
    assert project.document.explicit_weights() is None
    save_project(project, tmp_path / "p.nnsp")
    assert set(_members(tmp_path / "p.nnsp")) == {"project.json"}
    again = load_project(tmp_path / "p.nnsp")
    assert again.document.explicit_weights() is None and len(again.runs) == 0
    for (w, b), (w0, b0) in zip(again.document.weights(), project.document.initial_weights()):
        assert _same(w, w0) and _same(b, b0)


@pytest.mark.parametrize("with_weights", [True, False])
def test_a_version_1_file_opens_with_no_runs(tmp_path, with_weights):
    project = _project()
    trained = [(w * 3 + 0.25, b - 1) for w, b in project.document.weights()]
    project.document.set_weights(trained)
    body = {"format": "nnstudio.project", "schema_version": 1, **project.to_dict()}
    members = {"project.json": json.dumps(body)}
    if with_weights:
        members["weights.npz"] = _npz_bytes(gather_project(project).weights)
    _rewrite(tmp_path / "old.nnsp", **members)
    again = load_project(tmp_path / "old.nnsp")
    assert len(again.runs) == 0 and again.to_dict() == project.to_dict()
    if with_weights:
        for (w, b), (w0, b0) in zip(again.document.explicit_weights(), trained):
            assert _same(w, w0) and _same(b, b0)
    else:
        assert again.document.explicit_weights() is None


def _without_an_array(members):
    arrays = _npz_arrays(members["runs.npz"])
    del arrays["run2/checkpoint1/1/W"]
    members["runs.npz"] = _npz_bytes(arrays)


def _unchained(members):
    arrays = _npz_arrays(members["runs.npz"])
    arrays["run1/checkpoint0/0/W"] = np.zeros((2, 9), np.float32)
    arrays["run1/checkpoint0/0/b"] = np.zeros(9, np.float32)
    members["runs.npz"] = _npz_bytes(arrays)


def _entry_without(key):
    def damage(members):
        body = json.loads(members["project.json"])
        del body["runs"][1][key]
        members["project.json"] = json.dumps(body)

    return damage


def _runs_not_npz(members):
    buffer = io.BytesIO()
    np.save(buffer, np.arange(3.0))
    members["runs.npz"] = buffer.getvalue()


def _no_runs_npz(members):
    del members["runs.npz"]


@pytest.mark.parametrize(
    "damage,message",
    [
        (_without_an_array, r"run 'Run 2' is damaged .*run2/checkpoint1/1/W"),
        (_unchained, "run 'Run 1' is damaged .*do not fit the network"),
        (_entry_without("checkpoints"), "run 'Run 2' is damaged .*checkpoints"),
        (_entry_without("network"), "run 'Run 2' is damaged .*network"),
        (_runs_not_npz, "runs.npz is not a readable NPZ archive"),
        (_no_runs_npz, "run 'Run 1' is damaged"),
    ],
)
def test_damaged_runs_are_refused_with_a_clear_message(tmp_path, trained_project, damage, message):
    path = tmp_path / "p.nnsp"
    save_project(trained_project(), path)
    members = _members(path)
    damage(members)
    _rewrite(path, **members)
    with pytest.raises(ProjectError, match=f"^p.nnsp: .*{message}"):
        load_project(path)


def test_arrays_are_never_unpickled(tmp_path, trained_project):
    path = tmp_path / "p.nnsp"
    save_project(trained_project(), path)
    members = _members(path)
    arrays = _npz_arrays(members["runs.npz"])
    arrays["run1/weights/0/W"] = np.array([_Trap()], dtype=object)
    members["runs.npz"] = _npz_bytes(arrays)
    _rewrite(path, **members)
    UNPICKLED.clear()
    with pytest.raises(ProjectError, match="runs.npz: array .* holds Python objects"):
        load_project(path)
    assert UNPICKLED == []
    np.load(io.BytesIO(members["runs.npz"]), allow_pickle=True)["run1/weights/0/W"]
    assert UNPICKLED == ["unpickled"]  # the trap works: it was not sprung above


def test_a_newer_version_of_a_trained_project_is_refused(tmp_path, trained_project):
    path = tmp_path / "p.nnsp"
    save_project(trained_project(), path)
    members = _members(path)
    body = json.loads(members["project.json"])
    assert body["schema_version"] == VERSION
    body["schema_version"] = VERSION + 1
    members["project.json"] = json.dumps(body)
    _rewrite(path, **members)
    with pytest.raises(ProjectError, match=f"newer nnstudio .* version {VERSION + 1}"):
        load_project(path)


def _bad_run_dataset(reference):
    def damage(members):
        body = json.loads(members["project.json"])
        body["runs"][1]["dataset"] = reference
        members["project.json"] = json.dumps(body)

    return damage


def _bad_run_field(key, value):
    def damage(members):
        body = json.loads(members["project.json"])
        body["runs"][0][key] = value
        members["project.json"] = json.dumps(body)

    return damage


@pytest.mark.parametrize(
    "damage,message",
    [
        (
            _bad_run_dataset({"name": "spiral", "params": [1, 2]}),
            r"run 'Run 2' is damaged \(the dataset's params are not a mapping \(\[1, 2\]\)\)",
        ),
        (_bad_run_dataset("spiral"), r"run 'Run 2' is damaged \(the dataset reference is not"),
        (
            _bad_run_dataset({"params": {}}),
            "run 'Run 2' is damaged .*dataset reference has no name",
        ),
        (_bad_run_field("settings", [1]), "run 'Run 1' is damaged .*settings are not a mapping"),
        (_bad_run_field("network", "2-4-1"), "run 'Run 1' is damaged .*network is not a mapping"),
        (_bad_run_field("parent", [1]), r"run 'Run 1' is damaged .*parent is not null or \[run id"),
        (_bad_run_field("lr_changes", {"3": 0.1}), "run 'Run 1' is damaged .*learning rate"),
    ],
)
def test_a_project_with_a_badly_described_run_opens_with_a_clear_error(
    tmp_path, trained_project, damage, message
):
    path = tmp_path / "p.nnsp"
    save_project(trained_project(), path)
    members = _members(path)
    damage(members)
    _rewrite(path, **members)
    with pytest.raises(ProjectError, match=f"^p.nnsp: {message}"):
        load_project(path)


def test_a_project_whose_own_dataset_params_are_not_a_mapping_is_refused(tmp_path):
    body = {"format": "nnstudio.project", "schema_version": VERSION, **_project().to_dict()}
    body["dataset"] = {"name": "spiral", "params": [1, 2]}
    _rewrite(tmp_path / "p.nnsp", **{"project.json": json.dumps(body)})
    with pytest.raises(ProjectError, match=r"^p.nnsp: the project's data: .*params are not a"):
        load_project(tmp_path / "p.nnsp")


# -- gathered, then written: what autosave does on two threads -------------------------------


def test_gathered_contents_written_later_hold_the_moment_they_were_gathered(
    tmp_path, trained_project, same_runs
):
    project = trained_project()
    kept = load_project(_saved(project, tmp_path / "before.nnsp"))
    contents = gather_project(project)
    # the project goes on changing while the contents wait to be written
    run = project.runs[-1]
    project.runs.rename(run, "renamed")
    run.settings["lr"] = 9.0
    run.dataset["params"]["n_samples"] = 1
    run.lr_changes.append((run.step + 1, 0.5))
    run.steps.extend(np.arange(3.0) + run.step, np.ones(3))
    run.epochs["loss"].extend(np.array([run.step + 3.0]), np.array([0.25]))
    project.training["epochs"] = 99
    for w, b in project.document.explicit_weights():
        w += 1.0
        b -= 1.0
    write_project(contents, tmp_path / "later.nnsp")

    again = load_project(tmp_path / "later.nnsp")
    same_runs(list(kept.runs), list(again.runs))
    assert again.to_dict() == kept.to_dict()
    for (w, b), (w0, b0) in zip(again.document.weights(), kept.document.weights()):
        assert _same(w, w0) and _same(b, b0)


def _saved(project, path):
    save_project(project, path)
    return path


def test_gathering_copies_nothing_that_cannot_change(trained_project):
    project = trained_project()
    runs_arrays = gather_project(project).run_arrays
    for run in project.runs:
        for k, checkpoint in enumerate(run.checkpoints):
            assert runs_arrays[f"run{run.id}/checkpoint{k}/0/W"] is checkpoint.weights[0][0]
    for array in runs_arrays.values():
        assert not np.shares_memory(array, project.runs[-1].steps.x)
        assert not np.shares_memory(array, project.runs[-1].steps.y)


def test_a_write_that_fails_midway_leaves_the_previous_file_intact(
    tmp_path, trained_project, monkeypatch
):
    import nnstudio.io.project as project_io

    path = tmp_path / "p.nnsp"
    save_project(_project(), path)
    before = path.read_bytes()
    contents = gather_project(trained_project())
    written = []

    def full_disk(archive, member, arrays):
        archive.writestr(member, b"x" * 1000)  # part of it went out
        written.append(member)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_io, "_write_npz", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_project(contents, path)
    assert written == ["weights.npz"] and path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.nnsp"]


def test_arrays_are_written_as_numpy_writes_them(tmp_path, trained_project):
    project = trained_project("float64")
    contents = gather_project(project)
    members = _members(_saved(project, tmp_path / "p.nnsp"))
    for member, arrays in (("weights.npz", contents.weights), ("runs.npz", contents.run_arrays)):
        with zipfile.ZipFile(io.BytesIO(members[member])) as npz:
            assert sorted(npz.namelist()) == sorted(f"{key}.npy" for key in arrays)
            for key, array in arrays.items():
                expected = io.BytesIO()
                np.save(expected, array, allow_pickle=False)
                assert npz.read(f"{key}.npy") == expected.getvalue(), key


# -- each array once ------------------------------------------------------------------------


def test_a_runs_final_weights_are_stored_once(tmp_path, trained_project):
    project = trained_project()
    assert all(run.weights is run.checkpoints[-1].weights for run in project.runs)
    path = _saved(project, tmp_path / "p.nnsp")
    members = _members(path)
    arrays = _npz_arrays(members["runs.npz"])
    assert not [key for key in arrays if "/weights/" in key]
    body = json.loads(members["project.json"])
    assert [entry["weights_checkpoint"] for entry in body["runs"]] == [
        len(run.checkpoints) - 1 for run in project.runs
    ]
    again = load_project(path)
    for run, other in zip(project.runs, again.runs):
        assert other.weights is other.checkpoints[-1].weights
        for (w, b), (w0, b0) in zip(run.weights, other.weights):
            assert _same(w, w0) and _same(b, b0)


def test_a_run_saved_while_it_trains_keeps_its_newer_weights(tmp_path, trained_project):
    project = trained_project()
    run = project.runs[-1]
    run.weights = tuple((w * 2, b * 2) for w, b in run.weights)  # trained past its end
    path = _saved(project, tmp_path / "p.nnsp")
    body = json.loads(_members(path)["project.json"])
    assert body["runs"][-1]["weights_checkpoint"] is None
    again = load_project(path).runs[-1]
    for (w, b), (w0, b0) in zip(run.weights, again.weights):
        assert _same(w, w0) and _same(b, b0)
    assert again.weights[0][0] is not again.checkpoints[-1].weights[0][0]


def _written_the_old_way(project, path):
    """``project`` as version 2 files were written before each run's weights were kept
    once and its learning rate changes kept at all."""
    save_project(project, path)
    members = _members(path)
    body = json.loads(members["project.json"])
    arrays = _npz_arrays(members["runs.npz"])
    for entry, run in zip(body["runs"], project.runs):
        del entry["weights_checkpoint"], entry["lr_changes"]
        for i, (w, b) in enumerate(run.weights):
            arrays[f"run{run.id}/weights/{i}/W"], arrays[f"run{run.id}/weights/{i}/b"] = w, b
    members["project.json"] = json.dumps(body)
    members["runs.npz"] = _npz_bytes(arrays)
    _rewrite(path, **members)
    return path


def test_a_file_written_the_old_way_opens_exactly_and_is_saved_the_new_way(
    tmp_path, trained_project, same_runs
):
    project = trained_project()
    for run in project.runs:
        run.lr_changes = []  # the old files had none
    old = load_project(_written_the_old_way(project, tmp_path / "old.nnsp"))
    same_runs(list(project.runs), list(old.runs))
    assert all(run.weights is run.checkpoints[-1].weights for run in old.runs)
    again = _saved(old, tmp_path / "new.nnsp")
    assert not [key for key in _npz_arrays(_members(again)["runs.npz"]) if "/weights/" in key]
    assert (tmp_path / "new.nnsp").stat().st_size < (tmp_path / "old.nnsp").stat().st_size


def _project_json_with(change) -> str:
    from nnstudio.io.project import VERSION

    body = {"format": "nnstudio.project", "schema_version": VERSION, **_project().to_dict()}
    change(body)
    return json.dumps(body)


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def change(body):
        place = body
        for key in keys[:-1]:
            place = place[key]
        place[keys[-1]] = value

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_set("training", "batch_size", "16"), "'batch_size' must be a whole number, got '16'"),
        (_set("training", "lr", -0.1), "'lr' must be from 1e-12 to below 1e\\+06, got -0.1"),
        (_set("training", "optimizer", "magic"), "'optimizer' must be one of sgd, adagrad"),
        (_set("training", "dtype", 3), "'dtype' must be one of float32, float64, got 3"),
        (_set("training", "warp", 9), "unknown training setting 'warp'"),
        (_set("training", [1, 2]), "the training settings are not a mapping"),
        (_set("network", "seed", -5), "the seed must be a whole number from 0 to 2\\*\\*63 - 1"),
        (_set("network", "seed", 2**70), "the seed must be a whole number"),
        (_set("dataset", "params", "noise"), "the dataset's params are not a mapping"),
        (_set("dataset", "params", "n_samples", 10**12), None),  # refused on use, not here
    ],
)
def test_every_field_of_project_json_is_checked_with_a_message(tmp_path, change, message):
    path = tmp_path / "p.nnsp"
    _rewrite(path, **{"project.json": _project_json_with(change)})
    if message is None:
        project = load_project(path)
        with pytest.raises(Exception, match="n_samples must be a whole number from 1 to"):
            project.load_dataset()
        return
    with pytest.raises(ProjectError, match=f"^p.nnsp: .*{message}"):
        load_project(path)


def test_json_nested_too_deeply_is_refused(tmp_path):
    path = tmp_path / "p.nnsp"
    _rewrite(path, **{"project.json": "[" * 200_000 + "]" * 200_000})
    with pytest.raises(ProjectError, match="nested too deeply"):
        load_project(path)


def test_a_project_too_big_to_be_opened_again_is_not_saved(tmp_path, monkeypatch):
    from nnstudio.io import project as project_file

    path = tmp_path / "p.nnsp"
    save_project(_project(), path)
    before = path.read_bytes()
    big = _project()
    big.document.set_weights([(w + 1.0, b) for w, b in big.document.weights()])
    monkeypatch.setitem(project_file.MEMBERS, "weights.npz", 100)
    with pytest.raises(ProjectError) as refused:
        save_project(big, path)
    assert str(refused.value).startswith(
        "p.nnsp cannot be saved: the network's weights take "
    ) and str(refused.value).endswith(
        "more than the 100 bytes a project holds; use fewer or narrower layers, then save again"
    )
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.nnsp"]


def test_the_largest_network_s_weights_fit_in_a_project_and_a_weights_file():
    from nnstudio.engine.network import MAX_PARAMETERS
    from nnstudio.io import npz
    from nnstudio.io import project as project_file

    assert project_file.MEMBERS["weights.npz"] == npz.WEIGHT_BYTES >= MAX_PARAMETERS * 8
