"""Evaluation: the score on each split, the confusion matrix, and a box to try an input.

Scores are computed from the frames the controller sends, at most every ``EVERY_S``
seconds while training (a big test set must not slow the studio down), and only while
the panel is visible.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnstudio.datasets import CLASSIFICATION
from nnstudio.errors import NNStudioError
from nnstudio.ui.throttle import Throttle, on_screen

EVERY_S = 1.0
SAMPLED_WHILE_TRAINING = 250  # per split; all of them once paused or finished
MAX_SHOWN_CLASSES = 20
ROW_HEIGHT = (16, 28)  # px: rows shrink within this range to show every class


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """counts[i, j]: samples of class i predicted as class j."""
    counts = np.zeros((n_classes, n_classes), np.int64)
    np.add.at(counts, (labels.astype(np.int64), predicted.astype(np.int64)), 1)
    return counts


def predicted_classes(outputs: np.ndarray) -> np.ndarray:
    return outputs.argmax(axis=1) if outputs.shape[1] > 1 else (outputs[:, 0] > 0.5)


class ConfusionTable(QTableWidget):
    """A read-only table whose rows shrink (within ``ROW_HEIGHT``) to fit its height."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        rows = self.verticalHeader()
        rows.setMinimumSectionSize(ROW_HEIGHT[0])
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

    def fit_rows(self) -> None:
        if self.rowCount():
            fitting = self.viewport().height() // self.rowCount()
            self.verticalHeader().setDefaultSectionSize(
                max(ROW_HEIGHT[0], min(ROW_HEIGHT[1], fitting))
            )

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_rows()


class EvaluationPanel(QWidget):
    """Per-split scores, a confusion matrix (test split, else training) and a predict box."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scores = QLabel("Train the network to see how it scores.")
        self.scores.setWordWrap(True)
        self.matrix_title = QLabel()
        self.matrix = ConfusionTable()
        self.matrix.setToolTip("Rows: true class · columns: predicted class")
        self.input = QLineEdit()
        self.input.setPlaceholderText("features, comma-separated, e.g. 0.5, -1.2")
        self.input.setToolTip(
            "Raw feature values, as in the dataset; they are scaled as in training. Press Enter."
        )
        self.output = QLabel()
        self.output.setWordWrap(True)
        self.output.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(QLabel("Predict"))
        row.addWidget(self.input, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scores)
        layout.addWidget(self.matrix_title)
        layout.addWidget(self.matrix, 1)
        layout.addLayout(row)
        layout.addWidget(self.output)
        self.input.returnPressed.connect(self.predict_typed)
        self.frame = None
        self._throttle = Throttle(EVERY_S, self._draw, self)

    def show_frame(self, frame) -> None:
        """Score the frame's network (throttled while training)."""
        self.frame = frame
        self._throttle.request(now=frame.snapshot is None or frame.snapshot.status != "running")

    def _draw(self) -> None:
        frame = self.frame
        if frame is None or not on_screen(self):
            return
        try:
            self._score(frame)
        except NNStudioError as exc:  # the network does not fit the data (yet)
            self.scores.setText(f"⚠ {exc}")
        if self.input.text().strip():
            self.predict_typed()  # the typed input, through the network shown now
        else:
            self.output.clear()

    def _score(self, frame) -> None:
        parts, net = frame.parts, frame.net
        running = frame.snapshot is not None and frame.snapshot.status == "running"
        limit = SAMPLED_WHILE_TRAINING if running else None
        splits = [
            (name, part)
            for name, part in (
                ("train", parts.train),
                ("validation", parts.validation),
                ("test", parts.test),
            )
            if part is not None and part.n_samples
        ]
        classification = frame.data.task == CLASSIFICATION
        lines, predicted = [], None
        for name, part in splits:
            X, y = part.X[:limit], part.y[:limit]
            outputs = net.predict(X)
            counted = (
                f"{part.n_samples:,} samples"
                if len(X) == part.n_samples
                else f"estimated on {len(X):,} of {part.n_samples:,} samples"
            )
            if classification:
                predicted = predicted_classes(outputs)
                lines.append(f"{name}: {np.mean(predicted == y):.1%} accuracy ({counted})")
            else:
                target = y.reshape(len(y), -1)
                lines.append(
                    f"{name}: mean squared error {np.mean((outputs - target) ** 2):.4g} ({counted})"
                )
        self.scores.setText("\n".join(lines))
        if classification and splits:
            name, part = splits[-1]
            self._show_matrix(
                name,
                confusion_matrix(part.y[:limit], predicted, part.n_classes),
                frame.data.class_names,
            )
        else:
            self.matrix_title.setText("")
            self.matrix.setRowCount(0)
            self.matrix.setColumnCount(0)
        if self.input.text().strip():
            self.predict_typed()

    def redraw_now(self) -> None:
        """Brought to the front (say, its tab chosen): show the latest at once."""
        self._throttle.request(now=True)

    def _show_matrix(self, split: str, counts: np.ndarray, names) -> None:
        n = min(len(counts), MAX_SHOWN_CLASSES)
        self.matrix_title.setText(f"Confusion matrix, {split} split (rows: true class)")
        labels = [str(name) for name in (names or range(len(counts)))][:n]
        self.matrix.setRowCount(n)
        self.matrix.setColumnCount(n)
        self.matrix.setHorizontalHeaderLabels(labels)
        self.matrix.setVerticalHeaderLabels(labels)
        totals = np.maximum(counts.sum(axis=1), 1)
        for i in range(n):
            for j in range(n):
                item = QTableWidgetItem(str(counts[i, j]))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                share = counts[i, j] / totals[i]
                base = (32, 110, 200) if i == j else (232, 120, 20)
                item.setBackground(QColor(*base, int(200 * share)))
                self.matrix.setItem(i, j, item)
        self.matrix.resizeColumnsToContents()
        self.matrix.fit_rows()

    def predict_typed(self) -> None:
        """Run the typed input through the network and show the outputs."""
        frame = self.frame
        if frame is None:
            return
        try:
            values = np.array(
                [float(v) for v in self.input.text().replace(";", ",").split(",") if v.strip()]
            )
        except ValueError:
            self.output.setText("⚠ Type numbers separated by commas.")
            return
        features = frame.data.feature_names
        if len(values) != len(features):
            self.output.setText(
                f"⚠ This network takes {len(features)} features "
                f"({', '.join(features[:8])}{'…' if len(features) > 8 else ''})"
                f", got {len(values)}."
            )
            return
        try:
            outputs = frame.net.predict(frame.scaler.transform(values[None, :]))[0]
        except NNStudioError as exc:
            self.output.setText(f"⚠ {exc}")
            return
        text = "output " + ", ".join(f"{v:.4g}" for v in outputs[:10])
        if frame.data.task == CLASSIFICATION:
            k = int(predicted_classes(outputs[None, :])[0])
            names = frame.data.class_names
            text += f" → class {names[k] if names else k}"
        self.output.setText(text)
