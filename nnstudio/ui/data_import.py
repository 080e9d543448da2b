"""Open a data file: a table's first rows and the kind of each column, the label column,
the task and what to do with missing values; what the import makes, or why not."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from nnstudio import datasets
from nnstudio.errors import NNStudioError
from nnstudio.model.project import LoadedFile, file_reference
from nnstudio.ui import last_folder
from nnstudio.ui.data_loading import (
    ChosenData,
    TableLoader,
    keep_until_finished,
    read_in_background,
)
from nnstudio.ui.import_columns import ALSO_LABEL, LABEL, LEFT_OUT, ColumnChoices

FILE_FILTER = (
    "Data (*.csv *.tsv *.txt *.csv.gz *.tsv.gz *.npz *-ubyte *-ubyte.gz *.idx *.idx.gz)"
    ";;All files (*)"
)
LABELS_FILTER = "IDX labels (*-ubyte *-ubyte.gz *.idx *.idx.gz);;All files (*)"


def is_idx(path: str) -> bool:
    """An MNIST-style IDX file, by its name (train-images-idx3-ubyte.gz, ….idx)."""
    name = Path(path).name.lower().removesuffix(".gz")
    return name.endswith("-ubyte") or name.endswith(".idx")


REREAD_DELAY_MS = 300  # a choice resting this long is read with
PROGRESS_INTERVAL_MS = 100
SCALINGS = {"auto (standard)": None, "standard": "standard", "minmax": "minmax", "none": "none"}
MISSING = {
    "refuse (say where)": "refuse",
    "drop those rows": "drop",
    "fill with the column's mean": "mean",
}


def ask_for_data_file(parent) -> ChosenData | None:
    """Ask for a data file and how to read it; None if the user cancels."""
    path, _ = QFileDialog.getOpenFileName(
        parent, "Open a data file", last_folder.start_in(last_folder.DATA), FILE_FILTER
    )
    if not path:
        return None
    last_folder.remember(last_folder.DATA, path)
    if path.lower().endswith(".npz"):
        return read_in_background(parent, file_reference(path))
    if is_idx(path):
        chosen = _ask_for_idx(parent, Path(path))
        return chosen and read_in_background(parent, chosen.reference)
    try:
        dialog = ImportDialog(Path(path), parent)
    except NNStudioError as exc:
        QMessageBox.warning(parent, "Cannot read the file", str(exc))
        return None
    if not dialog.exec():
        return None
    scaling = {"scaling": SCALINGS[dialog.scaling.currentText()]}
    return ChosenData(dialog.reference, dialog.read, scaling)


def _ask_for_idx(parent, images: Path) -> ChosenData | None:
    """Images: their labels are in a file of their own; a test pair may follow."""
    folder = str(images.parent)
    labels, _ = QFileDialog.getOpenFileName(
        parent, f"The labels of {images.name}", folder, LABELS_FILTER
    )
    if not labels:
        return None
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        "A test set",
        "Test on images of their own (MNIST's t10k files, say)? Without them, a share "
        f"of {images.name} is held out for testing.",
        buttons.Yes | buttons.No,
        buttons.No,
    )
    test = test_labels = None
    if answer == buttons.Yes:
        test, _ = QFileDialog.getOpenFileName(parent, "The test images", folder, FILE_FILTER)
        if test:
            test_labels, _ = QFileDialog.getOpenFileName(
                parent, f"The labels of {Path(test).name}", folder, LABELS_FILTER
            )
        if not test or not test_labels:
            return None
    return ChosenData(file_reference(images, labels=labels, test=test, test_labels=test_labels))


class ImportDialog(QDialog):
    """How to import a CSV/TSV file. The whole file is read in the background as soon as
    the dialog opens, and again when a choice changes, so that it says exactly what the
    import makes ("60,000 samples · 784 inputs · 10 classes") before OK; ``reference`` is
    set once it is accepted."""

    def __init__(self, path: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Open {path.name}")
        self.path, self.reference = path, None
        self.test_path: Path | None = None
        self.read: LoadedFile | None = None  # the file(s) as read, once accepted
        self._loader: TableLoader | None = None
        self._read_in: TableLoader | None = None  # the read of the choices shown
        self._accept_when_read = False
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
        self.columns = ColumnChoices(self.table, preview, len(preview.columns) - 1)
        self.table.resizeColumnsToContents()  # the names whole: only the first rows
        self.label = QComboBox()
        self.label.addItems(list(preview.columns))
        self.label.setCurrentIndex(len(preview.columns) - 1)
        self.label.setToolTip("The column the network learns to predict")
        self.task = QComboBox()
        self.task.addItems(["auto", datasets.CLASSIFICATION, datasets.REGRESSION])
        self.task.setToolTip("Auto: text or up to 50 whole numbers are classes")
        self.missing = QComboBox()
        self.missing.addItems(list(MISSING))
        self.scaling = QComboBox()
        self.scaling.addItems(list(SCALINGS))  # "auto" first: the training setting's default
        self.scaling.setToolTip(
            "How the inputs are scaled for training, with statistics of the training part "
            "only (also in the training settings)"
        )
        self.outcome = QLabel()  # what the choices make of the columns (the first rows)
        self.outcome.setWordWrap(True)
        self.summary = QLabel()  # what the whole file makes, once read; or why not
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: 600;")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.hide()
        rows = f"{preview.n_rows:,} rows" if preview.n_rows is not None else "rows"
        about = QLabel(
            f"{rows} · {len(preview.columns)} columns · the first {len(preview.rows)} shown; "
            "choose what each column is used as, and how an input becomes numbers"
        )
        form = QFormLayout()
        form.addRow("Label column", self.label)
        form.addRow("Task", self.task)
        form.addRow("Missing values", self.missing)
        form.addRow("Input scaling", self.scaling)
        self.test_button = QPushButton("Choose a test file…")
        self.test_button.setToolTip(
            "A file of the same columns to test on (MNIST's own test set, say) instead of "
            "a share of this one; read as this one is"
        )
        self.test_button.clicked.connect(self._choose_test_file)
        form.addRow("Test file", self.test_button)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.outcome)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.resize(720, 500)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._reread = QTimer(self, singleShot=True, interval=REREAD_DELAY_MS)
        self._reread.timeout.connect(self._read)
        self._poll = QTimer(self, interval=PROGRESS_INTERVAL_MS)
        self._poll.timeout.connect(self._show_progress)
        self.label.currentIndexChanged.connect(self.columns.set_label)
        self.columns.changed.connect(self._choices_changed)
        for combo in (self.task, self.missing):
            combo.currentIndexChanged.connect(self._choices_changed)
        self._describe()
        self._read()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _choices_changed(self, *_) -> None:
        """Say what the choices make of the columns now, and read the file again with
        them once they rest (a user going through the labels reads once)."""
        self._describe()
        self._abandon()
        self.summary.setText("")
        self._reread.start()

    def _describe(self) -> None:
        """What the choices make of the columns, as far as the first rows tell."""
        columns, kinds = self.preview.columns, self.preview.kinds
        labels = self.columns.columns_used(LABEL) + self.columns.columns_used(ALSO_LABEL)
        task = self.task.currentText()
        if len(labels) > 1:
            predicted = "their values"
        elif task == datasets.CLASSIFICATION or (
            task == "auto" and any(kinds[c] != "number" for c in labels)
        ):
            predicted = "classes"
        else:
            predicted = "its values"
        left_out = len(self.columns.columns_used(LEFT_OUT))
        left = f"; {left_out} column{'s' * (left_out > 1)} left out" if left_out else ""
        self.outcome.setText(
            f"Inputs from {self.columns.describe() or 'no column'}{left}; the network "
            f"predicts {', '.join(repr(columns[c]) for c in labels)} ({predicted})."
        )

    def _choose_test_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "A test file", str(self.path.parent), FILE_FILTER
        )
        self.test_path = Path(path) if path else None
        self.test_button.setText(self.test_path.name if path else "Choose a test file…")
        self._choices_changed()

    def options(self) -> datasets.TableImport:
        """The table import the widgets say."""
        return datasets.TableImport.from_dict(
            {
                **self.columns.import_options(),
                "task": self.task.currentText(),
                "missing": MISSING[self.missing.currentText()],
            }
        )

    def _read(self) -> None:
        """Read the whole file with the choices shown, in the background (the window
        stays responsive; Cancel, or another choice, abandons it)."""
        self._abandon()
        self._reread.stop()
        try:
            options = self.options()
        except NNStudioError as exc:
            self._refused(exc)
            return
        self.ok_button.setEnabled(True)
        self._loader = TableLoader(self.path, options, self.test_path)
        self._loader.finished.connect(self._loaded)
        self._loader.start()
        self.progress.setRange(0, 0)  # busy until the reader knows the file's size
        self.progress.show()
        self._poll.start()
        self._show_progress()

    def _show_progress(self) -> None:
        progress = self._loader.progress if self._loader is not None else None
        if progress is None:
            return
        fraction = progress.fraction
        stage = progress.stage or f"Reading {self.path.name}"
        if fraction is None:
            self.summary.setText(f"{stage}…")
            return
        self.progress.setRange(0, 100)
        self.progress.setValue(round(100 * fraction))
        then = " — it opens when read" if self._accept_when_read else ""
        self.summary.setText(f"{stage}… {fraction:.0%}{then}")

    def _loaded(self) -> None:
        if self._loader is None or self.sender() is not self._loader:
            return  # an abandoned reading's end, told before it was disconnected
        loader, self._loader = self._loader, None
        self._poll.stop()
        self.progress.hide()
        if loader.error is not None:
            self._refused(loader.error)
            return
        self._read_in = loader
        text = loader.imported.dataset.size_text
        if loader.test is not None:
            text += f"; tested on {loader.test.dataset.size_text} of {self.test_path.name}"
        self.summary.setText(text)
        if self._accept_when_read:
            self.accept()

    def _refused(self, error: NNStudioError) -> None:
        self._accept_when_read = False
        self.summary.setText(f"⚠ {error}")
        self.ok_button.setEnabled(False)  # a choice changed, and it is read again

    def accept(self) -> None:
        """Use what was read; while it is being read, use it once read."""
        read = self._read_in
        if read is None:
            if self._loader is None:  # a choice changed, its reading not started yet
                self._read()
            self._accept_when_read = self._loader is not None
            self._show_progress()
            return
        test = read.test.dataset if read.test is not None else None
        self.reference = read.reference
        self.read = LoadedFile(read.imported.dataset, test, read.imported.encoding)
        super().accept()

    def _abandon(self) -> None:
        """The reading under way (if any) stops: its result is never used."""
        self._read_in = None
        loader, self._loader = self._loader, None
        self._poll.stop()
        self.progress.hide()
        if loader is None:
            return
        loader.progress.cancel()
        loader.finished.disconnect(self._loaded)  # also an end not yet told
        if loader.isRunning():  # it ends by itself, then goes
            keep_until_finished(loader)

    def done(self, result: int) -> None:
        """Closed (Cancel too): a reading under way is abandoned."""
        self._reread.stop()
        if result != QDialog.DialogCode.Accepted:
            self._abandon()
        super().done(result)
