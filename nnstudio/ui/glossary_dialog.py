"""Help → Glossary: the glossary's terms in one page, narrowed as one types."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QTextBrowser, QVBoxLayout

from nnstudio.model.glossary import Term


class GlossaryDialog(QDialog):
    """Every term with its explanation; the search box keeps those whose names or
    text contain what is typed."""

    def __init__(self, terms: tuple[Term, ...], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Glossary")
        self.terms = terms
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the glossary (e.g. gradient, Adam, δ)")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Shows the terms whose names or explanations contain this")
        self.count = QLabel()
        self.text = QTextBrowser()
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.count)
        layout.addWidget(self.text, 1)
        self.search.textChanged.connect(self._show)
        self.resize(560, 620)
        self._show("")

    def _show(self, query: str) -> None:
        shown = [term for term in self.terms if term.matches(query)]
        self.count.setText(
            f"{len(shown)} of {len(self.terms)} terms" if query.strip() else f"{len(shown)} terms"
        )
        self.text.setHtml(
            "".join(_entry(term) for term in shown) or "<p><i>No term matches.</i></p>"
        )


def _entry(term: Term) -> str:
    also = f" <i>(also {html.escape(', '.join(term.also))})</i>" if term.also else ""
    return f"<p><b>{html.escape(term.name)}</b>{also}<br>{html.escape(term.text)}</p>"
