"""Regenerate the README's screenshots (docs/images/*.png) from the real studio.

Each picture is a fresh MainWindow driven as a user would drive it (edits through its
editor, Play and Pause, the runs panel), then grabbed. It needs a real X display:

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py

The window is 1600×1000, or the screen if smaller. An argument writes elsewhere than
docs/images, e.g. to look at the studio on a 1366×768 screen:

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py /tmp/shots

Names after it take only those shots (own_data, default, mnist, spiral, regression,
digits, cnn, runs, lesson, stepper, slow_motion); ``--dark`` takes them in the dark
theme (``name-dark.png``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1600, 1000)
SPIRAL = {"name": "spiral", "params": {"n_samples": 400, "noise": 0.05, "seed": 0}}
SUFFIX = {"": ".png"}  # "-dark.png" in the dark theme


def wait(seconds: float, until=lambda: False) -> None:
    """Let the window live for ``seconds`` (or until ``until()``), events processed."""
    from PySide6.QtCore import QCoreApplication

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not until():
        QCoreApplication.processEvents()
        time.sleep(0.01)


def studio():
    """A new window on the example project, at the docs' size (or the screen's)."""
    from PySide6.QtGui import QGuiApplication

    from nnstudio.ui.main_window import MainWindow

    window = MainWindow(autosave_ms=3_600_000)
    room = QGuiApplication.primaryScreen().availableGeometry()
    window.resize(min(SIZE[0], room.width()), min(SIZE[1], room.height()))
    window.show()
    wait(1.0)
    return window


def save(window, name: str, out: Path) -> None:
    wait(1.0)  # the last frames, and the runs list's numbers
    name = name.replace(".png", SUFFIX[""])
    window.grab().save(str(out / name))
    print("wrote", out / name)


def close(window, tmp: Path) -> None:
    """Save the project (so closing asks nothing) and close the window."""
    window.files.save_to(tmp / "shot.nnsp")
    window.close()
    wait(0.5)


def train(window, until=lambda run: False, timeout: float = 120.0):
    """Play until the run stops by itself (its epochs) or ``until(run)``; the run."""
    window.training.play()
    run = window.project.runs[-1]
    wait(timeout, lambda: run.status not in ("new", "running") or until(run))
    if run.status != "running":  # a finished run's thread ends a moment later
        wait(5.0, lambda: not window.training.training)
    return run


def accuracy(run) -> float:
    return run.metrics.get("accuracy") or 0.0


def spiral_network(window) -> None:
    """2-8-8-1 tanh on two spiral arms."""
    editor = window.editor
    editor.set_dataset(SPIRAL)
    editor.set_units(1, 8)
    editor.set_units(2, 8)


def one_hidden_layer(window, units: int) -> None:
    editor = window.editor
    editor.remove_layer(2)
    editor.set_units(1, units)
    editor.set_activation(1, "relu")


def arrange(window, widths: tuple[float, float, float], height: float | None = None) -> None:
    """Drag the bottom docks as a user would: the loss, the runs and the views beside
    them to these shares of the window's width (and ``height`` of its height); then
    Fit to view."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget

    docks = [window.findChild(QDockWidget, name) for name in ("Loss", "Runs", "Weights")]
    width = window.width()
    window.resizeDocks(docks, [int(width * share) for share in widths], Qt.Orientation.Horizontal)
    if height is not None:
        window.resizeDocks(docks[-1:], [int(window.height() * height)], Qt.Orientation.Vertical)
    wait(0.3)
    window.view.fit()


DATA_VIEWS = (0.3, 0.2, 0.5)  # room for the weights and the evaluation
CURVES = (0.4, 0.33, 0.27)  # room for the loss curves compared


def default(out: Path, tmp: Path) -> None:
    window = studio()
    window.scene.select_layer(1)  # the inspector edits hidden_1
    save(window, "studio-default.png", out)
    close(window, tmp)


