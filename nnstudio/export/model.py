"""What every export writes: the layers with their weights, and the preprocessing.

An :class:`ExportModel` is built from a trained :class:`~nnstudio.engine.network.Network`
(with the metadata ``nnstudio train`` saves), from a project, or from an NPZ weights
file. It predicts from *raw* features, scaling first, exactly as the exported files do.
Its layers are :class:`ExportLayer`\\ s: one per layer of the network, of any registered
type, read by the exporters through the same attributes as the engine's layers
(``type_name``, ``has_parameters``, ``input_shape``, ``output_shape``, ``spec``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from nnstudio.datasets import Scaler
from nnstudio.engine.layers import Layer, TypeSpec
from nnstudio.engine.network import Network
from nnstudio.errors import NNStudioError
from nnstudio.io.npz import load_npz


class ExportError(NNStudioError):
    """A network that cannot be exported (invalid, or a file that cannot be written)."""


UNTRAINED = (
    "the network is untrained: it still has its initial random weights. Train it first "
    "(Play in the studio, or nnstudio train), or export the initial weights on purpose "
    "(nnstudio export --untrained)."
)


class UntrainedError(ExportError):
    """The network still has its seeded initial weights."""


def writer(table: dict, layer: ExportLayer, format_name: str, activation: bool = False):
    """``table``'s entry for ``layer``'s type (or, with ``activation``, its activation);
    ExportError, naming what the format cannot write, if it has none."""
    key = layer.activation if activation else layer.type_name
    try:
        return table[key]
    except KeyError:
        what = f"the activation {key!r}" if activation else f"{key} layers"
        raise ExportError(
            f"the {format_name} export cannot write {what} (layer {layer.name!r}) yet; "
            "the npz, json and csv exports keep every layer"
        ) from None


@dataclass(frozen=True)
class ExportLayer:
    """One layer of any registered type: its spec, its shapes per sample (channels
    last) and, if it has parameters, ``weight`` (Dense (fan_in, units), Conv2D
    (kernel_h, kernel_w, in_channels, filters)) and ``bias`` (zeros without a bias),
    float32. ``activation`` is the engine's name for it ("" without one, "silu" for
    swish) and ``activation_params`` its parameters (leaky_relu's and elu's alpha)."""

    spec: TypeSpec
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None
    activation: str = ""
    activation_params: dict = field(default_factory=dict)

    @classmethod
    def of(cls, layer: Layer, weights: tuple[np.ndarray, np.ndarray] | None) -> ExportLayer:
        """The engine ``layer`` with its ``weights`` (None for a layer without)."""
        activation = getattr(layer, "activation", None)
        w, b = weights if weights is not None else (None, None)
        return cls(
            layer.spec,
            layer.input_shape,
            layer.output_shape,
            None if w is None else np.ascontiguousarray(w, np.float32),
            None if b is None else np.ascontiguousarray(b, np.float32),
            activation.name if activation is not None else "",
            activation.params() if activation is not None else {},
        )

    @property
    def type_name(self) -> str:
        return self.spec.type_name

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def has_parameters(self) -> bool:
        return self.weight is not None

    @property
    def units(self) -> int:
        """Values per position of the output: units, filters or channels."""
        return self.output_shape[-1]

    @property
    def alpha(self) -> float:
        """The activation's alpha (leaky_relu's slope, elu's scale)."""
        return self.activation_params.get("alpha", 1.0 if self.activation == "elu" else 0.01)


