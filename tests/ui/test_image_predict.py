"""The Predict page of image data: a sample picked, a digit drawn with the mouse, the
network's answer for either; typed numbers only for other data."""

import numpy as np
import pytest
from gestures import train_epochs
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDockWidget

from nnstudio.ui.class_bars import class_probabilities
from nnstudio.ui.digit_ink import MNIST_BOX, centre_of_mass, ink_shape, ink_to_pixels
from nnstudio.ui.throttle import on_screen

# -- the ink as the data's pixels (NumPy) -----------------------------------------------


@pytest.mark.parametrize("shape", [(8, 8), (28, 28)])
def test_ink_read_where_drawn_covers_the_pixels_it_was_drawn_on(shape):
    ink = np.zeros(ink_shape(shape))
    per = ink.shape[0] // shape[0]
    column, top, bottom = 2, 1, shape[0] - 2  # data pixels
    ink[top * per : bottom * per, column * per : (column + 1) * per] = 1.0
    pixels = ink_to_pixels(ink, shape, centre=False)
    expected = np.zeros(shape)
    expected[top:bottom, column] = 1.0
    np.testing.assert_allclose(pixels, expected, atol=1e-12)
    ink[:, column * per : column * per + per // 2] = 0.0  # half a pixel's width left
    assert ink_to_pixels(ink, shape, centre=False)[top, column] == pytest.approx(0.5)


def test_a_digit_of_uci_digits_fills_the_image_centred():
    ink = np.zeros(ink_shape((8, 8)))
    ink[20:40, 70:80] = 1.0  # a small stroke high up on the right
    pixels = ink_to_pixels(ink, (8, 8))
    rows, columns = np.flatnonzero(pixels.any(axis=1)), np.flatnonzero(pixels.any(axis=0))
    assert (rows[0], rows[-1]) == (0, 7)  # its height scaled to the image's
    assert columns[0] == 7 - columns[-1]  # in the middle, left to right
    np.testing.assert_allclose(pixels, pixels[:, ::-1], atol=1e-12)
    scale = min(8 / 20, 8 / 10)  # data pixels per ink pixel: the stroke's height fitted
    assert pixels.sum() == pytest.approx(ink.sum() * scale**2, rel=1e-9)  # no ink lost


def test_an_mnist_digit_fits_20_pixels_with_its_centre_of_mass_in_the_middle():
    ink = np.zeros(ink_shape((28, 28)))
    ink[10:30, 10:60] = 1.0  # a bar along the top, and a stem down its left side
    ink[10:90, 10:20] = 1.0
    pixels = ink_to_pixels(ink, (28, 28))
    rows, columns = np.flatnonzero(pixels.any(axis=1)), np.flatnonzero(pixels.any(axis=0))
    scale = MNIST_BOX / 80  # the longer side, 80 ink pixels, fitted to 20 data pixels
    for span, size in (
        (rows[-1] - rows[0] + 1, 80 * scale),
        (columns[-1] - columns[0] + 1, 50 * scale),
    ):
        assert np.ceil(size) <= span <= np.ceil(size) + 1  # 20 tall, from wherever it starts
    assert pixels.sum() == pytest.approx(ink.sum() * scale**2, rel=1e-9)
    np.testing.assert_allclose(centre_of_mass(pixels), (14.0, 14.0), atol=0.02)
    assert not ink_to_pixels(np.zeros_like(ink), (28, 28)).any()


def test_probabilities_of_sigmoid_softmax_and_plain_outputs():
    np.testing.assert_allclose(class_probabilities(np.array([0.8])), [0.2, 0.8])
    np.testing.assert_allclose(class_probabilities(np.array([0.1, 0.7, 0.2])), [0.1, 0.7, 0.2])
    p = class_probabilities(np.array([2.0, -1.0, 0.0]))
    assert p.sum() == pytest.approx(1) and np.argmax(p) == 0


# -- the page, as a user works it ------------------------------------------------------


def _click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=widget.rect().center())


def _predict_page(window, qtbot, dataset="digits", epochs=1):
    window.resize(1366, 768)
    window.arrange_panels()  # as a first launch on that screen lays them out
    assert window.editor.set_dataset({"name": dataset, "params": {}})
    window.findChild(QDockWidget, "Evaluation").raise_()
    train_epochs(window, qtbot, epochs)
    panel = window.evaluation
    qtbot.waitUntil(lambda: panel.pages.tabBar().isVisible(), timeout=10_000)
    bar = panel.pages.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    predictor = panel.predictor
    qtbot.waitUntil(lambda: on_screen(predictor) and predictor.part is not None, timeout=5000)
    return panel, predictor


