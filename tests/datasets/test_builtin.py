"""Built-in datasets: shapes, seeds, descriptions, and the engine solves them."""

import numpy as np
import pytest

import nnstudio
from nnstudio import datasets
from nnstudio.errors import DataError

TWO_D = ["circle", "xor", "gaussians", "spiral", "moons", "blobs"]


@pytest.mark.parametrize("entry", datasets.list(), ids=lambda e: e["name"])
def test_every_builtin_loads_with_a_description(entry):
    data = datasets.load(entry["name"])
    assert data.n_samples > 0 and data.description
    assert np.isfinite(data.X).all()
    if data.task == datasets.CLASSIFICATION:
        assert set(np.unique(data.y)) == set(range(data.n_classes))


def test_size_text_says_what_the_data_holds():
    assert datasets.load("digits").size_text == "1,797 samples · 64 inputs · 10 classes"
    assert datasets.load("plane", n_samples=50).size_text == "50 samples · 2 inputs · 1 target"
    assert datasets.load("sine", n_samples=50).size_text == "50 samples · 1 input · 1 target"


@pytest.mark.parametrize("name", TWO_D + ["plane", "multi_gaussian"])
def test_generated_sets_follow_their_seed(name):
    a = datasets.load(name, n_samples=50, noise=0.2, seed=1)
    b = datasets.load(name, n_samples=50, noise=0.2, seed=1)
    c = datasets.load(name, n_samples=50, noise=0.2, seed=2)
    assert a.is_2d and a.n_samples == 50
    assert np.array_equal(a.X, b.X) and not np.array_equal(a.X, c.X)


def test_spiral_arms_and_blob_classes_set_the_class_count():
    assert datasets.load("spiral", arms=3).n_classes == 3
    assert datasets.load("blobs", classes=5).n_classes == 5
    with pytest.raises(DataError, match="arms must be 2 or 3"):
        datasets.load("spiral", arms=4)


@pytest.mark.parametrize(
    "params,message",
    [
        ({"n_samples": 0}, "n_samples"),
        ({"noise": -1}, "noise"),
        ({"colour": 1}, "colour"),
    ],
)
def test_bad_parameters_are_refused(params, message):
    with pytest.raises(DataError, match=message):
        datasets.load("circle", **params)


def test_truth_tables():
    assert datasets.load("xor_table").y.tolist() == [0, 1, 1, 0]
    parity = datasets.load("parity3")
    assert parity.y.tolist() == [int(row.sum()) % 2 for row in parity.X]
    single = datasets.load("single_neuron")
    assert np.array_equal(single.y, single.X[:, 0])
    three = datasets.load("xor_with_one")
    assert three.y.tolist() == (three.X[:, 0] != three.X[:, 1]).astype(int).tolist()
    assert (three.X[:, 2] == 1).all()


def _train_and_score(data, hidden, epochs, lr=0.01, seed=0, activation="tanh"):
    parts, _ = datasets.prepare(data, test=0.25, scaling="standard", seed=seed)
    k = data.n_classes
    net = nnstudio.Network.from_spec(
        {
            "inputs": data.n_features,
            "layers": [
                *({"units": u, "activation": activation} for u in hidden),
                {"units": k, "activation": "softmax"},
            ],
        },
        seed=seed,
    )
    nnstudio.fit(
        net,
        parts.train.X,
        parts.train.y,
        optimizer="adam",
        lr=lr,
        epochs=epochs,
        batch_size=16,
        seed=seed,
    )
    return np.mean(net.predict(parts.test.X).argmax(axis=1) == parts.test.y)


@pytest.mark.parametrize(
    "name,hidden,epochs,target",
    [
        ("circle", [8], 100, 0.95),
        ("xor", [8], 100, 0.95),
        ("gaussians", [4], 50, 0.95),
        ("moons", [8], 100, 0.95),
        ("blobs", [8], 50, 0.95),
    ],
)
def test_engine_solves_the_2d_sets(name, hidden, epochs, target):
    assert _train_and_score(datasets.load(name, n_samples=400), hidden, epochs) >= target


@pytest.mark.parametrize("arms", [2, 3])
def test_engine_solves_the_spirals_without_noise(arms):
    data = datasets.load("spiral", n_samples=600, noise=0.0, arms=arms)
    assert _train_and_score(data, [64, 64], 300, lr=0.01, activation="relu") >= 0.90


def test_iris_above_95_percent_on_its_test_splits():
    # 38 test flowers per split: one hard split can cost 3 of them, so average five
    scores = [_train_and_score(datasets.load("iris"), [16], 150, seed=s) for s in range(5)]
    assert np.mean(scores) >= 0.95 and min(scores) >= 0.9


def test_digits_above_95_percent_on_its_test_split():
    data = datasets.load("digits")
    assert data.image_shape == (8, 8) and data.X.max() <= 1.0
    assert _train_and_score(data, [64], 40, lr=0.003) >= 0.95
