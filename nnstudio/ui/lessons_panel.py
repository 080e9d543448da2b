"""The Lessons panel: the shipped lessons with what each teaches, then the lesson under
way step by step (its text, a predict-first question, hints, Back and Next)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnstudio.model.lessons import Lesson
from nnstudio.ui.lesson_guide import PROGRESS, LessonGuide


class LessonsPanel(QWidget):
    """Shows ``guide``'s lesson, or the list to start one from (and what is wrong with
    the lesson files that did not read, ``unread``)."""

    def __init__(self, guide: LessonGuide, lessons: list[Lesson], unread=(), parent=None):
        super().__init__(parent)
        self.guide, self.lessons, self.unread = guide, lessons, list(unread)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._list_page())
        self.pages.addWidget(self._lesson_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)
        guide.sigChanged.connect(self._show)
        self._show()

    def _list_page(self) -> QWidget:
        page = QWidget()
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(lambda _: self._start())
        self.start = QPushButton("Start lesson")
        self.start.clicked.connect(self._start)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel("Lessons follow the classic tutorials in the studio, step by step.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if self.unread:
            problems = QLabel("⚠ Left out, as they could not be read: " + "; ".join(self.unread))
            problems.setWordWrap(True)
            layout.addWidget(problems)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.start)
        return page

    def _lesson_page(self) -> QWidget:
        page = QWidget()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold")
        self.where = QLabel()
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.choices = QButtonGroup(self)
        self.choices_box = QVBoxLayout()
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.status = QLabel()
        self.back = QPushButton("Back")
        self.next = QPushButton("Next")
        self.leave = QPushButton("Leave")
        self.leave.setToolTip("End the lesson: every setting can change again")
        self.back.clicked.connect(self.guide.back)
        self.next.clicked.connect(self.guide.next)
        self.leave.clicked.connect(self.guide.leave)
        self.choices.idClicked.connect(self._answered)
        buttons = QHBoxLayout()
        for button in (self.back, self.next):
            buttons.addWidget(button)
        header = QHBoxLayout()
        header.addWidget(self.where, 1)
        header.addWidget(self.leave)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(header)
        layout.addWidget(self.question)
        layout.addLayout(self.choices_box)
        layout.addWidget(self.verdict)
        layout.addWidget(self.text, 1)
        for widget in (self.hint, self.status):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        return page

    # -- showing ----------------------------------------------------------------------

    def _show(self) -> None:
        guide = self.guide
        if guide.lesson is None:
            self._fill_list()
            self.pages.setCurrentIndex(0)
            return
        self.pages.setCurrentIndex(1)
        lesson, step = guide.lesson, guide.step
        self.title.setText(lesson.title)
        self.where.setText(f"Step {guide.index + 1} of {len(lesson.steps)}")
        if self.text.property("step") != (lesson.key, guide.index):
            self.text.setProperty("step", (lesson.key, guide.index))
            self.text.setMarkdown(step.text)
            self._ask(step.question)
        self.hint.setText("\n".join(f"Hint: {h}" for h in step.hints[: guide.hints_shown]))
        self.hint.setVisible(guide.hints_shown > 0)
        last = guide.index + 1 == len(lesson.steps)
        self.next.setText("Finish" if last else "Next")
        self.next.setEnabled(guide.complete)
        self.back.setEnabled(guide.index > 0)
        manual = step.done_when.manual
        self.status.setText("" if manual else "✓ Done." if guide.complete else "")
        self.status.setVisible(not manual and guide.complete)

    def _ask(self, question) -> None:
        for button in self.choices.buttons():
            self.choices.removeButton(button)
            button.deleteLater()
        self.verdict.hide()
        self.question.setVisible(question is not None)
        if question is None:
            return
        self.question.setText(f"Predict first: {question.prompt}")
        for i, choice in enumerate(question.choices):
            button = QRadioButton(choice)
            self.choices.addButton(button, i)
            self.choices_box.addWidget(button)

    def _answered(self, choice: int) -> None:
        question = self.guide.step.question
        right = choice == question.answer
        verdict = "Right." if right else f"Not quite: {question.choices[question.answer]}."
        self.verdict.setText(f"{verdict} {question.explanation}".strip())
        self.verdict.show()
        for button in self.choices.buttons():
            button.setEnabled(False)

    def _fill_list(self) -> None:
        settings = QSettings()
        current = self.list.currentRow()
        self.list.clear()
        for lesson in self.lessons:
            done = settings.value(f"{PROGRESS}/{lesson.key}/done", False) in (True, "true")
            reached = int(settings.value(f"{PROGRESS}/{lesson.key}/step", 0) or 0)
            state = (
                "  ✓ done"
                if done
                else f"  (step {reached + 1} of {len(lesson.steps)})"
                if reached
                else ""
            )
            item = QListWidgetItem(f"{lesson.title}{state}\n{lesson.teaches}")
            item.setToolTip(lesson.teaches)
            self.list.addItem(item)
        self.list.setCurrentRow(max(current, 0))

    def _start(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.lessons):
            self.guide.start(self.lessons[row])
