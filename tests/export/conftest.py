"""A small trained classifier with a scaler and class names, as an ExportModel."""

import numpy as np
import pytest

import nnstudio
from nnstudio.datasets import Scaler
from nnstudio.export import ExportModel

SPEC = {
    "inputs": 3,
    "layers": [
        {"units": 6, "activation": "leaky_relu", "alpha": 0.1},
        {"units": 5, "activation": "tanh"},
        {"units": 4, "activation": "linear"},
        {"units": 3, "activation": "softmax"},
    ],
}


@pytest.fixture(scope="session")
def raw_data():
    rng = np.random.default_rng(0)
    X = rng.normal([5.0, -2.0, 100.0], [2.0, 0.5, 30.0], (300, 3))
    y = (X[:, 0] > 5).astype(int) + (X[:, 2] > 100)
    return X, y


@pytest.fixture(scope="session")
def model(raw_data):
    X, y = raw_data
    scaler = Scaler.fit(X)
    net = nnstudio.Network.from_spec(SPEC, seed=4)
    nnstudio.fit(
        net,
        scaler.transform(X).astype(np.float32),
        y,
        loss="categorical_crossentropy",
        optimizer="adam",
        lr=0.01,
        epochs=20,
        batch_size=16,
    )
    return ExportModel.from_network(
        net,
        {
            "scaler": scaler.to_dict(),
            "class_names": ["low", "mid", "high"],
            "feature_names": ["a", "b", "c"],
            "task": "classification",
        },
        name="demo",
    )


@pytest.fixture
def inputs(raw_data):
    return np.random.default_rng(1).normal([5.0, -2.0, 100.0], [2.0, 0.5, 30.0], (25, 3))
