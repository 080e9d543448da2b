"""Lessons: every shipped file reads, its preset makes a project, and its claims hold
when the preset trains as it is set."""

import numpy as np
import pytest

from nnstudio.engine.snapshot import FINISHED
from nnstudio.model.document import DocumentError, new_layer
from nnstudio.model.lessons import Condition, load_lesson, shipped_lessons
from nnstudio.model.training import make_run

LESSONS = shipped_lessons()


def _trained(project):
    run = make_run(project, snapshot_interval=10.0)
    snapshots = list(run.trainer.run())
    assert snapshots[-1].status == FINISHED
    return run


def test_lessons_are_shipped_in_order_and_teach_something():
    keys = [lesson.key for lesson in LESSONS]
    assert keys == sorted(keys) and len(keys) >= 2
    for lesson in LESSONS:
        assert lesson.title and lesson.teaches and lesson.steps


@pytest.mark.parametrize("lesson", [x for x in LESSONS if x.claims], ids=lambda x: x.key)
def test_a_lessons_claims_hold_when_its_preset_trains(lesson):
    run = _trained(lesson.project())
    for claim in lesson.claims:
        scaled = run.scaler.transform(np.array([claim.input]))
        output = run.net.predict(scaled)[0, 0]
        assert output == pytest.approx(claim.output, abs=claim.tolerance)


def test_the_xor_lesson_one_neuron_fails_and_a_hidden_layer_solves_it():
    lesson = next(x for x in LESSONS if x.key == "05-xor")
    project = lesson.project()
    alone = _trained(project)
    labels = alone.parts.train.y
    assert ((alone.net.predict(alone.parts.train.X)[:, 0] > 0.5) == labels).mean() < 1.0
    project.document.insert_layer(1, new_layer("dense", "hidden", 4, "tanh"))
    project.document.set_seed(0)
    solved = _trained(project)
    assert ((solved.net.predict(solved.parts.train.X)[:, 0] > 0.5) == labels).all()


@pytest.mark.parametrize(
    ("text", "events", "metrics", "holds"),
    [
        ("finished", {"finished"}, {}, True),
        ("finished", {"trained"}, {}, False),
        ("test_accuracy >= 0.95", set(), {"test_accuracy": 0.96}, True),
        ("test_accuracy >= 0.95", set(), {"test_accuracy": 0.9}, False),
        ("loss < 0.01", set(), {}, False),
        ("", {"finished"}, {"loss": 0.0}, False),
    ],
)
def test_conditions(text, events, metrics, holds):
    assert Condition.parse(text, "here").holds(events, metrics) is holds


@pytest.mark.parametrize("text", ["accuracy => 1", "speed > 3", "done"])
def test_a_condition_that_cannot_be_read_is_refused_with_the_choices(text):
    with pytest.raises(DocumentError, match="test_accuracy >= 0.95"):
        Condition.parse(text, "here")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title = 'x'", "has no 'steps'"),
        ("title = [", "cannot read this lesson"),
        (
            "title='t'\nteaches='t'\n[project]\nnetwork={layers=[]}\n[[steps]]\ntext='a'\n"
            "[steps.question]\nprompt='p'\nchoices=['a']\nanswer=3",
            "index of one of the choices",
        ),
    ],
)
def test_a_broken_lesson_file_is_refused_naming_it(tmp_path, content, message):
    path = tmp_path / "99-broken.toml"
    path.write_text(content)
    with pytest.raises(DocumentError, match=message) as caught:
        load_lesson(path)
    assert "99-broken.toml" in str(caught.value)
