"""The user's own files: round trips, every bad-input message, and fuzzing."""

import gzip

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnstudio import datasets
from nnstudio.datasets import load_csv, load_idx, load_npz, read_idx, write_idx
from nnstudio.errors import DataError

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


# -- CSV ------------------------------------------------------------------------------


def test_csv_with_header_and_string_labels_round_trips(tmp_path):
    path = _write(
        tmp_path, "flowers.csv", "length,width,kind\n1.5,2,rose\n3,4.25,tulip\n5,6,rose\n"
    )
    data = load_csv(path)
    assert data.feature_names == ("length", "width")
    assert data.class_names == ("rose", "tulip")
    assert data.y.tolist() == [0, 1, 0]
    assert data.X.tolist() == [[1.5, 2], [3, 4.25], [5, 6]]
    assert data.task == "classification" and data.name == "flowers"


def test_csv_without_header_tsv_and_label_column_by_index(tmp_path):
    path = _write(tmp_path, "t.tsv", "2\t0.5\t1\n1\t0.25\t3\n2\t1.5\t5\n")
    data = load_csv(path, label_column=0)
    assert data.class_names == ("1", "2") and data.y.tolist() == [1, 0, 1]
    assert data.X.tolist() == [[0.5, 1], [0.25, 3], [1.5, 5]]


def test_csv_regression_and_feature_selection(tmp_path):
    path = _write(tmp_path, "r.csv", "a,b,c,target\n1,2,3,0.5\n4,5,6,1.25\n7,8,9,2.5\n")
    data = load_csv(path, label_column="target", feature_columns=["c", "a"])
    assert data.task == "regression" and data.y.tolist() == [0.5, 1.25, 2.5]
    assert data.feature_names == ("c", "a") and data.X[0].tolist() == [3, 1]
    forced = load_csv(path, label_column="a", task="regression")
    assert forced.task == "regression"


def test_integer_labels_become_classes_in_numeric_order(tmp_path):
    path = _write(tmp_path, "i.csv", "x,y\n0.1,10\n0.2,2\n0.3,10\n")
    data = load_csv(path)
    assert data.class_names == ("2", "10") and data.y.tolist() == [1, 0, 1]


def test_gzipped_csv(tmp_path):
    path = tmp_path / "g.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,x\n2,y\n"))
    assert load_csv(path).class_names == ("x", "y")


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "is empty"),
        ("\n\n", "is empty"),
        ("a,b,label\n", "has a header but no data rows"),
        ("a,b,label\n1,2,x\n3,4\n", "line 3: 2 fields, expected 3"),
        ("a,b,label\n1,2,x\n3,four,y\n", "line 3, column 'b': 'four' is not a number"),
        ("a,b,label\n1,2,x\n3,nan,y\n", "line 3, column 'b': 'nan' is not a finite number"),
        ("a,b,label\n1,inf,x\n3,1,y\n", "line 2, column 'b': 'inf' is not a finite number"),
        ("a,b,label\n1,,x\n3,1,y\n", "line 2, column 'b' is empty"),
        ("a,b,label\n1,2,x\n3,4,x\n", "holds one class only ('x')"),
        ("a,b,label\n1,2,x\n3,4,\n", "line 3: the label ('label') is empty"),
    ],
)
def test_bad_csv_files_get_a_message_naming_the_place(tmp_path, text, message):
    path = _write(tmp_path, "bad.csv", text)
    with pytest.raises(DataError) as info:
        load_csv(path)
    assert message in str(info.value)
    assert "bad.csv" in str(info.value)


def test_csv_unknown_label_column_lists_the_columns(tmp_path):
    path = _write(tmp_path, "c.csv", "a,b\n1,x\n2,y\n")
    with pytest.raises(DataError, match="no column 'kind'; its columns are: a, b"):
        load_csv(path, label_column="kind")


