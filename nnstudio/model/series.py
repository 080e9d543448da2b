"""A growing (x, y) series of bounded size, evenly sampled however long it grows."""

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
