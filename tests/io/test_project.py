"""Project files: round trip, atomic saves, refusal of corrupt, newer and bomb files."""

import json
import zipfile

import numpy as np
import pytest

from nnstudio.io.project import ProjectError, load_project, save_project
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
