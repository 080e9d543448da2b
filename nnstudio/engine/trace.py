"""Every number of one forward and backward pass, for the stepper and for teaching.

``trace(net, X, y)`` runs the network on a few samples as training would (Dropout as
at inference, so the numbers repeat) and keeps what each layer saw and made: its
inputs, its pre-activations z = x·W + b, its outputs a = f(z), δ = dL/dz, and dL/dW,
dL/db. ``step_changes(trace, optimizer)`` is the change the optimizer's next step
would make to each weight from those gradients, its state left as it was.

The pass runs on layers of its own (the same types and weights, without the fusions
training uses for speed), so every array is in the layer's plain shape and the
network's buffers are untouched.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from nnstudio.engine.layers import Layer, layer_type
from nnstudio.engine.losses import get_loss
from nnstudio.engine.network import Network, bind_views
from nnstudio.engine.optimizers import Optimizer
from nnstudio.engine.targets import prepare


@dataclass(frozen=True)
class LayerTrace:
    """One layer's numbers for the traced samples (leading axis: the sample).

    ``pre_activations`` (z) and ``deltas`` (dL/dz) exist for layers with weights;
    ``output_gradients`` is dL/da, the gradient that reached the layer's outputs (None
    for an output layer under cross-entropy, whose δ = a − y comes from the loss).
    ``weight_gradient``/``bias_gradient`` are dL/dW and dL/db (penalty included),
    None for a layer without them."""

    name: str
    type_name: str
    inputs: np.ndarray
    pre_activations: np.ndarray | None
    outputs: np.ndarray
    output_gradients: np.ndarray | None
    deltas: np.ndarray | None
    weight_gradient: np.ndarray | None
    bias_gradient: np.ndarray | None


@dataclass(frozen=True)
class Trace:
    """A traced pass: per layer, the loss (the mean, as training reports it), the
    targets, and the flat gradient in the network's layout."""

    layers: tuple[LayerTrace, ...]
    loss: float
    targets: np.ndarray
    gradients: np.ndarray

    @property
    def outputs(self) -> np.ndarray:
        """The network's outputs for the traced samples."""
        return self.layers[-1].outputs


def trace(
    net: Network,
    X,
    y,
    *,
    loss: str | None = None,
    loss_reduction: str = "mean",
    l1: float = 0.0,
    l2: float = 0.0,
) -> Trace:
    """Forward and backward through ``net`` for the samples ``X`` with targets ``y``
    (labels as :class:`Trainer` takes them), with the loss and penalties a training
    step uses. The gradients equal that step's (``Network.loss_and_gradients`` plus
    the penalty) for a network without Dropout."""
    loss_fn = get_loss(loss, net.output_activation, loss_reduction)
    data = prepare(net, X, y, loss_fn, what="the traced samples")
    x, targets, n = data.X, data.y, len(data.X)
    layers = _plain_layers(net)
    gradients = np.zeros_like(net.gradients)
    bind_views([layer for layer in layers if layer.has_parameters], net.parameters, gradients)
    scratch = [layer.scratch(n, net.dtype, True) for layer in layers]

    inputs, zs, outputs = [], [], []
    a = x
    for layer, s in zip(layers, scratch):
        inputs.append(a)
        out = layer.new_output(n, net.dtype)
        weighted = layer.has_parameters
        zs.append(layer.pre_activation(a, out, s).copy() if weighted else None)
        # a layer with weights keeps what its backward needs; Dropout stays off
        a = layer.forward(a, out, s, weighted)
        outputs.append(a.copy())

    last = len(layers) - 1
    deltas: list[np.ndarray | None] = [None] * len(layers)
    output_grads: list[np.ndarray | None] = [None] * len(layers)
    delta = np.empty_like(outputs[last])
    value = loss_fn.loss_and_delta(zs[last].copy(), targets, delta)
    deltas[last] = delta
    if loss_fn.name == "mse":
        error = outputs[last] - targets
        output_grads[last] = 2 * loss_fn.per_term(error.size) * error
    grad_x = np.empty_like(inputs[last]) if last else None
    layers[last].backward_linear(inputs[last], delta, grad_x, scratch[last])
    for i in range(last - 1, -1, -1):
        grad = grad_x
        output_grads[i] = grad.copy()
        grad_x = np.empty_like(inputs[i]) if i else None
        layers[i].backward(inputs[i], outputs[i], grad, grad_x, scratch[i])
        if layers[i].has_parameters:
            deltas[i] = grad.copy()
    if l1 or l2:
        _add_penalty(net, gradients, l1, l2)

    return Trace(
        layers=tuple(
            LayerTrace(
                name=layer.name,
                type_name=layer.type_name,
                inputs=inputs[i],
                pre_activations=zs[i],
                outputs=outputs[i],
                output_gradients=output_grads[i],
                deltas=deltas[i],
                weight_gradient=layer.grad_weight.copy() if layer.has_parameters else None,
                bias_gradient=(
                    layer.grad_bias.copy()
                    if layer.has_parameters and layer.grad_bias is not None
                    else None
                ),
            )
            for i, layer in enumerate(layers)
        ),
        loss=value,
        targets=targets,
        gradients=gradients,
    )


def step_changes(net: Network, traced: Trace, optimizer: Optimizer) -> list[tuple]:
    """The change (ΔW, Δb) to each layer with parameters that ``optimizer``'s next step
    would make from the traced gradients (Δb None without a bias); the optimizer and
    the network are left as they were."""
    after = net.parameters.copy()
    copy.deepcopy(optimizer).step(after, traced.gradients.copy())
    change = after - net.parameters
    views = [
        SimpleNamespace(
            weight_shape=layer.weight_shape,
            bias_shape=layer.bias_shape,
            use_bias=layer.use_bias,
            bias=None,
        )
        for layer in net.weighted_layers
    ]
    bind_views(views, change, np.empty_like(change))
    return [(v.weight, v.bias) for v in views]


def _plain_layers(net: Network) -> list[Layer]:
    """Fresh layers of ``net``'s types and shapes, not told who feeds them (so none
    fuses its work with a neighbour's)."""
    return [layer_type(layer.type_name)(layer.spec, layer.input_shape) for layer in net.layers]


def _add_penalty(net: Network, gradients: np.ndarray, l1: float, l2: float) -> None:
    w, g = net.weight_view, gradients[: net.n_weights]
    if l2:
        g += l2 * w
    if l1:
        g += l1 * np.sign(w)
