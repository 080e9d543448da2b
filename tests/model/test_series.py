"""Bounded, evenly sampled series (loss curves of runs of any length)."""

import numpy as np
import pytest

from nnstudio.model.series import Series


def test_a_series_stays_bounded_and_evenly_sampled_however_long_the_run():
    buffer = Series(100)
    for start in range(0, 1000, 7):  # arriving in snapshots of 7 steps
        x = np.arange(start, min(start + 7, 1000), dtype=float)
        buffer.extend(x, 2 * x)
    bx, by = buffer.data()
    assert 50 <= len(bx) <= 100 and buffer.stride == 16
    np.testing.assert_array_equal(np.diff(bx), 16)  # even: the start is not thinned out
    assert bx[0] == 0 and bx[-1] >= 1000 - 2 * 16  # the whole run so far
    np.testing.assert_allclose(by, 2 * (bx + 7.5))  # each point: the mean of its 16 steps
    buffer.clear()
    buffer.extend(np.arange(3.0), np.ones(3))
    assert buffer.data()[0].tolist() == [0, 1, 2]


def test_a_series_continues_exactly_after_a_round_trip_through_its_arrays():
    a = Series(64)
    for start in range(0, 500, 3):
        x = np.arange(start, start + 3, dtype=float)
        a.extend(x, np.sin(x))
    b = Series.from_arrays(64, a.arrays())
    for series in (a, b):
        series.extend(np.arange(500.0, 530.0), np.cos(np.arange(500.0, 530.0)))
    np.testing.assert_array_equal(a.data()[0], b.data()[0])
    np.testing.assert_array_equal(a.data()[1], b.data()[1])
    assert a.stride == b.stride > 1


def test_arrays_that_do_not_fit_together_are_refused():
    arrays = Series(8).arrays()
    arrays["y"] = np.ones(3)
    with pytest.raises(ValueError, match="do not fit"):
        Series.from_arrays(8, arrays)
