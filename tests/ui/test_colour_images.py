"""Colour images end to end in the studio: an RGB data file opened, a small CNN trained
on it, its pictures in colour (the samples, the first convolution's filters, a dense
layer's units on the pixels) and the Predict page on its samples; grey data as before."""

import numpy as np
import pytest
from gestures import train_epochs
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog

from nnstudio.datasets import write_idx
from nnstudio.model.project import file_reference
from nnstudio.ui.colour_pictures import colour_filter_rgba, sample_rgba
from nnstudio.ui.feature_maps import colour_filters
from nnstudio.ui.throttle import on_screen

SIDE = 8
COLOURS = np.array([[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.2, 0.2, 0.9]])  # red, green, blue


def colour_images(n=90, seed=0):
    """``n`` small (SIDE, SIDE, 3) images in [0, 1]: a square of its class's colour on a
    noisy grey ground, and the classes 0, 1, 2 (red, green, blue)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    images = rng.uniform(0.3, 0.6, (n, SIDE, SIDE, 3))
    for k in range(n):
        top, left = rng.integers(0, SIDE - 4, 2)
        images[k, top : top + 4, left : left + 4] = COLOURS[y[k]] + rng.normal(0, 0.05, 3)
    return np.clip(images, 0, 1), y


def colour_npz(tmp_path):
    images, y = colour_images()
    path = tmp_path / "colours.npz"
    np.savez(path, X=images.reshape(len(images), -1), y=y, shape=np.array([SIDE, SIDE, 3]))
    return path, images


def _open(window, monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.open_data()
    data = window.project.load_dataset()
    assert data.image_input == (SIDE, SIDE, 3)
    return data


def _small_cnn(window):
    """A convolution and a pool before the dense layers: conv2d → maxpool2d → flatten."""
    for kind, index in (("flatten", 1), ("conv2d", 1), ("maxpool2d", 2)):
        assert window.editor.add_layer(kind, index)
    assert window.project.document.spec()["inputs"] == [SIDE, SIDE, 3]


def _rgb(image) -> np.ndarray:
    """A QImage's pixels (height, width, 3)."""
    return np.array(
        [
            [image.pixelColor(c, r).getRgb()[:3] for c in range(image.width())]
            for r in range(image.height())
        ]
    )


def _is_colour(pixels: np.ndarray) -> bool:
    """True if some pixels' red, green and blue differ (not a grey picture)."""
    return bool((np.ptp(pixels.reshape(-1, pixels.shape[-1])[:, :3], axis=1) > 8).any())


def _grid_pixels(grid) -> np.ndarray:
    image = grid.image
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    return rows[:, : image.width()].reshape(grid.count, *grid.pixels, 4)


# -- the pictures' numbers ---------------------------------------------------------------


def test_a_colour_sample_keeps_its_colours_and_a_grey_one_its_grey():
    image = np.zeros((2, 2, 3))
    image[0, 0] = [1, 0, 0]
    image[1, 1] = [0.5, 0.5, 1]
    rgba = sample_rgba(image)
    assert tuple(rgba[0, 0]) == (255, 0, 0, 255) and tuple(rgba[1, 1]) == (128, 128, 255, 255)
    grey = sample_rgba(np.array([[[0.0], [1.0]]]))
    assert tuple(grey[0, 0]) == (0, 0, 0, 255) and tuple(grey[0, 1]) == (255, 255, 255, 255)


def test_colour_filters_are_one_picture_per_filter_symmetric_about_grey():
    kernels = np.zeros((2, 2, 3, 2))
    kernels[0, 0, :, 0] = [0.5, 0, -0.5]  # filter 0: more red, less blue
    kernels[1, 1, :, 0] = [0.25, 0.25, 0.25]
    rgba = colour_filter_rgba(kernels)
    assert rgba.shape == (2, 2, 2, 4)
    assert tuple(rgba[0, 0, 0, :3]) == (255, 128, 0)
    assert tuple(rgba[0, 1, 1, :3]) == (191, 191, 191)
    assert tuple(rgba[0, 0, 1, :3]) == (128, 128, 128)  # 0 is grey
    assert (rgba[1, ..., :3] == 128).all()  # an all-zero filter: all grey


def test_only_the_first_convolution_on_colour_images_draws_in_colour():
    import nnstudio

    def layers(channels, first="conv2d"):
        head = {"type": first, **({"filters": 4} if first == "conv2d" else {})}
        spec = {
            "inputs": [6, 6, channels],
            "layers": [
                head,
                {"type": "conv2d", "filters": 3},
                {"type": "flatten"},
                {"type": "dense", "units": 2},
            ],
        }
        return nnstudio.Network.from_spec(spec).layers

    assert colour_filters(layers(3)) == 0
    assert colour_filters(layers(3, first="maxpool2d")) == 1  # a pool keeps the colours
    assert colour_filters(layers(1)) is None and colour_filters(layers(2)) is None


# -- in the studio ---------------------------------------------------------------------


def test_a_colour_npz_trains_a_cnn_and_every_picture_is_in_colour(
    window, qtbot, tmp_path, monkeypatch
):
    window.resize(1366, 768)
    window.arrange_panels()
    path, images = colour_npz(tmp_path)
    _open(window, monkeypatch, path)
    _small_cnn(window)
    window.findChild(QDockWidget, "Feature maps").raise_()
    maps = window.feature_maps
    qtbot.waitUntil(lambda: on_screen(maps))
    train_epochs(window, qtbot, 2)
    qtbot.waitUntil(lambda: maps.rows and maps.rows[0].filters.image is not None, timeout=5000)
    conv, pool = maps.rows
    assert conv.colour and not pool.colour and pool.filters is None
    assert "in colour" in conv.filters_title.text()
    # the first convolution's filters: one RGB picture each, what its kernels are
    qtbot.waitUntil(
        lambda: np.array_equal(
            _grid_pixels(conv.filters), colour_filter_rgba(maps.frame.net.layers[0].weight)
        ),
        timeout=5000,
    )
    assert _is_colour(_grid_pixels(conv.filters))
    # the maps stay grey, one per channel
    assert not _is_colour(_grid_pixels(conv.maps)) and conv.maps.count == 8
    # the sample, in its colours
    assert _is_colour(_rgb(maps.sample_picture.pixmap().toImage()))

    # the Predict page: a sample in colour, the network's answer; no drawing
    window.findChild(QDockWidget, "Evaluation").raise_()
    panel = window.evaluation
    qtbot.waitUntil(lambda: panel.pages.tabBar().isVisible(), timeout=10_000)
    bar = panel.pages.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    predictor = panel.predictor
    qtbot.waitUntil(lambda: on_screen(predictor) and predictor.outputs is not None, timeout=5000)
    assert not predictor.draw_mode.isEnabled() and predictor.note.isVisible()
    assert "Colour images: pick a sample" in predictor.note.text()
    part, frame = predictor.part, predictor.frame
    np.testing.assert_allclose(predictor.outputs, frame.net.predict(part.X[:1])[0], rtol=1e-6)
    raw = frame.scaler.inverse_transform(part.X[:1])[0].reshape(SIDE, SIDE, 3)
    shown = _rgb(predictor.picture.image)
    assert _is_colour(shown)
    np.testing.assert_allclose(shown, np.rint(raw * 255), atol=1)  # the data's own colours
    predictor.next.click()
    assert predictor.index == 1
    np.testing.assert_allclose(predictor.outputs, frame.net.predict(part.X[1:2])[0], rtol=1e-6)


def test_a_dense_network_on_colour_pixels_shows_its_units_in_colour(
    window, qtbot, tmp_path, monkeypatch
):
    window.resize(1366, 768)
    window.arrange_panels()
    path, _ = colour_npz(tmp_path)
    _open(window, monkeypatch, path)
    window.findChild(QDockWidget, "Weights").raise_()
    view = window.weights_view
    train_epochs(window, qtbot, 1)
    qtbot.waitUntil(lambda: not view.tiles.isHidden(), timeout=5000)
    first = window.project.document.weights()[0][0]
    assert first.shape[0] == SIDE * SIDE * 3
    assert view.tile_grid.pixels == (SIDE, SIDE)
    assert "in colour" in view.tile_caption.text()
    assert _is_colour(_grid_pixels(view.tile_grid))


def test_a_colour_idx_pair_opens_with_its_shape(window, qtbot, tmp_path):
    images, y = colour_images(60)
    write_idx(tmp_path / "images", np.rint(images * 255).astype(np.uint8))
    write_idx(tmp_path / "labels", y.astype(np.uint8))
    reference = file_reference(tmp_path / "images", labels=tmp_path / "labels")
    assert window.editor.set_dataset(reference)
    data = window.project.load_dataset()
    assert data.image_shape == (SIDE, SIDE, 3) and data.channels == 3
    _small_cnn(window)
    train_epochs(window, qtbot, 1)
    assert np.isfinite(window.training.latest.losses).all()


def test_grey_images_still_draw_and_colour_ones_turn_drawing_off(
    window, qtbot, tmp_path, monkeypatch
):
    window.resize(1366, 768)
    window.arrange_panels()
    assert window.editor.set_dataset({"name": "digits", "params": {}})
    window.findChild(QDockWidget, "Evaluation").raise_()
    train_epochs(window, qtbot, 1)
    predictor = window.evaluation.predictor
    qtbot.waitUntil(lambda: predictor.frame is not None, timeout=5000)
    assert predictor.draw_mode.isEnabled() and predictor.note.isHidden()
    predictor.draw_mode.click()
    assert predictor.drawing
    # colour data while drawing: the page goes back to the samples and says why
    path, _ = colour_npz(tmp_path)
    _open(window, monkeypatch, path)
    train_epochs(window, qtbot, 1)
    qtbot.waitUntil(lambda: predictor.frame.data.channels == 3, timeout=5000)
    assert not predictor.drawing and not predictor.draw_mode.isEnabled()
    assert "drawing is for grey images" in predictor.note.text()
    assert "a drawing is grey" in predictor.draw_mode.toolTip()
    assert predictor.outputs is not None  # the sample's answer


@pytest.mark.parametrize("channels", [1, 3])
def test_the_feature_maps_sample_is_grey_or_colour_as_the_data(channels):
    rgba = sample_rgba(np.random.default_rng(0).random((4, 4, channels)))
    spread = np.ptp(rgba[..., :3].reshape(-1, 3), axis=1)
    assert (spread > 0).any() == (channels == 3)
