"""The data as a table: every sample with its split, values, label and the network's
prediction; sortable; big datasets cost nothing until shown."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt


@pytest.fixture
def table(window, qtbot):
    dock = window.findChild(type(window.boundary_dock), "Data")
    dock.raise_()
    qtbot.waitUntil(lambda: window.data_table.model.rowCount() > 0, timeout=5000)
    return window.data_table


def cell(table, row, column):
    model = table.view.model()
    return model.data(model.index(row, column))


def column_of(table, name):
    model = table.model
    return next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == name
    )


def test_every_sample_is_a_row_with_its_split_values_and_prediction(window, table):
    data = window.project.load_dataset()
    assert table.model.rowCount() == data.n_samples == 400
    splits = {cell(table, r, 0) for r in range(table.model.rowCount())}
    assert splits == {"train", "test"}
    raw = {(float(cell(table, r, 1)), float(cell(table, r, 2))) for r in range(20)}
    originals = {(float(f"{x:.4g}"), float(f"{y:.4g}")) for x, y in data.X}
    assert raw <= originals  # the values as in the dataset, not scaled
    right = column_of(table, "right")
    marks = [cell(table, r, right) for r in range(table.model.rowCount())]
    assert (
        set(marks) <= {"✓", "✗"} and f"{marks.count('✓'):,} predicted right" in table.summary.text()
    )


def test_clicking_a_column_header_sorts_by_its_values(window, qtbot, table):
    header = table.view.horizontalHeader()
    x = header.sectionViewportPosition(1) + 5
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    values = [float(cell(table, r, 1)) for r in range(table.model.rowCount())]
    assert values == sorted(values) or values == sorted(values, reverse=True)


def test_predictions_follow_training(window, qtbot, table):
    right = column_of(table, "right")
    before = [cell(table, r, right) for r in range(400)]
    window.training_panel.step_epoch.click()
    qtbot.waitUntil(
        lambda: window.training.latest is not None and window.training.latest.status != "running",
        timeout=10_000,
    )
    window.data_table.redraw_now()
    after = [cell(table, r, right) for r in range(400)]
    assert before != after


def test_an_image_dataset_shows_its_first_pixels_then_how_many_more(window, qtbot, table):
    window.editor.set_dataset({"name": "digits", "params": {}})
    window.data_table.redraw_now()
    headers = [
        table.model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(table.model.columnCount())
    ]
    assert "… 52 more" in headers and headers[-3:] == ["label", "predicted", "right"]
    assert table.model.rowCount() == 1797
    assert np.isfinite(float(cell(table, 0, 1)))
