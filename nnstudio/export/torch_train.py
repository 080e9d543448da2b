"""Train this network with PyTorch as nnstudio trains it, then bring the run back into
the studio (File → Import run…, or ``nnstudio import-run PROJECT THIS_FOLDER``).

    python train.py                          # one process: the GPU if there is one, else CPU
    torchrun --nproc_per_node=4 train.py     # 4 processes (GPUs): DistributedDataParallel
    python train.py --fresh                  # from the seeded initial weights
    python train.py --data more.csv          # another file of the same columns, read alike

Beside it: bundle.json (the training settings), the data (data/, the project's data
files, which studio_data.py reads with the studio's import choices; or data.npz, a
built-in set or the project's own), model.py (the network), weights.safetensors (the
studio's current weights) and initial.safetensors (the seed's). It splits and scales the
data as nnstudio does (scaling statistics from the training split only), trains with
nnstudio's loss, reduction, optimizer, L1/L2 (weights only), batch size, epochs, seed
and sample order, writes checkpoint.pt after every epoch (a run started again resumes
from it) and, at the end, trained.safetensors and history.json. Needs torch, numpy and
safetensors (and pandas for a table).

Written by nnstudio (nnstudio/export/torch_train.py); it imports nothing of nnstudio.
"""

import argparse
import hashlib
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import BatchSampler, DistributedSampler

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import model  # noqa: E402  (model.py beside this file: the network as torch.nn.Sequential)
import studio_data  # noqa: E402  (studio_data.py beside it: the data, read as nnstudio read it)

MSE, BCE, CCE = "mse", "binary_crossentropy", "categorical_crossentropy"
CHECKPOINT, TRAINED, HISTORY = "checkpoint.pt", "trained.safetensors", "history.json"


# -- the data, as nnstudio splits and scales it ---------------------------------------------


def split_rows(y, test, validation, seed, classes):
    """nnstudio's split: per class (for classification; else all rows) a seeded
    permutation cut into test, validation and train rows; each part permuted again."""
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(y == c) for c in range(classes)] if classes else [np.arange(len(y))]
    parts = ([], [], [])
    for rows in groups:
        rows = rng.permutation(rows)
        n_test, n_val = int(round(len(rows) * test)), int(round(len(rows) * validation))
        parts[0].append(rows[n_test + n_val :])
        parts[1].append(rows[n_test : n_test + n_val])
        parts[2].append(rows[:n_test])
    return [rng.permutation(np.concatenate(p)) for p in parts]


def fit_scaler(X, method):
    """(offset, scale) of the training features: x ↦ (x − offset) / scale."""
    if method == "standard":
        offset, scale = X.mean(axis=0), X.std(axis=0)
    elif method == "minmax":
        offset, scale = X.min(axis=0), X.max(axis=0) - X.min(axis=0)
    else:
        offset, scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
    return offset, np.where(scale > 0, scale, 1.0)


def targets(y, data, n_outputs):
    """What the output layer is trained towards: a class index for one unit on two
    classes, one-hot rows for a unit per class, else the values (a column each)."""
    if data["task"] == "classification":
        return y[:, None].astype(np.float64) if n_outputs == 1 else np.eye(n_outputs)[y]
    return y.reshape(len(y), -1).astype(np.float64)


def accuracy_kind(t, loss):
    """ "argmax", "threshold" (one output above 0.5) or None, as nnstudio decides it."""
    binary = bool(np.isin(t, (0, 1)).all())
    if t.shape[1] > 1 and (loss == CCE or (binary and np.all(t.sum(axis=1) == 1))):
        return "argmax"
    if t.shape[1] == 1 and (binary or loss == BCE):
        return "threshold"
    return None


def load_data(bundle, files=None):
    """The train, validation and test parts as {"X", "t"} NumPy arrays (scaled float64
    rows, targets) or None, and the scaler (offset, scale). ``files`` ({"train": [...],
    "test": [...]}) are read instead of the studio's data files."""
    data, split = bundle["data"], bundle["split"]
    arrays = studio_data.read(data, HERE, files)
    X, y = arrays["X"].astype(np.float64), arrays["y"]
    classes = len(data["class_names"]) if data["task"] == "classification" else 0
    rows = split_rows(y, split["test"], split["validation"], split["seed"], classes)
    offset, scale = fit_scaler(X[rows[0]], bundle["scaling"])
    n_outputs = bundle["n_outputs"]

    def part(X_part, y_part):
        if not len(X_part):
            return None
        return {"X": (X_part - offset) / scale, "t": targets(y_part, data, n_outputs)}

    train, validation, test = (part(X[r], y[r]) for r in rows)
    if "X_test" in arrays:  # the data's own test file: the split kept none
        test = part(arrays["X_test"].astype(np.float64), arrays["y_test"])
    return (train, validation, test), (offset, scale)


