"""Autosave while modified, written in the background (one write at a time, the newest
waiting one next, none after a discard); after the process is killed, the next launch
offers the autosaved network back."""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np

from nnstudio.ui.app import create_window
from nnstudio.ui.autosave import crashed_sessions, recovery_folder

CRASHED = "autosave-999999999-1.nnsp"  # no process has that id: a crashed session's


def leave_a_crashed_session(hidden_units: int) -> None:
    """The autosave of a studio that crashed: the example with ``hidden_units``."""
    from nnstudio.io.project import save_project
    from nnstudio.model.project import Project

    project = Project.example()
    project.document.set_units(1, hidden_units)
    recovery_folder().mkdir(parents=True, exist_ok=True)
    save_project(project, recovery_folder() / CRASHED)


def autosaves() -> list:
    return sorted(recovery_folder().glob("autosave-*.nnsp"))


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
    actions = 'window.editor.add_layer("dense", 1)\nwindow.editor.set_units(1, 9)'
    # a recovery file is whole as soon as it is there: written apart, then renamed
    kill_studio_once(actions, 100, lambda: bool(autosaves()), timeout=20)
    assert crashed_sessions() == autosaves()  # its process is gone

    asked = []
    window = create_window([], ask=lambda: asked.append(True) or True)
    qtbot.addWidget(window)
    assert asked == [True]
    assert window.project.document.sizes == [2, 9, 4, 4, 1]
    assert window.isWindowModified()  # recovered work is unsaved until saved


def test_declining_recovery_opens_the_example(qtbot, isolated_home):
    leave_a_crashed_session(hidden_units=11)
    window = create_window([], ask=lambda: False)
    qtbot.addWidget(window)
    assert window.project.document.sizes == [2, 4, 4, 1]
    kept = list(recovery_folder().glob("declined-*.nnsp"))  # kept aside, not offered again
    assert len(kept) == 1 and not crashed_sessions()