@dataclass(frozen=True)
class ExportModel:
    """A network ready to leave nnstudio: layers, scaler and the names of things.
    ``inputs`` is a number of features, or an image's (height, width, channels)."""

    inputs: int | tuple[int, int, int]
    layers: tuple[ExportLayer, ...]
    scaler: Scaler | None = None
    feature_names: tuple[str, ...] | None = None
    class_names: tuple[str, ...] | None = None
    task: str | None = None
    name: str = "network"

    @classmethod
    def from_network(
        cls, net: Network, metadata: dict | None = None, name: str = "network"
    ) -> ExportModel:
        """``net``'s weights (float32) with the preprocessing found in ``metadata``."""
        metadata = metadata or {}
        weights = iter(net.get_weights())
        layers = tuple(
            ExportLayer.of(layer, next(weights) if layer.has_parameters else None)
            for layer in net.layers
        )
        scaler = metadata.get("scaler")
        names = metadata.get("class_names")
        features = metadata.get("feature_names")
        return cls(
            inputs=net.spec.inputs,
            layers=layers,
            scaler=Scaler.from_dict(scaler) if scaler else None,
            feature_names=tuple(map(str, features)) if features else None,
            class_names=tuple(map(str, names)) if names else None,
            task=metadata.get("task"),
            name=name,
        )

    @classmethod
    def from_npz(cls, path, allow_untrained: bool = False) -> ExportModel:
        """The network of a weights file written by ``nnstudio train`` or an export;
        :class:`UntrainedError` if ``nnstudio train`` took no step (``--epochs 0``) and
        ``allow_untrained`` is false."""
        net, metadata = load_npz(path)
        training = metadata.get("training") if isinstance(metadata, dict) else None
        if isinstance(training, dict) and not allow_untrained:
            steps = training.get("steps", training.get("epochs"))
            if steps == 0:
                raise UntrainedError(f"{Path(path).name}: {UNTRAINED}")
        return cls.from_network(net, metadata, name=Path(path).stem)

    @property
    def input_shape(self) -> tuple[int, ...]:
        """One sample's shape: (features,) or (height, width, channels)."""
        return (self.inputs,) if isinstance(self.inputs, int) else tuple(self.inputs)

    @property
    def n_inputs(self) -> int:
        """Values per sample (height·width·channels for images)."""
        return math.prod(self.input_shape)

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].units

    @property
    def weighted_layers(self) -> tuple[ExportLayer, ...]:
        return tuple(layer for layer in self.layers if layer.has_parameters)

    def spec(self) -> dict:
        """The network spec, as ``Network.from_spec`` takes it."""
        inputs = self.inputs if isinstance(self.inputs, int) else list(self.inputs)
        return {"inputs": inputs, "layers": [layer.spec.to_dict() for layer in self.layers]}

    def network(self) -> Network:
        """An engine network with these weights (without the scaler)."""
        net = Network.from_spec(self.spec(), seed=0)
        net.set_weights([(layer.weight, layer.bias) for layer in self.weighted_layers])
        return net

    def scale(self, X) -> np.ndarray:
        """Raw samples (n, features), (n, h, w, c) or their rows (n, h·w·c) as scaled
        float64 rows (n, n_inputs)."""
        X = np.asarray(X, dtype=np.float64)
        X = X.reshape(len(X), -1) if X.ndim > 1 else X.reshape(-1, self.n_inputs)
        return X if self.scaler is None else self.scaler.transform(X)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Outputs for raw (unscaled) samples ``X`` (see :meth:`scale`)."""
        return self.network().predict(self.scale(X).astype(np.float32))

    def metadata(self) -> dict:
        """The JSON-ready description saved beside the weights."""
        return {
            "name": self.name,
            "task": self.task,
            "feature_names": list(self.feature_names) if self.feature_names else None,
            "class_names": list(self.class_names) if self.class_names else None,
            "scaler": self.scaler.to_dict() if self.scaler else None,
        }


def from_project(project, name: str = "network", allow_untrained: bool = False) -> ExportModel:
    """The project's network with its current weights and its data's scaler.

    Raises :class:`ExportError` if the network cannot be built, or if it still has its
    seeded initial weights and ``allow_untrained`` is false.
    """
    from nnstudio.model.training import prepare_data

    doc = project.document
    problems = doc.problems()
    if problems:
        raise ExportError(f"the network cannot be exported: {problems[0]}")
    net = Network.from_spec(doc.spec(), seed=doc.seed)
    if not allow_untrained and all(
        np.array_equal(w, w0) and np.array_equal(b, b0)
        for (w, b), (w0, b0) in zip(doc.weights(), net.get_weights())
    ):
        raise UntrainedError(UNTRAINED)
    net.set_weights(doc.weights())
    _, scaler = prepare_data(project)
    data = project.load_dataset()
    return ExportModel.from_network(
        net,
        {
            "scaler": scaler.to_dict(),
            "task": data.task,
            "feature_names": data.feature_names,
            "class_names": data.class_names,
        },
        name=name,
    )
