"""The NumPy training engine: layer types, activations, losses, optimizers, training loop.

Imports nothing but NumPy and :mod:`nnstudio.errors` (checked by import-linter).
"""

from nnstudio.engine.activations import ACTIVATIONS, get_activation
from nnstudio.engine.fit import fit
from nnstudio.engine.initializers import INITIALIZERS
from nnstudio.engine.layers import LAYER_TYPES
from nnstudio.engine.losses import LOSSES, get_loss
from nnstudio.engine.network import Dense, Network
from nnstudio.engine.optimizers import OPTIMIZERS, get_optimizer
from nnstudio.engine.spec import LayerSpec, NetworkSpec
from nnstudio.engine.trace import Trace, step_changes, trace
from nnstudio.engine.trainer import Snapshot, Trainer

__all__ = [
    "ACTIVATIONS",
    "INITIALIZERS",
    "LAYER_TYPES",
    "LOSSES",
    "OPTIMIZERS",
    "Dense",
    "LayerSpec",
    "Network",
    "NetworkSpec",
    "Snapshot",
    "Trace",
    "Trainer",
    "fit",
    "get_activation",
    "get_loss",
    "get_optimizer",
    "step_changes",
    "trace",
]
