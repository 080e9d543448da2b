"""The Weights tab's live redraw: one update from a new frame (the weights moved a little,
as while training) and painting it, for three networks, at about the size of the Weights
dock in a 1366×768 window.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE QT_QPA_PLATFORM=offscreen
PYTHONPATH=. python benchmarks/gui_weights.py [--repeats 60] [--size 308x231] [--case NAME]
[--profile]`` (``PYTHONPATH`` names the checkout measured: another worktree's, say, for
an older commit).

Each figure is the median (and 90th percentile) of ``--repeats`` redraws, after ten not
counted. A redraw is the view's ``_draw`` (what its throttle calls), the event loop until
the paint events it posted are handled (Qt repaints what changed, as in the studio), and
``repaint()`` of the view for anything still pending. Making the frame is not timed (the
training process does that).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from engine import CNN_LAYERS  # noqa: E402 - benchmarks/engine.py's small CNN, beside this
from PySide6.QtWidgets import QApplication  # noqa: E402

import nnstudio  # noqa: E402
from nnstudio.ui.weights_view import WeightsView  # noqa: E402

CASES = {
    "784-128-10": (
        {
            "inputs": 784,
            "layers": [
                {"units": 128, "activation": "relu"},
                {"units": 10, "activation": "softmax"},
            ],
        },
        (28, 28),
    ),
    "small CNN": ({"inputs": [28, 28, 1], "layers": CNN_LAYERS}, (28, 28, 1)),
    "2-4-4-1": (
        {
            "inputs": 2,
            "layers": [
                {"units": 4, "activation": "tanh"},
                {"units": 4, "activation": "tanh"},
                {"units": 1, "activation": "sigmoid"},
            ],
        },
        None,
    ),
}


class Frames:
    """Frames as the controller sends them while training: the same network, its
    weights a little further on each time, new gradient sizes."""

    def __init__(self, spec, image_shape):
        self.net = nnstudio.Network.from_spec(spec, seed=0)
        self.data = SimpleNamespace(image_shape=image_shape)
        self.rng = np.random.default_rng(0)
        self.rms = np.full(len(self.net.weighted_layers), 1e-2)

    def next(self):
        params = self.net.parameters
        params += self.rng.normal(0, 1e-3, params.shape).astype(params.dtype)
        self.rms *= np.exp(self.rng.normal(0, 0.05, self.rms.shape))
        snapshot = SimpleNamespace(gradient_rms=list(self.rms))
        return SimpleNamespace(net=self.net, data=self.data, snapshot=snapshot)


def settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


def redraw(app: QApplication, view: WeightsView) -> None:
    view._draw()
    settle(app)
    view.repaint()


def measure(app, name: str, size: tuple[int, int], repeats: int, profile: bool) -> list[float]:
    spec, image_shape = CASES[name]
    frames = Frames(spec, image_shape)
    view = WeightsView()
    view.resize(*size)
    view.show()
    for _ in range(10):  # built, laid out, arranged; the ranges settled
        view.frame = frames.next()
        redraw(app, view)
        time.sleep(0.01)
        settle(app)
    profiler = cProfile.Profile() if profile else None
    times = []
    for _ in range(repeats):
        view.frame = frames.next()  # (not timed: the training process makes them)
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        redraw(app, view)
        if profiler:
            profiler.disable()
        times.append(1000 * (time.perf_counter() - start))
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    view.close()
    view.deleteLater()
    settle(app)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--size", default="308x231")
    parser.add_argument("--case", default="", help="only the cases whose name holds this")
    parser.add_argument("--profile", action="store_true", help="cProfile the redraws")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    app = QApplication.instance() or QApplication([])
    print(f"Weights view, {size[0]}×{size[1]}, median / p90 of {args.repeats} redraws (ms)")
    print(f"{'network':<12} {'median':>7} {'p90':>7}")
    for name in CASES:
        if args.case not in name:
            continue
        times = measure(app, name, size, args.repeats, args.profile)
        p90 = float(np.percentile(times, 90))
        print(f"{name:<12} {statistics.median(times):7.1f} {p90:7.1f}", flush=True)


if __name__ == "__main__":
    main()
