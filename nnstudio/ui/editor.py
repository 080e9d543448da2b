"""Turns the user's edit requests into undo commands on the project."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nnstudio import datasets
from nnstudio.errors import NNStudioError
from nnstudio.model.document import new_layer
from nnstudio.model.layer_types import type_info
from nnstudio.model.project import OWN, Project, own_reference
from nnstudio.model.training import SETTING_NAMES, settings_of, use_settings
from nnstudio.ui.commands import MERGE_SETTINGS, MERGE_UNITS, InverseCommand, WeightsCommand

DEFAULT_UNITS = 4
DEFAULT_ACTIVATION = "tanh"
DEFAULT_FILTERS = 8  # a new conv2d layer's feature maps, relu as Keras's examples have it
# a new layer's size and activation, by what its size counts
NEW_SIZES = {"units": (DEFAULT_UNITS, DEFAULT_ACTIVATION), "filters": (DEFAULT_FILTERS, "relu")}


def output_activation_for(data: datasets.Dataset) -> str:
    """sigmoid for one binary output, softmax for classes, linear for regression."""
    if data.task == datasets.REGRESSION:
        return "linear"
    return "sigmoid" if data.n_classes == 2 else "softmax"


def _edit(method):
    """An edit request: :attr:`Editor.before_edit` first (it may pause training and wait
    for it), then the edit reads the project as it is after that."""

    @functools.wraps(method)
    def edit(self, *args, **kwargs):
        self.before_edit()
        return method(self, *args, **kwargs)

    return edit


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
        # called before an edit but the learning rate's, e.g. to pause training and
        # take the weights it paused with (the edit keeps them)
        self.before_edit: Callable[[], None] = lambda: None

    def set_project(self, project: Project) -> None:
        """Edit another project (its undo history starts afresh)."""
        self.project = project
        self.undo_stack.clear()

    @property
    def document(self):
        return self.project.document

    def _push(self, text: str, forward, backward, **merge) -> bool:
        """Make an edit as an undoable command (``forward``/``backward``: see
        :class:`~nnstudio.ui.commands.InverseCommand`); a refused edit changes nothing."""
        try:
            command = InverseCommand.apply(self.document, text, forward, backward, **merge)
        except NNStudioError as exc:
            self.sigRefused.emit(str(exc))
            return False
        self.undo_stack.push(command)
        return True

    @_edit
    def add_layer(self, kind: str, index: int) -> bool:
        if kind in ("input", "output"):
            self.sigRefused.emit(
                f"A network has exactly one {kind} layer; drop a Dense layer to add a hidden layer."
            )
            return False
        doc = self.document
        try:
            stem = "hidden" if kind == "dense" else kind
            size, activation = NEW_SIZES.get(
                type_info(kind).count_key, (DEFAULT_UNITS, DEFAULT_ACTIVATION)
            )
            layer = new_layer(kind, doc.unique_name(stem), size, activation)
        except NNStudioError as exc:
            self.sigRefused.emit(str(exc))
            return False
        return self._push(
            f"Add layer {layer.name}",
            lambda w: doc.insert_layer(index, layer, weights=w),
            lambda w: doc.remove_layer(index, weights=w),
        )

    @_edit
    def remove_layer(self, index: int) -> bool:
        if index < 0:
            self.sigRefused.emit("Select a hidden layer to delete.")
            return False
        doc = self.document
        layer = doc[index]
        return self._push(
            f"Delete layer {layer.name}",
            lambda w: doc.remove_layer(index, weights=w),
            lambda w: doc.insert_layer(index, layer, weights=w),
        )

    @_edit
    def move_layer(self, old: int, new: int) -> bool:
        doc = self.document
        return self._push(
            f"Move layer {doc[old].name}",
            lambda w: doc.move_layer(old, new, weights=w),
            lambda w: doc.move_layer(new, old, weights=w),
        )

    @_edit
    def set_units(self, index: int, units: int) -> bool:
        doc = self.document
        layer = doc[index]
        return self._push(
            f"Set {layer.name} to {units} nodes",
            lambda w: doc.set_units(index, units, weights=w),
            lambda w: doc.set_units(index, layer.units, weights=w),
            merge_id=MERGE_UNITS,
            merge_key=index,
        )

    @_edit
    def change_units(self, index: int, delta: int) -> bool:
        return self.set_units(index, self.document[index].units + delta)

    @_edit
    def set_option(self, index: int, key: str, value) -> bool:
        doc = self.document
        layer = doc[index]
        old = layer.option(key)
        return self._push(
            f"Set {layer.name} {key.replace('_', ' ')} to {value}",
            lambda w: doc.set_option(index, key, value, weights=w),
            lambda w: doc.set_option(index, key, old, weights=w),
        )

    @_edit
    def set_activation(self, index: int, activation: str) -> bool:
        doc = self.document
        layer = doc[index]
        return self._push(
            f"Set {layer.name} activation to {activation}",
            lambda w: doc.set_activation(index, activation),
            lambda w: doc.set_activation(index, layer.activation),
        )

    @_edit
    def rename(self, index: int, name: str) -> bool:
        doc = self.document
        old = doc[index].name
        return self._push(
            f"Rename {old} to {name.strip()}",
            lambda w: doc.rename(index, name),
            lambda w: doc.rename(index, old),
        )

    @_edit
    def set_dataset(self, reference: dict, settings: dict | None = None) -> bool:
        """Use another dataset; the input and output layers follow it, and the training
        ``settings`` chosen with it (one undo step). One of the project's own is named
        by ``{"name": ..., "source": "project"}``."""
        try:
            data = self.project.dataset_for(reference)
            if reference.get("source") == OWN:
                reference = own_reference(reference["name"], data)
        except NNStudioError as exc:
            self.sigRefused.emit(str(exc))
            return False
        text = f"Use dataset {Path(reference['name']).name}"
        return self._use_data(reference, data, text, settings=settings)

    @_edit
    def set_own_data(self, data: datasets.Dataset, text: str | None = None) -> bool:
        """Make ``data`` (typed, pasted or drawn) the project's own dataset of its name,
        and train on it (one undo step; undo brings back what was there before)."""
        reference = own_reference(data.name, data)
        return self._use_data(reference, data, text or f"Enter data {data.name}", own=data)

    def _use_data(self, reference: dict, data, text: str, own=None, settings=None) -> bool:
        project, doc = self.project, self.document
        old_settings = settings_of(project)
        new_settings = {**old_settings, **(settings or {})}
        activation = output_activation_for(data)
        outputs = 1 if activation == "sigmoid" else data.n_outputs
        name = reference["name"]
        old = (
            dict(project.dataset),
            project.own_data.get(name) if own is not None else None,
            doc[0].units,
            doc[0].shape,
            doc[-1].units,
            doc[-1].activation,
            old_settings,
        )

        def use(dataset, own_data, inputs, shape, outputs, activation, training, weights):
            doc.bind_dataset(inputs, outputs, activation, weights, shape)  # may refuse
            if own is not None:  # the own dataset of this name: the new one, or the old
                if own_data is None:
                    project.own_data.pop(name, None)
                else:
                    project.own_data[name] = own_data
            project.dataset = dict(dataset)
            if training != settings_of(project):
                use_settings(project, training)

        done = self._push(
            text,
            lambda w: use(
                reference,
                own,
                data.n_features,
                data.image_input,
                outputs,
                activation,
                new_settings,
                w,
            ),
            lambda w: use(*old, w),
        )
        if done:
            self.sigDatasetChanged.emit()
        return done

    def set_settings(self, settings: dict) -> bool:
        """Change training settings (one undo step). A new seed or initialiser draws
        new initial weights; undo brings the weights back."""
        project, doc = self.project, self.document
        if set(settings) - {"lr"}:  # the learning rate changes live; any other pauses
            self.before_edit()
        old = settings_of(project)
        new = {**old, **settings}
        changed = [key for key in new if new[key] != old[key]]
        if not changed:
            return False

        redraws = {"seed", "initializer"} & set(changed)  # the only ones that touch weights

        def apply(values, weights):
            use_settings(project, values)
            if redraws and weights is not None:
                doc.set_weights(weights)

        return self._push(
            "Change " + ", ".join(SETTING_NAMES.get(key, key) for key in changed),
            lambda w: apply(new, w),
            lambda w: apply(old, w),
            merge_id=MERGE_SETTINGS,
            merge_key=tuple(changed),
        )

    @_edit
    def set_weights(self, weights: list, text: str = "Set weights") -> bool:
        """Replace every weight and bias (undoable); refused if the shapes do not fit."""
        doc = self.document
        fits = [(w.shape, b.shape) for w, b in weights] == [
            (w.shape, b.shape) for w, b in doc.weights()
        ]
        if not fits:
            shape = (
                "→".join(
                    str(n) for n in [weights[0][0].shape[0], *(w.shape[-1] for w, _ in weights)]
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
        self.undo_stack.push(
            WeightsCommand(self.document, text, weights, self.sigWeightsEdited.emit)
        )
        return True

    @_edit
    def set_weight(self, pair: int, source: int, target: int, value: float) -> bool:
        """One connection's weight into a dense layer (``pair``: which of the document's
        weight pairs, 0 for the first layer with weights)."""
        weights = [(w.copy(), b.copy()) for w, b in self.document.weights()]
        weights[pair][0][source, target] = value
        index = self.document.weighted()[pair]
        layers = self.document.layers
        return self.set_weights(
            weights,
            f"Set weight {layers[index - 1].name}[{source}] → "
            f"{layers[index].name}[{target}] to {value:g}",
        )

    @_edit
    def set_bias(self, layer: int, node: int, value: float) -> bool:
        """One node's (or feature map's) bias in ``layer``, a layer with weights."""
        weights = [(w.copy(), b.copy()) for w, b in self.document.weights()]
        weights[self.document.weighted().index(layer)][1][node] = value
        return self.set_weights(
            weights, f"Set bias of {self.document.layers[layer].name}[{node}] to {value:g}"
        )
