"""Undo commands. Each changes only the project's model; the views follow its events.

The first ``redo`` runs the edit through the document's own method (so its precise
event fires and invalid edits raise before anything is pushed); undo and later redos
restore the exact layer lists recorded around it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from nnstudio.model.project import Project


class EditCommand(QUndoCommand):
    """An edit of the network, undone by restoring the layers (and dataset) it changed."""

    def __init__(
        self,
        project: Project,
        text: str,
        edit: Callable[[], None],
        merge_id: int = -1,
        merge_key=None,
    ):
        super().__init__(text)
        self._project, self._edit = project, edit
        self._before = (project.document.layers, dict(project.dataset))
        self._after = None
        self._merge_id, self._merge_key = merge_id, merge_key

    @classmethod
    def apply(cls, project: Project, text: str, edit: Callable[[], None], **merge) -> EditCommand:
        """Run ``edit`` now (it may raise: then nothing happened) and return the command
        to push."""
        command = cls(project, text, edit, **merge)
        edit()
        command._after = (project.document.layers, dict(project.dataset))
        return command

    def redo(self):
        current = (self._project.document.layers, self._project.dataset)
        if self._after is not None and current != self._after:
            self._restore(self._after)

    def undo(self):
        self._restore(self._before)

    def _restore(self, state):
        layers, dataset = state
        self._project.dataset = dict(dataset)
        self._project.document.set_layers(list(layers))

    def id(self):
        return self._merge_id

    def mergeWith(self, other):
        if other.id() != self._merge_id or other._merge_key != self._merge_key:
            return False
        self._after = other._after
        return True


MERGE_UNITS = 1


class WeightsCommand(QUndoCommand):
    """Replace the network's weights (imported, or edited by hand); undo puts the old
    ones back."""

    def __init__(
        self, project: Project, text: str, weights: list, applied: Callable[[], None] = lambda: None
    ):
        super().__init__(text)
        self._project, self._applied = project, applied
        self._before = [(w.copy(), b.copy()) for w, b in project.document.weights()]
        self._after = [(w.copy(), b.copy()) for w, b in weights]

    def redo(self):
        self._set(self._after)

    def undo(self):
        self._set(self._before)

    def _set(self, weights: list) -> None:
        self._project.document.set_weights([(w.copy(), b.copy()) for w, b in weights])
        self._applied()
