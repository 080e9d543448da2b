"""Lessons in the studio, followed as a learner does: Help → Lessons, Start, read,
predict, press Play, type an input, Finish — and XOR with a layer dragged in."""

import pytest
from gestures import drop_from_palette
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtWidgets import QLabel

from nnstudio.model.lessons import shipped_lessons


def _start(window, qtbot, key):
    window.menus.lessons_action.trigger()
    assert window.lessons_dock.isVisible()
    panel = window.lessons_dock.widget().widget()  # inside its scroll area
    keys = [lesson.key for lesson in shipped_lessons()]
    panel.list.setCurrentRow(keys.index(key))
    qtbot.mouseClick(panel.start, Qt.MouseButton.LeftButton)
    return panel


def _press(qtbot, button):
    assert button.isEnabled(), f"{button.text()} is not enabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_single_neuron_lesson_end_to_end(window, qtbot):
    panel = _start(window, qtbot, "03-single-neuron")
    guide, training = window.lessons, window.training_panel
    assert window.project.dataset["name"] == "single_neuron"
    assert not training._widgets["lr"].isEnabled()  # locked by the lesson
    assert "Set by the lesson" in training._widgets["lr"].toolTip()
    assert panel.where.text() == "Step 1 of 4"
    assert guide.spotlight.target is window.view and guide.spotlight.isVisible()
    _press(qtbot, panel.next)
    _press(qtbot, panel.next)
    assert panel.where.text() == "Step 3 of 4"
    assert not panel.next.isEnabled()  # done when training finished
    assert panel.question.isVisible()
    panel.choices.button(2).click()  # "about 1"
    assert panel.verdict.text().startswith("Right.")
    _press(qtbot, training.play)
    qtbot.waitUntil(panel.next.isEnabled, timeout=60_000)
    assert panel.status.text() == "✓ Done."
    _press(qtbot, panel.next)
    assert guide.spotlight.target is window.evaluation.input
    window.evaluation.input.setText("1, 0, 0")
    qtbot.keyClick(window.evaluation.input, Qt.Key.Key_Return)
    assert "output 0.99993704" in window.evaluation.output.text()
    assert panel.next.text() == "Finish"
    _press(qtbot, panel.next)
    assert guide.lesson is None and panel.pages.currentIndex() == 0
    assert training._widgets["lr"].isEnabled() and not guide.spotlight.isVisible()
    assert QSettings().value("lessons/03-single-neuron/done") in (True, "true")
    assert "✓ done" in panel.list.item(panel.list.currentRow()).text()


def test_the_xor_lesson_waits_for_a_hidden_layer_then_for_accuracy(window, qtbot):
    panel = _start(window, qtbot, "05-xor")
    _press(qtbot, window.training_panel.play)
    qtbot.waitUntil(panel.next.isEnabled, timeout=60_000)
    _press(qtbot, panel.next)
    assert not panel.next.isEnabled()
    scene = window.scene
    drop_from_palette(window, "dense", QPointF((scene.column_x(0) + scene.column_x(1)) / 2, 0))
    assert len(window.project.document.sizes) == 3
    assert panel.next.isEnabled()
    _press(qtbot, panel.next)
    window.editor.set_units(1, 4)
    _press(qtbot, window.training_panel.reset)
    _press(qtbot, window.training_panel.play)
    qtbot.waitUntil(panel.next.isEnabled, timeout=60_000)
    assert window.training.latest.metrics["accuracy"] == pytest.approx(1.0)


def test_a_hint_appears_when_the_learner_waits(window, qtbot):
    panel = _start(window, qtbot, "03-single-neuron")
    guide = window.lessons
    guide.show_step(2)
    assert panel.hint.isHidden()
    step = guide.step
    guide._hint_timer.start(10)  # as if hint_after had passed
    qtbot.waitUntil(lambda: panel.hint.isVisible(), timeout=2000)
    assert panel.hint.text() == f"Hint: {step.hints[0]}"


def test_opening_another_project_ends_the_lesson(window, qtbot):
    panel = _start(window, qtbot, "03-single-neuron")
    window.menus.new_action.trigger()
    assert window.lessons.lesson is None and panel.pages.currentIndex() == 0
    assert window.training_panel._widgets["lr"].isEnabled()


def test_every_lesson_points_only_at_controls_the_studio_has(window):
    for lesson in shipped_lessons():
        for step in lesson.steps:
            assert step.highlight == "" or window.lessons.widget_named(step.highlight)
        for key in (*lesson.locked, *lesson.hidden):
            assert key in window.training_panel._widgets, (lesson.key, key)


def _do_what_the_step_asks(window, qtbot, step, lesson):
    """The learner's move for a step's condition (a manual step: nothing)."""
    condition, training = step.done_when, window.training_panel
    if condition.event == "trained":
        _press(qtbot, training.step)
    elif condition.event == "edited":
        window.editor.set_activation(len(window.project.document) - 1, "sigmoid")
    elif condition.event == "layer_added":
        scene = window.scene
        between = QPointF((scene.column_x(0) + scene.column_x(1)) / 2, 0)
        drop_from_palette(window, "dense", between)
    elif condition.event == "predicted":
        window.evaluation.input.setText(", ".join(map(str, lesson.claims[0].input)))
        qtbot.keyClick(window.evaluation.input, Qt.Key.Key_Return)
    elif not condition.manual:  # finished, or a metric: train
        if window.project.dataset["name"] == "mnist":
            training._widgets["epochs"].setValue(1)  # the test's budget, not the lesson's
        if window.training.latest is not None and window.training.latest.status == "finished":
            _press(qtbot, training.reset)
        _press(qtbot, training.play)


@pytest.mark.parametrize("lesson", shipped_lessons(), ids=lambda lesson: lesson.key)
def test_every_lesson_runs_to_its_end(window, qtbot, lesson):
    panel = _start(window, qtbot, lesson.key)
    for step in lesson.steps:
        assert window.lessons.step == step
        _do_what_the_step_asks(window, qtbot, step, lesson)
        qtbot.waitUntil(panel.next.isEnabled, timeout=120_000)
        _press(qtbot, panel.next)
    assert window.lessons.lesson is None
    assert QSettings().value(f"lessons/{lesson.key}/done") in (True, "true")


def test_a_broken_lesson_file_is_left_out_and_said_so(window, qtbot, tmp_path):
    from nnstudio.model.lessons import LESSONS_FOLDER
    from nnstudio.ui.lessons_panel import LessonsPanel

    for path in sorted(LESSONS_FOLDER.glob("0[35]*.toml")):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "99-broken.toml").write_text("title = [")
    unread = []
    panel = LessonsPanel(window.lessons, shipped_lessons(tmp_path, problems=unread), unread)
    qtbot.addWidget(panel)
    assert panel.list.count() == 2
    labels = " ".join(label.text() for label in panel.findChildren(QLabel))
    assert "could not be read" in labels and "99-broken.toml" in labels
