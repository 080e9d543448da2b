"""The network document: edits, refusals with reasons, events."""

import numpy as np
import pytest

from nnstudio import datasets
from nnstudio.engine.network import Network
from nnstudio.engine.trainer import Trainer
from nnstudio.errors import NNStudioError
from nnstudio.model import DocumentError, LayerState, NetworkDocument


@pytest.fixture
def doc():
    return NetworkDocument(inputs=2, outputs=1, hidden=((4, "tanh"), (3, "relu")))


def _record(doc):
    events = []
    for name in ("layer_added", "layer_removed", "layer_moved", "layer_changed", "reset"):
        getattr(doc, name).connect(lambda *args, name=name: events.append((name, *args)))
    return events


def test_default_layout_and_spec(doc):
    assert doc.sizes == [2, 4, 3, 1]
    assert doc.spec() == {
        "inputs": 2,
        "initializer": "glorot_uniform",
        "layers": [
            {"units": 4, "activation": "tanh", "name": "hidden_1"},
            {"units": 3, "activation": "relu", "name": "hidden_2"},
            {"units": 1, "activation": "sigmoid", "name": "output"},
        ],
    }
    assert doc.problems() == []


def test_a_new_initializer_draws_new_initial_weights(doc):
    changed = []
    doc.weights_changed.connect(lambda: changed.append(True))
    glorot = [w.copy() for w, _ in doc.weights()]
    doc.set_initializer("zeros")
    assert changed and not doc.weights()[0][0].any()
    doc.set_initializer("he_normal")
    assert not np.array_equal(doc.weights()[0][0], glorot[0])
    with pytest.raises(NNStudioError, match="glorot_uniform"):
        doc.set_initializer("magic")
    assert doc.initializer == "he_normal"


def test_insert_remove_move_emit_past_tense_events(doc):
    events = _record(doc)
    doc.insert_layer(1, LayerState(doc.unique_name(), 5, "relu"))
    assert doc.sizes == [2, 5, 4, 3, 1] and doc[1].name == "hidden_3"
    doc.move_layer(1, 3)
    assert doc.sizes == [2, 4, 3, 5, 1]
    removed = doc.remove_layer(3)
    assert removed.units == 5 and doc.sizes == [2, 4, 3, 1]
    assert events == [("layer_added", 1), ("layer_moved", 1, 3), ("layer_removed", 3)]


def test_units_activation_rename(doc):
    events = _record(doc)
    doc.set_units(1, 7)
    doc.set_activation(2, "sigmoid")
    doc.rename(1, "first")
    assert doc[1] == LayerState("first", 7, "tanh")
    assert doc[2].activation == "sigmoid"
    assert events == [("layer_changed", 1), ("layer_changed", 2), ("layer_changed", 1)]


@pytest.mark.parametrize(
    "edit,message",
    [
        (lambda d: d.set_units(0, 3), "input layer follows the dataset"),
        (lambda d: d.set_units(3, 3), "output layer follows the dataset"),
        (lambda d: d.remove_layer(0), "input layer cannot be deleted"),
        (lambda d: d.remove_layer(3), "output layer cannot be deleted"),
        (lambda d: d.set_units(1, 0), "1 to 100,000 nodes"),
        (lambda d: d.set_activation(1, "swish"), "unknown activation"),
        (lambda d: d.set_activation(0, "relu"), "input layer has no activation"),
        (lambda d: d.insert_layer(0, LayerState("x", 2)), "between the input and the output"),
        (lambda d: d.rename(1, "hidden_2"), "already called 'hidden_2'"),
        (lambda d: d.rename(1, "  "), "needs a name"),
        (lambda d: d.move_layer(3, 1), "output layer stays"),
    ],
)
def test_refused_edits_change_nothing(doc, edit, message):
    before = doc.layers
    with pytest.raises(DocumentError, match=message):
        edit(doc)
    assert doc.layers == before


def test_problems_explain_a_network_that_cannot_train(doc):
    doc.set_activation(3, "softmax")
    assert "at least 2 units" in doc.problems()[0]
    doc.bind_dataset(2, 3)
    assert doc.problems() == []
    doc.loss = "binary_crossentropy"
    assert "needs a sigmoid output layer" in doc.problems()[0]


def test_weights_follow_seed_and_architecture(doc):
    first = doc.weights()
    assert [w.shape for w, _ in first] == [(2, 4), (4, 3), (3, 1)]
    assert doc.weights() is first
    changed = []
    doc.weights_changed.connect(lambda: changed.append(1))
    doc.set_units(1, 6)
    assert [w.shape for w, _ in doc.weights()][:2] == [(2, 6), (6, 3)]
    doc.set_units(1, 4)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(first, doc.weights()))
    assert len(changed) == 2


