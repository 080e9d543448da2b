"""``nnstudio export`` (models, diagrams, a PyTorch training job) and ``nnstudio
import-run`` (the run a training job trained, back into its project)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from nnstudio.errors import NNStudioError

TRAINING_JOB = "pytorch-train"  # the export format that writes a training job's folder


def add_export(verbs) -> None:
    from nnstudio.export import FORMATS

    lines = [f"  {f.name:8} {f.description}" for f in FORMATS.values()]
    lines += [
        f"  {TRAINING_JOB} a folder: model.py, train.py (python or torchrun), the data and "
        "settings (projects only; docs/scale-out.md)",
        "  png, svg the network diagram (projects only)",
    ]
    export = verbs.add_parser(
        "export",
        help="export weights and models to other formats",
        description="Export a trained network with its preprocessing.\n\nformats:\n"
        + "\n".join(lines),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument(
        "source", type=Path, help="a project (.nnsp) or a weights file from nnstudio train (.npz)"
    )
    export.add_argument(
        "--format", "-f", required=True, choices=[*FORMATS, TRAINING_JOB, "png", "svg"]
    )
    export.add_argument(
        "-o", "--output", type=Path, required=True, help="file (or, for a training job, folder)"
    )
    export.add_argument(
        "--untrained",
        action="store_true",
        help="export a project even if it still has its initial weights",
    )
    export.set_defaults(command=_export)


def _export(args) -> int:
    from nnstudio.export import ExportModel, export, from_project, precision_note
    from nnstudio.io.project import SUFFIX, load_project

    project = load_project(args.source) if args.source.suffix == SUFFIX else None
    if args.format == TRAINING_JOB:
        from nnstudio.export.training_bundle import write_bundle

        if project is None:
            raise NNStudioError("a training job is written from a project (.nnsp)")
        written = write_bundle(project, args.output, name=args.source.stem)
    elif args.format in ("png", "svg"):
        if project is None:
            raise NNStudioError("a diagram is drawn from a project (.nnsp)")
        from nnstudio.ui.images import save_project_diagram  # Qt only for pictures

        written = [save_project_diagram(project, args.output.with_suffix("." + args.format))]
    else:
        model = (
            from_project(project, name=args.source.stem, allow_untrained=args.untrained)
            if project is not None
            else ExportModel.from_npz(args.source, allow_untrained=args.untrained)
        )
        written = export(model, args.format, args.output, source=args.source)
        note = precision_note(model, args.format)
        if note:
            print(f"note: {note}", file=sys.stderr)
    for path in written:
        print(path)
    return 0


def add_import_run(verbs) -> None:
    command = verbs.add_parser(
        "import-run",
        help="add the run a PyTorch training job trained to its project",
        description="Add the run a training job (nnstudio export --format pytorch-train) "
        "trained to the project, with its history; its trained weights become the "
        "network's. The project file is saved with it.",
    )
    command.add_argument("project", type=Path, help="the project (.nnsp) the job came from")
    command.add_argument("folder", type=Path, help="the training job's folder")
    command.set_defaults(command=_import_run)


def _import_run(args) -> int:
    from nnstudio.export.bundle_run import read_run
    from nnstudio.io.project import load_project, save_project

    project = load_project(args.project)
    run = read_run(project, args.folder)
    project.runs.add(run)
    project.document.set_weights([(np.array(w), np.array(b)) for w, b in run.weights])
    save_project(project, args.project)
    loss = run.metrics["loss"]
    print(f"added {run.name!r} to {args.project}: {run.epoch} epochs, loss {loss:.4g}")
    return 0
