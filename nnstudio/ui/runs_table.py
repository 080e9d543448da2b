"""The runs table: a row for each run with how it did and, on a line of its own under
it, what it changed; names are edited in place and the Delete key asks to delete the
selected runs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QRect, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
)

from nnstudio.model.runs import Run, Runs
from nnstudio.ui.run_text import changes, duration, epochs, number

NAME, LOSS, BEST_LOSS, ACCURACY, EPOCHS, TIME = range(6)
COLUMNS = {
    NAME: (
        "Name",
        "The run (double-click or press F2 to rename) and, under it, what it changed "
        "from the run it started from (a branch, or a run trained again from its "
        "start), or else from the run before it, and the learning rate changes made "
        "while it trained",
    ),
    LOSS: ("Loss", "Training loss at the end of the run's latest epoch"),
    BEST_LOSS: ("Best", "Lowest loss of an epoch (validation loss when there is a split)"),
    ACCURACY: ("Accuracy", "Accuracy at the latest epoch (validation when there is a split)"),
    EPOCHS: (
        "Epochs",
        "Epochs trained. A branch counts on from the epoch it started at: 510 (+10) is "
        "epoch 510, 10 of them trained in this run",
    ),
    TIME: ("Time", "Time spent training (pauses not counted)"),
}
TYPICAL = {  # the numbers' usual widest texts: their columns' first widths (they grow)
    LOSS: "0.1234",
    BEST_LOSS: "0.1234",
    ACCURACY: "99.9%",
    EPOCHS: "1,234",
    TIME: "12.3 s",
}
PADDING = 14  # room around a cell's text
CHANGES_ROLE = Qt.ItemDataRole.UserRole  # the line under the name: what the run changed
CHANGES_TIP_ROLE = Qt.ItemDataRole.UserRole + 1  # and its tooltip
CHANGES_FLAGS = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
INDENT, RIGHT, BOTTOM = 12, 4, 3  # the changes line's margins in its row


class RunDelegate(QStyledItemDelegate):
    """The name's cell, as tall as the row's changes line needs below the name; its
    editor on the name alone."""

    def __init__(self, table: RunsTable):
        super().__init__(table)
        self.table = table

    def sizeHint(self, option, index):
        size = super().sizeHint(option, index)
        size.setHeight(size.height() + self.table.changes_height(index.data(CHANGES_ROLE)))
        return size

    def updateEditorGeometry(self, editor, option, index):
        rect = QRect(option.rect)
        rect.setHeight(rect.height() - self.table.changes_height(index.data(CHANGES_ROLE)))
        editor.setGeometry(rect)


class RunsTable(QTreeWidget):
    """A row for each of ``runs`` (the panel that holds it adds, fills and removes
    them as the runs change): its name and numbers, and under them, across the whole
    row and wrapped to its width, what it changed (the row grows to show it all). The
    name's column takes the width the numbers leave; theirs grow to fit them. Renaming
    a row renames its run; the Delete key emits ``sigDeleteRequested``."""

    sigDeleteRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs = Runs()
        self._items: dict[Run, QTreeWidgetItem] = {}
        self.setColumnCount(len(COLUMNS))
        header_item = self.headerItem()
        for column, (title, tip) in COLUMNS.items():
            header_item.setText(column, title)
            header_item.setToolTip(column, tip)
            if column != NAME:
                header_item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
        self.setRootIsDecorated(False)
        # room for a comparison of several runs, taken from the panels above it
        self.setMinimumHeight(6 * self.fontMetrics().height() + 24)
        self.setItemDelegateForColumn(NAME, RunDelegate(self))
        self.setAlternatingRowColors(True)
        self.setAllColumnsShowFocus(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setToolTip(
            "Each training run. Click one to see its timeline; Ctrl- or Shift-click "
            "several to compare their curves"
        )
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        for column, text in TYPICAL.items():
            width = max(metrics.horizontalAdvance(t) for t in (text, COLUMNS[column][0]))
            self.setColumnWidth(column, width + PADDING)
        header.setMinimumSectionSize(metrics.horizontalAdvance("Run 12") + PADDING)
        # the rows' heights follow the width their changes are wrapped to
        header.sectionResized.connect(self.scheduleDelayedItemsLayout)
        self.itemDoubleClicked.connect(lambda item, _: self.editItem(item, NAME))
        self.itemChanged.connect(self._on_item_changed)
        rename = QShortcut(QKeySequence(Qt.Key.Key_F2), self)
        rename.setContext(Qt.ShortcutContext.WidgetShortcut)
        rename.activated.connect(self._rename_current)

    # -- rows -------------------------------------------------------------------------

    def set_runs(self, runs: Runs) -> None:
        """A row for each of ``runs``, and none else."""
        self.runs = runs
        with QSignalBlocker(self):
            self.clear()
            self._items = {}
            for run in runs:
                self.addTopLevelItem(self._new_item(run))

    def add_row(self, run: Run) -> None:
        """``run`` was added to the runs: its row, where it is in the list."""
        self.insertTopLevelItem(list(self.runs).index(run), self._new_item(run))

    def remove_row(self, run: Run) -> bool:
        """``run`` was removed: its row goes. True if it was selected."""
        item = self._items.pop(run)
        was_selected = item.isSelected()
        with QSignalBlocker(self):
            self.takeTopLevelItem(self.indexOfTopLevelItem(item))
        return was_selected

    def fill(self, run: Run) -> None:
        """``run``'s row shows what it is now (if it has one)."""
        item = self._items.get(run)
        if item is None:
            return
        summary = run.summary()
        changed, changed_tip = changes(run, self.runs)
        epoch_text, epoch_tip = epochs(run)
        accuracy = summary["accuracy"]
        texts = {
            NAME: run.name,
            LOSS: number(summary["loss"]),
            BEST_LOSS: number(summary["best"]),
            ACCURACY: "" if accuracy is None else f"{100 * accuracy:.4g}%",
            EPOCHS: epoch_text,
            TIME: duration(summary["seconds"]),
        }
        with QSignalBlocker(self):
            for column, text in texts.items():
                if item.text(column) != text:
                    item.setText(column, text)
                    if column != NAME:
                        self._fit(column, text)
            if item.data(NAME, CHANGES_ROLE) != changed:
                item.setData(NAME, CHANGES_ROLE, changed)
            item.setData(NAME, CHANGES_TIP_ROLE, changed_tip)
            item.setToolTip(NAME, f"{run.name} ({run.status}) · double-click or F2 to rename")
            item.setToolTip(EPOCHS, epoch_tip)

    def fill_all(self) -> None:
        """Every row (the run before one, or its parent's name, may have changed)."""
        for run in self._items:
            self.fill(run)

    def _new_item(self, run: Run) -> QTreeWidgetItem:
        """``run``'s row, filled (to be put in the table)."""
        item = QTreeWidgetItem()
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        item.setTextAlignment(NAME, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for column in TYPICAL:
            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._items[run] = item
        self.fill(run)
        return item

    def _fit(self, column: int, text: str) -> None:
        """Widen ``column`` to show ``text`` whole (a number cut short would mislead)."""
        width = self.fontMetrics().horizontalAdvance(text) + PADDING
        if width > self.columnWidth(column):
            self.setColumnWidth(column, width)

    # -- the changes line -------------------------------------------------------------

    def changes_height(self, text: str | None) -> int:
        """The height of a changes line (0 for none), wrapped to the rows' width."""
        if not text:
            return 0
        bounds = QRect(0, 0, self._changes_width(), 1 << 20)
        return self.fontMetrics().boundingRect(bounds, CHANGES_FLAGS, text).height() + BOTTOM

    def changes_rect(self, item: QTreeWidgetItem) -> QRect:
        """Where ``item``'s changes line is, in the viewport (empty if it has none)."""
        height = self.changes_height(item.data(NAME, CHANGES_ROLE))
        bottom = self.visualItemRect(item).bottom() + 1
        return QRect(INDENT, bottom - height, self._changes_width(), max(0, height - BOTTOM))

    def _changes_width(self) -> int:
        """The changes lines' width: the visible width of a row (they do not scroll
        sideways with the numbers when those do not fit)."""
        return self.viewport().width() - INDENT - RIGHT

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # the changes lines wrap to the new width

    def drawRow(self, painter, option, index) -> None:
        super().drawRow(painter, option, index)
        item = self.itemFromIndex(index)
        text = item.data(NAME, CHANGES_ROLE)
        if not text:
            return
        selected = self.selectionModel().isSelected(index)
        painter.save()
        painter.setPen(
            option.palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            )
        )
        painter.drawText(self.changes_rect(item), CHANGES_FLAGS, text)
        painter.restore()

    def viewportEvent(self, event) -> bool:
        """Over a changes line, its tooltip tells every change."""
        if event.type() == QEvent.Type.ToolTip:
            item = self.itemAt(event.pos())
            if item is not None and self.changes_rect(item).contains(event.pos()):
                rect = self.changes_rect(item)
                QToolTip.showText(
                    event.globalPos(), item.data(NAME, CHANGES_TIP_ROLE), self.viewport(), rect
                )
                return True
        return super().viewportEvent(event)

    # -- selection --------------------------------------------------------------------

    def selected_runs(self) -> list[Run]:
        """The selected runs, in list order."""
        return [run for run in self.runs if self._items[run].isSelected()]

    def select(self, runs: list[Run]) -> None:
        """Select ``runs`` and no other, the last one current (no signal)."""
        with QSignalBlocker(self):
            self.clearSelection()
            for run in runs:
                self._items[run].setSelected(True)
            if runs:
                current = self._items[runs[-1]]
                self.setCurrentItem(current, 0, QItemSelectionModel.SelectionFlag.NoUpdate)
        if runs:
            self.scrollToItem(self._items[runs[-1]])

    # -- renaming and deleting --------------------------------------------------------

    def _rename_current(self) -> None:
        item = self.currentItem()
        if item is not None:
            self.editItem(item, NAME)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        run = next(run for run, shown in self._items.items() if shown is item)
        if column == NAME and item.text(NAME) != run.name:
            self.runs.rename(run, item.text(NAME))
            self.fill(run)  # a refused name (empty) shows the old one again

    def event(self, event) -> bool:
        """The table claims the Delete key (ShortcutOverride), so that the window's
        Delete-layer shortcut does not take it while the runs have the focus."""
        if event.type() == QEvent.Type.ShortcutOverride and event.matches(
            QKeySequence.StandardKey.Delete
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Delete):
            self.sigDeleteRequested.emit()
        else:
            super().keyPressEvent(event)