def test_bind_dataset_resizes_input_and_output(doc):
    events = _record(doc)
    doc.bind_dataset(64, 10, "softmax")
    assert doc.sizes == [64, 4, 3, 10] and doc[-1].activation == "softmax"
    assert events == [("reset",)]


# -- weights carried over by edits ---------------------------------------------------------
# The document's weights are trained for real (a few epochs on xor), so a weight kept by an
# edit is told apart from one drawn afresh from the seed.

XOR = datasets.load("xor", n_samples=40)


def _train(doc, dtype="float32", epochs=5):
    """Train ``doc``'s network on xor and put the trained weights in the document."""
    net = Network.from_spec(doc.spec(), seed=doc.seed, dtype=dtype)
    for _ in Trainer(net, XOR.X, XOR.y, lr=0.05, batch_size=10, epochs=epochs).run():
        pass
    doc.set_weights(net.get_weights())
    return [(w.copy(), b.copy()) for w, b in net.get_weights()]


@pytest.fixture
def trained():
    """A 2-4-3-1 document with trained weights (none equals its initial one)."""
    doc = NetworkDocument(inputs=2, outputs=1, hidden=((4, "tanh"), (3, "relu")), seed=3)
    weights = _train(doc)
    for (w, b), (w0, b0) in zip(weights, doc.initial_weights()):
        assert not np.array_equal(w, w0) and not np.array_equal(b, b0)
    return doc, weights


def _equal(a, b):
    return a.dtype == b.dtype and np.array_equal(a, b)


def _all_equal(weights, others):
    return len(weights) == len(others) and all(
        _equal(w, w0) and _equal(b, b0) for (w, b), (w0, b0) in zip(weights, others)
    )


def test_rename_and_activation_keep_every_weight(trained):
    doc, weights = trained
    doc.rename(1, "first")
    doc.set_activation(2, "sigmoid")
    doc.set_activation(3, "tanh")
    assert _all_equal(doc.weights(), weights)
    doc.set_units(2, 5)  # the renamed layer's weights are found under its new name
    assert _equal(doc.weights()[0][0], weights[0][0])
    assert _equal(doc.weights()[0][1], weights[0][1])


@pytest.mark.parametrize("units", [6, 2])
def test_set_units_keeps_the_overlap_and_draws_the_rest_from_the_seed(trained, units):
    doc, weights = trained
    doc.set_units(1, units)
    (w_in, b_1), (w_out, b_2), last = doc.weights()
    fresh = doc.initial_weights()
    kept = min(units, 4)
    assert w_in.shape == (2, units) and w_out.shape == (units, 3) and b_1.shape == (units,)
    assert _equal(w_in[:, :kept], weights[0][0][:, :kept])
    assert _equal(w_out[:kept], weights[1][0][:kept])
    assert _equal(b_1[:kept], weights[0][1][:kept])
    assert _equal(w_in[:, kept:], fresh[0][0][:, kept:])  # new nodes: the seed's weights
    assert _equal(w_out[kept:], fresh[1][0][kept:])
    assert _equal(b_1[kept:], fresh[0][1][kept:])
    assert _equal(b_2, weights[1][1]) and _equal(last[0], weights[2][0])
    assert _equal(last[1], weights[2][1])


def test_insert_layer_keeps_every_other_pair(trained):
    doc, weights = trained
    doc.insert_layer(2, LayerState("middle", 5, "relu"))
    assert doc.sizes == [2, 4, 5, 3, 1]
    after, fresh = doc.weights(), doc.initial_weights()
    assert _equal(after[0][0], weights[0][0]) and _equal(after[0][1], weights[0][1])
    assert _equal(after[1][0], fresh[1][0]) and _equal(after[1][1], fresh[1][1])  # new layer
    assert _equal(after[2][0], fresh[2][0])  # the pair split by the insertion is new
    assert _equal(after[2][1], weights[1][1])  # hidden_2 keeps its biases
    assert _equal(after[3][0], weights[2][0]) and _equal(after[3][1], weights[2][1])


def test_remove_layer_keeps_the_others(trained):
    doc, weights = trained
    doc.remove_layer(1)
    assert doc.sizes == [2, 3, 1]
    (w_in, b_in), (w_out, b_out) = doc.weights()
    assert _equal(w_in, doc.initial_weights()[0][0])  # input → hidden_2 never existed
    assert _equal(b_in, weights[1][1])
    assert _equal(w_out, weights[2][0]) and _equal(b_out, weights[2][1])


