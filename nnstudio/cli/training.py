"""``nnstudio train``: a spec or a project trained headless on a built-in set or a data
file, with a progress bar; the weights saved for ``nnstudio export``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from nnstudio import datasets
from nnstudio.cli.data_options import read_data
from nnstudio.engine.losses import REDUCTIONS
from nnstudio.engine.network import Network
from nnstudio.engine.optimizers import OPTIMIZERS
from nnstudio.engine.trainer import DIVERGED, Trainer
from nnstudio.errors import NNStudioError
from nnstudio.io.npz import save_npz

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


def add_train(verbs) -> None:
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
    data, encoding = read_data(args.data, args)
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
        test, _ = read_data(args.test_data, args, encoding)
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
