"""Light or dark: the system's colour scheme unless the user chose one (View → Theme),
kept across launches. Widgets take Qt's palette; the canvas and the plots read their
colours from it (``canvas/colors.py``, ``plot_style.py``), so a change shows at once."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from nnstudio.ui import plot_style

SYSTEM, LIGHT, DARK = "system", "light", "dark"
MODES = (SYSTEM, LIGHT, DARK)
SETTING = "looks/theme"


def chosen() -> str:
    """The theme the user chose (SYSTEM unless they picked one)."""
    mode = QSettings().value(SETTING, SYSTEM)
    return mode if mode in MODES else SYSTEM


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark(mode: str | None = None) -> bool:
    mode = chosen() if mode is None else mode
    return mode == DARK or (mode == SYSTEM and system_is_dark())


def dark_palette() -> QPalette:
    """Fusion's colours, dark: grey surfaces, light text, the studio's blue as highlight."""
    palette = QPalette()
    window, base, text = QColor(45, 47, 51), QColor(32, 33, 36), QColor(228, 228, 228)
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, window),
        (roles.WindowText, text),
        (roles.Base, base),
        (roles.AlternateBase, QColor(40, 42, 46)),
        (roles.ToolTipBase, QColor(55, 57, 62)),
        (roles.ToolTipText, text),
        (roles.PlaceholderText, QColor(140, 140, 140)),
        (roles.Text, text),
        (roles.Button, QColor(55, 57, 62)),
        (roles.ButtonText, text),
        (roles.BrightText, QColor(255, 120, 120)),
        (roles.Light, QColor(70, 72, 78)),
        (roles.Midlight, QColor(60, 62, 67)),
        (roles.Mid, QColor(40, 42, 46)),
        (roles.Dark, QColor(25, 26, 28)),
        (roles.Shadow, QColor(10, 10, 10)),
        (roles.Highlight, QColor(52, 120, 210)),
        (roles.HighlightedText, QColor(255, 255, 255)),
        (roles.Link, QColor(110, 170, 240)),
    ):
        palette.setColor(role, colour)
    faded = QColor(125, 125, 125)
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, faded)
    return palette


def apply(mode: str | None = None) -> None:
    """Give the application the palette of ``mode`` (default: the chosen one)."""
    app = QApplication.instance()
    app.setStyle("Fusion")  # the same widgets' look everywhere, and palettes it honours
    dark = is_dark(mode)
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    plot_style.theme_plots()


def choose(mode: str) -> None:
    """The user's choice: applied now and at every launch."""
    QSettings().setValue(SETTING, mode)
    apply(mode)


def follow_system() -> None:
    """Re-apply when the system's scheme changes (it matters only under SYSTEM)."""
    QGuiApplication.styleHints().colorSchemeChanged.connect(
        lambda *_: chosen() == SYSTEM and apply(SYSTEM)
    )
