"""Loading an MNIST-sized CSV: nnstudio's ``datasets.load_csv`` beside ``pandas.read_csv``.

The table is made once (60,000 rows × 785 integers, ~168 MB: a header ``label,1x1,…,28x28``
like the popular mnist_train.csv, the label first, pixels uniform in 0–255) in a
temporary folder. The target is pandas's DataFrame; the same as the float64 array of the
features nnstudio makes is given beside it. Each measurement is a fresh Python process
that imports NumPy, pandas
and nnstudio first (not timed), then times the one call; its peak memory is the child's
own maximum resident size (``os.wait4``). The two loaders take turns, several rounds;
the table gives medians (this machine has 2 cores shared with other work, so single
runs vary by ±30%).

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/data_loading.py``
(``--rounds 7``, ``--rows 60000``, ``--keep DIR`` to keep the CSV in DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

CHILD = """
import json, sys, time
import numpy, pandas
from nnstudio import datasets
path, which = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if which == "nnstudio":
    shape = datasets.load_csv(path, label_column=0).X.shape
elif which == "pandas":
    shape = pandas.read_csv(path).shape
elif which == "pandas-array":
    shape = pandas.read_csv(path).iloc[:, 1:].to_numpy(numpy.float64).shape
else:
    shape = ()
print(json.dumps({"seconds": time.perf_counter() - start, "shape": list(shape)}))
"""
LOADERS = {
    "nnstudio": "nnstudio `datasets.load_csv(path, label_column=0)`",
    "pandas": "`pandas.read_csv(path)`",
    "pandas-array": "`pandas.read_csv(path).iloc[:, 1:].to_numpy(float64)` (the features "
    "as an array, for comparison)",
    "imports": "(the interpreter with NumPy, pandas, nnstudio imported)",
}


def make_csv(path: Path, rows: int, seed: int = 0) -> None:
    """The MNIST-shaped table: label, then 784 pixel columns of integers 0-255."""
    rng = np.random.default_rng(seed)
    header = ["label"] + [f"{r}x{c}" for r in range(1, 29) for c in range(1, 29)]
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        f.write(",".join(header) + "\n")
        for start in range(0, rows, 5000):
            n = min(5000, rows - start)
            block = np.column_stack([rng.integers(0, 10, n), rng.integers(0, 256, (n, 784))])
            f.write("\n".join(",".join(map(str, row)) for row in block.tolist()) + "\n")
    os.replace(tmp, path)


def measure(path: Path, which: str) -> tuple[float, float]:
    """(seconds, peak resident MiB) of one load in a fresh process."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), which], stdout=subprocess.PIPE, text=True
    )
    out = child.stdout.read()
    child.stdout.close()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"the {which} load failed (exit {child.returncode})")
    result = json.loads(out)
    return result["seconds"], usage.ru_maxrss / 1024  # kB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="make (or reuse) the CSV in this folder")
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:  # in a process of its own, so that no child starts from its memory
        make_csv(args.make, args.rows)
        return
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if name in os.environ:
            print(f"note: {name} is set; run with `env -u {name}` for the recorded figures")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"mnist_like_{args.rows}.csv"
        if not path.exists():
            command = [sys.executable, __file__, "--make", str(path), "--rows", str(args.rows)]
            subprocess.run(command, check=True)
        size = path.stat().st_size
        results: dict[str, list[tuple[float, float]]] = {k: [] for k in LOADERS}
        for round_ in range(args.rounds):
            order = list(LOADERS) if round_ % 2 == 0 else list(LOADERS)[::-1]
            for which in order:
                results[which].append(measure(path, which))
        report(results, args.rows, size, args.rounds)


def report(results, rows: int, size: int, rounds: int) -> None:
    def median(which, k):
        return statistics.median(r[k] for r in results[which])

    def paired(k):  # the ratio within each round, then its median
        pairs = zip(results["nnstudio"], results["pandas"])
        return statistics.median(a[k] / b[k] for a, b in pairs)

    base_time, base_memory = median("pandas", 0), median("pandas", 1)
    print(
        f"\n{rows:,} rows × 785 integers, {size / 1e6:.0f} MB; medians of {rounds} fresh "
        "processes each, taking turns\n"
    )
    print("| loader | time (s) | range (s) | peak memory (MiB) | time ÷ pandas | memory ÷ pandas |")
    print("|---|---|---|---|---|---|")
    for which, label in LOADERS.items():
        times = [r[0] for r in results[which]]
        ratios = (
            "| |"
            if which == "imports"
            else (
                f"| {median(which, 0) / base_time:.2f}× | {median(which, 1) / base_memory:.2f}× |"
            )
        )
        print(
            f"| {label} | {median(which, 0):.2f} | {min(times):.2f}–{max(times):.2f} | "
            f"{median(which, 1):,.0f} {ratios}"
        )
    print(
        f"\nnnstudio ÷ pandas within each round, median: time {paired(0):.2f}×, "
        f"peak memory {paired(1):.2f}× (targets: ≤ 1.2× and ≤ 1.5×)"
    )


if __name__ == "__main__":
    main()
