"""Autosave while modified; after the process is killed, the next launch offers the
autosaved network back."""

import os
import signal
import subprocess
import sys
import time

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
