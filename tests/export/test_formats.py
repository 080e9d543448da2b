"""Every export format, read back by its real consumer where it is installed here."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import nnstudio
from nnstudio.export import ExportError, ExportModel, export, from_project, pytorch
from nnstudio.export.model import UntrainedError
from nnstudio.export.tables import from_json, read_csv
from nnstudio.io.npz import load_npz
from nnstudio.model.project import Project


def _installed(*modules):
    return all(importlib.util.find_spec(m) is not None for m in modules)


def _run_script(script, inputs, tmp_path, env=None):
    csv = tmp_path / "inputs.csv"
    np.savetxt(csv, inputs, delimiter=",")
    result = subprocess.run(
        [sys.executable, str(script), str(csv)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=tmp_path.parent,
    )
    assert result.returncode == 0, result.stderr
    return np.loadtxt(result.stdout.splitlines(), delimiter=",", ndmin=2)


def test_the_model_scales_raw_inputs_like_training_did(model, raw_data):
    X, y = raw_data
    accuracy = np.mean(model.predict(X).argmax(axis=1) == y)
    assert accuracy > 0.9  # on raw features: the scaler is applied inside


def test_npz_round_trip_loads_without_pickle(model, inputs, tmp_path):
    [path] = export(model, "npz", tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as arrays:
        assert arrays["dense_0.weight"].shape == (3, 6)
        assert arrays["dense_3.bias"].shape == (3,)
        meta = json.loads(arrays["model.json"].tobytes())["metadata"]
    assert meta["class_names"] == ["low", "mid", "high"]
    again = ExportModel.from_npz(path)
    np.testing.assert_array_equal(again.predict(inputs), model.predict(inputs))
    net, _ = load_npz(path)
    assert net.spec.layers[0].alpha == 0.1


def test_json_round_trip_is_exact(model, inputs, tmp_path):
    [path] = export(model, "json", tmp_path / "m.json")
    document = json.loads(path.read_text())
    assert len(document["layers"][0]["weights"]) == 3  # fan_in rows
    assert len(document["layers"][0]["weights"][0]) == 6
    again = from_json(path.read_text())
    for a, b in zip(model.layers, again.layers):
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.bias, b.bias)
    np.testing.assert_array_equal(again.predict(inputs), model.predict(inputs))


def test_csv_round_trip_is_exact(model, tmp_path):
    [path] = export(model, "csv", tmp_path / "m.csv")
    lines = path.read_text().splitlines()
    assert lines[0] == "layer,parameter,from,to,value"
    assert len(lines) == 1 + sum(layer.weight.size + layer.bias.size for layer in model.layers)
    tables = read_csv(path.read_text())
    for layer in model.layers:
        np.testing.assert_array_equal(tables[layer.name][0], layer.weight)
        np.testing.assert_array_equal(tables[layer.name][1], layer.bias)


@pytest.mark.skipif(not _installed("onnx", "onnxruntime"), reason="onnx/onnxruntime missing")
def test_onnx_runs_in_onnxruntime_with_the_same_outputs(model, inputs, tmp_path):
    import onnx
    import onnxruntime

    [path] = export(model, "onnx", tmp_path / "m.onnx")
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    assert proto.ir_version == 8 and proto.opset_import[0].version == 17
    assert [i.name for i in proto.graph.input] == ["input"]
    batch = proto.graph.input[0].type.tensor_type.shape.dim[0]
    assert batch.dim_param and not batch.dim_value  # any batch size
    session = onnxruntime.InferenceSession(str(path))
    for rows in (inputs, inputs[:1]):
        out = session.run(None, {"input": rows.astype(np.float32)})[0]
        assert np.abs(out - model.predict(rows)).max() <= 1e-5
    ops = [node.op_type for node in proto.graph.node]
    assert ops[:2] == ["Sub", "Div"] and "LeakyRelu" in ops and ops[-1] == "Softmax"


@pytest.mark.skipif(not _installed("safetensors"), reason="safetensors missing")
def test_safetensors_has_sequential_names_and_out_in_layout(model, tmp_path):
    from safetensors.numpy import load_file

    written = export(model, "pytorch", tmp_path / "m.safetensors")
    assert [p.name for p in written] == ["m.safetensors", "m_pytorch.py"]
    tensors = load_file(str(written[0]))
    # Linear, LeakyReLU, Linear, Tanh, Linear (linear: no module), Linear, Softmax
    assert sorted(tensors) == [
        "0.bias",
        "0.weight",
        "2.bias",
        "2.weight",
        "4.bias",
        "4.weight",
        "5.bias",
        "5.weight",
    ]
    np.testing.assert_array_equal(tensors["0.weight"], model.layers[0].weight.T)
    np.testing.assert_array_equal(tensors["5.bias"], model.layers[3].bias)
    for name, expected in pytorch.state_dict(model).items():
        np.testing.assert_array_equal(tensors[name], expected)


@pytest.mark.skipif(
    not _installed("torch", "safetensors"),
    reason="torch==2.13.0 is not installed (pip install -e '.[test]')",
)
def test_generated_pytorch_module_predicts_the_same(model, inputs, tmp_path):
    export(model, "pytorch", tmp_path / "m.safetensors")
    out = _run_script(tmp_path / "m_pytorch.py", inputs, tmp_path)
    assert np.abs(out - model.predict(inputs)).max() <= 1e-5


@pytest.mark.skipif(not _installed("h5py"), reason="h5py missing (pip install 'nnstudio[keras]')")
def test_keras_weights_file_has_the_keras_3_layout(model, tmp_path):
    import h5py

    written = export(model, "keras", tmp_path / "m.weights.h5")
    assert [p.name for p in written] == ["m.weights.h5", "m_keras.py"]
    with h5py.File(written[0]) as h5:
        assert sorted(h5["layers"]) == ["dense", "dense_1", "dense_2", "dense_3", "leaky_re_lu"]
        np.testing.assert_array_equal(h5["layers/dense/vars/0"][()], model.layers[0].weight)
        np.testing.assert_array_equal(h5["layers/dense_3/vars/1"][()], model.layers[3].bias)
        assert len(h5["layers/leaky_re_lu/vars"]) == 0 and "vars" in h5


@pytest.mark.skipif(
    not _installed("keras", "h5py", "torch"), reason="keras with a backend (torch) is not installed"
)
def test_generated_keras_module_loads_the_weights_and_predicts_the_same(model, inputs, tmp_path):
    export(model, "keras", tmp_path / "m.weights.h5")
    out = _run_script(tmp_path / "m_keras.py", inputs, tmp_path, env={"KERAS_BACKEND": "torch"})
    assert np.abs(out - model.predict(inputs)).max() <= 1e-5


def test_generated_numpy_code_needs_only_numpy_and_predicts_the_same(model, inputs, tmp_path):
    written = export(model, "numpy", tmp_path / "predict.py")
    assert [p.name for p in written] == ["predict.py", "predict.npz"]
    source = written[0].read_text()
    assert "import numpy as np" in source and "nnstudio" not in source.split('"""')[2]
    out = _run_script(written[0], inputs, tmp_path)
    assert np.abs(out - model.predict(inputs)).max() <= 1e-5


