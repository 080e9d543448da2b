"""pandas' reader asked for what the exact checks need: cells as written, columns named
by index, text columns as objects."""

import io

import numpy as np
import pytest

from nnstudio.datasets import csv_pandas, delimited


@pytest.fixture
def layout(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a;b;label\n1;2.5;NA\n\n3;;x\n")
    return delimited.sniff(path, None, None)[0]


def test_cells_are_read_as_written_and_blank_lines_skipped(layout):
    frame = csv_pandas.read(layout, str(layout.path), (2,), ("",), na_filter=True)
    assert list(frame.columns) == [0, 1, 2] and len(frame) == 2
    assert frame[0].to_numpy().tolist() == [1, 3]
    assert frame[2].to_numpy().tolist() == ["NA", "x"]  # no default NA strings
    assert np.isnan(frame[1].to_numpy()[1])  # the missing cell, marked


def test_without_the_na_filter_a_missing_number_reads_as_text(layout):
    frame = csv_pandas.read(layout, str(layout.path), (2,), ("",), na_filter=False)
    assert frame[1].to_numpy().tolist() == ["2.5", ""]


def test_bytes_without_the_header_and_in_chunks(layout):
    body = io.BytesIO(b"5;6;y\n7;8;z\n")
    frame = csv_pandas.read(layout, body, (2,), ("",), False, header=False)
    assert frame[0].to_numpy().tolist() == [5, 7]
    chunks = csv_pandas.read(layout, str(layout.path), (2,), ("",), True, chunksize=1)
    with chunks:
        assert [len(chunk) for chunk in chunks] == [1, 1]
