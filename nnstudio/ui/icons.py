"""The commands' icons: Material Design Icons (superqt's font icons), drawn in the
palette's text colour, and drawn again when the palette changes (light ↔ dark)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication
from superqt.fonticon import icon as font_icon

GLYPHS = {
    "new": "mdi7.file-outline",
    "open": "mdi7.folder-open-outline",
    "save": "mdi7.content-save-outline",
    "undo": "mdi7.undo",
    "redo": "mdi7.redo",
    "delete": "mdi7.delete-outline",
    "zoom in": "mdi7.magnify-plus-outline",
    "zoom out": "mdi7.magnify-minus-outline",
    "fit": "mdi7.fit-to-screen-outline",
    "changes": "mdi7.delta",
    "export": "mdi7.export",
    "open data": "mdi7.database-import-outline",
    "enter data": "mdi7.table-edit",
    "play": "mdi7.play",
    "pause": "mdi7.pause",
    "step": "mdi7.step-forward",
    "step epoch": "mdi7.skip-next",
    "reset": "mdi7.restore",
    "help": "mdi7.help-circle-outline",
}


def command_icon(name: str) -> QIcon:
    """The icon of command ``name`` (a key of GLYPHS) in the current palette's colours."""
    palette = QApplication.palette()
    ink = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    faded = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    return font_icon(GLYPHS[name], color=ink.name(), states={"disabled": {"color": faded.name()}})


class CommandIcons(QObject):
    """Gives actions and buttons their icons, and gives them again in the new colours
    when the application's palette changes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._given: list[tuple[object, str]] = []
        QApplication.instance().paletteChanged.connect(self.refresh)

    def give(self, target, name: str) -> None:
        """``target`` (a QAction or a button) shows command ``name``'s icon."""
        target.setIcon(command_icon(name))
        self._given.append((target, name))

    def refresh(self, *_) -> None:
        for target, name in self._given:
            target.setIcon(command_icon(name))
