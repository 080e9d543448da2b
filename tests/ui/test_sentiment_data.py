"""Sentiment analysis from a CSV of sentences, as a user does it in the studio: Data →
Open a data file…, the sentences seen as free text (word counts) and the mood as
classes, OK, train, and the network tells good sentences from bad ones, new ones too."""

import csv
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QDockWidget, QFileDialog, QLabel

from nnstudio.ui.data_import import ImportDialog

GOOD = [
    "I loved this film, it was wonderful",
    "a great and wonderful story",
    "the acting was excellent and the music great",
    "what a delightful and happy movie",
    "I really loved it and would watch it again",
    "brilliant, funny and great fun",
    "an excellent film with a wonderful cast",
    "the best movie I have seen this year",
    "great fun from start to end",
    "I was happy and delighted all the way through",
    "a wonderful, brilliant piece of work",
    "simply excellent and moving",
    "loved the story and loved the actors",
    "a great film that made me smile",
    "superb direction and a lovely ending",
    "it's a delightful gem, truly great",
    "fantastic, I enjoyed every minute",
    "really enjoyed it, an excellent evening",
    "a lovely and brilliant film",
    "wonderful acting and a great plot",
]
BAD = [
    "I hated this film, it was awful",
    "a terrible and boring story",
    "the acting was awful and the music dull",
    "what a boring and sad movie",
    "I really hated it and would never watch it again",
    "dull, slow and a waste of time",
    "an awful film with a terrible cast",
    "the worst movie I have seen this year",
    "boring from start to end",
    "I was bored and annoyed all the way through",
    "a terrible, awful piece of work",
    "simply dreadful and pointless",
    "hated the story and hated the actors",
    "a boring film that made me sleep",
    "poor direction and a stupid ending",
    "it's a dreadful mess, truly terrible",
    "horrible, I didn't enjoy a single minute",
    "a waste of an evening, awful",
    "a dull and terrible film",
    "awful acting and a boring plot",
]
# sentences the network has not seen, of words it has
NEW_GOOD = "a wonderful film, excellent and great"
NEW_BAD = "a boring film, awful and terrible"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


@pytest.fixture
def reviews(tmp_path, monkeypatch):
    """reviews.csv (review,mood; good and bad alternating), the file the user picks."""
    path = tmp_path / "reviews.csv"
    with path.open("w", newline="") as file:
        writer = csv.writer(file)  # sentences with commas are quoted
        writer.writerow(["review", "mood"])
        for good, bad in zip(GOOD, BAD):
            writer.writerow([good, "good"])
            writer.writerow([bad, "bad"])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    return path


def warnings(dialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel) if "⚠" in label.text()]


def test_a_csv_of_sentences_trains_a_network_that_tells_good_from_bad(
    window, qtbot, reviews, monkeypatch
):
    seen = {}

    def user_answers(dialog):
        """The dialog as the user sees it: the label chosen, then OK, then the reading
        awaited (before OK or after it, as the dialog does it)."""
        dialog.show()
        seen["kinds"] = dialog.preview.kinds
        seen["header"] = [dialog.table.horizontalHeaderItem(c).text() for c in range(2)]
        dialog.label.setCurrentText("review")  # looked at the other way round first
        dialog.label.setCurrentText("mood")
        seen["outcome"] = dialog.outcome.text()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: bool(dialog.result() or warnings(dialog)), timeout=10_000)
        assert not warnings(dialog)
        return dialog.result()

    monkeypatch.setattr(ImportDialog, "exec", user_answers)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Data")
    opening = next(a for a in menu.actions() if a.text() == "&Open a data file…")
    opening.trigger()
    assert seen["kinds"] == ("text", "category")
    assert seen["header"] == ["review\ntext", "mood\ncategory"]
    assert seen["outcome"] == (
        "Inputs from 1 text column, as word counts; the network predicts 'mood' (classes)."
    )
    qtbot.waitUntil(
        lambda: window.project.dataset.get("name", "").endswith("reviews.csv"), timeout=10_000
    )

    data = window.project.load_dataset()
    vocabulary = {w for sentence in GOOD + BAD for w in words(sentence)}
    assert data.n_samples == 40 and data.class_names == ("bad", "good")
    assert set(data.feature_names) == {f"word:{w}" for w in vocabulary}
    assert {"word:wonderful", "word:awful", "word:didn't"} <= set(data.feature_names)
    assert data.X.sum(axis=1).tolist() == [len(words(s)) for g, b in zip(GOOD, BAD) for s in (g, b)]
    assert window.project.document.sizes[0] == len(vocabulary)  # an input per word
    assert window.dataset_panel.size.text() == (
        f"40 samples · {len(vocabulary)} inputs · 2 classes"
    )

    window.training_panel.epochs.setValue(60)
    window.training_panel.play.click()
    qtbot.waitUntil(
        lambda: window.training.latest is not None and window.training.latest.status == "finished",
        timeout=30_000,
    )
    assert window.training.live.parts.train.n_samples == 32  # a fifth held out to test
    assert window.training.latest.metrics["accuracy"] >= 0.9  # chance: 0.5

    evaluation = window.evaluation  # its tab brought to the front, as the user does
    next(d for d in window.findChildren(QDockWidget) if d.windowTitle() == "Evaluation").raise_()
    qtbot.waitUntil(lambda: "test:" in evaluation.scores.text(), timeout=5_000)
    train = float(re.search(r"train: ([\d.]+)% accuracy", evaluation.scores.text())[1])
    assert train >= 90  # all 32 training sentences scored, once finished
    names = evaluation.frame.data.feature_names
    for sentence, mood in ((NEW_GOOD, "good"), (NEW_BAD, "bad")):
        counts = [words(sentence).count(name.removeprefix("word:")) for name in names]
        evaluation.input.setText(", ".join(map(str, counts)))
        qtbot.keyClick(evaluation.input, Qt.Key.Key_Return)
        assert evaluation.output.text().endswith(f"→ class {mood}"), sentence