def test_an_unreadable_autosave_is_kept_aside_and_the_user_told(qtbot, isolated_home, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    told = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: told.append(args[2]))
    recovery_folder().mkdir(parents=True)
    (recovery_folder() / CRASHED).write_bytes(b"PK\x03\x04 half a file")
    window = create_window([], ask=lambda: True)
    qtbot.addWidget(window)
    kept = list(recovery_folder().glob("unreadable-*.nnsp"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"PK\x03\x04 half a file"
    assert not (recovery_folder() / CRASHED).exists()
    assert len(told) == 1 and "could not be read" in told[0] and str(kept[0]) in told[0]
    assert window.project.document.sizes == [2, 4, 4, 1]  # the example, to go on with


def test_autosave_writes_only_while_modified_and_clean_close_removes_it(qtbot, isolated_home):
    from nnstudio.ui.main_window import MainWindow

    window = MainWindow(autosave_ms=50)
    qtbot.addWidget(window)
    path = window.autosaver.path
    window.autosaver.save_now()
    assert not path.exists()
    window.editor.add_layer("dense", 1)
    qtbot.waitUntil(path.exists, timeout=3000)
    window.editor.undo_stack.setClean()
    window.close()
    assert not path.exists()


def test_a_studio_killed_while_training_recovers_its_trained_weights_and_runs(qtbot, isolated_home):
    from nnstudio.io.project import load_project

    def saved():  # each recovery file seen must open: it is never caught half-written
        files = autosaves()
        project = load_project(files[0]) if files else None
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


# -- written in the background ------------------------------------------------------------


class HeldWrites:
    """Stands in for write_project: each write waits until the test lets it go, and
    the contents written are recorded."""

    def __init__(self, monkeypatch):
        from nnstudio.ui import autosave

        self.real, self.started, self.written = autosave.write_project, [], []
        self.go = threading.Event()
        monkeypatch.setattr(autosave, "write_project", self.write)

    def write(self, contents, path):
        self.started.append(contents)
        assert self.go.wait(10), "the test never let the write go"
        self.real(contents, path)
        self.written.append(contents)

    def wait_started(self, count: int) -> None:
        deadline = time.monotonic() + 10
        while len(self.started) < count:
            assert time.monotonic() < deadline, "no write started"
            time.sleep(0.01)


def saver_of(project, **kwargs):
    from nnstudio.ui.autosave import Autosaver

    saver = Autosaver(lambda: project, lambda: True, 10**9, **kwargs)
    saver.timer.stop()
    return saver


def layers_of(path) -> list[int]:
    from nnstudio.io.project import load_project

    return load_project(path).document.sizes


def test_an_autosave_returns_before_it_is_written(isolated_home, monkeypatch):
    from nnstudio.model.project import Project

    held = HeldWrites(monkeypatch)
    project = Project.example()
    saver = saver_of(project)
    saver.save_now()  # returns although the write cannot go on yet
    held.wait_started(1)
    assert saver.writing() and not saver.path.exists()
    held.go.set()
    assert saver.wait(10)
    assert layers_of(saver.path) == [2, 4, 4, 1]
    saver.stop()


def test_autosaves_asked_for_while_one_writes_are_coalesced_into_the_newest(
    isolated_home, monkeypatch
):
    from nnstudio.model.project import Project

    held = HeldWrites(monkeypatch)
    project = Project.example()
    saver = saver_of(project)
    saver.save_now()
    held.wait_started(1)
    for units in (5, 6, 7):  # while the first one writes
        project.document.set_units(1, units)
        saver.save_now()
    held.go.set()
    assert saver.wait(10)
    assert len(held.written) == 2  # the first, then only the newest of the three
    assert layers_of(saver.path) == [2, 7, 4, 1]
    saver.stop()


def test_stop_waits_for_the_write_under_way_and_the_one_after_it(isolated_home, monkeypatch):
    from nnstudio.model.project import Project

    held = HeldWrites(monkeypatch)
    project = Project.example()
    saver = saver_of(project)
    saver.save_now()
    held.wait_started(1)
    project.document.set_units(1, 8)
    saver.save_now()
    threading.Timer(0.2, held.go.set).start()
    saver.stop()
    assert not saver.writing() and len(held.written) == 2
    assert layers_of(saver.path) == [2, 8, 4, 1]
    saver.save_now()  # stopped: no more autosaves
    assert len(held.started) == 2 and not saver.writing()


def test_a_discarded_autosave_does_not_come_back_when_its_write_ends(isolated_home, monkeypatch):
    from nnstudio.model.project import Project

    held = HeldWrites(monkeypatch)
    saver = saver_of(Project.example())
    saver.save_now()
    held.wait_started(1)
    saver.save_now()  # waits for the first
    saver.discard()  # the user saved: neither may land as a recovery file
    held.go.set()
    assert saver.wait(10)
    assert len(held.written) == 1
    assert list(recovery_folder().iterdir()) == []
    saver.save_now()  # modified again later: autosaved again
    assert saver.wait(10) and saver.path.exists()
    saver.stop()


def test_an_autosave_holds_the_project_as_it_was_when_asked_for(isolated_home, monkeypatch, qtbot):
    """Gathered on the GUI thread, written later: what changes in between (training
    goes on) is not in it, and nothing half-changed is."""
    from nnstudio.io.project import load_project
    from nnstudio.model.project import Project
    from nnstudio.model.runs import Run

    held = HeldWrites(monkeypatch)
    project = Project.example()
    doc = project.document
    run = Run(1, "Run 1", {"lr": 0.1}, doc.spec(), project.dataset, doc.weights())
    run.steps.extend(np.arange(1.0, 4.0), np.array([3.0, 2.0, 1.0]))
    project.runs.add(run)
    doc.set_weights([(w.copy(), b.copy()) for w, b in doc.weights()])
    saver = saver_of(project)
    saver.save_now()
    held.wait_started(1)
    run.steps.extend(np.arange(4.0, 9.0), np.zeros(5))
    run.lr_changes.append((3, 0.5))
    project.runs.rename(run, "Renamed")
    for w, _ in doc.explicit_weights():
        w[...] = 7.0  # in place
    held.go.set()
    assert saver.wait(10)
    again = load_project(saver.path)
    x, y = again.runs[0].curves()["loss"]
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(y, [3.0, 2.0, 1.0])
    assert again.runs[0].name == "Run 1" and again.runs[0].lr_changes == []
    assert all((w != 7.0).any() for w, _ in again.document.explicit_weights())
    saver.stop()


def test_a_failed_write_keeps_the_last_recovery_file_and_autosave_going(isolated_home, monkeypatch):
    import nnstudio.io.project as project_io
    from nnstudio.model.project import Project

    project = Project.example()
    saver = saver_of(project)
    saver.save_now()
    assert saver.wait(10)
    before = saver.path.read_bytes()
    real = project_io._write_npz

    def full_disk(archive, member, arrays):
        archive.writestr(member, b"x" * 100)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(project_io, "_write_npz", full_disk)
    doc = project.document
    doc.set_weights([(w + 1, b) for w, b in doc.weights()])  # a weights.npz to write
    saver.save_now()
    assert saver.wait(10)
    assert saver.path.read_bytes() == before  # the previous one, whole
    assert [p.name for p in recovery_folder().iterdir()] == [saver.path.name]
    monkeypatch.setattr(project_io, "_write_npz", real)
    saver.save_now()
    assert saver.wait(10) and saver.path.read_bytes() != before
    saver.stop()


def test_closing_the_window_waits_for_an_autosave_under_way(qtbot, isolated_home, monkeypatch):
    from nnstudio.ui.main_window import MainWindow

    held = HeldWrites(monkeypatch)
    window = MainWindow(autosave_ms=10**6)
    qtbot.addWidget(window)
    window.editor.add_layer("dense", 1)
    window.autosaver.save_now()
    held.wait_started(1)
    threading.Timer(0.2, held.go.set).start()
    window.close()  # Discard (the test's answer): the autosave ends, then is removed
    assert not window.autosaver.writing() and held.written
    assert not window.autosaver.path.exists()


def test_each_window_has_its_own_recovery_file_and_a_running_one_is_never_offered(
    qtbot, isolated_home
):
    from nnstudio.ui.main_window import MainWindow

    first, second = MainWindow(autosave_ms=10**6), MainWindow(autosave_ms=10**6)
    for window in (first, second):
        qtbot.addWidget(window)
        window.editor.add_layer("dense", 1)
        window.autosaver.save_now()
        assert window.autosaver.wait(10)
    assert first.autosaver.path != second.autosaver.path and len(autosaves()) == 2
    assert crashed_sessions() == []  # this process runs: neither is a crash's
    asked = []
    third = create_window([], ask=lambda: asked.append(True))
    qtbot.addWidget(third)
    assert asked == []  # a second studio does not offer the first's work as a crash
    first.editor.undo_stack.setClean()
    first.close()  # a clean close removes its own file only
    assert autosaves() == [second.autosaver.path]


def test_a_recovered_session_s_file_becomes_the_window_s_own(qtbot, isolated_home):
    leave_a_crashed_session(hidden_units=7)
    window = create_window([], ask=lambda: True)
    qtbot.addWidget(window)
    assert window.project.document.sizes == [2, 7, 4, 1]
    assert autosaves() == [window.autosaver.path]  # kept until saved: a crash now loses nothing
    assert crashed_sessions() == []


def test_an_autosave_that_breaks_the_reader_is_kept_aside_and_the_studio_starts(
    qtbot, isolated_home, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    import nnstudio.ui.autosave as autosave
    from nnstudio.io.project import save_project
    from nnstudio.model.project import Project

    recovery_folder().mkdir(parents=True)
    save_project(Project.example(), recovery_folder() / CRASHED)

    def broken_reader(path):
        raise KeyError("a bug in the reader")

    monkeypatch.setattr(autosave, "load_project", broken_reader)
    told = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: told.append(args[2]))
    for _ in range(2):  # and the next start is not stopped by it either
        window = create_window([], ask=lambda: True)
        qtbot.addWidget(window)
        assert window.project.document.sizes == [2, 4, 4, 1]
    assert len(told) == 1 and "a bug in the reader" in told[0]
    assert len(list(recovery_folder().glob("unreadable-*.nnsp"))) == 1
