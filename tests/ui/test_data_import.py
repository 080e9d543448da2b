"""Opening a data file in the studio: a table with a text label and a categorical
column, imported as the user chooses, trained on, reopened; a moved or changed file is
reported, not half-loaded."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from nnstudio.io.project import load_project
from nnstudio.ui.data_import import ImportDialog

PETS = "weight,colour,kind\n" + "".join(
    f"{w},{c},{k}\n"
    for w, c, k in [
        (4.1, "black", "cat"),
        (30.0, "brown", "dog"),
        (3.8, "white", "cat"),
        (25.5, "black", "dog"),
        (5.0, "brown", "cat"),
        (40.2, "white", "dog"),
    ]
    * 6
)


@pytest.fixture
def pets(tmp_path, monkeypatch):
    path = tmp_path / "pets.csv"
    path.write_text(PETS)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    return path


def answer(dialog, qtbot) -> None:
    """OK, then the import read in the background: in, or refused."""
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.result() or "⚠" in dialog.summary.text(), timeout=10_000)


def user_clicks_ok(monkeypatch, qtbot, choose=lambda dialog: None):
    """The dialog as the user answers it: choices made, then OK."""

    def run(dialog):
        choose(dialog)
        answer(dialog, qtbot)
        return dialog.result()

    monkeypatch.setattr(ImportDialog, "exec", run)


def test_open_a_table_with_a_text_label_and_a_category_then_train_on_it(
    window, qtbot, pets, monkeypatch
):
    seen = {}

    def choose(dialog):
        seen["kinds"] = dialog.preview.kinds
        seen["header"] = [dialog.table.horizontalHeaderItem(c).text() for c in range(3)]
        dialog.label.setCurrentText("kind")

    user_clicks_ok(monkeypatch, qtbot, choose)
    qtbot.mouseClick(window.dataset_panel.open_file, Qt.MouseButton.LeftButton)
    assert seen["kinds"] == ("number", "category", "category")
    assert seen["header"][1] == "colour\ncategory"
    data = window.project.load_dataset()
    assert data.class_names == ("cat", "dog") and data.n_features == 4  # weight + 3 colours
    assert window.project.document.sizes[0] == 4
    assert window.dataset_panel.choice.currentText() == "pets.csv"
    window.training_panel.step_epoch.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    assert window.training.live.parts.train.n_samples == 28  # a fifth of each class held out


def test_a_project_on_a_data_file_reopens_on_it_and_a_moved_file_is_reported(
    window, qtbot, pets, monkeypatch, tmp_path
):
    user_clicks_ok(monkeypatch, qtbot)
    window.open_data()
    assert window.files.save_to(tmp_path / "pets.nnsp")
    again = load_project(tmp_path / "pets.nnsp")
    assert again.load_dataset().n_samples == 36
    pets.rename(tmp_path / "elsewhere.csv")
    moved = load_project(tmp_path / "pets.nnsp")
    with pytest.raises(Exception, match="not there any more"):
        moved.load_dataset()


def test_a_changed_file_is_noticed(window, qtbot, pets, monkeypatch):
    user_clicks_ok(monkeypatch, qtbot)
    window.open_data()
    pets.write_text(PETS + "99,black,dog\n")
    window.project._loaded = None  # as on reopening the project
    window.editor.undo_stack.undo()
    window.editor.undo_stack.redo()
    assert "changed since it was opened" in window.dataset_panel.about.text()


def test_a_bad_import_keeps_the_dialog_open_saying_why_and_changes_nothing(
    window, qtbot, tmp_path, monkeypatch
):
    path = tmp_path / "holes.csv"
    path.write_text("a,b,y\n1,2,0\n3,,1\n" * 3)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen = {}

    def run(dialog):
        answer(dialog, qtbot)
        seen["open"], seen["said"] = not dialog.result(), dialog.summary.text()
        return dialog.result()

    monkeypatch.setattr(ImportDialog, "exec", run)
    window.open_data()
    assert seen["open"] and "line" in seen["said"] and "⚠" in seen["said"]
    assert window.project.dataset["name"] == "circle"


def test_cancel_while_reading_abandons_the_import(window, qtbot, pets, monkeypatch):
    import nnstudio.ui.data_loading as data_loading

    release = __import__("threading").Event()
    real = data_loading.datasets.load_table

    def slow(*args, **kwargs):
        release.wait(10)  # a big file, still being read
        return real(*args, **kwargs)

    monkeypatch.setattr(data_loading.datasets, "load_table", slow)

    def run(dialog):
        assert dialog.progress.isVisibleTo(dialog)  # read as soon as the dialog opens
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert dialog.summary.text().startswith("Reading pets.csv")
        qtbot.wait(50)  # the window answers meanwhile
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        release.set()
        return dialog.result()

    monkeypatch.setattr(ImportDialog, "exec", run)
    window.open_data()
    qtbot.waitUntil(lambda: not data_loading._ABANDONED, timeout=10_000)
    assert window.project.dataset["name"] == "circle"  # nothing was used


def test_the_file_is_read_once_when_opened(window, qtbot, pets, monkeypatch):
    import nnstudio.datasets as datasets_module

    reads = []
    real = datasets_module.load_table
    monkeypatch.setattr(
        datasets_module, "load_table", lambda *a, **k: reads.append(1) or real(*a, **k)
    )
    user_clicks_ok(monkeypatch, qtbot)
    window.open_data()
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    assert len(reads) == 1 and window.project.load_dataset().n_samples == 36


def test_a_project_moved_with_its_data_file_finds_it_again(
    window, qtbot, pets, monkeypatch, tmp_path
):
    user_clicks_ok(monkeypatch, qtbot)
    window.open_data()
    assert window.files.save_to(tmp_path / "pets.nnsp")
    moved = tmp_path / "moved"
    moved.mkdir()
    (tmp_path / "pets.nnsp").rename(moved / "pets.nnsp")
    pets.rename(moved / "pets.csv")  # the folder moved, both inside it
    again = load_project(moved / "pets.nnsp")
    assert again.dataset["name"] == str((moved / "pets.csv").resolve())
    assert "relative" not in again.dataset and again.load_dataset().n_samples == 36


def test_open_an_idx_images_file_then_its_labels_file(window, qtbot, tmp_path, monkeypatch):
    import numpy as np

    from nnstudio.datasets import write_idx

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 30).astype(np.uint8)
    write_idx(
        tmp_path / "train-images-idx3-ubyte", rng.integers(0, 255, (30, 4, 5)).astype(np.uint8)
    )
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)
    write_idx(tmp_path / "short-labels-idx1-ubyte", labels[:10])
    answers = iter([tmp_path / "train-images-idx3-ubyte", tmp_path / "train-labels-idx1-ubyte"])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(next(answers)), ""))
    window.open_data()
    data = window.project.load_dataset()
    assert data.n_samples == 30 and data.image_shape == (4, 5) and data.n_classes == 3
    assert window.project.document.sizes[0] == 20 and window.project.document.sizes[-1] == 3
    answers = iter([tmp_path / "train-images-idx3-ubyte", tmp_path / "short-labels-idx1-ubyte"])
    window.open_data()  # labels of another length: refused, the data in use stays
    assert (
        "30 images but short-labels-idx1-ubyte holds 10 labels"
        in window.statusBar().currentMessage()
    )
    assert window.project.load_dataset().n_samples == 30


def test_a_test_file_chosen_in_the_dialog_is_the_test_part(
    window, qtbot, pets, monkeypatch, tmp_path
):
    test = tmp_path / "pets-test.csv"
    test.write_text("weight,colour,kind\n4.0,white,cat\n33.0,black,dog\n")

    def choose(dialog):
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(test), ""))
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert dialog.test_button.text() == "pets-test.csv"

    user_clicks_ok(monkeypatch, qtbot, choose)
    window.open_data()
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    parts = window.training.live.parts
    assert parts.train.n_samples == 36 and parts.test.n_samples == 2  # all of pets trains
    assert window.project.dataset["test"] == str(test.resolve())
    assert window.files.save_to(tmp_path / "p.nnsp")
    again = load_project(tmp_path / "p.nnsp")
    assert again.test_data().n_samples == 2


def test_the_dialog_says_what_the_choices_make_of_the_columns(window, pets):
    dialog = ImportDialog(pets, window)
    assert dialog.outcome.text() == (
        "Inputs from 1 number column, 1 category column, one-hot; "
        "the network predicts 'kind' (classes)."
    )
    dialog.label.setCurrentText("weight")
    assert "2 category columns" in dialog.outcome.text()
    assert "predicts 'weight' (its values)" in dialog.outcome.text()
    dialog.task.setCurrentText("classification")
    assert "(classes)" in dialog.outcome.text()
    dialog.reject()


def test_the_dialog_says_exactly_what_the_file_makes_before_ok(window, qtbot, pets):
    dialog = ImportDialog(pets, window)
    qtbot.waitUntil(lambda: "samples" in dialog.summary.text(), timeout=10_000)
    assert dialog.summary.text() == "36 samples · 4 inputs · 2 classes"
    dialog.label.setCurrentText("colour")  # read again once the choice rests
    qtbot.waitUntil(lambda: "3 classes" in dialog.summary.text(), timeout=10_000)
    assert dialog.summary.text() == "36 samples · 3 inputs · 3 classes"  # weight + 2 kinds
    dialog.task.setCurrentText("regression")  # colours are no numbers
    qtbot.waitUntil(lambda: "⚠" in dialog.summary.text(), timeout=10_000)
    assert "not a number" in dialog.summary.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.reject()


def test_a_long_read_shows_its_percentage_and_a_new_choice_cancels_it(
    window, qtbot, tmp_path, monkeypatch
):
    import threading

    import nnstudio.datasets.progress as progress_module
    from nnstudio import datasets

    path = tmp_path / "big.csv"
    path.write_text("a,b,y\n" + "1.5,2.5,0\n3.5,4.5,1\n" * 20_000)
    gate, halfway = threading.Event(), threading.Event()
    real = progress_module._Counted.readinto

    def slow(self, buffer):  # the first read of each file waits for the test
        n = real(self, buffer)
        if self.progress.done and not gate.is_set():
            halfway.set()
            gate.wait(10)
        return n

    monkeypatch.setattr(progress_module, "_BUFFER", 64 << 10)
    monkeypatch.setattr(progress_module._Counted, "readinto", slow)
    dialog = ImportDialog(path, window)
    assert halfway.wait(10)
    first, ended = dialog._loader, []
    first.finished.connect(lambda: ended.append(first.error))
    qtbot.waitUntil(lambda: "%" in dialog.summary.text(), timeout=5_000)
    assert dialog.summary.text().startswith("Reading big.csv… ")
    assert 0 < dialog.progress.value() < 100
    dialog.task.setCurrentText("regression")  # the read under way is abandoned
    assert first.progress.cancelled
    gate.set()
    qtbot.waitUntil(lambda: bool(ended), timeout=5_000)
    assert isinstance(ended[0], datasets.Cancelled)
    qtbot.waitUntil(lambda: "samples" in dialog.summary.text(), timeout=10_000)
    assert dialog.summary.text() == "40,000 samples · 2 inputs · 1 target"
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() and dialog.read.data.task == "regression"


def trained_project_on_pets(window, qtbot, monkeypatch, tmp_path):
    """A saved project that trained on pets.csv, reopened in the window."""
    user_clicks_ok(monkeypatch, qtbot)
    window.open_data()
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    window.training.pause()
    assert window.files.save_to(tmp_path / "pets.nnsp")
    return tmp_path / "pets.nnsp"


def test_a_moved_data_file_is_located_and_its_runs_still_fit(
    window, qtbot, pets, monkeypatch, tmp_path
):
    saved = trained_project_on_pets(window, qtbot, monkeypatch, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pets.rename(elsewhere / "pets.csv")
    assert window.files.open_path(saved)
    panel = window.dataset_panel
    assert "not there any more" in panel.about.text()
    assert panel.fix_file.isVisibleTo(panel) and panel.fix_file.text() == "Locate pets.csv…"
    asked = []
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        lambda parent, title, folder, *a: asked.append(title) or (str(elsewhere / "pets.csv"), ""),
    )
    qtbot.mouseClick(panel.fix_file, Qt.MouseButton.LeftButton)
    assert asked == ["Where is pets.csv?"]
    assert window.project.dataset["name"] == str((elsewhere / "pets.csv").resolve())
    assert window.project.load_dataset().n_samples == 36
    assert panel.size.text() == "36 samples · 4 inputs · 2 classes"
    assert not panel.fix_file.isVisibleTo(panel)
    run = window.project.runs[-1]
    assert window.training.session.fits(run)  # the same bytes: the same data
    window.editor.undo_stack.undo()  # locating is an edit like any other
    assert "not there any more" in panel.about.text()


def test_a_file_located_with_other_content_is_used_only_if_the_user_says_so(
    window, qtbot, pets, monkeypatch, tmp_path
):
    from PySide6.QtWidgets import QMessageBox

    saved = trained_project_on_pets(window, qtbot, monkeypatch, tmp_path)
    other = tmp_path / "other.csv"
    other.write_text(PETS + "50.0,black,dog\n")
    pets.unlink()
    assert window.files.open_path(saved)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    discard = QMessageBox.StandardButton.Discard  # then: closing, unsaved changes go
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (answers or [discard]).pop(0))
    window.dataset_panel.fix_file.click()  # No: nothing changes
    assert window.project.dataset["name"] == str(pets.resolve())
    window.dataset_panel.fix_file.click()  # Yes: trained on as it is
    assert window.project.load_dataset().n_samples == 37
    assert not window.training.session.fits(window.project.runs[-1])  # other data


def test_a_changed_data_file_can_be_used_as_it_is_now(window, qtbot, pets, monkeypatch, tmp_path):
    saved = trained_project_on_pets(window, qtbot, monkeypatch, tmp_path)
    pets.write_text(PETS + "50.0,black,dog\n")
    assert window.files.open_path(saved)
    panel = window.dataset_panel
    assert "changed since it was opened" in panel.about.text()
    assert panel.fix_file.text() == "Use pets.csv as it is now"
    qtbot.mouseClick(panel.fix_file, Qt.MouseButton.LeftButton)
    assert window.project.load_dataset().n_samples == 37
    assert panel.size.text() == "37 samples · 4 inputs · 2 classes"


def test_open_an_idx_pair_with_a_test_pair_of_its_own(window, qtbot, tmp_path, monkeypatch):
    import numpy as np
    from PySide6.QtWidgets import QMessageBox

    from nnstudio.datasets import write_idx

    rng = np.random.default_rng(1)
    files = {}
    for part, n in (("train", 30), ("t10k", 12)):
        files[part] = tmp_path / f"{part}-images-idx3-ubyte"
        write_idx(files[part], rng.integers(0, 255, (n, 4, 5)).astype(np.uint8))
        write_idx(tmp_path / f"{part}-labels-idx1-ubyte", (np.arange(n) % 3).astype(np.uint8))
    write_idx(
        tmp_path / "wide-images-idx3-ubyte", rng.integers(0, 255, (12, 5, 5)).astype(np.uint8)
    )
    chosen = []

    def answer_with(*names):
        answers = iter(tmp_path / name for name in names)
        monkeypatch.setattr(
            QFileDialog,
            "getOpenFileName",
            lambda *a, **k: chosen.append(a[1]) or (str(next(answers)), ""),
        )

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    answer_with(
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    )
    window.open_data()
    assert chosen[1:] == [
        "The labels of train-images-idx3-ubyte",
        "The test images",
        "The labels of t10k-images-idx3-ubyte",
    ]
    window.training_panel.step.click()
    qtbot.waitUntil(lambda: window.training.latest is not None, timeout=10_000)
    parts = window.training.live.parts
    assert parts.train.n_samples == 30 and parts.test.n_samples == 12  # all of train trains
    assert window.files.save_to(tmp_path / "idx.nnsp")
    assert load_project(tmp_path / "idx.nnsp").test_data().n_samples == 12
    answer_with(
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "wide-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    )
    window.open_data()  # test images of another size: refused, the data in use stays
    assert "5×5 images but the training images are 4×5" in window.statusBar().currentMessage()
    assert window.project.test_data().n_samples == 12
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)


def test_columns_are_chosen_in_the_table_left_out_encoded_and_several_labels(
    window, qtbot, tmp_path, monkeypatch
):
    path = tmp_path / "houses.csv"
    path.write_text(
        "rooms,town,note,price,tax\n"
        + "".join(
            f"{r},{t},{n},{100 + 30 * r},{10 + 3 * r}\n"
            for r, t, n in [(2, "north", "quiet street"), (3, "south", "near the park")] * 10
        )
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))

    def choose(dialog):
        assert dialog.table.verticalHeaderItem(0).text() == "use"
        use = {name: dialog.columns.use[c] for c, name in enumerate(dialog.preview.columns)}
        encode = {name: dialog.columns.encode[c] for c, name in enumerate(dialog.preview.columns)}
        dialog.label.setCurrentText("price")
        assert use["price"].currentText() == "label" and not use["price"].isEnabled()
        assert use["tax"].currentText() == "input"  # the last column was the label
        use["note"].setCurrentText("left out")
        assert not encode["note"].isEnabled()
        encode["rooms"].setCurrentText("one-hot")
        use["tax"].setCurrentText("also a label")
        assert dialog.outcome.text() == (
            "Inputs from 1 number column, one-hot, 1 category column, one-hot; 1 column left "
            "out; the network predicts 'price', 'tax' (their values)."
        )
        dialog.scaling.setCurrentText("minmax")
        qtbot.waitUntil(lambda: "samples" in dialog.summary.text(), timeout=10_000)
        assert dialog.summary.text() == "20 samples · 4 inputs · 2 targets"  # 2 rooms, 2 towns

    user_clicks_ok(monkeypatch, qtbot, choose)
    window.open_data()
    data = window.project.load_dataset()
    assert data.feature_names == ("rooms=2", "rooms=3", "town=north", "town=south")
    assert data.y.shape == (20, 2) and window.project.training["scaling"] == "minmax"
    assert window.training_panel._widgets["scaling"].currentText() == "minmax"
    window.editor.undo_stack.undo()  # one step: the data and its scaling
    assert window.project.dataset["name"] == "circle"
    assert window.project.training.get("scaling") is None


def test_open_a_data_file_is_in_the_file_menu_and_the_data_menu(window):
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    for name in ("&File", "&Data"):
        texts = [a.text() for a in menus[name].actions()]
        assert "&Open a data file…" in texts, name


def npz_file(tmp_path):
    import numpy as np

    path = tmp_path / "points.npz"
    rng = np.random.default_rng(0)
    np.savez(path, X=rng.normal(size=(40, 3)), y=rng.integers(0, 2, 40))
    return path


def test_an_npz_file_is_read_once_off_the_gui_thread(window, qtbot, tmp_path, monkeypatch):
    import threading

    import nnstudio.datasets as datasets_module

    path = npz_file(tmp_path)
    threads, real = [], datasets_module.load
    monkeypatch.setattr(
        datasets_module,
        "load",
        lambda *a, **k: threads.append(threading.current_thread()) or real(*a, **k),
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.open_data()
    assert window.project.load_dataset().n_samples == 40
    assert len(threads) == 1 and threads[0] is not threading.main_thread()


def test_a_slow_npz_read_can_be_cancelled_and_changes_nothing(window, qtbot, tmp_path, monkeypatch):
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    import nnstudio.ui.data_loading as data_loading

    path = npz_file(tmp_path)
    release, real = threading.Event(), data_loading.load_file
    monkeypatch.setattr(data_loading, "load_file", lambda r: release.wait(60) and real(r))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    seen = []

    def cancel_once_shown():  # as the user does, however slow the machine
        busy = window.findChild(QProgressDialog)
        if busy is None or not busy.isVisible():
            QTimer.singleShot(50, cancel_once_shown)
            return
        seen.append(busy.labelText())
        busy.findChild(QPushButton).click()

    QTimer.singleShot(50, cancel_once_shown)
    window.open_data()  # the busy dialog shows, and the user cancels
    release.set()
    assert seen == ["Reading points.npz…"]
    assert window.project.dataset["name"] == "circle"
    qtbot.waitUntil(lambda: not data_loading._ABANDONED, timeout=10_000)
