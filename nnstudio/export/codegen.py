"""Pieces shared by the generated Python files (PyTorch, Keras and NumPy exports)."""

from __future__ import annotations

import re

from nnstudio import __version__
from nnstudio.export.model import ExportModel

USAGE = """Run ``python {script} inputs.csv`` to print the outputs for the raw features in a
CSV file (one sample per row, no header), or import it and call ``predict(X)``."""

MAIN = """

if __name__ == "__main__":
    X = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
    np.savetxt(sys.stdout, predict(X), delimiter=",", fmt="%.9g")
"""


def module(
    model: ExportModel, script: str, weights_file: str, what: str, imports: str, body: str
) -> str:
    """A generated module: docstring (what it is, what it needs, how to run it),
    ``imports`` (besides sys, Path and NumPy), WEIGHTS, the preprocessing constants,
    ``body`` (which defines ``predict``) and a command-line entry point."""
    return (
        f'"""{model.name}: a network exported by nnstudio {__version__}.\n\n{what}\n'
        + USAGE.format(script=script)
        + '\n"""\n\n'
        + "import sys\nfrom pathlib import Path\n\n"
        + imports
        + f"\nWEIGHTS = Path(__file__).with_name({weights_file!r})\n"
        + preprocessing(model)
        + body
        + MAIN
    )


def preprocessing(model: ExportModel) -> str:
    """OFFSET/SCALE (identity without a scaler) and CLASS_NAMES as Python constants."""
    if model.scaler is None:
        offset, scale = [0.0] * model.n_inputs, [1.0] * model.n_inputs
    else:
        offset, scale = model.scaler.offset.tolist(), model.scaler.scale.tolist()
    return (
        "# the preprocessing of training: x_scaled = (x - OFFSET) / SCALE\n"
        f"OFFSET = np.array({offset!r})\nSCALE = np.array({scale!r})\n"
        f"CLASS_NAMES = {list(model.class_names) if model.class_names else None!r}\n"
    )


def identifiers(model: ExportModel) -> list[str]:
    """A unique Python/Keras-safe identifier per layer, from the layer names."""
    names: list[str] = []
    for i, layer in enumerate(model.layers):
        name = re.sub(r"\W", "_", layer.name.strip()) or f"{layer.type_name}_{i}"
        if name[0].isdigit():
            name = "_" + name
        while name in names:
            name += f"_{i}"
        names.append(name)
    return names
