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
    after any of them (the initial weights follow the architecture and the seed).
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
        self._weights: list[tuple[np.ndarray, np.ndarray]] | None = None

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
        if self._weights is None:
            try:
                self._weights = Network.from_spec(self.spec(), seed=self.seed).get_weights()
            except NNStudioError:
                self._weights = [
                    (np.zeros((a, b), np.float32), np.zeros(b, np.float32))
                    for a, b in zip(self.sizes[:-1], self.sizes[1:])
                ]
        return self._weights

    def set_weights(self, weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Replace the weights (after training); shapes must fit the layers."""
        for (a, b), (w, bias) in zip(zip(self.sizes[:-1], self.sizes[1:]), weights):
            if w.shape != (a, b) or bias.shape != (b,):
                raise DocumentError(f"weights of shape {w.shape} do not fit {a}→{b}")
        if len(weights) != len(self) - 1:
            raise DocumentError(f"expected {len(self) - 1} weight pairs, got {len(weights)}")
        self._weights = list(weights)
        self.weights_changed.emit()

    # -- editing ----------------------------------------------------------------------

    def insert_layer(self, index: int, layer: LayerState) -> None:
        """Insert a hidden layer at ``index`` (1 … len − 1: between input and output)."""
        if not 1 <= index <= len(self._layers) - 1:
            raise DocumentError("new layers go between the input and the output layer")
        if layer.kind != DENSE:
            raise DocumentError("a network has exactly one input and one output layer")
        _check_units(layer.units)
        _check_activation(layer.activation)
        self._check_name(layer.name)
        self._layers.insert(index, layer)
        self._structure_changed(self.layer_added, index)

    def remove_layer(self, index: int) -> LayerState:
        """Remove the hidden layer at ``index`` and return it."""
        self._check_index(index)
        if self._layers[index].kind != DENSE:
            raise DocumentError(f"the {self._layers[index].kind} layer cannot be deleted")
        layer = self._layers.pop(index)
        self._structure_changed(self.layer_removed, index)
        return layer

    def move_layer(self, old: int, new: int) -> None:
        """Move a hidden layer from ``old`` to ``new`` (both hidden positions)."""
        self._check_index(old)
        if self._layers[old].kind != DENSE:
            raise DocumentError(f"the {self._layers[old].kind} layer stays where it is")
        if not 1 <= new <= len(self._layers) - 2:
            raise DocumentError("hidden layers move between the input and the output layer")
        if old == new:
            return
        self._layers.insert(new, self._layers.pop(old))
        self._structure_changed(self.layer_moved, old, new)

    def set_units(self, index: int, units: int) -> None:
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
        self._replace(index, units=units)

    def set_activation(self, index: int, activation: str) -> None:
        """Change a layer's activation (not the input layer's)."""
        self._check_index(index)
        if self._layers[index].kind == INPUT:
            raise DocumentError("the input layer has no activation: it passes the data on")
        _check_activation(activation)
        self._replace(index, activation=activation)

    def rename(self, index: int, name: str) -> None:
        """Rename a layer; names are unique and not empty."""
        self._check_index(index)
        name = name.strip()
        if not name:
            raise DocumentError("a layer needs a name")
        if name != self._layers[index].name:
            self._check_name(name)
        self._replace(index, name=name)

    def bind_dataset(self, inputs: int, outputs: int, output_activation: str | None = None) -> None:
        """Make the input and output layers fit a dataset's features and outputs."""
        _check_units(inputs)
        _check_units(outputs)
        self._layers[0] = replace(self._layers[0], units=inputs)
        out = self._layers[-1]
        self._layers[-1] = replace(
            out, units=outputs, activation=output_activation or out.activation
        )
        self._weights = None
        self.reset.emit()
        self.weights_changed.emit()

    def set_layers(self, layers: list[LayerState]) -> None:
        """Replace every layer at once (undo of compound edits, loading a project)."""
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
        self._layers = list(layers)
        self._weights = None
        self.reset.emit()
        self.weights_changed.emit()

    def set_seed(self, seed: int) -> None:
        self.seed = int(seed)
        self._weights = None
        self.weights_changed.emit()

    def set_initializer(self, name: str) -> None:
        """Draw the initial weights another way (the weights start afresh)."""
        get_initializer(name)  # raises SpecError, naming the known ones
        self.initializer = name
        self._weights = None
        self.weights_changed.emit()

    def unique_name(self, stem: str = "hidden") -> str:
        """A layer name not yet used: hidden_1, hidden_2, …"""
        taken = {layer.name for layer in self._layers}
        i = 1
        while f"{stem}_{i}" in taken:
            i += 1
        return f"{stem}_{i}"

    # -- internals --------------------------------------------------------------------

    def _replace(self, index: int, **changes) -> None:
        self._layers[index] = replace(self._layers[index], **changes)
        if "units" in changes:
            self._weights = None
        self.layer_changed.emit(index)
        if "units" in changes:
            self.weights_changed.emit()

    def _structure_changed(self, signal, *args) -> None:
        self._weights = None
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
