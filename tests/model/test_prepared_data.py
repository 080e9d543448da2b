"""The project's data as training sees it: prepared once while nothing it depends on
changes (MNIST's split and scaling take ~0.16 s, and every edit asks for it)."""

import numpy as np
import pytest

from nnstudio.model.document import NetworkDocument
from nnstudio.model.project import Project
from nnstudio.model.training import prepare_data


@pytest.fixture
def project():
    doc = NetworkDocument(inputs=2, outputs=1)
    return Project(document=doc, dataset={"name": "circle", "params": {"n_samples": 200}})


def test_asking_again_gives_the_same_arrays_read_only(project):
    parts, scaler = prepare_data(project)
    again, _ = prepare_data(project)
    assert again.train.X is parts.train.X
    with pytest.raises(ValueError):
        parts.train.X[0, 0] = 1.0  # shared: no one may change it


def test_new_settings_or_new_data_prepare_again(project):
    parts, _ = prepare_data(project)
    project.training["seed"] = 7
    reseeded, _ = prepare_data(project)
    assert not np.array_equal(reseeded.train.X, parts.train.X)  # another split
    project.dataset = {"name": "circle", "params": {"n_samples": 100}}
    smaller, _ = prepare_data(project)
    assert len(smaller.train.X) + len(smaller.test.X) == 100
