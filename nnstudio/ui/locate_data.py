"""A project's data file that moved (ask where it is now) or changed (use it as it is
now): what the dataset panel offers, and the questions it asks."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from nnstudio.model.project import MISSING, DataFileProblem, file_problem, with_file
from nnstudio.ui.data_import import FILE_FILTER


def fix_offer(reference: dict, refusal: Exception) -> tuple[str, str] | None:
    """What the dataset panel offers when loading ``reference`` was refused because a
    data file moved or changed: the button's text and tooltip; None for other refusals
    (the files are not read again to tell)."""
    if not isinstance(refusal, DataFileProblem):
        return None
    name = Path(reference[refusal.key]).name
    if refusal.kind == MISSING:
        return f"Locate {name}…", f"Show where {name} is now"
    return (
        f"Use {name} as it is now",
        f"Train on {name} as it is now; runs trained on it before stay, as trained on other data",
    )


def ask_to_fix(parent, reference: dict, folder: Path | None = None) -> dict | None:
    """Ask where a moved data file is (or whether to use a changed one as it is now):
    the reference to use, or None. A file found with other bytes than it had is used
    only if the user says so."""
    problem = file_problem(reference)
    if problem is None:
        return None
    key, kind = problem
    old = Path(reference[key])
    if kind != MISSING:
        return with_file(reference, key, old)
    start = old.parent if old.parent.is_dir() else folder or Path.home()
    path, _ = QFileDialog.getOpenFileName(parent, f"Where is {old.name}?", str(start), FILE_FILTER)
    if not path:
        return None
    fixed = with_file(reference, key, path)
    if fixed == {**reference, key: fixed[key]}:
        return fixed  # the same bytes
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        "Another file",
        f"{Path(path).name} is not the file the project opened as {old.name}: its content "
        "differs. Train on it anyway? Runs trained before stay, as trained on other data.",
        buttons.Yes | buttons.No,
        buttons.No,
    )
    return fixed if answer == buttons.Yes else None
