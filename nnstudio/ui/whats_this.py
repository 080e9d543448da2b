"""The "?" of each control: Qt's What's This help (Help → What's This?, Shift+F1, then a
click on a control) says in a sentence what the control does (its tooltip) and adds
the glossary's entry for the idea behind it."""

from __future__ import annotations

import html
from functools import cache

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QSlider,
    QWidget,
)

from nnstudio.errors import NNStudioError
from nnstudio.model.glossary import Term, load_glossary, lookup

CONTROLS = (QAbstractButton, QSlider, QAbstractSpinBox, QComboBox, QLineEdit)


@cache
def glossary() -> tuple[Term, ...]:
    """The shipped glossary, read once."""
    return load_glossary()


def explain(widget: QWidget, term: str | None = None, sentence: str | None = None) -> None:
    """Give ``widget`` its What's This text: ``sentence`` (default: its tooltip) and the
    glossary's entry for ``term``."""
    text = (sentence or widget.toolTip()).strip()
    if not text:
        raise ValueError(f"{widget!r} has no sentence to explain it")
    parts = [f"<p>{html.escape(text).replace(chr(10), '<br>')}</p>"]
    if term is not None:
        try:
            entry = lookup(glossary(), term)
        except NNStudioError:  # no glossary beside the package: the sentence alone
            entry = None
        if entry is not None:
            parts.append(f"<p><b>{html.escape(entry.name)}</b>: {html.escape(entry.text)}</p>")
    widget.setWhatsThis("".join(parts))
    for part in widget.findChildren(QLineEdit):  # a spin box's text, where clicks land
        part.setWhatsThis(widget.whatsThis())


def controls(root: QWidget) -> list[QWidget]:
    """The controls a user works under ``root`` (not the parts of one, such as a spin
    box's line edit)."""
    return [
        widget
        for widget in root.findChildren(QWidget)
        if isinstance(widget, CONTROLS) and not isinstance(widget.parentWidget(), CONTROLS)
    ]
