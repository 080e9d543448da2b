"""``--data`` and ``--test-data`` of ``nnstudio train``: a built-in set, a table imported
with the command line's choices (as the studio's import dialog suggests them), an NPZ
file or an IDX pair."""

from __future__ import annotations

from pathlib import Path

from nnstudio import datasets
from nnstudio.errors import NNStudioError


def read_data(source: str, args, encoding=None):
    """``--data`` (or ``--test-data``, read with the training table's ``encoding``): a
    built-in dataset, a table imported as the options say, an NPZ file or an IDX pair;
    the dataset and the table's encoding (None for other kinds)."""
    if "," in source:
        images, labels = source.split(",", 1)
        return datasets.load_idx(images, labels), None
    if Path(source).suffix.lower() in (".csv", ".tsv", ".txt", ".gz"):
        labels = tuple(_column(c) for c in args.label_column or ["-1"])
        # as the studio's import dialog suggests: text columns as categories or words
        suggested = datasets.preview_table(source).suggested_import(labels[0]).to_dict()
        features = None if args.features is None else [_column(c) for c in args.features.split(",")]
        if features is not None:
            for kind in ("categorical", "text"):
                suggested[kind] = [c for c in suggested[kind] if c in features]
        options = datasets.TableImport.from_dict(
            {
                **suggested,
                "label_columns": list(labels),
                "feature_columns": features,
                "task": args.task or "auto",
                "missing": args.missing or "refuse",
            }
        )
        imported = datasets.load_table(source, options, encoding=encoding)
        return imported.dataset, imported.encoding
    if args.label_column or args.features or args.task or args.missing:
        raise NNStudioError("--label-column, --features, --task and --missing apply to a table")
    return datasets.load(source), None


def _column(text: str):
    """A column given on the command line: its number (from 0) or its name."""
    text = text.strip()
    return int(text) if text.lstrip("-").isdigit() else text
