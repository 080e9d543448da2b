"""Parts parsed at once are written in file order, and the first refusal in file order
is the one raised."""

import threading
import time

import pytest

from nnstudio.datasets import parts_at_once


class _Table:
    """Parts of ``sizes`` rows; part k's parse sleeps ``delays[k]`` seconds."""

    def __init__(self, sizes, delays=None, bad_parse=(), bad_write=()):
        self.sizes, self.delays = sizes, delays or [0.0] * len(sizes)
        self.bad_parse, self.bad_write = set(bad_parse), set(bad_write)
        self.rows: dict[int, tuple[int, int]] = {}  # table row: (part, row in the part)
        self.written, self.lock = [], threading.Lock()

    def parse(self, k):
        time.sleep(self.delays[k])
        if k in self.bad_parse:
            raise ValueError(f"parse {k}")
        return self.sizes[k]

    def write(self, k, start, stop, row):
        if k in self.bad_write:
            raise ValueError(f"write {k}")
        with self.lock:
            for i in range(start, stop):
                self.rows[row + i - start] = (k, i)

    def read(self, capacity=10_000, **options):
        return parts_at_once.read_parts(
            len(self.sizes),
            self.parse,
            self.write,
            capacity,
            lambda end: OverflowError(f"{end} rows"),
            written=self.written.append,
            **options,
        )


def test_parts_parsed_out_of_order_are_written_in_file_order():
    table = _Table([3, 0, 5, 1, 4], delays=[0.05, 0.0, 0.02, 0.0, 0.01])
    assert table.read() == [3, 3, 8, 9, 13]
    expected = [(k, i) for k, size in enumerate(table.sizes) for i in range(size)]
    assert [table.rows[r] for r in range(13)] == expected
    assert sorted(table.written) == [0, 1, 2, 3, 4]


def test_the_first_refusal_in_file_order_is_raised():
    with pytest.raises(ValueError, match="write 1"):  # not part 3's, parsed first
        _Table([2, 2, 2, 2], delays=[0.02, 0.02, 0.0, 0.0], bad_write={1, 3}).read()
    with pytest.raises(ValueError, match="write 0"):  # before part 2's parse
        _Table([2, 2, 2], delays=[0.03, 0.0, 0.0], bad_parse={2}, bad_write={0}).read()
    with pytest.raises(ValueError, match="parse 1"):
        _Table([2, 2, 2], bad_parse={1, 2}).read()


def test_a_part_ending_beyond_the_room_is_refused_and_none_after_it_written():
    table = _Table([4, 4, 4])
    with pytest.raises(OverflowError, match="8 rows"):
        table.read(capacity=7)
    assert all(k == 0 for k, _ in table.rows.values())


def test_what_the_followers_raise_stops_the_reading():
    seen = []

    def parsed(k):
        seen.append(k)
        raise KeyboardInterrupt

    table = _Table([1, 1, 1, 1], delays=[0.0, 0.05, 0.05, 0.05])
    with pytest.raises(KeyboardInterrupt):
        table.read(parsed=parsed)
    assert seen == [0]
