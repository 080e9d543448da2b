"""File → Export PyTorch training job… and File → Import run…, as a user does: the job
trains with PyTorch outside the studio and its run comes back into the runs panel."""

import json
import os
import subprocess
import sys

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox

import nnstudio.datasets as datasets_module
from nnstudio.errors import NNStudioError
from nnstudio.export import torch_data
from nnstudio.ui import exporting
from nnstudio.ui.data_import import ImportDialog
from nnstudio.ui.runs_table import EPOCHS, NAME


def _menu_action(window, *titles):
    menu = window.menuBar()
    for title in titles[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.text().replace("&", "") == title)
    return next(a for a in menu.actions() if a.text().replace("&", "") == titles[-1])


def _train(job):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "train.py"], cwd=job, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr


def test_writing_a_job_shows_that_the_studio_is_busy(window, monkeypatch, tmp_path):
    """The job's data is written on the spot (MNIST's: ~1 s): a wait cursor and a word
    in the status bar meanwhile, the cursor back afterwards, even when it fails."""
    seen = []

    def failing_write(project, path, name):
        seen.append((QApplication.overrideCursor().shape(), window.statusBar().currentMessage()))
        raise NNStudioError("the disk is full")

    monkeypatch.setattr(exporting, "write_bundle", failing_write)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "j"), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: QMessageBox.StandardButton.Ok)
    _menu_action(window, "File", "Export PyTorch training job…").trigger()
    assert seen == [(Qt.CursorShape.WaitCursor, "Writing the training job…")]
    assert QApplication.overrideCursor() is None


def test_a_job_exported_from_the_menu_comes_back_as_a_run(window, monkeypatch, tmp_path):
    project = window.project
    project.training = {**project.training, "epochs": 2, "batch_size": 32}
    job = tmp_path / "job"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(job), ""))
    _menu_action(window, "File", "Export PyTorch training job…").trigger()
    assert (job / "train.py").is_file() and "train.py" in window.statusBar().currentMessage()
    _train(job)

    runs_before = len(project.runs)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(job))
    _menu_action(window, "File", "Import run…").trigger()
    assert len(project.runs) == runs_before + 1
    run = project.runs[-1]
    table = window.runs_panel.table
    row = table.topLevelItem(table.topLevelItemCount() - 1)
    assert row.text(NAME) == run.name and run.name.startswith("PyTorch")
    assert row.text(EPOCHS).startswith("2") and row.isSelected()
    assert window.training.session.shown is run
    for (w, b), (w0, b0) in zip(project.document.weights(), run.weights):
        np.testing.assert_array_equal(w, w0)
        np.testing.assert_array_equal(b, b0)
    assert window.is_modified()


def test_a_folder_that_holds_no_job_is_refused_in_a_message(window, monkeypatch, tmp_path):
    said = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    runs_before = len(window.project.runs)
    _menu_action(window, "File", "Import run…").trigger()
    assert said == [f"{tmp_path} holds no training job (bundle.json)"]
    assert len(window.project.runs) == runs_before


def test_a_job_of_an_opened_table_carries_the_file_read_once(window, qtbot, monkeypatch, tmp_path):
    """The table opened in the dialog goes into the job as it is, with the choices made
    there; the studio does not read it again to write the job."""
    table = tmp_path / "pets.csv"
    rows = [(4.1, "black", "cat"), (30.0, "brown", "dog"), (3.8, "white", "cat")] * 12
    table.write_text("weight,colour,kind\n" + "".join(f"{w},{c},{k}\n" for w, c, k in rows))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(table), ""))

    def user_answers(dialog):
        dialog.label.setCurrentText("kind")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: dialog.result() or "⚠" in dialog.summary.text(), timeout=10_000)
        return dialog.result()

    monkeypatch.setattr(ImportDialog, "exec", user_answers)
    reads, real = [], datasets_module.load_table
    monkeypatch.setattr(
        datasets_module, "load_table", lambda *a, **k: reads.append(1) or real(*a, **k)
    )
    window.open_data()
    job = tmp_path / "job"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(job), ""))
    _menu_action(window, "File", "Export PyTorch training job…").trigger()
    assert len(reads) == 1
    assert (job / "data" / "pets.csv").read_bytes() == table.read_bytes()
    section = json.loads((job / "bundle.json").read_text())["data"]
    assert section["table"]["encoding"]["labels"] == ["kind"]
    arrays = torch_data.read(section, job)
    np.testing.assert_array_equal(arrays["X"], window.project.load_dataset().X)
