"""Evaluation: the score on each split, the confusion matrix, and a box to try an input;
for image data also a Predict page to pick a sample or draw a digit (image_predict.py).

Scores are computed from the frames the controller sends, at most every ``EVERY_S``
seconds while training (a big test set must not slow the studio down), and only while
the panel is visible.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnstudio.datasets import CLASSIFICATION
from nnstudio.errors import NNStudioError
from nnstudio.ui.confusion_view import ConfusionMatrix
from nnstudio.ui.image_predict import ImagePredictor
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
    the matrix beside the texts or over them, whichever shows its counts the larger. For
    image data a second page picks a sample or takes a drawing (a click on a cell of the
    matrix picks a sample counted there). ``sigPredicted`` follows each typed input the
    network answered."""

    sigPredicted = Signal()

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
        self.scores_page = QWidget()
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.scores_page)
        self._layout.setContentsMargins(6, 4, 6, 4)
        self._layout.addWidget(self.matrix, 1)
        self._layout.addWidget(self.texts)
        self.scores_page.installEventFilter(self)  # its size decides the arrangement
        self.predictor = ImagePredictor()
        self.predictor.setContentsMargins(6, 2, 6, 4)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.scores_page, "Scores")
        # in a narrow dock the page scrolls rather than widening the window
        self.predict_page = QScrollArea()
        self.predict_page.setWidget(self.predictor)
        self.predict_page.setWidgetResizable(True)
        self.predict_page.setFrameShape(QFrame.Shape.NoFrame)
        self.predict_page.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.predict_page.setMinimumHeight(self.predictor.minimumSizeHint().height())
        self.pages.addTab(self.predict_page, "Predict")
        self.pages.setTabToolTip(1, "Pick a sample or draw a digit and see the answer")
        self._show_predict_page(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.input.returnPressed.connect(self.predict_typed)
        self.pages.currentChanged.connect(self.redraw_now)
        self.matrix.sigCellClicked.connect(self._on_cell_clicked)
        self.frame = None
        self._counted = None  # (split, its predicted classes) the matrix counts
        self._throttle = Throttle(EVERY_S, self._draw, self)

    def show_frame(self, frame) -> None:
        """Score the frame's network (throttled while training)."""
        self.frame = frame
        self._throttle.request(now=frame.snapshot is None or frame.snapshot.status != "running")

    def _draw(self) -> None:
        frame = self.frame
        if frame is None or not on_screen(self):
            return
        images = bool(frame.data.image_input)
        self._show_predict_page(images)
        if images and self.pages.currentWidget() is self.predict_page:
            self.predictor.show_frame(frame)
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
            self._counted = (part, predicted)
            self._show_matrix(
                name,
                confusion_matrix(part.y[:limit], predicted, part.n_classes),
                frame.data.class_names,
            )
        else:
            self.matrix_title.setText("")
            self.matrix.hide()
            self._counted = None
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

    def _show_predict_page(self, shown: bool) -> None:
        """The Predict page and the tabs only for image data, in front when images come
        (nobody types 784 numbers)."""
        if shown and not self.pages.isTabVisible(1):
            self.pages.setCurrentIndex(1)
        self.pages.setTabVisible(1, shown)
        self.pages.tabBar().setVisible(shown)
        features = "pixel values" if shown else "features"
        self.input.setPlaceholderText(
            f"{features}, comma-separated"
            + (" (or the Predict tab)" if shown else ", e.g. 0.5, -1.2")
        )

    def _on_cell_clicked(self, actual: int, predicted: int) -> None:
        """Try a sample of class ``actual`` predicted as ``predicted``: the next one after
        the sample shown, on the Predict page (image data) or typed into the box."""
        if self._counted is None or self.frame is None:
            return
        part, classes = self._counted
        rows = np.flatnonzero((part.y[: len(classes)] == actual) & (classes == predicted))
        if not len(rows):
            return
        if self.frame.data.image_input:
            later = rows[rows > self.predictor.index] if self.predictor.part is part else rows
            self.pages.setCurrentWidget(self.predict_page)  # shows the frame's split
            self.predictor.pick(int((later if len(later) else rows)[0]))
        else:
            values = self.frame.scaler.inverse_transform(part.X[rows[0] : rows[0] + 1])[0]
            self.input.setText(", ".join(f"{v:.6g}" for v in values))
            self.predict_typed()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self.scores_page and event.type() == QEvent.Type.Resize:
            self._arrange()
        return super().eventFilter(watched, event)

    def _arrange(self) -> None:
        page = self.scores_page
        margins, spacing = self._layout.contentsMargins(), self._layout.spacing()
        width = page.width() - margins.left() - margins.right()
        height = page.height() - margins.top() - margins.bottom()
        side = round(SIDE_SHARE * page.width())
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
        text = "output " + ", ".join(f"{v:.8g}" for v in outputs[:10])  # as tutorials print
        if frame.data.task == CLASSIFICATION:
            k = int(predicted_classes(outputs[None, :])[0])
            names = frame.data.class_names
            text += f" → class {names[k] if names else k}"
        self._show_output(text)
        self.sigPredicted.emit()
