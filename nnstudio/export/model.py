"""What every export writes: the layers with their weights, and the preprocessing.

An :class:`ExportModel` is built from a trained :class:`~nnstudio.engine.network.Network`
(with the metadata ``nnstudio train`` saves), from a project, or from an NPZ weights
file. It predicts from *raw* features, scaling first, exactly as the exported files do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnstudio.datasets import Scaler
from nnstudio.engine.network import Network
from nnstudio.errors import NNStudioError


class ExportError(NNStudioError):
    """A network that cannot be exported (invalid, or a file that cannot be written)."""


UNTRAINED = (
    "the network is untrained: it still has its initial random weights. Train it first "
    "(Play in the studio, or nnstudio train), or export the initial weights on purpose "
    "(nnstudio export --untrained)."
)


class UntrainedError(ExportError):
    """The network still has its seeded initial weights."""


@dataclass(frozen=True)
class ExportLayer:
    """One dense layer: ``weight`` is (fan_in, fan_out), ``bias`` (fan_out,)."""

    name: str
    activation: str
    weight: np.ndarray
    bias: np.ndarray
    alpha: float = 0.01

    @property
    def units(self) -> int:
        return self.weight.shape[1]


@dataclass(frozen=True)
class ExportModel:
    """A network ready to leave nnstudio: layers, scaler and the names of things."""

    inputs: int
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
        layers = tuple(
            ExportLayer(
                layer.name,
                layer.spec.activation,
                np.ascontiguousarray(w, np.float32),
                np.ascontiguousarray(b, np.float32),
                layer.spec.alpha,
            )
            for layer, (w, b) in zip(net.layers, net.get_weights())
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
        from nnstudio.io.npz import load_npz

        net, metadata = load_npz(path)
        training = metadata.get("training") if isinstance(metadata, dict) else None
        if isinstance(training, dict) and not allow_untrained:
            steps = training.get("steps", training.get("epochs"))
            if steps == 0:
                raise UntrainedError(f"{Path(path).name}: {UNTRAINED}")
        return cls.from_network(net, metadata, name=Path(path).stem)

    def network(self) -> Network:
        """An engine network with these weights (without the scaler)."""
        spec = {
            "inputs": self.inputs,
            "layers": [
                {
                    "units": layer.units,
                    "activation": layer.activation,
                    "name": layer.name,
                    **({"alpha": layer.alpha} if layer.activation == "leaky_relu" else {}),
                }
                for layer in self.layers
            ],
        }
        net = Network.from_spec(spec, seed=0)
        net.set_weights([(layer.weight, layer.bias) for layer in self.layers])
        return net

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Outputs for raw (unscaled) features ``X`` of shape (n, inputs)."""
        X = np.asarray(X, dtype=np.float64)
        if self.scaler is not None:
            X = self.scaler.transform(X)
        return self.network().predict(X.astype(np.float32))

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