# -- the order of the samples, dealt out to the processes -------------------------------------


class StudioOrder(DistributedSampler):
    """nnstudio's order of the training rows each epoch (its seeded permutation, or the
    rows as they are without shuffling), dealt out as DistributedSampler deals: process
    r takes every world-th row from r. A global batch of batch_size rows (each process's
    batch_size / world) is then nnstudio's batch; the last epoch's rows are padded with
    the first ones, as DistributedSampler pads, so that every process has as many."""

    def __init__(self, n, world, rank, seed, shuffle):
        super().__init__(range(n), num_replicas=world, rank=rank, shuffle=False)
        self.rows, self.studio_shuffle = n, shuffle
        self.order_seed = np.random.SeedSequence(seed).spawn(3)[1]  # the trainer's shuffle seed
        self.generator, self.drawn, self.order = None, 0, np.arange(n)

    def set_epoch(self, epoch):
        super().set_epoch(epoch)
        if not self.studio_shuffle:
            return
        if self.generator is None or self.drawn > epoch:
            self.generator, self.drawn = np.random.default_rng(self.order_seed), 0
        while self.drawn <= epoch:  # one permutation an epoch, as the trainer draws them
            self.order, self.drawn = self.generator.permutation(self.rows), self.drawn + 1

    def __iter__(self):
        order = np.resize(self.order, self.total_size)
        return iter(order[self.rank : self.total_size : self.num_replicas].tolist())


# -- training -----------------------------------------------------------------------------


def processes():
    """(rank, world size, device): torchrun's environment, or one process."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    cuda = torch.cuda.is_available()
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
    rank, local = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    return rank, world, device


def optimizer_for(parameters, training):
    """nnstudio's optimizer and hyperparameters (its rules are torch.optim's)."""
    name, lr, options = training["optimizer"], training["lr"], training["options"]
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=lr, **options)
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr)
    if name == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr, **options)
    if name == "adagrad":
        return torch.optim.Adagrad(parameters, lr=lr)
    raise SystemExit(f"train.py: no PyTorch optimizer for {name!r}")


def batch_loss(z, t, loss, reduction):
    """The loss to differentiate (of the sum or the mean) and its mean, as nnstudio
    reports it; ``z`` are logits for the cross-entropies (computed from them, as
    nnstudio does), outputs for mse."""
    if loss == MSE:
        value = F.mse_loss(z, t, reduction=reduction)
    elif loss == BCE:
        value = F.binary_cross_entropy_with_logits(z, t, reduction=reduction)
    else:
        value = F.cross_entropy(z, t, reduction=reduction)
    terms = len(t) if loss == CCE else t.numel()
    return value, (value / terms if reduction == "sum" else value)


def correct(outputs, t, kind):
    """How many rows of ``outputs`` predict their target's class (a tensor)."""
    if kind == "argmax":
        return (outputs.argmax(dim=1) == t.argmax(dim=1)).sum()
    return ((outputs[:, 0] > 0.5) == (t[:, 0] > 0.5)).sum()


