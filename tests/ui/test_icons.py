"""The commands have icons, drawn in the palette's text colour, redrawn when it changes."""

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QToolBar

from nnstudio.ui.icons import GLYPHS, command_icon


def ink_of(icon) -> QColor:
    """The colour of an icon's most opaque pixel."""
    image = icon.pixmap(24, 24).toImage()
    pixels = (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()))
    return max(pixels, key=lambda c: c.alpha())


def same(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) < 8


@pytest.mark.parametrize("name", sorted(GLYPHS))
def test_every_command_icon_draws_something(qapp, name):
    assert ink_of(command_icon(name)).alpha() > 200


def test_toolbar_and_training_buttons_show_icons(window):
    toolbar = window.findChild(QToolBar, "Main")
    actions = [a for a in toolbar.actions() if not a.isSeparator()]
    assert actions and all(not a.icon().isNull() for a in actions)
    panel = window.training_panel
    for button in (panel.play, panel.pause, panel.step, panel.step_epoch, panel.reset):
        assert not button.icon().isNull(), button.text()


def test_icons_follow_a_change_of_palette(window, qtbot):
    app = QApplication.instance()
    before = app.palette()
    play = window.training_panel.play
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.ButtonText, QColor(235, 235, 235))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: same(ink_of(play.icon()), QColor(235, 235, 235)))
    finally:
        app.setPalette(before)
    qtbot.waitUntil(lambda: same(ink_of(play.icon()), before.color(QPalette.ColorRole.ButtonText)))
