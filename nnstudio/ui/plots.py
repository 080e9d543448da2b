"""Live training curves (pyqtgraph): loss (smoothed over the faint raw curve, with the
test loss beside it and marks where the run changed) and accuracy, with other runs
overlaid."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from nnstudio.engine.snapshot import RUNNING
from nnstudio.model.series import smoothed, thinned
from nnstudio.ui.number_text import tick_texts, value_text
from nnstudio.ui.plot_style import MARK_COLOR, PLOT_MARGINS, legend_brush
from nnstudio.ui.run_text import change_marks
from nnstudio.ui.test_loss import TestLosses

# overlaid runs: a qualitative palette without the live run's blue and orange
RUN_COLORS = [
    (44, 160, 44),
    (148, 103, 189),
    (214, 39, 40),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
]
OVERLAY_CURVES = ("loss", "val_loss", "accuracy", "val_accuracy")
EMPTY = np.empty(0)
# the three read on white and on dark grey alike
TRAIN_COLOR, VALIDATION_COLOR, TEST_COLOR = (32, 110, 200), (232, 120, 20), (60, 160, 80)
RAW_COLOR = (165, 197, 235)  # the raw loss under its smoothed curve: a pale blue (opaque:
# thousands of overlapping segments of a translucent pen add up to a solid band)
SMOOTHING = 0.6  # TensorBoard's default
SMOOTHED_POINTS = 1000  # smoothing weighs points of a curve thinned to this many, as
# TensorBoard's 1,000 samples: a long run looks as smooth as a short one
LEFT_AXIS_WIDTH = 48  # pixels: room for "100%" and for "0.0001"
ACCURACY_MIN_HEIGHT = 120  # pixels: its axis label ("accuracy") unclipped


class NumberAxis(pg.AxisItem):
    """An axis whose ticks read as a person writes them ("0.25", "20 k", "3×10⁻⁸"; see
    :func:`~nnstudio.ui.number_text.tick_texts`); on a log axis, the numbers themselves
    ("0.01"). ``nonnegative``: a quantity that cannot be below zero (a loss, steps)."""

    def __init__(self, orientation: str, nonnegative: bool = False, **kwargs):
        super().__init__(orientation, **kwargs)
        self.nonnegative = nonnegative
        self.enableAutoSIPrefix(False)  # no "loss (x1e+27)"

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph's name)
        if self.logMode:
            return [value_text(10.0**v, digits=2) for v in values]
        return tick_texts([v * scale for v in values], spacing * scale, self.nonnegative)


class StickyRange:
    """A plot range that follows its data in jumps: it moves only when the data leaves
    it, or when the range fitted now would be under half as wide (re-ticking an axis
    every frame costs ~4 ms). Fitted ranges span at least ``min_span`` and 2% of the
    values' size (a single value gets a few readable ticks), plus ``padding`` of the
    span on each side."""

    def __init__(self, padding: float = 0.1, min_span: float = 0.0):
        self.padding, self.min_span = padding, min_span
        self.range: tuple[float, float] | None = None

    def fit(self, values: np.ndarray) -> tuple[float, float] | None:
        """The new range for ``values`` (non-finite ones ignored), or None to keep it."""
        values = values[np.isfinite(values)]
        if not values.size:
            return None
        lo, hi = float(values.min()), float(values.max())
        span = max(hi - lo, self.min_span, 0.02 * max(abs(lo), abs(hi)), 1e-12)
        if self.range is not None:
            a, b = self.range
            if a <= lo and hi <= b and span * (1 + 2 * self.padding) >= 0.5 * (b - a):
                return None
        middle, half = (lo + hi) / 2, span * (0.5 + self.padding)
        self.range = (middle - half, middle + half)
        return self.range

    def reset(self) -> None:
        self.range = None


class LossPlot(QWidget):
    """Training loss per step (smoothed over the faint raw curve), validation loss per
    epoch and test loss (computed from the frames, throttled), log scale on request,
    with a mark where the run's learning rate, network or data changed; below it the
    accuracy per epoch, training and validation, for classification. Other runs can be
    overlaid for comparison (:meth:`set_overlays`)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        axes = {side: NumberAxis(side, nonnegative=True) for side in ("left", "bottom")}
        self.plot = pg.PlotWidget(axisItems=axes)
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "loss")
        self.plot.addLegend(offset=(-10, 10), brush=legend_brush())
        # a noisy curve of thousands of points: antialiased, it takes ~10 ms to paint
        self.train = self.plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=1), antialias=False)
        self.train_smooth = self.plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=2), name="training")
        self.validation = self.plot.plot(
            pen=pg.mkPen(VALIDATION_COLOR, width=2),
            symbol="o",
            symbolSize=4,
            symbolPen=None,
            symbolBrush=VALIDATION_COLOR,
            name="validation",
        )
        self.test = self.plot.plot(pen=pg.mkPen(TEST_COLOR, width=2))
        self.test_losses = TestLosses(self)
        self.test_losses.sigChanged.connect(self._on_test_loss)
        self.smoothing = SMOOTHING
        self._marks: list[pg.InfiniteLine] = []
        self._marked: list[tuple[int, str]] = []
        for curve in (self.train, self.train_smooth, self.validation, self.test):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
        # both axes move in jumps: re-ticking the axes every frame costs ~4 ms
        view = self.plot.getViewBox()
        view.enableAutoRange(x=False, y=False)
        self._y_range = StickyRange()
        view.sigRangeChangedManually.connect(self._stop_following)
        self._x_range: tuple[float, float] | None = None  # None: fit the next redraw
        self._following = True
        self.accuracy = pg.PlotWidget(axisItems={"bottom": NumberAxis("bottom", True)})
        self.accuracy.setLabel("bottom", "step")
        self.accuracy.setLabel("left", "accuracy")
        self.accuracy.setXLink(self.plot)  # no legend of its own: the loss plot's tells
        # the colours of both (a second one would cover the little room it has)
        # accuracy in percent at three ticks: readable in the few pixels it may get
        self.accuracy.getAxis("left").setTicks([[(0.0, "0%"), (0.5, "50%"), (1.0, "100%")]])
        for plot in (self.plot, self.accuracy):  # the two step axes line up
            plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
            plot.getPlotItem().layout.setContentsMargins(*PLOT_MARGINS)  # the top tick
        self.train_accuracy = self.accuracy.plot(pen=pg.mkPen(TRAIN_COLOR, width=2))
        self.val_accuracy = self.accuracy.plot(pen=pg.mkPen(VALIDATION_COLOR, width=2))
        self.accuracy.setMinimumHeight(ACCURACY_MIN_HEIGHT)
        self.accuracy.hide()
        self._live_prefix = ""
        self.marker = pg.InfiniteLine(
            angle=90, pen=pg.mkPen((120, 120, 120), width=1, style=Qt.PenStyle.DashLine)
        )
        self.accuracy_marker = pg.InfiniteLine(angle=90, pen=self.marker.pen)
        for plot, marker in ((self.plot, self.marker), (self.accuracy, self.accuracy_marker)):
            marker.setZValue(20)
            marker.hide()
            plot.addItem(marker, ignoreBounds=True)
        self.log_scale = QCheckBox("log scale")
        self.log_scale.toggled.connect(self._set_log_scale)
        self.smoothing_slider = QSlider(Qt.Orientation.Horizontal)
        self.smoothing_slider.setRange(0, 99)
        self.smoothing_slider.setValue(round(100 * SMOOTHING))
        self.smoothing_slider.setToolTip(
            "Smoothing of the training loss: an exponential moving average (as "
            "TensorBoard's), drawn over the faint raw curve; 0: the raw curve only"
        )
        self.smoothing_label = QLabel()
        self.smoothing_slider.valueChanged.connect(self._set_smoothing)
        controls = QHBoxLayout()
        controls.addWidget(self.log_scale)
        controls.addStretch(1)
        controls.addWidget(QLabel("Smoothing"))
        controls.addWidget(self.smoothing_slider, 1)
        controls.addWidget(self.smoothing_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.accuracy, 2)
        layout.addLayout(controls)
        self.run = None  # the run whose curves are the live ones
        self._session = None  # the training session followed
        # per overlaid run, its curves keyed as in OVERLAY_CURVES; the axes fit these too
        self.overlay_curves: list[dict[str, pg.PlotDataItem]] = []
        self._overlay_raw: list[tuple[np.ndarray, np.ndarray]] = []  # their losses, raw
        self._overlay_start, self._overlay_end, self._overlay_losses = np.inf, 0.0, EMPTY
        self._set_smoothing(self.smoothing_slider.value())
        self.show_run(None)  # the axes a run starts with, before it starts

    def follow(self, session) -> None:
        """Show what ``session`` (a :class:`~nnstudio.model.session.TrainingSession`)
        shows: its live run while one trains, else the run and moment looked at."""
        if self._session is not None:
            self._session.run_shown.disconnect(self.show_run)
        self._session = session
        session.run_shown.connect(self.show_run)

    def show_run(self, run, checkpoint=None) -> None:
        """Draw ``run``'s history (a :class:`~nnstudio.model.runs.Run`, None: no run)
        as the live curves, named after it, with a line at ``checkpoint``'s step. A
        run that has its history already is shown whole; a new one is followed as it
        grows (:meth:`redraw` draws what it has recorded since)."""
        self.run = run
        self._marked = None  # drawn again for this run
        self.name_live(run.name if run is not None else None)
        self._x_range, self._following = None, True
        self._y_range.reset()
        self.plot.setYRange(0, 1, padding=0.05)  # room for the "1.0" and "0" labels
        self.accuracy.setYRange(0, 1, padding=0.08)  # room for the "100%" label
        self.mark_step(checkpoint.step if checkpoint is not None else None)
        if run is not None and len(run.steps):  # a whole run: the step axis ends with it
            start = self._x_start()
            end = max(start + 100.0, float(run.steps.data()[0][-1]), self._overlay_end)
            self._x_range = (start, end)
            self.plot.setXRange(start, end, padding=0.02)
        self.redraw()

    def mark_step(self, step: int | None) -> None:
        """A vertical line at ``step`` (the moment the views show) on both plots, or none."""
        for marker in (self.marker, self.accuracy_marker):
            marker.setVisible(step is not None)
            if step is not None:
                marker.setValue(step)

    def redraw(self) -> None:
        """Draw what the run shown has recorded (copies: its series change as it
        trains), and move the axes where it left them."""
        curves = self.run.curves() if self.run is not None else {}
        x, y = (a.copy() for a in curves.get("loss", (EMPTY, EMPTY)))
        self._draw_loss(x, y)
        test_y = self._draw_test()
        self._draw_marks()
        for item, key in (
            (self.validation, "val_loss"),
            (self.train_accuracy, "accuracy"),
            (self.val_accuracy, "val_accuracy"),
        ):
            item.setData(*(a.copy() for a in curves.get(key, (EMPTY, EMPTY))))
        if not self._following:
            return
        start = self._x_start()
        live = float(x[-1]) if len(x) else start
        last = max(live, self._overlay_end)
        low, high = self._x_range or (start, start)
        span = last - start
        growing = self._growing()
        room = 4 if growing else 1.1  # room to grow for a run that trains; else none
        if low != start or not 0 < span <= high - start <= room * max(span, 25.0 * room):
            grown = 2.0 * (live - start) if growing else live - start
            high = start + max(100.0, grown, self._overlay_end - start)
            self._x_range = (start, high)
            self.plot.setXRange(start, high, padding=0.02)
        validation = curves.get("val_loss", (EMPTY, EMPTY))[1]
        losses = np.r_[y, validation, test_y, self._overlay_losses]
        if self.log_scale.isChecked():
            losses = np.log10(losses[losses > 0])
        y_range = self._y_range.fit(losses)
        if y_range is not None:
            self.plot.setYRange(*y_range, padding=0)

    def _draw_loss(self, x: np.ndarray, y: np.ndarray) -> None:
        """The training loss: smoothed over the faint raw curve, or raw with no smoothing."""
        if self.smoothing > 0:
            self.train.setData(x, y)
            self.train_smooth.setData(*self._smoothed(x, y))
        else:
            self.train.setData(EMPTY, EMPTY)
            self.train_smooth.setData(x, y)

    def _smoothed(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = thinned(x, y, SMOOTHED_POINTS)
        return x, smoothed(y, self.smoothing)

    def _set_smoothing(self, value: int) -> None:
        self.smoothing = value / 100
        self.smoothing_label.setText(f"{self.smoothing:.2f}")
        width = 2 if self.smoothing > 0 else 1  # the raw curve alone: thin, as it is noisy
        self.train_smooth.setPen(pg.mkPen(TRAIN_COLOR, width=width))
        self.train.setPen(pg.mkPen(RAW_COLOR if self.smoothing > 0 else TRAIN_COLOR, width=1))
        for run, (x, y) in zip(self.overlay_curves, self._overlay_raw):
            run["loss"].setData(*self._overlay_loss(x, y))
        self.redraw()

    def _overlay_loss(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._smoothed(x, y) if self.smoothing > 0 and len(x) else (x, y)

    def _draw_marks(self) -> None:
        """Thin vertical lines, labelled, where the run shown changed (its learning
        rate, or the network or data it branched with); redrawn only when they change."""
        runs = self._session.project.runs if self._session is not None else None
        marks = change_marks(self.run, runs) if self.run is not None and runs else []
        if marks == self._marked:
            return
        for line in self._marks:
            self.plot.removeItem(line)
        pen = pg.mkPen(MARK_COLOR, width=1, style=Qt.PenStyle.DotLine)
        self._marks = []
        for step, text in marks:
            line = pg.InfiniteLine(
                step,
                angle=90,
                pen=pen,
                label=text,
                labelOpts={
                    "position": 0.6,  # under the legend, above a falling loss
                    "color": MARK_COLOR,
                    "fill": legend_brush(),
                    "anchors": [(0, 0.5), (0, 0.5)],
                },
            )
            line.setZValue(15)
            self.plot.addItem(line, ignoreBounds=True)
            self._marks.append(line)
        self._marked = marks

    def show_frame(self, frame) -> None:
        """Offer a training frame's network (a
        :class:`~nnstudio.ui.training_controller.Frame`) for its test loss
        (:class:`~nnstudio.ui.test_loss.TestLosses` decides when to compute it)."""
        snapshot, run = frame.snapshot, self.run
        if snapshot is None or run is None or frame.parts.test is None:
            return
        step = (run.parent[1] if run.parent else 0) + snapshot.step
        if step == run.step:  # the run shown, at its latest step
            last = snapshot.status != RUNNING
            self.test_losses.offer(
                run, step, frame.net, frame.parts.test, run.settings.get("loss"), last
            )

    def _on_test_loss(self, run) -> None:
        if run is self.run:
            self.redraw()

    def _draw_test(self) -> np.ndarray:
        """The test loss of the run shown (listed in the legend once it has some); its
        values."""
        tests = self.test_losses.of(self.run) if self.run is not None else None
        x, y = tests.data() if tests is not None else (EMPTY, EMPTY)
        self.test.setData(x.copy(), y.copy())
        self._list(self.test, "test", len(x) > 0)
        return y

    def _list(self, curve: pg.PlotDataItem, what: str, listed: bool) -> None:
        """Give ``curve`` a legend entry ("Run 3 · test") or take it away."""
        legend = self.plot.getPlotItem().legend
        shown = legend.getLabel(curve) is not None
        if listed and not shown:
            legend.addItem(curve, self._live_prefix + what)
        elif shown and not listed:
            legend.removeItem(curve)

    def _growing(self) -> bool:
        return self.run is not None and self.run.status in ("new", RUNNING)

    def _x_start(self) -> float:
        """Where the step axis starts: at the run shown (a branch of a long run starts
        late) or the earliest overlaid run, whichever is first."""
        start = float(self.run.start.step) if self.run is not None else 0.0
        return min(start, self._overlay_start)

    def set_overlays(
        self, overlays: list[tuple[str, dict[str, tuple[np.ndarray, np.ndarray]]]]
    ) -> None:
        """Other runs to compare with the live one, replacing those shown before.

        Each ``(label, curves)`` gets a colour of its own and one legend entry; curves
        are keyed "loss", "val_loss" (dashed), "accuracy" and "val_accuracy" (dashed, on
        the accuracy plot), each an ``(x, y)`` pair with x in steps. The axes fit them.
        """
        legend = self.plot.getPlotItem().legend
        while len(self.overlay_curves) > len(overlays):
            for key, item in self.overlay_curves.pop().items():
                self._plot_for(key).removeItem(item)  # and its legend entry
        while len(self.overlay_curves) < len(overlays):
            self.overlay_curves.append(self._new_overlay(len(self.overlay_curves)))
        starts, ends, losses = [np.inf], [0.0], []
        self._overlay_raw = []
        for run, (label, curves) in zip(self.overlay_curves, overlays):
            legend.removeItem(run["loss"])  # re-listed in order, under its new label
            legend.addItem(run["loss"], label)
            for key, item in run.items():
                x, y = (np.asarray(v, dtype=float) for v in curves.get(key, (EMPTY, EMPTY)))
                if key == "loss":  # smoothed as the live run's
                    self._overlay_raw.append((x, y))
                    item.setData(*self._overlay_loss(x, y))
                else:
                    item.setData(x, y)
                x = x[np.isfinite(x)]
                if x.size:
                    starts.append(float(x.min()))
                    ends.append(float(x.max()))
                if "loss" in key:
                    losses.append(_range_extremes(y))
        legend.setColumnCount(2 if len(overlays) > 1 else 1)  # entries side by side: no clipping
        self._overlay_start, self._overlay_end = min(starts), max(ends)
        self._overlay_losses = np.concatenate(losses) if losses else EMPTY
        self._x_range = None  # fit the axes to what is shown now
        self._y_range.reset()
        self.redraw()

    def _plot_for(self, key: str) -> pg.PlotWidget:
        return self.accuracy if "accuracy" in key else self.plot

    def _new_overlay(self, index: int) -> dict[str, pg.PlotDataItem]:
        """The curves of the ``index``-th overlaid run, created empty behind the live run."""
        color = RUN_COLORS[index % len(RUN_COLORS)]
        run = {}
        for key in OVERLAY_CURVES:
            style = Qt.PenStyle.DashLine if key.startswith("val_") else Qt.PenStyle.SolidLine
            item = pg.PlotDataItem(pen=pg.mkPen(color, width=1.5, style=style), antialias=False)
            self._plot_for(key).addItem(item)  # sets the plot's sampling: ours comes after
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
            item.setZValue(-1)
            run[key] = item
        return run

    def _set_log_scale(self, on: bool) -> None:
        self.plot.setLogMode(y=on)
        self._y_range.reset()
        self.redraw()

    def show_curves(self, accuracy: bool, validation: bool) -> None:
        """Which curves the run will have: accuracy for classification, validation
        with a validation split. Set before training so the layout does not change (and
        repaint the whole dock) in the middle of a run; a curve that will stay empty has
        no legend entry."""
        self.accuracy.setVisible(accuracy)
        # the step axis once, under the accuracy: the loss gets the height
        self.plot.getPlotItem().showAxis("bottom", not accuracy)
        self._list(self.validation, "validation", validation)

    def name_live(self, name: str | None) -> None:
        """Name the live curves after their run in the legend ("Run 3 · training"),
        so that they read apart from overlaid runs; None: "training", "validation"."""
        prefix = f"{name} · " if name else ""
        legend = self.plot.getPlotItem().legend
        for curve, what in (
            (self.train_smooth, "training"),
            (self.validation, "validation"),
            (self.test, "test"),
        ):
            label = legend.getLabel(curve)
            if label is not None:
                label.setText(prefix + what)
        self._live_prefix = prefix

    def _stop_following(self, *_):
        """The user zoomed or panned: leave the axes alone until another run is shown."""
        self._following = False


def _range_extremes(values: np.ndarray) -> np.ndarray:
    """The finite minimum and maximum of ``values`` and their smallest positive value:
    all that :meth:`StickyRange.fit` needs of them, on a linear or a log axis."""
    finite = values[np.isfinite(values)]
    positive = finite[finite > 0]
    return np.r_[
        finite.min(initial=np.inf), finite.max(initial=-np.inf), positive.min(initial=np.inf)
    ]
