"""The studio window: drag from the palette, +/- nodes, reorder, delete, inspector,
undo/redo of each, projects, the modified mark."""

import numpy as np
import pytest
from gestures import click, drop_from_palette, mouse, sizes, viewport_point
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from nnstudio.io.project import load_project, save_project
from nnstudio.model.project import Project
from nnstudio.ui.main_window import MainWindow


@pytest.fixture
def window(window):
    """The studio at zoom 1, centred on the first hidden layer."""
    window.view.resetTransform()
    window.view.centerOn(window.scene.layer_items[1])
    return window


def test_opens_with_the_example_network(window):
    assert sizes(window) == [2, 4, 4, 1]
    assert window.project.dataset["name"] == "circle"
    assert window.windowTitle() == "Untitled[*] — nnstudio" and not window.isWindowModified()
    assert len(window.scene.connection_items) == 3


def test_drag_dense_from_palette_between_two_layers_then_undo_redo(window, qtbot):
    between = QPointF((window.scene.column_x(1) + window.scene.column_x(2)) / 2, 0)
    drop_from_palette(window, 0, between)
    assert sizes(window) == [2, 4, 4, 4, 1]
    assert window.project.document[2].name == "hidden_3"
    assert window.isWindowModified()
    window.editor.undo_stack.undo()
    assert sizes(window) == [2, 4, 4, 1] and not window.isWindowModified()
    window.editor.undo_stack.redo()
    assert sizes(window) == [2, 4, 4, 4, 1]


def test_plus_and_minus_buttons_change_nodes(window, qtbot):
    item = window.scene.layer_items[1]
    plus = item.mapToScene(item.buttons[+1].center())
    click(window, plus)
    qtbot.waitUntil(lambda: sizes(window)[1] == 5)
    item = window.scene.layer_items[1]
    minus = item.mapToScene(item.buttons[-1].center())
    click(window, minus)
    click(window, minus)
    qtbot.waitUntil(lambda: sizes(window)[1] == 3)
    assert window.editor.undo_stack.count() == 1  # consecutive node changes merge
    window.editor.undo_stack.undo()
    assert sizes(window)[1] == 4


def test_drag_a_layer_sideways_to_reorder_it_as_one_undo_step(window, qtbot):
    window.editor.set_units(1, 7)
    start = window.scene.layer_items[1].scenePos() + QPointF(0, 0)
    end = QPointF(window.scene.column_x(2) + 10, 0)
    mouse(window, QEvent.Type.MouseButtonPress, start)
    for t in np.linspace(0, 1, 6):
        mouse(window, QEvent.Type.MouseMove, start + (end - start) * float(t))
    mouse(window, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
    qtbot.waitUntil(lambda: sizes(window) == [2, 4, 7, 1])
    assert window.editor.undo_stack.undoText().startswith("Move layer")
    window.editor.undo_stack.undo()
    assert sizes(window) == [2, 7, 4, 1]
    assert window.scene.layer_items[1].pos().x() == window.scene.column_x(1)


def test_select_and_delete_a_layer_then_undo(window, qtbot):
    click(window, window.scene.layer_items[2].scenePos())
    assert window.scene.selected_layer() == 2
    window.menus.delete_action.trigger()
    assert sizes(window) == [2, 4, 1]
    window.editor.undo_stack.undo()
    assert sizes(window) == [2, 4, 4, 1]


def test_deleting_the_output_layer_is_refused(window):
    window.scene.select_layer(3)
    window.menus.delete_action.trigger()
    assert sizes(window) == [2, 4, 4, 1]
    assert "output layer cannot be deleted" in window.statusBar().currentMessage()


def test_inspector_changes_activation_units_and_name(window, qtbot):
    window.scene.select_layer(1)
    inspector = window.inspector
    assert inspector.name.text() == "hidden_1" and inspector.units.isEnabled()
    index = inspector.activation.findText("relu")
    inspector.activation.setCurrentIndex(index)
    inspector.activation.activated.emit(index)
    assert window.project.document[1].activation == "relu"
    inspector.units.setValue(9)
    assert sizes(window)[1] == 9
    inspector.name.setText("features")
    inspector.name.editingFinished.emit()
    assert window.project.document[1].name == "features"
    for _ in range(3):
        window.editor.undo_stack.undo()
    assert window.project.document[1].activation == "tanh" and sizes(window)[1] == 4
    window.scene.select_layer(0)
    assert not inspector.units.isEnabled() and "follows the dataset" in inspector.units.toolTip()


def test_softmax_on_one_output_is_shown_on_the_canvas_not_a_crash(window):
    window.editor.set_activation(3, "softmax")
    assert "at least 2 units" in window.scene._problem.toPlainText()
    window.editor.undo_stack.undo()
    assert window.scene._problem.toPlainText() == ""


def test_choosing_a_dataset_resizes_input_and_output_in_one_undo_step(window):
    window.dataset_panel.choice.setCurrentText("digits")
    window.dataset_panel.choice.activated.emit(window.dataset_panel.choice.currentIndex())
    assert sizes(window) == [64, 4, 4, 10]
    assert window.project.document[-1].activation == "softmax"
    panel = window.dataset_panel
    assert panel.size.text().startswith("1,797 samples")
    assert not panel.samples.isVisible()  # a fixed set: nothing to generate
    window.editor.undo_stack.undo()
    assert sizes(window) == [2, 4, 4, 1] and window.project.dataset["name"] == "circle"
    assert panel.samples.isVisible()
    assert panel.size.text().startswith(f"{panel.samples.value()} samples")


def test_save_reopen_gives_the_identical_network(window, tmp_path, qtbot):
    window.editor.add_layer("dense", 2)
    window.editor.set_activation(2, "relu")
    path = tmp_path / "net.nnsp"
    assert window.files.save_to(path)
    assert not window.isWindowModified() and window.windowTitle() == "net[*] — nnstudio"
    other = MainWindow()
    qtbot.addWidget(other)
    assert other.files.open_path(path)
    assert other.project.to_dict()["network"] == window.project.to_dict()["network"]
    assert other.project.dataset == window.project.dataset
    assert other.files.recent_menu.actions()[0].toolTip() == str(path)


def test_a_bad_project_file_is_refused_with_a_message(window, tmp_path, monkeypatch):
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: messages.append(args[2]))
    path = tmp_path / "broken.nnsp"
    path.write_bytes(b"not a zip at all")
    assert not window.files.open_path(path)
    assert "not a readable project file" in messages[0]
    assert sizes(window) == [2, 4, 4, 1]


