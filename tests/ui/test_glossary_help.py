"""Help → Glossary (searchable) and What's This? on every control of the training
panel, the inspector and the dataset panel."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWhatsThis

from nnstudio.model.document import HIDDEN
from nnstudio.model.layer_types import palette_types, type_info
from nnstudio.ui import whats_this
from nnstudio.ui.glossary_dialog import GlossaryDialog


def _help_action(window, text):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return next(a for a in help_menu.actions() if a.text().replace("&", "") == text)


def test_help_glossary_opens_a_dialog_that_narrows_as_one_types(window, qtbot):
    _help_action(window, "Glossary").trigger()
    dialog = window.findChild(GlossaryDialog)
    qtbot.waitExposed(dialog)
    everything = dialog.text.toPlainText()
    assert "backpropagation" in everything and "softmax" in everything
    qtbot.keyClicks(dialog.search, "nesterov")
    text = dialog.text.toPlainText()
    assert text.startswith("momentum") and "softmax" not in text
    assert dialog.count.text().startswith("1 of ")
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "no such word")
    assert "No term matches" in dialog.text.toPlainText()
    dialog.close()


def _panels(window):
    return {
        "training panel": window.training_panel,
        "inspector": window.inspector,
        "dataset panel": window.dataset_panel,
    }


def test_every_control_of_the_panels_explains_itself(window, qtbot):
    """Each layer type's inspector too: a network of every type, each layer selected."""
    editor = window.editor
    assert editor.set_dataset({"name": "digits", "params": {}})
    for kind, index in (
        ("flatten", 1),
        ("conv2d", 1),
        ("maxpool2d", 2),
        ("avgpool2d", 3),
        ("dropout", 5),
    ):
        assert editor.add_layer(kind, index), kind
    layers = window.project.document.layers
    assert {layer.type for layer in layers} >= {t.name for t in palette_types()}
    unexplained = []
    for index, layer in enumerate(layers):
        window.scene.select_layer(index)
        if layer.kind == HIDDEN:  # its options' editors are shown
            assert list(window.inspector.options) == [k for k, _ in type_info(layer.type).options]
        for name, panel in _panels(window).items():
            unexplained += [
                f"{name}: {type(control).__name__} {control.objectName()}"
                for control in whats_this.controls(panel)
                if not control.whatsThis().strip()
            ]
    assert len(whats_this.controls(window.training_panel)) >= 24  # all of them looked at
    assert not unexplained, unexplained


def test_whats_this_mode_shows_a_control_its_sentence_and_glossary_entry(window, qtbot):
    action = _help_action(window, "What's This?")
    assert action.shortcut().toString() == "Shift+F1"
    lr = window.training_panel.lr
    text = lr.whatsThis()
    assert text.startswith("<p>Learning rate: takes effect at the next step")
    assert "<b>learning rate</b>: How big a step" in text
    # a real click on a spin box lands on its text field (xdotool: it showed nothing)
    assert lr.findChild(QLineEdit).whatsThis() == text
    action.trigger()  # then a click on a control explains it
    assert QWhatsThis.inWhatsThisMode()
    qtbot.mouseClick(lr, Qt.MouseButton.LeftButton)
    popups = [
        w for w in QApplication.topLevelWidgets() if w.metaObject().className() == "QWhatsThat"
    ]
    assert popups and popups[0].isVisible()
    assert not QWhatsThis.inWhatsThisMode()
    QWhatsThis.hideText()
