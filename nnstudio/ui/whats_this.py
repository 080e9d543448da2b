"""What's This? (Help → What's This?, Shift+F1, then a click on a control): each control
says in a sentence what it does and, where a glossary entry lies behind it, what that
word means."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLineEdit, QWidget

from nnstudio.model.glossary import glossary


def explain(widget: QWidget, term: str | None = None, sentence: str | None = None) -> None:
    """Give ``widget`` its What's This? text: ``sentence`` (by default its tooltip) and
    the glossary's entry ``term``."""
    sentence = sentence if sentence is not None else widget.toolTip()
    parts = [f"<p>{html.escape(sentence)}</p>"] if sentence else []
    entry = glossary().get(term) if term else None
    if entry is not None:
        parts.append(f"<p><b>{html.escape(entry.name)}</b>: {html.escape(entry.text)}</p>")
    text = "".join(parts)
    widget.setWhatsThis(text)
    for part in widget.findChildren(QLineEdit):  # a spin box's text, where clicks land
        part.setWhatsThis(text)
