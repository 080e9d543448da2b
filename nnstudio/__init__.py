"""nnstudio: build, train and understand neural networks.

The scripting API::

    import nnstudio
    net = nnstudio.Network.from_spec({"inputs": 2, "layers": [
        {"units": 4, "activation": "tanh"}, {"units": 1, "activation": "sigmoid"}]}, seed=0)
    history = nnstudio.fit(net, X, y, optimizer="adam", lr=0.05, epochs=500)
    net.predict(X)
"""

from nnstudio import datasets
from nnstudio.engine import Network, NetworkSpec, Snapshot, Trainer, fit, step_changes, trace
from nnstudio.errors import (
    DataError,
    NNStudioError,
    SpecError,
    TrainingConfigError,
    TrainingDiverged,
)

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "NNStudioError",
    "Network",
    "NetworkSpec",
    "Snapshot",
    "SpecError",
    "Trainer",
    "TrainingConfigError",
    "TrainingDiverged",
    "datasets",
    "fit",
    "step_changes",
    "trace",
    "__version__",
]
