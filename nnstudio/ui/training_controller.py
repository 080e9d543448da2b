"""Connects the training panel, the worker thread, the training session and the views.

Snapshots arrive from the worker (≤ 30 a second) and are recorded into the session's
live run at once; the views follow the session's events (which run they show) and are
drawn by one timer (:mod:`~nnstudio.ui.frame_pacing`), so a burst of snapshots costs
one frame. Each frame draws one group of views in turn (``TURNS``); the data views get
theirs as a :class:`Frame` (``sigFrame``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Signal

from nnstudio import datasets
from nnstudio.engine.network import Network
from nnstudio.engine.trainer import DIVERGED, RUNNING, Snapshot
from nnstudio.errors import NNStudioError
from nnstudio.model.project import Project
from nnstudio.model.runs import Checkpoint, Run
from nnstudio.model.session import TrainingSession
from nnstudio.model.training import TrainingRun, make_run, prepare_data, settings_of
from nnstudio.ui.boundary_plot import BoundaryPlot, draws
from nnstudio.ui.frame_pacing import FramePacer
from nnstudio.ui.plots import LossPlot
from nnstudio.ui.training_bridge import TrainingBridge
from nnstudio.ui.training_panel import TrainingPanel

# what each frame draws in turn: the network's colours, the loss and accuracy curves,
# the data views (decision boundary, node maps, weights, evaluation)
TURNS = ("canvas", "curves", "data views")
SETTLE_SECONDS = 2.0  # the longest an edit waits for a run to report that it paused


@dataclass(frozen=True)
class Frame:
    """What the live views draw: the network with the weights shown, the data as the
    network sees it (split and scaled), and the snapshot these weights come from."""

    net: Network
    parts: datasets.Split
    scaler: datasets.Scaler
    data: datasets.Dataset
    snapshot: Snapshot | None = None


class TrainingController(QObject):
    """Plays, pauses, steps and resets training of the window's project."""

    sigMessage = Signal(str)
    sigFrame = Signal(object)  # Frame, on the data views' turn

    def __init__(
        self,
        project: Project,
        panel: TrainingPanel,
        loss_plot: LossPlot,
        boundary: BoundaryPlot,
        parent=None,
    ):
        super().__init__(parent)
        self.panel, self.loss_plot, self.boundary = panel, loss_plot, boundary
        self.bridge = TrainingBridge(self)
        self.live: TrainingRun | None = None  # what the live run trains on
        self._display_net: Network | None = None
        self.latest: Snapshot | None = None  # the live run's latest snapshot
        self.snapshots = 0
        self._turn = 0
        self._drawn: dict[str, Snapshot | None] = dict.fromkeys(TURNS)
        self._checkpoint: Checkpoint | None = None  # the moment shown, if not the latest
        self._committed: list | None = None  # the live run's weights last put in the document
        self._awaiting_pause = self._paused_for_edit = False  # see pause_for_edit
        self.pacer = FramePacer(self)
        self.pacer.timer.timeout.connect(self._draw)
        panel.sigPlay.connect(self.play)
        panel.sigPause.connect(self.pause)
        panel.sigStep.connect(self.step)
        panel.sigStepEpoch.connect(self.step_epoch)
        panel.sigReset.connect(self.reset)
        panel.sigSpeedChanged.connect(self._on_speed)
        self.bridge.sigSnapshot.connect(self._on_snapshot)
        self.bridge.sigFailed.connect(self._on_failed)
        self.bridge.sigFinished.connect(lambda: self.panel.set_running(False))
        self.project = project
        self.session = TrainingSession(project)
        loss_plot.follow(self.session)
        self.session.run_shown.connect(self._on_shown)
        project.settings_changed.connect(self._on_settings_changed)
        self._show_project()

    # -- state ------------------------------------------------------------------------

    @property
    def training(self) -> bool:
        """True while a run trains (not paused, not finished)."""
        return (
            self.bridge.running
            and self.bridge.trainer is not None
            and not self.bridge.trainer.paused
        )

    def set_project(self, project: Project) -> None:
        """Show another project: its settings, and its last run's curves and counters."""
        self.invalidate()
        self.project.settings_changed.disconnect(self._on_settings_changed)
        self.project = project
        project.settings_changed.connect(self._on_settings_changed)
        self._show_project()
        self.preview()

    def _show_project(self) -> None:
        """The project's settings, and its last run (the session shows it)."""
        self.panel.show_settings(settings_of(self.project))
        self.panel.show_banner("")
        self.loss_plot.set_overlays([])
        self.session.open(self.project)

    def preview(self) -> None:
        """Not training: show the data and what the document's weights make of it."""
        if self.bridge.running:
            return
        try:
            data = self.project.load_dataset()
            parts, scaler = prepare_data(self.project)
            net = Network.from_spec(
                self.project.document.spec(), dtype=settings_of(self.project)["dtype"]
            )
            net.set_weights(self.project.document.weights())
        except NNStudioError:
            self.boundary.clear_data()
            return
        self._choose_curves(data, parts)
        self.boundary.show_data(parts.train, parts.test)
        self.boundary.update_from(net)
        self.sigFrame.emit(Frame(net, parts, scaler, data))

    def _choose_curves(self, data: datasets.Dataset, parts: datasets.Split) -> None:
        self.loss_plot.show_curves(
            accuracy=data.task == datasets.CLASSIFICATION, validation=parts.validation is not None
        )

    def invalidate(self) -> None:
        """End the live run (it stays in the project's runs, with every snapshot that
        was on its way): the next Play starts a new run."""
        self.shutdown()
        self.session.end()
        self.live = self.latest = None

    def commit_weights(self) -> None:
        """Put the live run's latest weights into the document now (before an edit or a
        save: the canvas takes them only on its turn)."""
        if (
            self.latest is not None
            and self.live is not None
            and self._drawn["canvas"] is not self.latest
        ):
            self._drawn["canvas"] = self.latest
            self._commit(list(self.latest.weights))

    def _commit(self, weights: list) -> None:
        """The live run's weights into the document; an edit that replaces them (a move
        re-carries them) no longer fits the run (:meth:`follow_document`)."""
        self.project.document.set_weights(weights)
        self._committed = self.project.document.explicit_weights()

    def pause_for_edit(self) -> None:
        """Before an edit: a run training pauses (and says so), and the document takes
        the weights it paused with, which the edit keeps. Play goes on with the run if
        the edit leaves it fitting the project (see :meth:`follow_document`); a refused
        or cancelled edit lets it play on (:meth:`edit_made_nothing`)."""
        run = self.session.run
        if self.training and run is not None:  # (a run that just ended may not be over yet)
            name = run.name
            self._awaiting_pause = True
            self.pause()
            deadline = time.monotonic() + SETTLE_SECONDS
            while self._awaiting_pause and time.monotonic() < deadline:
                # the snapshots on their way (no clicks or keys meanwhile; an edit asked
                # for by a queued signal reads the project after this one is done)
                QCoreApplication.processEvents(
                    QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents, 20
                )
            self._paused_for_edit = True
            self.sigMessage.emit(f"{name} is paused for the edit.")
        self.commit_weights()

    def edit_made_nothing(self) -> None:
        """An edit was refused or cancelled: a run paused for it plays on."""
        if self._paused_for_edit and self.session.run is not None and self.bridge.running:
            self.play()
        self._paused_for_edit = False

    def weights_edited(self) -> None:
        """Weights were set by hand, imported, or such an edit undone: a paused run
        trains on from the document's weights (the next snapshot shows them)."""
        if self.bridge.running and self.bridge.trainer is not None:
            self.bridge.trainer.set_weights(self.project.document.weights())
            self._committed = self.project.document.explicit_weights()
        else:
            self.preview()

    def follow_document(self) -> None:
        """An edit or an undo changed the project: a live run that no longer fits the
        network, the data or the settings it trains with, or whose weights the edit
        replaced, ends (it is kept in Runs, and the user is told); the counters say
        what still holds of the run shown."""
        self._paused_for_edit = False
        run = self.session.run
        replaced = self.project.document.explicit_weights() is not self._committed
        if run is not None and (replaced or not self.session.fits(run, with_settings=True)):
            name = run.name
            self.live = None  # its last snapshots are recorded, not drawn on this network
            self.invalidate()
            self.loss_plot.redraw()  # with those last snapshots
            self.sigMessage.emit(
                f"This change ends {name} (it is kept in Runs); Play starts a new run "
                "from the weights kept."
            )
        self._show_counters()

    def forget_run(self, run: Run) -> None:
        """``run`` was deleted: it stops if it trains, and no view shows it any more."""
        if run is self.session.run:
            self.invalidate()
        self.session.forget(run)

    def shutdown(self) -> None:
        self.bridge.shutdown()
        self.panel.set_running(False)

    # -- buttons ----------------------------------------------------------------------

    def _ensure_run(self, paused: bool) -> bool:
        if self.session.run is not None and self.bridge.running:
            return True
        try:
            live = make_run(self.project, in_process=False)
        except NNStudioError as exc:
            self.sigMessage.emit(str(exc))
            self.panel.show_banner(str(exc))
            return False
        self.panel.show_banner("")
        live.trainer.steps_per_second = self.panel.steps_per_second()
        self.pacer.new_run()
        self.live, self.latest = live, None
        self._drawn = dict.fromkeys(TURNS)
        settings = settings_of(self.project)
        steps_per_epoch = max(1, math.ceil(len(live.parts.train.X) / settings["batch_size"]))
        self._choose_curves(live.data, live.parts)
        generation = self.session.begin(steps_per_epoch)
        self._commit(list(self.project.document.weights()))  # what the run starts from
        self._display_net = Network.from_spec(
            self.project.document.spec(), dtype=live.net.dtype.name
        )
        if settings["validation_split"] and live.parts.validation is None:
            self.sigMessage.emit(
                "The validation split is too small to hold a sample of "
                "this dataset: training runs without validation."
            )
        self.boundary.show_data(live.parts.train, live.parts.test)
        self.bridge.start(live.trainer, generation, paused=paused)
        return True

    def play(self) -> None:
        if self._ensure_run(paused=False):
            self.bridge.resume()
            self.panel.set_running(True)

    def pause(self) -> None:
        self.bridge.pause()
        self.panel.set_running(False)

    def step(self) -> None:
        if self._ensure_run(paused=True):
            self.bridge.step()
            self.panel.set_running(False)

    def step_epoch(self) -> None:
        if self._ensure_run(paused=True):
            self.bridge.step_epoch()
            self.panel.set_running(False)

    def reset(self) -> None:
        """End the run, and show the seeded initial weights in every view."""
        self.invalidate()
        self.project.document.set_seed(settings_of(self.project)["seed"])
        self.session.show(None)
        self.panel.show_banner("")
        self.preview()

    def show_checkpoint(self, run: Run, checkpoint: Checkpoint) -> bool:
        """Show the network as it was at ``checkpoint`` in every view (a live run is
        ended first); Play then trains a branch from there."""
        try:
            self.session.check_network(run)
        except NNStudioError as exc:
            self.sigMessage.emit(f"{exc}: change the network back to look at its checkpoints.")
            return False
        self.invalidate()
        self.session.use_checkpoint(run, checkpoint)
        self.preview()
        return True

    def branch(self, run: Run, checkpoint: Checkpoint) -> None:
        """Continue training from ``checkpoint``: a new run, a branch of ``run``."""
        if self.show_checkpoint(run, checkpoint):
            self.play()

    def retrain(self, run: Run) -> None:
        """Train a new run from ``run``'s initial weights with the current settings (a
        branch of ``run`` at its start: compared with it in the runs list)."""
        if self.show_checkpoint(run, run.start):
            self.play()

    # -- from the model and the worker ------------------------------------------------

    def _on_settings_changed(self) -> None:
        """Settings changed (an edit, or its undo): the learning rate takes effect live;
        the panel shows them, the banner what stops the network from training."""
        settings = settings_of(self.project)
        self.panel.show_settings(settings)
        trainer = self.bridge.trainer
        if self.session.run is not None and trainer is not None:
            trainer.lr = settings["lr"]  # the run logs it as the trainer reports it
        problems = self.project.document.problems()
        self.panel.show_banner(problems[0] if problems else "")
        self.preview()

    def _on_speed(self, steps_per_second: float | None) -> None:
        """The speed control moved: the live run takes the new pace at its next step."""
        trainer = self.bridge.trainer
        if self.session.run is not None and trainer is not None:
            trainer.steps_per_second = steps_per_second

    def _on_shown(self, run: Run | None, checkpoint: Checkpoint | None) -> None:
        self._checkpoint = checkpoint
        self._show_counters()

    def _on_snapshot(self, generation: int, snapshot: Snapshot) -> None:
        if not self.session.record(generation, snapshot):
            return
        self.snapshots += 1
        self.latest = snapshot
        if snapshot.status != RUNNING:
            self._awaiting_pause = False
        if snapshot.status == DIVERGED:
            self.panel.show_banner(snapshot.message)
            self.sigMessage.emit("Training diverged: the last sound weights are back.")
        if snapshot.status != "running":
            self.panel.set_running(False)
            self._draw()

    def _on_failed(self, message: str) -> None:
        self.panel.show_banner(f"Training stopped: {message}")
        self.panel.set_running(False)

    def _show_counters(self, rate: float | None = None) -> None:
        """Where the run shown is (or the checkpoint looked at); its metrics only while
        they describe the network and the data designed now."""
        run, moment = self.session.shown, self._checkpoint
        if run is None:
            self.panel.show_counters(0, 0, None, {})
            return
        epoch, step, metrics = (
            (moment.epoch, moment.step, moment.metrics)
            if moment is not None
            else (run.epoch, run.step, run.metrics)
        )
        self.panel.show_counters(epoch, step, rate, metrics if self.session.fits(run) else {})

    def _draw(self) -> None:
        """One frame: the next group of views in turn that has not drawn the latest
        snapshot (so no frame paints every view at once), and the counters; the last
        snapshot of a run is drawn by all of them."""
        snapshot, live = self.latest, self.live
        if snapshot is None or live is None:
            return
        turns = [TURNS[(self._turn + k) % len(TURNS)] for k in range(len(TURNS))]
        stale = [turn for turn in turns if self._drawn[turn] is not snapshot]
        if not stale:
            return
        last = snapshot.status != "running"
        if not last:
            stale = stale[:1]
            self._turn = TURNS.index(stale[0]) + 1
        for turn in stale:
            self._drawn[turn] = snapshot
            if turn == "canvas":
                self._commit(list(snapshot.weights))
            elif turn == "curves":
                self.loss_plot.redraw()
            else:
                self._display_net.set_weights(snapshot.weights)
                if draws(live.parts.train):
                    self.boundary.update_from(self._display_net)
                self.sigFrame.emit(
                    Frame(self._display_net, live.parts, live.scaler, live.data, snapshot)
                )
        self._show_counters(None if last else snapshot.samples_per_second)
        self.pacer.pace(snapshot, self.bridge.trainer)
