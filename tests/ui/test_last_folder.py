"""File dialogs open in the folder last used for their kind, across windows."""

from PySide6.QtWidgets import QFileDialog

from nnstudio.ui.main_window import MainWindow


def asked_in(monkeypatch, method: str, answer: str) -> list[str]:
    """Replace a QFileDialog question; it answers ``answer`` and records where it began."""
    starts = []

    def ask(parent, caption, start, *rest, **kwargs):
        starts.append(start)
        return answer, ""

    monkeypatch.setattr(QFileDialog, method, staticmethod(ask))
    return starts


def test_project_dialogs_start_in_the_folder_last_used(window, qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "projects"
    folder.mkdir()
    saves = asked_in(monkeypatch, "getSaveFileName", str(folder / "net.nnsp"))
    assert window.files.save_as()
    assert saves == ["untitled.nnsp"]  # nothing remembered yet: Qt's current folder
    opens = asked_in(monkeypatch, "getOpenFileName", str(folder / "net.nnsp"))
    other = MainWindow()  # another window, or the next launch: the same settings
    qtbot.addWidget(other)
    other.files.open_dialog()
    assert opens == [str(folder)] and other.path == folder / "net.nnsp"
    other.files.save_as()
    assert saves[-1] == str(folder / "untitled.nnsp")


def test_each_kind_has_its_own_folder_and_a_vanished_one_is_forgotten(
    window, tmp_path, monkeypatch
):
    projects, exports = tmp_path / "p", tmp_path / "e"
    projects.mkdir(), exports.mkdir()
    asked_in(monkeypatch, "getSaveFileName", str(projects / "net.nnsp"))
    window.files.save_as()
    pictures = asked_in(monkeypatch, "getSaveFileName", str(exports / "net.png"))
    window.exporter.export_diagram()
    assert pictures == ["net.png"]  # exports had no folder yet, not the projects'
    window.exporter.export_diagram()
    assert pictures[-1] == str(exports / "net.png")
    (exports / "net.png").unlink()
    exports.rmdir()
    window.exporter.export_diagram()
    assert pictures[-1] == "net.png"