def _shown_outputs_match_the_network(predictor, rows):
    frame = predictor.frame
    expected = frame.net.predict(rows)[0]
    np.testing.assert_allclose(predictor.outputs, expected, rtol=1e-6, atol=1e-9)
    assert predictor.bars.predicted == int(np.argmax(expected))
    name = frame.data.class_names[int(np.argmax(expected))]
    assert f"predicted {name}" in predictor.caption.text()


def test_the_next_sample_is_shown_with_its_label_and_the_networks_answer(window, qtbot):
    panel, predictor = _predict_page(window, qtbot)
    assert predictor.split_name == "test"
    part = window.training.live.parts.test
    assert predictor.part.n_samples == part.n_samples and predictor.index == 0
    _shown_outputs_match_the_network(predictor, part.X[0:1])
    first = predictor.picture.image.copy()
    _click(qtbot, predictor.next)
    assert predictor.index == 1
    assert predictor.picture.image != first
    _shown_outputs_match_the_network(predictor, part.X[1:2])
    label = window.training.live.data.class_names[int(part.y[1])]
    assert f"sample 2 of {part.n_samples:,}: label {label}" in predictor.caption.text()
    assert predictor.bars.actual == int(part.y[1])
    # the picture is the sample's pixels, as the data hold them (0 black, 1 white)
    raw = window.training.live.scaler.inverse_transform(part.X[1:2])[0].reshape(8, 8)
    image = predictor.picture.image
    shown = np.array([[image.pixelColor(c, r).red() for c in range(8)] for r in range(8)])
    np.testing.assert_allclose(shown, np.rint(np.clip(raw, 0, 1) * 255), atol=1)
    # every control and the answer in view at 1366×768
    for widget in (predictor.picture, predictor.bars, predictor.number, predictor.random):
        assert widget.visibleRegion().boundingRect() == widget.rect(), widget
    assert predictor.picture.area().width() >= 140
    # training on: the answer follows the network shown
    before = predictor.outputs.copy()
    train_epochs(window, qtbot, 3, start=2)
    qtbot.waitUntil(lambda: not np.allclose(predictor.outputs, before), timeout=10_000)
    qtbot.waitUntil(lambda: predictor.frame.snapshot.status != "running", timeout=10_000)
    qtbot.waitUntil(
        lambda: np.allclose(predictor.outputs, predictor.frame.net.predict(part.X[1:2])[0]),
        timeout=5000,
    )


def _drag(qtbot, canvas, points, button=Qt.MouseButton.LeftButton):
    """Press at the first point (fractions of the drawing square), move through the
    others, release at the last."""
    area = canvas.area()
    at = [
        QPoint(round(area.left() + x * area.width()), round(area.top() + y * area.height()))
        for x, y in points
    ]
    qtbot.mousePress(canvas, button, pos=at[0])
    for point in at[1:]:
        qtbot.mouseMove(canvas, point)
    qtbot.mouseRelease(canvas, button, pos=at[-1])


def test_a_drawn_line_becomes_the_datas_pixels_and_is_predicted_as_drawn(window, qtbot):
    panel, predictor = _predict_page(window, qtbot)
    _click(qtbot, predictor.draw_mode)
    canvas = predictor.canvas
    assert on_screen(canvas) and not predictor.picture.isVisible()
    assert canvas.pixels == (8, 8) and canvas.area().width() >= 140
    _click(qtbot, predictor.centre)  # read where drawn
    assert not predictor.centre.isChecked()
    column = 5
    x = (column + 0.5) / 8
    _drag(qtbot, canvas, [(x, 0.1 + 0.08 * k) for k in range(11)])  # down, 0.1 to 0.9
    pixels = predictor.drawn_pixels()
    assert pixels.shape == (8, 8)
    sums = pixels.sum(axis=0)
    assert np.argmax(sums) == column and sums[column] > 0.8 * sums.sum()
    assert (pixels[1:7, column] > 0.5).all()  # every row the line crosses, well inked
    frame = predictor.frame
    _shown_outputs_match_the_network(predictor, frame.scaler.transform(pixels.reshape(1, -1)))
    preview = predictor.preview.image
    assert preview.pixelColor(column, 3).red() == round(pixels[3, column] * 255)
    # centred: the line moves to the middle and spans the image's height
    _click(qtbot, predictor.centre)
    centred = predictor.drawn_pixels()
    assert set(np.flatnonzero(centred.sum(axis=0) > 0.05)) <= {3, 4}
    assert centre_of_mass(centred)[1] == pytest.approx(4.0, abs=0.1)  # the middle
    assert (centred.sum(axis=1) > 0).all()
    _shown_outputs_match_the_network(predictor, frame.scaler.transform(centred.reshape(1, -1)))
    # the right button erases the part of the line it goes over
    _click(qtbot, predictor.centre)
    _drag(qtbot, canvas, [(0.1, 0.2), (0.9, 0.2)], Qt.MouseButton.RightButton)
    erased = predictor.drawn_pixels()
    assert erased[1, column] < 0.05 and erased[5, column] == pytest.approx(pixels[5, column])
    # Clear empties it: no ink, no answer, the hint to draw
    _click(qtbot, predictor.clear)
    assert canvas.is_empty() and not predictor.drawn_pixels().any()
    assert predictor.outputs is None and not predictor.bars.shown
    assert "Draw a digit" in predictor.caption.text()


