"""Starting the studio: the window opens, and the process is set up for live training."""

import gc
import threading

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from nnstudio.ui import app as studio
from nnstudio.ui.main_window import MainWindow


def test_run_opens_the_window_and_keeps_its_objects_out_of_full_collections(
    qapp, qtbot, monkeypatch
):
    seen = {}
    monkeypatch.setattr(studio, "one_blas_thread", lambda: seen.setdefault("blas", True))

    def look_and_quit():
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
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


def test_garbage_is_collected_on_the_gui_thread_never_by_a_worker(qtbot):
    """A Qt object in a reference cycle must not be freed by a collection that a worker
    thread's allocations trigger (destroyed there, it deadlocked with the GUI thread)."""
    freed_on = []

    class Node(QObject):
        def __del__(self):
            freed_on.append(threading.current_thread())

    node = Node()
    node.cycle = node
    del node

    def allocate():
        for _ in range(50_000):  # cycles enough to trigger several automatic collections
            a = []
            a.append(a)

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    assert freed_on == []  # the worker collected nothing
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)  # the GUI thread's timer did
    assert freed_on == [threading.main_thread()]