def test_an_untrained_project_is_refused_unless_asked_for():
    project = Project.example()
    with pytest.raises(UntrainedError, match="untrained"):
        from_project(project)
    model = from_project(project, allow_untrained=True)
    assert [layer.units for layer in model.layers] == [4, 4, 1]
    assert model.scaler is not None and model.class_names is not None


def test_a_trained_project_exports_its_weights_and_its_data_scaler():
    project = Project.example()
    weights = [(w + 0.5, b - 0.25) for w, b in project.document.weights()]
    project.document.set_weights(weights)
    model = from_project(project)
    np.testing.assert_array_equal(model.layers[0].weight, weights[0][0])
    data = project.load_dataset()
    assert np.abs(model.scaler.transform(data.X).mean(axis=0)).max() < 0.2


def test_an_invalid_network_and_bad_requests_give_clear_errors(model, tmp_path):
    project = Project.example()
    project.document.set_activation(len(project.document) - 1, "softmax")  # softmax on 1 unit
    with pytest.raises(ExportError, match="cannot be exported"):
        from_project(project, allow_untrained=True)
    with pytest.raises(ExportError, match="unknown export format 'tflite'"):
        export(model, "tflite", tmp_path / "m.tflite")
    with pytest.raises(ExportError, match="cannot write"):
        export(model, "onnx", tmp_path / "missing" / "m.onnx")


def test_a_float64_network_exports_as_float32(tmp_path):
    net = nnstudio.Network.from_spec(
        {"inputs": 2, "layers": [{"units": 1}]}, seed=0, dtype="float64"
    )
    model = ExportModel.from_network(net)
    assert model.layers[0].weight.dtype == np.float32
    [path] = export(model, "npz", tmp_path / "m.npz")
    assert ExportModel.from_npz(path).scaler is None
