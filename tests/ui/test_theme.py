"""A dark theme that follows the system unless the user picks one (View → Theme); the
canvas, the plots and the weight colours follow it at once."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from nnstudio.ui import plot_style, theme
from nnstudio.ui.canvas import colors


@pytest.fixture
def restore_looks(qapp):
    """Whatever a test does to the application's looks is undone after it."""
    style, palette = qapp.style().name(), qapp.palette()
    yield
    qapp.setStyle(style)
    qapp.setPalette(palette)
    plot_style.theme_plots()


def lightness(color) -> int:
    return color.lightness()


def canvas_corner(window):
    return window.view.viewport().grab().toImage().pixelColor(3, 3)


def test_dark_turns_widgets_canvas_and_plots_dark_and_light_turns_them_back(
    window, qtbot, restore_looks
):
    window.menus.theme_actions[theme.DARK].trigger()
    assert QSettings().value(theme.SETTING) == theme.DARK
    palette = QApplication.palette()
    assert lightness(palette.color(QPalette.ColorRole.Window)) < 80
    assert lightness(palette.color(QPalette.ColorRole.Text)) > 180
    qtbot.waitUntil(lambda: lightness(canvas_corner(window)) < 60)
    plot = window.loss_plot.plot
    assert lightness(plot.backgroundBrush().color()) < 60
    axis = plot.getPlotItem().getAxis("left")
    assert lightness(axis.textPen().color()) > 180  # tick labels readable on it
    # a zero weight is drawn close to the paper, not as a bright white line
    middle = colors.middle_color()
    assert abs(lightness(middle) - lightness(colors.ink().paper)) < 20
    window.menus.theme_actions[theme.LIGHT].trigger()
    assert window.menus.theme_actions[theme.LIGHT].isChecked()
    assert not window.menus.theme_actions[theme.DARK].isChecked()
    qtbot.waitUntil(lambda: lightness(canvas_corner(window)) > 200)
    assert lightness(plot.backgroundBrush().color()) > 200


def test_the_system_scheme_is_followed_unless_a_theme_was_chosen(qapp, monkeypatch, restore_looks):
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    assert theme.chosen() == theme.SYSTEM
    theme.apply()
    assert lightness(QApplication.palette().color(QPalette.ColorRole.Window)) < 80
    theme.choose(theme.LIGHT)
    assert lightness(QApplication.palette().color(QPalette.ColorRole.Window)) > 180
    assert theme.chosen() == theme.LIGHT  # kept for the next launch
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    assert not theme.is_dark(theme.SYSTEM)


def test_an_unknown_saved_theme_means_the_system(qapp):
    QSettings().setValue(theme.SETTING, "purple")
    assert theme.chosen() == theme.SYSTEM


def test_plots_made_in_the_dark_are_dark(qtbot, restore_looks):
    import pyqtgraph as pg

    theme.choose(theme.DARK)
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    assert lightness(plot.backgroundBrush().color()) < 60
    assert lightness(plot.getPlotItem().getAxis("bottom").textPen().color()) > 180
