"""Try the network on an image: pick a sample of the split the confusion matrix counts
(◀ ▶, its number, or at random) and see its label and the network's answer, or, for
grey images, draw a digit and see the answer change as you draw (a drawing has no
colours: colour images are tried on their samples). Both follow training."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnstudio.datasets import CLASSIFICATION
from nnstudio.errors import NNStudioError
from nnstudio.ui.class_bars import ClassBars, class_probabilities
from nnstudio.ui.colour_pictures import sample_image
from nnstudio.ui.digit_canvas import MIN_SIDE, DigitCanvas, SquareImage, grey_image
from nnstudio.ui.digit_ink import ink_to_pixels

PREVIEW_SIDE = 48  # px: what the network sees of a drawing
DRAW_HINT = "Draw a digit: the left button draws, the right one erases."
DRAW_TIP = "Draw a digit with the mouse"


def no_drawing_text(channels: int) -> tuple[str, str]:
    """The note (short, and long) for images of several channels: no drawing."""
    what = "Colour images" if channels == 3 else f"Images of {channels} channels"
    return (
        f"{what}: pick a sample (drawing is for grey images)",
        f"{what}: a drawing is grey, one channel, so the network is tried on the "
        "data's samples instead (◀ ▶, a number, or Random)",
    )


def shown_split(parts) -> tuple[str, object] | tuple[None, None]:
    """The split the evaluation's matrix counts: test, else validation, else training
    (the last of them that has samples)."""
    named = [("training", parts.train), ("validation", parts.validation), ("test", parts.test)]
    named = [(name, part) for name, part in named if part is not None and part.n_samples]
    return named[-1] if named else (None, None)


def answer_text(outputs: np.ndarray, data) -> str:
    """The predicted class and its probability, or the outputs of a regression."""
    if data.task != CLASSIFICATION:
        return "output " + ", ".join(f"{v:.4g}" for v in outputs[:10])
    p = class_probabilities(outputs)
    k = int(np.argmax(p))
    return f"predicted {data.class_names[k]} ({p[k]:.0%})"


class ImagePredictor(QWidget):
    """A sample or a drawing, the network's answer for it, as bars of its classes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.frame = None
        self.part = None  # the split's samples, scaled as the network takes them
        self.split_name = ""
        self.outputs: np.ndarray | None = None  # the network's answer shown
        self._rng = np.random.default_rng()
        self.sample_mode = QToolButton(text="Sample", checkable=True, checked=True)
        self.sample_mode.setToolTip("Pick a sample of the split the matrix counts")
        self.draw_mode = QToolButton(text="Draw", checkable=True)
        self.draw_mode.setToolTip(DRAW_TIP)
        self.note = QLabel()  # why there is no drawing (colour images)
        self.note.setWordWrap(True)
        self.note.hide()
        modes = QButtonGroup(self)
        for button in (self.sample_mode, self.draw_mode):
            modes.addButton(button)
            button.setAutoRaise(True)
        self.previous = QToolButton(text="◀", autoRaise=True, toolTip="The previous sample")
        self.next = QToolButton(text="▶", autoRaise=True, toolTip="The next sample")
        self.number = QSpinBox(minimum=1, maximum=1, keyboardTracking=False)
        self.number.setToolTip("The sample's number in its split")
        self.random = QToolButton(text="Random", autoRaise=True, toolTip="Any sample")
        self.clear = QPushButton("Clear")
        self.clear.setToolTip("Erase the drawing (the right mouse button erases a part)")
        self.centre = QCheckBox("Centre", checked=True)
        self.centre.setToolTip(
            "Scale and centre the drawing as the data's digits were (MNIST: into 20×20 "
            "pixels by its centre of mass); unticked, it is read where it is drawn"
        )
        sample_tools, draw_tools = QWidget(), QWidget()
        row = QHBoxLayout(sample_tools)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        for widget in (self.previous, self.number, self.next, self.random):
            row.addWidget(widget)
        row = QHBoxLayout(draw_tools)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.clear)
        row.addWidget(self.centre)
        self.tools = QStackedWidget()
        self.tools.addWidget(sample_tools)
        self.tools.addWidget(draw_tools)
        self.picture = SquareImage()
        self.picture.setToolTip("The sample, as the data holds it")
        self.canvas = DigitCanvas()
        self.view = QStackedWidget()
        self.view.addWidget(self.picture)
        self.view.addWidget(self.canvas)
        self.preview = SquareImage()
        self.preview.setMinimumSize(PREVIEW_SIDE, PREVIEW_SIDE)
        self.preview.setFixedSize(PREVIEW_SIDE, PREVIEW_SIDE)
        self.preview.setToolTip("The drawing as the network sees it: the data's pixels")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bars = ClassBars()
        self._build_layout()
        self.sample_mode.toggled.connect(self._on_mode_changed)
        self.previous.clicked.connect(lambda: self.number.stepBy(-1))
        self.next.clicked.connect(lambda: self.number.stepBy(1))
        self.random.clicked.connect(self._pick_random)
        self.number.valueChanged.connect(self._show_sample)
        self.canvas.sigChanged.connect(self._show_drawing)
        self.clear.clicked.connect(self.canvas.clear)
        self.centre.toggled.connect(self._show_drawing)
        self._on_mode_changed()

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.setSpacing(2)
        top.addWidget(self.sample_mode)
        top.addWidget(self.draw_mode)
        top.addSpacing(6)
        top.addWidget(self.tools)
        top.addWidget(self.note, 1)
        top.addStretch(1)
        heading = QHBoxLayout()
        heading.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        heading.addWidget(self.caption, 1)
        side = QVBoxLayout()
        side.setSpacing(2)
        side.addLayout(heading)
        side.addWidget(self.bars, 1)
        body = QHBoxLayout()
        body.addWidget(self.view)
        body.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # the picture square: as wide as it is high, the rest for the answer
        margins = self.contentsMargins()
        high = self.height() - margins.top() - margins.bottom()
        high -= self.tools.sizeHint().height() + self.layout().spacing()
        wide = (self.width() - margins.left() - margins.right()) // 2
        self.view.setFixedWidth(max(MIN_SIDE, min(high, wide)))

    @property
    def drawing(self) -> bool:
        return self.draw_mode.isChecked()

    @property
    def index(self) -> int:
        """The sample shown, a row of ``part``."""
        return self.number.value() - 1

    def show_frame(self, frame) -> None:
        """Follow ``frame`` (a training controller's Frame, of image data)."""
        self.frame = frame
        self.split_name, self.part = shown_split(frame.parts)
        shape = frame.data.image_input[:2]
        if shape:
            self.canvas.set_pixels(shape)
            self.picture.pixels = self.preview.pixels = shape
        self._allow_drawing(frame.data.channels)
        self.number.blockSignals(True)  # a smaller split clamps it: shown below
        self.number.setMaximum(max(1, self.part.n_samples if self.part is not None else 1))
        self.number.blockSignals(False)
        self._refresh()

    def _allow_drawing(self, channels: int) -> None:
        """Drawing for grey images; for images of several channels (colour) samples
        only, and a note that says why."""
        grey = channels == 1
        if not grey and self.drawing:
            self.sample_mode.setChecked(True)  # shows the sample
        short, long = ("", DRAW_TIP) if grey else no_drawing_text(channels)
        self.draw_mode.setEnabled(grey)
        self.draw_mode.setToolTip(long)
        self.note.setText(short)
        self.note.setToolTip("" if grey else long)
        self.note.setVisible(not grey)

    def pick(self, index: int) -> None:
        """Show sample ``index`` of the split (from 0)."""
        self.sample_mode.setChecked(True)
        self.number.setValue(index + 1)
        self._show_sample()

    def _pick_random(self) -> None:
        if self.part is not None:
            self.number.setValue(int(self._rng.integers(self.part.n_samples)) + 1)

    def _on_mode_changed(self) -> None:
        page = int(self.drawing)
        self.tools.setCurrentIndex(page)
        self.view.setCurrentIndex(page)
        self.preview.setVisible(self.drawing)
        self._refresh()

    def _refresh(self) -> None:
        if self.drawing:
            self._show_drawing()
        else:
            self._show_sample()

    def _show_sample(self) -> None:
        frame, part = self.frame, self.part
        if self.drawing or frame is None:
            return
        if part is None or not frame.data.image_input:
            self._say("No samples to show.")
            return
        index = self.index
        rows = part.X[index : index + 1]
        pixels = frame.scaler.inverse_transform(rows)[0].reshape(frame.data.image_input)
        low, high = min(0.0, pixels.min()), max(1.0, pixels.max())
        if frame.data.channels == 1:
            self.picture.set_image(grey_image(pixels[..., 0], low, high))
        else:  # red, green and blue on one scale (their balance is the colour)
            self.picture.set_image(sample_image(pixels, low, high))
        actual = int(part.y[index]) if frame.data.task == CLASSIFICATION else None
        truth = (
            f"label {frame.data.class_names[actual]}"
            if actual is not None
            else f"target {np.array2string(np.asarray(part.y[index]), precision=4)}"
        )
        heading = f"{self.split_name} sample {index + 1:,} of {part.n_samples:,}: {truth}"
        self._answer(rows, heading, actual)

    def drawn_pixels(self) -> np.ndarray:
        """The drawing as the data's (height, width) pixels, in [0, 1]."""
        shape = self.frame.data.image_input[:2] if self.frame is not None else self.canvas.pixels
        return ink_to_pixels(self.canvas.ink(), shape, self.centre.isChecked())

    def _show_drawing(self) -> None:
        frame = self.frame
        if not self.drawing or frame is None or not frame.data.image_input:
            return
        if frame.data.channels != 1:  # (a drawing has no colours)
            self._say(no_drawing_text(frame.data.channels)[1])
            return
        pixels = self.drawn_pixels()
        self.preview.set_image(grey_image(pixels))
        if not pixels.any():
            self._say(DRAW_HINT)
            return
        try:
            rows = frame.scaler.transform(pixels.reshape(1, -1))
        except NNStudioError as exc:
            self._say(f"⚠ {exc}")
            return
        self._answer(rows, "your drawing:", None)

    def _answer(self, rows: np.ndarray, heading: str, actual: int | None) -> None:
        """Run ``rows`` (one, scaled) through the network; show the answer."""
        frame = self.frame
        try:
            outputs = frame.net.predict(rows)[0]
        except NNStudioError as exc:  # the network does not fit the data (yet)
            self._say(f"{heading}\n⚠ {exc}")
            return
        self.outputs = outputs
        self.caption.setText(f"{heading}\n{answer_text(outputs, frame.data)}")
        if frame.data.task == CLASSIFICATION:
            probabilities = class_probabilities(outputs)
            self.bars.set_probabilities(probabilities, frame.data.class_names, actual)
        else:
            self.bars.clear()

    def _say(self, text: str) -> None:
        self.outputs = None
        self.caption.setText(text)
        self.bars.clear()
