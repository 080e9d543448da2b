"""Tables typed or pasted in, and points drawn: the tutorials' small tables in seconds,
and a clear message for a cell that cannot be used."""

import numpy as np
import pytest

from nnstudio.datasets import entered
from nnstudio.errors import DataError

AND = "x1\tx2\ty\n0\t0\t0\n0\t1\t0\n1\t0\t0\n1\t1\t1\n"


def test_a_pasted_truth_table_becomes_its_four_samples():
    columns, rows = entered.parse_pasted(AND)
    assert columns == ["x1", "x2", "y"] and len(rows) == 4
    data = entered.from_rows(columns, rows, label_column=2, name="AND")
    np.testing.assert_array_equal(data.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(data.y, [0, 0, 0, 1])
    assert data.class_names == ("0", "1") and data.feature_names == ("x1", "x2")


@pytest.mark.parametrize(
    "text, delimiter_cells",
    [("1,2,a\n3,4,b\n", ["1", "2", "a"]), ("1;2;a\n3;4;b\n", ["1", "2", "a"])],
)
def test_comma_and_semicolon_separated_text_pastes_too(text, delimiter_cells):
    columns, rows = entered.parse_pasted(text)
    assert columns is None and rows[0] == delimiter_cells


def test_text_labels_are_classes_and_many_numbers_are_targets():
    columns = ["size", "kind"]
    data = entered.from_rows(columns, [["1", "cat"], ["2", "dog"], ["3", "cat"]], 1)
    assert data.class_names == ("cat", "dog") and data.y.tolist() == [0, 1, 0]
    rows = [[str(i), str(i * 1.5)] for i in range(20)]
    data = entered.from_rows(["x", "y"], rows, 1)
    assert data.task == "regression" and data.y[-1] == pytest.approx(28.5)
    data = entered.from_rows(["x", "y"], [["0", "1"], ["1", "2"]], 1, task="regression")
    assert data.task == "regression"


@pytest.mark.parametrize(
    "rows, message",
    [
        ([["1", "a"], ["x", "b"]], r"row 2, column 'f' is 'x', not a number"),
        ([["1", "a"], ["", "b"]], r"row 2, column 'f' is 'empty'"),
        ([["1", "a"], ["2"]], r"row 2 has 1 cells; the table has 2"),
        ([["1", "a"], ["2", " "]], r"row 2 has no 'label'"),
        ([], r"no rows"),
    ],
)
def test_a_cell_that_cannot_be_used_is_named(rows, message):
    with pytest.raises(DataError, match=message):
        entered.from_rows(["f", "label"], rows, 1)


def test_a_text_target_for_regression_is_refused_saying_what_to_do():
    with pytest.raises(DataError, match="row 2's 'y' is 'big', not a number.*classification"):
        entered.from_rows(["x", "y"], [["1", "2"], ["2", "big"]], 1, task="regression")


def test_drawn_points_keep_their_class_or_value():
    data = entered.from_points([[0.5, 1.0], [-1.0, 0.2]], [0, 1])
    assert data.is_2d and data.class_names == entered.DRAWN_CLASSES and data.y.tolist() == [0, 1]
    values = entered.from_points([[0.0, 0.0]], [0.7], task="regression")
    assert values.task == "regression" and values.y.tolist() == [0.7]
    with pytest.raises(DataError, match="class 0 or 1"):
        entered.from_points([[0.0, 0.0]], [2])
    with pytest.raises(DataError, match="finite"):
        entered.from_points([[np.nan, 0.0]], [0])


def test_points_are_added_one_by_one_and_the_nearest_removed():
    data = entered.with_point(None, 0.0, 0.0, 0)
    data = entered.with_point(data, 1.0, 1.0, 1)
    assert data.name == entered.DRAWN and data.X.tolist() == [[0, 0], [1, 1]]
    fewer = entered.without_nearest(data, 0.9, 0.8)
    assert fewer.X.tolist() == [[0, 0]] and fewer.y.tolist() == [0]
    with pytest.raises(DataError, match="the last point stays"):
        entered.without_nearest(fewer, 0, 0)


@pytest.mark.parametrize("n_values, task", [(12, "classification"), (60, "regression")])
def test_typed_labels_follow_the_rule_of_a_file_s_labels(tmp_path, n_values, task):
    from nnstudio import datasets

    rows = [[str(i * 0.5), str(i % n_values)] for i in range(2 * n_values)]
    typed = entered.from_rows(["x", "y"], rows, label_column=1)
    path = tmp_path / "same.csv"
    path.write_text("x,y\n" + "".join(f"{x},{y}\n" for x, y in rows))
    opened = datasets.load_table(path).dataset
    assert typed.task == opened.task == task
    assert typed.class_names == opened.class_names