def test_csv_regression_with_text_labels_says_so(tmp_path):
    path = _write(tmp_path, "c.csv", "a,b\n1,2\n2,oops\n")
    with pytest.raises(DataError, match="line 3: label 'oops' is not a number"):
        load_csv(path, task="regression")


def test_file_too_large_is_refused_before_reading(tmp_path):
    path = _write(tmp_path, "big.csv", "a,b\n" + "1,2\n" * 1000)
    with pytest.raises(DataError, match="more than"):
        load_csv(path, max_bytes=1000)


def test_binary_garbage_is_not_utf8(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xff\xfe\x00\x01garbage")
    with pytest.raises(DataError, match="not a UTF-8 text file"):
        load_csv(path)


# -- NPZ ------------------------------------------------------------------------------


def test_npz_round_trip_with_string_labels_and_other_keys(tmp_path):
    X = np.random.default_rng(0).normal(size=(6, 3))
    np.savez(tmp_path / "d.npz", features=X, target=np.array(["b", "a"] * 3))
    data = load_npz(tmp_path / "d.npz", x_key="features", y_key="target")
    assert np.array_equal(data.X, X) and data.class_names == ("a", "b")
    assert data.y.tolist() == [1, 0] * 3


def test_npz_one_hot_and_regression_targets(tmp_path):
    X = np.zeros((4, 2))
    np.savez(tmp_path / "o.npz", X=X, y=np.eye(2)[[0, 1, 1, 0]])
    assert load_npz(tmp_path / "o.npz").y.tolist() == [0, 1, 1, 0]
    np.savez(tmp_path / "r.npz", X=X, y=np.array([0.5, 1.5, 2.25, 3.0]))
    assert load_npz(tmp_path / "r.npz").task == "regression"


@pytest.mark.parametrize(
    "arrays,message",
    [
        ({"X": np.zeros((3, 2))}, "has no array 'y'; it has: X"),
        ({"X": np.zeros((3, 2)), "y": np.zeros(4)}, "3 rows in 'X' but 4 in 'y'"),
        ({"X": np.zeros((3, 2, 2)), "y": np.zeros(3)}, "must be 2-D"),
        ({"X": np.array([[1.0], [np.nan]]), "y": np.array([0, 1])}, "NaN or infinite values"),
        ({"X": np.zeros((0, 2)), "y": np.zeros(0)}, "is empty"),
        ({"X": np.zeros((2, 2)), "y": np.array([1, 1])}, "one class only"),
    ],
)
def test_bad_npz_files_get_a_message(tmp_path, arrays, message):
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataError, match=message):
        load_npz(tmp_path / "bad.npz")


@pytest.mark.parametrize("shape", [(4, 3), (2, 2, 3), (4, 3, 1), (2, 3, 2)])
def test_npz_shape_entry_becomes_the_image_shape(tmp_path, shape):
    X = np.arange(48.0).reshape(4, 12)
    np.savez(tmp_path / "i.npz", X=X, y=np.array([0, 1, 0, 1]), shape=np.array(shape))
    data = load_npz(tmp_path / "i.npz")
    assert data.image_shape == shape and data.X.shape == (4, 12)
    np.testing.assert_array_equal(data.X, X)  # channels last: the rows as they are
    assert data.image_input == (shape if len(shape) == 3 else (*shape, 1))
    assert load_npz(tmp_path / "i.npz", shape_key="none").image_shape is None


