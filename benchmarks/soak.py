"""Soak: train at full speed for ten minutes with every live view drawing, and watch
the memory of the studio and of its training process.

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/soak.py [--minutes 10]``. The
bottom tabs (decision boundary, evaluation, weights) take turns in front every few
seconds so each view keeps drawing; the node heat maps and the canvas always do.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDockWidget  # noqa: E402

from nnstudio.ui.main_window import MainWindow  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    _app = QApplication.instance() or QApplication([])  # alive for the whole run
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = tmp
        window = MainWindow()
        window.resize(1400, 900)
        window.show()
        window.editor.set_dataset(
            {"name": "spiral", "params": {"n_samples": 600, "noise": 0.1, "seed": 0}}
        )
        window.editor.set_units(1, 8)
        window.editor.set_units(2, 8)
        docks = [
            window.findChild(QDockWidget, name)
            for name in ("Decision boundary", "Evaluation", "Weights")
        ]
        turn = [0]

        def next_tab():
            turn[0] += 1
            docks[turn[0] % len(docks)].raise_()

        tabs = QTimer()
        tabs.timeout.connect(next_tab)
        tabs.start(3000)
        window.training.play()
        start = time.perf_counter()
        print("| minute | steps | studio RSS (MB) | training process RSS (MB) |")
        print("|---|---|---|---|")
        readings = []
        for minute in range(int(args.minutes) + 1):
            loop = QEventLoop()
            QTimer.singleShot(0 if minute == 0 else 60_000, loop.quit)
            loop.exec()
            if minute == 0:
                QTimer.singleShot(5000, loop.quit)  # let the run settle
                loop.exec()
            trainer = window.training.bridge.trainer
            gui, child = rss_mb(os.getpid()), rss_mb(trainer._process.pid)
            readings.append((gui, child))
            print(f"| {minute} | {trainer.step_count:,} | {gui:.1f} | {child:.1f} |", flush=True)
        window.training.shutdown()
        elapsed = time.perf_counter() - start
        (gui0, child0), (gui1, child1) = readings[0], readings[-1]
        print(
            f"\n{elapsed / 60:.1f} min, {trainer.step_count:,} steps; growth after the "
            f"first reading: studio {gui1 - gui0:+.1f} MB, training process "
            f"{child1 - child0:+.1f} MB; peak studio "
            f"{max(g for g, _ in readings):.1f} MB; snapshots received "
            f"{window.training.snapshots:,}"
        )
        window.editor.undo_stack.setClean()
        window.close()


if __name__ == "__main__":
    main()
