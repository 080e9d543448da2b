"""Networks of every layer type and activation, exported and read back by each format's
real consumer on random images: outputs within 1e-5 of ``Network.predict``."""

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
from networks import COLOUR_CNN, NEW_ACTIVATIONS, SMALL_CNN, STEP, random_model, random_samples

from nnstudio.export import ExportError, export
from nnstudio.export.model import ExportModel
from nnstudio.export.tables import from_json, read_csv

TOLERANCE = 1e-5
SPECS = {"small_cnn": SMALL_CNN, "colour_cnn": COLOUR_CNN, "activations": NEW_ACTIVATIONS}


@pytest.fixture(scope="module", params=list(SPECS))
def case(request):
    """(model with random weights, raw samples in its input shape, the engine's outputs)."""
    model = random_model(SPECS[request.param])
    samples = random_samples(model)
    return model, samples, model.network().predict(model.scale(samples).astype(np.float32))


def _installed(*modules):
    return all(importlib.util.find_spec(m) is not None for m in modules)


def _run_script(script, samples, tmp_path, env=None):
    """The script's printed outputs for ``samples`` given as CSV rows."""
    csv = tmp_path / "inputs.csv"
    np.savetxt(csv, samples.reshape(len(samples), -1), delimiter=",", fmt="%.17g")
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


def test_the_export_model_predicts_as_the_engine_from_images_or_rows(case):
    model, samples, expected = case
    np.testing.assert_array_equal(model.predict(samples), expected)
    np.testing.assert_array_equal(model.predict(samples.reshape(len(samples), -1)), expected)


def test_npz_keeps_the_spec_and_the_weights_exactly(case, tmp_path):
    model, samples, expected = case
    [path] = export(model, "npz", tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as arrays:
        names = sorted(arrays)
        spec = json.loads(arrays["model.json"].tobytes())["network"]
    biased = [layer.name for layer in model.weighted_layers if layer.spec.use_bias]
    weighted = [layer.name for layer in model.weighted_layers]
    assert names == sorted(
        ["model.json", *(f"{n}.weight" for n in weighted), *(f"{n}.bias" for n in biased)]
    )
    assert spec == model.spec()
    again = ExportModel.from_npz(path)
    assert again.spec() == model.spec()
    for a, b in zip(again.weighted_layers, model.weighted_layers):
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.bias, b.bias)
    np.testing.assert_array_equal(again.predict(samples), expected)


def test_json_keeps_the_spec_and_the_weights_exactly(case, tmp_path):
    model, samples, expected = case
    [path] = export(model, "json", tmp_path / "m.json")
    document = json.loads(path.read_text())
    assert [entry["type"] for entry in document["layers"]] == [
        layer.type_name for layer in model.layers
    ]
    again = from_json(path.read_text())
    assert again.spec() == model.spec()
    np.testing.assert_array_equal(again.scaler.offset, model.scaler.offset)
    for a, b in zip(again.weighted_layers, model.weighted_layers):
        np.testing.assert_array_equal(a.weight, b.weight)
    np.testing.assert_array_equal(again.predict(samples), expected)


def test_csv_has_every_weight_of_every_layer_with_parameters(case, tmp_path):
    model, _, _ = case
    [path] = export(model, "csv", tmp_path / "m.csv")
    tables = read_csv(path.read_text())
    assert list(tables) == [layer.name for layer in model.weighted_layers]
    for layer in model.weighted_layers:
        w, b = tables[layer.name]
        np.testing.assert_array_equal(w.reshape(layer.weight.shape), layer.weight)
        np.testing.assert_array_equal(b, layer.bias)


def _load_module(script):
    loaded = importlib.util.spec_from_file_location(script.stem, script)
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


def _onnxruntime(model, samples, tmp_path):
    import onnxruntime

    [path] = export(model, "onnx", tmp_path / "m.onnx")
    session = onnxruntime.InferenceSession(str(path))
    return session.run(None, {"input": samples.astype(np.float32)})[0]


def _pytorch(model, samples, tmp_path):
    _, script = export(model, "pytorch", tmp_path / "m.safetensors")
    return _run_script(script, samples, tmp_path)


def _keras(model, samples, tmp_path):
    _, script = export(model, "keras", tmp_path / "m.weights.h5")
    return _run_script(script, samples, tmp_path, env={"KERAS_BACKEND": "torch"})


def _numpy(model, samples, tmp_path):
    script, _ = export(model, "numpy", tmp_path / "predict.py")
    return _run_script(script, samples, tmp_path)


