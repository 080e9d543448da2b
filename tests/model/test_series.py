"""Bounded, evenly sampled series (loss curves of runs of any length), and their
smoothing against TensorBoard's formula."""

import math

import numpy as np
import pytest

from nnstudio.model.series import Series, smoothed, thinned


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


def tensorboard(values, weight):
    """TensorBoard's scalar smoothing (vz_line_chart2 resmoothDataset), as written there."""
    last, num_accum, out = 0.0, 0, []
    constant = all(v == values[0] for v in values)
    for value in values:
        if constant or not math.isfinite(value):
            out.append(value)
        else:
            last = last * weight + (1 - weight) * value
            num_accum += 1
            out.append(last / (1 - weight**num_accum))
    return out


def test_smoothing_is_tensorboards_debiased_moving_average():
    values = [1.0, 0.5, 0.8, math.nan, 0.3, 0.4, 0.1]
    for weight in (0.0, 0.3, 0.6, 0.99):
        np.testing.assert_allclose(smoothed(np.array(values), weight), tensorboard(values, weight))
    assert smoothed(np.array([2.0, 4.0]), 0.6)[0] == 2.0  # debiased: the start is not pulled to 0
    np.testing.assert_array_equal(smoothed(np.full(3, 0.7), 0.9), [0.7, 0.7, 0.7])


def test_thinning_averages_groups_of_a_power_of_two():
    x, y = np.arange(10.0), np.arange(10.0) * 2
    np.testing.assert_array_equal(thinned(x, y, 10)[1], y)  # few enough: as they are
    tx, ty = thinned(x, y, 3)  # groups of 4: [0..3], [4..7], [8, 9]
    np.testing.assert_allclose(tx, [1.5, 5.5, 8.5])
    np.testing.assert_allclose(ty, [3.0, 11.0, 17.0])
