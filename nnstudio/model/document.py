"""The network document: an ordered list of layers, input first, output last.

Every edit goes through a method that validates it, raises :class:`DocumentError` with
a message a user can act on, or changes the layers and emits a past-tense event. Views
(the canvas, the inspector) subscribe to the events; undo commands call the methods.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from psygnal import Signal

from nnstudio.engine.activations import get_activation
from nnstudio.engine.initializers import get_initializer
from nnstudio.engine.losses import get_loss
from nnstudio.engine.network import Network
from nnstudio.engine.spec import NetworkSpec
from nnstudio.errors import NNStudioError
from nnstudio.model.layer_state import (
    DEFAULT_INITIALIZER,
    HIDDEN,
    INPUT,
    MAX_UNITS,
    OUTPUT,
    DocumentError,
    LayerState,
    Shape,
    check_activation,
    check_layer,
    check_units,
    new_layer,
)
from nnstudio.model.layer_types import IMAGE_TYPES, type_info

# the design's names, for the views and the project (layer_state holds them)
__all__ = [
    "DEFAULT_INITIALIZER",
    "HIDDEN",
    "INPUT",
    "MAX_UNITS",
    "OUTPUT",
    "DocumentError",
    "LayerState",
    "NetworkDocument",
    "new_layer",
]


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
        """Values per layer, input first (a dense layer's units, an image's h·w·c);
        a network whose shapes do not work gives its layers' units."""
        try:
            return _spec_of(self._layers, self.initializer).sizes
        except NNStudioError:
            return [layer.units for layer in self._layers]

    def spec(self) -> dict:
        """The engine spec of this network (see docs/spec.md)."""
        return _spec_dict(self._layers, self.initializer)

    def shapes(self) -> list[Shape]:
        """The shape of the input and of every layer's output (e.g. (26, 26, 16));
        DocumentError with the engine's message if a layer cannot take its input."""
        return _spec_of(self._layers, self.initializer).shapes

    def parameter_formulas(self) -> list[str]:
        """How each layer's parameters add up ("3×3×1×16 + 16 = 160"; "" for the input
        layer); DocumentError if the shapes do not work."""
        spec = _spec_of(self._layers, self.initializer)
        return [""] + [
            layer.parameter_formula(shape) for layer, shape in zip(spec.layers, spec.shapes)
        ]

    def weighted(self) -> list[int]:
        """The indices of the layers with weights, one per pair of :meth:`weights`."""
        return _weighted(self._layers)

    def problems(self) -> list[str]:
        """What stops this network from training, in words ([] when it can)."""
        try:
            output = _spec_of(self._layers, self.initializer).layers[-1]
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
        except NNStudioError:  # shapes that do not work (the data changed): no weights
            return []

    def set_weights(self, weights: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Replace the weights (after training); shapes must fit the layers."""
        self._weights = self._checked(weights)
        self.weights_changed.emit()

    def _checked(self, weights) -> list[tuple[np.ndarray, np.ndarray]]:
        expected = _weight_shapes(self._layers, self.initializer)
        if len(weights) != len(expected):
            raise DocumentError(f"expected {len(expected)} weight pairs, got {len(weights)}")
        for index, (w_shape, b_shape), (w, bias) in zip(self.weighted(), expected, weights):
            if w.shape != w_shape or bias.shape != b_shape:
                raise DocumentError(
                    f"layer {self._layers[index].name!r}: weights of shape {w.shape} and "
                    f"{bias.shape} do not fit its {w_shape} and {b_shape}"
                )
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
        if layer.kind != HIDDEN:
            raise DocumentError("a network has exactly one input and one output layer")
        check_layer(layer)
        self._check_name(layer.name)
        self._restructure(lambda layers: layers.insert(index, layer), weights)
        self._emit(self.layer_added, index)

    def remove_layer(self, index: int, weights=None) -> LayerState:
        """Remove the hidden layer at ``index`` and return it."""
        self._check_index(index)
        layer = self._layers[index]
        if layer.kind != HIDDEN:
            raise DocumentError(f"the {layer.kind} layer cannot be deleted")
        self._restructure(lambda layers: layers.pop(index), weights)
        self._emit(self.layer_removed, index)
        return layer

    def move_layer(self, old: int, new: int, weights=None) -> None:
        """Move a hidden layer from ``old`` to ``new`` (both hidden positions)."""
        self._check_index(old)
        if self._layers[old].kind != HIDDEN:
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
        if layer.kind != HIDDEN:
            what = "features" if layer.kind == INPUT else "outputs"
            raise DocumentError(
                f"the {layer.kind} layer follows the dataset ({layer.units} "
                f"{what}); choose another dataset to change it"
            )
        if not type_info(layer.type).count_key:
            raise DocumentError(
                f"a {type_info(layer.type).title} layer's size follows its input; it has "
                "no nodes of its own to set"
            )
        check_units(units)
        self._restructure(
            lambda layers: layers.__setitem__(index, replace(layer, units=units)), weights
        )
        self._emit(self.layer_changed, index)

    def set_activation(self, index: int, activation: str) -> None:
        """Change a layer's activation (not the input layer's); the weights stay."""
        self._check_index(index)
        layer = self._layers[index]
        if layer.kind == INPUT:
            raise DocumentError("the input layer has no activation: it passes the data on")
        if not type_info(layer.type).has_activation:
            raise DocumentError(f"a {type_info(layer.type).title} layer has no activation")
        check_activation(activation)
        self._layers[index] = replace(layer, activation=activation)
        self.layer_changed.emit(index)

    def set_option(self, index: int, key: str, value, weights=None) -> None:
        """Set option ``key`` of a hidden layer (kernel size, stride, padding, pool size,
        rate, bias); refused with the engine's message if the value or the shapes it
        makes cannot work."""
        self._check_index(index)
        layer = self._layers[index]
        if layer.kind != HIDDEN or key not in type_info(layer.type).defaults:
            raise DocumentError(f"layer {layer.name!r} has no option {key!r}")
        changed = layer.with_options(**{key: value})
        check_layer(changed)
        self._restructure(lambda layers: layers.__setitem__(index, changed), weights)
        self._emit(self.layer_changed, index)

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
        self,
        inputs: int,
        outputs: int,
        output_activation: str | None = None,
        weights=None,
        image_shape: Shape = (),
    ) -> None:
        """Make the input and output layers fit a dataset's features, image shape
        (height, width, channels) and outputs (the weights of a resized input or output
        layer start afresh). Layers that cannot take the new data are kept, and
        :meth:`problems` says why they cannot train."""
        check_units(inputs)
        check_units(outputs)
        image_shape = tuple(int(v) for v in image_shape)
        if image_shape and math.prod(image_shape) != inputs:
            raise DocumentError(f"an image of shape {image_shape} is not {inputs} inputs")
        out = self._layers[-1]

        def bind(layers):
            layers[0] = replace(layers[0], units=inputs, shape=image_shape)
            layers[-1] = replace(out, units=outputs, activation=output_activation or out.activation)

        self._restructure(bind, weights, data_changed=True)
        self._emit(self.reset)

    def set_layers(self, layers: list[LayerState], weights=None) -> None:
        """Replace every layer at once (loading a project); the weights start afresh
        unless given."""
        if (
            len(layers) < 2
            or layers[0].kind != INPUT
            or layers[-1].kind != OUTPUT
            or any(layer.kind != HIDDEN for layer in layers[1:-1])
        ):
            raise DocumentError("a network is an input layer, hidden layers, an output layer")
        if layers[-1].type != "dense":
            raise DocumentError("the output layer is a dense layer")
        names = [layer.name for layer in layers]
        if len(set(names)) != len(names):
            raise DocumentError(f"layer names must be unique, got {names}")
        check_units(layers[0].units)
        for layer in layers[1:]:
            check_layer(layer)
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

    def _restructure(self, change, weights, data_changed: bool = False) -> None:
        """Apply ``change`` to a copy of the layer list, then carry the weights over
        (or take ``weights``); nothing changes if the weights do not fit, or if the
        user's edit (not new data) makes shapes that do not work out of ones that did."""
        old_layers, old_weights, old_initial = self._layers, self._weights, self._initial
        layers = list(old_layers)
        change(layers)
        if not data_changed:
            _refuse_broken_shapes(old_layers, layers, self.initializer)
        self._layers, self._initial = layers, None
        try:
            if weights is not None:
                self._weights = self._checked(weights)
            elif old_weights is not None:
                fresh = self._initial_weights()
                self._weights = _carry_over(old_layers, old_weights, layers, fresh) or None
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


