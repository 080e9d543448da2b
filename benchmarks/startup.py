"""Start-up: a fresh process until the studio's window has painted its first frame,
beside the floor — the same Qt and pyqtgraph, an empty main window.

Each measurement is a new interpreter, as on a user's second launch: the OS caches the
files and Python the compiled modules after the first. The clock starts before the first
import and stops when the first frame after ``show()`` has been drawn (a zero timer after
the window is exposed). Medians of several rounds, the two taking turns.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/startup.py``
(``--rounds 7``; under Xvfb it measures the real X11 path, else offscreen).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = """
import time
start = time.perf_counter()
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph
which = sys.argv[1]
app = QApplication([])
if which == "nnstudio":
    from nnstudio.ui import theme
    from nnstudio.ui.app import create_window
    theme.apply()
    window = create_window([])
else:
    window = QMainWindow()
    window.resize(1366, 740)
window.show()
QTest.qWaitForWindowExposed(window)
QTimer.singleShot(0, app.quit)
app.exec()
print(json.dumps({"seconds": time.perf_counter() - start}))
"""
WHICH = {
    "nnstudio": "the studio's window (`create_window`, example project)",
    "floor": "an empty QMainWindow (PySide6 and pyqtgraph imported)",
}


def measure(which: str, home: str) -> float:
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"))
    # a user's Python caches compiled modules after the first launch; this machine's
    # environment turns that off (PYTHONDONTWRITEBYTECODE), which alone adds ~0.4 s
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    out = subprocess.run(
        [sys.executable, "-c", CHILD, which], env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        measure("nnstudio", home)  # the OS's file cache warm, as on a second launch
        times = {which: [] for which in WHICH}
        for _ in range(args.rounds):
            for which in WHICH:
                times[which].append(measure(which, home))
    platform = "X11 (Xvfb)" if os.environ.get("DISPLAY") else "offscreen"
    print(f"Start-up to the first frame, {platform}, median of {args.rounds}:\n")
    print("| window | seconds (median) | min – max |")
    print("|---|---|---|")
    for which, text in WHICH.items():
        t = times[which]
        print(f"| {text} | {statistics.median(t):.2f} | {min(t):.2f} – {max(t):.2f} |")


if __name__ == "__main__":
    main()
