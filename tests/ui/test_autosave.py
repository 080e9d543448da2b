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

STUDIO = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
app.setOrganizationName("nnstudio-tests")
app.setApplicationName("nnstudio")
from nnstudio.ui.main_window import MainWindow
window = MainWindow(autosave_ms={autosave_ms})
window.show()
{actions}
print("ready", flush=True)
app.exec()
"""


def kill_studio_once(actions: str, autosave_ms: int, saved, timeout: float) -> None:
    """Start a studio that does ``actions``, wait until ``saved()`` is true (its autosave
    holds what the test needs), then kill it with SIGKILL, as a crash would."""
    script = STUDIO.format(autosave_ms=autosave_ms, actions=actions)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + timeout
        while not saved():
            assert time.monotonic() < deadline, "no autosave of that appeared"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)


def test_killed_session_is_recovered_on_next_launch(qtbot, isolated_home):
    def saved():
        if not recovery_path().exists():
            return False
        time.sleep(0.3)  # let an in-flight save finish renaming
        return True

    actions = 'window.editor.add_layer("dense", 1)\nwindow.editor.set_units(1, 9)'
    kill_studio_once(actions, 100, saved, timeout=20)

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


def test_a_studio_killed_while_training_recovers_its_trained_weights_and_runs(qtbot, isolated_home):
    from nnstudio.io.project import ProjectError, load_project

    def saved():
        try:
            project = load_project(recovery_path()) if recovery_path().exists() else None
        except ProjectError:  # caught between write and rename: try again
            return False
        return project is not None and len(project.runs) and project.runs[-1].step >= 50

    kill_studio_once("window.training.play()", 200, saved, timeout=30)

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
