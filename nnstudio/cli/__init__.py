"""The ``nnstudio`` command: the studio with no arguments, headless work with a verb.

nnstudio                                   open the studio
nnstudio train SPEC --data DATA --epochs N --out WEIGHTS.npz
nnstudio export SOURCE --format F -o FILE  export a project or weights file
nnstudio export PROJECT --format pytorch-train -o DIR   a PyTorch training job
nnstudio import-run PROJECT DIR            add the run a training job trained
nnstudio datasets                          list the built-in datasets
"""

from __future__ import annotations

import argparse
import sys

from nnstudio import datasets
from nnstudio.cli.exporting import add_export, add_import_run
from nnstudio.cli.training import add_train
from nnstudio.errors import NNStudioError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    verbs = ("train", "export", "import-run", "datasets", "-h", "--help", "--version")
    if not argv or argv[0] not in verbs:
        from nnstudio.ui.app import run  # Qt only when the studio opens

        return run([sys.argv[0], *argv])
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except NNStudioError as exc:
        print(f"nnstudio: error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    from nnstudio import __version__

    parser = argparse.ArgumentParser(prog="nnstudio", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"nnstudio {__version__}")
    verbs = parser.add_subparsers(title="commands", required=True)

    add_train(verbs)
    listing = verbs.add_parser("datasets", help="list the built-in datasets")
    listing.set_defaults(command=_list_datasets)
    add_export(verbs)
    add_import_run(verbs)
    return parser


def _list_datasets(args) -> int:
    for entry in datasets.list():
        params = ", ".join(entry["parameters"]) or "—"
        print(f"{entry['name']:<15} {entry['summary']}  [{params}]")
    return 0
