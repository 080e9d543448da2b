"""The window's size, place and panel arrangement, kept across launches."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

# raise when panels are added, removed or renamed: an arrangement saved before is then
# ignored (the window opens in its default one) instead of half-applied
LAYOUT_VERSION = 1
GEOMETRY, PANELS = "window/geometry", "window/panels"


def save(window: QMainWindow) -> None:
    """Remember ``window``'s geometry and panels (on closing)."""
    settings = QSettings()
    settings.setValue(GEOMETRY, window.saveGeometry())
    settings.setValue(PANELS, window.saveState(LAYOUT_VERSION))


def restore(window: QMainWindow) -> bool:
    """Put ``window`` back as it was last closed; False (and the window untouched)
    when nothing usable was kept. Qt moves a window whose screen is gone onto one that
    is there."""
    settings = QSettings()
    geometry, panels = settings.value(GEOMETRY), settings.value(PANELS)
    if not isinstance(geometry, QByteArray) or not window.restoreGeometry(geometry):
        return False
    if isinstance(panels, QByteArray):
        window.restoreState(panels, LAYOUT_VERSION)
    return True
