"""Points drawn on the decision plane become the project's own "drawn" dataset."""

from __future__ import annotations

from PySide6.QtCore import QObject

from nnstudio.datasets import REGRESSION, entered
from nnstudio.errors import NNStudioError


class PointDrawing(QObject):
    """Turns the boundary plot's drawing clicks into undoable edits of the project's
    "drawn" dataset (started at the first point, trained on as drawn)."""

    def __init__(self, boundary, editor, say, parent=None):
        super().__init__(parent)
        self.editor, self.say = editor, say
        boundary.sigDrawn.connect(self.add)
        boundary.sigDrawnValue.connect(self.add_value)
        boundary.sigErased.connect(self.erase)

    def _drawn(self):
        return self.editor.project.own_data.get(entered.DRAWN)

    def add(self, x: float, y: float, label: int) -> None:
        data = entered.with_point(self._drawn(), x, y, label)
        name = entered.DRAWN_CLASSES[label]
        self.editor.set_own_data(data, f"Draw a point of class {name} at ({x:.2f}, {y:.2f})")

    def add_value(self, x: float, y: float, value: float) -> None:
        """A point with a value (regression); drawn classes, if any, make way for it
        (an undoable edit like any other)."""
        data = entered.with_point(self._drawn(), x, y, value, REGRESSION)
        self.editor.set_own_data(data, f"Draw a point of value {value:g} at ({x:.2f}, {y:.2f})")

    def erase(self, x: float, y: float) -> None:
        data = self._drawn()
        if data is None:
            self.say("Nothing is drawn yet: click to add a point, Shift+click for class B.")
            return
        try:
            fewer = entered.without_nearest(data, x, y)
        except NNStudioError as exc:
            self.say(str(exc))
            return
        self.editor.set_own_data(fewer, "Remove a drawn point")
