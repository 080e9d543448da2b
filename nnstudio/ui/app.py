"""Start the desktop application."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtWidgets import QApplication, QMessageBox
from threadpoolctl import threadpool_limits

from nnstudio.ui import fault_guard, theme
from nnstudio.ui.autosave import RecoveryError, pending_recovery, set_aside
from nnstudio.ui.main_window import MainWindow


def one_blas_thread() -> threadpool_limits:
    """Keep the studio's own BLAS to one thread (undo with ``restore_original_limits``).
    Its arithmetic (views, evaluation) is small and the cores belong to the training
    process: a second BLAS thread here only competed with it (measured: 784-128-10
    trained at 0.73-0.75 of headless speed instead of 0.87-0.90)."""
    return threadpool_limits(1, user_api="blas")


def collect_garbage_on_gui_thread() -> GarbageCollector:
    """Garbage collection only on the GUI thread, from a timer (keep the returned
    object). Collected automatically, a cycle holding a Qt object could be freed on
    whichever thread happened to allocate — the bridge's worker, say — and a widget
    destroyed there deadlocks with the GUI thread (seen: a test hung in
    ``QObject::~QObject`` waiting for the GIL inside a collection on the worker)."""
    return GarbageCollector(interval=0.5)


def run(argv: list[str] | None = None) -> int:
    """Open the main window (and the project named in ``argv``); run the event loop."""
    argv = list(sys.argv if argv is None else argv)
    one_blas_thread()
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("nnstudio")
    app.setOrganizationName("nnstudio")
    app.garbage_collector = collect_garbage_on_gui_thread()  # lives as long as the app
    fault_guard.install()
    theme.apply()
    theme.follow_system()
    window = create_window(argv[1:])
    window.restore_layout()
    window.show()
    # the window's ~100,000 objects live as long as the app: a full garbage collection
    # walking them stalled the event loop ~40 ms; kept out of collections, it takes ~1.5
    gc.freeze()
    return app.exec()


def create_window(args: list[str], ask=None) -> MainWindow:
    """The window for ``args`` ([] or [PROJECT]); offers a crashed session's autosaved
    project first (declined, it is kept aside: nothing is lost)."""
    try:
        recovered = pending_recovery()
    except RecoveryError as exc:
        QMessageBox.warning(None, "Autosave unreadable", str(exc))
        recovered = None
    if recovered is not None:
        project, path = recovered
        ask = ask or (
            lambda: (
                QMessageBox.question(
                    None,
                    "Recover unsaved work?",
                    "nnstudio did not close properly last time. Recover the autosaved network?",
                )
                == QMessageBox.StandardButton.Yes
            )
        )
        if ask():
            window = MainWindow(project)
            window.autosaver.adopt(path)  # until it is saved or closed cleanly
            window.editor.undo_stack.resetClean()
            window.statusBar().showMessage("Recovered the autosaved network: save it to keep it")
            return window
        set_aside(path, "declined")
    window = MainWindow()
    if args:
        try:
            window.files.open_path(Path(args[0]))
        except Exception:  # a bug while opening: said, and the studio opens anyway
            fault_guard.report(*sys.exc_info())
    return window
