"""File → Export picture, looked at: the diagram without its edit buttons and with the
weight legend, the loss curve inside its axes with its labels (issue 16)."""

import re
import xml.etree.ElementTree as ElementTree

import numpy as np
from gestures import drawn
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QFileDialog

from nnstudio.ui import images
from nnstudio.ui.canvas import colors
from nnstudio.ui.images import PNG_SCALE, clip_polyline
from nnstudio.ui.plots import RAW_COLOR, TRAIN_COLOR

SVG = "{http://www.w3.org/2000/svg}"


def _export(window, monkeypatch, action, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    action.trigger()
    return path


def _matrix(element) -> np.ndarray:
    found = re.search(r"matrix\(([^)]*)\)", element.get("transform", ""))
    if not found:
        return np.eye(3)
    a, b, c, d, e, f = (float(v) for v in re.split(r"[ ,]+", found[1].strip()))
    return np.array([[a, c, e], [b, d, f], [0, 0, 1]])


def _svg_elements(path):
    """Every element of an SVG with its transform to the picture and its stroke."""
    root = ElementTree.parse(path).getroot()
    out = []

    def walk(element, matrix, stroke):
        matrix = matrix @ _matrix(element)
        stroke = element.get("stroke", stroke)
        out.append((element, matrix, stroke))
        for child in element:
            if child.tag != SVG + "defs":
                walk(child, matrix, stroke)

    walk(root, np.eye(3), None)
    return root, out


def _texts(elements) -> list[tuple[str, np.ndarray]]:
    """Each text's content and where it is drawn (picture coordinates)."""
    found = []
    for element, matrix, _ in elements:
        if element.tag == SVG + "text" and (element.text or "").strip():
            at = matrix @ [float(element.get("x", 0)), float(element.get("y", 0)), 1]
            found.append((element.text.strip(), at[:2]))
    return found


def _points(element) -> np.ndarray:
    numbers = element.get("d") or element.get("points") or ""
    values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", numbers)]
    return np.array(values).reshape(-1, 2) if values else np.empty((0, 2))


def _hex(rgb) -> str:
    return "#" + "".join(f"{v:02x}" for v in rgb)


# -- the network diagram --------------------------------------------------------------


def _picture_rect(scene) -> QRectF:
    with scene.picture():
        return scene.network_rect().adjusted(
            -images.MARGIN, -images.MARGIN, images.MARGIN, images.MARGIN
        )


def _trained_with_overlays(window):
    """Weights of both signs, a selected layer and a hovered node's large map shown."""
    weights = [(w * 1.5 + 0.1, b + 0.2) for w, b in window.project.document.weights()]
    window.project.document.set_weights(weights)
    window.scene.select_layer(1)
    red = QImage(8, 8, QImage.Format.Format_ARGB32)
    red.fill(QColor(255, 0, 0))
    window.scene.show_node_zoom(1, 0, red, "hidden_1 node 0")
    assert window.scene.node_zoom.isVisible()
    return colors.scale_of(window.scene.displayed_weights())


def test_the_diagram_picture_has_no_edit_buttons_selection_or_zoom_but_the_legend(
    window, monkeypatch, tmp_path
):
    scene = window.scene
    _trained_with_overlays(window)
    selections = []
    scene.sigSelectedLayerChanged.connect(selections.append)
    image = QImage(
        str(_export(window, monkeypatch, window.menus.export_diagram_action, tmp_path / "net.png"))
    )
    origin = _picture_rect(scene).topLeft()

    def pixels(scene_rect: QRectF) -> np.ndarray:
        """The picture's RGB pixels over a scene rectangle."""
        r = QRectF((scene_rect.topLeft() - origin) * PNG_SCALE, scene_rect.size() * PNG_SCALE)
        return np.array(
            [
                image.pixelColor(x, y).getRgb()[:3]
                for y in range(int(r.top()), int(r.bottom()))
                for x in range(int(r.left()), int(r.right()))
            ],
            float,
        )

    background = np.array(scene.backgroundBrush().color().getRgb()[:3], float)
    hidden = [item for item in scene.layer_items if item.buttons]
    assert hidden
    for item in hidden:
        for rect in item.buttons.values():  # where the canvas draws ⊖ and ⊕
            where = pixels(item.mapRectToScene(rect))
            assert np.abs(where - background).max() < 8
    selected = scene.layer_items[1].sceneBoundingRect()  # its left edge: no blue frame
    edge = pixels(QRectF(selected.left(), selected.top() + 24, 3, 20))
    assert np.abs(edge - background).max() < 8
    everything = pixels(_picture_rect(scene))
    hue = np.array([QColor(*map(int, p)).hueF() for p in everything[::7]])
    saturation = np.array([QColor(*map(int, p)).saturationF() for p in everything[::7]])
    red = (saturation > 0.8) & ((hue < 0.03) | (hue > 0.97))
    assert not red.any()  # the hovered node's map is not in the picture

    # under the network: the legend's gradient, orange on the left, blue on the right
    network_bottom = max(item.sceneBoundingRect().bottom() for item in scene.layer_items)
    below = int((network_bottom - origin.y()) * PNG_SCALE) + 4
    assert image.height() > below + 30
    rows = []
    for y in range(below, image.height()):
        row = [image.pixelColor(x, y) for x in range(image.width())]
        orange = [x for x, c in enumerate(row) if c.saturationF() > 0.6 and 0.05 < c.hueF() < 0.12]
        blue = [x for x, c in enumerate(row) if c.saturationF() > 0.6 and 0.55 < c.hueF() < 0.62]
        if orange and blue:
            rows.append((y, orange, blue, row))
    assert len(rows) >= 10  # the bar is 10 logical pixels high
    y, orange, blue, row = rows[len(rows) // 2]
    assert max(orange) < min(blue)
    middle = row[(max(orange) + min(blue)) // 2]
    assert middle.saturationF() < 0.15  # near-white: a weight of zero
    left, right = colors.color_of(colors.BINS - 1), colors.color_of(2 * colors.BINS - 1)
    assert abs(row[min(orange)].hueF() - left.hueF()) < 0.02
    assert abs(row[max(blue)].hueF() - right.hueF()) < 0.02

    # the canvas is as it was, and the inspector was not told otherwise meanwhile
    assert all(item.buttons_shown for item in scene.layer_items)
    assert scene.selected_layer() == 1 and scene.node_zoom.isVisible()
    assert selections == []


def _legend_words(scale: float) -> tuple[str, str, str]:
    return f"{-scale:.2g}", "weight", f"+{scale:.2g}"


def test_the_diagram_svg_has_the_legend_labels_and_no_button_glyphs(window, monkeypatch, tmp_path):
    scale = _trained_with_overlays(window)
    path = _export(window, monkeypatch, window.menus.export_diagram_action, tmp_path / "n.svg")
    _, elements = _svg_elements(path)
    texts = [text for text, _ in _texts(elements)]
    for word in _legend_words(scale):
        assert word in texts
    assert "hidden_1" in texts and "hidden_2" in texts
    assert not {"+", "−", "-"} & set(texts)  # no ⊖/⊕ button glyphs
    assert "hidden_1 node 0" not in texts  # nor the large map's caption


def test_nnstudio_export_draws_the_legend_without_buttons(tmp_path):
    import subprocess
    import sys

    from nnstudio.io.project import save_project
    from nnstudio.model.project import Project

    project = Project.example()
    save_project(project, tmp_path / "p.nnsp")
    result = subprocess.run(
        [sys.executable, "-m", "nnstudio", "export", str(tmp_path / "p.nnsp"), "-f", "svg"]
        + ["-o", str(tmp_path / "d.svg")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    _, elements = _svg_elements(tmp_path / "d.svg")
    texts = [text for text, _ in _texts(elements)]
    for word in _legend_words(colors.scale_of(project.document.weights())):
        assert word in texts
    assert not {"+", "−"} & set(texts)


# -- the loss curve -------------------------------------------------------------------


def _trained_loss(window, qtbot):
    window.training_panel.play.click()
    qtbot.waitUntil(lambda: len(drawn(window.loss_plot.train)[0]) > 400, timeout=20000)
    window.training_panel.pause.click()
    qtbot.waitUntil(lambda: window.training.latest.status == "paused", timeout=5000)
    x, y = drawn(window.loss_plot.train)
    view = window.loss_plot.plot.getViewBox()
    # zoomed into the middle: the noisy raw curve runs on beyond the sides and out of
    # the top and the bottom many times
    shown = slice(len(x) // 4, len(x) // 2)
    lo, hi = np.quantile(y[shown], [0.25, 0.75])
    view.setRange(xRange=(x[shown.start], x[shown.stop]), yRange=(lo, hi), padding=0)
    return view.viewRange()


def _curve_points(elements, color) -> np.ndarray:
    """Every point of the lines drawn in ``color``, in picture coordinates."""
    out = [np.empty((0, 2))]
    for element, matrix, stroke in elements:
        if stroke == _hex(color) and element.tag in (SVG + "path", SVG + "polyline"):
            points = _points(element)
            out.append((matrix @ np.c_[points, np.ones(len(points))].T).T[:, :2])
    return np.concatenate(out)


def test_the_loss_svg_keeps_its_curves_inside_the_axes_with_its_labels(
    window, qtbot, monkeypatch, tmp_path
):
    (x0, x1), (y0, y1) = _trained_loss(window, qtbot)
    plot_item = window.loss_plot.plot.getPlotItem()
    assert not plot_item.getAxis("bottom").isVisible()  # the step axis is the accuracy's
    geometry, before = plot_item.geometry(), drawn(window.loss_plot.train_smooth.curve)
    path = _export(window, monkeypatch, window.menus.export_loss_action, tmp_path / "loss.svg")
    root, elements = _svg_elements(path)
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    smooth = [(m, e) for e, m, s in elements if s == _hex(TRAIN_COLOR) and e.tag == SVG + "path"]
    assert smooth
    # the axes: where the view's corners are drawn, by the curve's own transform
    corners = smooth[0][0] @ np.array([[x0, x1], [y0, y1], [1, 1]])
    left, right = sorted(corners[0])
    top, bottom = sorted(corners[1])
    assert 0 < left < right <= width and 0 <= top < bottom < height
    for color in (TRAIN_COLOR, RAW_COLOR):
        points = _curve_points(elements, color)
        points = points[np.isfinite(points).all(axis=1)]
        assert len(points) > 20
        assert points[:, 0].min() >= left - 0.5 and points[:, 0].max() <= right + 0.5
        assert points[:, 1].min() >= top - 0.5 and points[:, 1].max() <= bottom + 0.5
    raw = _curve_points(elements, RAW_COLOR)
    for edge in (top, bottom):  # cut where it leaves them
        assert (np.abs(raw[:, 1] - edge) < 0.05).sum() >= 2
    texts = dict(_texts(elements))
    assert texts["loss"][0] < left  # the axis labels, beside and under the axes
    assert texts["step"][1] > bottom
    legend = plot_item.legend.getLabel(window.loss_plot.train_smooth).text
    assert legend in texts
    ticks = {t: at for t, at in texts.items() if re.fullmatch(r"[\d.,]+( k)?", t)}
    assert len(ticks) >= 4, ticks
    print("TICKS", ticks, left, right, top, bottom)
    to_picture = smooth[0][0]  # data → picture, as the curve is drawn
    for text, (x, y) in ticks.items():  # beside the left axis or under the bottom one,
        value = float(text.replace(",", "").replace(" k", "")) * (1e3 if " k" in text else 1)
        at = to_picture @ [value, value, 1]  # where its value is on either axis
        beside = x < left and abs(y - 4 - at[1]) < 10  # (y: the text's baseline)
        under = bottom < y < bottom + 30 and abs(x + 3.5 * len(text) - at[0]) < 15
        assert beside or under, text  # at its value (not drawn at ¾ of the axis' scale)
    assert any(y > bottom for _, y in ticks.values())
    assert any(x < left for x, _ in ticks.values())
    for text, (x, y) in texts.items():  # nothing written outside the picture
        assert 0 <= x < width and 0 < y <= height, text
    # the live plot is as it was
    assert not plot_item.getAxis("bottom").isVisible() and plot_item.geometry() == geometry
    after = drawn(window.loss_plot.train_smooth.curve)
    np.testing.assert_array_equal(after[0], before[0])

    # rendered (Qt's own renderer), the curve's pixels are inside the axes too
    rendered = QImage(int(width), int(height), QImage.Format.Format_ARGB32)
    rendered.fill(QColor("white"))
    painter = QPainter(rendered)
    QSvgRenderer(str(path)).render(painter, QRectF(0, 0, width, height))
    painter.end()
    _assert_curve_inside(rendered, QRectF(QPointF(left, top), QPointF(right, bottom)), 1.0)

    # and the PNG's, at twice the size, in the same place
    png = _export(window, monkeypatch, window.menus.export_loss_action, tmp_path / "loss.png")
    image = QImage(str(png))
    assert (image.width(), image.height()) == (int(width * PNG_SCALE), int(height * PNG_SCALE))
    _assert_curve_inside(image, QRectF(QPointF(left, top), QPointF(right, bottom)), PNG_SCALE)


def _assert_curve_inside(image: QImage, axes: QRectF, scale: float) -> None:
    """The training curve's blue is drawn, and only inside ``axes`` (but for its pen)."""
    rgba = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    bgr = rgba[:, : image.width(), :3].astype(int)
    blue = np.abs(bgr - np.array(TRAIN_COLOR[::-1])).sum(axis=2) < 40
    ys, xs = np.nonzero(blue)
    assert len(xs) > 50
    # the legend's sample line is the training curve's colour too: outside the data
    legend_free = ys > axes.top() * scale + 0.3 * axes.height() * scale
    xs, ys = xs[legend_free], ys[legend_free]
    pen = 2 * scale
    assert xs.min() >= axes.left() * scale - pen and xs.max() <= axes.right() * scale + pen
    assert ys.max() <= axes.bottom() * scale + pen


def test_clip_polyline_cuts_segments_at_the_rectangle():
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.uniform(0.1, 1, 200))
    y = rng.normal(size=200)
    cx, cy = clip_polyline(x, y, (20, 60), (-0.5, 0.5))
    ok = np.isfinite(cx)
    assert ok.sum() > 20 and (~ok).sum() > 5  # runs, separated by gaps
    assert cx[ok].min() >= 20 - 1e-9 and cx[ok].max() <= 60 + 1e-9
    assert np.all(np.abs(cy[ok]) <= 0.5 + 1e-9)
    # every kept point lies on the original polyline
    on_line = np.interp(cx[ok], x, y)
    np.testing.assert_allclose(cy[ok], on_line, atol=1e-9)
    # a polyline inside stays itself
    inside_x, inside_y = clip_polyline(x[:10], np.zeros(10), (0, 100), (-1, 1))
    np.testing.assert_array_equal(inside_x, x[:10])
