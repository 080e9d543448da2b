"""Starting the studio: the window opens, and the process is set up for live training."""

import gc

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from nnstudio.ui import app as studio
from nnstudio.ui.main_window import MainWindow


def test_run_opens_the_window_and_keeps_its_objects_out_of_full_collections(
        qapp, qtbot, monkeypatch):
    seen = {}
    monkeypatch.setattr(studio, "one_blas_thread", lambda: seen.setdefault("blas", True))

    def look_and_quit():
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        seen["windows"] = windows
        seen["frozen"] = gc.get_freeze_count()
        for window in windows:
            window.editor.undo_stack.setClean()
            window.close()
            window.deleteLater()  # its autosaver must not outlive the test
        qapp.quit()

    QTimer.singleShot(100, look_and_quit)
    try:
        assert studio.run(["nnstudio"]) == 0
    finally:
        gc.unfreeze()
    qtbot.wait(50)  # the deferred deletes
    assert seen["blas"] and len(seen["windows"]) == 1
    assert seen["frozen"] > 10_000  # the window's objects, at least
