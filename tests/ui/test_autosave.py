"""Autosave while modified; after the process is killed, the next launch offers the
autosaved network back."""

import os
import signal
import subprocess
import sys
import time

import numpy as np

from nnstudio.ui.app import create_window
from nnstudio.ui.autosave import recovery_path

CHILD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
app.setOrganizationName("nnstudio-tests")
app.setApplicationName("nnstudio")
from nnstudio.ui.main_window import MainWindow
window = MainWindow(autosave_ms=100)
window.show()
window.editor.add_layer("dense", 1)
window.editor.set_units(1, 9)
print("edited", flush=True)
app.exec()
"""


def test_killed_session_is_recovered_on_next_launch(qtbot, isolated_home):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "edited"
        deadline = time.monotonic() + 20
        while not recovery_path().exists():
            assert time.monotonic() < deadline, "no autosave appeared"
            time.sleep(0.05)
        time.sleep(0.3)  # let an in-flight save finish renaming
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)

    asked = []
    window = create_window([], ask=lambda: asked.append(True) or True)
    qtbot.addWidget(window)
    assert asked == [True]
    assert window.project.document.sizes == [2, 9, 4, 4, 1]
    assert window.isWindowModified()  # recovered work is unsaved until saved


def test_declining_recovery_opens_the_example(qtbot, isolated_home):
    from nnstudio.io.project import save_project
    from nnstudio.model.project import Project

    project = Project.example()
    project.document.set_units(1, 11)
    recovery_path().parent.mkdir(parents=True)
    save_project(project, recovery_path())
    window = create_window([], ask=lambda: False)
    qtbot.addWidget(window)
    assert window.project.document.sizes == [2, 4, 4, 1]


def test_autosave_writes_only_while_modified_and_clean_close_removes_it(qtbot, isolated_home):
    from nnstudio.ui.main_window import MainWindow

    window = MainWindow(autosave_ms=50)
    qtbot.addWidget(window)
    window.autosaver.save_now()
    assert not recovery_path().exists()
    window.editor.add_layer("dense", 1)
    qtbot.waitUntil(recovery_path().exists, timeout=3000)
    window.editor.undo_stack.setClean()
    window.close()
    assert not recovery_path().exists()


TRAINING_CHILD = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
app.setOrganizationName("nnstudio-tests")
app.setApplicationName("nnstudio")
from nnstudio.ui.main_window import MainWindow
window = MainWindow(autosave_ms=200)
window.show()
window.training.play()
print("training", flush=True)
app.exec()
"""


def test_a_studio_killed_while_training_recovers_its_trained_weights_and_runs(qtbot, isolated_home):
    from nnstudio.io.project import ProjectError, load_project

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", TRAINING_CHILD], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "training"
        deadline = time.monotonic() + 30
        saved = None
        while saved is None or not len(saved.runs) or saved.runs[-1].step < 50:
            assert time.monotonic() < deadline, "no autosave of the training appeared"
            time.sleep(0.1)
            try:
                saved = load_project(recovery_path()) if recovery_path().exists() else None
            except ProjectError:  # caught between write and rename: try again
                saved = None
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)

    window = create_window([], ask=lambda: True)
    qtbot.addWidget(window)
    doc = window.project.document
    assert doc.explicit_weights() is not None  # trained weights, not the seed's
    trained_step = window.project.runs[-1].step
    assert trained_step >= 50
    for (w, _), (w0, _) in zip(doc.weights(), doc.initial_weights()):
        assert not np.array_equal(w, w0)
    assert f"step {trained_step:,}" in window.training_panel.counters.text()
    window.training.shutdown()
