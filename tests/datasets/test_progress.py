"""A long read is followed and can be cancelled; the digest of a file read whole comes
with the reading."""

import gzip
import hashlib

import pytest

from nnstudio import datasets
from nnstudio.datasets import progress as progress_module
from nnstudio.model import project as project_module

ROWS = "x,colour,y\n" + "".join(
    f"{i * 0.5},{'red' if i % 3 else 'blue'},{i % 2}\n" for i in range(3000)
)


@pytest.fixture(params=["plain", "gzip", "exact"])
def table(request, tmp_path):
    """A table read by pandas whole, by pandas in chunks (gzip), or by Python (a number
    written 1_000, which pandas does not read)."""
    text = ROWS if request.param != "exact" else ROWS + "1_000,red,1\n"
    if request.param == "gzip":
        path = tmp_path / "t.csv.gz"
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path = tmp_path / "t.csv"
        path.write_text(text)
    return path


def options():
    return datasets.TableImport(categorical=("colour",))


def test_a_read_counts_every_byte_of_the_file_and_digests_it(table, monkeypatch):
    monkeypatch.setattr(progress_module, "_BUFFER", 4096)  # many steps
    readings = []  # the fractions seen, one list per reading of the file
    real = progress_module._Counted.readinto

    def count(self, buffer):
        if self.progress.done == 0:
            readings.append([])
        readings[-1].append(self.progress.fraction)
        return real(self, buffer)

    monkeypatch.setattr(progress_module._Counted, "readinto", count)
    progress = datasets.ReadProgress()
    imported = datasets.load_table(table, options(), progress=progress)
    assert imported.dataset.n_samples in (3000, 3001)
    for seen in readings:
        assert len(seen) > 3 and seen == sorted(seen)  # it goes forward, step by step
        assert seen[-1] == 1.0
    if table.suffix == ".gz":  # read once, chunk by chunk, by pandas
        assert progress.fraction == 1.0 and progress.stage == f"Reading {table.name}"
    else:  # read once for its digest; then pandas parses the named file on every core
        assert progress.stage == f"Parsing {table.name}" and len(readings) == 1
    expected = hashlib.sha256(table.read_bytes()).hexdigest()
    assert progress.digests[table.resolve()] == expected


def test_the_reference_takes_the_digest_of_the_reading_without_reading_again(table, monkeypatch):
    progress = datasets.ReadProgress()
    datasets.load_table(table, options(), progress=progress)
    read_again = []
    real = project_module._file_digest
    monkeypatch.setattr(project_module, "_file_digest", lambda p: read_again.append(p) or real(p))
    reference = project_module.file_reference(table, options(), digests=progress.digests)
    assert not read_again
    assert reference == project_module.file_reference(table, options())  # as read again


def test_a_cancelled_read_stops_at_its_next_block(table, monkeypatch):
    monkeypatch.setattr(progress_module, "_BUFFER", 4096)
    progress = datasets.ReadProgress()
    real = progress_module._Counted.readinto

    def cancel_after_the_first_block(self, buffer):
        n = real(self, buffer)
        progress.cancel()
        return n

    monkeypatch.setattr(progress_module._Counted, "readinto", cancel_after_the_first_block)
    with pytest.raises(datasets.Cancelled):
        datasets.load_table(table, options(), progress=progress)
    assert progress.done < table.stat().st_size and not progress.digests


def test_a_progress_cancelled_before_reading_reads_nothing(table):
    progress = datasets.ReadProgress()
    progress.cancel()
    with pytest.raises(datasets.Cancelled):
        datasets.load_table(table, options(), progress=progress)
    assert progress.done == 0 and progress.fraction is None


def test_pandas_is_given_a_plain_files_path_so_it_parses_on_every_core(tmp_path, monkeypatch):
    import pandas

    path = tmp_path / "t.csv"
    path.write_text(ROWS)
    given = []
    real = pandas.read_csv
    monkeypatch.setattr(
        pandas, "read_csv", lambda source, **kw: given.append(source) or real(source, **kw)
    )
    datasets.load_table(path, options(), progress=datasets.ReadProgress())
    assert given == [str(path)]


def test_a_file_changed_between_its_digest_and_its_parsing_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "t.csv"
    path.write_text(ROWS)
    real = datasets.ReadProgress.digest

    def digest_then_change(self, file, stage):
        real(self, file, stage)
        path.write_text(ROWS + "1.5,red,0\n")

    monkeypatch.setattr(datasets.ReadProgress, "digest", digest_then_change)
    with pytest.raises(datasets.DataError, match="t.csv changed while it was read; open it again"):
        datasets.load_table(path, options(), progress=datasets.ReadProgress())