def test_an_mnist_drawing_is_centred_into_20_pixels_as_mnist_did(window, qtbot):
    panel, predictor = _predict_page(window, qtbot, "mnist")
    _click(qtbot, predictor.draw_mode)
    canvas = predictor.canvas
    assert canvas.pixels == (28, 28) and canvas.area().width() >= 140
    _drag(qtbot, canvas, [(0.15, 0.1 + 0.05 * k) for k in range(9)])  # a stroke on the left
    pixels = predictor.drawn_pixels()
    rows = np.flatnonzero(pixels.sum(axis=1) > 0.05)
    assert MNIST_BOX - 1 <= rows[-1] - rows[0] + 1 <= MNIST_BOX  # its height fitted to 20
    np.testing.assert_allclose(centre_of_mass(pixels), (14, 14), atol=0.02)
    frame = predictor.frame
    _shown_outputs_match_the_network(predictor, frame.scaler.transform(pixels.reshape(1, -1)))


def test_a_click_on_a_matrix_cell_tries_a_sample_counted_there(window, qtbot):
    panel, predictor = _predict_page(window, qtbot)
    bar = panel.pages.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())
    matrix = panel.matrix
    qtbot.waitUntil(lambda: on_screen(matrix) and matrix.counts.shape == (10, 10), timeout=5000)
    i, j = np.unravel_index(np.argmax(matrix.counts), matrix.counts.shape)
    center = matrix.cell_rect(i, j).center().toPoint()
    qtbot.mouseClick(matrix, Qt.MouseButton.LeftButton, pos=center)
    assert panel.pages.currentWidget() is panel.predict_page and not predictor.drawing
    part, first = predictor.part, predictor.index
    assert part.y[first] == i and np.argmax(predictor.outputs) == j
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())
    qtbot.mouseClick(matrix, Qt.MouseButton.LeftButton, pos=center)
    if matrix.counts[i, j] > 1:  # the next one of them
        assert predictor.index > first and part.y[predictor.index] == i
        assert np.argmax(predictor.outputs) == j


def test_other_data_keep_the_typed_box_only(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window.findChild(QDockWidget, "Evaluation").raise_()
    panel = window.evaluation
    assert window.editor.set_dataset({"name": "digits", "params": {}})
    qtbot.waitUntil(lambda: panel.pages.tabBar().isVisible(), timeout=5000)
    bar = panel.pages.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert panel.pages.currentWidget() is panel.predict_page
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert window.editor.set_dataset({"name": "circle", "params": {}})  # from the Predict page
    window.findChild(QDockWidget, "Evaluation").raise_()
    train_epochs(window, qtbot, 1)
    qtbot.waitUntil(lambda: "test:" in panel.scores.text(), timeout=5000)
    assert not window.training.live.data.image_input
    assert not panel.pages.tabBar().isVisible() and not panel.pages.isTabVisible(1)
    assert panel.pages.currentWidget() is panel.scores_page
    assert panel.input.isVisible() and not panel.predictor.isVisible()
    assert "features" in panel.input.placeholderText()
    # a cell clicked types one of its samples into the box
    matrix = panel.matrix
    qtbot.mouseClick(
        matrix, Qt.MouseButton.LeftButton, pos=matrix.cell_rect(1, 1).center().toPoint()
    )
    values = [float(v) for v in panel.input.text().split(",")]
    assert len(values) == 2 and "→ class" in panel.output.text()
