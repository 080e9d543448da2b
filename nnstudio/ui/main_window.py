"""The main window. For now a welcome page that names what is coming; the canvas,
palette, inspector and training panels arrive as their own classes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow

import nnstudio

WELCOME = """<h1>nnstudio {version}</h1>
<p>Build neural networks by drag-and-drop, watch them learn, take the weights with you.</p>
<p>The training engine, the Python API and the command line are ready:<br>
<code>nnstudio train spec.json --data data.npz --epochs 100 --out weights.npz</code></p>
<p>The design canvas arrives in the next release.</p>"""


class MainWindow(QMainWindow):
    """The application window."""

    def __init__(self):
        super().__init__()
        self.setWindowTitle("nnstudio")
        self.resize(1100, 720)
        welcome = QLabel(WELCOME.format(version=nnstudio.__version__))
        welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        welcome.setTextFormat(Qt.TextFormat.RichText)
        welcome.setWordWrap(True)
        welcome.setMargin(48)
        self.setCentralWidget(welcome)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menuBar().addMenu("&File").addAction(quit_action)
        self.statusBar().showMessage("Ready")
