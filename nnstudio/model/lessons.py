"""Lessons: a preset project and ordered steps, read from TOML files.

A lesson file (``resources/lessons/NN-name.toml``)::

    title = "The single neuron, from scratch"
    teaches = "A weighted sum through a sigmoid, trained by hand-written updates"
    hidden = ["optimizer"]          # controls the lesson hides, by setting name
    locked = ["lr"]                 # controls it shows but does not let change

    [project]                       # a project file's sections (see Project.to_dict)
    network = {layers = [...], seed = 0, loss = "mse"}
    training = {optimizer = "sgd", lr = 0.5}
    [[weights]]                     # optional: the start, one {W, b} per layer
    W = [[-0.17], [0.44], [-1.0]]
    b = [0.0]

    [[steps]]
    text = "Markdown, with formulas in Unicode: z = Σ wᵢ·xᵢ + b"
    highlight = "play"              # a control or view to point at
    done_when = "finished"          # see Condition
    hints = ["Press Play"]          # shown one by one, hint_after seconds apart
    [steps.question]                # optional: predict first
    prompt = "What will the output be?"
    choices = ["near 0", "near 1"]
    answer = 1

    [[claims]]                      # checked by the tests: the preset trains to this
    input = [1, 0, 0]
    output = 0.99993704
    tolerance = 1e-6
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tomllib

from nnstudio.model.document import DocumentError
from nnstudio.model.project import Project

LESSONS_FOLDER = Path(__file__).resolve().parents[2] / "resources" / "lessons"
# what happened in the studio, for conditions such as "finished" or "layer_added"
EVENTS = frozenset(
    {
        "trained",
        "paused",
        "finished",
        "diverged",
        "layer_added",
        "layer_removed",
        "edited",
        "predicted",
    }
)
# the numbers a condition can test, from the latest snapshot and evaluation
METRICS = frozenset(
    {"loss", "accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy", "epoch"}
)
_COMPARISONS = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_METRIC_CONDITION = re.compile(r"^\s*(\w+)\s*(<=|>=|<|>)\s*([-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class Condition:
    """What completes a step: an event (``"finished"``), a number that reached a
    bound (``"test_accuracy >= 0.95"``), or nothing (the learner presses Next)."""

    event: str = ""
    metric: str = ""
    compare: str = ""
    bound: float = math.nan

    @classmethod
    def parse(cls, text: str, where: str) -> Condition:
        text = text.strip()
        if not text:
            return cls()
        if text in EVENTS:
            return cls(event=text)
        match = _METRIC_CONDITION.match(text)
        if match is None or match[1] not in METRICS:
            raise DocumentError(
                f"{where}: cannot read the condition {text!r}; give an event "
                f"({', '.join(sorted(EVENTS))}) or a metric ({', '.join(sorted(METRICS))}) "
                "compared with a number, e.g. 'test_accuracy >= 0.95'"
            )
        return cls(metric=match[1], compare=match[2], bound=float(match[3]))

    @property
    def manual(self) -> bool:
        return not (self.event or self.metric)

    def holds(self, events: set[str], metrics: dict) -> bool:
        """True once ``events`` (what happened since the step began) or ``metrics``
        (the latest numbers) satisfy it; never for a manual step."""
        if self.event:
            return self.event in events
        if self.metric:
            value = metrics.get(self.metric)
            return value is not None and _COMPARISONS[self.compare](value, self.bound)
        return False


@dataclass(frozen=True)
class Question:
    """A "predict first" question, answered before the step's action."""

    prompt: str
    choices: tuple[str, ...]
    answer: int
    explanation: str = ""


@dataclass(frozen=True)
class Step:
    text: str
    highlight: str = ""
    done_when: Condition = Condition()
    hints: tuple[str, ...] = ()
    hint_after: float = 30.0
    question: Question | None = None


@dataclass(frozen=True)
class Claim:
    """The preset, trained as it is set, gives ``output`` for ``input``."""

    input: tuple[float, ...]
    output: float
    tolerance: float


@dataclass(frozen=True)
class Lesson:
    key: str  # the file's name without .toml: its place in the list and its progress
    title: str
    teaches: str
    steps: tuple[Step, ...]
    preset: dict
    weights: tuple | None = None
    hidden: tuple[str, ...] = ()
    locked: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()

    def project(self) -> Project:
        """A fresh project as the lesson begins: its network, data, settings, start."""
        project = Project.from_dict(self.preset)
        if self.weights is not None:
            project.document.set_weights(
                [(np.asarray(w["W"], float), np.asarray(w["b"], float)) for w in self.weights]
            )
        return project


def load_lesson(path: Path) -> Lesson:
    """Read and check one lesson file; DocumentError naming the file and what is wrong."""
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DocumentError(f"{where}: cannot read this lesson ({exc})") from None
    try:
        steps = tuple(_step(s, f"{where}, step {i}") for i, s in enumerate(data["steps"], 1))
        lesson = Lesson(
            key=path.stem,
            title=str(data["title"]),
            teaches=str(data["teaches"]),
            steps=steps,
            preset=dict(data["project"]),
            weights=tuple(data["weights"]) if "weights" in data else None,
            hidden=tuple(data.get("hidden", ())),
            locked=tuple(data.get("locked", ())),
            claims=tuple(
                Claim(tuple(map(float, c["input"])), float(c["output"]), float(c["tolerance"]))
                for c in data.get("claims", ())
            ),
        )
    except KeyError as exc:
        raise DocumentError(f"{where}: the lesson has no {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise DocumentError(f"{where}: {exc}") from None
    if not steps:
        raise DocumentError(f"{where}: the lesson has no steps")
    try:
        lesson.project()  # its preset must make a project
    except DocumentError as exc:
        raise DocumentError(f"{where}: its project: {exc}") from None
    return lesson


def _step(entry: dict, where: str) -> Step:
    question = entry.get("question")
    if question is not None:
        choices = tuple(map(str, question["choices"]))
        answer = int(question["answer"])
        if not 0 <= answer < len(choices):
            raise DocumentError(f"{where}: the answer must be the index of one of the choices")
        question = Question(str(question["prompt"]), choices, answer, question.get("why", ""))
    return Step(
        text=str(entry["text"]),
        highlight=str(entry.get("highlight", "")),
        done_when=Condition.parse(str(entry.get("done_when", "")), where),
        hints=tuple(map(str, entry.get("hints", ()))),
        hint_after=float(entry.get("hint_after", 30.0)),
        question=question,
    )


def shipped_lessons(folder: Path = LESSONS_FOLDER, problems: list | None = None) -> list:
    """Every lesson in ``folder``, in the order of their file names. A file that does
    not read raises DocumentError, or, given a ``problems`` list, is left out and its
    message added to it."""
    lessons = []
    for path in sorted(folder.glob("*.toml")):
        try:
            lessons.append(load_lesson(path))
        except DocumentError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
    return lessons
