"""Canvas speed: build, full redraw and weight recolouring for small to MNIST-sized
networks, beside the naive design (one QGraphicsLineItem per connection).

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/canvas.py``.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QLineF  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QPen  # noqa: E402
from PySide6.QtWidgets import QApplication, QGraphicsLineItem, QGraphicsScene  # noqa: E402

from nnstudio.model.document import LayerState, NetworkDocument  # noqa: E402
from nnstudio.ui.canvas.scene import NetworkScene  # noqa: E402
from nnstudio.ui.canvas.view import NetworkView  # noqa: E402

CASES = [(2, [4, 4], 1), (64, [64], 10), (784, [128], 10)]
PEER_UP_TO = 5000


def document_for(inputs, hidden, outputs) -> NetworkDocument:
    doc = NetworkDocument(
        inputs=inputs,
        outputs=outputs,
        output_activation="softmax" if outputs > 1 else "sigmoid",
        hidden=(),
    )
    for i, units in enumerate(hidden):
        doc.insert_layer(1 + i, LayerState(f"hidden_{i + 1}", units, "relu"))
    return doc


def best_ms(fn, repeats=7) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def redraw(view: NetworkView, image: QImage) -> None:
    painter = QPainter(image)
    view.render(painter)
    painter.end()


def naive_recolor_ms(lines: list[QLineF], image: QImage) -> float:
    """The peer: one QGraphicsLineItem per connection, each given a new pen, then a
    repaint of the same view size."""
    scene = QGraphicsScene()
    rng = np.random.default_rng(0)
    items: list[QGraphicsLineItem] = [scene.addLine(line) for line in lines]
    view = NetworkView.__mro__[1](scene)  # a plain QGraphicsView
    view.resize(image.width(), image.height())
    view.fitInView(scene.network_rect())
    pens = [QPen(QColor.fromHsv(20 * b, 200, 200)) for b in range(16)]

    def recolor():
        for item, b in zip(items, rng.integers(0, 16, len(items))):
            item.setPen(pens[b])
        painter = QPainter(image)
        view.render(painter)
        painter.end()

    return best_ms(recolor, repeats=2)


STARTUP = """
import sys, time
start = time.perf_counter()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from nnstudio.ui.app import create_window
window = create_window([])
window.show()
QTimer.singleShot(0, lambda: (print(time.perf_counter() - start), app.quit()))
app.exec()
"""


def startup_seconds(runs: int = 3) -> float:
    """Best time from a fresh interpreter to the window shown with its example."""
    import subprocess
    import sys
    import tempfile

    times = []
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_DATA_HOME": home, "XDG_CONFIG_HOME": home}
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, "-c", STARTUP], env=env, text=True, capture_output=True, check=True
            ).stdout
            times.append(float(out.strip().splitlines()[-1]))
    return min(times)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(0)
    print(
        "| network | connections | drawn as | build ms | full redraw ms | colour update ms "
        "| colour update + redraw ms | peer: one line item per connection, "
        "colour update + redraw ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for inputs, hidden, outputs in CASES:
        doc = document_for(inputs, hidden, outputs)
        holder = {}

        def build(doc=doc, holder=holder):
            holder["scene"] = NetworkScene(doc)

        build_ms = best_ms(build, repeats=3)
        scene = holder["scene"]
        view = NetworkView(scene)
        view.resize(1200, 800)
        view.fit()
        image = QImage(1200, 800, QImage.Format.Format_ARGB32_Premultiplied)
        redraw_ms = best_ms(lambda view=view, image=image: redraw(view, image))
        shapes = [(w.shape, b.shape) for w, b in doc.weights()]

        def recolor(doc=doc, shapes=shapes):
            doc.set_weights(
                [
                    (rng.normal(size=ws).astype(np.float32), rng.normal(size=bs).astype(np.float32))
                    for ws, bs in shapes
                ]
            )

        recolor_ms = best_ms(recolor)
        both_ms = best_ms(lambda view=view, image=image: (recolor(), redraw(view, image)))
        sizes = doc.sizes
        connections = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
        drawn = " + ".join(
            "matrix" if c.as_matrix else f"{c.line_count} lines" for c in scene.connection_items
        )
        if connections <= PEER_UP_TO:
            rng_lines = np.random.default_rng(1).uniform(0, 600, (connections, 4))
            naive = f"{naive_recolor_ms([QLineF(*r) for r in rng_lines], image):.1f}"
        else:
            naive = f"not run ({connections:,} items)"
        name = "-".join(map(str, sizes))
        print(
            f"| {name} | {connections:,} | {drawn} | {build_ms:.1f} | {redraw_ms:.1f} "
            f"| {recolor_ms:.2f} | {both_ms:.1f} | {naive} |",
            flush=True,
        )
    app.processEvents()
    print(f"\nstartup to the example window: {startup_seconds():.2f} s")


if __name__ == "__main__":
    main()
