"""The command line as a user runs it: ``nnstudio ARGS`` in a process of its own."""

import subprocess
import sys


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
