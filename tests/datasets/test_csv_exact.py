"""Python's reading of a table's rows and cells, and the same rules for pandas' cells."""

import math

import numpy as np
import pytest

from nnstudio.datasets import csv_exact, delimited
from nnstudio.errors import DataError


def _layout(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_text(text)
    return delimited.sniff(path, None, None)[0]


def test_a_cell_is_a_finite_number_or_missing(tmp_path):
    layout = _layout(tmp_path, "a,b\n1,2\n")
    assert csv_exact.number(layout, " 1_000 ", 2, 0, ("",)) == 1000.0
    assert math.isnan(csv_exact.number(layout, " NA ", 2, 0, ("", "NA")))
    with pytest.raises(DataError, match="line 2, column 'b': 'x' is not a number; hint"):
        csv_exact.number(layout, "x", 2, 1, ("",), "; hint")
    with pytest.raises(DataError, match="'inf' is not a finite number"):
        csv_exact.number(layout, "inf", 2, 1, ("",))


def test_blocks_give_the_rows_from_start_on_and_refuse_a_ragged_row(tmp_path):
    rows = [f"{i}, w{i} ,{i % 2}" for i in range(5)]
    rows[3] = "3,,1"
    layout = _layout(tmp_path, "x,t,y\n" + "\n".join(rows) + "\n")
    (numbers, texts, size), *more = csv_exact.blocks(layout, 1, (0, 2), (1,), ("",))
    assert not more and numbers.tolist() == [[1, 1], [2, 0], [3, 1], [4, 0]]
    assert texts[1].tolist() == ["w1", "w2", None, "w4"] and size == 6
    path = tmp_path / "r.csv"
    path.write_text("x,y\n1,2\n3\n")
    with pytest.raises(DataError, match="line 3: 1 fields?, expected 2"):
        list(csv_exact.blocks(delimited.sniff(path, None, None)[0], 0, (0, 1), (), ("",)))


def test_a_wide_table_comes_in_blocks_of_about_100_000_cells(tmp_path):
    row = ",".join(["1"] * 400)
    layout = _layout(tmp_path, row + "\n" + "\n".join([row] * 600) + "\n")
    blocks = list(csv_exact.blocks(layout, 0, tuple(range(400)), (), ("",)))
    assert [len(numbers) for numbers, _, _ in blocks] == [256, 256, 89]  # no header: 601 rows


def test_pandas_cells_are_converted_by_the_same_rules():
    values, bad = csv_exact.converted(np.array([" 1_000", "", 2, float("nan")], object), ("",))
    assert bad is None and values[0] == 1000.0 and values[2] == 2.0
    assert np.isnan(values[[1, 3]]).all()
    assert csv_exact.converted(np.array(["1", "x"], object), ("",))[1] == 1
    assert csv_exact.converted(np.array([True, False]), ("",))[1] == 0
    assert csv_exact.converted(np.array([1.0, np.inf]), ("",))[1] == 1


def test_text_cells_are_stripped_and_missing_ones_none():
    values, size = csv_exact.stripped(np.array([" a ", "NA", float("nan"), "bc"], object), ("NA",))
    assert values.tolist() == ["a", None, None, "bc"] and size == 3


def test_missing_cells_are_found_only_in_the_columns_asked_about():
    rows = [["1", " ", "x"], ["2", "3", ""]]
    assert csv_exact.any_missing(rows, (1,), ("",))
    assert not csv_exact.any_missing(rows, (0,), ("",))
    assert not csv_exact.any_missing([["1"]], (0, 2), ("",))  # a short row
