"""The exceptions nnstudio raises: each carries a message a user can act on."""

from __future__ import annotations


class NNStudioError(Exception):
    """Base class of every error nnstudio raises on purpose."""


class SpecError(NNStudioError, ValueError):
    """A network description that cannot work (unknown activation, bad sizes, ...)."""


class TrainingConfigError(NNStudioError, ValueError):
    """Training settings or data that do not fit the network (shapes, loss, optimizer)."""


class DataError(NNStudioError, ValueError):
    """A data set or data file that cannot be used."""


class TrainingDiverged(NNStudioError, ArithmeticError):
    """The loss or a weight became NaN or infinite, or the loss exploded; the last sound
    weights are restored.

    ``history`` holds the metrics of the epochs finished before the divergence.
    """

    def __init__(self, message: str, history: dict | None = None):
        super().__init__(message)
        self.history = history if history is not None else {}


def shortened(value) -> str:
    """``repr(value)`` cut to 60 characters, for a message about a bad value."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