def test_closing_with_unsaved_changes_asks(window, monkeypatch):
    window.editor.add_layer("dense", 1)
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not window.close()
    assert asked == ["Unsaved changes"] and window.isVisible()


def test_a_784_128_10_network_draws_collapsed(window, qtbot):
    window.editor.set_dataset({"name": "digits", "params": {}})
    window.project.document.bind_dataset(784, 10, "softmax")
    window.editor.remove_layer(2)
    window.editor.set_units(1, 128)
    assert sizes(window) == [784, 128, 10]
    first = window.scene.layer_items[0]
    assert len(first.shown) == 24
    matrix = window.scene.connection_items[0]
    assert matrix.as_matrix and matrix._image.size().toTuple() == (784, 128)
    w = window.project.document.weights()[0][0]
    rect = matrix._matrix_rect
    # the pixel at (source column 700, target row 5) shows weight w[700, 5]
    point = QPointF(
        rect.left() + (700.5 / 784) * rect.width(), rect.top() + (5.5 / 128) * rect.height()
    )
    assert matrix.connection_at(point) == (700, 5)
    assert matrix._weights[700, 5] == w[700, 5]
    assert not window.view.grab().isNull()


def test_project_round_trip_keeps_layout_and_training_settings(tmp_path):
    project = Project.example()
    project.layout = {"zoom": 1.25}
    project.training = {"optimizer": "adam", "lr": 0.01}
    save_project(project, tmp_path / "p.nnsp")
    again = load_project(tmp_path / "p.nnsp")
    assert again.layout == {"zoom": 1.25} and again.training == project.training


def test_double_click_renames_a_layer(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("edges", True))
    pos = QPointF(viewport_point(window, window.scene.layer_items[2].scenePos()))
    qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=pos.toPoint())
    qtbot.waitUntil(lambda: window.project.document[2].name == "edges")
    window.editor.undo_stack.undo()
    assert window.project.document[2].name == "hidden_2"


