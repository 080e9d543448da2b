"""The training job's data reader (studio_data.py): the project's data file, copied into
the job, reads to the very arrays nnstudio read — a table with every import choice, an
IDX pair, an NPZ file — and another file of the same columns reads as nnstudio would
read it as a test file."""

import ast
import gzip
import json

import numpy as np
import pytest

from nnstudio import datasets
from nnstudio.datasets.files import write_idx
from nnstudio.export import torch_data
from nnstudio.export.training_bundle import write_bundle
from nnstudio.model.document import NetworkDocument
from nnstudio.model.project import Project, file_reference

REVIEWS = """mood,colour,size,review
happy,red,1.5,A Great film
sad,blue,,dull and slow
happy,green,2.5,great fun great cast
sad,red,0.5,NA
happy,blue,3.0,don't miss it
sad,green,1.0,slow
"""


def project_on(reference: dict, inputs: int, outputs: int) -> Project:
    doc = NetworkDocument(inputs=inputs, outputs=outputs, hidden=((3, "tanh"),), seed=1)
    return Project(document=doc, dataset=reference, training={"dtype": "float64"})


def job_data(project: Project, folder):
    """The job's data section, and what studio_data.py reads of it."""
    write_bundle(project, folder)
    section = json.loads((folder / "bundle.json").read_text())["data"]
    return section, torch_data.read(section, folder)


def assert_same(arrays: dict, data, test=None) -> None:
    np.testing.assert_array_equal(arrays["X"], data.X)
    np.testing.assert_array_equal(arrays["y"], data.y)
    assert arrays["X"].dtype == np.float64
    if test is not None:
        np.testing.assert_array_equal(arrays["X_test"], test.X)
        np.testing.assert_array_equal(arrays["y_test"], test.y)


@pytest.mark.parametrize("missing", ["drop", "mean"])
def test_a_table_reads_with_every_import_choice(tmp_path, missing):
    table = tmp_path / "reviews.csv"
    table.write_text(REVIEWS)
    options = datasets.TableImport(
        label_columns=("mood",), categorical=("colour",), text=("review",), missing=missing
    )
    project = project_on(file_reference(table, options), 4, 1)
    section, arrays = job_data(project, tmp_path / "job")
    assert section["kind"] == "table" and section["files"] == {"train": ["data/reviews.csv"]}
    data = project.load_dataset()
    assert_same(arrays, data)
    assert len(arrays["X"]) == (4 if missing == "drop" else 6)
    assert data.feature_names[:3] == ("colour=blue", "colour=green", "colour=red")


def test_a_gzip_table_without_header_with_its_test_file(tmp_path):
    rows = "\n".join(f"{i % 3}\t{i * 0.5}\t{'ab'[i % 2]}" for i in range(40))
    train, test = tmp_path / "train.tsv.gz", tmp_path / "test" / "train.tsv.gz"
    test.parent.mkdir()
    train.write_bytes(gzip.compress(rows.encode()))
    test.write_bytes(gzip.compress(rows.replace("\t0.5\t", "\t7\t").encode()))
    options = datasets.TableImport(label_columns=(0,), categorical=(2,), header=False)
    project = project_on(file_reference(train, options, test=test), 3, 3)
    section, arrays = job_data(project, tmp_path / "job")
    assert section["files"] == {
        "train": ["data/train.tsv.gz"],
        "test": ["data/test-train.tsv.gz"],
    }
    assert_same(arrays, project.load_dataset(), project.test_data())


def test_an_idx_pair_and_its_test_pair(tmp_path):
    rng = np.random.default_rng(0)
    for name, n in (("train", 30), ("t10k", 10)):
        write_idx(tmp_path / f"{name}-images", rng.integers(0, 256, (n, 4, 4), dtype=np.uint8))
        write_idx(tmp_path / f"{name}-labels", np.arange(n, dtype=np.uint8) % 3, compress=True)
    reference = file_reference(
        tmp_path / "train-images",
        labels=tmp_path / "train-labels",
        test=tmp_path / "t10k-images",
        test_labels=tmp_path / "t10k-labels",
    )
    project = project_on(reference, 16, 3)
    section, arrays = job_data(project, tmp_path / "job")
    assert section["kind"] == "idx" and len(section["files"]["test"]) == 2
    assert_same(arrays, project.load_dataset(), project.test_data())


