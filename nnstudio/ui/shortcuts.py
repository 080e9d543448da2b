"""Keys the studio owns wherever the focus is, and the training keys.

Some widgets take keys for themselves before the window's shortcuts see them: a line
edit takes Ctrl+E (the end of the line, on X11). :class:`StudioKeysFirst` gives those
keys back to the studio. Space plays and pauses, except on a button, list or box that
a keyboard user is using (they take Space themselves) and in text, where it is a space.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QApplication, QComboBox

SPACE = QKeySequence("Space")
_SPACE_USERS = (QAbstractButton, QAbstractItemView, QComboBox)  # widgets Space works


class StudioKeysFirst(QObject):
    """An application event filter: the studio's ``keys`` reach their actions whatever
    widget has the focus (Space aside, as the module says)."""

    def __init__(self, keys: list[QKeySequence], parent=None):
        super().__init__(parent)
        self.keys = {key.toString() for key in keys}

    def eventFilter(self, watched, event) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        pressed = QKeySequence(event.keyCombination()).toString()
        if pressed == SPACE.toString():
            return isinstance(QApplication.focusWidget(), _SPACE_USERS) and _let_widget(event)
        if pressed in self.keys:
            event.ignore()  # not overridden: the shortcut fires
            return True
        return False


def _let_widget(event) -> bool:
    event.accept()  # the focused widget gets the key, not the shortcut
    return True


def play_or_pause(panel) -> None:
    """Space: Play while stopped or paused, Pause while playing."""
    if panel.play.isEnabled():
        panel.play.click()
    elif panel.pause.isEnabled():
        panel.pause.click()
