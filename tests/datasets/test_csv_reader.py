"""The CSV engine: pandas for the bulk, Python's csv where pandas cannot vouch for a row.

Every path (a plain file read whole, a plain file cut into parts parsed at once, a gzip
file in chunks, the exact Python reading from a chunk on) must give the same arrays and
the same messages."""

import gzip

import numpy as np
import pytest

from nnstudio.datasets import TableImport, csv_parts, csv_reader, load_csv, load_table
from nnstudio.errors import DataError


@pytest.fixture(params=["plain", "parts", "gzip"])
def write(request, tmp_path, monkeypatch):
    """Write a table as a plain or gzipped file; gzip files are read in 1,000-row chunks,
    and "parts" cuts a plain file of 2 kB or more into parts."""
    monkeypatch.setattr(csv_reader, "_CHUNK_CELLS", 1)
    monkeypatch.setattr(csv_parts, "PART_BYTES", 1024 if request.param == "parts" else 1 << 60)

    def write(text: str, name: str = "t.csv"):
        if request.param != "gzip":
            path = tmp_path / name
            path.write_text(text)
        else:
            path = tmp_path / f"{name}.gz"
            path.write_bytes(gzip.compress(text.encode()))
        return path

    return write


def _mnist_like(rows: int, seed: int = 0) -> tuple[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    table = np.column_stack([rng.integers(0, 10, rows), rng.integers(0, 256, (rows, 784))])
    header = "label," + ",".join(f"{r}x{c}" for r in range(1, 29) for c in range(1, 29))
    body = "\n".join(",".join(map(str, row)) for row in table.tolist())
    return f"{header}\n{body}\n", table


def test_an_mnist_shaped_csv_parses_to_exactly_what_loadtxt_gives(write):
    text, _ = _mnist_like(2000)
    path = write(text, "mnist_train.csv")
    expected = np.loadtxt(path, delimiter=",", skiprows=1)  # loadtxt reads .gz too
    data = load_csv(path, label_column=0)
    assert data.X.dtype == np.float64 and data.X.flags.c_contiguous
    assert np.array_equal(data.X, expected[:, 1:])
    assert data.class_names == tuple(str(d) for d in range(10))
    assert np.array_equal(data.y, expected[:, 0].astype(np.int64))
    assert data.feature_names[:3] == ("1x1", "1x2", "1x3") and data.n_features == 784


def test_rows_written_on_two_threads_are_exactly_the_columns(write, monkeypatch):
    from nnstudio.datasets import row_arrays

    monkeypatch.setattr(row_arrays, "TILE_ROWS", 37)
    monkeypatch.setattr(row_arrays, "TILE_COLUMNS", 50)  # 784 columns: 15 tiles and 34
    text, table = _mnist_like(2001, seed=3)  # halves of 1,000 and 1,001 rows
    data = load_csv(write(text, "mnist_train.csv"), label_column=0)
    assert data.X.flags.c_contiguous and np.array_equal(data.X, table[:, 1:])


def test_floats_parse_exactly_like_python(write):
    rng = np.random.default_rng(1)
    values = rng.normal(size=(1500, 3)) * 10.0 ** rng.integers(-200, 200, (1500, 3))
    cells = [[repr(float(v)) for v in row] for row in values]
    text = "a,b,c,y\n" + "\n".join(",".join(row) + f",{i % 2}" for i, row in enumerate(cells))
    data = load_csv(write(text))
    assert np.array_equal(data.X, np.array([[float(c) for c in row] for row in cells]))


def _rows(n: int, bad_row: int | None = None, cell: str = "") -> str:
    lines = [f"{i},{i * 0.5},{'ab'[i % 2]}" for i in range(n)]
    if bad_row is not None:
        lines[bad_row] = cell
    return "x,z,label\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "cell,message",
    [
        ("7,seven,a", "line 1502, column 'z': 'seven' is not a number"),
        ("7,inf,a", "line 1502, column 'z': 'inf' is not a finite number"),
        ("7,1e999,a", "line 1502, column 'z': '1e999' is not a finite number"),
        ("7,True,a", "line 1502, column 'z': 'True' is not a number"),
        ("7,,a", "line 1502, column 'z' is empty"),
        ("7,1", "line 1502: 2 fields, expected 3"),
        ("7,1,a,9", "line 1502: 4 fields, expected 3"),
        (
            '7,"1,a',
            "line 2501: 2 fields, expected 3 like the first line (a quoted field runs from "
            "line 1502",
        ),
        ("7,1,", "line 1502: the label ('label') is empty"),
    ],
)
def test_a_bad_cell_deep_in_the_file_is_named_by_its_line(write, cell, message):
    path = write(_rows(2500, 1500, cell))
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_csv(path)


