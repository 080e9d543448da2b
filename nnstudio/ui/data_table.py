"""The data as a table: every sample with its split, its values, its label and, once the
network has weights, what the network predicts for it and whether that is right.

A model over the arrays (no widget per cell), so 70,000 rows cost nothing until shown;
predictions are recomputed at most every ``EVERY_S`` seconds, and only on screen.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from nnstudio.datasets import CLASSIFICATION
from nnstudio.ui.evaluation import predicted_classes
from nnstudio.ui.throttle import Throttle, on_screen

EVERY_S = 1.0
MAX_FEATURE_COLUMNS = 12  # an image's 784 pixels are not a table: the first few, then "…"
RIGHT, WRONG = QColor(32, 110, 200, 40), QColor(232, 120, 20, 70)


class DataModel(QAbstractTableModel):
    """Columns: split, the first features (raw values), label, prediction, right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._columns: list[str] = []
        self._split = np.empty(0, dtype=object)
        self._X = np.empty((0, 0))
        self._labels: list[str] = []
        self._features: list[str] = []
        self._predicted: list[str] = []
        self.right: np.ndarray | None = None  # per row: predicted right (classification)

    def show(self, frame) -> None:
        """The frame's data, its parts unscaled back to the values in the dataset, and
        the frame's network's predictions."""
        data, parts = frame.data, frame.parts
        named = [
            (n, p)
            for n, p in (
                ("train", parts.train),
                ("validation", parts.validation),
                ("test", parts.test),
            )
            if p is not None
        ]
        self.beginResetModel()
        X = np.concatenate([frame.scaler.inverse_transform(p.X) for _, p in named])
        y = np.concatenate([p.y for _, p in named])
        self._split = np.concatenate([np.full(p.n_samples, n, dtype=object) for n, p in named])
        shown = min(data.n_features, MAX_FEATURE_COLUMNS)
        self._X = X[:, :shown]
        more = [f"… {data.n_features - shown} more"] if data.n_features > shown else []
        self._features = list(data.feature_names[:shown]) + more
        classes = data.class_names
        self._labels = (
            [classes[int(c)] for c in y]
            if data.task == CLASSIFICATION
            else [f"{v:.4g}" for v in np.reshape(y, (len(y), -1))[:, 0]]
        )
        self._predicted, self.right = self._predictions(frame, named, y)
        self._columns = ["split", *self._features, "label", "predicted", "right"]
        self.endResetModel()

    @staticmethod
    def _predictions(frame, named, y):
        outputs = np.concatenate([frame.net.predict(p.X) for _, p in named])
        if frame.data.task == CLASSIFICATION:
            predicted = predicted_classes(outputs).astype(int)
            names = frame.data.class_names
            return [names[k] for k in predicted], predicted == y
        return [f"{v:.4g}" for v in outputs[:, 0]], None

    def training_sample(self, row: int) -> int | None:
        """Row ``row``'s index among the training samples (they come first), or None
        for a validation or test sample."""
        return row if 0 <= row < len(self._split) and self._split[row] == "train" else None

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._split)

    def columnCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section]
        return str(section + 1)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row, column = index.row(), index.column()
        features = len(self._features)
        if role == Qt.ItemDataRole.BackgroundRole and self.right is not None:
            return RIGHT if self.right[row] else WRONG
        if role == Qt.ItemDataRole.UserRole:  # what the table sorts by
            if 1 <= column <= self._X.shape[1]:
                return float(self._X[row, column - 1])
            return self.data(index)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return self._split[row]
        if column <= self._X.shape[1]:
            return f"{self._X[row, column - 1]:.4g}"
        if column <= features:
            return "…"
        what = column - features - 1
        if what == 0:
            return self._labels[row]
        if what == 1:
            return self._predicted[row]
        if self.right is None:
            return ""
        return "✓" if self.right[row] else "✗"


class DataTable(QWidget):
    """The dataset's samples, sortable by any column, with the network's predictions.
    Selecting a training sample emits ``sigPicked(index, False)`` (the stepper follows
    it); its context menu's "Step through this sample" ``sigPicked(index, True)``."""

    sigPicked = Signal(int, bool)  # a training sample's index; True: open the stepper

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = DataModel(self)
        self.proxy = proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = QTableView()
        self.view.setModel(proxy)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setToolTip(
            "Select a training sample to follow it in the Stepper; right-click it to "
            "step through it"
        )
        self.step_through = QAction("Step through this sample", self.view)
        self.step_through.setStatusTip("Open the Stepper on this training sample")
        self.step_through.triggered.connect(self._step_through)
        self.view.addAction(self.step_through)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.selectionModel().currentRowChanged.connect(
            lambda current, _: self._on_current(current)
        )
        self.view.setSortingEnabled(True)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setDefaultSectionSize(20)
        self.view.horizontalHeader().setDefaultSectionSize(76)  # a number, a class name
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self.frame = None
        self._throttle = Throttle(EVERY_S, self._draw, self)

    def _sample(self) -> int | None:
        """The current row's training sample (None: none, or not a training one)."""
        current = self.view.currentIndex()
        if not current.isValid():
            return None
        return self.model.training_sample(self.proxy.mapToSource(current).row())

    def _on_current(self, current) -> None:
        sample = self._sample()
        self.step_through.setEnabled(sample is not None)
        self.step_through.setText(
            "Step through this sample"
            if sample is not None or not current.isValid()
            else "Step through this sample (training samples only)"
        )
        if sample is not None:
            self.sigPicked.emit(sample, False)

    def _step_through(self) -> None:
        sample = self._sample()
        if sample is not None:
            self.sigPicked.emit(sample, True)

    def show_frame(self, frame) -> None:
        self.frame = frame
        self._throttle.request(now=frame.snapshot is None or frame.snapshot.status != "running")

    def redraw_now(self) -> None:
        self._throttle.request(now=True)

    def _draw(self) -> None:
        if self.frame is None or not on_screen(self):
            return
        self.model.show(self.frame)
        right = self.model.right
        rows = self.model.rowCount()
        text = f"{rows:,} samples"
        if right is not None and rows:
            text += f" · {int(right.sum()):,} predicted right ({right.mean():.1%})"
        self.summary.setText(text)
