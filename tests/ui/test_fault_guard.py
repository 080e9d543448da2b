"""Anything unexpected is logged with its traceback and shown, and the studio goes on."""

import sys
import threading

from PySide6.QtWidgets import QMessageBox

from nnstudio.ui import fault_guard


def test_an_unexpected_error_is_logged_and_shown_once_at_a_time(qtbot, isolated_home, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.detailedText()))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    fault_guard.install()
    try:
        raise ZeroDivisionError("a bug in a slot")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    worker = threading.Thread(target=lambda: [][1], name="a worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=3000)
    assert "ZeroDivisionError: a bug in a slot" in shown[0]
    assert "IndexError" in shown[1]  # from the worker, shown on the GUI thread
    logged = fault_guard.log_path().read_text()
    assert "Traceback" in logged and "a bug in a slot" in logged and "IndexError" in logged
    fault_guard.log.handlers.clear()