def mnist(out: Path, tmp: Path) -> None:
    """784-128-10 on the shipped MNIST, trained for 5 epochs."""
    window = studio()
    window.editor.set_dataset({"name": "mnist", "params": {}})
    one_hidden_layer(window, 128)
    window.editor.set_settings({"lr": 0.001, "batch_size": 32, "epochs": 5})
    train(window)
    arrange(window, DATA_VIEWS)
    save(window, "studio-mnist.png", out)
    close(window, tmp)


def spiral(out: Path, tmp: Path) -> None:
    window = studio()
    spiral_network(window)
    train(window, until=lambda run: accuracy(run) >= 0.99)
    save(window, "training-spiral.png", out)  # while it trains
    window.training.pause()
    close(window, tmp)


def regression(out: Path, tmp: Path) -> None:
    """A sine wave learnt by 1-8-8-1 tanh: the data x → y and the network's curve."""
    window = studio()
    editor = window.editor
    editor.set_dataset({"name": "sine", "params": {}})
    editor.set_units(1, 8)
    editor.set_units(2, 8)
    editor.set_settings({"epochs": 300})
    train(window)
    window.boundary_dock.raise_()
    save(window, "training-regression.png", out)
    close(window, tmp)


def digits(out: Path, tmp: Path) -> None:
    from PySide6.QtWidgets import QDockWidget

    window = studio()
    window.editor.set_dataset({"name": "digits", "params": {}})
    one_hidden_layer(window, 36)
    window.editor.set_settings(
        {"lr": 0.003, "batch_size": 32, "validation_split": 0.2, "epochs": 40}
    )
    train(window)
    arrange(window, DATA_VIEWS, height=0.5)
    window.weights_dock.raise_()
    save(window, "training-digits-weights.png", out)
    window.findChild(QDockWidget, "Evaluation").raise_()
    pages = window.evaluation.pages
    pages.setCurrentIndex(0)  # the scores and the matrix (images open on Predict)
    save(window, "training-digits-evaluation.png", out)
    pages.setCurrentIndex(1)
    save(window, "training-digits-predict.png", out)
    close(window, tmp)


def cnn(out: Path, tmp: Path) -> None:
    """A small CNN designed on MNIST (Conv2D 16 → MaxPool2D → Flatten → Dense 64), its
    shapes between the layers, the convolution in the inspector; one epoch trained."""
    window = studio()
    editor = window.editor
    editor.set_dataset({"name": "mnist", "params": {}})
    one_hidden_layer(window, 64)
    editor.add_layer("flatten", 1)
    editor.add_layer("conv2d", 1)
    editor.set_units(1, 16)
    editor.add_layer("maxpool2d", 2)
    editor.set_settings({"lr": 0.002, "batch_size": 32, "epochs": 1})
    train(window)
    arrange(window, DATA_VIEWS, height=0.4)
    window.scene.select_layer(1)  # the inspector edits the convolution
    save(window, "cnn-design.png", out)
    close(window, tmp)


def runs(out: Path, tmp: Path) -> None:
    """Adam; SGD and AdaGrad trained again from its start; then its timeline scrubbed."""
    window = studio()
    spiral_network(window)
    window.editor.set_settings({"epochs": 500})
    first = train(window)
    for optimizer in ("sgd", "adagrad"):
        window.editor.set_settings({"optimizer": optimizer, "lr": 0.1})
        window.training.retrain(first)
        train(window)
    panel = window.runs_panel
    panel.table.selectAll()
    arrange(window, CURVES, height=0.45)
    save(window, "runs-compare.png", out)
    panel.select_run(first)  # its settings, to continue it from the moment scrubbed to
    window.editor.set_settings({"optimizer": "adam", "lr": 0.01})
    early = next(  # the first moment past 80%: the spiral half learnt
        i for i, c in enumerate(panel.timeline.checkpoints) if c.metrics.get("accuracy", 0) > 0.8
    )
    panel.slider.setValue(early)
    save(window, "runs-timeline.png", out)
    close(window, tmp)