# format: (its real consumer's outputs for raw samples, the modules it needs)
CONSUMERS = {
    "onnx": (_onnxruntime, ("onnx", "onnxruntime")),
    "pytorch": (_pytorch, ("torch", "safetensors")),
    "keras": (_keras, ("keras", "h5py", "torch")),
    "numpy": (_numpy, ()),
}
FORMATS = [
    pytest.param(name, marks=pytest.mark.skipif(not _installed(*needs), reason=f"needs {needs}"))
    for name, (_, needs) in CONSUMERS.items()
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_s_consumer_predicts_as_the_engine(case, fmt, tmp_path):
    model, samples, expected = case
    out = CONSUMERS[fmt][0](model, samples, tmp_path)
    assert out.shape == expected.shape
    assert np.abs(out - expected).max() <= TOLERANCE


@pytest.mark.parametrize("fmt", FORMATS)
def test_step_neurons_fire_as_the_engine_s_in_every_format(fmt, tmp_path):
    model = random_model(STEP, scale=2.0)
    samples = random_samples(model, n=200)
    first = model.layers[0]
    z = model.scale(samples) @ first.weight + first.bias
    samples = samples[np.abs(z).min(axis=1) > 1e-3][:20]  # away from the threshold
    assert len(samples) == 20
    expected = model.predict(samples)
    out = CONSUMERS[fmt][0](model, samples, tmp_path)
    assert np.abs(out - expected).max() <= TOLERANCE


def test_numpy_predict_py_needs_only_numpy_and_takes_images_or_rows(case, tmp_path):
    model, samples, expected = case
    script, _ = export(model, "numpy", tmp_path / "predict.py")
    source = script.read_text()
    assert "import nnstudio" not in source and "from nnstudio" not in source
    module = _load_module(script)
    for given in (samples, samples.reshape(len(samples), -1)):
        assert np.abs(module.predict(given) - expected).max() <= TOLERANCE


@pytest.mark.skipif(not _installed("onnx"), reason="onnx missing")
def test_onnx_takes_the_network_s_input_shape_and_passes_the_checker(case, tmp_path):
    import onnx

    model, _, _ = case
    [path] = export(model, "onnx", tmp_path / "m.onnx")
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    [given] = proto.graph.input
    dims = [d.dim_value for d in given.type.tensor_type.shape.dim]
    assert given.name == "input" and dims == [0, *model.input_shape]  # 0: the batch
    ops = [node.op_type for node in proto.graph.node]
    assert "Dropout" not in ops
    if len(model.input_shape) > 1:
        convs = [layer for layer in model.layers if layer.type_name == "conv2d"]
        assert ops[2] == "Transpose" and ops.count("Conv") == len(convs)


@pytest.mark.skipif(not _installed("torch", "safetensors"), reason="torch missing")
def test_pytorch_loader_takes_images_and_holds_pytorch_s_layouts(case, tmp_path):
    model, samples, expected = case
    weights, script = export(model, "pytorch", tmp_path / "m.safetensors")
    module = _load_module(script)
    assert np.abs(module.predict(samples) - expected).max() <= TOLERANCE
    parameters = dict(module.load().named_parameters())
    for layer in model.weighted_layers:
        w = layer.weight.transpose(3, 2, 0, 1) if layer.weight.ndim == 4 else layer.weight.T
        assert any(np.array_equal(p.detach().numpy(), w) for p in parameters.values())


@pytest.mark.skipif(not _installed("h5py"), reason="h5py missing (pip install 'nnstudio[keras]')")
def test_keras_weights_file_names_the_groups_as_keras_3_and_keeps_kernels_as_stored(tmp_path):
    import h5py

    model = random_model(SMALL_CNN)
    weights, _ = export(model, "keras", tmp_path / "m.weights.h5")
    with h5py.File(weights) as h5:
        assert list(h5["layers"]) == [
            "average_pooling2d",
            "conv2d",
            "conv2d_1",
            "dense",
            "dropout",
            "flatten",
            "max_pooling2d",
        ]
        np.testing.assert_array_equal(h5["layers/conv2d_1/vars/0"][()], model.layers[2].weight)
        np.testing.assert_array_equal(h5["layers/conv2d_1/vars/1"][()], model.layers[2].bias)
        assert len(h5["layers/max_pooling2d/vars"]) == 0


@pytest.mark.parametrize(
    "fmt, name", [("onnx", "ONNX"), ("pytorch", "PyTorch"), ("keras", "Keras"), ("numpy", "NumPy")]
)
def test_an_activation_a_format_cannot_write_is_refused_by_name_before_writing(fmt, name, tmp_path):
    model = random_model(NEW_ACTIVATIONS)
    unknown = replace(model.layers[0], activation="mish")
    model = replace(model, layers=(unknown, *model.layers[1:]))
    with pytest.raises(ExportError, match=f"the {name} export cannot write the activation 'mish'"):
        export(model, fmt, tmp_path / "m")
    assert list(tmp_path.iterdir()) == []
