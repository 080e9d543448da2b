"""Following a lesson through the studio: its preset opened, what completes each step
noticed, hints given after a while, progress kept between launches."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QWidget

from nnstudio.engine.snapshot import DIVERGED, FINISHED, PAUSED, RUNNING
from nnstudio.model.lessons import Lesson, Step
from nnstudio.ui.spotlight import Spotlight

PROGRESS = "lessons"  # QSettings group: "<key>/step" (furthest step), "<key>/done"
_EVENTS_OF_STATUS = {
    RUNNING: {"trained"},
    PAUSED: {"trained", "paused"},
    FINISHED: {"trained", "finished"},
    DIVERGED: {"diverged"},
}


class LessonGuide(QObject):
    """The lesson under way in a window. ``sigChanged`` follows the step shown, its
    completion and its hints."""

    sigChanged = Signal()

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.lesson: Lesson | None = None
        self.index = 0
        self.complete = False  # the step's condition held (a manual step: always)
        self.hints_shown = 0
        self._project = None
        self._events: set[str] = set()
        self._metrics: dict = {}
        self.spotlight = Spotlight(window)
        self._hint_timer = QTimer(self)
        self._hint_timer.setSingleShot(True)
        self._hint_timer.timeout.connect(self._show_hint)
        window.training.bridge.sigSnapshot.connect(self._on_snapshot)
        window.evaluation.sigPredicted.connect(lambda: self._happened("predicted"))
        window.editor.undo_stack.indexChanged.connect(lambda *_: self._happened("edited"))

    @property
    def step(self) -> Step | None:
        return None if self.lesson is None else self.lesson.steps[self.index]

    # -- the learner's moves ----------------------------------------------------------

    def start(self, lesson: Lesson) -> bool:
        """Open ``lesson``'s preset (after offering to save the project shown) at the
        step the learner last reached; False if the learner kept the project."""
        window = self.window
        if not window.files.maybe_save():
            return False
        window.set_project(lesson.project(), None)
        self._project = window.project
        document = self._project.document
        document.layer_added.connect(lambda *_: self._happened("layer_added"))
        document.layer_removed.connect(lambda *_: self._happened("layer_removed"))
        window.training_panel.restrict(lesson.locked, lesson.hidden)
        window.show_lesson(True)
        self.lesson = lesson
        reached = int(QSettings().value(f"{PROGRESS}/{lesson.key}/step", 0) or 0)
        self.show_step(min(reached, len(lesson.steps) - 1))
        return True

    def show_step(self, index: int) -> None:
        lesson = self.lesson
        self.index, self._events, self.hints_shown = index, set(), 0
        step = lesson.steps[index]
        self.complete = step.done_when.manual
        settings = QSettings()
        key = f"{PROGRESS}/{lesson.key}/step"
        settings.setValue(key, max(index, int(settings.value(key, 0) or 0)))
        self.spotlight.point_at(self.widget_named(step.highlight))
        self._hint_timer.stop()
        if step.hints:
            self._hint_timer.start(int(step.hint_after * 1000))
        self.sigChanged.emit()

    def next(self) -> None:
        """The next step; after the last, the lesson is done and the studio is free."""
        if self.lesson is None:
            return
        if self.index + 1 < len(self.lesson.steps):
            self.show_step(self.index + 1)
            return
        QSettings().setValue(f"{PROGRESS}/{self.lesson.key}/done", True)
        self.leave()

    def back(self) -> None:
        if self.lesson is not None and self.index > 0:
            self.show_step(self.index - 1)

    def leave(self) -> None:
        """End the lesson: every setting back, nothing pointed at (the project stays)."""
        self.lesson, self._project = None, None
        self._hint_timer.stop()
        self.spotlight.point_at(None)
        self.window.training_panel.restrict()
        self.window.show_lesson(False)
        self.sigChanged.emit()

    # -- what happens in the studio ---------------------------------------------------

    def widget_named(self, name: str) -> QWidget | None:
        """The control or view a lesson calls ``name`` (None for "")."""
        if not name:
            return None
        window = self.window
        panel = window.training_panel
        named = {
            "canvas": window.view,
            "palette": window.palette,
            "inspector": window.inspector,
            "training_panel": panel,
            "play": panel.play,
            "step": panel.step,
            "speed": panel.speed,
            "loss_plot": window.loss_plot,
            "boundary": window.boundary_plot,
            "predict": window.evaluation.input,
            "weights": window.weights_view,
            "data": window.data_table,
            **panel._widgets,
        }
        return named[name]

    def project_shown(self, project) -> None:
        """The window shows ``project``: another than the lesson's ends the lesson."""
        if self.lesson is not None and project is not self._project:
            self.leave()

    def _happened(self, event: str) -> None:
        if self.lesson is None:
            return
        self._events.add(event)
        self._check()

    def _on_snapshot(self, _generation, snapshot) -> None:
        if self.lesson is None:
            return
        self._metrics = {**snapshot.metrics, "epoch": snapshot.epoch}
        for event in _EVENTS_OF_STATUS.get(snapshot.status, ()):
            self._happened(event)

    def _check(self) -> None:
        if not self.complete and self.step.done_when.holds(self._events, self._metrics):
            self.complete = True
            self._hint_timer.stop()
            self.sigChanged.emit()

    def _show_hint(self) -> None:
        step = self.step
        if step is None or self.complete or self.hints_shown >= len(step.hints):
            return
        self.hints_shown += 1
        if self.hints_shown < len(step.hints):
            self._hint_timer.start(int(step.hint_after * 1000))
        self.sigChanged.emit()
