"""The frame timer slows down when drawing would take cores the trainer needs."""

import time

import pytest

from nnstudio.engine.snapshot import Snapshot
from nnstudio.ui import frame_pacing
from nnstudio.ui.frame_pacing import FRAME_MS, FramePacer


def _snapshot(cpu_cores: float, threads: int) -> Snapshot:
    return Snapshot("running", 0, 0, (), (), {}, (), 0.0, 0.0, cpu_cores=cpu_cores, threads=threads)


def _draw_busily(pacer: FramePacer, snapshot: Snapshot, seconds: float = 0.6) -> None:
    """The GUI thread busy for ``seconds``, as a frame that costs a whole core."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass
    pacer.pace(snapshot, None)


@pytest.mark.parametrize("threads, slower", [(1, False), (2, True)])
def test_a_trainer_on_two_threads_gets_the_cores_while_the_studio_draws(
    qtbot, monkeypatch, threads, slower
):
    """The trainer's measured cores are low (the busy studio took one), but one that
    trains on two threads needs both: the frames slow down; one on one thread leaves a
    core for the studio, which keeps its 30 frames a second."""
    monkeypatch.setattr(frame_pacing, "CORES", 2)
    pacer = FramePacer()
    pacer.pace(_snapshot(1.0, threads), None)
    _draw_busily(pacer, _snapshot(1.0, threads))
    assert (pacer.timer.interval() > FRAME_MS) is slower
