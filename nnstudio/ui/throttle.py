"""Draw at most every so often, always the latest request in the end, and only what
is on screen."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDockWidget, QWidget


def on_screen(widget: QWidget) -> bool:
    """True if ``widget`` can be seen: a dock behind another tab stays "visible" to Qt
    but shows nothing (its visible region is empty; a widget's own region leaves out
    its children, so the dock's is the one to ask)."""
    dock = widget
    while dock is not None and not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    return widget.isVisible() and (dock is None or not dock.visibleRegion().isEmpty())


class Throttle(QObject):
    """Calls ``callback`` for a request at once if the last call is ``interval_s`` old,
    else once when that time is up (so the final state is never dropped)."""

    def __init__(self, interval_s: float, callback: Callable[[], None], parent=None):
        super().__init__(parent)
        self.interval_s, self.callback = interval_s, callback
        self._last = float("-inf")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fire)

    def request(self, now: bool = False) -> None:
        wait = self._last + self.interval_s - time.monotonic()
        if now or wait <= 0:
            self._timer.stop()
            self._fire()
        elif not self._timer.isActive():
            self._timer.start(max(1, int(wait * 1000)))

    def _fire(self) -> None:
        self._last = time.monotonic()
        self.callback()
