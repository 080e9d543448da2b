"""Help → Glossary: the glossary's entries, searched as the learner types, each shown
with links to the entries related to it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
)

from nnstudio.model.glossary import Term, glossary, matching


def term_html(term: Term, terms: dict[str, Term]) -> str:
    """An entry as rich text: its name, its text, and links to the related entries."""
    related = [terms[k] for k in term.see if k in terms]
    links = ", ".join(f'<a href="#{html.escape(t.key)}">{html.escape(t.name)}</a>' for t in related)
    see = f"<p>See also: {links}</p>" if links else ""
    return f"<h3>{html.escape(term.name)}</h3><p>{html.escape(term.text)}</p>{see}"


class GlossaryDialog(QDialog):
    """A search box, the entries that match it, and the chosen entry."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Glossary — nnstudio")
        self.terms = glossary()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the glossary (e.g. gradient, adam, pooling)")
        self.search.setClearButtonEnabled(True)
        self.entries = QListWidget()
        self.entries.setMinimumWidth(190)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)  # a link shows its entry here
        self.text.anchorClicked.connect(lambda url: self.show_term(url.fragment()))
        body = QHBoxLayout()
        body.addWidget(self.entries)
        body.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addLayout(body, 1)
        self.search.textChanged.connect(self._list)
        self.entries.currentItemChanged.connect(self._show_current)
        self.resize(640, 420)
        self._list("")

    def _list(self, query: str) -> None:
        self.entries.clear()
        for term in matching(query, self.terms) if query.strip() else self.terms.values():
            item = QListWidgetItem(term.name)
            item.setData(Qt.ItemDataRole.UserRole, term.key)
            self.entries.addItem(item)
        if self.entries.count():
            self.entries.setCurrentRow(0)
        else:
            self.text.setHtml(f"<p>Nothing in the glossary mentions “{html.escape(query)}”.</p>")

    def _show_current(self, item, _previous=None) -> None:
        if item is not None:
            term = self.terms[item.data(Qt.ItemDataRole.UserRole)]
            self.text.setHtml(term_html(term, self.terms))

    def show_term(self, key: str) -> None:
        """Show entry ``key`` (the whole list again, that entry chosen)."""
        if key not in self.terms:
            return
        self.search.clear()
        for row in range(self.entries.count()):
            if self.entries.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.entries.setCurrentRow(row)
                return
