"""Qt test set-up: an application with nnstudio's names, settings and autosaves in a
temporary home, garbage collected on the GUI thread only (as in the studio), and no
thread (Qt's or Python's) or timer left running after a test."""

import gc
import threading
import time
import traceback
import weakref

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QSettings, QThread

from nnstudio.ui.app import collect_garbage_on_gui_thread


@pytest.fixture(scope="session")
def gui_thread_collector(qapp):
    collector = collect_garbage_on_gui_thread()
    yield collector
    collector.timer.stop()
    gc.enable()


@pytest.fixture(autouse=True)
def collect_after_each_test(gui_thread_collector):
    """What a test leaves behind is collected here, on the GUI thread, never by a
    worker thread of a later test."""
    yield
    gui_thread_collector.check()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    QCoreApplication.setOrganizationName("nnstudio-tests")
    QCoreApplication.setApplicationName("nnstudio")
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config")
    )
    QSettings().clear()
    yield tmp_path


class StartedThreads:
    """Every QThread started while it is installed, with where it was started.

    ``qapp.findChildren(QThread)`` sees only threads parented to the application; the
    training bridge's ``QThread()`` has no parent. Like napari's ``dangling_qthreads``,
    this wraps ``QThread.start`` instead, so any thread started from Python is seen. The
    threads are held weakly: recording one changes nothing about when it is freed (a
    thread whose wrapper is gone is not running)."""

    def __init__(self):
        self.threads = weakref.WeakKeyDictionary()

    def install(self, monkeypatch):
        original_start = QThread.start
        recorded = self.threads

        def start(thread, *args, **kwargs):
            recorded[thread] = "".join(traceback.format_stack(limit=8)[:-1])
            return original_start(thread, *args, **kwargs)

        monkeypatch.setattr(QThread, "start", start)

    def running(self, grace_ms: int = 0):
        """The recorded threads still running after waiting up to ``grace_ms`` in all."""
        deadline = time.monotonic() + grace_ms / 1000
        left = []
        for thread, where in list(self.threads.items()):
            if not shiboken6.isValid(thread):  # the C++ thread was deleted: not running
                continue
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            if thread.isRunning() and not thread.wait(remaining):
                left.append((thread, where))
        return left


@pytest.fixture(autouse=True)
def no_threads_left_running(monkeypatch, qapp):
    """Fail a test that leaves a QThread running (after a short grace period for one
    that is finishing). Yields the recorder, so a test can look at what it saw."""
    started = StartedThreads()
    started.install(monkeypatch)
    yield started
    leftovers = started.running(grace_ms=500)
    for thread, _ in leftovers:  # do not let it run into the next test
        thread.quit()
        thread.wait(2000)
    assert not leftovers, "threads left running:\n" + "\n".join(
        f"{thread!r} ({thread.objectName() or 'unnamed'}), started at\n{where}"
        for thread, where in leftovers
    )
    assert not python_threads_left_running(), "Python threads left running"


# the studio's Python threads that do one job and end (the engine's thread pool,
# "nnstudio-engine_…", lives as long as the process, by design)
ONE_JOB_THREADS = ("nnstudio-autosave",)


def python_threads_left_running(grace_s: float = 0.5) -> list[threading.Thread]:
    """The studio's one-job Python threads (the autosave writer) still running after
    waiting up to ``grace_s`` for them."""
    deadline = time.monotonic() + grace_s
    ours = [t for t in threading.enumerate() if t.name in ONE_JOB_THREADS]
    for thread in ours:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [thread for thread in ours if thread.is_alive()]


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    """A modal dialog would block an offscreen test forever: answer them. "Unsaved
    changes?" gets Discard; tests that care patch these again."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))


@pytest.fixture
def window(qtbot):
    """The studio window, shown, with its example project; training stopped and the
    project marked saved afterwards (so closing it asks nothing)."""
    from nnstudio.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.training.shutdown()
    window.editor.undo_stack.setClean()
