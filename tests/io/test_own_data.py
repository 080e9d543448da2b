"""The datasets a project holds itself travel in its file exactly, and a damaged one is
refused naming it."""

import json
import zipfile

import numpy as np
import pytest

from nnstudio.datasets import entered
from nnstudio.io.project import ProjectError, load_project, save_project
from nnstudio.model.project import Project, own_reference
from nnstudio.model.training import make_run


def project_with_own_data() -> Project:
    project = Project.example()
    columns, rows = entered.parse_pasted("x1\tx2\ty\n0\t0\tno\n0\t1\tno\n1\t0\tno\n1\t1\tyes\n")
    project.own_data["AND"] = entered.from_rows(columns, rows, 2, name="AND")
    project.own_data["drawn"] = entered.from_points([[0.1, 2.0], [-1.5, 0.25]], [1, 0])
    project.dataset = own_reference("AND", project.own_data["AND"])
    return project


def test_own_datasets_come_back_exactly_and_train(tmp_path):
    project = project_with_own_data()
    save_project(project, tmp_path / "p.nnsp")
    again = load_project(tmp_path / "p.nnsp")
    assert again.dataset == project.dataset and list(again.own_data) == ["AND", "drawn"]
    assert again.dataset == own_reference("AND", again.own_data["AND"])  # the same content
    for name, data in project.own_data.items():
        back = again.own_data[name]
        np.testing.assert_array_equal(back.X, data.X)
        np.testing.assert_array_equal(back.y, data.y)
        assert (back.task, back.feature_names, back.class_names, back.name) == (
            data.task,
            data.feature_names,
            data.class_names,
            data.name,
        )
    assert again.load_dataset().class_names == ("no", "yes")
    assert make_run(again).parts.train.n_samples == 4  # a table trains on every row


def rewritten(path, tmp_path, change):
    """A copy of the project file at ``path`` with its project.json changed."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    body = json.loads(members["project.json"])
    change(body)
    members["project.json"] = json.dumps(body)
    out = tmp_path / "changed.nnsp"
    with zipfile.ZipFile(out, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return out


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda b: b["own_data"][0].update(class_names=["no"]), "'AND' is damaged.*not one of"),
        (lambda b: b["own_data"][0].update(task="ranking"), "'AND' is damaged.*task"),
        (lambda b: b["own_data"][1].update(feature_names=["x"]), "'drawn' is damaged.*names"),
        (lambda b: b["own_data"].append({"name": "more", "task": "regression"}), "missing"),
        (lambda b: b.update(own_data=[]), "dataset 'AND' is missing"),
        (lambda b: b["dataset"].update(source="cloud"), "source is unknown"),
    ],
)
def test_a_damaged_own_dataset_is_refused_naming_it(tmp_path, change, message):
    save_project(project_with_own_data(), tmp_path / "p.nnsp")
    with pytest.raises(ProjectError, match=message):
        load_project(rewritten(tmp_path / "p.nnsp", tmp_path, change))
