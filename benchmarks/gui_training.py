"""Training speed with the studio attached vs headless, GUI responsiveness while
training, and the cost of each view update.

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/gui_training.py [--seconds 5]
[--rounds 5] [--case NAME]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from nnstudio.model.training import make_run  # noqa: E402
from nnstudio.ui.app import one_blas_thread  # noqa: E402
from nnstudio.ui.main_window import MainWindow  # noqa: E402

CASES = ("2-8-8-1 xor", "784-128-10 synthetic", "cnn mnist, feature maps open")


def synthetic_784(path: Path, n: int = 6000) -> None:
    rng = np.random.default_rng(0)
    X = rng.random((n, 784), dtype=np.float32)
    centres = rng.random((10, 784), dtype=np.float32)
    y = np.argmin(((X[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    np.savez(path, X=X, y=y)


def configure(window: MainWindow, case: str, data_file: Path) -> None:
    editor = window.editor
    if case == "2-8-8-1 xor":
        editor.set_dataset({"name": "xor", "params": {"n_samples": 2000, "noise": 0.1, "seed": 0}})
        editor.set_units(1, 8)
        editor.set_units(2, 8)
        window.project.training.update({"batch_size": 16})
    elif case.startswith("cnn"):
        cnn_with_its_feature_maps(window)
    else:
        editor.set_dataset({"name": str(data_file), "params": {}})
        editor.remove_layer(2)
        editor.set_units(1, 128)
        editor.set_activation(1, "relu")
        window.project.training.update({"batch_size": 128, "lr": 0.001})
    window.training_panel.show_settings(
        {**window.training_panel.settings(), **window.project.training}
    )


def cnn_with_its_feature_maps(window: MainWindow) -> None:
    """Issue 15's CNN on the shipped MNIST subset, built as a user builds it (flatten
    first, then the image layers before it), with the feature-map view in front."""
    editor, doc = window.editor, window.project.document
    editor.set_dataset({"name": "mnist", "params": {}})
    while len(doc) > 2:
        editor.remove_layer(1)
    editor.add_layer("flatten", 1)
    for index, kind, filters in ((1, "conv2d", 16), (2, "maxpool2d", 0), (3, "conv2d", 32)):
        editor.add_layer(kind, index)
        if filters:
            editor.set_units(index, filters)
    editor.add_layer("maxpool2d", 4)
    assert doc.shapes()[-2] == (800,), doc.shapes()
    window.project.training.update({"batch_size": 64, "lr": 0.002, "optimizer": "adam"})
    window.maps_dock.raise_()


def headless_rate(window: MainWindow, seconds: float) -> float:
    run = make_run(window.project)
    start = time.perf_counter()
    for _ in run.trainer.run():
        if time.perf_counter() - start > seconds:
            break
    elapsed = time.perf_counter() - start
    return run.trainer.step_count * run.trainer.batch_size / elapsed


def run_events(seconds: float) -> None:
    """Run the event loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def gui_rate(window: MainWindow, seconds: float) -> dict:
    run_events(2.0)  # the window's first paints are not training
    lateness, draws = [], []
    controller = window.training
    original_draw = controller._draw

    def timed_draw():
        start = time.perf_counter()
        original_draw()
        draws.append(1000 * (time.perf_counter() - start))

    controller._draw = timed_draw
    controller.pacer.timer.timeout.disconnect()
    controller.pacer.timer.timeout.connect(timed_draw)
    snapshots = []
    controller.bridge.sigSnapshot.connect(
        lambda generation, s: snapshots.append((time.perf_counter(), s.step))
    )
    clock = QElapsedTimer()
    ticker = QTimer()
    ticker.setInterval(10)
    last = [0]

    def tick():
        now = clock.elapsed()
        lateness.append(max(0, now - last[0] - 10))
        last[0] = now

    ticker.timeout.connect(tick)
    controller.play()
    clock.start()
    ticker.start()
    run_events(seconds)
    ticker.stop()
    trainer = controller.bridge.trainer
    # from the first snapshot on: starting the training process is not training speed
    (t0, step0), (t1, step1) = snapshots[0], snapshots[-1]
    rate = (step1 - step0) * trainer.batch_size / (t1 - t0)
    controller.shutdown()
    return {
        "rate": rate,
        "lateness": lateness[5:],
        "draws": [d for d in draws if d > 0.05] or [0.0],
    }


def measure(window: MainWindow, seconds: float, rounds: int) -> dict:
    """Headless and studio runs in turn, ``rounds`` times: the machine's speed drifts by
    ±10% over a minute here, so each studio run is compared with the headless run just
    before it, and the median ratio is reported."""
    ratios, rates, headless, lateness, draws = [], [], [], [], []
    for _ in range(rounds):
        headless.append(headless_rate(window, seconds))
        limits = one_blas_thread()  # as the studio runs (headless needs both threads)
        run = gui_rate(window, seconds)
        limits.restore_original_limits()
        rates.append(run["rate"])
        ratios.append(run["rate"] / headless[-1])
        lateness += run["lateness"]
        draws += run["draws"]
    return {
        "headless": float(np.median(headless)),
        "rate": float(np.median(rates)),
        "ratio": float(np.median(ratios)),
        "ratios": ratios,
        "p99": float(np.percentile(lateness, 99)),
        "max": float(max(lateness)),
        "frames": len(draws) / (rounds * seconds),
        "draw_mean": float(np.mean(draws)),
        "draw_p99": float(np.percentile(draws, 99)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--case",
        choices=CASES,
        action="append",
        help="only this network (repeatable); default: both",
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    print(
        "| network | headless samples/s | with the studio samples/s | ratio (each round) "
        "| 10 ms timer lateness p99 / max (ms) | frames/s "
        "| view update per frame mean / p99 (ms) |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = tmp
        data_file = Path(tmp) / "synthetic784.npz"
        synthetic_784(data_file)
        for case in args.case or CASES:
            window = MainWindow()
            window.resize(1400, 900)
            window.show()
            configure(window, case, data_file)
            app.processEvents()
            gc.freeze()  # as the studio does once its window is up
            m = measure(window, args.seconds, args.rounds)
            each = " / ".join(f"{r:.2f}" for r in m["ratios"])
            print(
                f"| {case} | {m['headless']:,.0f} | {m['rate']:,.0f} "
                f"| **{m['ratio']:.2f}** ({each}) | {m['p99']:.1f} / {m['max']:.1f} "
                f"| {m['frames']:.1f} | {m['draw_mean']:.1f} / {m['draw_p99']:.1f} |",
                flush=True,
            )
            # put away, not closed: closing would ask whether to save the training
            window.training.shutdown()
            window.autosaver.stop()
            window.hide()
            window.deleteLater()
            app.processEvents()


if __name__ == "__main__":
    main()
