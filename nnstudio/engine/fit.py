"""``fit``: train a network to the end in one call."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from nnstudio.engine.network import Network
from nnstudio.engine.optimizers import OPTIMIZERS
from nnstudio.engine.trainer import DIVERGED, Snapshot, Trainer
from nnstudio.errors import TrainingConfigError, TrainingDiverged

# With nobody watching, weights are copied (as a restore point) only this often.
_QUIET_SNAPSHOT_INTERVAL = 0.5
# fit() keywords that belong to some optimizers only, with fit()'s defaults.
_OPTIMIZER_KEYWORDS = {
    "momentum": 0.0,
    "dampening": 0.0,
    "nesterov": False,
    "betas": (0.9, 0.999),
    "eps": None,
    "alpha": 0.99,
    "amsgrad": False,
    "centered": False,
    "lr_decay": 0.0,
    "initial_accumulator_value": 0.0,
}


def fit(
    net: Network,
    X,
    y,
    *,
    loss: str | None = None,
    loss_reduction: str = "mean",
    optimizer: str = "adam",
    lr: float | None = None,
    epochs: int = 10,
    batch_size: int = 32,
    shuffle: bool = True,
    l1: float = 0.0,
    l2: float = 0.0,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float | None = None,
    alpha: float = 0.99,
    amsgrad: bool = False,
    centered: bool = False,
    lr_decay: float = 0.0,
    initial_accumulator_value: float = 0.0,
    seed: int | None = 0,
    validation_split: float = 0.0,
    validation_data: tuple | None = None,
    target_loss: float | None = None,
    callback: Callable[[Snapshot], None] | None = None,
) -> dict[str, list[float]]:
    """Train ``net`` on ``(X, y)`` in place and return its history.

    The history maps "loss" (and "accuracy", "val_loss", "val_accuracy" where they
    apply) to one value per epoch: mean losses, also with ``loss_reduction="sum"``
    (which makes each step follow the gradient of the summed loss). Hyperparameters an
    optimizer does not use must keep their defaults; ``lr=None`` and ``eps=None`` take
    the optimizer's own defaults (torch.optim's). ``callback`` receives every snapshot
    (see :class:`Trainer`). Raises :class:`TrainingDiverged` (weights restored to the
    last finite ones) if the loss or a weight becomes NaN or infinite, or the loss
    explodes (10,000 times where it began).
    """
    given = {
        "momentum": momentum,
        "dampening": dampening,
        "nesterov": nesterov,
        "betas": tuple(betas),
        "eps": eps,
        "alpha": alpha,
        "amsgrad": amsgrad,
        "centered": centered,
        "lr_decay": lr_decay,
        "initial_accumulator_value": initial_accumulator_value,
    }
    options = _optimizer_options(optimizer, given)
    trainer = Trainer(
        net,
        X,
        y,
        loss=loss,
        loss_reduction=loss_reduction,
        optimizer=optimizer,
        lr=lr,
        batch_size=batch_size,
        epochs=epochs,
        shuffle=shuffle,
        l1=l1,
        l2=l2,
        seed=seed,
        validation_split=validation_split,
        validation_data=validation_data,
        target_loss=target_loss,
        snapshot_interval=1 / 30 if callback else _QUIET_SNAPSHOT_INTERVAL,
        **options,
    )
    for snapshot in trainer.run():
        if callback is not None:
            callback(snapshot)
        if snapshot.status == DIVERGED:
            raise TrainingDiverged(snapshot.message, trainer.history)
    return trainer.history


def _optimizer_options(optimizer: str, given: dict) -> dict:
    """The keywords ``optimizer`` takes; a changed keyword it does not take is an error."""
    cls = OPTIMIZERS.get(optimizer)
    if cls is None:
        raise TrainingConfigError(
            f"unknown optimizer {optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}"
        )
    accepted = inspect.signature(cls).parameters
    options = {}
    for name, value in given.items():
        if name in accepted:
            if value is not None:
                options[name] = value
        elif value != _OPTIMIZER_KEYWORDS[name]:
            raise TrainingConfigError(f"{optimizer} does not use {name} (got {value!r})")
    return options
