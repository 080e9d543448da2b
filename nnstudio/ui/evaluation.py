"""Evaluation: the score on each split, the confusion matrix, and a box to try an input.

Scores are computed from the frames the controller sends, at most every ``EVERY_S``
seconds while training (a big test set must not slow the studio down), and only while
the panel is visible.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from nnstudio.datasets import CLASSIFICATION
from nnstudio.errors import NNStudioError
from nnstudio.ui.confusion_view import ConfusionMatrix
from nnstudio.ui.throttle import Throttle, on_screen

EVERY_S = 1.0
SAMPLED_WHILE_TRAINING = 250  # per split; all of them once paused or finished
MAX_SHOWN_CLASSES = 20
SIDE_SHARE = 0.38  # of the panel's width, at most, for the texts beside the matrix
UNLIMITED = 16_777_215  # Qt's QWIDGETSIZE_MAX


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """counts[i, j]: samples of class i predicted as class j."""
    counts = np.zeros((n_classes, n_classes), np.int64)
    np.add.at(counts, (labels.astype(np.int64), predicted.astype(np.int64)), 1)
    return counts


def predicted_classes(outputs: np.ndarray) -> np.ndarray:
    return outputs.argmax(axis=1) if outputs.shape[1] > 1 else (outputs[:, 0] > 0.5)


class EvaluationPanel(QWidget):
    """Per-split scores, a confusion matrix (test split, else training) and a predict box:
    the matrix beside the texts or over them, whichever shows its counts the larger."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scores = QLabel("Train the network to see how it scores.")
        self.scores.setWordWrap(True)
        self.matrix_title = QLabel()
        self.matrix_title.setWordWrap(True)
        self.matrix = ConfusionMatrix()
        self.matrix.hide()
        self.input = QLineEdit()
        self.input.setPlaceholderText("features, comma-separated, e.g. 0.5, -1.2")
        self.input.setToolTip(
            "Raw feature values, as in the dataset; they are scaled as in training. Press Enter."
        )
        self.output = QLabel()
        self.output.setWordWrap(True)
        self.output.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.output.hide()  # until there is something to say: its line is the matrix's
        self._predict_row = row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        row.addWidget(QLabel("Predict"))
        row.addWidget(self.input, 1)
        self.texts = QWidget()
        texts = QVBoxLayout(self.texts)
        texts.setContentsMargins(0, 0, 0, 0)
        texts.setSpacing(2)
        texts.addWidget(self.scores)
        texts.addWidget(self.matrix_title)
        texts.addStretch(1)
        texts.addLayout(row)
        texts.addWidget(self.output)
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.addWidget(self.matrix, 1)
        self._layout.addWidget(self.texts)
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
            self._show_output("")

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
            self.matrix.hide()
        if self.input.text().strip():
            self.predict_typed()

    def redraw_now(self) -> None:
        """Brought to the front (say, its tab chosen): show the latest at once."""
        self._throttle.request(now=True)

    def _show_matrix(self, split: str, counts: np.ndarray, names) -> None:
        n = min(len(counts), MAX_SHOWN_CLASSES)
        shown = "" if n == len(counts) else f", the first {n} of {len(counts)} classes"
        self.matrix_title.setText(f"Confusion matrix: {split} split{shown}")
        labels = [str(name) for name in (names or range(len(counts)))][:n]
        self.matrix.set_counts(counts[:n, :n], labels)
        self.matrix.show()
        self._arrange()  # the names' width counts

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        margins, spacing = self._layout.contentsMargins(), self._layout.spacing()
        width = self.width() - margins.left() - margins.right()
        height = self.height() - margins.top() - margins.bottom()
        side = round(SIDE_SHARE * self.width())
        under = self.texts.layout().totalHeightForWidth(width)
        beside = self._readability(width - side - spacing, height)
        over = self._readability(width, height - under - spacing)
        wide = beside > over
        across, down = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        self._layout.setDirection(across if wide else down)
        self._predict_row.setDirection(down if wide else across)  # a narrow column: stacked
        self.texts.setMaximumWidth(side if wide else UNLIMITED)

    def _show_output(self, text: str) -> None:
        self.output.setText(text)
        if self.output.isHidden() == bool(text):
            self.output.setVisible(bool(text))
            self._arrange()

    def _readability(self, width: int, height: int) -> tuple:
        """How well a matrix of that size shows its counts, for comparison: whether they
        fit, exactly, in how large a font, in how large a cell."""
        cell = self.matrix.cell_size(width, height)
        fit = self.matrix.count_fit(*cell)
        return (fit is not None, fit is not None and not fit[1], fit and fit[0], min(cell))

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
            self._show_output("⚠ Type numbers separated by commas.")
            return
        features = frame.data.feature_names
        if len(values) != len(features):
            self._show_output(
                f"⚠ This network takes {len(features)} features "
                f"({', '.join(features[:8])}{'…' if len(features) > 8 else ''})"
                f", got {len(values)}."
            )
            return
        try:
            outputs = frame.net.predict(frame.scaler.transform(values[None, :]))[0]
        except NNStudioError as exc:
            self._show_output(f"⚠ {exc}")
            return
        text = "output " + ", ".join(f"{v:.4g}" for v in outputs[:10])
        if frame.data.task == CLASSIFICATION:
            k = int(predicted_classes(outputs[None, :])[0])
            names = frame.data.class_names
            text += f" → class {names[k] if names else k}"
        self._show_output(text)
