"""A project rebuilt from its dictionary form refuses a data reference it cannot use."""

import pytest

from nnstudio.model.document import DocumentError
from nnstudio.model.project import Project


@pytest.mark.parametrize(
    "dataset, problem",
    [
        ("spiral", "not a mapping"),
        ({"params": {}}, "has no name"),
        ({"name": "spiral", "params": [1, 2]}, "params are not a mapping"),
    ],
)
def test_a_bad_dataset_reference_is_refused_saying_why(dataset, problem):
    data = {**Project.example().to_dict(), "dataset": dataset}
    with pytest.raises(DocumentError, match=f"the project's data: .*{problem}"):
        Project.from_dict(data)


def test_a_good_reference_comes_back_as_it_was():
    project = Project.example()
    project.dataset = {"name": "spiral", "params": {"noise": 0.2}}
    assert Project.from_dict(project.to_dict()).dataset == project.dataset


def test_a_data_file_found_elsewhere_with_the_same_bytes_is_the_same_data(tmp_path):
    from nnstudio.model.project import CHANGED, MISSING, file_problem, file_reference, with_file
    from nnstudio.model.references import same_data

    first = tmp_path / "a.csv"
    first.write_text("x,y\n1,0\n2,1\n")
    reference = file_reference(first)
    assert file_problem(reference) is None
    moved = tmp_path / "b.csv"
    first.rename(moved)
    assert file_problem(reference) == ("name", MISSING)
    found = with_file(reference, "name", moved)
    assert file_problem(found) is None and same_data(found, reference)
    moved.write_text("x,y\n1,0\n2,0\n")
    assert file_problem(found) == ("name", CHANGED)
    assert not same_data(with_file(found, "name", moved), reference)
    circle = {"name": "circle", "params": {"noise": 0.1}}
    assert file_problem(circle) is None  # no file
    assert not same_data(circle, {"name": "circle", "params": {"noise": 0.2}})


def test_a_table_keeps_its_test_file_and_encoding_while_other_data_is_tried(tmp_path):
    from nnstudio.datasets import TableImport
    from nnstudio.model.project import file_reference

    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text("colour,label\n" + "red,a\nblue,b\n" * 5)
    test.write_text("colour,label\nblue,a\nred,b\n")
    project = Project.example()
    project.dataset = file_reference(train, TableImport(categorical=("colour",)), test=test)
    assert project.table_encoding().features[0].values == ("blue", "red")
    assert project.test_data().X.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    project.dataset_for({"name": "moons", "params": {}})  # looked at, not chosen
    project.dataset_for(file_reference(test, TableImport(categorical=("colour",))))
    assert project.test_data().n_samples == 2 and project.table_encoding() is not None
    project.dataset = {"name": "moons", "params": {}}
    assert project.table_encoding() is None and project.test_data() is None
