"""Typing or pasting a small table in the studio: the tutorials' truth tables train on
all their rows, the table is kept in the project and can be edited again, undone."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox

from nnstudio.io.project import load_project
from nnstudio.ui.data_entry import DataEntryDialog

AND = "x1\tx2\ty\n0\t0\t0\n0\t1\t0\n1\t0\t0\n1\t1\t1\n"


def ok_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_paste_a_truth_table_and_train_the_single_neuron_on_all_four_rows(window, qtbot):
    qtbot.mouseClick(window.dataset_panel.enter, Qt.MouseButton.LeftButton)
    dialog = window.findChild(DataEntryDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.name.setText("AND")
    QGuiApplication.clipboard().setText(AND)
    qtbot.keyClick(dialog.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.columns.text() == "x1, x2, y" and dialog.label.currentText() == "y"
    assert dialog.result_text.text().startswith("4 samples · 2 inputs · 2 classes")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    project = window.project
    assert project.dataset["name"] == "AND" and project.dataset["source"] == "project"
    assert project.document.sizes[0] == 2 and project.document.sizes[-1] == 1
    assert window.dataset_panel.choice.currentText() == "AND"
    while len(project.document.sizes) > 2:  # the single neuron: no hidden layer
        window.editor.remove_layer(1)
    window.training_panel.step_epoch.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    assert window.training.live.parts.train.n_samples == 4


def test_a_bad_cell_is_named_and_ok_waits_until_it_is_fixed(window, qtbot):
    dialog = window.enter_data()
    assert ok_button(dialog).isEnabled()  # it starts as XOR's table
    dialog.table.item(2, 0).setText("one")
    assert "row 3, column 'x1' is 'one', not a number" in dialog.result_text.text()
    assert not ok_button(dialog).isEnabled()
    dialog.table.item(2, 0).setText("1")
    assert ok_button(dialog).isEnabled()
    dialog.reject()
    assert window.project.dataset["name"] == "circle"  # cancelled: nothing changed


def test_columns_are_named_and_a_row_added_by_the_user(window, qtbot):
    dialog = window.enter_data()
    dialog.columns.setText("a, b, c, d")
    dialog.columns.editingFinished.emit()
    # renamed in place, one column more: the labels stay where they are (c)
    assert dialog.table.columnCount() == 4 and dialog.label.currentText() == "c"
    assert "row 1, column 'd' is 'empty'" in dialog.result_text.text()
    dialog.label.setCurrentText("d")
    qtbot.mouseClick(
        next(b for b in dialog.findChildren(type(ok_button(dialog))) if b.text() == "Add row"),
        Qt.MouseButton.LeftButton,
    )
    assert dialog.table.rowCount() == 5
    assert "row 1 has no 'd' (its label)" in dialog.result_text.text()
    dialog.reject()


def test_the_table_is_saved_edited_again_and_undone(window, qtbot, tmp_path):
    dialog = window.enter_data()
    dialog.name.setText("xor table")
    qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert window.project.load_dataset().n_samples == 4
    again = window.enter_data()  # the table shown, to edit
    assert again.name.text() == "xor table" and again.table.rowCount() == 4
    again.table.insertRow(4)
    for column, text in enumerate(["0.5", "0.5", "1"]):
        again.table.setItem(4, column, type(again.table.item(0, 0))(text))
    qtbot.mouseClick(ok_button(again), Qt.MouseButton.LeftButton)
    assert window.project.load_dataset().n_samples == 5
    assert window.files.save_to(tmp_path / "table.nnsp")
    reopened = load_project(tmp_path / "table.nnsp")
    np.testing.assert_array_equal(reopened.load_dataset().X, window.project.load_dataset().X)
    window.editor.undo_stack.undo()  # the edit: four rows again
    assert window.project.load_dataset().n_samples == 4
    window.editor.undo_stack.undo()  # the new table: the dataset before it
    assert window.project.dataset["name"] == "circle" and not window.project.own_data
