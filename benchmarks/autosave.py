"""GUI-thread time of an autosave: 4 runs of a ~1M-parameter network (2-1000-1000-1),
each with the checkpoints a 400-step run keeps (start, scheduled, best, end).

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/autosave.py``
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import MappingProxyType, SimpleNamespace

import numpy as np
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication

from nnstudio.engine.network import Network
from nnstudio.engine.snapshot import RUNNING, STOPPED, BestEpoch, weight_views
from nnstudio.io.project import save_project
from nnstudio.model.document import NetworkDocument
from nnstudio.model.project import Project
from nnstudio.model.runs import Run
from nnstudio.ui.autosave import Autosaver

STEPS = [1, 2, 3, 5, 8, 12, 18, 27, 41, 62, 93, 140, 210, 315, 400]


def project_with_runs(n_runs=4):
    doc = NetworkDocument(inputs=2, outputs=1, hidden=((1000, "tanh"), (1000, "tanh")), seed=4)
    project = Project(document=doc, dataset={"name": "xor", "params": {"n_samples": 40}})
    spec = doc.spec()
    net = Network.from_spec(spec, seed=0)
    rng = np.random.default_rng(0)
    settings = {"optimizer": "adam", "lr": 0.01, "batch_size": 10, "epochs": 100}

    def views():
        p = rng.standard_normal(net.parameters.size).astype(np.float32)
        p.flags.writeable = False
        return weight_views(net, p)

    last = None
    for i in range(1, n_runs + 1):
        run = Run(
            i, f"Run {i}", settings, spec, project.dataset, net.get_weights(), steps_per_epoch=4
        )
        previous = 0
        for step in STEPS:
            status = STOPPED if step == STEPS[-1] else RUNNING
            epoch = step // 4
            metrics = MappingProxyType({"epoch": epoch, "loss": 1.0 / step})
            best = BestEpoch(step, metrics, views()) if step == 210 else None
            snap = SimpleNamespace(
                status=status,
                epoch=epoch,
                step=step,
                losses=rng.random(step - previous),
                epochs=(metrics,),
                metrics=metrics,
                weights=views(),
                samples_per_second=1000.0,
                best=best,
                lr_changes=(),
            )
            previous = step
            run.record(snap)
        project.runs.add(run)
        last = run
    doc.set_weights(list(last.weights))
    return project


def gui_stalls(app, saver):
    """Longest gap between 1 ms timer ticks while one autosave is written."""
    timer, clock, gaps = QTimer(), QElapsedTimer(), []
    timer.setInterval(1)
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick():
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    timer.timeout.connect(tick)
    timer.start()
    saver.save_now()
    last[0] = clock.nsecsElapsed()
    while saver.writing():
        app.processEvents()
    timer.stop()
    return max(gaps, default=0.0)


def main():
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("nnstudio-bench")
    project = project_with_runs()
    params = sum(w.size + b.size for w, b in project.document.weights())
    ckpts = sum(len(r.checkpoints) + (r.best is not None) for r in project.runs)
    print(f"{len(project.runs)} runs, {params:,} parameters, {ckpts} checkpoints")
    with tempfile.TemporaryDirectory() as tmp:
        saver = Autosaver(lambda: project, lambda: True, 10**9)
        saver.path = Path(tmp) / "autosave.nnsp"
        gui, total = [], []
        for _ in range(7):
            t0 = time.perf_counter()
            saver.save_now()
            t1 = time.perf_counter()
            saver.wait()
            t2 = time.perf_counter()
            gui.append(t1 - t0)
            total.append(t2 - t0)
        stall = gui_stalls(app, saver)
        saver.stop()
        size = saver.path.stat().st_size
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            save_project(project, Path(tmp) / "p.nnsp")
            times.append(time.perf_counter() - t0)
    ms = [1e3 * statistics.median(v) for v in (gui, total, times)]
    print(f"file {size / 2**20:.0f} MiB")
    print(f"autosave, GUI thread: median {ms[0]:.1f} ms (max {1e3 * max(gui):.1f})")
    print(f"autosave, until written: median {ms[1]:.1f} ms")
    print(f"autosave, longest GUI stall while it writes: {stall:.1f} ms")
    print(f"save_project: median {ms[2]:.1f} ms")


if __name__ == "__main__":
    main()
