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
