"""Parts of a table parsed on the cores at once, then written into its rows in file order.

A part's rows go where the parts before it end, so a part can be written only once those
are counted. No core waits for a count: parsing comes first (a core takes the next part
meanwhile), then each part is written in two halves, so both cores work to the end
(waiting for the part before left a core idle up to 0.15 s a part on MNIST's CSV). The
first refusal in file order is raised, as a reading from the top would meet it: a part's
parse, a part ending beyond the rows there is room for, or a cell refused while writing.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

_STOP, _PARSE, _WRITE = -1, 0, 1  # task kinds, in the order a core takes them


def read_parts(
    n: int,
    parse: Callable[[int], int],
    write: Callable[[int, int, int, int], None],
    capacity: int,
    too_many: Callable[[int], BaseException],
    written: Callable[[int], None] = lambda k: None,
    parsed: Callable[[int], None] = lambda k: None,
) -> list[int]:
    """Parse parts ``0 … n-1`` and write their rows; returns each part's end row.

    ``parse(k)`` parses part k (keeping what its writing needs) and returns its rows;
    ``write(k, start, stop, row)`` writes its rows ``start:stop`` (counted in the part)
    to the table's rows from ``row`` on; ``written(k)`` follows once all of part k is
    written (free it). A part ending beyond ``capacity`` rows is refused with
    ``too_many(end)`` and no part after it is written. ``parsed(k)`` is called on the
    calling thread as each part's parsing ends (to follow the reading); what it raises stops
    the reading, as soon as the parts being parsed or written are done.
    """
    rows: list[int | None] = [None] * n  # each part's rows, once parsed
    ends: list[int] = []  # the end row of each part counted, in file order
    halves = [0] * n  # halves written
    errors: dict[tuple[int, int], BaseException] = {}  # (part, half; -1: its parsing)
    tasks: queue.PriorityQueue = queue.PriorityQueue()  # (kind, part, half)
    done: queue.SimpleQueue = queue.SimpleQueue()  # (kind, part) of each task done
    lock = threading.Lock()
    state = {"queued": n, "halted": False}  # halted: a refusal; count no more parts

    def count() -> None:
        """Count the parts parsed, in file order, and queue their writing (locked)."""
        while not state["halted"] and len(ends) < n and rows[len(ends)] is not None:
            k = len(ends)
            ends.append((ends[-1] if ends else 0) + rows[k])
            if ends[k] > capacity:
                errors[(k, -1)] = too_many(ends[k])
                state["halted"] = True
                return
            tasks.put((_WRITE, k, 0))
            tasks.put((_WRITE, k, 1))
            state["queued"] += 2

    def run(kind: int, k: int, half: int) -> None:
        if kind == _PARSE:
            if not (state["halted"] or errors):  # else no part after it is needed
                rows[k] = parse(k)
            return
        first, end = (ends[k - 1] if k else 0), ends[k]
        middle = (end - first) // 2
        start, stop = (0, middle) if half == 0 else (middle, end - first)
        write(k, start, stop, first + start)

    def work() -> None:
        while True:
            kind, k, half = tasks.get()
            if kind == _STOP:
                return
            try:
                run(kind, k, half)
                error = None
            except BaseException as exc:  # raised in file order, once all is done
                error = exc
            with lock:
                if error is not None:  # the writes queued still run: one may fail earlier
                    errors[(k, half if kind == _WRITE else -1)] = error
                    state["halted"] = state["halted"] or kind == _WRITE
                if kind == _PARSE:
                    count()  # before this core takes its next task
                else:
                    halves[k] += 1
                    if halves[k] == 2:
                        written(k)
            done.put((kind, k))

    workers = max(1, min(2 * n, os.cpu_count() or 1))
    pool = ThreadPoolExecutor(workers)
    for k in range(n):
        tasks.put((_PARSE, k, 0))
    try:
        for _ in range(workers):
            pool.submit(work)
        finished = 0
        while finished < state["queued"]:  # a task is queued before the one queuing it ends
            kind, k = done.get()
            finished += 1
            if kind == _PARSE:
                parsed(k)
        if errors:
            raise errors[min(errors)]
    finally:
        for _ in range(workers):
            tasks.put((_STOP, 0, 0))  # taken before any task still queued
        pool.shutdown()
    return ends
