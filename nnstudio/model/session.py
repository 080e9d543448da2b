"""The live training run of a project: begun, fed snapshots, ended; and the run (and
moment) the views show.

Views follow its events instead of reading the document. One generation counter
guarantees that nothing from an earlier run (or an earlier network, or another
project) reaches the views of the current one: :meth:`TrainingSession.record` drops
any snapshot not tagged with the current generation.
"""

from __future__ import annotations

from psygnal import Signal

from nnstudio.engine.snapshot import PAUSED, RUNNING, STOPPED
from nnstudio.model.document import DocumentError
from nnstudio.model.project import Project
from nnstudio.model.references import same_data
from nnstudio.model.runs import Checkpoint, Run, network_shape, same_weights
from nnstudio.model.training import settings_of


class TrainingSession:
    """Events: ``run_started(run)``, ``recorded(run, snapshot)``, ``run_ended(run)``,
    and ``run_shown(run, checkpoint)``: the views now show ``run`` (None: no run) as it
    is, or at ``checkpoint`` (None: its latest weights)."""

    run_started = Signal(object)
    recorded = Signal(object, object)
    run_ended = Signal(object)
    run_shown = Signal(object, object)

    def __init__(self, project: Project):
        self.run: Run | None = None
        self.generation = 0
        self.shown: Run | None = None
        self.open(project)

    def open(self, project: Project) -> None:
        """Follow ``project`` (the live run of another ends): its last run is shown,
        and if the document holds that run's weights, the next run continues it."""
        self.end()
        self.project = project
        # where the document's weights come from: (run id, step, epoch) of a run's
        # checkpoint or its end; a new run started from them is that run's branch
        self.origin: tuple[int, int, int] | None = None
        last = project.runs[-1] if len(project.runs) else None
        weights = project.document.explicit_weights()
        if last is not None and weights is not None and same_weights(weights, last.weights):
            self.origin = (last.id, last.step, last.epoch)  # a reopened project goes on
        self.show(last)

    def show(self, run: Run | None, checkpoint: Checkpoint | None = None) -> None:
        """The views show ``run`` (at ``checkpoint``)."""
        self.shown = run
        self.run_shown.emit(run, checkpoint)

    def forget(self, run: Run) -> None:
        """``run`` was deleted: it ends if it trains, nothing continues it, no view
        shows it."""
        if run is self.run:
            self.end()
        if self.origin is not None and self.origin[0] == run.id:
            self.origin = None
        if run is self.shown:
            self.show(None)

    def begin(self, steps_per_epoch: int) -> int:
        """Start a new run from the document's weights; returns its generation."""
        self.end()
        project, doc = self.project, self.project.document
        parent = self.origin if doc.explicit_weights() is not None else None
        runs = project.runs
        run_id = runs.next_id()
        run = Run(
            run_id,
            f"Run {run_id}",
            settings_of(project),
            doc.spec(),
            project.dataset,
            doc.weights(),
            parent=parent[:2] if parent else None,
            start_epoch=parent[2] if parent else 0,
            steps_per_epoch=steps_per_epoch,
        )
        self.run = run
        self.generation += 1
        runs.add(run)
        self.run_started.emit(run)
        self.show(run)
        return self.generation

    def record(self, generation: int, snapshot) -> bool:
        """Record a snapshot of the live run; False (and nothing recorded) if it is
        from another generation."""
        run = self.run
        if run is None or generation != self.generation:
            return False
        run.record(snapshot)
        self.recorded.emit(run, snapshot)
        if snapshot.finished:
            self.end()
        return True

    def end(self) -> None:
        """The live run is over (finished, or the network or data changed)."""
        run, self.run = self.run, None
        if run is None:
            return
        self.generation += 1
        if run.status in ("new", RUNNING, PAUSED):
            run.status = STOPPED
        self.origin = (run.id, run.step, run.epoch)
        self.run_ended.emit(run)

    def fits(self, run: Run, with_settings: bool = False) -> bool:
        """True if ``run`` trained the network and the data of the project now (and,
        ``with_settings``, its settings but the learning rate, which changes live)."""
        project = self.project
        fits = network_shape(run.network) == network_shape(project.document.spec()) and same_data(
            run.dataset, project.dataset
        )
        if fits and with_settings:
            settings = {k: v for k, v in settings_of(project).items() if k != "lr"}
            fits = settings == {k: v for k, v in run.settings.items() if k != "lr"}
        return fits

    def check_network(self, run: Run) -> None:
        """Raise DocumentError unless ``run`` trained the network designed now (sizes
        and activations)."""
        trained = network_shape(run.network)
        designed = network_shape(self.project.document.spec())
        if trained != designed:
            raise DocumentError(f"{run.name} trained a {trained} network; this one is {designed}")

    def use_checkpoint(self, run: Run, checkpoint: Checkpoint) -> None:
        """Put ``checkpoint``'s weights into the document: a run started now branches
        from it; the live run ends. Raises DocumentError if that run trained another
        network (then nothing changes: the document, the live run)."""
        self.check_network(run)
        self.project.document.set_weights(list(checkpoint.weights))
        self.end()
        self.origin = (run.id, checkpoint.step, checkpoint.epoch)
        self.show(run, checkpoint)
