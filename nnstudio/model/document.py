"""The network document: an ordered list of layers, input first, output last.

Every edit goes through a method that validates it, raises :class:`DocumentError` with
a message a user can act on, or changes the layers and emits a past-tense event. Views
(the canvas, the inspector) subscribe to the events; undo commands call the methods.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from psygnal import Signal

from nnstudio.engine.activations import ACTIVATIONS, get_activation
from nnstudio.engine.initializers import get_initializer
from nnstudio.engine.losses import get_loss
from nnstudio.engine.network import Network
from nnstudio.engine.spec import NetworkSpec
from nnstudio.errors import NNStudioError

INPUT, DENSE, OUTPUT = "input", "dense", "output"
MAX_UNITS = 100_000
DEFAULT_INITIALIZER = "glorot_uniform"


class DocumentError(NNStudioError, ValueError):
    """An edit the document refuses (the message says why)."""


@dataclass(frozen=True)
class LayerState:
    """One layer as the user designed it."""

    name: str
    units: int
    activation: str = "linear"
    kind: str = DENSE


class NetworkDocument:
    """The network being designed, with its dataset binding and seed.

    Events: ``layer_added(index)``, ``layer_removed(index)``, ``layer_moved(old, new)``,
    ``layer_changed(index)``, ``reset()`` (everything replaced), and ``weights_changed()``
    after any edit that changes the weights' shapes or values. Until weights are set
    (trained, imported, edited) they are the ones the seed draws for the architecture.
    """

    layer_added = Signal(int)
    layer_removed = Signal(int)
    layer_moved = Signal(int, int)
    layer_changed = Signal(int)
    reset = Signal()
    weights_changed = Signal()

    def __init__(
        self,
        inputs: int = 2,
        outputs: int = 1,
        hidden=((4, "tanh"),),
        output_activation: str = "sigmoid",
        seed: int = 0,
    ):
        self.seed = seed
        self.loss: str | None = None
        self.initializer = DEFAULT_INITIALIZER
        layers = [LayerState("input", inputs, "linear", INPUT)]
        layers += [LayerState(f"hidden_{i + 1}", u, a) for i, (u, a) in enumerate(hidden)]
        layers.append(LayerState("output", outputs, output_activation, OUTPUT))
        self._layers = layers
        self._weights: list[tuple[np.ndarray, np.ndarray]] | None = None  # None: the seed's
        self._initial: list[tuple[np.ndarray, np.ndarray]] | None = None  # drawn once

    # -- reading ----------------------------------------------------------------------

    @property
    def layers(self) -> tuple[LayerState, ...]:
        return tuple(self._layers)

    def __len__(self) -> int:
        return len(self._layers)

    def __getitem__(self, index: int) -> LayerState:
        return self._layers[index]

    @property
    def sizes(self) -> list[int]:
        return [layer.units for layer in self._layers]

    def spec(self) -> dict:
        """The engine spec of this network (see docs/spec.md)."""
        return {
            "inputs": self._layers[0].units,
            "initializer": self.initializer,
            "layers": [
                {"units": layer.units, "activation": layer.activation, "name": layer.name}
                for layer in self._layers[1:]
            ],
        }

    def problems(self) -> list[str]:
        """What stops this network from training, in words ([] when it can)."""
        try:
            output = NetworkSpec.from_dict(self.spec()).layers[-1]
            get_loss(self.loss, get_activation(output.activation, **output.activation_params()))
        except NNStudioError as exc:
            return [str(exc)]
        return []

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The network's current weights [(W, b), ...] (initial ones until trained)."""
        if self._weights is not None:
            return self._weights
        if self._initial is None:
            self._initial = self._initial_weights()
        return self._initial

    def explicit_weights(self) -> list[tuple[np.ndarray, np.ndarray]] | None:
        """The weights set on the network (trained, imported, edited), or None while
        they are still the ones the seed draws."""
        return self._weights

    def initial_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The weights the seed and the initialiser draw for this architecture."""
        return self._initial_weights()

    def _initial_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        try:
            return Network.from_spec(self.spec(), seed=self.seed).get_weights()
        except NNStudioError:
            return [
                (np.zeros((a, b), np.float32), np.zeros(b, np.float32))
                for a, b in zip(self.sizes[:-1], self.sizes[1:])
            ]

    def set_weights(self, weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Replace the weights (after training); shapes must fit the layers."""
        self._weights = self._checked(weights)
        self.weights_changed.emit()

    def _checked(self, weights) -> list[tuple[np.ndarray, np.ndarray]]:
        if len(weights) != len(self) - 1:
            raise DocumentError(f"expected {len(self) - 1} weight pairs, got {len(weights)}")
        for (a, b), (w, bias) in zip(zip(self.sizes[:-1], self.sizes[1:]), weights):
            if w.shape != (a, b) or bias.shape != (b,):
                raise DocumentError(f"weights of shape {w.shape} do not fit {a}→{b}")
        return list(weights)

    # -- editing ----------------------------------------------------------------------
    # Structural edits keep every weight that still has a place: a connection between
    # the same two layers keeps its weight, a node keeps its bias, and a hidden layer
    # that grows or shrinks keeps its first nodes' weights. What is new is drawn from
    # the seed. ``weights=`` gives the exact weights after the edit instead (undo/redo).

    def insert_layer(self, index: int, layer: LayerState, weights=None) -> None:
        """Insert a hidden layer at ``index`` (1 … len − 1: between input and output)."""
        if not 1 <= index <= len(self._layers) - 1:
            raise DocumentError("new layers go between the input and the output layer")
        if layer.kind != DENSE:
            raise DocumentError("a network has exactly one input and one output layer")
        _check_units(layer.units)
        _check_activation(layer.activation)
        self._check_name(layer.name)
        self._restructure(lambda layers: layers.insert(index, layer), weights)
        self._emit(self.layer_added, index)

    def remove_layer(self, index: int, weights=None) -> LayerState:
        """Remove the hidden layer at ``index`` and return it."""
        self._check_index(index)
        layer = self._layers[index]
        if layer.kind != DENSE:
            raise DocumentError(f"the {layer.kind} layer cannot be deleted")
        self._restructure(lambda layers: layers.pop(index), weights)
        self._emit(self.layer_removed, index)
        return layer

    def move_layer(self, old: int, new: int, weights=None) -> None:
        """Move a hidden layer from ``old`` to ``new`` (both hidden positions)."""
        self._check_index(old)
        if self._layers[old].kind != DENSE:
            raise DocumentError(f"the {self._layers[old].kind} layer stays where it is")
        if not 1 <= new <= len(self._layers) - 2:
            raise DocumentError("hidden layers move between the input and the output layer")
        if old == new:
            return
        self._restructure(lambda layers: layers.insert(new, layers.pop(old)), weights)
        self._emit(self.layer_moved, old, new)

    def set_units(self, index: int, units: int, weights=None) -> None:
        """Change a hidden layer's number of nodes."""
        self._check_index(index)
        layer = self._layers[index]
        if layer.kind != DENSE:
            what = "features" if layer.kind == INPUT else "outputs"
            raise DocumentError(
                f"the {layer.kind} layer follows the dataset ({layer.units} "
                f"{what}); choose another dataset to change it"
            )
        _check_units(units)
        self._restructure(
            lambda layers: layers.__setitem__(index, replace(layer, units=units)), weights
        )
        self._emit(self.layer_changed, index)

    def set_activation(self, index: int, activation: str) -> None:
        """Change a layer's activation (not the input layer's); the weights stay."""
        self._check_index(index)
        if self._layers[index].kind == INPUT:
            raise DocumentError("the input layer has no activation: it passes the data on")
        _check_activation(activation)
        self._layers[index] = replace(self._layers[index], activation=activation)
        self.layer_changed.emit(index)

    def rename(self, index: int, name: str) -> None:
        """Rename a layer; names are unique and not empty. The weights stay."""
        self._check_index(index)
        name = name.strip()
        if not name:
            raise DocumentError("a layer needs a name")
        if name != self._layers[index].name:
            self._check_name(name)
        self._layers[index] = replace(self._layers[index], name=name)
        self.layer_changed.emit(index)

    def bind_dataset(
        self, inputs: int, outputs: int, output_activation: str | None = None, weights=None
    ) -> None:
        """Make the input and output layers fit a dataset's features and outputs (the
        weights of a resized input or output layer start afresh)."""
        _check_units(inputs)
        _check_units(outputs)
        out = self._layers[-1]

        def bind(layers):
            layers[0] = replace(layers[0], units=inputs)
            layers[-1] = replace(out, units=outputs, activation=output_activation or out.activation)

        self._restructure(bind, weights)
        self._emit(self.reset)

    def set_layers(self, layers: list[LayerState], weights=None) -> None:
        """Replace every layer at once (loading a project); the weights start afresh
        unless given."""
        if (
            len(layers) < 2
            or layers[0].kind != INPUT
            or layers[-1].kind != OUTPUT
            or any(layer.kind != DENSE for layer in layers[1:-1])
        ):
            raise DocumentError("a network is an input layer, hidden layers, an output layer")
        names = [layer.name for layer in layers]
        if len(set(names)) != len(names):
            raise DocumentError(f"layer names must be unique, got {names}")
        for layer in layers:
            _check_units(layer.units)
            _check_activation(layer.activation)
        old = self._layers
        self._layers, self._initial = list(layers), None
        try:
            self._weights = None if weights is None else self._checked(weights)
        except DocumentError:
            self._layers = old
            raise
        self._emit(self.reset)

    def set_seed(self, seed: int) -> None:
        """Use another seed: the weights start afresh from it."""
        self.seed = int(seed)
        self._weights = self._initial = None
        self.weights_changed.emit()

    def set_initializer(self, name: str) -> None:
        """Draw the initial weights another way (the weights start afresh)."""
        get_initializer(name)  # raises SpecError, naming the known ones
        self.initializer = name
        self._weights = self._initial = None
        self.weights_changed.emit()

    def unique_name(self, stem: str = "hidden") -> str:
        """A layer name not yet used: hidden_1, hidden_2, …"""
        taken = {layer.name for layer in self._layers}
        i = 1
        while f"{stem}_{i}" in taken:
            i += 1
        return f"{stem}_{i}"

    # -- internals --------------------------------------------------------------------

    def _restructure(self, change, weights) -> None:
        """Apply ``change`` to a copy of the layer list, then carry the weights over
        (or take ``weights``); nothing changes if the weights do not fit."""
        old_layers, old_weights, old_initial = self._layers, self._weights, self._initial
        layers = list(old_layers)
        change(layers)
        self._layers, self._initial = layers, None
        try:
            if weights is not None:
                self._weights = self._checked(weights)
            elif old_weights is not None:
                self._weights = _carry_over(
                    old_layers, old_weights, layers, self._initial_weights()
                )
        except DocumentError:
            self._layers, self._weights, self._initial = old_layers, old_weights, old_initial
            raise

    def _emit(self, signal, *args) -> None:
        signal.emit(*args)
        self.weights_changed.emit()

    def _check_index(self, index: int) -> None:
        if not 0 <= index < len(self._layers):
            raise DocumentError(f"there is no layer {index}")

    def _check_name(self, name: str) -> None:
        if any(layer.name == name for layer in self._layers):
            raise DocumentError(f"a layer is already called {name!r}")

    def __repr__(self) -> str:
        return f"NetworkDocument({'-'.join(map(str, self.sizes))})"


