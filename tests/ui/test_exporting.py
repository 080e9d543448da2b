"""File → Export and File → Import weights, driven through the menus as a user does."""

import json
import xml.etree.ElementTree as ElementTree

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

import nnstudio
from nnstudio.export import ExportModel
from nnstudio.io.npz import save_npz
from nnstudio.ui.exporting import MODEL_FILTERS


def _answer_save(monkeypatch, path, format_name=None):
    chosen = next((k for k, f in MODEL_FILTERS.items() if f.name == format_name), "")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), chosen))


def _train_a_little(window):
    weights = [(w * 1.5 + 0.1, b + 0.2) for w, b in window.project.document.weights()]
    window.project.document.set_weights(weights)
    return weights


def _menu_action(window, *titles):
    menu = window.menuBar()
    for title in titles[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.text().replace("&", "") == title)
    return next(a for a in menu.actions() if a.text().replace("&", "") == titles[-1])


def test_export_the_trained_model_as_onnx_from_the_file_menu(window, monkeypatch, tmp_path):
    import onnxruntime

    _train_a_little(window)
    _answer_save(monkeypatch, tmp_path / "circle", "onnx")
    _menu_action(window, "File", "Export model…").trigger()
    path = tmp_path / "circle.onnx"
    assert path.is_file()
    assert "Exported" in window.statusBar().currentMessage()
    model = ExportModel.from_network(
        nnstudio.Network.from_spec(window.project.document.spec()), None
    )
    X = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    out = onnxruntime.InferenceSession(str(path)).run(None, {"input": X})[0]
    assert out.shape == (5, 1) and np.all((out > 0) & (out < 1))
    assert model.inputs == 2


def test_exporting_an_untrained_network_asks_first(window, monkeypatch, tmp_path):
    _answer_save(monkeypatch, tmp_path / "net.json", "json")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window.menus.export_action.trigger()
    assert not (tmp_path / "net.json").exists()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.menus.export_action.trigger()
    assert json.loads((tmp_path / "net.json").read_text())["layers"][0]["units"] == 4


def test_a_failed_export_shows_a_message_not_a_traceback(window, monkeypatch, tmp_path):
    _train_a_little(window)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    _answer_save(monkeypatch, tmp_path / "no-such-dir" / "m.onnx", "onnx")
    window.menus.export_action.trigger()
    assert warnings and "cannot write" in warnings[0]


def test_diagram_and_plots_export_as_pictures_and_data(window, monkeypatch, tmp_path):
    for name in ("net.png", "net.svg"):
        _answer_save(monkeypatch, tmp_path / name)
        window.menus.export_diagram_action.trigger()
    image = QImage(str(tmp_path / "net.png"))
    assert not image.isNull() and image.width() > 400
    coloured = sum(
        image.pixelColor(x, y).saturationF() > 0.4
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
    )
    assert coloured > 50  # the weight-coloured connections are drawn
    ElementTree.parse(tmp_path / "net.svg")  # well-formed SVG
    for name in ("loss.svg", "loss.csv", "boundary.png"):
        _answer_save(monkeypatch, tmp_path / name)
        action = (
            window.menus.export_boundary_action
            if name.startswith("boundary")
            else window.menus.export_loss_action
        )
        action.trigger()
        assert (tmp_path / name).stat().st_size > 0
    assert not QImage(str(tmp_path / "boundary.png")).isNull()


def test_import_weights_from_npz_is_undoable(window, monkeypatch, tmp_path):
    net = nnstudio.Network.from_spec(window.project.document.spec(), seed=42)
    save_npz(net, tmp_path / "w.npz")
    before = [w.copy() for w, _ in window.project.document.weights()]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "w.npz"), "")
    )
    window.menus.import_action.trigger()
    for (w, b), (w2, b2) in zip(window.project.document.weights(), net.get_weights()):
        np.testing.assert_array_equal(w, w2)
        np.testing.assert_array_equal(b, b2)
    window.editor.undo_stack.undo()
    for w, w0 in zip((w for w, _ in window.project.document.weights()), before):
        np.testing.assert_array_equal(w, w0)


