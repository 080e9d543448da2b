"""Turns the user's edit requests into undo commands on the project."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nnstudio import datasets
from nnstudio.errors import NNStudioError
from nnstudio.model.document import LayerState
from nnstudio.model.project import Project
from nnstudio.ui.commands import MERGE_UNITS, EditCommand, WeightsCommand

DEFAULT_UNITS = 4
DEFAULT_ACTIVATION = "tanh"


def output_activation_for(data: datasets.Dataset) -> str:
    """sigmoid for one binary output, softmax for classes, linear for regression."""
    if data.task == datasets.REGRESSION:
        return "linear"
    return "sigmoid" if data.n_classes == 2 else "softmax"


class Editor(QObject):
    """Owns the undo stack of one project. A refused edit emits ``sigRefused(message)``
    and changes nothing."""

    sigRefused = Signal(str)
    sigDatasetChanged = Signal()
    sigWeightsEdited = Signal()  # weights set by hand, imported, or such an edit undone

    def __init__(self, project: Project, parent=None):
        super().__init__(parent)
        self.project = project
        self.undo_stack = QUndoStack(self)
        self.before_edit = lambda: True  # e.g. pause training and ask
        self.before_weights_edit = lambda: True  # e.g. pause training

    @property
    def document(self):
        return self.project.document

    def _push(self, text: str, edit, **merge) -> bool:
        if not self.before_edit():
            return False
        try:
            command = EditCommand.apply(self.project, text, edit, **merge)
        except NNStudioError as exc:
            self.sigRefused.emit(str(exc))
            return False
        self.undo_stack.push(command)
        return True

    def add_layer(self, kind: str, index: int) -> bool:
        if kind in ("input", "output"):
            self.sigRefused.emit(
                f"A network has exactly one {kind} layer; drop a Dense layer to add a hidden layer."
            )
            return False
        name = self.document.unique_name()
        layer = LayerState(name, DEFAULT_UNITS, DEFAULT_ACTIVATION)
        return self._push(f"Add layer {name}", lambda: self.document.insert_layer(index, layer))

    def remove_layer(self, index: int) -> bool:
        if index < 0:
            self.sigRefused.emit("Select a hidden layer to delete.")
            return False
        name = self.document[index].name
        return self._push(f"Delete layer {name}", lambda: self.document.remove_layer(index))

    def move_layer(self, old: int, new: int) -> bool:
        name = self.document[old].name
        return self._push(f"Move layer {name}", lambda: self.document.move_layer(old, new))

    def set_units(self, index: int, units: int) -> bool:
        name = self.document[index].name
        return self._push(
            f"Set {name} to {units} nodes",
            lambda: self.document.set_units(index, units),
            merge_id=MERGE_UNITS,
            merge_key=index,
        )

    def change_units(self, index: int, delta: int) -> bool:
        return self.set_units(index, self.document[index].units + delta)

    def set_activation(self, index: int, activation: str) -> bool:
        name = self.document[index].name
        return self._push(
            f"Set {name} activation to {activation}",
            lambda: self.document.set_activation(index, activation),
        )

    def rename(self, index: int, name: str) -> bool:
        old = self.document[index].name
        return self._push(
            f"Rename {old} to {name.strip()}", lambda: self.document.rename(index, name)
        )

    def set_dataset(self, reference: dict) -> bool:
        """Use another dataset; the input and output layers follow it (one undo step)."""
        try:
            data = datasets.load(reference["name"], **reference.get("params", {}))
        except NNStudioError as exc:
            self.sigRefused.emit(str(exc))
            return False

        activation = output_activation_for(data)
        outputs = 1 if activation == "sigmoid" else data.n_outputs

        def edit():
            self.project.dataset = dict(reference)
            self.document.bind_dataset(data.n_features, outputs, activation)

        done = self._push(f"Use dataset {reference['name']}", edit)
        if done:
            self.sigDatasetChanged.emit()
        return done

    def set_weights(self, weights: list, text: str = "Set weights") -> bool:
        """Replace every weight and bias (undoable); refused if the shapes do not fit."""
        doc = self.document
        fits = len(weights) == len(doc.sizes) - 1 and all(
            w.shape == (a, b) and bias.shape == (b,)
            for (w, bias), a, b in zip(weights, doc.sizes[:-1], doc.sizes[1:])
        )
        if not fits:
            shape = (
                "→".join(
                    str(n) for n in [weights[0][0].shape[0], *(w.shape[1] for w, _ in weights)]
                )
                if weights
                else "no layers"
            )
            self.sigRefused.emit(
                f"These weights are for a {shape} network; this one is "
                + "→".join(map(str, doc.sizes))
                + "."
            )
            return False
        if not self.before_weights_edit():
            return False
        self.undo_stack.push(
            WeightsCommand(self.project, text, weights, self.sigWeightsEdited.emit)
        )
        return True

    def set_weight(self, pair: int, source: int, target: int, value: float) -> bool:
        """One connection's weight (``pair``: 0 for input → first hidden layer)."""
        weights = [(w.copy(), b.copy()) for w, b in self.document.weights()]
        weights[pair][0][source, target] = value
        layers = self.document.layers
        return self.set_weights(
            weights,
            f"Set weight {layers[pair].name}[{source}] → "
            f"{layers[pair + 1].name}[{target}] to {value:g}",
        )

    def set_bias(self, layer: int, node: int, value: float) -> bool:
        """One node's bias (``layer`` ≥ 1: the input layer has none)."""
        weights = [(w.copy(), b.copy()) for w, b in self.document.weights()]
        weights[layer - 1][1][node] = value
        return self.set_weights(
            weights, f"Set bias of {self.document.layers[layer].name}[{node}] to {value:g}"
        )
