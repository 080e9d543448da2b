"""Open a data file: a table's first rows and the kind of each column, the label column,
the task and what to do with missing values; what the import makes, or why not."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from nnstudio import datasets
from nnstudio.errors import NNStudioError
from nnstudio.model.project import file_reference

FILE_FILTER = "Data (*.csv *.tsv *.txt *.csv.gz *.tsv.gz *.npz);;All files (*)"
MISSING = {
    "refuse (say where)": "refuse",
    "drop those rows": "drop",
    "fill with the column's mean": "mean",
}


def ask_for_data_file(parent) -> dict | None:
    """Ask for a data file and how to read it; the reference to use, or None."""
    path, _ = QFileDialog.getOpenFileName(parent, "Open a data file", "", FILE_FILTER)
    if not path:
        return None
    if path.lower().endswith(".npz"):
        return file_reference(path)
    try:
        dialog = ImportDialog(Path(path), parent)
    except NNStudioError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, "Cannot read the file", str(exc))
        return None
    return dialog.reference if dialog.exec() else None


class ImportDialog(QDialog):
    """How to import a CSV/TSV file; ``reference`` is set once it imports."""

    def __init__(self, path: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Open {path.name}")
        self.path, self.reference = path, None
        self.preview = datasets.preview_table(path)
        preview = self.preview
        self.table = QTableWidget(len(preview.rows), len(preview.columns))
        self.table.setHorizontalHeaderLabels(
            [f"{name}\n{kind}" for name, kind in zip(preview.columns, preview.kinds)]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(preview.rows):
            for c, text in enumerate(row[: len(preview.columns)]):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.label = QComboBox()
        self.label.addItems(list(preview.columns))
        self.label.setCurrentIndex(len(preview.columns) - 1)
        self.label.setToolTip("The column the network learns to predict")
        self.task = QComboBox()
        self.task.addItems(["auto", datasets.CLASSIFICATION, datasets.REGRESSION])
        self.task.setToolTip("Auto: text or up to 50 whole numbers are classes")
        self.missing = QComboBox()
        self.missing.addItems(list(MISSING))
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        rows = f"{preview.n_rows:,} rows" if preview.n_rows is not None else "rows"
        about = QLabel(
            f"{rows} · {len(preview.columns)} columns · the first {len(preview.rows)} shown; "
            "text columns become one-hot categories or word counts"
        )
        form = QFormLayout()
        form.addRow("Label column", self.label)
        form.addRow("Task", self.task)
        form.addRow("Missing values", self.missing)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)
        self.resize(720, 480)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def options(self) -> datasets.TableImport:
        """What the widgets say, on top of what the columns suggest."""
        suggested = self.preview.suggested_import(self.label.currentIndex())
        return datasets.TableImport.from_dict(
            {
                **suggested.to_dict(),
                "task": self.task.currentText(),
                "missing": MISSING[self.missing.currentText()],
            }
        )

    def accept(self) -> None:
        """Import the whole file; stay open and say why if it cannot be."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            options = self.options()
            imported = datasets.load_table(self.path, options)
            self.reference = file_reference(self.path, options)
        except NNStudioError as exc:
            self.outcome.setText(f"⚠ {exc}")
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.outcome.setText(imported.dataset.size_text)
        super().accept()