def test_a_colour_npz_keeps_its_shape_and_pixels(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.random((6, 5, 7, 3))  # (n, height, width, red-green-blue)
    y = np.array([0, 1, 2, 0, 1, 2])
    np.savez(tmp_path / "c.npz", X=images.reshape(6, -1), y=y, shape=np.array([5, 7, 3]))
    data = load_npz(tmp_path / "c.npz")
    assert data.image_shape == (5, 7, 3) and data.image_input == (5, 7, 3)
    assert data.channels == 3 and data.n_features == 105
    np.testing.assert_array_equal(data.X.reshape(6, 5, 7, 3), images)
    np.savez(tmp_path / "again.npz", X=data.X, y=data.y, shape=np.array(data.image_shape))
    again = load_npz(tmp_path / "again.npz")  # round trip: same shape, same pixels
    assert again.image_shape == (5, 7, 3)
    np.testing.assert_array_equal(again.X, data.X)


@pytest.mark.parametrize("channels", [1, 3])
def test_a_channels_first_npz_is_read_channels_last(tmp_path, channels):
    images = np.random.default_rng(1).random((4, channels, 6, 5))  # as PyTorch keeps them
    shape = np.array([channels, 6, 5])
    np.savez(tmp_path / "t.npz", X=images.reshape(4, -1), y=np.array([0, 1, 0, 1]), shape=shape)
    data = load_npz(tmp_path / "t.npz")
    assert data.image_shape == (6, 5, channels) and data.image_input == (6, 5, channels)
    np.testing.assert_array_equal(data.X.reshape(4, 6, 5, channels), images.transpose(0, 2, 3, 1))


def test_the_old_one_channel_first_form_reads_as_before(tmp_path):
    X = np.arange(48.0).reshape(4, 12)  # [1, 4, 3]: one channel of 4 rows of 3
    np.savez(tmp_path / "g.npz", X=X, y=np.array([0, 1, 0, 1]), shape=np.array([1, 4, 3]))
    data = load_npz(tmp_path / "g.npz")
    assert data.image_shape == (4, 3, 1) and data.channels == 1
    np.testing.assert_array_equal(data.X, X)


def test_grey_images_are_one_channel_and_flat_rows_none():
    data = datasets.load("digits")
    assert data.image_shape == (8, 8) and data.image_input == (8, 8, 1) and data.channels == 1
    circle = datasets.load("circle", n_samples=20)
    assert circle.image_input == () and circle.channels == 1


@pytest.mark.parametrize(
    "shape,message",
    [
        (
            np.array([28, 28]),
            r"'shape' \[28, 28\] is an image of 784 values but the rows of 'X' hold 12",
        ),
        (np.array([12]), "must be 2 or 3 whole numbers above 0"),
        (np.array([3.0, 4.0]), "must be 2 or 3 whole numbers above 0"),
        (np.array([-3, -4]), "must be 2 or 3 whole numbers above 0"),
        (np.array([[3, 4]]), "must be 2 or 3 whole numbers above 0"),
    ],
)
def test_npz_bad_shape_entry_is_refused(tmp_path, shape, message):
    np.savez(tmp_path / "s.npz", X=np.zeros((2, 12)), y=np.array([0, 1]), shape=shape)
    with pytest.raises(DataError, match=message):
        load_npz(tmp_path / "s.npz")


def test_npz_with_pickled_objects_is_refused_without_unpickling(tmp_path):
    np.savez(tmp_path / "p.npz", X=np.zeros((2, 1)), y=np.array([{"a": 1}, None], object))
    with pytest.raises(DataError, match="holds Python objects; nnstudio reads only plain arrays"):
        load_npz(tmp_path / "p.npz")


# -- IDX ------------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True])
def test_idx_pair_round_trips_like_mnist(tmp_path, compress):
    images = np.random.default_rng(0).integers(0, 256, (10, 4, 3), dtype=np.uint8)
    labels = np.arange(10, dtype=np.uint8) % 3
    suffix = ".gz" if compress else ""
    write_idx(tmp_path / f"img{suffix}", images, compress=compress)
    write_idx(tmp_path / f"lab{suffix}", labels, compress=compress)
    data = load_idx(tmp_path / f"img{suffix}", tmp_path / f"lab{suffix}")
    assert data.X.shape == (10, 12) and data.image_shape == (4, 3)
    assert np.allclose(data.X, images.reshape(10, -1) / 255.0)
    assert data.class_names == ("0", "1", "2") and data.y.tolist() == labels.tolist()


def test_idx_header_that_does_not_match_the_size(tmp_path):
    write_idx(tmp_path / "img", np.zeros((5, 2, 2), np.uint8))
    raw = (tmp_path / "img").read_bytes()
    (tmp_path / "short").write_bytes(raw[:-3])
    (tmp_path / "long").write_bytes(raw + b"\x00")
    with pytest.raises(DataError, match="declares 5 × 2 × 2 values"):
        read_idx(tmp_path / "short")
    with pytest.raises(DataError, match="holds more bytes"):
        read_idx(tmp_path / "long")


def test_idx_huge_declared_size_is_refused_before_allocating(tmp_path):
    header = bytes([0, 0, 0x08, 3]) + np.array([60000, 10000, 10000], ">u4").tobytes()
    (tmp_path / "bomb").write_bytes(header + b"\x00" * 16)
    with pytest.raises(DataError, match=r"GiB once loaded \(8 bytes a value\), more than the"):
        read_idx(tmp_path / "bomb")


def test_idx_bytes_that_fit_but_not_once_loaded_as_float64_are_refused(tmp_path):
    write_idx(tmp_path / "img", np.zeros((5, 10, 10), np.uint8))  # 500 bytes, 4,000 loaded
    with pytest.raises(
        DataError, match=r"declares \(5, 10, 10\): 500 values, 4 KiB once loaded .* 2 KiB limit"
    ):
        read_idx(tmp_path / "img", max_bytes=2000)
    assert read_idx(tmp_path / "img", max_bytes=4000).shape == (5, 10, 10)


def test_npz_data_that_fits_but_not_once_loaded_as_float64_is_refused(tmp_path):
    np.savez(tmp_path / "d.npz", X=np.zeros((100, 10), np.uint8), y=np.arange(100) % 2)
    with pytest.raises(DataError, match=r"d.npz: 'X' and 'y' hold 1,100 values"):
        load_npz(tmp_path / "d.npz", max_bytes=8000)
    assert load_npz(tmp_path / "d.npz", max_bytes=8800).n_samples == 100


def test_idx_image_and_label_counts_must_match(tmp_path):
    write_idx(tmp_path / "img", np.zeros((5, 2, 2), np.uint8))
    write_idx(tmp_path / "lab", np.array([0, 1, 0, 1], np.uint8))
    with pytest.raises(DataError, match="holds 5 images but lab holds 4 labels; give each"):
        load_idx(tmp_path / "img", tmp_path / "lab")


def test_idx_images_keep_their_shape_with_channels_too(tmp_path):
    pixels = np.arange(4 * 5 * 6 * 3).reshape(4, 5, 6, 3).astype(np.uint8)
    write_idx(tmp_path / "img", pixels)
    write_idx(tmp_path / "lab", np.array([0, 1, 0, 1], np.uint8))
    data = load_idx(tmp_path / "img", tmp_path / "lab")
    assert data.image_shape == (5, 6, 3) and data.X.shape == (4, 90)  # channels last
    assert data.image_input == (5, 6, 3) and data.channels == 3
    np.testing.assert_allclose(data.X.reshape(4, 5, 6, 3), pixels / 255.0, rtol=1e-6)
    # written back as the images they are, read again: the same shape and pixels
    again = np.rint(data.X.reshape(4, 5, 6, 3) * 255).astype(np.uint8)
    write_idx(tmp_path / "again", again, compress=True)
    test = datasets.load_idx_test(tmp_path / "again", tmp_path / "lab", data)
    assert test.image_shape == (5, 6, 3)
    np.testing.assert_array_equal(test.X, data.X)
    write_idx(tmp_path / "flat", np.zeros((4, 7), np.uint8))
    assert load_idx(tmp_path / "flat", tmp_path / "lab").image_shape is None


def test_not_an_idx_file(tmp_path):
    (tmp_path / "x").write_bytes(b"hello world")
    with pytest.raises(DataError, match="not an IDX file"):
        read_idx(tmp_path / "x")


def test_load_by_name_or_path_and_unknown_names(tmp_path):
    path = _write(tmp_path, "t.csv", "a,b\n1,x\n2,y\n")
    assert datasets.load(str(path)).n_samples == 2
    with pytest.raises(DataError, match="no built-in dataset or file called"):
        datasets.load("no_such_thing")
    with pytest.raises(DataError, match="no such file"):
        datasets.load(str(tmp_path / "missing.csv"))


# -- fuzzing: only DataError may escape -----------------------------------------------


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list("0123456789.,;\t\n -eEnaifxy\"'")), max_size=200))
def test_fuzz_csv_raises_only_data_error(tmp_path, text):
    path = tmp_path / "fuzz.csv"
    path.write_text(text)
    try:
        data = load_csv(path)
    except DataError:
        return
    assert np.isfinite(data.X).all() and len(data.X) == len(data.y) > 0


