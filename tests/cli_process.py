"""The command line as a user runs it: ``nnstudio ARGS`` in a process of its own."""

import subprocess
import sys

import numpy as np


def run_nnstudio(*args, cwd=None) -> subprocess.CompletedProcess:
    """Run ``python -m nnstudio ARGS`` (each argument through ``str``), capturing its
    output as text."""
    return subprocess.run(
        [sys.executable, "-m", "nnstudio", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def run_predict_script(script, samples, folder) -> np.ndarray:
    """Run an exported NumPy ``predict.py`` on ``samples`` (a CSV of their rows in
    ``folder``) as a user would; its printed outputs, one row per sample."""
    csv = folder / "samples.csv"
    np.savetxt(csv, samples.reshape(len(samples), -1), delimiter=",", fmt="%.17g")
    run = subprocess.run(
        [sys.executable, str(script), str(csv)], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    return np.loadtxt(run.stdout.splitlines(), delimiter=",", ndmin=2)
