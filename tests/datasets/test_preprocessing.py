"""Splits are stratified and reproducible; scaling learns from the training split only."""

import numpy as np
import pytest

from nnstudio import datasets
from nnstudio.datasets import Dataset, Scaler
from nnstudio.errors import DataError


def _sorted_by_class(n_per_class=(50, 30, 20)):
    y = np.concatenate([np.full(n, c) for c, n in enumerate(n_per_class)])
    X = np.c_[np.arange(len(y)), y * 10.0]
    return Dataset(
        X=X, y=y, task="classification", feature_names=("i", "c"), class_names=("a", "b", "c")
    )


def test_split_is_stratified_even_for_a_file_sorted_by_class():
    parts = datasets.split(_sorted_by_class(), test=0.2, validation=0.1, seed=0)
    assert np.bincount(parts.test.y).tolist() == [10, 6, 4]
    assert np.bincount(parts.validation.y).tolist() == [5, 3, 2]
    assert np.bincount(parts.train.y).tolist() == [35, 21, 14]


def test_split_parts_are_disjoint_shuffled_and_reproducible():
    data = _sorted_by_class()
    a = datasets.split(data, test=0.2, seed=3)
    b = datasets.split(data, test=0.2, seed=3)
    c = datasets.split(data, test=0.2, seed=4)
    ids = [set(p.X[:, 0]) for p in (a.train, a.test)]
    assert not ids[0] & ids[1] and len(ids[0] | ids[1]) == data.n_samples
    assert np.array_equal(a.train.X, b.train.X) and not np.array_equal(a.train.X, c.train.X)
    assert not np.all(np.diff(a.train.y) >= 0)  # not left in class order
    assert a.validation is None


def test_regression_split_is_random_not_the_tail():
    X = np.arange(100.0)[:, None]
    data = Dataset(X=X, y=X[:, 0] * 2, task="regression", feature_names=("x",))
    test = datasets.split(data, test=0.2, seed=0).test
    assert len(test.y) == 20 and test.X.min() < 80


def test_bad_fractions_are_refused():
    with pytest.raises(DataError):
        datasets.split(_sorted_by_class(), test=0.7, validation=0.4)


@pytest.mark.parametrize("method", ["standard", "minmax"])
def test_scaling_uses_training_statistics_only(method):
    data = datasets.load("iris")
    parts, scaler = datasets.prepare(data, test=0.3, scaling=method, seed=0)
    raw = datasets.split(data, test=0.3, seed=0)
    fitted = Scaler.fit(raw.train.X, method)
    assert np.allclose(scaler.offset, fitted.offset) and np.allclose(scaler.scale, fitted.scale)
    assert np.allclose(parts.test.X, fitted.transform(raw.test.X))
    whole = Scaler.fit(data.X, method)
    assert not np.allclose(scaler.offset, whole.offset)
    if method == "standard":
        assert np.allclose(parts.train.X.mean(axis=0), 0, atol=1e-12)
    else:
        assert parts.train.X.min() == 0 and parts.train.X.max() == 1


def test_scaler_round_trips_through_json_form_and_inverts():
    X = np.random.default_rng(0).normal(3, 2, (20, 3))
    X[:, 2] = 5.0  # a constant feature keeps scale 1
    scaler = Scaler.fit(X)
    again = Scaler.from_dict(scaler.to_dict())
    assert np.allclose(again.transform(X), scaler.transform(X))
    assert np.allclose(scaler.inverse_transform(scaler.transform(X)), X)
    with pytest.raises(DataError):
        Scaler.from_dict({"method": "standard", "offset": [0], "scale": [0]})


def test_one_hot_and_targets_follow_class_order():
    data = _sorted_by_class((2, 1, 1))
    assert data.one_hot().tolist() == [[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert data.targets(3).shape == (4, 3)
    with pytest.raises(DataError, match="3 classes but the output layer has 2"):
        data.targets(2)


@pytest.mark.parametrize("name, tested", [("and", 0), ("parity3", 0), ("circle", 80)])
def test_only_a_dataset_large_enough_is_split_for_testing_by_default(name, tested):
    data = datasets.load(name)
    parts = datasets.split(data)
    held_out = 0 if parts.test is None else parts.test.n_samples
    assert held_out == tested and parts.train.n_samples == data.n_samples - tested
    asked = datasets.split(data, test=0.25)  # asked for: split however small
    assert asked.test is not None and asked.test.n_samples >= 1


@pytest.mark.parametrize("method", ["standard", "minmax"])
def test_features_whose_scale_overflows_are_refused_before_training(method):
    X = np.array([[1.0, 1e308], [2.0, -1e308], [3.0, 1e308]])
    data = datasets.Dataset(X, np.array([0, 1, 0]), "classification", ("a", "huge"), ("0", "1"))
    with pytest.raises(DataError, match="feature 'huge' holds values too large to scale"):
        datasets.prepare(data, test=0.0, scaling=method)
    parts, scaler = datasets.prepare(data, test=0.0, scaling="none")  # nothing to overflow
    assert np.isfinite(scaler.scale).all()
