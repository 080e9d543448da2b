"""Weights NPZ: round trip, layout, refusal of files that are not ours."""

import json
import zipfile

import numpy as np
import pytest

import nnstudio
from nnstudio.errors import NNStudioError, SpecError
from nnstudio.io.npz import load_npz, read_npz, save_npz

SPEC = {
    "inputs": 3,
    "layers": [
        {"units": 4, "activation": "relu", "name": "hidden"},
        {"units": 2, "activation": "softmax", "use_bias": False},
    ],
}


def test_round_trip_keeps_weights_spec_and_metadata(tmp_path):
    net = nnstudio.Network.from_spec(SPEC, seed=5, dtype="float64")
    path = tmp_path / "w.npz"
    save_npz(net, path, {"class_names": ["a", "b"]})
    again, metadata = load_npz(path)
    assert again.spec == net.spec and again.dtype == np.float64
    assert np.array_equal(again.parameters, net.parameters)
    assert metadata == {"class_names": ["a", "b"]}
    X = np.random.default_rng(0).normal(size=(5, 3))
    assert np.array_equal(again.predict(X), net.predict(X))


def test_arrays_have_documented_names_and_layouts(tmp_path):
    net = nnstudio.Network.from_spec(SPEC)
    save_npz(net, tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz", allow_pickle=False) as npz:
        assert npz["hidden.weight"].shape == (3, 4)
        assert npz["hidden.bias"].shape == (4,)
        assert npz["dense_1.weight"].shape == (4, 2)
        assert "dense_1.bias" not in npz
        model = json.loads(npz["model.json"].tobytes())
    assert model["format"] == "nnstudio.weights" and model["network"]["inputs"] == 3


def test_a_file_from_a_newer_nnstudio_is_refused(tmp_path):
    net = nnstudio.Network.from_spec(SPEC)
    path = tmp_path / "w.npz"
    save_npz(net, path)
    model, arrays = read_npz(path)
    model["schema_version"] = 99
    arrays["model.json"] = np.frombuffer(json.dumps(model).encode(), np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(NNStudioError, match="newer nnstudio"):
        load_npz(path)


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_garbage_is_refused_with_a_message(tmp_path, content):
    path = tmp_path / "w.npz"
    path.write_bytes(content)
    with pytest.raises(NNStudioError):
        load_npz(path)


def test_an_npz_without_model_json_is_not_ours(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, a=np.zeros(3))
    with pytest.raises(NNStudioError, match="not an nnstudio weights file"):
        load_npz(path)


def test_wrong_shapes_are_refused(tmp_path):
    path = tmp_path / "w.npz"
    save_npz(nnstudio.Network.from_spec(SPEC), path)
    model, arrays = read_npz(path)
    arrays["hidden.weight"] = np.zeros((3, 5))
    arrays["model.json"] = np.frombuffer(json.dumps(model).encode(), np.uint8)
    np.savez(path, **arrays)
    with pytest.raises(SpecError, match=r"shape \(3, 4\)"):
        load_npz(path)


def test_save_is_atomic_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "w.npz"
    save_npz(nnstudio.Network.from_spec(SPEC), path)
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]
    assert zipfile.is_zipfile(path)


def _rewritten(tmp_path, change_model=None, change_arrays=None):
    path = tmp_path / "w.npz"
    save_npz(nnstudio.Network.from_spec(SPEC), path, {"class_names": ["a", "b"]})
    model, arrays = read_npz(path)
    if change_model:
        change_model(model)
    if change_arrays:
        change_arrays(arrays)
    arrays["model.json"] = np.frombuffer(json.dumps(model).encode(), np.uint8)
    np.savez(path, **arrays)
    return path


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda m: m.update(schema_version="2"), "schema_version is not a whole number"),
        (lambda m: m.update(network=[1, 2]), "has no network description"),
        (lambda m: m.update(dtype="int8"), "dtype is not float32 or float64"),
        (lambda m: m.update(metadata=7), "metadata is not a mapping"),
        (lambda m: m["metadata"].update(class_names=3), "class_names is not a list of names"),
        (lambda m: m["metadata"].update(task="magic"), "task is not classification or"),
        (lambda m: m["metadata"].update(scaler="x"), "scaler is not a mapping"),
    ],
)
def test_every_field_of_model_json_is_checked(tmp_path, change, message):
    with pytest.raises(NNStudioError, match=f"w.npz: model.json's .*{message}|{message}"):
        load_npz(_rewritten(tmp_path, change_model=change))


@pytest.mark.parametrize(
    "values, message",
    [(np.array([["a"] * 4] * 3), "are not numbers"), (np.full((3, 4), np.nan), "hold NaN or inf")],
)
def test_weights_that_are_no_numbers_or_nan_are_refused(tmp_path, values, message):
    path = _rewritten(tmp_path, change_arrays=lambda a: a.update({"hidden.weight": values}))
    with pytest.raises(SpecError, match=f"w.npz: the weights of layer 'hidden' {message}"):
        load_npz(path)


CNN = {
    "inputs": [8, 8, 1],
    "layers": [
        {"type": "conv2d", "filters": 3, "kernel_size": 3, "activation": "relu"},
        {"type": "maxpool2d", "pool_size": 2, "stride": 2},
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.25},
        {"units": 4, "activation": "softmax"},
    ],
}


def test_a_cnn_round_trips_with_weights_for_its_layers_with_parameters_only(tmp_path):
    from nnstudio.engine.network import Network

    net = Network.from_spec(CNN, seed=3)
    path = tmp_path / "cnn.npz"
    save_npz(net, path)
    names = [n for n in np.load(path, allow_pickle=False) if n != "model.json"]
    assert sorted(names) == ["conv2d_0.bias", "conv2d_0.weight", "dense_4.bias", "dense_4.weight"]
    again, _ = load_npz(path)
    X = np.random.default_rng(0).normal(size=(5, 64))
    np.testing.assert_array_equal(again.predict(X), net.predict(X))


def test_cnn_weights_for_other_kernels_or_pools_are_refused_by_what_differs(tmp_path):
    from nnstudio.engine.network import Network
    from nnstudio.io.npz import weights_to_import

    save_npz(Network.from_spec(CNN, seed=3), tmp_path / "cnn.npz")
    assert len(weights_to_import(tmp_path / "cnn.npz", CNN, None)) == 2
    average = {**CNN, "layers": [CNN["layers"][0], {"type": "avgpool2d"}, *CNN["layers"][2:]]}
    with pytest.raises(
        NNStudioError, match="layer 2: layer type 'maxpool2d' in cnn.npz, 'avgpool2d'"
    ):
        weights_to_import(tmp_path / "cnn.npz", average, None)
    same = {**CNN["layers"][0], "padding": "same"}
    padded = {**CNN, "layers": [same, *CNN["layers"][1:]]}
    weights = weights_to_import(tmp_path / "cnn.npz", padded, None)  # other sizes: as they are
    with pytest.raises(SpecError, match="shape"):
        Network.from_spec(padded).set_weights(weights)
