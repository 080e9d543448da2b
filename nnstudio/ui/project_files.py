"""The window's project as a file: new, open, save, save as, the question about unsaved
changes, and the Open Recent menu."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from nnstudio.errors import NNStudioError
from nnstudio.io.project import SUFFIX, load_project, save_project
from nnstudio.model.project import Project
from nnstudio.ui import last_folder

MAX_RECENT = 8
FILE_FILTER = f"nnstudio projects (*{SUFFIX})"


class ProjectFiles(QObject):
    """Files of a :class:`~nnstudio.ui.main_window.MainWindow`'s project; the window
    shows what is opened (``set_project``) and is told what was saved (``saved``)."""

    def __init__(self, window, recent_menu: QMenu):
        super().__init__(window)
        self.window, self.recent_menu = window, recent_menu
        self.refresh_recent()

    def new_project(self) -> None:
        if self.maybe_save():
            self.window.set_project(Project.example(), None)

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open project", last_folder.start_in(last_folder.PROJECTS), FILE_FILTER
        )
        if path:
            last_folder.remember(last_folder.PROJECTS, path)
            self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        try:
            project = load_project(path)
        except NNStudioError as exc:
            QMessageBox.warning(self.window, "Cannot open project", str(exc))
            return False
        self.window.set_project(project, path)
        self.remember(path)
        return True

    def save(self) -> bool:
        path = self.window.path
        return self.save_to(path) if path else self.save_as()

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "Save project",
            last_folder.start_in(last_folder.PROJECTS, "untitled" + SUFFIX),
            FILE_FILTER,
        )
        if not path:
            return False
        last_folder.remember(last_folder.PROJECTS, path)
        path = Path(path)
        return self.save_to(path if path.suffix == SUFFIX else path.with_suffix(SUFFIX))

    def save_to(self, path: Path) -> bool:
        window = self.window
        try:
            save_project(window.project_to_save(), path)
        except OSError as exc:
            QMessageBox.warning(window, "Cannot save project", f"{path}: {exc.strerror}")
            return False
        except NNStudioError as exc:  # too big to be opened again
            QMessageBox.warning(window, "Cannot save project", str(exc))
            return False
        window.saved(path)
        self.remember(path)
        return True

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False if the user cancels."""
        if not self.window.is_modified():
            return True
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            "The network has unsaved changes. Save them?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            buttons.Save,
        )
        if answer == buttons.Save:
            return self.save()
        return answer == buttons.Discard

    # -- recent files -----------------------------------------------------------------

    def remember(self, path: Path) -> None:
        recent = [p for p in recent_paths() if p != str(path)]
        QSettings().setValue("recent", [str(path), *recent][:MAX_RECENT])
        self.refresh_recent()

    def refresh_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = recent_paths()
        for number, entry in enumerate(recent, start=1):
            action = menu.addAction(f"&{number} {menu_text(entry)}")
            action.setToolTip(entry)
            action.triggered.connect(lambda _=False, p=entry: self.open_path(Path(p)))
        menu.setEnabled(bool(recent))


def menu_text(entry: str) -> str:
    """A recent project as its menu shows it: the name, then its folder (home as ~), so
    that two projects of one name in different folders can be told apart."""
    path = Path(entry)
    folder = str(path.parent)
    home = str(Path.home())
    if folder == home or folder.startswith(home + os.sep):
        folder = "~" + folder[len(home) :]
    return f"{path.name}  —  {folder}".replace("&", "&&")


def recent_paths() -> list[str]:
    """The remembered projects (QSettings gives a lone entry as a plain string)."""
    recent = QSettings().value("recent", []) or []
    return [recent] if isinstance(recent, str) else list(recent)