def test_wheel_zooms_and_fit_shows_everything(window, qtbot):
    from PySide6.QtGui import QWheelEvent

    before = window.view.zoom
    center = QPointF(window.view.viewport().rect().center())
    wheel = QWheelEvent(
        center,
        window.view.mapToGlobal(center.toPoint()).toPointF(),
        QPointF(0, 0).toPoint(),
        QPointF(0, 120).toPoint(),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(window.view.viewport(), wheel)
    assert window.view.zoom == pytest.approx(before * 1.2)
    window.menus.fit_action.trigger()
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.contains(window.scene.network_rect().adjusted(10, 10, -10, -10))


def test_hovering_a_connection_shows_its_weight(window, qtbot):
    connections = window.scene.connection_items[0]
    line = connections._lines[3]
    assert connections.connection_at(line.center()) == (0, 3)
    from PySide6.QtWidgets import QGraphicsSceneHoverEvent

    hover = QGraphicsSceneHoverEvent(QEvent.Type.GraphicsSceneHoverMove)
    hover.setPos(line.center())
    hover.setScenePos(line.center())
    window.scene.sendEvent(connections, hover)
    w = window.project.document.weights()[0][0]
    assert f"{float(w[0, 3]):+.4f}" in connections.toolTip()
    assert "input[0] → hidden_1[3]" in connections.toolTip()


def test_dragging_the_background_pans(window, qtbot):
    empty = window.scene.layer_items[1].scenePos() + QPointF(100, 300)
    before = window.view.mapToScene(window.view.viewport().rect().center())
    mouse(window, QEvent.Type.MouseButtonPress, empty)
    start = QPointF(viewport_point(window, empty))
    for step in range(1, 6):
        pos = start + QPointF(-20 * step, -10 * step)
        event = QMouseEvent(
            QEvent.Type.MouseMove,
            pos,
            window.view.viewport().mapToGlobal(pos),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(window.view.viewport(), event)
    after = window.view.mapToScene(window.view.viewport().rect().center())
    assert after.x() > before.x() + 50 and after.y() > before.y() + 25
    assert sizes(window) == [2, 4, 4, 1]


def test_the_inspector_shows_no_made_up_values_when_nothing_is_selected(window):
    inspector = window.inspector
    window.scene.select_layer(1)
    assert inspector.name.text() == "hidden_1" and inspector.units.text() == "4"
    window.scene.select_layer(-1)
    assert inspector.name.text() == "" and inspector.units.text().strip() == ""
    assert inspector.activation.currentText() == ""
    window.scene.select_layer(1)
    assert inspector.units.text() == "4"  # a layer again: its value


def test_a_save_to_a_full_disk_says_so_and_keeps_the_saved_file(window, tmp_path, monkeypatch):
    import errno
    import os

    from PySide6.QtWidgets import QMessageBox

    import nnstudio.io.project as project_io

    folder = tmp_path / "projects"
    folder.mkdir()
    path = folder / "p.nnsp"
    assert window.files.save_to(path)
    before = path.read_bytes()
    window.editor.add_layer("dense", 1)
    real = project_io._write_npz

    def full_disk(archive, member, arrays):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(project_io, "_write_npz", full_disk)
    window.project.document.set_weights(window.project.document.weights())  # weights to write
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    assert not window.files.save_to(path)
    assert warnings == [f"{path}: {os.strerror(errno.ENOSPC)}"]
    assert path.read_bytes() == before and os.listdir(folder) == ["p.nnsp"]
    assert window.is_modified()  # the edit is still unsaved, and still there
    monkeypatch.setattr(project_io, "_write_npz", real)
    assert window.files.save_to(path) and not window.is_modified()


def test_a_project_too_big_to_reopen_is_not_saved_and_the_message_says_why(
    window, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    import nnstudio.io.project as project_io

    path = tmp_path / "p.nnsp"
    window.editor.add_layer("dense", 1)
    window.project.document.set_weights(window.project.document.weights())  # weights to write
    monkeypatch.setitem(project_io.MEMBERS, "weights.npz", 10)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    assert not window.files.save_to(path)
    assert len(warnings) == 1 and "use fewer or narrower layers, then save again" in warnings[0]
    assert not path.exists() and window.is_modified()


def test_the_plus_button_stays_under_the_pointer_for_repeated_clicks(window, qtbot):
    item = window.scene.layer_items[1]
    at = viewport_point(window, item.mapToScene(item.buttons[+1].center()))
    for expected in (5, 6, 7):  # quick clicks: the second of a pair is a double-click
        qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=at)
        qtbot.waitUntil(lambda n=expected: sizes(window)[1] == n)
    assert window.project.document[1].name == "hidden_1"  # never a rename
    item = window.scene.layer_items[1]
    now = viewport_point(window, item.mapToScene(item.buttons[+1].center()))
    assert (now - at).manhattanLength() <= 2
