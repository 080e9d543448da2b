"""What dropout took from the last training batch's first sample, for the studio to
show: per layer, read-only, through the training process too."""

import numpy as np

from nnstudio.engine.losses import get_loss
from nnstudio.engine.network import Network
from nnstudio.engine.remote import RemoteTrainer, TrainerRecipe
from nnstudio.engine.trainer import Trainer

SPEC = {
    "inputs": 3,
    "layers": [
        {"units": 40, "activation": "tanh"},
        {"type": "dropout", "rate": 0.5},
        {"units": 1, "activation": "sigmoid"},
    ],
}


def bce(net):
    return get_loss("binary_crossentropy", net.output_activation)


def batch(n=16, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] > 0).astype(float)


def test_the_first_samples_dropped_units_are_those_dropout_zeroed():
    net = Network.from_spec(SPEC, seed=0, dtype="float64")
    assert net.dropped_units() == (None, None, None)  # no training batch yet
    X, y = batch()
    net.loss_and_gradients(X, y[:, None], bce(net))
    dense, lost, out = net.dropped_units()
    assert dense is None and out is None
    acts = net.workspace(len(X)).activations
    assert lost.shape == (40,) and lost.dtype == bool
    np.testing.assert_array_equal(lost, (acts[2][0] == 0) & (acts[1][0] != 0))
    assert 8 < lost.sum() < 32  # about half of 40
    assert not lost.flags.writeable
    net.loss_and_gradients(X, y[:, None], bce(net))
    assert not np.array_equal(net.dropped_units()[1], lost)  # a new mask each batch


def test_nothing_is_dropped_outside_training():
    net = Network.from_spec(SPEC, seed=0, dtype="float64")
    X, y = batch()
    net.loss_and_gradients(X, y[:, None], bce(net), training=False)
    assert net.dropped_units() == (None, None, None)


def test_snapshots_carry_them_from_here_and_from_the_training_process():
    X, y = batch(64)
    net = Network.from_spec(SPEC, seed=1)
    local = list(Trainer(net, X, y, batch_size=8, epochs=1).run())[-1]
    assert local.dropped[1].shape == (40,) and local.dropped[0] is None
    recipe = TrainerRecipe(SPEC, "float32", net.get_weights(), X, y, {"batch_size": 8, "epochs": 1})
    remote = list(RemoteTrainer(recipe).run())[-1]
    lost = remote.dropped[1]
    assert lost.shape == (40,) and lost.dtype == bool and not lost.flags.writeable