@pytest.mark.parametrize("labels", ["strings", "numbers", "one-hot"])
def test_an_npz_file_of_channels_first_images(tmp_path, labels):
    rng = np.random.default_rng(1)
    classes = np.arange(24) % 3
    y = {
        "strings": np.array(["cat", "dog", "owl"])[classes],
        "numbers": classes * 2.0,
        "one-hot": np.eye(3)[classes],
    }[labels]
    file = tmp_path / "images.npz"
    np.savez(file, X=rng.normal(size=(24, 2 * 3 * 5)), y=y, shape=np.array([2, 3, 5]))
    project = project_on(file_reference(file), 30, 3)
    section, arrays = job_data(project, tmp_path / "job")
    assert section["npz"]["channels_first"] == [2, 3, 5]
    assert_same(arrays, project.load_dataset())


def reviews_job(tmp_path):
    """A job on REVIEWS (categories, words, means filled): its data section, the file
    and its import options."""
    table = tmp_path / "reviews.csv"
    table.write_text(REVIEWS)
    options = datasets.TableImport(
        label_columns=("mood",), categorical=("colour",), text=("review",), missing="mean"
    )
    section, _ = job_data(project_on(file_reference(table, options), 4, 1), tmp_path / "job")
    return section, table, options


def test_another_file_reads_as_nnstudio_reads_a_test_file(tmp_path):
    section, table, options = reviews_job(tmp_path)
    more = tmp_path / "more.csv"
    more.write_text(REVIEWS + "sad,purple,,a great slow film\nhappy,red,9,\n")
    arrays = torch_data.read(section, tmp_path / "job", {"train": [more]})
    trained = datasets.load_table(table, options)
    expected = datasets.load_table(more, options, encoding=trained.encoding).dataset
    assert_same(arrays, expected)
    assert arrays["X"][6, :3].tolist() == [0, 0, 0]  # a colour training never saw


@pytest.mark.parametrize(
    "changed, message",
    [
        pytest.param("mood,colour,size\nhappy,red,1\n", "its columns", id="columns"),
        pytest.param(REVIEWS + "angry,red,1,ok\n", "'angry' is a class", id="new-class"),
        pytest.param(REVIEWS + "sad,red,big,ok\n", "'big' in column 'size'", id="text-number"),
    ],
)
def test_a_file_unlike_the_studios_is_refused(tmp_path, changed, message):
    section, _, _ = reviews_job(tmp_path)
    other = tmp_path / "other.csv"
    other.write_text(changed)
    with pytest.raises(torch_data.DataError, match=message):
        torch_data.read(section, tmp_path / "job", {"train": [other]})


def test_another_file_is_refused_for_data_that_came_as_arrays(tmp_path):
    doc = NetworkDocument(inputs=2, outputs=1, hidden=((3, "tanh"),), seed=1)
    project = Project(document=doc, dataset={"name": "moons", "params": {"n_samples": 40}})
    section, arrays = job_data(project, tmp_path / "job")
    assert section["kind"] == "arrays" and len(arrays["X"]) == 40
    with pytest.raises(torch_data.DataError, match="no file of the user's"):
        torch_data.read(section, tmp_path / "job", {"train": [tmp_path / "more.npz"]})


def test_an_idx_pair_is_replaced_by_a_pair(tmp_path):
    section = {"kind": "idx", "name": "mnist", "files": {"train": ["a", "b"]}}
    with pytest.raises(torch_data.DataError, match="an images file and its labels file, got 1"):
        torch_data.read(section, tmp_path, {"train": [tmp_path / "images"]})


def test_a_copy_that_no_longer_reads_as_the_studio_read_it_is_refused(tmp_path):
    table = tmp_path / "points.csv"
    table.write_text("x,y,label\n" + "".join(f"{i},{i % 5},{i % 2}\n" for i in range(40)))
    project = project_on(file_reference(table, datasets.TableImport()), 2, 1)
    job = tmp_path / "job"
    section, _ = job_data(project, job)
    copy = job / "data" / "points.csv"
    copy.write_text(copy.read_text().replace("\n7,2,1\n", "\n7,3,1\n"))
    with pytest.raises(torch_data.DataError, match="differs from what nnstudio read"):
        torch_data.read(section, job)


@pytest.mark.parametrize(
    "module", [torch_data.__file__, torch_data.__file__.replace("_data", "_train")]
)
def test_the_jobs_scripts_import_nothing_of_nnstudio(module):
    tree = ast.parse(open(module, encoding="utf-8").read())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "nnstudio" not in imported
