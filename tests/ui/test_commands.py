"""Undoing a weight edit: the exact weights come back, unless the network trained
since (then the training is kept, as every edit keeps it)."""

import numpy as np

from nnstudio.model.project import Project
from nnstudio.ui.editor import Editor


def weights_of(editor):
    return [(w.copy(), b.copy()) for w, b in editor.document.weights()]


def assert_same(a, b):
    for (w, bias), (w0, bias0) in zip(a, b):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(bias, bias0)


def test_undo_and_redo_of_a_weight_edit_are_exact(qtbot):
    editor = Editor(Project.example())
    before = weights_of(editor)
    assert editor.set_weight(0, 1, 2, 2.5)
    edited = weights_of(editor)
    assert edited[0][0][1, 2] == np.float32(2.5)
    editor.undo_stack.undo()
    assert_same(weights_of(editor), before)
    editor.undo_stack.redo()
    assert_same(weights_of(editor), edited)


def test_undoing_a_weight_edit_after_training_keeps_the_training(qtbot):
    editor = Editor(Project.example())
    assert editor.set_bias(1, 0, -1.0)
    trained = [(w + 0.1, b - 0.1) for w, b in editor.document.weights()]
    editor.document.set_weights(trained)  # as a training frame does
    editor.undo_stack.undo()
    assert_same(weights_of(editor), trained)
    editor.undo_stack.redo()
    assert_same(weights_of(editor), trained)


def test_a_weight_edit_is_undone_after_a_structural_edit_and_its_undo(qtbot):
    editor = Editor(Project.example())
    before = weights_of(editor)
    assert editor.set_weight(0, 0, 0, 3.0)
    assert editor.set_units(1, 6)
    editor.undo_stack.undo()  # the units: the weights are equal again, in a new list
    editor.undo_stack.undo()  # the weight edit
    assert_same(weights_of(editor), before)
