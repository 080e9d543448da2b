"""The confusion matrix fits its dock: every cell and count in view for ten classes at
1366×768, axis titles and class names around it, counts in a colour that contrasts."""

import numpy as np
import pytest
from gestures import train_epochs
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QDockWidget, QScrollBar

from nnstudio.ui.confusion_view import MIN_CELL, ConfusionMatrix, cell_colors, short_count
from nnstudio.ui.throttle import on_screen


def _contrast(a, b) -> float:
    """WCAG contrast ratio of two RGB colours (0–255)."""

    def luminance(rgb):
        c = np.asarray(rgb, float) / 255
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return c @ [0.2126, 0.7152, 0.0722]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_count_contrasts_with_its_cell():
    share = np.linspace(0, 1, 101)  # of its row, for a cell on and one off the diagonal
    for diagonal in (True, False):
        rows = [[s, 1 - s] if diagonal else [1 - s, s] for s in share]
        counts = np.array([[row, [0, 1]] for row in rows]) * 1000
        for cell in counts:
            background, light = cell_colors(cell)
            text = (255, 255, 255) if light[0, int(not diagonal)] else (20, 20, 20)
            assert _contrast(text, background[0, int(not diagonal)]) >= 4.0
    background, light = cell_colors(np.array([[9, 0], [0, 9]]))
    assert light[0, 0] and not light[0, 1]  # white on a full blue, dark on white
    np.testing.assert_allclose(background[0, 1], 255)
    np.testing.assert_allclose(background[0, 0], (32, 110, 200))


def test_counts_too_wide_for_their_cells_are_written_short():
    assert [short_count(c) for c in (0, 980, 1234, 9960, 12_345, 3_400_000)] == [
        "0",
        "980",
        "1.2k",
        "10k",
        "12k",
        "3.4M",
    ]


def _assert_fits(matrix: ConfusionMatrix, n: int):
    """The whole grid inside the widget, each cell large enough, each count (in the
    font chosen for it) inside its cell, the class names over and beside the grid."""
    grid = matrix.grid_rect()
    assert matrix.rect().toRectF().contains(grid)
    font, short = matrix.count_style()
    metrics = QFontMetricsF(font)
    for i in range(n):
        for j in range(n):
            cell = matrix.cell_rect(i, j)
            assert cell.width() >= MIN_CELL and cell.height() >= MIN_CELL
            count = int(matrix.counts[i, j])
            text = short_count(count) if short else str(count)
            assert metrics.horizontalAdvance(text) < cell.width()
            assert metrics.height() <= cell.height() + 2
    assert font.pointSizeF() >= 6.5
    assert grid.left() > QFontMetricsF(matrix._tick_font).horizontalAdvance("9")
    assert grid.top() > 2 * QFontMetricsF(matrix._tick_font).height() - 4  # title, names


@pytest.mark.parametrize("size", [(190, 215), (300, 150), (600, 400)])
def test_ten_classes_fit_in_a_small_widget(qtbot, size):
    matrix = ConfusionMatrix()
    qtbot.addWidget(matrix)
    matrix.resize(*size)
    matrix.show()
    counts = np.full((10, 10), 3) + np.diag(np.arange(30, 40))
    matrix.set_counts(counts, [str(k) for k in range(10)])
    _assert_fits(matrix, 10)
    image = matrix.grab().toImage()
    ratio = image.devicePixelRatio()
    background, _ = cell_colors(counts)
    for i, j in [(0, 0), (3, 7), (9, 9)]:
        corner = matrix.cell_rect(i, j).topLeft() + QPoint(2, 2).toPointF()
        color = image.pixelColor(int(corner.x() * ratio), int(corner.y() * ratio))
        assert np.abs(np.array(color.getRgb()[:3]) - background[i, j]).max() <= 2
    assert matrix.cell_at(matrix.cell_rect(3, 7).center()) == (3, 7)
    assert "samples of class 3: 3 predicted as 7" in matrix.cell_text(3, 7)


def test_digits_confusion_matrix_fits_the_evaluation_dock_at_1366x768(window, qtbot):
    window.resize(1366, 768)
    window.arrange_panels()  # as a first launch on that screen lays them out
    assert window.editor.set_dataset({"name": "digits", "params": {}})
    dock = window.findChild(QDockWidget, "Evaluation")
    dock.raise_()
    train_epochs(window, qtbot, 1)
    panel = window.evaluation
    assert panel.pages.currentWidget() is panel.predict_page  # images: pick or draw first
    tabs = panel.pages.tabBar()
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(0).center())
    matrix = panel.matrix
    qtbot.waitUntil(lambda: on_screen(matrix) and matrix.counts.shape == (10, 10), timeout=10000)
    qtbot.wait(100)
    assert matrix.counts.sum() == window.training.live.parts.test.n_samples
    assert matrix.names == [str(k) for k in range(10)]
    assert matrix.AXIS_TITLES == ("predicted", "actual")
    _assert_fits(matrix, 10)
    # nothing cut off by the dock, and nothing in it to scroll
    for widget in (matrix, panel.input, panel.scores):
        assert widget.visibleRegion().boundingRect() == widget.rect(), widget
    assert not [bar for bar in dock.findChildren(QScrollBar) if bar.isVisible()]
    assert matrix.count_style()[0].pointSizeF() >= 7  # two digits a cell: not the smallest
