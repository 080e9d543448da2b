"""``nnstudio train`` and ``export`` on colour images, run as a user would, in a
subprocess."""

import json

import numpy as np
import pytest
from cli_process import run_nnstudio, run_predict_script

from nnstudio.io.npz import load_npz


def test_a_cnn_spec_without_inputs_trains_on_colour_images_and_exports(tmp_path):
    """The spec's inputs come from the data's (height, width, 3); the trained network's
    exported NumPy code and ONNX model answer as the engine does on raw colour images."""
    from nnstudio.export import ExportModel

    rng = np.random.default_rng(0)
    y = np.arange(90) % 3
    images = rng.uniform(0.0, 0.3, (90, 6, 6, 3))
    images[np.arange(90), :, :, y] += 0.6  # each class its own colour: red, green, blue
    data = tmp_path / "colours.npz"
    np.savez(data, X=images.reshape(90, -1), y=y, shape=np.array([6, 6, 3]))
    spec = tmp_path / "cnn.json"
    layers = [
        {"type": "conv2d", "filters": 4, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d"},
        {"type": "flatten"},
        {"units": 3, "activation": "softmax"},
    ]
    spec.write_text(json.dumps({"layers": layers}))
    out = tmp_path / "cnn.npz"
    result = run_nnstudio("train", spec, "--data", data, "--epochs", "5", "--out", out)
    assert result.returncode == 0, result.stderr
    net, _ = load_npz(out)
    assert net.spec.shapes[:2] == [(6, 6, 3), (4, 4, 4)]
    model = ExportModel.from_npz(out)
    samples = images[:7]
    expected = model.predict(samples)
    for fmt in ("numpy", "onnx"):
        exported = run_nnstudio("export", out, "-f", fmt, "-o", tmp_path / f"m_{fmt}")
        assert exported.returncode == 0, exported.stderr
    predicted = run_predict_script(tmp_path / "m_numpy.py", samples, tmp_path)
    np.testing.assert_allclose(predicted, expected, atol=1e-5)
    onnxruntime = pytest.importorskip("onnxruntime")
    session = onnxruntime.InferenceSession(str(tmp_path / "m_onnx.onnx"))
    [outputs] = session.run(None, {"input": samples.astype(np.float32)})
    np.testing.assert_allclose(outputs, expected, atol=1e-5)
