"""The dangling-thread check of tests/ui/conftest.py sees threads without a parent, the
training bridge's among them, tells a finished thread from one left running, and fails
the test that leaves one running."""

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QThread


class BlockedThread(QThread):
    """A parentless thread that runs until told to stop."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()

    def run(self):
        self.release.wait(10)


def test_the_studios_python_threads_are_seen_until_they_end():
    from conftest import python_threads_left_running

    release = threading.Event()
    thread = threading.Thread(target=release.wait, args=(10,), name="nnstudio-autosave")
    other = threading.Thread(target=release.wait, args=(10,), name="someone-else")
    thread.start()
    other.start()
    try:
        assert python_threads_left_running(grace_s=0.05) == [thread]  # ours only
    finally:
        release.set()
    assert python_threads_left_running() == []
    other.join()


def test_a_parentless_thread_is_recorded_and_seen_running(no_threads_left_running, qapp):
    thread = BlockedThread()
    thread.start()
    try:
        assert thread in no_threads_left_running.threads
        assert thread not in qapp.findChildren(QThread)  # what the old check looked at
        assert [t for t, _ in no_threads_left_running.running(grace_ms=50)] == [thread]
        _, where = no_threads_left_running.running()[0]
        assert "test_conftest_fixtures.py" in where
    finally:
        thread.release.set()
        assert thread.wait(5000)
    assert no_threads_left_running.running() == []


def test_a_thread_finishing_within_the_grace_period_is_not_reported(no_threads_left_running):
    thread = BlockedThread()
    thread.start()
    threading.Timer(0.05, thread.release.set).start()
    assert no_threads_left_running.running(grace_ms=5000) == []
    assert not thread.isRunning()


def test_the_training_bridge_thread_is_seen_until_shutdown(window, no_threads_left_running):
    window.training_panel.play.click()
    bridge_thread = window.training.bridge._thread
    assert bridge_thread is not None and bridge_thread.parent() is None
    running = [t for t, _ in no_threads_left_running.running()]
    assert bridge_thread in running
    assert bridge_thread.objectName() == "nnstudio-training"
    window.training.shutdown()
    assert no_threads_left_running.running() == []


LEAVES_A_THREAD = """
import threading

from PySide6.QtCore import QThread


class Lingering(QThread):
    def run(self):
        threading.Event().wait(1.5)  # outlives the grace period, not the clean-up


def test_leaves_a_thread_running():
    thread = Lingering()
    thread.setObjectName("lingering")
    thread.start()
    test_leaves_a_thread_running.thread = thread  # keep the wrapper alive


def test_stops_its_thread():
    thread = Lingering()
    thread.start()
    thread.wait()
"""


def test_a_test_leaving_a_thread_running_fails_at_teardown(tmp_path):
    """End to end, in a pytest of its own: the fixture turns a leftover thread into an
    error of that test (and only that test), naming the thread and where it started."""
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_leftover.py").write_text(LEAVES_A_THREAD)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "2 passed, 1 error" in out, out
    assert "ERROR at teardown of test_leaves_a_thread_running" in out, out
    assert "threads left running" in out and "lingering" in out, out
    assert "test_leftover.py" in out, out  # where it was started
