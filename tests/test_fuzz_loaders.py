"""Every loader, fed thousands of broken inputs, raises only nnstudio's own errors (each
with a message), never a Python traceback."""

import io
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nnstudio
from nnstudio import datasets
from nnstudio.errors import NNStudioError
from nnstudio.io.npz import load_npz, save_npz
from nnstudio.io.project import load_project, save_project
from nnstudio.model.project import Project

FUZZ = settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CELLS = st.sampled_from(["1", "2.5", "-3e2", "", "NA", "x", "a b", '"q,"', "1_0", "inf", "nan"])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def refuses_cleanly(load, *args) -> None:
    try:
        load(*args)
    except NNStudioError as exc:
        assert str(exc)  # a message, never an empty error


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(
    rows=st.lists(st.lists(CELLS, min_size=1, max_size=4), max_size=8),
    separator=st.sampled_from([",", "\t", ";"]),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_csv_tables(folder, rows, separator, ending):
    path = folder / "t.csv"
    path.write_text(ending.join(separator.join(row) for row in rows))
    refuses_cleanly(datasets.load_csv, path)
    refuses_cleanly(datasets.load_table, path, datasets.TableImport(missing="mean"))


@FUZZ
@given(data=st.binary(max_size=300))
def test_csv_bytes(folder, data):
    path = folder / "b.csv"
    path.write_bytes(data)
    refuses_cleanly(datasets.load_csv, path)


def _valid_data_npz() -> bytes:
    f = io.BytesIO()
    np.savez(f, X=np.arange(12.0).reshape(6, 2), y=np.array([0, 1] * 3), shape=np.array([1, 2]))
    return f.getvalue()


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6))
def test_npz_data_damaged_anywhere(folder, flips):
    data = bytearray(_valid_data_npz())
    for at, value in flips:
        data[at % len(data)] = value
    path = folder / "d.npz"
    path.write_bytes(bytes(data))
    refuses_cleanly(datasets.load_npz, path)


@FUZZ
@given(header=st.binary(min_size=0, max_size=24), body=st.binary(max_size=64))
def test_idx_files(folder, header, body):
    images, labels = folder / "i-idx3-ubyte", folder / "l-idx1-ubyte"
    images.write_bytes(bytes([0, 0]) + header + body)
    labels.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 2, 0, 1]))
    refuses_cleanly(datasets.load_idx, images, labels)


def _project_body() -> dict:
    project = Project.example()
    body = project.to_dict()
    return {"format": "nnstudio.project", "schema_version": 3, **body, "runs": []}


@FUZZ
@given(path=st.lists(st.text(max_size=10), min_size=1, max_size=3), value=JSON)
def test_project_json_with_any_field_replaced(folder, path, value):
    body = _project_body()
    place = body
    for key in path[:-1]:
        nxt = place.get(key) if isinstance(place, dict) else None
        if not isinstance(nxt, dict):
            break
        place = nxt
    if isinstance(place, dict):
        keys = list(place) or [path[-1]]
        place[keys[hash(path[-1]) % len(keys)]] = value
    target = folder / "p.nnsp"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("project.json", json.dumps(body))
    refuses_cleanly(load_project, target)


@pytest.fixture(scope="module")
def weights_file(folder):
    path = folder / "w.npz"
    save_npz(
        nnstudio.Network.from_spec({"inputs": 2, "layers": [{"units": 3}, {"units": 1}]}), path
    )
    return path.read_bytes()


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6))
def test_weights_files_damaged_anywhere(folder, weights_file, flips):
    data = bytearray(weights_file)
    for at, value in flips:
        data[at % len(data)] = value
    path = folder / "w2.npz"
    path.write_bytes(bytes(data))
    refuses_cleanly(load_npz, path)


@FUZZ
@given(spec=JSON)
def test_network_specs(spec):
    refuses_cleanly(nnstudio.Network.from_spec, spec)


@FUZZ
@given(
    layers=st.lists(
        st.dictionaries(
            st.sampled_from(["units", "activation", "use_bias", "alpha", "name", "initializer"]),
            JSON,
            max_size=4,
        ),
        max_size=3,
    ),
    inputs=JSON,
)
def test_network_specs_shaped_like_one(layers, inputs):
    refuses_cleanly(nnstudio.Network.from_spec, {"inputs": inputs, "layers": layers})


def test_a_saved_project_still_opens(folder):  # the fuzzed reader reads what it writes
    save_project(Project.example(), folder / "ok.nnsp")
    assert load_project(folder / "ok.nnsp").document.sizes == [2, 4, 4, 1]
