"""The table import the studio's dialog sits on: preview, explicit options, encodings,
missing values, and a test file read with the training file's encoding."""

import json

import numpy as np
import pytest

from nnstudio.datasets import ImportedTable, TableImport, load_table, preview_table
from nnstudio.datasets.table import TableEncoding, words
from nnstudio.errors import DataError

PETS = """name,colour,weight,kind
Rex,brown,30.5,dog
Tom,black,4.2,cat
Fido,black,25,dog
Kitty,white,3.9,cat
Spot,white,12,dog
Misty,brown,4.8,cat
"""

REVIEWS = """text,mood
"A great film, I loved it",positive
What a waste of time,negative
"Great acting, great story",positive
Boring and far too long,negative
I loved the music,positive
"Awful, boring plot",negative
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


# -- preview --------------------------------------------------------------------------


def test_preview_names_columns_rows_and_kinds(tmp_path):
    preview = preview_table(_write(tmp_path, "pets.csv", PETS), rows=3)
    assert preview.columns == ("name", "colour", "weight", "kind")
    assert preview.rows[0] == ("Rex", "brown", "30.5", "dog") and len(preview.rows) == 3
    assert preview.kinds == ("text", "category", "number", "category")
    assert preview.delimiter == "," and preview.header and preview.n_rows == 6


def test_preview_of_sentences_an_empty_column_and_a_tsv(tmp_path):
    reviews = preview_table(_write(tmp_path, "r.csv", REVIEWS))
    assert reviews.kinds == ("text", "category")
    tsv = preview_table(_write(tmp_path, "t.tsv", "a\tb\tc\n1\t\tx\n2\tNA\ty\n3\t\tx\n"))
    assert tsv.delimiter == "\t" and tsv.kinds == ("number", "empty", "category")
    assert tsv.rows[1] == ("2", "NA", "y")


def test_suggested_import_from_the_preview_trains_on_text(tmp_path):
    path = _write(tmp_path, "pets.csv", PETS)
    options = preview_table(path).suggested_import()
    assert options.label_columns == ("kind",)
    assert options.categorical == ("colour",) and options.text == ("name",)
    assert load_table(path, options).dataset.class_names == ("cat", "dog")


# -- options --------------------------------------------------------------------------


def test_options_round_trip_through_a_plain_dict_and_json():
    options = TableImport(
        label_columns=["kind"],
        feature_columns=["colour", "weight"],
        task="classification",
        missing="mean",
        categorical=["colour"],
        vocabulary_size=50,
        delimiter=";",
        header=True,
    )
    data = json.loads(json.dumps(options.to_dict()))
    assert TableImport.from_dict(data) == options
    assert TableImport.from_dict({}) == TableImport()


@pytest.mark.parametrize(
    "options,message",
    [
        ({"task": "clustering"}, "task must be one of auto, classification, regression"),
        ({"missing": "ignore"}, "missing must be one of refuse, drop, mean"),
        ({"label_columns": []}, "label_columns is empty"),
        ({"vocabulary_size": 0}, "vocabulary_size must be a whole number"),
        ({"categorical": ["a"], "text": ["a"]}, "column 'a' is both categorical and text"),
        ({"delimiter": ",,"}, "delimiter must be one character"),
        ({"label_columns": [1.5]}, "neither a column name nor a column number"),
    ],
)
def test_bad_options_are_refused_with_what_is_wrong(options, message):
    with pytest.raises(DataError, match=message):
        TableImport(**options)


def test_unknown_option_keys_are_refused():
    with pytest.raises(DataError, match="unknown table import option"):
        TableImport.from_dict({"label_columns": ["y"], "scaling": "none"})


# -- text features --------------------------------------------------------------------


def test_a_text_label_and_a_categorical_feature(tmp_path):
    path = _write(tmp_path, "pets.csv", PETS)
    options = TableImport(
        label_columns=("kind",), feature_columns=("colour", "weight"), categorical=("colour",)
    )
    table = load_table(path, options)
    data = table.dataset
    assert data.feature_names == ("colour=black", "colour=brown", "colour=white", "weight")
    assert data.X[0].tolist() == [0, 1, 0, 30.5] and data.X[3].tolist() == [0, 0, 1, 3.9]
    assert data.class_names == ("cat", "dog") and data.y.tolist() == [1, 0, 1, 0, 1, 0]
    assert table.encoding.features[0].values == ("black", "brown", "white")


def test_a_text_feature_without_an_encoding_is_refused_with_the_choices(tmp_path):
    path = _write(tmp_path, "pets.csv", PETS)
    with pytest.raises(DataError) as info:
        load_table(path, TableImport(label_columns=("kind",)))
    message = str(info.value)
    assert "pets.csv, line 2, column 'name': 'Rex' is not a number" in message
    assert "import it as categorical (one-hot) or text (words)" in message


def test_sentences_become_a_bag_of_words_that_trains(tmp_path):
    path = _write(tmp_path, "reviews.csv", REVIEWS)
    options = TableImport(label_columns=("mood",), text=("text",), vocabulary_size=6)
    data = load_table(path, options).dataset
    # the 6 words most rows hold (a, boring, great, i, loved: 2 rows each), then by name
    assert data.feature_names == tuple(
        f"word:{w}" for w in ("a", "boring", "great", "i", "loved", "acting")
    )
    assert data.X[2].tolist() == [0, 0, 2, 0, 0, 1]  # "Great acting, great story"
    assert data.class_names == ("negative", "positive")
    # a one-layer logistic fit separates them: the words carry the mood
    X, t = data.X, data.y.astype(float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(500):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        w -= 0.5 * X.T @ (p - t) / len(t)
        b -= 0.5 * np.mean(p - t)
    assert ((X @ w + b > 0) == (t == 1)).all()


def test_words_are_lowercase_letters_and_digits():
    assert words("Don't STOP, 5 stars!! great_film") == [
        "don't",
        "stop",
        "5",
        "stars",
        "great",
        "film",
    ]


def test_several_numeric_targets_are_a_multi_output_regression(tmp_path):
    path = _write(tmp_path, "m.csv", "x1,x2,y1,y2\n1,2,0.5,10\n2,1,1.5,20\n3,3,2.5,30\n")
    data = load_table(path, TableImport(label_columns=("y1", "y2"))).dataset
    assert data.task == "regression" and data.y.shape == (3, 2) and data.n_outputs == 2
    assert data.feature_names == ("x1", "x2") and data.y[1].tolist() == [1.5, 20]
    with pytest.raises(DataError, match="several label columns .* make a multi-output"):
        load_table(path, TableImport(label_columns=("y1", "y2"), task="classification"))


# -- missing values -------------------------------------------------------------------

GAPS = "a,b,label\n1,2,x\n3,,y\n5,NA,x\n7,8,y\n"


def test_missing_values_are_refused_by_default_naming_line_and_column(tmp_path):
    path = _write(tmp_path, "gaps.csv", GAPS)
    with pytest.raises(DataError) as info:
        load_table(path)
    message = str(info.value)
    assert message.startswith("gaps.csv, line 3, column 'b' is empty: a missing value")
    assert "missing='drop'" in message and "missing='mean'" in message


def test_missing_values_dropped(tmp_path):
    table = load_table(_write(tmp_path, "gaps.csv", GAPS), TableImport(missing="drop"))
    assert table.dataset.X.tolist() == [[1, 2], [7, 8]] and table.dropped_rows == 2
    assert "2 rows with missing values dropped" in table.dataset.description


def test_missing_values_filled_with_the_column_mean(tmp_path):
    table = load_table(_write(tmp_path, "gaps.csv", GAPS), TableImport(missing="mean"))
    assert table.dataset.X[:, 1].tolist() == [2, 5, 5, 8] and table.filled_values == 2
    assert table.encoding.features[1].fill == (5.0,)


def test_a_missing_category_is_filled_with_the_category_frequencies(tmp_path):
    text = "colour,size,label\nred,1,a\n,2,b\nblue,3,a\nred,4,b\n"
    options = TableImport(categorical=("colour",), missing="mean")
    data = load_table(_write(tmp_path, "c.csv", text), options).dataset
    assert data.feature_names == ("colour=blue", "colour=red", "size")
    assert data.X[1].tolist() == pytest.approx([1 / 3, 2 / 3, 2])


def test_a_missing_label_is_never_filled(tmp_path):
    path = _write(tmp_path, "l.csv", "a,label\n1,x\n2,\n3,y\n")
    with pytest.raises(DataError, match="l.csv, line 3, column 'label': the label is missing"):
        load_table(path, TableImport(missing="mean"))
    assert load_table(path, TableImport(missing="drop")).dataset.n_samples == 2


def test_a_short_row_is_ragged_not_missing(tmp_path):
    path = _write(tmp_path, "s.csv", "a,b,c,label\n1,2,3,x\n4,5\n6,7,8,y\n")
    for missing in ("refuse", "drop", "mean"):
        with pytest.raises(DataError, match="s.csv, line 3: 2 fields, expected 4"):
            load_table(path, TableImport(missing=missing))


# -- a test file with the training file's encoding ----------------------------------------

TRAIN = "colour,weight,review,kind\nbrown,30,good dog,dog\nblack,4,nice cat,cat\nwhite,12,,dog\n"


def _train(tmp_path) -> tuple[ImportedTable, TableImport]:
    options = TableImport(
        label_columns=("kind",), categorical=("colour",), text=("review",), missing="mean"
    )
    return load_table(_write(tmp_path, "train.csv", TRAIN), options), options


def test_a_test_file_is_encoded_like_the_training_file(tmp_path):
    train, options = _train(tmp_path)
    test_text = "kind,weight,review,colour\ncat,5,a good cat,black\ndog,,,green\n"
    test = load_table(_write(tmp_path, "test.csv", test_text), options, encoding=train.encoding)
    assert test.dataset.feature_names == train.dataset.feature_names
    assert test.dataset.class_names == ("cat", "dog") and test.dataset.y.tolist() == [0, 1]
    names = train.dataset.feature_names
    row = dict(zip(names, test.dataset.X[0]))
    assert row["colour=black"] == 1 and row["weight"] == 5 and row["word:good"] == 1
    assert row["word:cat"] == 1 and "word:a" not in row  # training never saw "a"
    second = dict(zip(names, test.dataset.X[1]))
    assert second["weight"] == pytest.approx(46 / 3)  # the training file's mean
    assert [second[f"colour={c}"] for c in ("black", "brown", "white")] == [0, 0, 0]


def test_a_test_file_whose_columns_differ_is_refused(tmp_path):
    train, options = _train(tmp_path)
    path = _write(tmp_path, "test.csv", "colour,weight,kind\nblack,5,cat\n")
    with pytest.raises(DataError) as info:
        load_table(path, options, encoding=train.encoding)
    message = str(info.value)
    assert message.startswith("test.csv: its columns differ from the training file train.csv's")
    assert "it has no column 'review'" in message and "Give test.csv the same columns" in message


def test_a_test_label_training_never_saw_is_refused(tmp_path):
    train, options = _train(tmp_path)
    path = _write(
        tmp_path, "test.csv", "colour,weight,review,kind\nblack,5,x,cat\nwhite,3,y,bird\n"
    )
    with pytest.raises(DataError) as info:
        load_table(path, options, encoding=train.encoding)
    message = str(info.value)
    assert message.startswith("test.csv, line 3: the label 'bird' in column 'kind' is a class")
    assert "train.csv does not have (its classes: cat, dog)" in message
    assert "remove those rows from test.csv or add the class to train.csv" in message


def test_numeric_classes_map_like_training(tmp_path):
    options = TableImport()
    train = load_table(_write(tmp_path, "a.csv", "x,y\n1,2\n2,10\n3,2\n"), options)
    assert train.dataset.class_names == ("2", "10")
    test = load_table(
        _write(tmp_path, "b.csv", "x,y\n5,10.0\n6,2\n"), options, encoding=train.encoding
    )
    assert test.dataset.y.tolist() == [1, 0]
    with pytest.raises(DataError, match="b.csv, line 2: the label '3'"):
        load_table(_write(tmp_path, "b.csv", "x,y\n5,3\n"), options, encoding=train.encoding)


def test_the_encoding_round_trips_through_a_plain_dict(tmp_path):
    train, options = _train(tmp_path)
    again = TableEncoding.from_dict(json.loads(json.dumps(train.encoding.to_dict())))
    assert again == train.encoding
    with pytest.raises(DataError, match="damaged"):
        TableEncoding.from_dict({"columns": []})


def test_nothing_half_loaded_a_failure_returns_nothing(tmp_path):
    train, options = _train(tmp_path)
    bad = _write(tmp_path, "test.csv", "colour,weight,review,kind\nblack,heavy,x,cat\n")
    with pytest.raises(
        DataError, match="test.csv, line 2, column 'weight': 'heavy' is not a number"
    ):
        load_table(bad, options, encoding=train.encoding)
