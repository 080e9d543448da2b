"""Help for a learner: What's This? on every control of the panels (a sentence, and the
glossary's entry behind it) and Help → Glossary, searched as one types."""

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QSlider,
    QWhatsThis,
)

CONTROLS = (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit, QSlider)


def unexplained(panel) -> list[str]:
    """The controls of ``panel`` without a What's This? text."""
    controls = [w for kind in CONTROLS for w in panel.findChildren(kind)]
    return [
        f"{type(w).__name__} {w.toolTip() or w.objectName()!r}"
        for w in controls
        if w.parent() is not None
        and not isinstance(w.parent(), CONTROLS)  # a combo's or spin box's own parts
        and not w.whatsThis()
    ]


def test_every_control_of_the_panels_says_what_it_does(window, qtbot):
    assert unexplained(window.training_panel) == []
    assert unexplained(window.dataset_panel) == []
    editor, doc = window.editor, window.project.document
    editor.set_dataset({"name": "mnist", "params": {}})
    while len(doc) > 2:
        editor.remove_layer(1)
    editor.add_layer("flatten", 1)
    editor.add_layer("conv2d", 1)  # the inspector shows its type's options
    window.scene.select_layer(1)
    assert "Kernel size" in [
        window.inspector.form.labelForField(e).text() for e in window.inspector.options.values()
    ]
    assert unexplained(window.inspector) == []
    kernel = window.inspector.options["kernel_size"].whatsThis()
    assert "height and width" in kernel and "Filter (kernel)" in kernel  # sentence + entry
    assert "Learning rate" in window.training_panel.lr.whatsThis()


def test_whats_this_mode_starts_from_the_help_menu(window, qtbot):
    window.menus.whats_this_action.trigger()
    try:
        assert QWhatsThis.inWhatsThisMode()
    finally:
        QWhatsThis.leaveWhatsThisMode()
    assert window.menus.whats_this_action.shortcut().toString() == "Shift+F1"
    # a click on a spin box lands on its text field, which explains it too
    text_field = window.training_panel.lr.findChild(QLineEdit)
    assert text_field.whatsThis() == window.training_panel.lr.whatsThis() != ""


def test_the_glossary_is_searched_as_one_types_and_follows_its_links(window, qtbot):
    window.menus.glossary_action.trigger()
    from nnstudio.ui.glossary_dialog import GlossaryDialog

    dialog = window.findChild(GlossaryDialog)
    qtbot.waitUntil(dialog.isVisible)
    qtbot.keyClicks(dialog.search, "adam")
    assert dialog.entries.item(0).text() == "Adam"
    assert "running averages" in dialog.text.toPlainText()
    dialog.text.anchorClicked.emit(QUrl("#momentum"))
    assert dialog.entries.currentItem().text() == "Momentum" and dialog.search.text() == ""
    qtbot.keyClicks(dialog.search, "zebra crossing")
    assert dialog.entries.count() == 0 and "Nothing in the glossary" in dialog.text.toPlainText()
    window.menus.glossary_action.trigger()  # again: the same window, not a second
    assert len(window.findChildren(GlossaryDialog)) == 1
    dialog.close()
