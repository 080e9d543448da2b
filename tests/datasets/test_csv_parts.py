"""A plain file is cut only at the line ends that are row ends, and its parts, parsed at
once, give the table the whole file gives."""

import threading

import numpy as np
import pytest

from nnstudio import datasets
from nnstudio.datasets import csv_parts
from nnstudio.datasets.progress import Cancelled


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    monkeypatch.setattr(csv_parts, "PART_BYTES", 256)


def _table(rows: int = 400, newline: str = "\n") -> str:
    lines = [f"{i},{i * 0.25},{'abc'[i % 3]}" for i in range(rows)]
    return newline.join(["x,z,label", *lines]) + newline


def test_cuts_fall_after_line_ends_and_cover_the_data_rows_in_order(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("\n\n" + _table())  # pandas skips the blank lines before the header
    data = path.read_bytes()
    spans = csv_parts.cut(path, header=True)
    assert len(spans) == csv_parts.MAX_PARTS
    assert spans[0][0] == data.index(b"x,z,label\n") + len("x,z,label\n")
    assert spans[-1][1] == len(data)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end == start and data[end - 1 : end] == b"\n"
    assert csv_parts.read(path, spans[1]) == data[spans[1][0] : spans[1][1]]


def test_a_file_without_a_header_is_cut_from_its_first_byte(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(_table().split("\n", 1)[1])
    assert csv_parts.cut(path, header=False)[0][0] == 0


@pytest.mark.parametrize(
    "text",
    [
        _table().replace("7,1.75,b", '7,1.75,"b\nc"'),  # a quoted cell may span lines
        _table().replace("\n", "\r"),  # old Mac line ends: find(b"\n") sees one line
        "x,label\n1,a\n",  # too small to be worth cutting
    ],
    ids=["quoted", "bare CR", "small"],
)
def test_files_that_may_not_or_need_not_be_cut_are_not(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode())
    assert csv_parts.cut(path, header=True) is None


def test_windows_line_ends_are_cut_after_their_newline(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(_table(newline="\r\n").encode())
    spans = csv_parts.cut(path, header=True)
    assert spans and all(path.read_bytes()[end - 2 : end] == b"\r\n" for _, end in spans)


def _load_in_parts(tmp_path, monkeypatch):
    """load_csv of a 3,001-row table, the spans of the parts it read, and the file."""
    path = tmp_path / "t.csv"
    path.write_text(_table(rows=3001))
    read = []
    real = csv_parts.read
    monkeypatch.setattr(csv_parts, "read", lambda p, span: read.append(span) or real(p, span))
    return datasets.load_csv(path), read, path


def test_the_parts_give_the_rows_and_labels_of_the_whole_file(tmp_path, monkeypatch):
    data, read, _ = _load_in_parts(tmp_path, monkeypatch)
    assert len(read) == csv_parts.MAX_PARTS  # it was parsed in parts
    rows = np.arange(3001)
    assert np.array_equal(data.X, np.column_stack([rows, rows * 0.25]))
    assert [data.class_names[k] for k in data.y[:4]] == ["a", "b", "c", "a"]
    assert data.class_names[data.y[-1]] == "abc"[3000 % 3]


def test_a_read_cancelled_while_parts_are_parsed_stops(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_text(_table(rows=3000))
    progress = datasets.ReadProgress()
    real = csv_parts.read
    first_part = threading.Event()

    def read(p, span):
        if not first_part.is_set():
            first_part.set()
            progress.cancel()  # as the user presses Cancel while the first part parses
        return real(p, span)

    monkeypatch.setattr(csv_parts, "read", read)
    with pytest.raises(Cancelled):
        datasets.load_table(path, progress=progress)


def test_more_parts_than_cores_give_the_rows_in_order_and_the_first_bad_cell(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_parts, "MAX_PARTS", 5)  # parsed ahead of the parts counted
    data, read, path = _load_in_parts(tmp_path, monkeypatch)
    assert len(read) == 5
    rows = np.arange(3001)
    assert data.X.flags.c_contiguous
    assert np.array_equal(data.X, np.column_stack([rows, rows * 0.25]))
    lines = path.read_text().splitlines()
    lines[2000] = "1,x,a"  # a bad cell in the fourth part, and in the second
    lines[700] = "1,y,a"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(datasets.DataError, match="line 701, column 'z': 'y' is not a number"):
        datasets.load_csv(path)
