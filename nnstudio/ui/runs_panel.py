"""The runs panel: every training run of the project in a table, to compare, rename and
delete, and the timeline of one run, to scrub through its checkpoints and branch from
them. The timeline follows the selection, and a new run once it is added."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from nnstudio.model.runs import Run, Runs
from nnstudio.ui.run_timeline import RunTimeline
from nnstudio.ui.runs_table import RunsTable

HINT = (
    "Press Play: each training run is kept here with its settings, curves and "
    "checkpoints. Select several runs to compare their curves, or scrub a run's "
    "timeline to see the network at any moment of its training."
)


class RunsPanel(QWidget):
    """Lists ``runs`` (following its events) and shows one run's timeline: the selected
    run's, else the newest run's. Selecting runs emits ``sigCompare(runs)``; moving the
    timeline emits ``sigShowCheckpoint(run, checkpoint)``; its buttons emit
    ``sigBranch(run, checkpoint)`` and ``sigRetrain(run)``.

    A run added while one run is selected is selected in its place (the branch just
    started from it, or the run trained after it); a comparison of several runs stays
    selected, and the timeline shows the new run, the newest."""

    sigCompare = Signal(list)
    sigShowCheckpoint = Signal(object, object)
    sigBranch = Signal(object, object)
    sigRetrain = Signal(object)

    def __init__(self, runs: Runs, parent=None):
        super().__init__(parent)
        self.runs: Runs | None = None
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.table = RunsTable()
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.table.sigDeleteRequested.connect(self._delete_selected)
        self.timeline = RunTimeline()
        self.timeline.sigShowCheckpoint.connect(self.sigShowCheckpoint)
        self.timeline.sigBranch.connect(self.sigBranch)
        self.timeline.sigRetrain.connect(self.sigRetrain)
        # the timeline's controls, as the window (and a user's script) knows them
        self.slider, self.branch, self.retrain = (
            self.timeline.slider,
            self.timeline.branch,
            self.timeline.retrain,
        )
        self.delete = QPushButton("Delete")
        self.delete.setToolTip(
            "Delete the selected runs, with their history and checkpoints (Delete key)"
        )
        self.delete.clicked.connect(self._delete_selected)
        self.timeline.buttons.addWidget(self.delete)
        self.body = QWidget()  # everything but the hint
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.table, 1)
        body.addWidget(self.timeline)
        # the hint needs the room of the runs it gives way to: the first run leaves the
        # panels around where they were
        self.hint.setMinimumSize(self.body.minimumSizeHint())
        self._size_hint = self.body.minimumSizeHint()
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.body, 1)
        self.set_runs(runs)

    def sizeHint(self) -> QSize:
        """The same with runs or without (the window's panels keep their sizes)."""
        return self._size_hint

    # -- the model ----------------------------------------------------------------------

    def set_runs(self, runs: Runs) -> None:
        """Show another project's runs (following its events from now on)."""
        if self.runs is not None:
            self.runs.run_added.disconnect(self._on_run_added)
            self.runs.run_removed.disconnect(self._on_run_removed)
            self.runs.run_changed.disconnect(self._on_run_changed)
        self.runs = runs
        runs.run_added.connect(self._on_run_added)
        runs.run_removed.connect(self._on_run_removed)
        runs.run_changed.connect(self._on_run_changed)
        self.table.set_runs(runs)
        self.timeline.show_run(None)
        self._on_selection_changed()

    def _on_run_added(self, run: Run) -> None:
        self.table.add_row(run)
        if len(self.table.selected_runs()) == 1:
            self.select_run(run)
        else:
            self._update()

    def _on_run_removed(self, run: Run) -> None:
        was_selected = self.table.remove_row(run)
        self.table.fill_all()
        if was_selected:
            self._on_selection_changed()
        else:
            self._update()

    def _on_run_changed(self, run: Run) -> None:
        self.refresh(run)
        for other in self.runs:
            if other.parent is not None and other.parent[0] == run.id:
                self.table.fill(other)

    def refresh(self, run: Run) -> None:
        """``run`` changed: its row's numbers, and its timeline if shown (the slider
        stays at its checkpoint, or follows the newest one when it was at the end)."""
        self.table.fill(run)
        if run is not None and run is self.timeline.run:
            self.timeline.refresh()

    # -- selection and the timeline -----------------------------------------------------

    def select_run(self, run: Run) -> None:
        """Select ``run`` alone."""
        self.table.select([run])
        self._on_selection_changed()

    def selected_runs(self) -> list[Run]:
        """The selected runs, in list order."""
        return self.table.selected_runs()

    def _on_selection_changed(self) -> None:
        self._update()
        self.sigCompare.emit(self.selected_runs())

    def _update(self) -> None:
        """The hint, the Delete button and which run the timeline shows."""
        selected = self.selected_runs()
        empty = not len(self.runs)
        self.hint.setVisible(empty)
        self.body.setVisible(not empty)
        self.delete.setEnabled(bool(selected))
        run = selected[0] if len(selected) == 1 else (None if empty else self.runs[-1])
        if run is not self.timeline.run:
            self.timeline.show_run(run)

    # -- deleting -----------------------------------------------------------------------

    def _delete_selected(self) -> None:
        selected = self.selected_runs()
        if not selected:
            return
        question = (
            f"Delete the run “{selected[0].name}”"
            if len(selected) == 1
            else f"Delete {len(selected)} runs"
        )
        answer = QMessageBox.question(
            self,
            "Delete runs",
            f"{question} with {'its' if len(selected) == 1 else 'their'} history and "
            "checkpoints? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        with QSignalBlocker(self):  # one sigCompare, after all are gone
            for run in selected:
                self.runs.remove(run)
        self._on_selection_changed()
