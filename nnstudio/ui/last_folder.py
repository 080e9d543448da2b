"""File dialogs start where the user last was: one remembered folder for projects, one
for data files and one for exports, kept across launches."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

PROJECTS, DATA, EXPORTS = "projects", "data", "exports"


def start_in(kind: str, name: str = "") -> str:
    """The folder a dialog for ``kind`` opens in (with ``name`` as the proposed file);
    a folder that is gone is forgotten (Qt then starts in the current folder)."""
    folder = QSettings().value(f"last folder/{kind}", "") or ""
    if not isinstance(folder, str) or not Path(folder).is_dir():
        return name
    return str(Path(folder) / name) if name else folder


def remember(kind: str, path: str | Path) -> None:
    """The folder of the file just chosen, for the next dialog of ``kind``."""
    if path:
        QSettings().setValue(f"last folder/{kind}", str(Path(path).parent))