class Job:
    """One training run of the bundle on this process."""

    def __init__(self, bundle, args, rank, world, device):
        self.bundle, self.args, self.rank, self.world = bundle, args, rank, world
        self.device, self.dtype = device, getattr(torch, bundle["training"]["dtype"])
        self.training = bundle["training"]
        self.loss = self.training["loss"]
        parts, self.scaler = load_data(bundle, args.files)
        self.train, self.validation, self.test = (self.tensors(p) for p in parts)
        self.kind = accuracy_kind(parts[0]["t"], self.loss)
        self.net = model.build().to(device=device, dtype=self.dtype)
        # the cross-entropies are computed from the logits: all but the output activation
        self.fused = self.loss in (BCE, CCE)
        self.logits = self.net[:-1] if self.fused else self.net
        for name, parameter in self.net.named_parameters():
            if name in bundle["fixed_at_zero"]:  # a layer without bias in nnstudio
                parameter.requires_grad_(False)
        self.weights = [p for n, p in self.net.named_parameters() if n.endswith(".weight")]

    def tensors(self, part):
        if part is None:
            return None
        X = torch.as_tensor(part["X"], dtype=self.dtype, device=self.device)
        shape = self.bundle["network"]["inputs"]
        if isinstance(shape, list):  # channels-last rows → NCHW images
            X = X.reshape(-1, *shape).permute(0, 3, 1, 2).contiguous()
        return {"X": X, "t": torch.as_tensor(part["t"], dtype=self.dtype, device=self.device)}

    def start(self):
        """Load the starting weights (or resume); return the checkpoint's state or None."""
        saved = HERE / CHECKPOINT
        if saved.exists() and not self.args.fresh:
            state = torch.load(saved, map_location=self.device, weights_only=True)
            if state["bundle"] != self.bundle["digest"]:
                raise SystemExit(f"train.py: {saved} is another bundle's; delete it first")
            self.net.load_state_dict(state["model"])
            return state
        first = self.bundle["initial" if self.args.fresh else "weights"]
        self.net.load_state_dict(load_file(HERE / first))
        return None

    def run(self):
        training, args = self.training, self.args
        epochs = args.epochs if args.epochs is not None else training["epochs"]
        if epochs is None:
            raise SystemExit("train.py: the project trains until stopped; give --epochs N")
        batch = args.batch_size or training["batch_size"]
        if batch % self.world:
            raise SystemExit(
                f"train.py: a batch of {batch} cannot be shared by {self.world} processes; "
                f"give --batch-size {batch - batch % self.world or self.world}"
            )
        state = self.start()
        parameters = [p for p in self.net.parameters() if p.requires_grad]
        optimizer = optimizer_for(parameters, training)
        trained = self.logits
        if self.world > 1:
            ids = [self.device.index] if self.device.type == "cuda" else None
            trained = DistributedDataParallel(self.logits, device_ids=ids)
        n = len(self.train["X"])
        shuffle = training["shuffle"] and not args.no_shuffle
        sampler = StudioOrder(n, self.world, self.rank, training["seed"], shuffle)
        batches = BatchSampler(sampler, batch // self.world, drop_last=False)
        history = {"epochs": [], "steps": [], "start": self.bundle["weights"], "seconds": 0.0}
        if args.fresh:
            history["start"] = self.bundle["initial"]
        if state is not None:
            optimizer.load_state_dict(state["optimizer"])
            history = state["history"]
        for epoch in range(len(history["epochs"]), epochs):
            began = time.perf_counter()
            metrics, steps = self.epoch(epoch, trained, optimizer, sampler, batches)
            metrics["seconds"] = time.perf_counter() - began
            history["epochs"].append(metrics)
            history["steps"] += steps
            history["seconds"] += metrics["seconds"]
            if not math.isfinite(metrics["loss"]):
                self.say(f"epoch {epoch + 1}: the loss became {metrics['loss']}; stopped")
                return 1
            self.say(self.line(metrics, epochs))
            self.save_checkpoint(optimizer, history)
            target = training["target_loss"]
            if target is not None and metrics["loss"] <= target:
                break
        self.finish(history, batch, len(batches), shuffle)
        return 0

    def epoch(self, epoch, trained, optimizer, sampler, batches):
        """One epoch: its metrics (every process's batches counted) and step losses."""
        sampler.set_epoch(epoch)
        seed = np.random.SeedSequence([self.training["seed"], epoch, self.rank])
        torch.manual_seed(int(seed.generate_state(1)[0]))  # Dropout's masks
        self.net.train()
        counts = []  # per step: loss × rows, rows, correct
        sum_reduced = self.training["loss_reduction"] == "sum"
        l1, l2 = self.training["l1"], self.training["l2"]
        X, T = self.train["X"], self.train["t"]
        for rows in batches:
            x, t = X[rows], T[rows]
            optimizer.zero_grad()
            z = trained(x)
            value, mean = batch_loss(z, t, self.loss, self.training["loss_reduction"])
            # DistributedDataParallel averages the processes' gradients: of a sum, the
            # sum of the global batch is world times that average
            (value * self.world if sum_reduced else value).backward()
            if l1 or l2:
                with torch.no_grad():
                    for w in self.weights:  # nnstudio's L1/L2: on weights, not biases
                        if l2:
                            w.grad.add_(w, alpha=l2)
                        if l1:
                            w.grad.add_(torch.sign(w), alpha=l1)
            optimizer.step()
            with torch.no_grad():  # kept on the device: no wait for it at each step
                outputs = self.net[-1](z) if self.fused else z
                rows = torch.tensor(float(len(t)), dtype=torch.float64, device=self.device)
                right = correct(outputs, t, self.kind).double() if self.kind else 0 * rows
                counts.append(torch.stack([mean.double() * rows, rows, right]))
        totals = torch.stack(counts)
        if self.world > 1:
            dist.all_reduce(totals)
        totals = totals.cpu().numpy()
        metrics = {"epoch": epoch + 1, "loss": float(totals[:, 0].sum() / totals[:, 1].sum())}
        if self.kind:
            metrics["accuracy"] = float(totals[:, 2].sum() / totals[:, 1].sum())
        if self.validation is not None:
            metrics.update(self.evaluate(self.validation, "val_"))
        return metrics, (totals[:, 0] / totals[:, 1]).tolist()

    def evaluate(self, part, prefix):
        """Mean loss (and accuracy) at inference (Dropout off), in chunks."""
        self.net.eval()
        loss = right = 0.0
        with torch.no_grad():
            for start in range(0, len(part["X"]), 4096):
                x, t = part["X"][start : start + 4096], part["t"][start : start + 4096]
                z = self.logits(x)
                _, mean = batch_loss(z, t, self.loss, "mean")
                loss += float(mean) * len(t)
                if self.kind:
                    right += int(correct(self.net[-1](z) if self.fused else z, t, self.kind))
        self.net.train()
        n = len(part["X"])
        metrics = {prefix + "loss": loss / n}
        if self.kind:
            metrics[prefix + "accuracy"] = right / n
        return metrics

    def line(self, metrics, epochs):
        words = [f"epoch {metrics['epoch']}/{epochs}"]
        words += [f"{k} {v:.6g}" for k, v in metrics.items() if k not in ("epoch", "seconds")]
        return "  ".join(words) + f"  ({metrics['seconds']:.2f} s)"

    def say(self, text):
        if self.rank == 0:
            print(text, flush=True)

    def save_checkpoint(self, optimizer, history):
        if self.rank != 0:
            return
        state = {
            "bundle": self.bundle["digest"],
            "model": self.net.state_dict(),
            "optimizer": optimizer.state_dict(),
            "history": history,
        }
        torch.save(state, HERE / (CHECKPOINT + ".part"))
        os.replace(HERE / (CHECKPOINT + ".part"), HERE / CHECKPOINT)

    def finish(self, history, batch, steps_per_epoch, shuffle):
        """Rank 0 writes the trained weights and the history nnstudio imports."""
        if self.rank != 0:
            return
        if self.test is not None:
            history["test"] = self.evaluate(self.test, "test_")
            self.say("  ".join(f"{k} {v:.6g}" for k, v in history["test"].items()))
        tensors = {k: v.detach().cpu().contiguous() for k, v in self.net.state_dict().items()}
        save_file(tensors, HERE / (TRAINED + ".part"), {"format": "pt"})
        os.replace(HERE / (TRAINED + ".part"), HERE / TRAINED)
        offset, scale = self.scaler
        record = {
            "format": "nnstudio-run-history",
            "version": 1,
            "bundle": self.bundle["digest"],
            **history,
            "processes": self.world,
            "device": self.device.type,
            "batch_size": batch,
            "steps_per_epoch": steps_per_epoch,
            "shuffle": shuffle,
            "data_files": [str(p) for paths in self.args.files.values() for p in paths] or None,
            "scaler": {
                "method": self.bundle["scaling"],
                "offset": offset.tolist(),
                "scale": scale.tolist(),
            },
            "torch": torch.__version__,
        }
        text = json.dumps(record, indent=1, allow_nan=False)
        (HERE / (HISTORY + ".part")).write_text(text, encoding="utf-8")
        os.replace(HERE / (HISTORY + ".part"), HERE / HISTORY)
        self.say(f"wrote {TRAINED} and {HISTORY}: import them with nnstudio import-run")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, help="train this many epochs (the project's)")
    parser.add_argument("--batch-size", type=int, help="the global batch (the project's)")
    parser.add_argument(
        "--fresh", action="store_true", help="start from initial.safetensors, not resuming"
    )
    parser.add_argument("--no-shuffle", action="store_true", help="keep the rows in order")
    for part in ("data", "test-data"):
        parser.add_argument(
            f"--{part}",
            nargs="+",
            metavar="FILE",
            help=f"read this {'training' if part == 'data' else 'test'} file (a table or NPZ, "
            "or IDX images and labels) with the studio's choices, not the job's copy",
        )
    args = parser.parse_args(argv)
    args.files = {
        part: paths for part, paths in (("train", args.data), ("test", args.test_data)) if paths
    }
    text = (HERE / "bundle.json").read_bytes()
    bundle = json.loads(text)
    bundle["digest"] = hashlib.sha256(text).hexdigest()[:16]
    rank, world, device = processes()
    try:
        return Job(bundle, args, rank, world, device).run()
    except studio_data.DataError as exc:
        raise SystemExit(f"train.py: {exc}") from None
    finally:
        if world > 1:
            dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
