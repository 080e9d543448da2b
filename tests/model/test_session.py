"""The live training run of a project, fed by a real trainer: runs begun and ended,
snapshots of another generation dropped, branches, checkpoints put back."""

import numpy as np
import pytest

from nnstudio.engine.snapshot import FINISHED, RUNNING, STOPPED
from nnstudio.io.project import load_project, save_project
from nnstudio.model.document import DocumentError, NetworkDocument
from nnstudio.model.project import Project
from nnstudio.model.runs import START
from nnstudio.model.session import TrainingSession
from nnstudio.model.training import make_run, settings_of


@pytest.fixture
def project():
    doc = NetworkDocument(inputs=2, outputs=1, hidden=((4, "tanh"),), seed=2)
    return Project(
        document=doc,
        dataset={"name": "xor", "params": {"n_samples": 40}},
        training={"epochs": 6, "batch_size": 10, "lr": 0.05},
    )


def events_of(session):
    events = []
    session.run_started.connect(lambda run: events.append(("started", run)))
    session.recorded.connect(lambda run, snapshot: events.append(("recorded", run)))
    session.run_ended.connect(lambda run: events.append(("ended", run)))
    return events


def start(session):
    """A trainer for the project as it is now, and a run begun for it."""
    live = make_run(session.project, snapshot_interval=0)
    generation = session.begin(live.trainer.steps_per_epoch)
    return live.trainer, generation


def train(session, trainer, generation):
    """Train to the end, each snapshot recorded; the document takes the last weights (as
    the studio's canvas does)."""
    snapshots = list(trainer.run())
    assert all(session.record(generation, snapshot) for snapshot in snapshots)
    session.project.document.set_weights([(w, b) for w, b in snapshots[-1].weights])
    return snapshots


def same_weights(a, b):
    return len(a) == len(b) and all(
        np.array_equal(w, w0) and np.array_equal(b, b0) for (w, b), (w0, b0) in zip(a, b)
    )


def test_begin_adds_a_run_with_the_projects_settings_network_and_weights(project):
    session = TrainingSession(project)
    events = events_of(session)
    trainer, generation = start(session)
    run = session.run
    assert list(project.runs) == [run] and events == [("started", run)]
    assert generation == session.generation
    assert run.settings == settings_of(project) and run.network == project.document.spec()
    assert run.dataset == project.dataset and run.parent is None
    assert same_weights(run.start.weights, project.document.weights())
    assert run.steps_per_epoch == trainer.steps_per_epoch and run.status == "new"


def test_snapshots_of_an_earlier_generation_reach_nothing(project):
    session = TrainingSession(project)
    old_trainer, old = start(session)
    old_snapshots = old_trainer.run()
    assert session.record(old, next(old_snapshots))
    first = session.run
    steps_before = len(first.steps)
    session.end()  # the network is about to change
    project.document.set_units(1, 7)
    trainer, generation = start(session)
    run = session.run
    events = events_of(session)
    for snapshot in old_snapshots:  # the old network goes on training
        assert not session.record(old, snapshot)
    assert events == [] and len(first.steps) == steps_before
    assert len(run.steps) == 0 and run.step == 0 and [c.reason for c in run.checkpoints] == [START]
    assert [w.shape for w, _ in run.weights] == [(2, 7), (7, 1)]
    assert session.record(generation, next(trainer.run()))
    assert len(run.steps) > 0 and events == [("recorded", run)]


def test_a_finished_snapshot_ends_the_run(project):
    session = TrainingSession(project)
    events = events_of(session)
    trainer, generation = start(session)
    run = session.run
    snapshots = train(session, trainer, generation)
    assert snapshots[-1].status == FINISHED and run.status == FINISHED
    assert session.run is None and events[-1] == ("ended", run)
    assert [e for e, _ in events].count("ended") == 1
    assert [e for e, _ in events].count("recorded") == len(snapshots)
    assert session.origin == (run.id, run.step, run.epoch) == (run.id, trainer.step_count, 6)
    assert not session.record(generation, snapshots[-1])  # the run is over


def test_ending_a_live_run_stops_it(project):
    session = TrainingSession(project)
    events = events_of(session)
    trainer, generation = start(session)
    run = session.run
    snapshots = trainer.run()
    for _ in range(3):
        session.record(generation, next(snapshots))
    assert run.status == RUNNING
    session.end()
    assert run.status == STOPPED and events[-1] == ("ended", run) and session.run is None
    assert session.origin == (run.id, run.step, run.epoch)
    assert not session.record(generation, next(snapshots))
    session.end()  # nothing live: nothing happens
    assert [e for e, _ in events].count("ended") == 1


