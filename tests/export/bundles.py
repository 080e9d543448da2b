"""Projects for the training-job tests, and running a job's train.py as a user does."""

import os
import subprocess
import sys

import numpy as np

from nnstudio.datasets import CLASSIFICATION, Dataset, TableImport
from nnstudio.model.document import HIDDEN, INPUT, OUTPUT, LayerState, NetworkDocument
from nnstudio.model.project import Project, file_reference, own_reference

SGD_MOMENTUM = {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "l2": 0.01}
ADAM = {"optimizer": "adam", "lr": 0.01, "l2": 0.01}
# RMSprop with momentum, L1, and the gradient of the summed loss
RMSPROP_SUM_L1 = {
    "optimizer": "rmsprop",
    "lr": 0.01,
    "momentum": 0.5,
    "l1": 0.001,
    "loss_reduction": "sum",
}


def dense_project(settings: dict) -> Project:
    """A 2-6-1 tanh/sigmoid network on 60 moons (binary cross-entropy), with a
    validation split; float64, 3 epochs of batches of 8."""
    doc = NetworkDocument(inputs=2, outputs=1, hidden=((6, "tanh"),), seed=3)
    return Project(
        document=doc,
        dataset={"name": "moons", "params": {"n_samples": 60, "noise": 0.2, "seed": 1}},
        training={
            "epochs": 3,
            "batch_size": 8,
            "dtype": "float64",
            "validation_split": 0.2,
            **settings,
        },
    )


def regression_project(settings: dict) -> Project:
    """A 1-8-1 tanh/linear network fitting 50 points of a sine (mse), min-max scaled;
    float64, 3 epochs of batches of 8."""
    doc = NetworkDocument(1, 1, hidden=((8, "tanh"),), output_activation="linear", seed=3)
    return Project(
        document=doc,
        dataset={"name": "sine", "params": {"n_samples": 50}},
        training={
            "epochs": 3,
            "batch_size": 8,
            "dtype": "float64",
            "scaling": "minmax",
            **settings,
        },
    )


def table_project(settings: dict, folder) -> Project:
    """A 4-5-1 network on a CSV file of 60 rows in ``folder``: two numbers (one missing
    in a row, filled with its mean), a categorical column one-hot, a text label; float64,
    3 epochs of batches of 8."""
    rng = np.random.default_rng(2)
    lines = ["x,y,shape,label"]
    for i in range(60):
        x, y = rng.normal(size=2)
        shape = "round square star".split()[i % 3]
        lines.append(f"{x:.4f},{'' if i == 7 else f'{y:.4f}'},{shape},{'yes' if x > y else 'no'}")
    table = folder / "points.csv"
    table.write_text("\n".join(lines) + "\n")
    options = TableImport(label_columns=("label",), categorical=("shape",), missing="mean")
    doc = NetworkDocument(inputs=5, outputs=1, hidden=((5, "tanh"),), seed=4)
    return Project(
        document=doc,
        dataset=file_reference(table, options),
        training={"epochs": 3, "batch_size": 8, "dtype": "float64", **settings},
    )


def tiny_images(n: int = 45) -> Dataset:
    """``n`` 6×6 grey images of three classes (which third of the image is brightest)."""
    rng = np.random.default_rng(0)
    y = np.arange(n) % 3
    X = rng.normal(0.0, 1.0, (n, 6, 6))
    for k in range(3):
        X[y == k, 2 * k : 2 * k + 2, :] += 2.0
    return Dataset(
        X.reshape(n, 36) * 10 + 100,  # far from 0: the scaling matters
        y,
        CLASSIFICATION,
        tuple(f"pixel {i}" for i in range(36)),
        ("top", "middle", "bottom"),
        name="tiny images",
        image_shape=(6, 6),
    )


def cnn_project(settings: dict, epochs: int = 3) -> Project:
    """A small CNN (conv2d 3×3×4 relu, maxpool, conv2d without bias, flatten, dense
    softmax: categorical cross-entropy) on the project's own tiny images; float64."""
    data = tiny_images()
    doc = NetworkDocument(seed=5)
    doc.set_layers(
        [
            LayerState("input", 36, "linear", INPUT, shape=(6, 6, 1)),
            LayerState("conv", 4, "relu", HIDDEN, "conv2d"),
            LayerState("pool", 0, "linear", HIDDEN, "maxpool2d"),
            LayerState("conv_2", 2, "tanh", HIDDEN, "conv2d", (("kernel_size", 2),)),
            LayerState("flat", 0, "linear", HIDDEN, "flatten"),
            LayerState("output", 3, "softmax", OUTPUT),
        ]
    )
    doc.set_layers(
        [
            layer.with_options(use_bias=False) if layer.name == "conv_2" else layer
            for layer in doc.layers
        ]
    )
    return Project(
        document=doc,
        dataset=own_reference("tiny", data),
        own_data={"tiny": data},
        training={"epochs": epochs, "batch_size": 8, "dtype": "float64", **settings},
    )


def run_job(folder, *args, processes: int = 1, timeout: float = 180) -> str:
    """Run the job's train.py (under torchrun for several processes) without nnstudio
    on the path, as on a machine that has only torch; its output."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["OMP_NUM_THREADS"] = "1"
    command = [sys.executable, "train.py", *args]
    if processes > 1:
        command = [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            f"--nproc_per_node={processes}",
            "train.py",
            *args,
        ]
    done = subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout
