"""The dataset panel: each dataset keeps its own parameters, and a refused request can
be undone by showing the project's dataset again."""

import pytest
from PySide6.QtCore import Qt

from nnstudio import datasets
from nnstudio.ui.dataset_panel import DatasetPanel

CIRCLE = {"name": "circle", "params": {"n_samples": 300, "noise": 0.3, "seed": 0}}


@pytest.fixture
def panel(qtbot):
    panel = DatasetPanel()
    qtbot.addWidget(panel)
    panel.show_reference(CIRCLE, "a disc and a ring", "300 samples")
    panel.show()
    return panel


def choose(qtbot, panel, name: str) -> dict:
    """Pick ``name`` in the combo as a user does; the reference the panel asks for."""
    with qtbot.waitSignal(panel.sigDatasetRequested, timeout=1000) as request:
        panel.choice.setCurrentIndex(panel.choice.findText(name))
        panel.choice.activated.emit(panel.choice.currentIndex())
    return request.args[0]


def type_into(qtbot, panel, box, text: str) -> dict:
    """Replace a spin box's value by typing, then Enter; the reference asked for."""
    with qtbot.waitSignal(panel.sigDatasetRequested, timeout=1000) as request:
        box.selectAll()
        qtbot.keyClicks(box, text)
        qtbot.keyClick(box, Qt.Key.Key_Return)
    return request.args[0]


def shows(panel, reference: dict) -> bool:
    params = reference["params"]
    return (
        panel.choice.currentText() == reference["name"]
        and panel.samples.value() == params["n_samples"]
        and panel.noise.value() == pytest.approx(params["noise"])
        and panel.samples.isVisibleTo(panel)
        and panel.noise.isVisibleTo(panel)
    )


def test_noise_survives_a_visit_to_a_dataset_without_noise(qtbot, panel):
    requested = choose(qtbot, panel, "digits")
    assert requested == {"name": "digits", "params": {}}
    panel.show_reference(requested, "handwritten digits", "1,797 samples")  # accepted
    assert not panel.samples.isVisibleTo(panel) and not panel.noise.isVisibleTo(panel)
    assert choose(qtbot, panel, "circle") == CIRCLE
    assert shows(panel, CIRCLE)


def test_each_dataset_keeps_its_own_parameters_and_starts_from_its_own_defaults(qtbot, panel):
    sine = choose(qtbot, panel, "sine")  # first visit: sine's defaults, not circle's noise
    assert sine["params"]["noise"] != CIRCLE["params"]["noise"]
    assert (datasets.load("sine", **sine["params"]).X == datasets.load("sine").X).all()
    assert panel.noise.value() == pytest.approx(sine["params"]["noise"])
    panel.show_reference(sine)
    noisier = type_into(qtbot, panel, panel.noise, "0.45")
    assert noisier["params"] == {**sine["params"], "noise": 0.45}
    panel.show_reference(noisier)
    assert choose(qtbot, panel, "circle") == CIRCLE
    panel.show_reference(CIRCLE)
    assert choose(qtbot, panel, "sine") == noisier


def test_a_refused_dataset_change_puts_every_widget_back(qtbot, panel):
    requested = choose(qtbot, panel, "digits")
    assert requested["name"] == "digits" and not panel.noise.isVisibleTo(panel)
    with qtbot.assertNotEmitted(panel.sigDatasetRequested):
        panel.show_reference(CIRCLE, "a disc and a ring", "300 samples")  # refused
    assert shows(panel, CIRCLE) and panel.size.text() == "300 samples"


def test_a_refused_parameter_change_is_forgotten(qtbot, panel):
    requested = type_into(qtbot, panel, panel.noise, "0.8")
    assert requested["params"] == {**CIRCLE["params"], "noise": 0.8}
    panel.show_reference(CIRCLE)  # refused
    assert shows(panel, CIRCLE)
    panel.show_reference(choose(qtbot, panel, "xor"))
    assert choose(qtbot, panel, "circle") == CIRCLE  # not the refused noise


def test_samples_and_noise_are_shown_each_for_the_sets_that_take_them(qtbot, monkeypatch):
    def grid(n_samples: int = 64, seed: int | None = 0) -> datasets.Dataset:
        """A square grid of points, without noise."""
        return datasets.load("xor", n_samples=n_samples, seed=seed)

    monkeypatch.setitem(datasets.BUILTIN, "grid", grid)
    panel = DatasetPanel()
    qtbot.addWidget(panel)
    panel.show_reference(CIRCLE)
    assert choose(qtbot, panel, "grid") == {"name": "grid", "params": {"n_samples": 64, "seed": 0}}
    assert panel.samples.isVisibleTo(panel) and not panel.noise.isVisibleTo(panel)
    assert panel.samples.value() == 64
    assert type_into(qtbot, panel, panel.samples, "100")["params"] == {"n_samples": 100, "seed": 0}