def test_training_on_from_trained_weights_is_a_branch_and_a_new_seed_is_not(project):
    session = TrainingSession(project)
    trainer, generation = start(session)
    first = session.run
    train(session, trainer, generation)
    project.training["epochs"] = 3
    trainer, generation = start(session)
    branch = session.run
    assert branch.parent == (first.id, first.step)
    assert (branch.start.step, branch.start.epoch) == (first.step, first.epoch)
    assert same_weights(branch.start.weights, first.weights)
    train(session, trainer, generation)
    assert branch.step == first.step + trainer.step_count and branch.epoch == first.epoch + 3

    project.document.set_seed(5)  # the weights start afresh: no branch
    assert project.document.explicit_weights() is None
    start(session)
    fresh = session.run
    assert fresh.parent is None and (fresh.start.step, fresh.start.epoch) == (0, 0)
    assert same_weights(fresh.start.weights, project.document.initial_weights())


def test_a_checkpoint_goes_back_into_the_document_and_a_run_from_it_branches(project):
    session = TrainingSession(project)
    trainer, generation = start(session)
    run = session.run
    train(session, trainer, generation)
    checkpoint = run.checkpoints[len(run.checkpoints) // 2]
    assert 0 < checkpoint.step < run.step
    session.use_checkpoint(run, checkpoint)
    assert same_weights(project.document.weights(), checkpoint.weights)
    assert session.origin == (run.id, checkpoint.step, checkpoint.epoch)
    start(session)
    assert session.run.parent == (run.id, checkpoint.step)
    assert session.run.start.epoch == checkpoint.epoch


def test_a_checkpoint_of_another_network_is_refused_and_nothing_changes(project):
    session = TrainingSession(project)
    trainer, generation = start(session)
    old = session.run
    train(session, trainer, generation)
    project.document.set_units(1, 6)
    trainer, generation = start(session)
    live = session.run
    session.record(generation, next(trainer.run()))
    layers, weights = project.document.layers, project.document.explicit_weights()
    origin = session.origin
    with pytest.raises(
        DocumentError, match="trained a 2-4-1 tanh/sigmoid network; this one is 2-6-1"
    ):
        session.use_checkpoint(old, old.checkpoints[-1])
    assert project.document.layers == layers and project.document.explicit_weights() is weights
    assert session.run is live and session.generation == generation and session.origin == origin


def test_a_reopened_project_goes_on_from_its_last_run(project, tmp_path):
    session = TrainingSession(project)
    trainer, generation = start(session)
    train(session, trainer, generation)
    last = project.runs[-1]
    save_project(project, tmp_path / "p.nnsp")
    again = load_project(tmp_path / "p.nnsp")
    reopened = TrainingSession(again)
    assert reopened.origin == (last.id, last.step, last.epoch)
    start(reopened)
    assert reopened.run.parent == (last.id, last.step) and reopened.run.id == last.id + 1
    again.document.set_seed(9)
    assert TrainingSession(again).origin is None


def test_a_checkpoint_of_a_network_with_other_activations_is_refused(project):
    session = TrainingSession(project)
    trainer, generation = start(session)
    old = session.run
    train(session, trainer, generation)
    project.document.set_activation(1, "relu")  # same shapes, another network
    with pytest.raises(DocumentError, match="relu"):
        session.use_checkpoint(old, old.checkpoints[-1])


def test_the_views_are_told_which_run_and_moment_to_show(project):
    session = TrainingSession(project)
    shown = []
    session.run_shown.connect(lambda run, checkpoint: shown.append((run, checkpoint)))
    trainer, generation = start(session)
    first = session.run
    assert shown == [(first, None)] and session.shown is first  # a new run, as it grows
    train(session, trainer, generation)
    assert session.shown is first  # the run that ended stays in view
    middle = first.checkpoints[len(first.checkpoints) // 2]
    session.use_checkpoint(first, middle)
    assert shown[-1] == (first, middle)
    assert session.origin == (first.id, middle.step, middle.epoch)
    project.document.set_weights(list(first.weights))
    other = Project(document=NetworkDocument(inputs=2, outputs=1), dataset=project.dataset)
    session.open(other)
    assert shown[-1] == (None, None) and session.project is other and session.origin is None
    session.open(project)  # back: its last run is shown, and the next run continues it
    assert shown[-1] == (first, None) and session.origin[0] == first.id
    session.forget(first)
    assert shown[-1] == (None, None) and session.origin is None


def test_a_snapshot_of_another_projects_run_reaches_nothing(project):
    session = TrainingSession(project)
    trainer, generation = start(session)
    snapshot = next(trainer.run())
    session.open(Project(document=NetworkDocument(inputs=2, outputs=1), dataset=project.dataset))
    assert not session.record(generation, snapshot)
    assert session.run is None and project.runs[-1].step == 0
