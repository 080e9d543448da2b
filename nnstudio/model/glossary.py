"""The glossary (``resources/glossary.toml``): the words a learner meets in the studio,
each explained in a sentence or three, with the entries related to it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import tomllib

GLOSSARY_FILE = Path(__file__).resolve().parents[2] / "resources" / "glossary.toml"


@dataclass(frozen=True)
class Term:
    key: str  # how controls and other entries name it
    name: str  # as shown
    text: str
    see: tuple[str, ...] = ()


@lru_cache(maxsize=2)
def glossary(path: Path = GLOSSARY_FILE) -> dict[str, Term]:
    """The entries by key, in alphabetical order of their names."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    terms = [
        Term(key, entry["name"], entry["text"], tuple(entry.get("see", ())))
        for key, entry in data.items()
    ]
    return {term.key: term for term in sorted(terms, key=lambda t: t.name.lower())}


def matching(query: str, terms: dict[str, Term]) -> list[Term]:
    """The entries whose name or text holds every word of ``query`` (any case); those
    whose name does first."""
    words = query.lower().split()
    found = [t for t in terms.values() if all(w in f"{t.name} {t.text}".lower() for w in words)]
    return sorted(found, key=lambda t: not all(w in t.name.lower() for w in words))
