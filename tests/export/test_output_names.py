"""Exports name their files by their format and never replace the file they export."""

import pytest

from nnstudio.export import ExportError, ExportModel, export


def test_a_name_without_a_suffix_gets_the_format_s(model, tmp_path):
    assert export(model, "onnx", tmp_path / "m") == [tmp_path / "m.onnx"]
    assert export(model, "keras", tmp_path / "k")[0] == tmp_path / "k.weights.h5"


@pytest.mark.parametrize(
    "fmt, name, said",
    [
        ("numpy", "x.npz", "writes NAME.py (and NAME.npz beside it), not a .npz file"),
        ("pytorch", "model.py", "writes NAME.safetensors (and NAME_pytorch.py beside it)"),
        ("onnx", "m.json", "writes NAME.onnx, not a .json file"),
    ],
)
def test_a_name_of_another_format_is_refused_and_nothing_written(model, tmp_path, fmt, name, said):
    with pytest.raises(ExportError, match=said.replace("(", r"\(").replace(")", r"\)")):
        export(model, fmt, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_the_pytorch_and_keras_loaders_of_one_stem_are_distinct(model, tmp_path):
    torch_files = export(model, "pytorch", tmp_path / "m.safetensors")
    keras_files = export(model, "keras", tmp_path / "m.weights.h5")
    assert len({*torch_files, *keras_files}) == 4


@pytest.mark.parametrize("fmt, name", [("npz", "w.npz"), ("numpy", "w.py")])
def test_an_export_never_replaces_the_weights_it_exports(model, tmp_path, fmt, name):
    source = tmp_path / "w.npz"  # numpy's w.py would write its weights to w.npz
    export(model, "npz", source)
    before = source.read_bytes()
    with pytest.raises(ExportError, match="is the file being exported"):
        export(ExportModel.from_npz(source), fmt, tmp_path / name, source=source)
    assert source.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["w.npz"]


def test_onnx_export_says_when_float32_inputs_lose_precision(model):
    from dataclasses import replace

    import numpy as np

    from nnstudio.datasets import Scaler
    from nnstudio.export import precision_note

    assert precision_note(model, "onnx") == ""  # standardised data near 0: nothing lost
    far = Scaler("standard", np.full(model.inputs, 1e4), np.full(model.inputs, 1.0))
    note = precision_note(replace(model, scaler=far), "onnx")
    assert "takes float32 inputs" in note and "loses up to 0.001 of a scaled unit" in note
    assert precision_note(replace(model, scaler=far), "pytorch") == ""  # float64 there
