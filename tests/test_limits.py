"""The data limit follows the machine's memory, and refusals say where it comes from."""

import numpy as np
import pytest

from nnstudio import limits
from nnstudio.datasets import load_csv
from nnstudio.errors import DataError

GIB = 1 << 30


def test_the_data_limit_is_an_eighth_of_the_memory_and_never_tiny():
    assert limits.data_limit(24 * GIB) == 3 * GIB
    assert limits.data_limit(64 * GIB) == 8 * GIB
    assert limits.data_limit(1 * GIB) == limits.MIN_DATA_BYTES


def test_the_default_limit_is_this_machines():
    memory = limits.machine_memory()
    assert memory > limits.MIN_DATA_BYTES
    assert limits.DATA_BYTES == limits.data_limit(memory)


def test_a_refusal_at_the_machines_limit_names_the_memory_it_comes_from(tmp_path, monkeypatch):
    from nnstudio.datasets import csv_reader

    path = tmp_path / "t.csv"
    np.savetxt(path, np.ones((200, 3)), delimiter=",", header="a,b,y", comments="")
    monkeypatch.setattr(limits, "DATA_BYTES", 1000)
    monkeypatch.setattr(limits, "machine_memory", lambda: 8000)
    with pytest.raises(DataError) as refused:
        load_csv(path, max_bytes=1000)
    message = str(refused.value)
    assert "t.csv: 200 rows of 3 columns take" in message
    assert "more than the 1,000 bytes nnstudio loads on this machine" in message
    assert "an eighth of its 8 KiB of memory" in message
    assert "leave out columns or rows" in message
    monkeypatch.setattr(limits, "DATA_BYTES", csv_reader.MAX_BYTES)
    with pytest.raises(DataError, match="more than the 1,000 bytes limit; leave out"):
        load_csv(path, max_bytes=1000)  # a limit the caller chose is called just that
