"""The stepper's words: each stage of one sample's forward and backward pass written
out with its real numbers (HTML for a QTextBrowser)."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnstudio.engine.network import Network
from nnstudio.engine.trace import Trace

FORWARD, LOSS, BACKWARD, UPDATE = "forward", "loss", "backward", "update"
MAX_NODES = 6  # nodes written out per stage; the rest are counted
MAX_TERMS = 4  # terms of a weighted sum written out
FIRST_STEP = (
    "<p><i>This is the change of a first step: the optimizer's momentum and running "
    "averages (momentum, AdaGrad, RMSprop, Adam) start at zero here, since the live "
    "run's are kept where it trains, out of the stepper's reach. After some training "
    "the next step's change differs.</i></p>"
)
MAX_LABELLED = 32  # nodes labelled on the canvas; a bigger layer's numbers stay in the panel


@dataclass(frozen=True)
class Stage:
    kind: str
    layer: int = -1  # the engine layer (the canvas's layer index − 1)


def stages(net: Network) -> list[Stage]:
    """Forward through every layer, the loss, backward from the last layer, the update."""
    n = len(net.layers)
    return [
        *(Stage(FORWARD, i) for i in range(n)),
        Stage(LOSS),
        *(Stage(BACKWARD, i) for i in reversed(range(n))),
        Stage(UPDATE),
    ]


@dataclass(frozen=True)
class CanvasMarks:
    """What the canvas shows of a stage: the layer being computed (a canvas index, −1
    for none), a label per node (none for a big or image layer, said in ``caption``),
    and for any connection into canvas layer ``target`` a line for its tooltip."""

    layer: int
    labels: tuple[str, ...]
    caption: str
    notes: dict[int, Callable[[int, int], str]]

    def connection_note(self, target: int, source_node: int, target_node: int) -> str:
        """The stage's number for the connection source_node → target_node ("" if none)."""
        note = self.notes.get(target)
        return note(source_node, target_node) if note else ""


def number(value: float) -> str:
    """A value as the stepper prints it: four significant digits, a real minus sign."""
    return f"{float(value):.4g}".replace("-", "−")


def factor(value: float) -> str:
    """A value as a factor of a product: in parentheses when negative."""
    text = number(value)
    return f"({text})" if text.startswith("−") else text


def describe(
    stage: Stage, traced: Trace, net: Network, changes, lr: float, stateful: bool = False
) -> str:
    """The stage's title and its formulas, with the traced sample's numbers; the update
    of a ``stateful`` optimizer (momentum, running averages) says that it is a first
    step's."""
    if stage.kind == LOSS:
        return _loss(traced)
    if stage.kind == UPDATE:
        return _update(traced, net, changes, lr) + (FIRST_STEP if stateful else "")
    layer, step = net.layers[stage.layer], traced.layers[stage.layer]
    title = f"{'Forward' if stage.kind == FORWARD else 'Backward'}: {html.escape(layer.name)}"
    if not layer.has_parameters:
        return _heading(title) + _summary(step, stage.kind)
    if stage.kind == FORWARD:
        return _heading(title) + _forward(layer, step)
    return _heading(title) + _backward(layer, step)


def _heading(text: str) -> str:
    return f"<h3>{text}</h3>"


def _rows(lines: list[str], total: int) -> str:
    more = f"<p>… and {total - len(lines):,} more</p>" if total > len(lines) else ""
    return "".join(f"<p>{line}</p>" for line in lines) + more


def _forward(layer, step) -> str:
    if step.pre_activations.ndim > 2:  # a convolution: too many sums to write out
        return _summary(step, FORWARD)
    x, z, a = step.inputs[0], step.pre_activations[0], step.outputs[0]
    W = layer.weight
    b = layer.bias if layer.bias is not None else np.zeros(W.shape[1])
    lines = []
    for j in range(min(len(z), MAX_NODES)):
        terms = [f"{factor(W[i, j])}·{factor(x[i])}" for i in range(min(len(x), MAX_TERMS))]
        if len(x) > MAX_TERMS:
            terms.append(f"… ({len(x) - MAX_TERMS} more)")
        bias = f" + {number(b[j])}" if layer.bias is not None else ""
        lines.append(
            f"z<sub>{j + 1}</sub> = {' + '.join(terms)}{bias} = <b>{number(z[j])}</b>; "
            f"a<sub>{j + 1}</sub> = {layer.activation.name}({number(z[j])}) = "
            f"<b>{number(a[j])}</b>"
        )
    return "<p>z = Σ wᵢ·xᵢ + b, then a = f(z):</p>" + _rows(lines, len(z))


