"""The glossary: the words a learner meets, one or two sentences each, read from
``resources/glossary.toml`` (``[[term]]`` entries with ``name``, ``text`` and the other
names it goes by, ``also``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomllib

from nnstudio.model.document import DocumentError

GLOSSARY_FILE = Path(__file__).resolve().parents[2] / "resources" / "glossary.toml"


@dataclass(frozen=True)
class Term:
    name: str
    text: str
    also: tuple[str, ...] = ()

    def matches(self, query: str) -> bool:
        """True if ``query`` (any case) is in the term's names or its text."""
        query = query.casefold().strip()
        return any(query in words.casefold() for words in (self.name, self.text, *self.also))


def load_glossary(path: Path = GLOSSARY_FILE) -> tuple[Term, ...]:
    """The terms in alphabetical order; a file that cannot be read, or an entry
    without its name or text, raises DocumentError saying which."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8"))["term"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError) as exc:
        raise DocumentError(f"{path.name}: cannot read the glossary ({exc})") from None
    terms = []
    for k, entry in enumerate(entries, start=1):
        try:
            terms.append(Term(entry["name"], entry["text"], tuple(entry.get("also", ()))))
        except KeyError as exc:
            raise DocumentError(f"{path.name}: term {k} has no {exc.args[0]!r}") from None
    return tuple(sorted(terms, key=lambda term: term.name.casefold()))


def lookup(terms: tuple[Term, ...], word: str) -> Term:
    """The term called ``word`` (its name or another name, any case); KeyError if none."""
    word = word.casefold()
    for term in terms:
        if word in (name.casefold() for name in (term.name, *term.also)):
            return term
    raise KeyError(word)