def own_data(out: Path, tmp: Path) -> None:
    """The import dialog on iris.csv, AND pasted into the table, points drawn and split."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QDockWidget

    from nnstudio.ui.data_import import ImportDialog

    window = studio()
    dialog = ImportDialog(ROOT / "resources" / "datasets" / "iris.csv", window)
    dialog.show()
    wait(10, until=lambda: "samples" in dialog.summary.text())  # read whole, in the background
    wait(0.3)
    dialog.grab().save(str(out / "data-import.png"))
    print("wrote", out / "data-import.png")
    dialog.close()
    entry = window.enter_data()
    entry.name.setText("AND")
    QGuiApplication.clipboard().setText("x1\tx2\ty\n0\t0\t0\n0\t1\t0\n1\t0\t0\n1\t1\t1\n")
    entry.paste()
    wait(0.5)
    entry.grab().save(str(out / "data-entered.png"))
    print("wrote", out / "data-entered.png")
    entry.reject()
    window.boundary_dock.raise_()
    window.boundary_plot.draw.setChecked(True)
    points = [(-1.5, 1.0), (-1.0, 1.6), (-0.6, 0.9), (-1.8, 0.2), (-0.9, 0.3), (-1.3, -0.2)]
    for x, y in points:
        window.drawing.add(x, y, 0)
        window.drawing.add(-x, -y, 1)
    window.editor.set_settings({"epochs": 300})
    train(window)
    window.findChild(QDockWidget, "Decision boundary").raise_()
    save(window, "data-drawn.png", out)
    close(window, tmp)


def lesson(out: Path, tmp: Path) -> None:
    """The single-neuron lesson at its "train it" step, its question answered."""
    from nnstudio.model.lessons import shipped_lessons

    window = studio()
    single = next(x for x in shipped_lessons() if x.key == "03-single-neuron")
    window.menus.lessons_action.trigger()
    window.lessons.start(single)
    window.lessons.show_step(2)
    panel = window.lessons_dock.widget().widget()
    panel.choices.button(2).click()
    train(window)
    save(window, "lesson.png", out)
    window.lessons.leave()
    close(window, tmp)


def stepper(out: Path, tmp: Path) -> None:
    """XOR on a 2-2-1 sigmoid network, the stepper half-way back through it."""
    from PySide6.QtWidgets import QDockWidget

    window = studio()
    window.editor.set_dataset({"name": "xor_table", "params": {}})
    window.editor.remove_layer(2)
    window.editor.set_units(1, 2)
    window.editor.set_activation(1, "sigmoid")
    window.findChild(QDockWidget, "Stepper").raise_()
    window.training.step()
    wait(2.0)
    stepper = window.stepper
    for _ in range(4):  # the output's forward, the loss, its backward: now hidden_1's
        stepper.forward.click()
    save(window, "stepper.png", out)
    close(window, tmp)


def slow_motion(out: Path, tmp: Path) -> None:
    """The circle learnt at 10 steps a second: the boundary a few steps in."""
    window = studio()
    window.training_panel.speed.setValue(3)  # 10 steps/s
    window.training.play()
    wait(4.0)
    save(window, "slow-motion.png", out)
    window.training.pause()
    close(window, tmp)


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--dark"]
    dark = len(args) < len(sys.argv) - 1
    out = Path(args[0]) if args else ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # these windows' settings, recent files and autosaves stay out of the user's
        os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
        os.environ["XDG_DATA_HOME"] = str(tmp / "data")
        from PySide6.QtWidgets import QApplication

        from nnstudio.ui import theme
        from nnstudio.ui.app import collect_garbage_on_gui_thread, one_blas_thread

        one_blas_thread()
        app = QApplication(sys.argv[:1])
        app.setApplicationName("nnstudio")
        app.setOrganizationName("nnstudio")
        app.garbage_collector = collect_garbage_on_gui_thread()
        theme.apply(theme.DARK if dark else theme.LIGHT)
        SUFFIX[""] = "-dark.png" if dark else ".png"
        chosen = args[1:]  # the shots named (own_data, mnist, …), else all
        shots = (own_data, default, mnist, spiral, regression, digits, cnn, runs)
        for shot in (*shots, lesson, stepper, slow_motion):
            if not chosen or shot.__name__ in chosen:
                shot(out, tmp)


if __name__ == "__main__":  # training runs in a spawned process, which imports this file
    main()