def test_move_layer_keeps_biases_and_the_weights_between_the_same_layers():
    doc = NetworkDocument(inputs=2, outputs=1, hidden=((4, "tanh"), (3, "relu"), (5, "tanh")))
    weights = _train(doc)
    doc.move_layer(3, 1)  # input, hidden_3, hidden_1, hidden_2, output
    assert [layer.name for layer in doc] == ["input", "hidden_3", "hidden_1", "hidden_2", "output"]
    after, fresh = doc.weights(), doc.initial_weights()
    assert _equal(after[2][0], weights[1][0])  # hidden_1 → hidden_2, as before
    for i in (0, 1, 3):
        assert _equal(after[i][0], fresh[i][0])
    biases = [b for _, b in weights]
    assert _all_equal(
        [(w, b) for (w, _), b in zip(after, [biases[2], biases[0], biases[1], biases[3]])], after
    )


def test_another_input_size_starts_the_input_pair_afresh(trained):
    doc, weights = trained
    doc.bind_dataset(3, 1)
    after, fresh = doc.weights(), doc.initial_weights()
    assert after[0][0].shape == (3, 4) and _equal(after[0][0], fresh[0][0])
    assert _equal(after[0][1], weights[0][1])  # hidden_1's own biases stay
    assert _all_equal(after[1:], weights[1:])
    doc.bind_dataset(3, 2, "softmax")  # another output size: the output pair is new
    again, fresh = doc.weights(), doc.initial_weights()
    assert _equal(again[2][0], fresh[2][0]) and _equal(again[2][1], fresh[2][1])
    assert _all_equal(again[:2], after[:2])


def test_given_weights_are_restored_exactly(trained):
    doc, weights = trained
    before = doc.explicit_weights()
    doc.insert_layer(2, LayerState("middle", 5, "relu"))
    inserted = doc.explicit_weights()
    doc.remove_layer(2, weights=before)  # undo
    assert doc.sizes == [2, 4, 3, 1] and _all_equal(doc.weights(), weights)
    doc.insert_layer(2, LayerState("middle", 5, "relu"), weights=inserted)  # redo
    assert _all_equal(doc.weights(), inserted)


@pytest.mark.parametrize(
    "edit",
    [
        lambda d, w: d.insert_layer(2, LayerState("middle", 5), weights=w),
        lambda d, w: d.remove_layer(1, weights=w),
        lambda d, w: d.move_layer(1, 2, weights=w),
        lambda d, w: d.set_units(1, 7, weights=w),
        lambda d, w: d.bind_dataset(5, 1, weights=w),
        lambda d, w: d.set_layers(list(d.layers)[:1] + list(d.layers)[2:], weights=w),
    ],
)
def test_weights_that_do_not_fit_are_refused_and_nothing_changes(trained, edit):
    doc, weights = trained
    layers, current = doc.layers, doc.explicit_weights()
    events = _record(doc)
    doc.weights_changed.connect(lambda: events.append("weights_changed"))
    with pytest.raises(DocumentError, match="weight"):
        edit(doc, weights)  # the weights of the network before the edit
    assert doc.layers == layers and doc.explicit_weights() is current
    assert _all_equal(doc.weights(), weights) and events == []


def test_an_untrained_document_stays_pristine_through_edits(doc):
    doc.insert_layer(2, LayerState("middle", 5, "relu"))
    doc.set_units(1, 6)
    doc.move_layer(2, 1)
    doc.rename(1, "renamed")
    doc.set_activation(2, "sigmoid")
    doc.remove_layer(3)
    doc.bind_dataset(3, 2, "softmax")
    assert doc.explicit_weights() is None
    seeded = Network.from_spec(doc.spec(), seed=doc.seed).get_weights()
    assert _all_equal(doc.weights(), seeded) and _all_equal(doc.initial_weights(), seeded)
    first = doc.weights()
    with pytest.raises(DocumentError):
        doc.set_units(1, 7, weights=seeded)
    assert doc.weights() is first and doc.explicit_weights() is None


def test_float64_weights_keep_their_precision_through_an_edit():
    doc = NetworkDocument(inputs=2, outputs=1, hidden=((4, "tanh"), (3, "relu")))
    weights = _train(doc, dtype="float64")
    doc.set_units(1, 6)
    doc.insert_layer(1, LayerState("first", 2, "tanh"))
    assert {a.dtype for pair in doc.weights() for a in pair} == {np.dtype(np.float64)}
    assert _equal(doc.weights()[2][0][:4], weights[1][0])  # hidden_1 → hidden_2, exact
    assert _equal(doc.weights()[3][0], weights[2][0])


def test_a_new_seed_draws_every_weight_afresh(trained):
    doc, weights = trained
    doc.set_seed(11)
    assert doc.explicit_weights() is None
    assert _all_equal(doc.weights(), Network.from_spec(doc.spec(), seed=11).get_weights())