def test_cells_pandas_does_not_read_as_numbers_but_python_does_are_kept(write):
    """Python's float() takes "1_000" and spaces; pandas reads such a column as text, and
    that column (or the rest of a chunked file) is converted cell by cell."""
    data = load_csv(write(_rows(2500, 1700, " 1_000 , 2 ,b")))
    assert data.X[1700].tolist() == [1000.0, 2.0]
    assert data.X[1699].tolist() == [1699.0, 849.5] and data.n_samples == 2500


def test_blank_lines_are_skipped_and_lines_still_counted(write):
    text = "x,y\n\n1,a\n   \n2,b\n\n3oops,c\n"
    with pytest.raises(DataError, match="line 7, column 'x': '3oops' is not a number"):
        load_csv(write(text))
    data = load_csv(write("x,y\n\n1,a\n   \n2,b\n\n"))
    assert data.X.ravel().tolist() == [1.0, 2.0] and data.class_names == ("a", "b")


def test_a_first_data_row_longer_than_the_header_is_refused(write):
    # pandas would read this row with a warning and drop a cell
    with pytest.raises(DataError, match="line 2: 4 fields, expected 3"):
        load_csv(write("a,b,c\n1,2,3,4\n5,6,7\n"))


def test_the_limit_is_the_memory_of_the_table(write, tmp_path):
    text, _ = _mnist_like(1500)
    path = write(text)
    table_bytes = 1500 * 784 * 8
    with pytest.raises(DataError, match="more than the"):
        load_csv(path, label_column=0, max_bytes=table_bytes // 2)
    assert load_csv(path, label_column=0, max_bytes=2 * table_bytes).n_samples == 1500


def test_reading_does_not_import_pandas_with_nnstudio():
    import subprocess
    import sys

    code = "import sys, nnstudio, nnstudio.datasets; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.parametrize("where", ["start", "end"])
def test_missing_numbers_anywhere_are_found_in_every_path(write, where):
    """Missing cells in the first rows make pandas mark them; later ones (past the
    first MiB, plain files) make their column be converted cell by cell."""
    rows = 200_000  # 1.8 MB: the last rows lie past the first MiB
    x = np.arange(rows, dtype=float)
    gaps = [3, 11] if where == "start" else [rows - 7, rows - 2]
    cells = [str(int(v)) for v in x]
    for g in gaps:
        cells[g] = "NA" if g % 2 else ""
    text = "x,y\n" + "\n".join(f"{c},{'ab'[i % 2]}" for i, c in enumerate(cells)) + "\n"
    path = write(text)
    table = load_table(path, TableImport(missing="mean"))
    expected = x.copy()
    expected[gaps] = np.delete(x, gaps).mean()
    assert np.array_equal(table.dataset.X[:, 0], expected) and table.filled_values == 2
    assert load_table(path, TableImport(missing="drop")).dataset.n_samples == rows - 2
    with pytest.raises(DataError, match=f"line {gaps[0] + 2}, column 'x'"):
        load_table(path)


def test_reading_a_csv_needs_little_more_memory_than_the_array_it_becomes(tmp_path):
    """In a fresh process: the peak beyond the imports (pandas's too) stays within 3.5×
    the float64 array (2.8× measured on this 32 MB array, 2.1× on MNIST's 376 MB; the
    pure-Python parser needed ~12× the file, 7× the array)."""
    import subprocess
    import sys

    rows, columns = 20_000, 200
    values = np.random.default_rng(0).integers(0, 256, (rows, columns))
    path = tmp_path / "big.csv"
    np.savetxt(path, values, fmt="%d", delimiter=",", header="," * (columns - 1), comments="")
    child = (
        "import resource, sys\n"
        "import pandas\n"
        "from nnstudio import datasets\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "data = datasets.load_csv(sys.argv[1], label_column=0)\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(data.X.shape[0], (after - before) * 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", child, str(path)], capture_output=True, text=True, timeout=120
    )
    n, grown = map(int, out.stdout.split())
    array = rows * columns * 8
    assert n == rows and grown <= 3.5 * array, f"grew {grown / array:.1f}× the array"
