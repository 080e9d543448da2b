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
import json
import sys
from pathlib import Path

import numpy as np

from nnstudio import datasets
from nnstudio.engine.losses import REDUCTIONS
from nnstudio.engine.network import Network
from nnstudio.engine.optimizers import OPTIMIZERS
from nnstudio.engine.trainer import DIVERGED, Trainer
from nnstudio.errors import NNStudioError
from nnstudio.io.npz import save_npz

TRAINING_JOB = "pytorch-train"  # the export format that writes a training job's folder
# training options for a spec; a project brings its own (the command line overrides both)
SPEC_DEFAULTS = {
    "test_split": None,  # automatic (datasets.automatic_test_split)
    "validation_split": 0.0,
    "optimizer": "adam",
    "batch_size": 32,
    "l1": 0.0,
    "l2": 0.0,
    "loss_reduction": "mean",
    "seed": 0,
    "dtype": "float32",
}


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

    train = verbs.add_parser(
        "train",
        help="train a network without a display",
        description="Train a network headless and save its weights.",
    )
    train.add_argument(
        "spec",
        type=Path,
        help="network spec (.json, see docs/spec.md) or a project (.nnsp), "
        "whose weights training continues from",
    )
    train.add_argument(
        "--data",
        default=None,
        help="built-in dataset name, a CSV/TSV (also .gz) or NPZ file, or an MNIST IDX pair "
        "IMAGES,LABELS (default for a project: its dataset)",
    )
    train.add_argument(
        "--label-column",
        action="append",
        default=None,
        help="table label column: index or header name (default: last); repeat it for "
        "several numeric targets (multi-output regression)",
    )
    train.add_argument(
        "--features",
        default=None,
        help="table feature columns, comma-separated (default: every other column)",
    )
    train.add_argument(
        "--task",
        choices=("auto", datasets.CLASSIFICATION, datasets.REGRESSION),
        default=None,
        help="what the table's labels are (default auto: text or few whole numbers are classes)",
    )
    train.add_argument(
        "--missing",
        choices=("refuse", "drop", "mean"),
        default=None,
        help="a table's missing values: refuse (default, saying where), drop the rows, or "
        "fill with the column mean",
    )
    train.add_argument(
        "--test-data",
        default=None,
        help="a test file, read as --data is (the same columns and classes); the whole "
        "--data file then trains",
    )
    train.add_argument(
        "--split",
        type=float,
        default=None,
        help="fraction of the samples to train on; the rest is the test "
        "split (default: a project's own, else 0.8, or all of a dataset under "
        f"{datasets.SMALL_DATASET} samples)",
    )
    train.add_argument(
        "--validation-split",
        type=float,
        default=None,
        help="fraction of the training samples held out for validation",
    )
    train.add_argument(
        "--scaling",
        choices=datasets.SCALINGS,
        default=None,
        help="feature scaling fitted on the training split (default standard)",
    )
    train.add_argument("--epochs", type=int, required=True)
    train.add_argument(
        "--optimizer",
        choices=list(OPTIMIZERS),
        default=None,
        help=f"default: a project's own, else {SPEC_DEFAULTS['optimizer']}",
    )
    train.add_argument(
        "--lr",
        type=float,
        default=None,
        help="learning rate (default: a project's own, else the optimizer's)",
    )
    train.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help=f"default: a project's own, else {SPEC_DEFAULTS['batch_size']}",
    )
    train.add_argument(
        "--loss",
        default=None,
        help="mse, binary_crossentropy or categorical_crossentropy "
        "(default: suits the output activation)",
    )
    train.add_argument(
        "--loss-reduction",
        choices=list(REDUCTIONS),
        default=None,
        help="follow the gradient of the mean (default) or of the sum of the loss terms",
    )
    train.add_argument("--momentum", type=float, default=None, help="sgd/rmsprop momentum")
    train.add_argument("--nesterov", action="store_true", help="sgd Nesterov momentum")
    train.add_argument("--l1", type=float, default=None)
    train.add_argument("--l2", type=float, default=None)
    train.add_argument(
        "--target-loss",
        type=float,
        default=None,
        help="stop once an epoch's training loss reaches this",
    )
    train.add_argument(
        "--seed",
        type=int,
        default=None,
        help="seed of the weights (a spec's), the split and the shuffling (default 0)",
    )
    train.add_argument(
        "--dtype", choices=["float32", "float64"], default=None, help="default float32"
    )
    train.add_argument("--out", type=Path, required=True, help="weights file to write (.npz)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(command=_train)

    listing = verbs.add_parser("datasets", help="list the built-in datasets")
    listing.set_defaults(command=_list_datasets)
    _add_export(verbs)
    _add_import_run(verbs)
    return parser


def _add_export(verbs) -> None:
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


def _add_import_run(verbs) -> None:
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


def _list_datasets(args) -> int:
    for entry in datasets.list():
        params = ", ".join(entry["parameters"]) or "—"
        print(f"{entry['name']:<15} {entry['summary']}  [{params}]")
    return 0


def _read_spec(path: Path) -> dict:
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NNStudioError(f"cannot read the spec {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NNStudioError(f"{path.name} is not valid JSON ({exc})") from None
    if isinstance(spec, dict) and "network" in spec:
        spec = spec["network"]
    return spec


def _train(args) -> int:
    from nnstudio.io.project import SUFFIX, load_project

    project = load_project(args.spec) if args.spec.suffix == SUFFIX else None
    if project is not None and args.data is None:
        run, seed = _project_run(project, args)
    else:
        run, seed = _spec_run(project, args)
    net, trainer, data = run.net, run.trainer, run.data
    print(
        f"training {net!r} on {data!r} ({run.parts.train.n_samples} training samples)",
        file=sys.stderr,
    )
    status = _run_with_progress(trainer, quiet=args.quiet)
    metadata = {
        "dataset": data.name,
        "task": data.task,
        "feature_names": data.feature_names,
        "class_names": data.class_names,
        "scaler": run.scaler.to_dict(),
        "training": {
            "optimizer": trainer.optimizer.name,
            "lr": trainer.lr,
            "batch_size": trainer.batch_size,
            "epochs": trainer.epoch,
            "steps": trainer.step_count,
            "loss": trainer.loss.name,
            "seed": seed,
        },
        "history": trainer.history,
    }
    try:
        save_npz(net, args.out, metadata)
    except OSError as exc:
        raise NNStudioError(f"cannot write {args.out}: {exc.strerror}") from None
    _report(trainer, run.parts.test, net)
    print(f"weights saved to {args.out}", file=sys.stderr)
    return 1 if status == DIVERGED else 0


def _given(args) -> dict:
    """The training options given on the command line, under the project's names."""
    given = {
        "optimizer": args.optimizer,
        "lr": args.lr,
        "batch_size": args.batch_size,
        "seed": args.seed,
        "dtype": args.dtype,
        "l1": args.l1,
        "l2": args.l2,
        "loss_reduction": args.loss_reduction,
        "momentum": args.momentum,
        "nesterov": args.nesterov or None,
        "target_loss": args.target_loss,
        "validation_split": args.validation_split,
        "test_split": None if args.split is None else round(1 - args.split, 10),
    }
    return {key: value for key, value in given.items() if value is not None}


def _project_run(project, args):
    """The studio's own run of the project (its data, split, scaling and settings), with
    the options given on the command line in place of its settings."""
    from nnstudio.model.training import make_run, settings_of

    if args.scaling not in (None, "standard"):
        raise NNStudioError(
            "a project is scaled as in the studio (standard); --scaling "
            "applies to a spec or to --data"
        )
    given = [
        flag
        for flag, value in (
            ("--label-column", args.label_column),
            ("--features", args.features),
            ("--task", args.task),
            ("--missing", args.missing),
            ("--test-data", args.test_data),
        )
        if value is not None
    ]
    if given:
        raise NNStudioError(f"{given[0]} applies to --data; a project knows its data")
    project.training = {**project.training, **_given(args), "epochs": args.epochs}
    if args.loss is not None:
        project.document.loss = args.loss
    return make_run(project, snapshot_interval=0.1), settings_of(project)["seed"]


def _spec_run(project, args):
    """A spec (or a project's network and weights) trained on ``--data``."""
    from nnstudio.model.training import TrainingRun

    options = {**SPEC_DEFAULTS, **_given(args)}
    spec = project.document.spec() if project else _read_spec(args.spec)
    if args.data is None:
        raise NNStudioError("--data is needed to train a spec (a project brings its own)")
    data, encoding = _read_data(args.data, args)
    if isinstance(spec, dict) and "inputs" not in spec:
        spec = {**spec, "inputs": _inputs_for(spec, data)}
    seed = options["seed"]
    net = Network.from_spec(spec, seed=seed, dtype=options["dtype"])
    if project is not None:
        net.set_weights(project.document.weights())
    scaling = args.scaling or "standard"
    if args.test_data is None:
        parts, scaler = datasets.prepare(
            data, test=options["test_split"], scaling=scaling, seed=seed
        )
    else:
        test, _ = _read_data(args.test_data, args, encoding)
        if test.n_features != data.n_features:
            raise NNStudioError(
                f"{args.test_data} has {test.n_features} inputs but {args.data} has "
                f"{data.n_features}: a test file needs the training file's columns"
            )
        parts, scaler = datasets.prepare(data, test=0.0, scaling=scaling, seed=seed)
        parts = datasets.Split(parts.train, None, scaler.apply(test))
    extra = {key: options[key] for key in ("momentum", "nesterov") if key in options}
    train = parts.train
    trainer = Trainer(
        net,
        train.X,
        train.targets(net.n_outputs),
        loss=args.loss,
        loss_reduction=options["loss_reduction"],
        optimizer=options["optimizer"],
        lr=options.get("lr"),
        batch_size=options["batch_size"],
        epochs=args.epochs,
        l1=options["l1"],
        l2=options["l2"],
        seed=seed,
        validation_split=options["validation_split"],
        target_loss=options.get("target_loss"),
        snapshot_interval=0.1,
        **extra,
    )
    return TrainingRun(net, trainer, parts, scaler, data), seed


def _inputs_for(spec: dict, data) -> int | list[int]:
    """A spec's missing ``inputs`` from the data: the images' [height, width, channels]
    when the spec has image layers (convolution, pooling, flatten), else the features."""
    from nnstudio.model.layer_types import IMAGE_TYPES

    layers = spec.get("layers") if isinstance(spec.get("layers"), list) else []
    images = any(isinstance(layer, dict) and layer.get("type") in IMAGE_TYPES for layer in layers)
    return list(data.image_input) if images and data.image_input else data.n_features


def _read_data(source: str, args, encoding=None):
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


def _run_with_progress(trainer: Trainer, quiet: bool) -> str:
    from tqdm import tqdm

    bar = tqdm(
        total=trainer.epochs, unit="epoch", disable=quiet, file=sys.stderr, dynamic_ncols=True
    )
    status = "finished"
    try:
        for snapshot in trainer.run():
            bar.update(snapshot.epoch - bar.n)
            if len(snapshot.losses):
                bar.set_postfix(loss=f"{snapshot.losses[-1]:.4g}", refresh=False)
            status = snapshot.status
            if status == DIVERGED:
                bar.close()
                print(f"nnstudio: {snapshot.message}", file=sys.stderr)
    except KeyboardInterrupt:
        status = "stopped"
        print("\ninterrupted: saving the weights trained so far", file=sys.stderr)
    finally:
        bar.close()
    return status


def _report(trainer: Trainer, test, net: Network) -> None:
    history = trainer.history
    line = (
        f"epochs: {trainer.epoch}  loss: {history['loss'][-1]:.4g}"
        if history["loss"]
        else "no epoch finished"
    )
    if history.get("accuracy"):
        line += f"  accuracy: {history['accuracy'][-1]:.3f}"
    if test is not None:
        outputs = net.predict(test.X)
        if test.task == datasets.CLASSIFICATION:
            predicted = outputs.argmax(axis=1) if outputs.shape[1] > 1 else outputs[:, 0] > 0.5
            line += f"  test accuracy: {np.mean(predicted == test.y):.3f}"
        else:
            target = test.y.reshape(len(test.y), -1)
            line += f"  test mse: {np.mean((outputs - target) ** 2):.4g}"
    else:
        line += "  (no test split: every sample trained)"
    print(line)