def _check_units(units) -> None:
    if (
        isinstance(units, bool)
        or not isinstance(units, (int, np.integer))
        or not 1 <= units <= MAX_UNITS
    ):
        raise DocumentError(f"a layer has 1 to {MAX_UNITS:,} nodes, got {units!r}")


def _check_activation(name: str) -> None:
    if name not in ACTIVATIONS:
        raise DocumentError(f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}")


def _carry_over(old_layers, old_weights, layers, fresh) -> list:
    """``fresh`` (the seeded weights of ``layers``) with every weight of ``old_weights``
    that still has a place: W of the same two layers (by name), b of the same layer;
    where a hidden layer changed size, its first nodes' weights."""
    old_w = {(a.name, b.name): w for (a, b), (w, _) in zip(_pairs(old_layers), old_weights)}
    old_b = {layer.name: b for layer, (_, b) in zip(old_layers[1:], old_weights)}
    old_units = {layer.name: layer.units for layer in old_layers}
    carried = []
    dtype = old_weights[0][0].dtype if old_weights else np.float32
    for (source, target), (w, b) in zip(_pairs(layers), fresh):
        w, b = w.astype(dtype), b.astype(dtype)
        kept = old_w.get((source.name, target.name))
        if kept is not None and _may_overlap(source, old_units) and _may_overlap(target, old_units):
            rows, columns = min(kept.shape[0], w.shape[0]), min(kept.shape[1], w.shape[1])
            w[:rows, :columns] = kept[:rows, :columns]
        bias = old_b.get(target.name)
        if bias is not None and _may_overlap(target, old_units):
            n = min(len(bias), len(b))
            b[:n] = bias[:n]
        carried.append((w, b))
    return carried


def _pairs(layers):
    return list(zip(layers[:-1], layers[1:]))


def _may_overlap(layer: LayerState, old_units: dict) -> bool:
    """A hidden layer keeps its first nodes when resized; an input or output layer that
    changed size (another dataset) means something else now and starts afresh."""
    return layer.kind == DENSE or old_units.get(layer.name) == layer.units
