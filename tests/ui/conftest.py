"""Qt test set-up: an application with nnstudio's names, settings and autosaves in a
temporary home, garbage collected on the GUI thread only (as in the studio), and no
thread or timer left running after a test."""

import gc

import pytest
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


@pytest.fixture(autouse=True)
def no_threads_left_running(qapp):
    before = set(QThread.currentThread().children()) if QThread.currentThread() else set()
    yield
    leftovers = [t for t in qapp.findChildren(QThread) if t.isRunning() and t not in before]
    assert not leftovers, f"threads left running: {leftovers}"


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
