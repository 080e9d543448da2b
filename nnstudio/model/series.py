"""A growing (x, y) series of bounded size, evenly sampled however long it grows, and
the smoothing that the loss plot draws over it."""

from __future__ import annotations

import numpy as np


class Series:
    """At most ``capacity`` points. When it is full, neighbouring pairs are averaged
    and later points come in averaged in groups of the same size: the whole series
    stays evenly sampled, and memory bounded, however long training goes on."""

    def __init__(self, capacity: int):
        self.capacity = max(2, capacity - capacity % 2)
        self.x = np.empty(self.capacity)
        self.y = np.empty(self.capacity)
        self.size = 0
        self.stride = 1
        self._waiting = (np.empty(0), np.empty(0))  # less than a group so far

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        x = np.concatenate([self._waiting[0], x])
        y = np.concatenate([self._waiting[1], y])
        while len(x) >= self.stride:
            take = min(len(x) // self.stride, self.capacity - self.size) * self.stride
            end = self.size + take // self.stride
            self.x[self.size : end] = x[: take : self.stride]
            self.y[self.size : end] = y[:take].reshape(-1, self.stride).mean(axis=1)
            self.size, x, y = end, x[take:], y[take:]
            if self.size == self.capacity:
                half = self.size // 2
                self.x[:half] = self.x[: self.size : 2]
                self.y[:half] = (self.y[: self.size : 2] + self.y[1 : self.size : 2]) / 2
                self.size, self.stride = half, 2 * self.stride
        self._waiting = (x, y)

    def clear(self) -> None:
        self.size, self.stride = 0, 1
        self._waiting = (np.empty(0), np.empty(0))

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[: self.size], self.y[: self.size]

    def __len__(self) -> int:
        return self.size

    # -- files ------------------------------------------------------------------------

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything needed to continue the series exactly (see :meth:`from_arrays`)."""
        return {
            "x": self.x[: self.size].copy(),
            "y": self.y[: self.size].copy(),
            "waiting_x": self._waiting[0],
            "waiting_y": self._waiting[1],
            "stride": np.array([self.stride]),
        }

    @classmethod
    def from_arrays(cls, capacity: int, arrays: dict[str, np.ndarray]) -> Series:
        """A series from :meth:`arrays`; raises ValueError if they do not fit."""
        series = cls(capacity)
        x, y = np.asarray(arrays["x"], float), np.asarray(arrays["y"], float)
        wx, wy = np.asarray(arrays["waiting_x"], float), np.asarray(arrays["waiting_y"], float)
        stride = int(np.asarray(arrays["stride"]).reshape(-1)[0])
        if (
            x.ndim != 1
            or x.shape != y.shape
            or len(x) >= series.capacity
            or wx.shape != wy.shape
            or wx.ndim != 1
            or not 1 <= stride <= 1 << 40
            or len(wx) >= stride
        ):
            raise ValueError("the series' arrays do not fit together")
        series.size, series.stride = len(x), stride
        series.x[: len(x)], series.y[: len(y)] = x, y
        series._waiting = (wx, wy)
        return series


def smoothed(y: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's debiased exponential moving average of ``y`` with ``weight`` in
    [0, 1): ``last = weight * last + (1 - weight) * y[i]``, divided by ``1 -
    weight**n`` after n finite values (so the start is not pulled towards 0).
    Non-finite values, and a constant series, are kept as they are."""
    y = np.asarray(y, dtype=float)
    finite = np.isfinite(y)
    if not 0 < weight < 1 or not finite.any() or np.all(y[finite] == y[finite][0]):
        return y.copy()
    out, last, count = y.copy(), 0.0, 0
    for i in np.flatnonzero(finite).tolist():
        last = weight * last + (1 - weight) * out[i]
        count += 1
        out[i] = last / (1 - weight**count)
    return out


def thinned(x: np.ndarray, y: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most about ``points`` points: means of groups of consecutive points (a power
    of two in size, so that a growing series keeps its groups until it doubles)."""
    group = 1
    while len(x) > group * points:
        group *= 2
    if group == 1:
        return np.asarray(x, float), np.asarray(y, float)
    groups = -(-len(x) // group)
    pad = groups * group - len(x)
    counts = np.full(groups, float(group))
    counts[-1] -= pad

    def means(values: np.ndarray) -> np.ndarray:
        padded = np.concatenate([np.asarray(values, float), np.zeros(pad)])
        return padded.reshape(groups, group).sum(axis=1) / counts

    return means(x), means(y)
