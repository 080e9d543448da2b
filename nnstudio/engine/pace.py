"""Training slowed down to be watched: at most a number of steps a second."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from nnstudio.errors import TrainingConfigError

MAX_PACE = 10_000.0  # steps a second; above this, a pace is no slower than full speed


def checked_pace(value) -> float | None:
    """``value`` as steps a second (None: full speed); TrainingConfigError unless it
    is a number with 0 < value ≤ MAX_PACE."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not (math.isfinite(value) and 0 < value <= MAX_PACE)
    ):
        raise TrainingConfigError(
            f"the pace must be a number of steps a second above 0 and at most "
            f"{MAX_PACE:,.0f} (or None: full speed), got {value!r}"
        )
    return float(value)


class Pace:
    """When each next step is due: ``1 / steps_per_second`` after the last one (or at
    once when the training fell behind: lost time is not made up in a burst)."""

    def __init__(self, steps_per_second: float | None = None):
        self.steps_per_second = checked_pace(steps_per_second)
        self._due = 0.0

    @property
    def on(self) -> bool:
        return self.steps_per_second is not None

    def wait(self, changed: threading.Condition, woken: Callable[[], bool]) -> None:
        """Block until the next step is due, or until ``woken()`` holds (a command
        came: ``changed`` is notified with it); then count a step as taken."""
        rate = self.steps_per_second
        if rate is None:
            return
        now = time.perf_counter()
        due = max(self._due, now)
        if due > now:
            with changed:
                changed.wait_for(woken, timeout=due - now)
        self._due = max(due, time.perf_counter()) + 1 / rate
