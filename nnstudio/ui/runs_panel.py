"""The runs panel: every training run of the project, to compare, rename, delete, and a
timeline to scrub through one run's checkpoints and branch from them."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSlider,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.model.runs import BEST, END, PAUSE, START, Checkpoint, Run, Runs, differences
from nnstudio.model.training import SETTING_NAMES

NAME, CHANGES, LOSS, BEST_LOSS, ACCURACY, EPOCHS, TIME = range(7)
COLUMNS = {
    NAME: ("Name", "Double-click or press F2 to rename"),
    CHANGES: (
        "Changes",
        "What this run changed from the run it started from (a branch, or a run trained "
        "again from its start), or else from the run before it",
    ),
    LOSS: ("Loss", "Training loss at the end of the run's latest epoch"),
    BEST_LOSS: ("Best", "Lowest loss of an epoch (validation loss when there is a split)"),
    ACCURACY: ("Accuracy", "Accuracy at the latest epoch (validation when there is a split)"),
    EPOCHS: ("Epochs", "Epochs trained (a branch counts on from where it started)"),
    TIME: ("Time", "Time spent training (pauses not counted)"),
}
WIDEST = {  # the widest text each column shows, for its width
    NAME: "Run 123",
    LOSS: "1.234e-05",
    BEST_LOSS: "1.234e-05",
    ACCURACY: "99.99%",
    EPOCHS: "12,345",
    TIME: "59 min 59 s",
}
OTHER_NAMES = {"network": "network", "dataset": "data"}
REASONS = {START: "start", PAUSE: "paused here", BEST: "best", END: "end"}
HINT = (
    "Press Play: each training run is kept here with its settings, curves and "
    "checkpoints. Select several runs to compare their curves, or scrub a run's "
    "timeline to see the network at any moment of its training."
)


def number(value) -> str:
    """Four significant digits; empty for None."""
    return "" if value is None else f"{value:.4g}"


def duration(seconds: float) -> str:
    """ "< 0.1 s", "4.2 s", "12 s", "3 min 4 s", "2 h 5 min"."""
    if 0 < seconds < 0.05:
        return "< 0.1 s"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


def _value(value) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def changes(run: Run, runs: Runs) -> list[str]:
    """What ``run`` changed, one phrase each ("optimizer adam → sgd"): from the run it
    started from (a branch, or a run trained again from its start), which it names
    first, else from the run before it."""
    phrases, base = [], runs.previous(run)
    if run.parent is not None:
        base = runs.get(run.parent[0])
        name = base.name if base is not None else f"run {run.parent[0]}"
        at_start = base is not None and run.parent[1] == base.start.step
        phrases.append(
            f"from the start of {name}" if at_start else f"from {name} @ step {run.parent[1]:,}"
        )
    for key, (before, after) in differences(run, base).items():
        name = SETTING_NAMES.get(key) or OTHER_NAMES.get(key, key)
        phrases.append(f"{name} {_value(before)} → {_value(after)}")
    return phrases


def checkpoint_text(checkpoint: Checkpoint) -> str:
    """ "step 1,234 · epoch 12 · loss 0.1234 · accuracy 97.5% · best"."""
    parts = [f"step {checkpoint.step:,}", f"epoch {checkpoint.epoch:,}"]
    metrics = checkpoint.metrics
    for key, label in (("loss", "loss"), ("val_loss", "validation loss")):
        if metrics.get(key) is not None:
            parts.append(f"{label} {metrics[key]:.4g}")
    accuracy = metrics.get("val_accuracy", metrics.get("accuracy"))
    if accuracy is not None:
        parts.append(f"accuracy {100 * accuracy:.4g}%")
    if checkpoint.reason in REASONS:
        parts.append(REASONS[checkpoint.reason])
    return " · ".join(parts)


class RunsPanel(QWidget):
    """Lists ``runs`` (following its events) and shows one run's timeline. Selecting runs
    emits ``sigCompare(runs)``; moving the timeline emits ``sigShowCheckpoint(run,
    checkpoint)``; the buttons emit ``sigBranch(run, checkpoint)`` and ``sigRetrain(run)``."""

    sigCompare = Signal(list)
    sigShowCheckpoint = Signal(object, object)
    sigBranch = Signal(object, object)
    sigRetrain = Signal(object)

    def __init__(self, runs: Runs, parent=None):
        super().__init__(parent)
        self.runs: Runs | None = None
        self._items: dict[Run, QTreeWidgetItem] = {}
        self._run: Run | None = None  # the run the timeline shows
        self._timeline: list[Checkpoint] = []
        self._shown: Checkpoint | None = None  # the checkpoint the slider is at
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._build_table()
        self._build_timeline()
        self.body = QWidget()  # everything but the hint
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.table, 1)
        body.addWidget(self.timeline_title)
        body.addWidget(self.slider)
        body.addWidget(self.position)
        buttons = QHBoxLayout()
        buttons.addWidget(self.branch)
        buttons.addWidget(self.retrain)
        buttons.addStretch(1)
        buttons.addWidget(self.delete)
        body.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.body, 1)
        self.set_runs(runs)

    def _build_table(self) -> None:
        table = self.table = QTreeWidget()
        table.setColumnCount(len(COLUMNS))
        header_item = table.headerItem()
        for column, (title, tip) in COLUMNS.items():
            header_item.setText(column, title)
            header_item.setToolTip(column, tip)
            if column >= LOSS:
                header_item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        table.setRootIsDecorated(False)
        # room for a comparison of several runs, taken from the panels above it
        table.setMinimumHeight(6 * table.fontMetrics().height() + 24)
        table.setUniformRowHeights(True)
        table.setAlternatingRowColors(True)
        table.setAllColumnsShowFocus(True)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setToolTip(
            "Each training run. Click one to see its timeline; Ctrl- or Shift-click "
            "several to compare their curves"
        )
        header = table.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(CHANGES, QHeaderView.ResizeMode.Stretch)
        metrics = table.fontMetrics()
        for column, text in WIDEST.items():
            width = max(metrics.horizontalAdvance(t) for t in (text, COLUMNS[column][0]))
            table.setColumnWidth(column, width + 16)
        header.setMinimumSectionSize(metrics.horizontalAdvance("Time") + 16)
        table.itemSelectionChanged.connect(self._on_selection_changed)
        table.itemDoubleClicked.connect(lambda item, _: table.editItem(item, NAME))
        table.itemChanged.connect(self._on_item_changed)
        rename = QShortcut(QKeySequence(Qt.Key.Key_F2), table)
        rename.setContext(Qt.ShortcutContext.WidgetShortcut)
        rename.activated.connect(self._rename_current)
        table.installEventFilter(self)  # the Delete key, before the window's own Delete

    def _build_timeline(self) -> None:
        self.timeline_title = QLabel()
        self.timeline_title.setToolTip(
            "The timeline of the selected run (of the newest run when none or several are selected)"
        )
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setPageStep(1)
        self.slider.setToolTip(
            "The run's checkpoints: its start, moments on a log-spaced schedule, pauses, "
            "the best epoch and the end. Drag (or use the arrow keys) to see the "
            "network at that moment"
        )
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.position = QLabel()
        self.position.setWordWrap(True)
        self.position.setToolTip("Where the timeline is")
        self.branch = QPushButton("Continue from here")
        self.branch.setToolTip("Start a new run (a branch) from the weights at this moment")
        self.branch.clicked.connect(self._on_branch_clicked)
        self.retrain = QPushButton("Train again from its start")
        self.retrain.setToolTip(
            "Train a new run from this run's initial weights with the current settings, "
            "e.g. to compare optimizers on the same start"
        )
        self.retrain.clicked.connect(self._on_retrain_clicked)
        self.delete = QPushButton("Delete")
        self.delete.setToolTip(
            "Delete the selected runs, with their history and checkpoints (Delete key)"
        )
        self.delete.clicked.connect(self._delete_selected)

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
        with QSignalBlocker(self.table):
            self.table.clear()
            self._items = {}
            for run in runs:
                self._items[run] = item = self._new_item(run)
                self.table.addTopLevelItem(item)
        self._show_timeline(None, None)
        self._on_selection_changed()

    def _new_item(self, run: Run) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        for column in range(LOSS, TIME + 1):
            item.setTextAlignment(
                column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
            )
        self._fill(item, run)
        return item

    def _fill(self, item: QTreeWidgetItem, run: Run) -> None:
        summary = run.summary()
        phrases = changes(run, self.runs)
        first = self.runs.previous(run) is None and run.parent is None
        accuracy = summary["accuracy"]
        texts = {
            NAME: run.name,
            CHANGES: ", ".join(phrases) or ("—" if first else "no change"),
            LOSS: number(summary["loss"]),
            BEST_LOSS: number(summary["best"]),
            ACCURACY: "" if accuracy is None else f"{100 * accuracy:.4g}%",
            EPOCHS: f"{summary['epochs']:,}",
            TIME: duration(summary["seconds"]),
        }
        with QSignalBlocker(self.table):
            for column, text in texts.items():
                if item.text(column) != text:
                    item.setText(column, text)
            item.setToolTip(NAME, f"{run.name} ({run.status}) · double-click or F2 to rename")
            item.setToolTip(
                CHANGES,
                "\n".join(phrases)
                or ("The first run" if first else "The same settings as the run before"),
            )

    def _fill_all(self) -> None:
        """Every row (the run before one, or its parent's name, may have changed)."""
        for run, item in self._items.items():
            self._fill(item, run)

    def _on_run_added(self, run: Run) -> None:
        self._items[run] = item = self._new_item(run)
        self.table.insertTopLevelItem(list(self.runs).index(run), item)
        self._update()

    def _on_run_removed(self, run: Run) -> None:
        item = self._items.pop(run)
        was_selected = item.isSelected()
        with QSignalBlocker(self.table):
            self.table.takeTopLevelItem(self.table.indexOfTopLevelItem(item))
        self._fill_all()
        if was_selected:
            self._on_selection_changed()
        else:
            self._update()

    def _on_run_changed(self, run: Run) -> None:
        self.refresh(run)
        for other, item in self._items.items():
            if other.parent is not None and other.parent[0] == run.id:
                self._fill(item, other)

    def refresh(self, run: Run) -> None:
        """``run`` changed: its row's numbers, and its timeline if shown (the slider
        stays at its checkpoint, or follows the newest one when it was at the end)."""
        item = self._items.get(run)
        if item is None:
            return
        self._fill(item, run)
        if run is self._run:
            at_end = self.slider.value() == self.slider.maximum()
            self._show_timeline(run, None if at_end else self._shown)

    # -- selection and the timeline -----------------------------------------------------

    def select_run(self, run: Run) -> None:
        """Select ``run`` alone."""
        item = self._items[run]
        with QSignalBlocker(self.table):
            self.table.clearSelection()
            self.table.setCurrentItem(item)
            item.setSelected(True)
        self.table.scrollToItem(item)
        self._on_selection_changed()

    def selected_runs(self) -> list[Run]:
        """The selected runs, in list order."""
        return [run for run in self.runs if self._items[run].isSelected()]

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
        if run is not self._run:
            self._show_timeline(run, None)

    def _show_timeline(self, run: Run | None, keep: Checkpoint | None) -> None:
        """Show ``run``'s timeline at ``keep`` (at its nearest step if it is gone), or at
        the end."""
        self._run = run
        self._timeline = run.timeline() if run is not None else []
        last = len(self._timeline) - 1
        index = last
        if keep is not None and self._timeline:
            index = next(
                (i for i, c in enumerate(self._timeline) if c is keep),
                min(range(last + 1), key=lambda i: abs(self._timeline[i].step - keep.step)),
            )
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, max(0, last))
            self.slider.setValue(max(0, index))
        self._shown = self._timeline[index] if self._timeline else None
        self._show_position()

    def _show_position(self) -> None:
        run, shown = self._run, self._shown
        title = "<b>Timeline</b>"
        if run is not None:
            count = len(self._timeline)
            title += f" · {run.name} · {count} checkpoint{'s' if count != 1 else ''}"
        self.timeline_title.setText(title)
        self.position.setText("No run yet" if shown is None else checkpoint_text(shown))
        self.slider.setEnabled(len(self._timeline) > 1)
        self.branch.setEnabled(shown is not None)
        self.retrain.setEnabled(run is not None)

    def _on_slider_moved(self, index: int) -> None:
        checkpoint = self._timeline[index]
        if checkpoint is not self._shown:
            self._shown = checkpoint
            self._show_position()
            self.sigShowCheckpoint.emit(self._run, checkpoint)

    # -- actions ------------------------------------------------------------------------

    def _on_branch_clicked(self) -> None:
        self.sigBranch.emit(self._run, self._shown)

    def _on_retrain_clicked(self) -> None:
        self.sigRetrain.emit(self._run)

    def _rename_current(self) -> None:
        item = self.table.currentItem()
        if item is not None:
            self.table.editItem(item, NAME)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        run = next(run for run, shown in self._items.items() if shown is item)
        if column == NAME and item.text(NAME) != run.name:
            self.runs.rename(run, item.text(NAME))
            self._fill(item, run)  # a refused name (empty) shows the old one again

    def eventFilter(self, watched, event) -> bool:
        """Delete in the table deletes runs: the table claims the key (ShortcutOverride)
        so that the window's Delete-layer shortcut does not take it."""
        if watched is self.table and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            if event.matches(QKeySequence.StandardKey.Delete):
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    self._delete_selected()
                return True
        return super().eventFilter(watched, event)

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
