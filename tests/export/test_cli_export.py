"""``nnstudio export`` of a CNN's weights file, run as a user would, in a subprocess."""

import numpy as np
from cli_process import run_nnstudio, run_predict_script
from networks import SMALL_CNN, random_model, random_samples

from nnstudio.export import export


def test_export_a_cnn_weights_file_to_every_format(tmp_path):
    model = random_model(SMALL_CNN)
    [weights] = export(model, "npz", tmp_path / "cnn.npz")
    for fmt in ("onnx", "pytorch", "keras", "numpy", "json", "csv"):
        result = run_nnstudio("export", weights, "-f", fmt, "-o", tmp_path / f"out_{fmt}")
        assert result.returncode == 0, result.stderr
        assert all(tmp_path.joinpath(p).exists() for p in result.stdout.splitlines())
    samples = random_samples(model, n=5)
    out = run_predict_script(tmp_path / "out_numpy.py", samples, tmp_path)
    assert np.abs(out - model.predict(samples)).max() <= 1e-5
