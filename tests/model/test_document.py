"""The network document: edits, refusals with reasons, events."""

import numpy as np
import pytest

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
