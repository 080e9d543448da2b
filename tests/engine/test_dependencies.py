"""The engine is NumPy and the standard library: every import in every module of
nnstudio/engine (at the top, in functions, under ``if``) names the standard library,
NumPy, the engine itself or nnstudio.errors, and nothing is imported by a computed name.

import-linter (pyproject.toml) can only forbid packages it is told about; this is the
allow-list, so a dependency nobody thought of is caught too."""

import ast
import sys
from pathlib import Path

import pytest

import nnstudio.engine

ENGINE = Path(nnstudio.engine.__file__).resolve().parent
MODULES = sorted(ENGINE.rglob("*.py"))
ALLOWED_PACKAGES = {"numpy"}
ALLOWED_NNSTUDIO = ("nnstudio.engine", "nnstudio.errors")


def package_of(path: Path) -> str:
    """The package a module of the engine is in (what its relative imports start from)."""
    parts = ("nnstudio", *path.relative_to(ENGINE.parent).with_suffix("").parts)
    return ".".join(parts[:-1])


def imported_names(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, a module of `package`.
    ``from a import b`` gives ``a.b`` (b may be a module) and ``a`` itself, unless ``a`` is
    the nnstudio package, which Python has loaded before any engine module anyway."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            names += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
            if module != "nnstudio":
                names.append((node.lineno, module))
    return names


def allowed(name: str) -> bool:
    top = name.split(".")[0]
    if top == "nnstudio":
        return any(name == ok or name.startswith(ok + ".") for ok in ALLOWED_NNSTUDIO)
    return top in sys.stdlib_module_names or top in ALLOWED_PACKAGES


def dynamic_imports(source: str) -> list[int]:
    """Lines calling __import__ or importlib.import_module, which no check can follow."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in ("__import__", "import_module"):
                lines.append(node.lineno)
    return lines


def test_the_engine_has_modules():
    assert ENGINE.name == "engine" and len(MODULES) > 5


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ENGINE).as_posix())
def test_engine_module_imports_only_stdlib_numpy_and_itself(path):
    source = path.read_text(encoding="utf-8")
    names = imported_names(source, package_of(path))
    bad = [f"line {line}: {name}" for line, name in names if not allowed(name)]
    assert not bad, f"{path.name} imports outside stdlib/NumPy/engine/errors: {bad}"
    assert not dynamic_imports(source), f"{path.name} imports by a computed name"


@pytest.mark.parametrize(
    "source",
    [
        "import psygnal",
        "import PySide6.QtCore",
        "from tqdm import tqdm",
        "import nnstudio.datasets",
        "from nnstudio import datasets",
        "from nnstudio import __version__",
        "import nnstudio",
        "from nnstudio.model import document",
        "from .. import io",
        "from ..ui import plots",
        "def f():\n    import threadpoolctl",
    ],
)
def test_the_check_catches_a_forbidden_import(source):
    names = imported_names(source, "nnstudio.engine")
    assert names and not all(allowed(name) for _, name in names), names


@pytest.mark.parametrize(
    "source",
    [
        "import numpy as np",
        "import numpy.linalg",
        "from __future__ import annotations",
        "import multiprocessing, threading, math",
        "from collections.abc import Callable",
        "from nnstudio.errors import SpecError",
        "from nnstudio.engine.network import Network",
        "from nnstudio import errors",
        "from .. import errors",
        "from . import losses",
        "from .spec import NetworkSpec",
    ],
)
def test_the_check_allows_stdlib_numpy_and_the_engine(source):
    names = imported_names(source, "nnstudio.engine")
    assert names and all(allowed(name) for _, name in names), names


def test_the_check_catches_an_import_by_computed_name():
    source = "import importlib\nqt = importlib.import_module('PySide' + '6')\n"
    assert dynamic_imports(source) == [2]
    assert dynamic_imports("m = __import__('tqdm')") == [1]
