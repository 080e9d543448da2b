"""Type or paste a small table (the tutorials' truth tables) as a dataset of the project."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from nnstudio.datasets import CLASSIFICATION, REGRESSION, Dataset, entered
from nnstudio.errors import DataError

AUTO_TASK = "from the labels"
# what a new table starts as: XOR's truth table, to be typed over
STARTING_TABLE = (
    ["x1", "x2", "y"],
    [["0", "0", "0"], ["0", "1", "1"], ["1", "0", "1"], ["1", "1", "0"]],
)


class DataEntryDialog(QDialog):
    """An editable table: the header names the columns, one column holds the labels.
    Paste (Ctrl+V, or the Paste button) fills it from a spreadsheet or CSV text; what
    the table makes is shown as it is typed, and OK takes it only when it is a dataset."""

    def __init__(self, parent=None, data: Dataset | None = None):
        super().__init__(parent)
        self.setWindowTitle("Enter data")
        self.name = QLineEdit(data.name if data is not None else "my table")
        self.columns = QLineEdit()
        self.columns.setToolTip("The columns' names, separated by commas")
        self.label = QComboBox()
        self.label.setToolTip("The column the network learns to predict")
        self.task = QComboBox()
        self.task.addItems([AUTO_TASK, CLASSIFICATION, REGRESSION])
        self.task.setToolTip(
            "From the labels: text or up to 50 whole numbers are classes, other numbers targets"
        )
        self.table = QTableWidget()
        self.table.setToolTip("Type the values, or paste rows copied from a spreadsheet")
        self.result_text = QLabel()
        self.result_text.setWordWrap(True)
        paste = QPushButton("Paste")
        paste.setToolTip("Replace the table by the rows on the clipboard")
        add_row, remove_row = QPushButton("Add row"), QPushButton("Remove row")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Columns", self.columns)
        form.addRow("Label column", self.label)
        form.addRow("Task", self.task)
        row_buttons = QHBoxLayout()
        for button in (paste, add_row, remove_row):
            row_buttons.addWidget(button)
        row_buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row_buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result_text)
        layout.addWidget(self.buttons)
        self.resize(520, 460)
        columns, rows = _table_of(data) if data is not None else STARTING_TABLE
        self._fill(columns, rows)
        self.columns.editingFinished.connect(self._rename_columns)
        for signal in (self.label.currentIndexChanged, self.task.currentIndexChanged):
            signal.connect(self._show_result)
        self.name.textChanged.connect(self._show_result)
        self.table.itemChanged.connect(self._show_result)
        paste.clicked.connect(self.paste)
        add_row.clicked.connect(lambda: self.table.insertRow(self.table.rowCount()))
        remove_row.clicked.connect(self._remove_row)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._show_result()

    def keyPressEvent(self, event):
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        else:
            super().keyPressEvent(event)

    def paste(self) -> None:
        """The clipboard's rows in place of the table (its header as the names)."""
        try:
            header, rows = entered.parse_pasted(QGuiApplication.clipboard().text())
        except DataError as exc:
            self.result_text.setText(f"⚠ {exc}")
            return
        width = max(len(row) for row in rows)
        self._fill(header or [f"column {i + 1}" for i in range(width)], rows)

    def dataset(self) -> Dataset:
        """What the table makes; raises DataError saying what is wrong."""
        name = self.name.text().strip()
        if not name:
            raise DataError("give the table a name")
        if name == entered.DRAWN:
            raise DataError(f"{name!r} is the points drawn on the plane: name the table otherwise")
        task = None if self.task.currentText() == AUTO_TASK else self.task.currentText()
        columns = self._column_names()
        rows = [
            [self._cell(row, column) for column in range(len(columns))]
            for row in range(self.table.rowCount())
        ]
        return entered.from_rows(columns, rows, self.label.currentIndex(), task, name)

    def accept(self) -> None:
        try:
            self.dataset()
        except DataError as exc:
            self.result_text.setText(f"⚠ {exc}")
            return
        super().accept()

    # -- the table --------------------------------------------------------------------

    def _fill(self, columns: list[str], rows: list[list[str]]) -> None:
        self.table.blockSignals(True)
        self.table.clear()
        self.table.setColumnCount(len(columns))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(columns)
        for r, row in enumerate(rows):
            for c, text in enumerate(row[: len(columns)]):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self.columns.setText(", ".join(columns))
        self._list_label_columns(columns, keep=len(columns) - 1)
        self._show_result()

    def _rename_columns(self) -> None:
        names = [n.strip() for n in self.columns.text().split(",") if n.strip()]
        if not names:
            self.columns.setText(", ".join(self._column_names()))
            return
        self.table.setColumnCount(len(names))
        self.table.setHorizontalHeaderLabels(names)
        keep = min(self.label.currentIndex(), len(names) - 1)
        self._list_label_columns(names, keep if keep >= 0 else len(names) - 1)
        self._show_result()

    def _list_label_columns(self, columns: list[str], keep: int) -> None:
        self.label.blockSignals(True)
        self.label.clear()
        self.label.addItems(columns)
        self.label.setCurrentIndex(keep)
        self.label.blockSignals(False)

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        self.table.removeRow(row if row >= 0 else self.table.rowCount() - 1)
        self._show_result()

    def _column_names(self) -> list[str]:
        header = self.table.horizontalHeaderItem
        return [
            header(c).text() if header(c) else f"column {c + 1}"
            for c in range(self.table.columnCount())
        ]

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _show_result(self, *_) -> None:
        """What the table makes now, or what is wrong with it; OK only for a dataset."""
        try:
            data = self.dataset()
        except DataError as exc:
            self.result_text.setText(f"⚠ {exc}")
            self.result_text.setStyleSheet("color: #a03020;")
            ok = False
        else:
            classes = f" ({', '.join(data.class_names)})" if data.class_names else ""
            self.result_text.setText(data.size_text + classes)
            self.result_text.setStyleSheet("")
            ok = True
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


def _table_of(data: Dataset) -> tuple[list[str], list[list[str]]]:
    """A dataset back as the columns and text cells it was typed as (label last)."""
    label = "label" if "label" not in data.feature_names else "target"
    if data.task == CLASSIFICATION:
        labels = [data.class_names[i] for i in data.y]
    else:
        labels = [f"{v:g}" for v in data.y]  # one target: a typed table has one label
    rows = [[*(f"{v:g}" for v in x), y] for x, y in zip(data.X, labels)]
    return [*data.feature_names, label], rows
