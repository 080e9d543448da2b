"""Undo commands. Each changes only the project's model; the views follow its events.

An edit and its undo are inverse calls of the document's own methods (insert ↔ remove
at the same index, a rename ↔ the rename back), so each fires its precise event. The
weights around an edit are recorded: undo puts back exactly the weights that were
there before it, unless the network trained since, in which case that training is kept
wherever it still fits (as any edit keeps it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from nnstudio.model.document import NetworkDocument
from nnstudio.model.runs import same_weights

MERGE_UNITS, MERGE_SETTINGS = 1, 2

# forward(weights) / backward(weights): the edit and its inverse; ``weights`` is the
# exact weights to end with, or None to keep what still fits
Edit = Callable[[list | None], None]


class InverseCommand(QUndoCommand):
    """An edit of the project, undone by its inverse edit."""

    def __init__(
        self,
        document: NetworkDocument,
        text: str,
        forward: Edit,
        backward: Edit,
        merge_id: int = -1,
        merge_key=None,
    ):
        super().__init__(text)
        self._document, self._forward, self._backward = document, forward, backward
        self._before = document.explicit_weights()
        self._after: list | None = None
        self._applied = False
        self._merge_id, self._merge_key = merge_id, merge_key

    @classmethod
    def apply(
        cls, document: NetworkDocument, text: str, forward: Edit, backward: Edit, **merge
    ) -> InverseCommand:
        """Make the edit now (it may raise: then nothing happened) and return the
        command to push."""
        command = cls(document, text, forward, backward, **merge)
        forward(None)
        command._after = document.explicit_weights()
        command._applied = True
        return command

    def redo(self):
        if self._applied:  # the edit was made by apply(); the stack calls redo on push
            self._applied = False
            return
        self._forward(self._exact(self._before, self._after))

    def undo(self):
        self._backward(self._exact(self._after, self._before))

    def _exact(self, expected: list | None, wanted: list | None) -> list | None:
        """``wanted`` if the weights are still those the edit left (``expected``), else
        None: the edit keeps whatever training happened since."""
        return wanted if same_weights(self._document.explicit_weights(), expected) else None

    def id(self):
        return self._merge_id

    def mergeWith(self, other):
        if other.id() != self._merge_id or other._merge_key != self._merge_key:
            return False
        self._forward, self._after = other._forward, other._after
        return True


class WeightsCommand(QUndoCommand):
    """Replace the network's weights (imported, or edited by hand); undo puts the old
    ones back. As with every edit, training done since is kept: an undo or redo after
    the network trained leaves its weights alone."""

    def __init__(
        self,
        document: NetworkDocument,
        text: str,
        weights: list,
        applied: Callable[[], None] = lambda: None,
    ):
        super().__init__(text)
        self._document, self._applied = document, applied
        self._before = [(w.copy(), b.copy()) for w, b in document.weights()]
        self._after = [(w.copy(), b.copy()) for w, b in weights]
        self._left: list | None = None  # the weights the last redo or undo left

    def redo(self):
        self._set(self._after)

    def undo(self):
        self._set(self._before)

    def _set(self, weights: list) -> None:
        if self._left is not None and not same_weights(self._document.weights(), self._left):
            return  # trained since
        self._document.set_weights([(w.copy(), b.copy()) for w, b in weights])
        self._left = weights
        self._applied()
