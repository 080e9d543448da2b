"""Open a data file: a table's first rows and the kind of each column, the label column,
the task and what to do with missing values; what the import makes, or why not."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QThread, QTimer
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
from nnstudio.model.project import MISSING as FILE_MISSING
from nnstudio.model.project import file_problem, file_reference, with_file

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
MISSING = {
    "refuse (say where)": "refuse",
    "drop those rows": "drop",
    "fill with the column's mean": "mean",
}


def ask_for_data_file(parent) -> tuple | None:
    """Ask for a data file and how to read it: the reference to use, the dataset read
    and its test file's (None: not read yet, or no test file), or None."""
    path, _ = QFileDialog.getOpenFileName(parent, "Open a data file", "", FILE_FILTER)
    if not path:
        return None
    if path.lower().endswith(".npz"):
        return file_reference(path), None, None
    if is_idx(path):  # images: their labels are in a file of their own
        labels, _ = QFileDialog.getOpenFileName(
            parent, f"The labels of {Path(path).name}", str(Path(path).parent), LABELS_FILTER
        )
        return (file_reference(path, labels=labels), None, None) if labels else None
    try:
        dialog = ImportDialog(Path(path), parent)
    except NNStudioError as exc:
        QMessageBox.warning(parent, "Cannot read the file", str(exc))
        return None
    return (dialog.reference, dialog.dataset, dialog.test_dataset) if dialog.exec() else None


def fix_offer(reference: dict) -> tuple[str, str] | None:
    """What the dataset panel offers for a data file that moved or changed: the
    button's text and tooltip; None if its files are as they were opened."""
    problem = file_problem(reference)
    if problem is None:
        return None
    key, kind = problem
    name = Path(reference[key]).name
    if kind == FILE_MISSING:
        return f"Locate {name}…", f"Show where {name} is now"
    return (
        f"Use {name} as it is now",
        f"Train on {name} as it is now; runs trained on it before stay, as trained on other data",
    )


def ask_to_fix(parent, reference: dict, folder: Path | None = None) -> dict | None:
    """Ask where a moved data file is (or whether to use a changed one as it is now):
    the reference to use, or None. A file found with other bytes than it had is used
    only if the user says so."""
    problem = file_problem(reference)
    if problem is None:
        return None
    key, kind = problem
    old = Path(reference[key])
    if kind != FILE_MISSING:
        return with_file(reference, key, old)
    start = old.parent if old.parent.is_dir() else folder or Path.home()
    path, _ = QFileDialog.getOpenFileName(parent, f"Where is {old.name}?", str(start), FILE_FILTER)
    if not path:
        return None
    fixed = with_file(reference, key, path)
    if fixed == {**reference, key: fixed[key]}:
        return fixed  # the same bytes
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        "Another file",
        f"{Path(path).name} is not the file the project opened as {old.name}: its content "
        "differs. Train on it anyway? Runs trained before stay, as trained on other data.",
        buttons.Yes | buttons.No,
        buttons.No,
    )
    return fixed if answer == buttons.Yes else None


class ImportDialog(QDialog):
    """How to import a CSV/TSV file. The whole file is read in the background as soon as
    the dialog opens, and again when a choice changes, so that it says exactly what the
    import makes ("60,000 samples · 784 inputs · 10 classes") before OK; ``reference`` is
    set once it is accepted."""

    def __init__(self, path: Path, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Open {path.name}")
        self.path, self.reference, self.dataset = path, None, None
        self.test_path: Path | None = None
        self.test_dataset = None
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
            "text columns become one-hot categories or word counts"
        )
        form = QFormLayout()
        form.addRow("Label column", self.label)
        form.addRow("Task", self.task)
        form.addRow("Missing values", self.missing)
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
        for combo in (self.label, self.task, self.missing):
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
        label = self.label.currentIndex()
        kinds = [k for i, k in enumerate(self.preview.kinds) if i != label]
        counts = {kind: kinds.count(kind) for kind in set(kinds)}
        parts = [
            f"{counts[kind]} {what} column{'s' * (counts[kind] > 1)}{how}"
            for kind, what, how in (
                ("number", "number", ""),
                ("category", "category", ", one-hot"),
                ("text", "text", ", as word counts"),
                ("empty", "empty", ", left out"),
            )
            if counts.get(kind)
        ]
        task = self.task.currentText()
        predicted = "classes" if self.preview.kinds[label] != "number" else "its values"
        if task != "auto":
            predicted = "classes" if task == datasets.CLASSIFICATION else "its values"
        self.outcome.setText(
            f"Inputs from {', '.join(parts) or 'no column'}; the network predicts "
            f"{self.label.currentText()!r} ({predicted})."
        )

    def _choose_test_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "A test file", str(self.path.parent), FILE_FILTER
        )
        self.test_path = Path(path) if path else None
        self.test_button.setText(self.test_path.name if path else "Choose a test file…")
        self._choices_changed()

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
        self.reference, self.dataset = read.reference, read.imported.dataset
        self.test_dataset = read.test.dataset if read.test is not None else None
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
            loader.finished.connect(loader.deleteLater)
            _ABANDONED.add(loader)
            loader.finished.connect(lambda: _ABANDONED.discard(loader))

    def done(self, result: int) -> None:
        """Closed (Cancel too): a reading under way is abandoned."""
        self._reread.stop()
        if result != QDialog.DialogCode.Accepted:
            self._abandon()
        super().done(result)


_ABANDONED: set = set()  # reads cancelled but still ending: kept alive until they end


class TableLoader(QThread):
    """Reads a table off the GUI thread: ``imported`` and ``reference``, or ``error``;
    ``progress`` says how far it is, and cancels it."""

    def __init__(self, path: Path, options: datasets.TableImport, test: Path | None = None):
        super().__init__()
        self.path, self.options, self.test_path = path, options, test
        self.progress = datasets.ReadProgress()
        self.imported = self.test = self.reference = self.error = None

    def run(self) -> None:
        progress = self.progress
        try:
            self.imported = datasets.load_table(self.path, self.options, progress=progress)
            if self.test_path is not None:  # read as the training file was
                self.test = datasets.load_table(
                    self.test_path, self.options, encoding=self.imported.encoding, progress=progress
                )
            self.reference = file_reference(
                self.path, self.options, test=self.test_path, digests=progress.digests
            )
        except NNStudioError as exc:
            self.error = exc