def _backward(layer, step) -> str:
    delta = step.deltas[0]
    if step.deltas.ndim > 2:
        return _summary(step, BACKWARD)
    da = None if step.output_gradients is None else step.output_gradients[0]
    lines = []
    for j in range(min(len(delta), MAX_NODES)):
        if da is None:
            lines.append(f"δ<sub>{j + 1}</sub> = a − y = <b>{number(delta[j])}</b>")
        else:
            lines.append(
                f"δ<sub>{j + 1}</sub> = ∂L/∂a · f′(z) = {factor(da[j])} · f′("
                f"{number(step.pre_activations[0, j])}) = <b>{number(delta[j])}</b>"
            )
    x = step.inputs[0]
    grads = [
        f"∂L/∂w<sub>{i + 1},{j + 1}</sub> = x<sub>{i + 1}</sub>·δ<sub>{j + 1}</sub> = "
        f"{factor(x[i])}·{factor(delta[j])} = <b>{number(step.weight_gradient[i, j])}</b>"
        for j in range(min(len(delta), 2))
        for i in range(min(len(x), 3))
    ]
    return (
        "<p>δ = ∂L/∂z for each node:</p>"
        + _rows(lines, len(delta))
        + "<p>and for each connection:</p>"
        + _rows(grads, step.weight_gradient.size)
    )


def _summary(step, kind: str) -> str:
    values = step.outputs if kind == FORWARD else step.output_gradients
    shape = "×".join(map(str, values.shape[1:]))
    what = "outputs" if kind == FORWARD else "∂L/∂outputs"
    return (
        f"<p>{shape} {what}, from {number(values.min())} to {number(values.max())}"
        f" (mean {number(values.mean())}).</p>"
    )


def _loss(traced: Trace) -> str:
    a, y = traced.outputs[0], traced.targets[0]
    pairs = ", ".join(f"a = {number(ai)} for y = {number(yi)}" for ai, yi in zip(a, y))
    return f"{_heading('Loss')}<p>{pairs}</p><p>L = <b>{number(traced.loss)}</b></p>"


def _update(traced: Trace, net: Network, changes, lr: float) -> str:
    lines = []
    for layer, step, (dW, _) in zip(
        (x for x in net.layers if x.has_parameters),
        (s for s in traced.layers if s.weight_gradient is not None),
        changes,
    ):
        g, w = step.weight_gradient.reshape(-1), layer.weight.reshape(-1)
        for k in range(min(g.size, 3)):
            lines.append(
                f"{html.escape(layer.name)}: w = {number(w[k])}, ∂L/∂w = {number(g[k])}, "
                f"Δw = <b>{number(dW.reshape(-1)[k])}</b>"
            )
    return (
        f"{_heading('Update')}<p>What the next step changes, trained on this sample "
        f"alone (for plain SGD: Δw = −lr·∂L/∂w, lr = {number(lr)}):</p>" + _rows(lines, len(lines))
    )


def canvas_marks(stage: Stage, traced: Trace, net: Network, changes) -> CanvasMarks:
    """The numbers a stage puts on the canvas: forward, z and a beside each node of the
    layer computed (w·x on its connections); the loss, each output a with its target y;
    backward, δ (or ∂L/∂a for a layer without weights), ∂L/∂w on its connections; the
    update, Δw on every connection. A layer of more than MAX_LABELLED nodes, or of
    images, gets no labels."""
    if stage.kind == UPDATE:
        weighted = [i for i, layer in enumerate(net.layers) if layer.has_parameters]
        notes = {
            i + 1: (lambda a, b, dW=dW: f"Δw = {number(dW[a, b])}")
            for i, (dW, _) in zip(weighted, changes)
            if dW.ndim == 2
        }
        return CanvasMarks(-1, (), "", notes)
    if stage.kind == LOSS:
        columns = {"a": traced.outputs, "y": traced.targets}
        return _marks(len(net.layers) - 1, columns, {})
    step, notes = traced.layers[stage.layer], {}
    target, x = stage.layer + 1, step.inputs[0]
    if stage.kind == FORWARD:
        columns = {"a": step.outputs}
        if step.pre_activations is not None:
            columns = {"z": step.pre_activations, **columns}
            W = net.layers[stage.layer].weight
            if W.ndim == 2:
                notes[target] = lambda i, j: (
                    f"w·x = {factor(W[i, j])} × {factor(x[i])} = {number(W[i, j] * x[i])}"
                )
    elif step.deltas is not None:
        columns = {"δ": step.deltas}
        delta, grad = step.deltas[0], step.weight_gradient
        if grad.ndim == 2:
            notes[target] = lambda i, j: (
                f"∂L/∂w = x·δ = {factor(x[i])}·{factor(delta[j])} = {number(grad[i, j])}"
            )
    else:
        columns = {"∂L/∂a": step.output_gradients}
    return _marks(stage.layer, columns, notes)


def _marks(layer: int, columns: dict[str, np.ndarray], notes: dict) -> CanvasMarks:
    """Engine layer ``layer``'s marks: per node, each column's value for the traced
    sample (named: "z 0.5 · a 0.62"), unless the layer is too big or of images."""
    values = list(columns.values())
    if any(v.ndim != 2 for v in values) or values[0].shape[1] > MAX_LABELLED:
        caption = "its numbers are in the Stepper panel"
        return CanvasMarks(layer + 1, (), caption, notes)
    labels = tuple(
        " · ".join(f"{name} {number(v[0, j])}" for name, v in columns.items())
        for j in range(values[0].shape[1])
    )
    return CanvasMarks(layer + 1, labels, "", notes)
