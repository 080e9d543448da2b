"""What a project's dataset reference is: a built-in set with its parameters, one of the
project's own, or a file of the user's; and when two name the same data."""

from __future__ import annotations

OWN = "project"  # the source of a dataset the project holds itself (typed, pasted, drawn)
FILE = "file"  # the source of a dataset read from the user's file, as imported
FILE_KEYS = {  # a file reference's paths, each with the key of its digest
    "name": "digest",
    "labels": "labels_digest",
    "test": "test_digest",
    "test_labels": "test_labels_digest",
}


def same_data(a: dict, b: dict) -> bool:
    """True if two dataset references name the same data: a file found elsewhere with
    the same bytes (and import) is the same data."""
    if a.get("source") == b.get("source") == FILE:
        return _without_paths(a) == _without_paths(b)
    return a == b


def _without_paths(reference: dict) -> dict:
    return {key: value for key, value in reference.items() if key not in FILE_KEYS}
