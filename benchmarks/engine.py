"""Training speed of the nnstudio engine beside PyTorch (CPU) and scikit-learn.

Run: ``python benchmarks/engine.py [--quick] [--only NAME]``. Every framework trains the
same MLPs on the same data with the same batch size, optimizer and thread count, in one
run; each figure is the best of a few rounds. A second table trains a small CNN on
MNIST against PyTorch at 1 and at 2 threads (its best counts). A round times every framework and the
machine's GEMM rate once, one after the other, so that a machine whose speed drifts
(a shared VM) slows all of them alike. The peers (the ``bench`` extra) are skipped
with a note where they are not installed.

It measures the engine as the studio's training process runs it: the MLPs as it is
launched, the CNN in the environment a convolutional network's training process
starts with (``nnstudio.engine.threads.TRAINING_ENVIRONMENT``, which OpenBLAS reads as
it loads: too late to set once NumPy is imported), for which the script re-runs itself
with ``--cnn-only``, unless ``--as-launched`` or the variables are already set. The
peers run in the same process.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import nnstudio
from nnstudio.engine.threads import TRAINING_ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
THREADS = os.cpu_count() or 1


@dataclass(frozen=True)
class Case:
    name: str
    sizes: tuple[int, ...]
    hidden: str
    batch: int
    optimizer: str
    samples: int
    data: str = "synthetic"

    @property
    def output(self) -> str:
        return "sigmoid" if self.sizes[-1] == 1 else "softmax"

    @property
    def flops_per_sample(self) -> int:
        """Multiply-adds ×2 of one training step per sample: the forward pass, the weight
        gradients, and the input gradients of every layer but the first."""
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        macs = sum(a * b for a, b in pairs)
        return 2 * (2 * macs + macs - pairs[0][0] * pairs[0][1])


CASES = (
    [Case("2-8-8-1", (2, 8, 8, 1), "tanh", 4, opt, 2000) for opt in ("sgd", "adam")]
    + [Case("2-8-8-1", (2, 8, 8, 1), "tanh", 200, opt, 20000) for opt in ("sgd", "adam")]
    + [
        Case("64-64-10 digits", (64, 64, 10), "relu", 32, opt, 1797, "digits")
        for opt in ("sgd", "adam")
    ]
    + [Case("784-128-10", (784, 128, 10), "relu", 128, opt, 12800) for opt in ("sgd", "adam")]
    + [
        Case("784-512-512-10", (784, 512, 512, 10), "relu", 256, opt, 5120)
        for opt in ("sgd", "adam")
    ]
)


def make_data(case: Case) -> tuple[np.ndarray, np.ndarray]:
    if case.data == "digits":
        with gzip.open(ROOT / "resources" / "datasets" / "digits.csv.gz", "rt") as f:
            table = np.loadtxt(f, delimiter=",", skiprows=1)
        return (table[:, :-1] / 16).astype(np.float32), table[:, -1].astype(np.int64)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(case.samples, case.sizes[0])).astype(np.float32)
    if case.sizes[-1] == 1:
        return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    centres = rng.normal(size=(case.sizes[-1], case.sizes[0])).astype(np.float32)
    return X, np.argmin(((X[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)


def lr_of(case: Case) -> float:
    return 0.05 if case.optimizer == "sgd" else 1e-3


def time_nnstudio(case: Case, X, y, epochs: int) -> float:
    spec = {
        "inputs": case.sizes[0],
        "layers": [{"units": u, "activation": case.hidden} for u in case.sizes[1:-1]]
        + [{"units": case.sizes[-1], "activation": case.output}],
    }
    net = nnstudio.Network.from_spec(spec, seed=0)
    start = time.perf_counter()
    nnstudio.fit(
        net,
        X,
        y,
        optimizer=case.optimizer,
        lr=lr_of(case),
        epochs=epochs,
        batch_size=case.batch,
        shuffle=True,
    )
    return time.perf_counter() - start


def time_torch(case: Case, X, y, epochs: int) -> float:
    import torch

    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[case.hidden]
    layers = []
    for i, (a, b) in enumerate(zip(case.sizes[:-1], case.sizes[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(case.sizes) - 2:
            layers.append(act())
    model = torch.nn.Sequential(*layers)
    binary = case.sizes[-1] == 1
    loss_fn = torch.nn.BCEWithLogitsLoss() if binary else torch.nn.CrossEntropyLoss()
    opt_cls = torch.optim.SGD if case.optimizer == "sgd" else torch.optim.Adam
    opt = opt_cls(model.parameters(), lr=lr_of(case))
    Xt = torch.from_numpy(X)
    yt = torch.from_numpy(y.astype(np.float32)[:, None] if binary else y)
    n = len(Xt)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n)
        Xe, ye = Xt[order], yt[order]
        loss_sum, correct = 0.0, 0
        for s in range(0, n, case.batch):
            xb, yb = Xe[s : s + case.batch], ye[s : s + case.batch]
            out = model(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(xb)
            with torch.no_grad():
                pred = (out > 0) if binary else out.argmax(1)
                correct += int((pred == (yb > 0.5) if binary else pred == yb).sum())
    return time.perf_counter() - start


def time_sklearn(case: Case, X, y, epochs: int) -> float:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=case.sizes[1:-1],
        activation=case.hidden,
        solver=case.optimizer,
        learning_rate_init=lr_of(case),
        batch_size=case.batch,
        max_iter=epochs,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=10**9,
        momentum=0.0,
        nesterovs_momentum=False,
        random_state=0,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    return time.perf_counter() - start


def gemm_peak_gflops(n: int = 1024, repeats: int = 5) -> float:
    """The machine's float32 matrix-multiply rate through NumPy's BLAS, best of runs."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    out = np.empty_like(a)
    np.matmul(a, a, out=out)
    best = min(_timed(lambda: np.matmul(a, a, out=out)) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def epochs_for(case: Case, seconds: float) -> int:
    """Enough epochs for about ``seconds`` of nnstudio training."""
    X, y = make_data(case)
    probe = time_nnstudio(case, X, y, 1)
    return max(2, int(seconds / max(probe, 1e-4)))


def best_rates(timers: dict, case: Case, X, y, epochs: int, rounds: int) -> tuple:
    """Samples/s of each timer and the GEMM peak, each the best of ``rounds`` rounds
    that take them in turn."""
    seconds = {name: np.inf for name in timers}
    peak = 0.0
    for _ in range(rounds):
        peak = max(peak, gemm_peak_gflops())
        for name, timer in timers.items():
            seconds[name] = min(seconds[name], timer(case, X, y, epochs))
    return {name: epochs * len(X) / s for name, s in seconds.items()}, peak


CNN_LAYERS = [
    {"type": "conv2d", "filters": 16, "kernel_size": 3, "activation": "relu"},
    {"type": "maxpool2d", "pool_size": 2},
    {"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"},
    {"type": "maxpool2d", "pool_size": 2},
    {"type": "flatten"},
    {"units": 10, "activation": "softmax"},
]
CNN_CASES = [
    Case("CNN 28×28×1 conv16-pool-conv32-pool-10", (784, 10), "relu", 64, opt, 4096, "mnist")
    for opt in ("sgd", "adam")
]


def mnist_images(samples: int) -> tuple[np.ndarray, np.ndarray]:
    with np.load(ROOT / "resources" / "datasets" / "mnist.npz") as npz:
        order = np.random.default_rng(0).permutation(len(npz["labels"]))[:samples]
        X = npz["images"][order, :, :, None].astype(np.float32) / 255
        return X, npz["labels"][order].astype(np.int64)


def time_nnstudio_cnn(case: Case, X, y, epochs: int) -> float:
    net = nnstudio.Network.from_spec({"inputs": [28, 28, 1], "layers": CNN_LAYERS}, seed=0)
    start = time.perf_counter()
    nnstudio.fit(
        net, X, y, optimizer=case.optimizer, lr=lr_of(case), epochs=epochs, batch_size=case.batch
    )
    return time.perf_counter() - start


def time_torch_cnn(case: Case, X, y, epochs: int, threads: int) -> float:
    """The same CNN in PyTorch (NCHW, as its kernels want), same loop as the MLPs'."""
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(
        *(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2)),
        *(nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2)),
        *(nn.Flatten(), nn.Linear(800, 10)),
    )
    opt_cls = torch.optim.SGD if case.optimizer == "sgd" else torch.optim.Adam
    opt = opt_cls(model.parameters(), lr=lr_of(case))
    loss_fn = nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X).permute(0, 3, 1, 2).contiguous(), torch.from_numpy(y)
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(len(Xt))
        Xe, ye = Xt[order], yt[order]
        loss_sum, correct = 0.0, 0
        for s in range(0, len(Xt), case.batch):
            xb, yb = Xe[s : s + case.batch], ye[s : s + case.batch]
            out = model(xb)
            loss = loss_fn(out, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(xb)
            with torch.no_grad():
                correct += int((out.argmax(1) == yb).sum())
    return time.perf_counter() - start


def cnn_table(args) -> None:
    timers = {"nnstudio": time_nnstudio_cnn}
    try:
        import torch  # noqa: F401

        timers["torch 1 thread"] = lambda *a: time_torch_cnn(*a, threads=1)
        timers["torch 2 threads"] = lambda *a: time_torch_cnn(*a, threads=2)
    except ImportError:
        print("note: torch is not installed; its columns are empty")
    head = (
        "| case | batch | optimizer | nnstudio samples/s | torch 1 thread | torch 2 threads "
        "| × best torch |"
    )
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for case in (c for c in CNN_CASES if args.only in c.name):
        X, y = mnist_images(case.samples)
        epochs = 1 if args.quick else 2
        rates, _ = best_rates(timers, case, X, y, epochs, args.repeats)
        ours, peers = rates.pop("nnstudio"), list(rates.values())
        cells = [case.name, str(case.batch), case.optimizer, f"{ours:,.0f}"]
        cells += [f"{rate:,.0f}" for rate in peers] or ["–", "–"]
        cells.append(f"{ours / max(peers):.2f}×" if peers else "–")
        print("| " + " | ".join(cells) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument("--repeats", type=int, default=3, help="rounds per case")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument(
        "--as-launched",
        action="store_true",
        help="keep this environment, not the studio's training process's",
    )
    parser.add_argument("--cnn-only", action="store_true", help="only the CNN table")
    args = parser.parse_args()
    if not args.cnn_only:
        mlp_table(args)
    if not any(args.only in case.name for case in CNN_CASES):
        return
    missing = {k: v for k, v in TRAINING_ENVIRONMENT.items() if k not in os.environ}
    if missing and not args.as_launched:  # as a convolutional network's process starts
        command = [sys.executable, *sys.argv, *([] if args.cnn_only else ["--cnn-only"])]
        os.execve(sys.executable, command, {**os.environ, **missing})
    print_environment()
    cnn_table(args)


def print_environment() -> None:
    shown = " ".join(f"{k}={os.environ.get(k, '(unset)')}" for k in TRAINING_ENVIRONMENT)
    print(f"environment: {shown}", flush=True)


def mlp_table(args) -> None:
    print_environment()
    seconds = 0.5 if args.quick else 1.5
    peers = {"torch": time_torch, "sklearn": time_sklearn}
    for name in list(peers):
        try:
            __import__(name)
        except ImportError:
            print(f"note: {name} is not installed; its column is empty (pip install -e '.[bench]')")
            del peers[name]
    print(
        f"GEMM peak: float32 1024² matrix product through NumPy's BLAS, {THREADS} "
        "threads, best of the case's rounds"
    )
    head = (
        "| case | batch | optimizer | nnstudio samples/s | torch samples/s | × torch "
        "| sklearn samples/s | × sklearn | GFLOP/s | GEMM peak GFLOP/s "
        "| % of GEMM peak |"
    )
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    for case in (c for c in CASES if args.only in c.name):
        X, y = make_data(case)
        epochs = epochs_for(case, seconds)
        rates, peak = best_rates(
            {"nnstudio": time_nnstudio, **peers}, case, X, y, epochs, args.repeats
        )
        ours = rates["nnstudio"]
        gflops = ours * case.flops_per_sample / 1e9
        cells = [case.name, str(case.batch), case.optimizer, f"{ours:,.0f}"]
        for name in ("torch", "sklearn"):
            rate = rates.get(name)
            cells += [f"{rate:,.0f}", f"{ours / rate:.2f}×"] if rate else ["–", "–"]
        cells += [f"{gflops:.1f}", f"{peak:.1f}", f"{100 * gflops / peak:.0f}%"]
        print("| " + " | ".join(cells) + " |", flush=True)
    print(flush=True)


if __name__ == "__main__":
    main()
