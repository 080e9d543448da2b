"""Qt test set-up: an application with nnstudio's names, settings and autosaves in a
temporary home, and no thread or timer left running after a test."""

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QThread


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    QCoreApplication.setOrganizationName("nnstudio-tests")
    QCoreApplication.setApplicationName("nnstudio")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "config"))
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

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
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
