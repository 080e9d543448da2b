"""The float64 arrays a table is read into: reserved untouched, written row by row."""

import numpy as np
import pytest

from nnstudio.datasets import row_arrays


@pytest.mark.parametrize("halves", [False, True])
def test_columns_become_exactly_the_rows_whatever_the_tiles(monkeypatch, halves):
    monkeypatch.setattr(row_arrays, "TILE_ROWS", 7)
    monkeypatch.setattr(row_arrays, "TILE_COLUMNS", 3)  # 8 columns: tiles of 3, 3 and 2
    rng = np.random.default_rng(0)
    table = rng.integers(-1000, 1000, (101, 8))
    columns = [table[:, j].copy() if j % 2 else table[:, j].astype(float) for j in range(8)]
    out = row_arrays.reserve(101, 8)
    row_arrays.rows_from_columns(columns, out, halves=halves)
    assert out.dtype == np.float64 and out.flags.c_contiguous
    assert np.array_equal(out, table)


def test_no_columns_write_nothing():
    out = np.full((3, 0), 1.0)
    row_arrays.rows_from_columns([], out)
    assert out.shape == (3, 0)


def test_a_reserve_is_a_writable_row_major_float64_array():
    array = row_arrays.reserve(1000, 5)
    assert array.shape == (1000, 5) and array.dtype == np.float64
    assert array.flags.c_contiguous and array.flags.writeable
    array[-1] = 2.0
    assert array[-1].tolist() == [2.0] * 5
    assert row_arrays.reserve(0, 5).shape == (0, 5)


def test_objects_of_equal_length_lists_stay_one_dimensional():
    values = row_arrays.objects([["a", "b"], ["c", "d"]])
    assert values.shape == (2,) and values[1] == ["c", "d"]
    assert row_arrays.objects([]).shape == (0,)
