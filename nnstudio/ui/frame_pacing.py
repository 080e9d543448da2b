"""How often the live views are drawn: ~30 frames a second while training leaves a core
free, fewer when it keeps every core busy (a BLAS-bound network), so that drawing never
slows training down."""

from __future__ import annotations

import os
import time

from PySide6.QtCore import QObject, QTimer

FRAME_MS = 33  # ~30 frames a second while the trainer leaves a core free
SLOWEST_FRAME_MS = 250
# the share of a core the views may take while the trainer keeps every core busy
BUSY_MACHINE_GUI_SHARE = 0.05
CORES = os.cpu_count() or 1


class FramePacer(QObject):
    """A frame timer (``timer.timeout``: draw a frame) that :meth:`pace` slows down or
    speeds up by what the GUI thread and the trainer use of the machine."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self._gui_cpu = (time.perf_counter(), time.thread_time())
        self._trainer_cores = 0.0
        self.timer.start()

    def new_run(self) -> None:
        """A run starts: what the last one needed of the machine says nothing of it."""
        self._trainer_cores = 0.0

    def pace(self, snapshot, trainer) -> None:
        """After a frame: keep the views' share of a core within what the trainer
        leaves free (measured every ~½ s), and ask ``trainer`` for two snapshots a
        frame. What the trainer needs is the most cores it has kept busy in this run, or
        the threads it trains on if more: while the views draw it gets fewer (it runs
        at a lower priority), which must not read as cores to spare."""
        self._trainer_cores = max(self._trainer_cores, snapshot.cpu_cores, snapshot.threads)
        wall, cpu = time.perf_counter(), time.thread_time()
        start_wall, start_cpu = self._gui_cpu
        if wall - start_wall < 0.5:
            return
        self._gui_cpu = (wall, cpu)
        used = (cpu - start_cpu) / (wall - start_wall)
        free = CORES - self._trainer_cores
        allowed = max(BUSY_MACHINE_GUI_SHARE, min(1.0, free))
        interval = int(min(max(self.timer.interval() * used / allowed, FRAME_MS), SLOWEST_FRAME_MS))
        self.timer.setInterval(interval)
        # at most 30 snapshots a second: each costs both processes a copy of the weights
        wanted = max(1 / 30, interval / 2000)
        if trainer is not None and abs(trainer.snapshot_interval - wanted) > 0.1 * wanted:
            trainer.snapshot_interval = wanted
