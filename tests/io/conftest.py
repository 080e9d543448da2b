"""Projects that really trained: a finished run with validation, then a branch from one
of its checkpoints with another optimizer, its learning rate changed twice while it
trained, paused and stopped."""

import numpy as np
import pytest

from nnstudio.model.document import NetworkDocument
from nnstudio.model.project import Project
from nnstudio.model.session import TrainingSession
from nnstudio.model.training import make_run


def train_project(dtype: str = "float32") -> Project:
    doc = NetworkDocument(inputs=2, outputs=1, hidden=((5, "tanh"), (3, "relu")), seed=4)
    project = Project(
        document=doc,
        dataset={"name": "xor", "params": {"n_samples": 40}},
        training={
            "epochs": 8,
            "batch_size": 10,
            "lr": 0.05,
            "validation_split": 0.25,
            "dtype": dtype,
        },
    )
    session = TrainingSession(project)
    live = make_run(project, snapshot_interval=0)
    generation = session.begin(live.trainer.steps_per_epoch)
    first = session.run
    for snapshot in live.trainer.run():
        session.record(generation, snapshot)
    session.use_checkpoint(first, first.checkpoints[len(first.checkpoints) // 2])
    project.training = {**project.training, "optimizer": "sgd", "epochs": None}
    live = make_run(project, snapshot_interval=0)
    generation = session.begin(live.trainer.steps_per_epoch)
    snapshots = live.trainer.run()
    for k in range(9):
        session.record(generation, next(snapshots))
        if k in (2, 5):  # as the training panel does it; the run logs what the trainer did
            live.trainer.lr = 0.02 * (k + 1)
    live.trainer.pause()
    session.record(generation, next(snapshots))
    live.trainer.resume()
    for _ in range(5):
        session.record(generation, next(snapshots))
    live.trainer.stop()
    last = next(snapshots)
    session.record(generation, last)
    doc.set_weights([(np.array(w), np.array(b)) for w, b in last.weights])
    return project


@pytest.fixture
def trained_project():
    """A function: a trained project whose weights have the given dtype."""
    return train_project


def same_arrays(a, b) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


def same_weights(a, b) -> bool:
    return len(a) == len(b) and all(
        same_arrays(w, w0) and same_arrays(b, b0) for (w, b), (w0, b0) in zip(a, b)
    )


def same_objects(weights, others) -> bool:
    """The same arrays, not copies of them."""
    return all(w is w0 and b is b0 for (w, b), (w0, b0) in zip(weights, others))


def assert_same_runs(runs, others) -> None:
    """Every run of ``others`` is its counterpart in ``runs``, array for array."""
    assert len(runs) == len(others) > 0
    for run, other in zip(runs, others):
        for name in (
            "id",
            "name",
            "settings",
            "network",
            "dataset",
            "parent",
            "steps_per_epoch",
            "created",
            "step",
            "epoch",
            "status",
            "training_seconds",
            "metrics",
            "next_scheduled",
            "lr_changes",
        ):
            assert getattr(run, name) == getattr(other, name), name
        assert same_weights(run.weights, other.weights)
        # weights kept once (a checkpoint's are the run's) are kept once again
        moments = run.checkpoints + [run.best]
        holding = [k for k, c in enumerate(moments) if same_objects(c.weights, run.weights)]
        again = other.checkpoints + [other.best]
        assert holding == [k for k, c in enumerate(again) if same_objects(c.weights, other.weights)]
        pairs = [(run.steps, other.steps)] + [(run.epochs[k], other.epochs[k]) for k in run.epochs]
        assert list(run.epochs) == list(other.epochs)
        for series, again in pairs:
            assert series.arrays().keys() == again.arrays().keys()
            for key, value in series.arrays().items():
                assert same_arrays(value, again.arrays()[key]), key
        for key, (x, y) in run.curves().items():
            assert same_arrays(x, other.curves()[key][0]) and same_arrays(y, other.curves()[key][1])
        moments = run.checkpoints + [run.best]
        assert len(other.checkpoints) == len(run.checkpoints) and other.best is not None
        for checkpoint, again in zip(moments, other.checkpoints + [other.best]):
            assert (checkpoint.step, checkpoint.epoch, checkpoint.reason) == (
                again.step,
                again.epoch,
                again.reason,
            )
            assert checkpoint.metrics == again.metrics
            assert same_weights(checkpoint.weights, again.weights)


@pytest.fixture
def same_runs():
    return assert_same_runs