def test_importing_weights_of_another_shape_is_refused_with_the_shapes(
    window, monkeypatch, tmp_path
):
    net = nnstudio.Network.from_spec({"inputs": 2, "layers": [{"units": 8}, {"units": 1}]}, seed=1)
    save_npz(net, tmp_path / "other.npz")
    (tmp_path / "broken.npz").write_bytes(b"not a zip")
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    before = [w.copy() for w, _ in window.project.document.weights()]
    for name in ("other.npz", "broken.npz"):
        monkeypatch.setattr(
            QFileDialog, "getOpenFileName", lambda *a, n=name, **k: (str(tmp_path / n), "")
        )
        window.menus.import_action.trigger()
    assert "2→8→1 network; this one is 2→4→4→1" in window.statusBar().currentMessage()
    assert warnings and "broken.npz" in warnings[0]
    for w, w0 in zip((w for w, _ in window.project.document.weights()), before):
        np.testing.assert_array_equal(w, w0)
    assert window.editor.undo_stack.count() == 0


def test_a_run_from_imported_weights_is_no_branch_of_the_run_before(
    window, qtbot, monkeypatch, tmp_path
):
    window.training.step()
    first = window.training.session.run
    qtbot.waitUntil(lambda: first.step >= 1, timeout=10_000)
    window.training.invalidate()
    save_npz(
        nnstudio.Network.from_spec(window.project.document.spec(), seed=42), tmp_path / "w.npz"
    )
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "w.npz"), "")
    )
    window.menus.import_action.trigger()
    window.training.step()
    assert window.training.session.run.parent is None
    window.training.shutdown()


def test_a_file_the_export_writes_beside_the_one_named_is_replaced_only_if_the_user_says(
    window, monkeypatch, tmp_path
):
    _train_a_little(window)
    loader = tmp_path / "m_keras.py"
    loader.write_text("my own script")
    _answer_save(monkeypatch, tmp_path / "m.weights.h5", "keras")
    asked = []
    answer = QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer)
    window.menus.export_action.trigger()
    assert "m_keras.py beside m.weights.h5" in asked[0]
    assert loader.read_text() == "my own script" and not (tmp_path / "m.weights.h5").exists()
    answer = QMessageBox.StandardButton.Yes
    window.menus.export_action.trigger()
    assert "load_weights" in loader.read_text() and (tmp_path / "m.weights.h5").is_file()


def test_imported_weights_that_would_compute_something_else_are_refused(
    window, monkeypatch, tmp_path
):
    from nnstudio.model.training import prepare_data

    window.editor.set_activation(1, "leaky_relu")
    window.editor.set_activation(2, "leaky_relu")
    spec = window.project.document.spec()
    steep = {
        **spec,
        "layers": [
            {**layer, "alpha": 0.3} if layer.get("activation") == "leaky_relu" else layer
            for layer in spec["layers"]
        ],
    }
    scaler = prepare_data(window.project)[1].to_dict()
    minmax = {**scaler, "method": "minmax"}
    files = {
        "steep.npz": (steep, {"scaler": scaler}),
        "minmax.npz": (spec, {"scaler": minmax}),
        "same.npz": (spec, {"scaler": scaler}),
    }
    for name, (net_spec, metadata) in files.items():
        save_npz(nnstudio.Network.from_spec(net_spec, seed=5), tmp_path / name, metadata)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    for name in files:
        monkeypatch.setattr(
            QFileDialog, "getOpenFileName", lambda *a, n=name, **k: (str(tmp_path / n), "")
        )
        window.menus.import_action.trigger()
    assert "leaky-ReLU slope 0.3 in steep.npz, 0.01 here" in warnings[0]
    assert "inputs: scaled 'minmax' with other statistics in minmax.npz" in warnings[1]
    assert len(warnings) == 2 and "Imported the weights" in window.statusBar().currentMessage()