@FUZZ
@given(content=st.binary(max_size=300))
def test_fuzz_npz_raises_only_data_error(tmp_path, content):
    path = tmp_path / "fuzz.npz"
    path.write_bytes(content)
    with pytest.raises(DataError):
        load_npz(path)


@FUZZ
@given(
    X=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=12),
    y=st.lists(st.integers(-3, 3), min_size=0, max_size=12),
)
def test_fuzz_npz_arrays_raise_only_data_error(tmp_path, X, y):
    path = tmp_path / "fuzz.npz"
    np.savez(path, X=np.array(X, dtype=np.float64), y=np.array(y, dtype=np.int64))
    try:
        data = load_npz(path)
    except DataError:
        return
    assert np.isfinite(data.X).all() and len(data.X) == len(data.y)


@FUZZ
@given(content=st.binary(max_size=200), gz=st.booleans())
def test_fuzz_idx_raises_only_data_error(tmp_path, content, gz):
    path = tmp_path / "fuzz.idx"
    path.write_bytes(gzip.compress(content) if gz else content)
    try:
        read_idx(path)
    except DataError:
        pass


@FUZZ
@given(
    dims=st.lists(st.integers(0, 5), min_size=1, max_size=3),
    extra=st.integers(-3, 3),
    code=st.sampled_from([0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E]),
)
def test_fuzz_idx_headers_raise_only_data_error(tmp_path, dims, extra, code):
    itemsize = {0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8}[code]
    header = bytes([0, 0, code, len(dims)]) + np.array(dims, ">u4").tobytes()
    body = b"\x01" * max(0, int(np.prod(dims)) * itemsize + extra)
    path = tmp_path / "h.idx"
    path.write_bytes(header + body)
    try:
        array = read_idx(path)
    except DataError:
        assert extra != 0
        return
    assert array.shape == tuple(dims)


def test_an_idx_header_of_more_dimensions_than_numpy_has_is_refused(tmp_path):
    path = tmp_path / "deep-idx"
    path.write_bytes(bytes([0, 0, 0x08, 40]) + (1).to_bytes(4, "big") * 40 + b"\0")
    with pytest.raises(DataError, match="40 dimensions, more than NumPy's 32"):
        load_idx(path, path)


@pytest.mark.parametrize("name", ["t-idx1-ubyte.gz", "t.csv.gz"])
def test_a_corrupt_gzip_stream_is_a_clear_error(tmp_path, name):
    text = "x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(5000))
    packed = bytearray(gzip.compress(text.encode()))
    packed[len(packed) // 2 : len(packed) // 2 + 16] = b"\xff" * 16  # inside the deflate data
    path = tmp_path / name
    path.write_bytes(bytes(packed))
    reader = (lambda p: load_idx(p, p)) if "idx" in name else (lambda p: load_csv(p))
    with pytest.raises(DataError, match=name.replace(".", r"\.")):
        reader(path)
