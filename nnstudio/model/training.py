"""Turning a project into a training run: data split and scaled, network built."""

from __future__ import annotations

import math
from dataclasses import dataclass

from nnstudio import datasets
from nnstudio.datasets import entered
from nnstudio.engine.losses import REDUCTIONS
from nnstudio.engine.network import Network
from nnstudio.engine.optimizers import OPTIMIZERS
from nnstudio.engine.remote import RemoteTrainer, TrainerRecipe
from nnstudio.engine.trainer import Trainer
from nnstudio.errors import TrainingConfigError, shortened
from nnstudio.model.project import OWN, Project

DEFAULT_SETTINGS = {
    "optimizer": "adam",
    "lr": 0.01,
    "batch_size": 16,
    "epochs": None,
    "target_loss": None,
    "seed": 0,
    "test_split": None,  # automatic: a fifth, none of a tiny dataset
    "validation_split": 0.0,
    "l1": 0.0,
    "l2": 0.0,
    "loss_reduction": "mean",
    "momentum": 0.0,
    "nesterov": False,
    "dtype": "float32",
    "scaling": None,  # automatic: standard, none for points drawn on the plane
}
# settings that belong to the network (its file section) rather than to training
NETWORK_SETTINGS = ("loss", "initializer")
# what the studio calls each setting (undo texts, run comparisons)
SETTING_NAMES = {
    "optimizer": "optimizer",
    "lr": "learning rate",
    "batch_size": "batch size",
    "epochs": "epochs",
    "target_loss": "stop at loss",
    "seed": "seed",
    "test_split": "test split",
    "validation_split": "validation split",
    "l1": "L1",
    "l2": "L2",
    "loss_reduction": "loss reduction",
    "momentum": "momentum",
    "nesterov": "Nesterov",
    "dtype": "precision",
    "scaling": "input scaling",
    "loss": "loss",
    "initializer": "initialiser",
}


@dataclass
class TrainingRun:
    """What one press of Play trains: the network, its trainer and the data parts."""

    net: Network
    trainer: Trainer | RemoteTrainer
    parts: datasets.Split
    scaler: datasets.Scaler
    data: datasets.Dataset


def settings_of(project: Project) -> dict:
    """Every training setting, defaults filled in, with the network's loss (None: the
    one that suits the output) and initialiser."""
    doc = project.document
    return {
        **DEFAULT_SETTINGS,
        **project.training,
        "loss": doc.loss,
        "initializer": doc.initializer,
    }


def _number(low: float, high: float, whole: bool = False, optional: bool = False):
    """A check that a setting is a (whole) number with low ≤ value < high."""

    def check(value) -> str:
        if optional and value is None:
            return ""
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            return f"must be a {'whole ' if whole else ''}number"
        if not (math.isfinite(value) and low <= value < high):
            return f"must be from {low:g} to below {high:g}"
        return ""

    return check


def _one_of(*choices, optional: bool = False):
    def check(value) -> str:
        if (optional and value is None) or value in choices:
            return ""
        return f"must be one of {', '.join(map(str, choices))}"

    return check


SETTING_CHECKS = {
    "optimizer": _one_of(*OPTIMIZERS),
    "lr": _number(1e-12, 1e6),
    "batch_size": _number(1, 65537, whole=True),
    "epochs": _number(0, 1e12, whole=True, optional=True),
    "target_loss": _number(0, math.inf, optional=True),
    "seed": _number(0, 2**63, whole=True),
    "test_split": _number(0, 1, optional=True),
    "validation_split": _number(0, 1),
    "l1": _number(0, math.inf),
    "l2": _number(0, math.inf),
    "loss_reduction": _one_of(*REDUCTIONS),
    "momentum": _number(0, 1),
    "nesterov": _one_of(True, False),
    "dtype": _one_of("float32", "float64"),
    "scaling": _one_of(*datasets.SCALINGS, optional=True),
}


def check_training(training) -> None:
    """Raise TrainingConfigError unless ``training`` (a project file's settings) is a
    mapping of known settings, each of its type and range."""
    if not isinstance(training, dict):
        raise TrainingConfigError(
            f"the training settings are not a mapping ({shortened(training)})"
        )
    for key, value in training.items():
        check = SETTING_CHECKS.get(key)
        if check is None:
            raise TrainingConfigError(f"unknown training setting {shortened(key)}")
        problem = check(value)
        if problem:
            raise TrainingConfigError(
                f"the training setting {key!r} {problem}, got {shortened(value)}"
            )


def use_settings(project: Project, settings: dict) -> None:
    """Make ``settings`` the project's (a new seed or initialiser draws new initial
    weights) and emit ``project.settings_changed``."""
    doc, old = project.document, settings_of(project)
    project.training = {
        key: value
        for key, value in {**project.training, **settings}.items()
        if key not in NETWORK_SETTINGS
    }
    doc.loss = settings.get("loss", doc.loss)
    if settings.get("initializer", old["initializer"]) != old["initializer"]:
        doc.set_initializer(settings["initializer"])
    if settings.get("seed", old["seed"]) != old["seed"]:
        doc.set_seed(settings["seed"])
    project.settings_changed.emit()


