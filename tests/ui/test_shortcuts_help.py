"""Keys and help: Space plays and pauses, the training keys, Ctrl+E from any widget,
and the Help menu (documentation, shortcuts, About)."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from nnstudio.ui import help as studio_help


def shown(window, qtbot):
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    return window


def test_space_plays_and_pauses_and_the_training_keys_step(window, qtbot):
    shown(window, qtbot)
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.training_panel.pause.isEnabled(), timeout=10000)
    QTest.keyClick(window.view, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: window.training_panel.play.isEnabled() and window.training.latest is not None,
        timeout=10000,
    )
    steps = window.training.latest.step
    QTest.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.training.latest.step == steps + 1, timeout=10000)
    assert "(Space)" in window.training_panel.play.toolTip()


def test_space_in_a_text_field_is_a_space_and_on_a_button_presses_it(window, qtbot):
    shown(window, qtbot)
    window.scene.select_layer(1)
    name = window.inspector.name
    name.setFocus()
    name.selectAll()
    QTest.keyClicks(name, "a b")
    assert name.text() == "a b"
    assert window.training_panel.play.isEnabled()  # not playing
    clicked = []
    window.training_panel.reset.clicked.connect(lambda: clicked.append(True))
    window.training_panel.reset.setFocus()
    QTest.keyClick(window.training_panel.reset, Qt.Key.Key_Space)
    assert clicked and window.training_panel.play.isEnabled()


def test_ctrl_e_exports_even_from_a_text_field_that_takes_ctrl_e(window, qtbot):
    shown(window, qtbot)
    window.scene.select_layer(1)
    window.inspector.name.setFocus()
    with qtbot.waitSignal(window.menus.export_action.triggered, timeout=2000):
        QTest.keyClick(window.inspector.name, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)


def test_the_help_menu_lists_the_shortcuts_and_says_what_the_studio_is_made_of(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Training" in titles and titles[-1] == "&Help"
    rows = dict(studio_help.shortcut_rows(window.menus.all_actions()))
    assert rows["Space"] == "Play / Pause" and rows["Ctrl+E"] == "Export model"
    assert rows["Ctrl+R"] == "Reset weights"
    text = studio_help.about_text()
    assert "nnstudio 0.1.0" in text and "numpy" in text and "CC BY 4.0" in text
    assert "(not installed)" not in text
    box = studio_help.show_about(window)
    assert box.isVisible() and "Fashion-MNIST" in box.text()
    box.close()
