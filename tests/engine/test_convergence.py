"""The classic problems, solved by the engine."""

import gzip
from pathlib import Path

import numpy as np

import nnstudio

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "datasets"
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
XOR_Y = np.array([0, 1, 1, 0])


def test_xor_2_4_1_is_solved_for_at_least_9_of_10_seeds():
    solved = 0
    for seed in range(10):
        net = nnstudio.Network.from_spec(
            {
                "inputs": 2,
                "layers": [
                    {"units": 4, "activation": "tanh"},
                    {"units": 1, "activation": "sigmoid"},
                ],
            },
            seed=seed,
        )
        nnstudio.fit(
            net,
            XOR_X,
            XOR_Y,
            optimizer="sgd",
            lr=0.5,
            momentum=0.9,
            epochs=1000,
            batch_size=4,
            seed=seed,
        )
        solved += bool(np.all((net.predict(XOR_X)[:, 0] > 0.5) == XOR_Y))
    assert solved >= 9


def test_single_neuron_tutorial():
    # inputs → target is the first input; the unseen [1, 0, 0] must come out above 0.9
    X = np.array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], float)
    y = np.array([0, 1, 1, 0], float)
    net = nnstudio.Network.from_spec(
        {
            "inputs": 3,
            "initializer": "uniform",
            "layers": [{"units": 1, "activation": "sigmoid", "use_bias": False}],
        },
        seed=1,
    )
    nnstudio.fit(net, X, y, loss="mse", optimizer="sgd", lr=10.0, epochs=2000, batch_size=4)
    assert net.predict([[1, 0, 0]])[0, 0] > 0.9
    assert np.all((net.predict(X)[:, 0] > 0.5) == y)


def test_three_bit_parity_with_a_hidden_layer():
    X = np.array([[(i >> b) & 1 for b in range(3)] for i in range(8)], float)
    y = X.sum(axis=1) % 2
    net = nnstudio.Network.from_spec(
        {
            "inputs": 3,
            "layers": [{"units": 6, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}],
        },
        seed=0,
    )
    history = nnstudio.fit(net, X, y, optimizer="adam", lr=0.05, epochs=1500, batch_size=8)
    assert np.all((net.predict(X)[:, 0] > 0.5) == y)
    assert history["accuracy"][-1] == 1.0


def test_digits_above_95_percent_on_a_held_out_test_split():
    with gzip.open(RESOURCES / "digits.csv.gz", "rt") as f:
        data = np.loadtxt(f, delimiter=",", skiprows=1)
    X, y = data[:, :-1] / 16.0, data[:, -1].astype(int)
    order = np.random.default_rng(0).permutation(len(X))
    test, train = order[:360], order[360:]
    net = nnstudio.Network.from_spec(
        {
            "inputs": 64,
            "layers": [
                {"units": 64, "activation": "relu", "initializer": "he_normal"},
                {"units": 10, "activation": "softmax"},
            ],
        },
        seed=0,
    )
    history = nnstudio.fit(
        net,
        X[train],
        y[train],
        optimizer="adam",
        lr=3e-3,
        epochs=40,
        batch_size=32,
        validation_split=0.1,
    )
    accuracy = np.mean(net.predict(X[test]).argmax(axis=1) == y[test])
    assert accuracy > 0.95
    assert history["val_accuracy"][-1] > 0.9
    assert history["loss"][-1] < history["loss"][0] / 5


def test_regression_fits_a_noisy_sine():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (400, 1))
    y = np.sin(X) + rng.normal(0, 0.05, X.shape)
    net = nnstudio.Network.from_spec(
        {"inputs": 1, "layers": [{"units": 16, "activation": "tanh"}, {"units": 1}]}, seed=0
    )
    history = nnstudio.fit(net, X, y, optimizer="adam", lr=0.01, epochs=200)
    assert "accuracy" not in history
    assert history["loss"][-1] < 0.01