def prepare_data(project: Project) -> tuple[datasets.Split, datasets.Scaler]:
    """The project's data split and scaled as training sees it, and the scaler (none
    for points drawn on the plane). The validation split is a share of what the test
    split leaves; a data file's own test file is the test part. The last answer is
    kept while the data and these settings stay (its arrays read-only): MNIST's split
    and scaling take ~0.16 s, and every edit of the design asks again."""
    global _last_prepared
    settings, data = settings_of(project), project.load_dataset()
    own_test = project.test_data()  # a test file: all the rest trains
    choices = tuple(settings[k] for k in ("test_split", "validation_split", "scaling", "seed"))
    key = (data, own_test, choices, _drawn(project.dataset))
    last = _last_prepared
    if last is not None and _same(last[0], key):
        return last[1]
    test, validation = split_fractions(project)
    parts, scaler = datasets.prepare(
        data,
        test=test,
        validation=validation,
        scaling=scaling_of(project),
        seed=settings["seed"],
    )
    if own_test is not None:
        parts = datasets.Split(parts.train, parts.validation, scaler.apply(own_test))
    for part in (parts.train, parts.validation, parts.test):
        if part is not None:
            part.X.flags.writeable = part.y.flags.writeable = False
    _last_prepared = (key, (parts, scaler))
    return parts, scaler


_last_prepared: tuple | None = None  # (what it was prepared from, the answer)


def _same(a: tuple, b: tuple) -> bool:
    """The same data and test data (the very objects: datasets are immutable) and the
    same choices."""
    return a[0] is b[0] and a[1] is b[1] and a[2:] == b[2:]


def split_fractions(project: Project) -> tuple[float, float]:
    """The shares of the project's data that :func:`prepare_data` keeps for testing and
    for validation (the validation setting is a share of what testing leaves; a data
    file's own test file is the test part: none is cut then)."""
    settings, data = settings_of(project), project.load_dataset()
    test = settings["test_split"]
    if test is None:
        test = datasets.automatic_test_split(data.n_samples)
    if project.test_data() is not None:  # a test file: all the rest trains
        test = 0.0
    return test, settings["validation_split"] * (1 - test)


def scaling_of(project: Project) -> str:
    """How the project's inputs are scaled: its setting, else standard (none for points
    drawn on the plane: the network sees that plane)."""
    return settings_of(project)["scaling"] or ("none" if _drawn(project.dataset) else "standard")


def optimizer_options(settings: dict) -> dict:
    """The optimizer's own keywords among ``settings`` (momentum, Nesterov)."""
    options = {}
    if settings["optimizer"] in ("sgd", "rmsprop") and settings["momentum"]:
        options["momentum"] = settings["momentum"]
        if settings["optimizer"] == "sgd" and settings["nesterov"]:
            options["nesterov"] = True
    return options


def make_run(
    project: Project, snapshot_interval: float = 1 / 30, in_process: bool = True
) -> TrainingRun:
    """Build a trainer for ``project`` starting from the document's current weights:
    here, or (``in_process=False``) a :class:`RemoteTrainer` that trains in a process
    of its own."""
    settings = settings_of(project)
    data = project.load_dataset()
    parts, scaler = prepare_data(project)
    doc = project.document
    net = Network.from_spec(doc.spec(), seed=doc.seed, dtype=settings["dtype"])
    net.set_weights(doc.weights())
    options = optimizer_options(settings)
    options.update(
        loss=doc.loss,
        loss_reduction=settings["loss_reduction"],
        optimizer=settings["optimizer"],
        lr=settings["lr"],
        batch_size=settings["batch_size"],
        epochs=settings["epochs"],
        target_loss=settings["target_loss"],
        l1=settings["l1"],
        l2=settings["l2"],
        seed=settings["seed"],
        snapshot_interval=snapshot_interval,
    )
    if parts.validation is not None:
        options["validation_data"] = (parts.validation.X, parts.validation.targets(net.n_outputs))
    recipe = TrainerRecipe(
        doc.spec(),
        settings["dtype"],
        net.get_weights(),
        parts.train.X,
        parts.train.targets(net.n_outputs),
        options,
    )
    if in_process:
        return TrainingRun(net, Trainer(net, recipe.X, recipe.y, **options), parts, scaler, data)
    recipe.build()  # fails here, at once, if the settings cannot work
    return TrainingRun(net, RemoteTrainer(recipe), parts, scaler, data)


def _drawn(reference: dict) -> bool:
    """True for the points the user drew on the plane: the network sees that plane."""
    return reference.get("source") == OWN and reference["name"] == entered.DRAWN