def _spec_dict(layers: list[LayerState], initializer: str) -> dict:
    """The engine spec of ``layers``: an image input where a layer takes images."""
    first = layers[0]
    images = first.shape and any(layer.type in IMAGE_TYPES for layer in layers[1:])
    return {
        "inputs": list(first.shape) if images else first.units,
        "initializer": initializer,
        "layers": [layer.entry() for layer in layers[1:]],
    }


def _spec_of(layers: list[LayerState], initializer: str) -> NetworkSpec:
    try:
        return NetworkSpec.from_dict(_spec_dict(layers, initializer))
    except NNStudioError as exc:
        raise DocumentError(str(exc)) from None


def _refuse_broken_shapes(old: list[LayerState], new: list[LayerState], initializer) -> None:
    """Refuse an edit that makes a working network one whose shapes do not work."""
    try:
        _spec_of(new, initializer)
    except DocumentError:
        try:
            _spec_of(old, initializer)
        except DocumentError:
            return  # it did not work before either: let the user mend it step by step
        raise


def _weighted(layers) -> list[int]:
    return [i for i, layer in enumerate(layers) if i and type_info(layer.type).has_parameters]


def _weight_shapes(layers, initializer) -> list[tuple[Shape, Shape]]:
    """The (W, b) shapes of each layer with weights ([] if the shapes do not work)."""
    try:
        spec = _spec_of(layers, initializer)
    except DocumentError:
        return []
    return [
        layer.parameter_shapes(shape)
        for layer, shape in zip(spec.layers, spec.shapes)
        if type_info(layer.type_name).has_parameters
    ]


