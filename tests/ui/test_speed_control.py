"""The speed control: slow motion shows every step, and the pace changes live."""

import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def _steps_seen(window, qtbot, seconds):
    seen = []
    window.training.bridge.sigSnapshot.connect(lambda _, s: seen.append(s.step))
    qtbot.wait(int(seconds * 1000))
    return seen


def test_the_slowest_speed_trains_one_step_a_second_and_shows_each(window, qtbot):
    panel = window.training_panel
    panel.speed.setFocus()
    qtbot.keyClick(panel.speed, Qt.Key.Key_Home)
    assert panel.speed_label.text() == "1 step/s"
    panel.play.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=15000)
    seen = _steps_seen(window, qtbot, 2.5)
    running = sorted(set(seen))
    assert 1 <= len(running) <= 4
    assert running == list(range(running[0], running[-1] + 1))  # no step skipped
    assert window.training_panel.counters.text().startswith(f"epoch 0 · step {running[-1]}")


def test_faster_from_the_menu_reaches_full_speed_while_training(window, qtbot):
    panel = window.training_panel
    panel.speed.setValue(0)
    panel.play.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=15000)
    began = time.perf_counter()
    while panel.speed_label.text() != "full":
        QTest.keyClick(window, Qt.Key.Key_BracketRight)  # Training → Faster
        assert time.perf_counter() - began < 5, "] did not reach full speed"
    at_full = window.training.latest.step
    qtbot.waitUntil(lambda: window.training.latest.step > at_full + 500, timeout=15000)
    QTest.keyClick(window, Qt.Key.Key_BracketLeft)  # Slower: 300 steps/s
    assert panel.steps_per_second() == 300
    assert window.training.live.trainer.steps_per_second == 300
