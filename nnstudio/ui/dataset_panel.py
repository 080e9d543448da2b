"""The dataset panel: pick a built-in dataset and its parameters, or one of the
project's own (typed, pasted or drawn), or enter a new table."""

from __future__ import annotations

import inspect
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from nnstudio import datasets
from nnstudio.model.project import FILE, OWN
from nnstudio.ui.whats_this import explain

SOURCE_ROLE = Qt.ItemDataRole.UserRole  # the combo's own datasets: OWN


def default_params(name: str) -> dict:
    """What the panel asks for on a first visit to ``name``: its generator's own
    samples, noise and seed (sine is noisier than the others, for one); {} for the
    fixed sets and files."""
    make = datasets.BUILTIN.get(name)
    if make is None:
        return {}
    signature = inspect.signature(make).parameters
    return {
        key: signature[key].default for key in ("n_samples", "noise", "seed") if key in signature
    }


class DatasetPanel(QWidget):
    """Emits ``sigDatasetRequested(reference)`` with {"name": ..., "params": {...}}
    (or {"name": ..., "source": "project"} for one of the project's own), and
    ``sigEnterData`` for a new table typed or pasted in.

    Each dataset keeps its own parameters: the panel remembers, per name, the last ones
    shown or asked for, and asks for those again when the dataset is chosen again."""

    sigDatasetRequested = Signal(dict)
    sigEnterData = Signal()
    sigOpenData = Signal()
    sigFixFile = Signal()  # the data file moved or changed: locate it, or use it as it is

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choice = QComboBox()
        for entry in datasets.list():
            self.choice.addItem(entry["name"])
            self.choice.setItemData(
                self.choice.count() - 1, entry["summary"], Qt.ItemDataRole.ToolTipRole
            )
        self.choice.setToolTip("The data the network learns from (hover an entry for more)")
        self.samples = QSpinBox()
        self.samples.setRange(4, 100_000)
        self.samples.setValue(400)
        self.samples.setKeyboardTracking(False)
        self.samples.setToolTip("How many points a generated dataset has")
        self.noise = QDoubleSpinBox()
        self.noise.setRange(0.0, 2.0)
        self.noise.setSingleStep(0.05)
        self.noise.setKeyboardTracking(False)
        self.noise.setToolTip("How far a generated dataset's points stray from its pattern")
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.about.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.about.setMinimumHeight(90)
        self.size = QLabel()
        self.size.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # quieter, either theme
        self.enter = QPushButton("Type or paste…")
        self.enter.setToolTip(
            "Type a small dataset, or paste rows from a spreadsheet (a truth table in seconds)"
        )
        self.enter.clicked.connect(self.sigEnterData)
        self.open_file = QPushButton("Open a file…")
        self.open_file.setToolTip("A CSV/TSV table (also gzipped) or an NPZ file of your own")
        self.open_file.clicked.connect(self.sigOpenData)
        self.fix_file = QPushButton()
        self.fix_file.clicked.connect(self.sigFixFile)
        self.fix_file.hide()
        for widget, term, sentence in (
            (self.choice, "training set", None),
            (self.samples, None, None),
            (self.noise, None, None),
            (self.enter, None, None),
            (self.open_file, None, None),
            (self.fix_file, None, "Find the data file again, or use it as it is now"),
        ):
            explain(widget, term, sentence)
        self._file: dict | None = None  # the file reference listed last in the choice
        self._builtin_count = self.choice.count()
        self.form = QFormLayout(self)
        self.form.addRow("Dataset", self.choice)
        self.form.addRow("Samples", self.samples)
        self.form.addRow("Noise", self.noise)
        self.form.addRow(self.size)
        self.form.addRow(self.about)
        self.form.addRow(self.fix_file)
        own = QHBoxLayout()  # side by side: a short screen shows both
        own.addWidget(self.enter)
        own.addWidget(self.open_file)
        self.form.addRow(own)
        self._params: dict[str, dict] = {}  # per dataset name, its last parameters
        self.choice.activated.connect(self._on_choice_changed)
        self.samples.valueChanged.connect(lambda n: self._on_param_changed("n_samples", n))
        self.noise.valueChanged.connect(lambda v: self._on_param_changed("noise", round(v, 4)))

    def params_for(self, name: str) -> dict:
        """The parameters the panel would ask for with ``name``: the last ones shown or
        asked for, else the dataset's defaults."""
        return dict(self._params.get(name, default_params(name)))

    def show_own(self, names: list[str]) -> None:
        """List the project's own datasets after the built-in ones."""
        self.choice.blockSignals(True)
        while self.choice.count() > self._builtin_count:
            self.choice.removeItem(self._builtin_count)
        if names or self._file:
            self.choice.insertSeparator(self._builtin_count)
        if self._file is not None:  # the data file in use, or used last
            self.choice.addItem(Path(self._file["name"]).name)
            index = self.choice.count() - 1
            self.choice.setItemData(index, FILE, SOURCE_ROLE)
            self.choice.setItemData(index, self._file["name"], Qt.ItemDataRole.ToolTipRole)
        for name in names:
            self.choice.addItem(name)
            index = self.choice.count() - 1
            self.choice.setItemData(index, OWN, SOURCE_ROLE)
            self.choice.setItemData(index, "This project's own data", Qt.ItemDataRole.ToolTipRole)
        self.choice.blockSignals(False)

    def show_reference(self, reference: dict, description: str = "", size: str = "") -> None:
        """Show the project's dataset without asking for a change (also to undo a
        refused request). Samples and noise are shown for the sets that take them;
        ``size`` says what the data holds."""
        name = reference["name"]
        if reference.get("source") == FILE:
            if reference != self._file:
                self._file = dict(reference)
                self.show_own(self._own_names())
            self._show_listed(FILE)
        elif reference.get("source") == OWN:
            self._show_own(name)
        else:
            self._params[name] = {**default_params(name), **reference.get("params", {})}
            self._show(name)
        self.size.setText(size)
        self.about.setText(description)
        self.show_fix("")

    def show_fix(self, text: str, tooltip: str = "") -> None:
        """Offer to fix the data file (``text``: "Locate pets.csv…"); "" offers nothing."""
        self.fix_file.setText(text)
        self.fix_file.setToolTip(tooltip)
        self.fix_file.setVisible(bool(text))

    def _show(self, name: str) -> None:
        """Put ``name`` and its parameters in the widgets, without emitting."""
        params = self.params_for(name)
        for widget in (self.choice, self.samples, self.noise):
            widget.blockSignals(True)
        self.choice.setCurrentText(name)
        for key, widget in (("n_samples", self.samples), ("noise", self.noise)):
            if key in params:
                widget.setValue(params[key])
            self.form.setRowVisible(widget, key in params)
        for widget in (self.choice, self.samples, self.noise):
            widget.blockSignals(False)

    def _own_names(self) -> list[str]:
        return [
            self.choice.itemText(i)
            for i in range(self._builtin_count, self.choice.count())
            if self.choice.itemData(i, SOURCE_ROLE) == OWN
        ]

    def _show_own(self, name: str) -> None:
        self._show_listed(OWN, name)

    def _show_listed(self, source: str, name: str | None = None) -> None:
        """Select the listed file or own dataset ``name``; no parameters to show."""
        index = next(
            i
            for i in range(self._builtin_count, self.choice.count())
            if self.choice.itemData(i, SOURCE_ROLE) == source
            and (name is None or self.choice.itemText(i) == name)
        )
        self.choice.blockSignals(True)
        self.choice.setCurrentIndex(index)
        self.choice.blockSignals(False)
        for widget in (self.samples, self.noise):
            self.form.setRowVisible(widget, False)

    def _on_choice_changed(self, *_):
        name = self.choice.currentText()
        if self.choice.currentData(SOURCE_ROLE) == OWN:
            self._show_own(name)
            self.sigDatasetRequested.emit({"name": name, "source": OWN})
            return
        if self.choice.currentData(SOURCE_ROLE) == FILE:
            self._show_listed(FILE)
            self.sigDatasetRequested.emit(dict(self._file))
            return
        self._show(name)
        self._request(name, self.params_for(name))

    def _on_param_changed(self, key: str, value) -> None:
        name = self.choice.currentText()
        self._request(name, {**self.params_for(name), key: value})

    def _request(self, name: str, params: dict) -> None:
        self._params[name] = params
        self.sigDatasetRequested.emit({"name": name, "params": dict(params)})