def _carry_over(old_layers, old_weights, layers, fresh) -> list:
    """``fresh`` (the seeded weights of ``layers``) with every weight of ``old_weights``
    that still has a place: W between the same two layers (by name), b of the same
    layer; where a layer changed size (nodes, feature maps), its first ones' weights."""
    old_pairs = [(old_layers[i - 1], old_layers[i]) for i in _weighted(old_layers)]
    old_w = {(a.name, b.name): w for (a, b), (w, _) in zip(old_pairs, old_weights)}
    old_b = {b.name: bias for (_, b), (_, bias) in zip(old_pairs, old_weights)}
    old_by_name = {layer.name: layer for layer in old_layers}
    carried = []
    dtype = old_weights[0][0].dtype if old_weights else np.float32
    pairs = [(layers[i - 1], layers[i]) for i in _weighted(layers)]
    for (source, target), (w, b) in zip(pairs, fresh):
        w, b = w.astype(dtype), b.astype(dtype)
        kept = old_w.get((source.name, target.name))
        if (
            kept is not None
            and kept.ndim == w.ndim
            and _may_overlap(source, old_by_name)
            and _may_overlap(target, old_by_name)
        ):
            overlap = tuple(slice(0, min(m, n)) for m, n in zip(kept.shape, w.shape))
            w[overlap] = kept[overlap]
        bias = old_b.get(target.name)
        if bias is not None and _may_overlap(target, old_by_name):
            n = min(len(bias), len(b))
            b[:n] = bias[:n]
        carried.append((w, b))
    return carried


def _may_overlap(layer: LayerState, old_by_name: dict) -> bool:
    """A hidden layer of a sized type keeps its first nodes when resized; any other layer
    (the input or output after another dataset, a layer whose size follows its input)
    keeps its weights only while it is as it was."""
    old = old_by_name.get(layer.name)
    if old is None or (old.type, old.options, old.shape) != (
        layer.type,
        layer.options,
        layer.shape,
    ):
        return False
    return (layer.kind == HIDDEN and type_info(layer.type).count_key) or old.units == layer.units
