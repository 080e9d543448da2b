"""Start the desktop application."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from nnstudio.ui.main_window import MainWindow


def run(argv: list[str] | None = None) -> int:
    """Open the main window and run the Qt event loop; returns the exit code."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("nnstudio")
    app.setOrganizationName("nnstudio")
    window = MainWindow()
    window.show()
    return app.exec()
