"""The import dialog's two rows of choices above the preview, one pair per column: what
the column is (an input, left out, the label, also a label) and how an input becomes
numbers (a number, one-hot categories, word counts)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QTableWidget

from nnstudio import datasets

INPUT, LEFT_OUT, LABEL, ALSO_LABEL = "input", "left out", "label", "also a label"
NUMBER, ONE_HOT, WORDS = "number", "one-hot", "word counts"
ENCODINGS = {  # a column's kind → how it can become inputs, the first by default
    "number": (NUMBER, ONE_HOT),
    "category": (ONE_HOT, WORDS),
    "text": (WORDS, ONE_HOT),
    "empty": (NUMBER,),
}
ROWS = ("use", "as")  # the table's rows of choices, above the data


class ColumnChoices(QObject):
    """The choices of ``table``'s columns (rows ``ROWS`` inserted on top of the preview's
    data). ``set_label(column)`` follows the dialog's label column; ``changed`` follows
    every choice."""

    changed = Signal()

    def __init__(self, table: QTableWidget, preview: datasets.TablePreview, label: int):
        super().__init__(table)
        self.preview = preview
        for _ in ROWS:
            table.insertRow(0)
        table.setVerticalHeaderLabels([*ROWS, *map(str, range(1, table.rowCount() - 1))])
        self.use: list[QComboBox] = []
        self.encode: list[QComboBox] = []
        for c, kind in enumerate(preview.kinds):
            use = QComboBox()
            use.addItems([INPUT, LEFT_OUT, ALSO_LABEL])
            use.setCurrentText(LEFT_OUT if kind == "empty" else INPUT)
            use.setToolTip(
                "An input of the network, left out, or also a label: several number labels "
                "are predicted together (multi-output regression)"
            )
            encode = QComboBox()
            encode.addItems(ENCODINGS[kind])
            encode.setToolTip(
                "How an input becomes numbers: the number itself, one-hot (one input per "
                "category), or word counts (one input per word of the most frequent ones)"
            )
            table.setCellWidget(0, c, use)
            table.setCellWidget(1, c, encode)
            use.currentIndexChanged.connect(self._on_changed)
            encode.currentIndexChanged.connect(self._on_changed)
            self.use.append(use)
            self.encode.append(encode)
        self.set_label(label)

    def set_label(self, column: int) -> None:
        """``column`` is the label; the one that was becomes an input."""
        for c, use in enumerate(self.use):
            use.blockSignals(True)
            has_label = use.findText(LABEL) >= 0
            if c == column and not has_label:
                use.addItem(LABEL)
                use.setCurrentText(LABEL)
            elif c != column and has_label:
                use.removeItem(use.findText(LABEL))
                use.setCurrentText(INPUT)
            use.setEnabled(c != column)  # the label is chosen above the table
            use.blockSignals(False)
        self._on_changed()

    def columns_used(self, use: str) -> list[int]:
        return [c for c, combo in enumerate(self.use) if combo.currentText() == use]

    def import_options(self) -> dict:
        """The columns' part of the table import options."""
        ref = (lambda c: self.preview.columns[c]) if self.preview.header else (lambda c: c)
        inputs = self.columns_used(INPUT)
        labels = self.columns_used(LABEL) + self.columns_used(ALSO_LABEL)
        everything_else = [c for c in range(len(self.use)) if c not in labels]
        return {
            "label_columns": [ref(c) for c in labels],
            "feature_columns": None if inputs == everything_else else [ref(c) for c in inputs],
            "categorical": [ref(c) for c in inputs if self.encode[c].currentText() == ONE_HOT],
            "text": [ref(c) for c in inputs if self.encode[c].currentText() == WORDS],
            "delimiter": self.preview.delimiter,
            "header": self.preview.header,
        }

    def describe(self) -> str:
        """What the inputs are made of: "1 number column, 2 category columns, one-hot"."""
        counts: dict[tuple[str, str], int] = {}
        for c in self.columns_used(INPUT):
            key = (self.preview.kinds[c], self.encode[c].currentText())
            counts[key] = counts.get(key, 0) + 1
        parts = []
        for (kind, encoding), n in counts.items():
            how = {NUMBER: "", ONE_HOT: ", one-hot", WORDS: ", as word counts"}[encoding]
            parts.append(f"{n} {kind} column{'s' * (n > 1)}{how}")
        return ", ".join(parts)

    def _on_changed(self, *_) -> None:
        for use, encode in zip(self.use, self.encode):
            encode.setEnabled(use.currentText() == INPUT)
        self.changed.emit()
