"""The small questions the canvas asks on a double-click: a layer's new name, a
weight's or a bias's new value (training pauses while the value is asked)."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

LIMIT, DECIMALS = 1e6, 4  # the values a weight or bias can be given


def ask_to_rename(window, index: int) -> None:
    """Ask for layer ``index``'s new name; rename it (one undo step) if given."""
    name, ok = QInputDialog.getText(
        window, "Rename layer", "Name:", text=window.project.document[index].name
    )
    if ok:
        window.editor.rename(index, name)


def ask_for_weight(window, pair: int, source: int, target: int) -> None:
    """Ask for the weight ``source`` → ``target`` of weighted layer ``pair``."""
    doc = window.project.document
    index = doc.weighted()[pair]
    text = f"Weight {doc[index - 1].name}[{source}] → {doc[index].name}[{target}]:"
    value = _ask(window, "Edit weight", text, lambda: doc.weights()[pair][0][source, target])
    if value is not None:
        window.editor.set_weight(pair, source, target, value)


def ask_for_bias(window, layer: int, node: int) -> None:
    """Ask for the bias of ``node`` in ``layer``."""
    doc = window.project.document
    text = f"Bias of {doc[layer].name}[{node}]:"
    value = _ask(
        window, "Edit bias", text, lambda: doc.weights()[doc.weighted().index(layer)][1][node]
    )
    if value is not None:
        window.editor.set_bias(layer, node, value)


def _ask(window, title: str, text: str, current) -> float | None:
    """The value the user gives, or None: nothing changes, and the training paused for
    it goes on. Training pauses first, so that ``current()`` reads the value it paused
    with."""
    window.training.pause_for_edit()
    shown = float(current())
    value, ok = QInputDialog.getDouble(window, title, text, shown, -LIMIT, LIMIT, DECIMALS)
    if ok:
        return value
    window.training.edit_made_nothing()
    return None
