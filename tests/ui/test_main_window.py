"""The window opens, shows where things stand, and quits from its menu."""

from PySide6.QtWidgets import QLabel

import nnstudio
from nnstudio.ui.main_window import MainWindow


def test_window_opens_with_a_welcome(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "nnstudio"
    assert nnstudio.__version__ in window.centralWidget().text()
    assert isinstance(window.centralWidget(), QLabel)


def test_quit_from_the_file_menu_closes_the_window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    file_menu = window.menuBar().actions()[0].menu()
    quit_action = next(a for a in file_menu.actions() if a.text() == "&Quit")
    quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible())
