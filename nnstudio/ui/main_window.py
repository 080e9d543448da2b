"""The main window: assembles the canvas, the panels, the menus and the project file
handling. Edits go through :class:`~nnstudio.ui.editor.Editor`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QMenu,
    QScrollArea,
)

from nnstudio.errors import NNStudioError
from nnstudio.model.lessons import shipped_lessons
from nnstudio.model.project import OWN, Project
from nnstudio.model.training import settings_of
from nnstudio.ui import window_state
from nnstudio.ui.autosave import Autosaver
from nnstudio.ui.boundary_plot import BoundaryPlot, draws
from nnstudio.ui.canvas.node_maps import NodeMaps
from nnstudio.ui.canvas.scene import NetworkScene
from nnstudio.ui.canvas.view import NetworkView
from nnstudio.ui.data_entry import DataEntryDialog
from nnstudio.ui.data_import import ask_for_data_file
from nnstudio.ui.data_table import DataTable
from nnstudio.ui.dataset_panel import DatasetPanel
from nnstudio.ui.drawing import PointDrawing
from nnstudio.ui.editor import Editor
from nnstudio.ui.evaluation import EvaluationPanel
from nnstudio.ui.exporting import Exporter
from nnstudio.ui.feature_maps import FeatureMapsView, shows_images
from nnstudio.ui.inspector import Inspector
from nnstudio.ui.lesson_guide import LessonGuide
from nnstudio.ui.lessons_panel import LessonsPanel
from nnstudio.ui.locate_data import ask_to_fix, fix_offer
from nnstudio.ui.menus import StudioMenus
from nnstudio.ui.palette import Palette
from nnstudio.ui.plots import LossPlot
from nnstudio.ui.project_files import ProjectFiles
from nnstudio.ui.runs_panel import RunsPanel
from nnstudio.ui.stepper import Stepper
from nnstudio.ui.throttle import Throttle
from nnstudio.ui.training_controller import TrainingController
from nnstudio.ui.training_panel import TrainingPanel
from nnstudio.ui.value_dialogs import ask_for_bias, ask_for_weight, ask_to_rename
from nnstudio.ui.weights_view import WeightsView

DOCK_TITLE_HEIGHT = 32  # pixels, about: a dock's title bar and margins
RUNS_REFRESH_S = 1.0  # the runs list's numbers, while a run trains


class MainWindow(QMainWindow):
    """The studio window for one project at a time."""

    def __init__(
        self,
        project: Project | None = None,
        path: Path | None = None,
        autosave_ms: int | None = None,
    ):
        super().__init__()
        screen = QGuiApplication.primaryScreen()
        room = screen.availableGeometry().size() if screen else None
        self.resize(
            min(1400, room.width()) if room else 1400, min(860, room.height()) if room else 860
        )
        self.path = path
        self.project = project or Project.example()
        self.editor = Editor(self.project, self)
        # the undo stack announces its clearing when destroyed: nobody must react then
        self.destroyed.connect(lambda *_, stack=self.editor.undo_stack: stack.blockSignals(True))
        self.scene = NetworkScene(self.project.document, self)
        self.view = NetworkView(self.scene)
        self.setCentralWidget(self.view)
        self.palette = Palette()
        self.inspector = Inspector(self.project.document)
        self.dataset_panel = DatasetPanel()
        self._homes: dict[QDockWidget, Qt.DockWidgetArea] = {}
        self._dock("Layers", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dataset_dock = self._dock(
            "Dataset", self.dataset_panel, Qt.DockWidgetArea.LeftDockWidgetArea, True
        )
        inspector_dock = self._dock(
            "Inspector", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea, True
        )
        self.training_panel = TrainingPanel()
        self.loss_plot = LossPlot()
        self.boundary_plot = BoundaryPlot()
        training_dock = self._dock(
            "Training", self.training_panel, Qt.DockWidgetArea.RightDockWidgetArea, True
        )
        self.loss_dock = self._dock("Loss", self.loss_plot, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.boundary_dock = self._dock(
            "Decision boundary", self.boundary_plot, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.evaluation = EvaluationPanel()
        evaluation_dock = self._dock(
            "Evaluation", self.evaluation, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.weights_view = WeightsView()
        self.weights_dock = self._dock(
            "Weights", self.weights_view, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.data_table = DataTable()
        data_dock = self._dock("Data", self.data_table, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.feature_maps = FeatureMapsView()
        self.maps_dock = self._dock(
            "Feature maps", self.feature_maps, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        self.stepper = Stepper(lambda: settings_of(self.project))
        self.stepper_dock = stepper_dock = self._dock(
            "Stepper", self.stepper, Qt.DockWidgetArea.BottomDockWidgetArea
        )
        # views behind a tab redraw when their tab comes to the front
        for dock, view in (
            (evaluation_dock, self.evaluation),
            (self.weights_dock, self.weights_view),
            (data_dock, self.data_table),
            (self.maps_dock, self.feature_maps),
            (stepper_dock, self.stepper),
        ):
            dock.visibilityChanged.connect(lambda shown, v=view: shown and v.redraw_now())
        self._tabbed = (
            self.boundary_dock,
            evaluation_dock,
            self.weights_dock,
            data_dock,
            stepper_dock,
            self.maps_dock,
        )
        self.runs_panel = RunsPanel(self.project.runs)
        self.runs_dock = self._dock("Runs", self.runs_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        # the inspector and the training panel run down the whole right side: both fit
        # on a 768-pixel screen
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self._right_docks = (inspector_dock, training_dock)
        self._unsaved_training = False
        self._trained_run = None
        self._runs_refresh = Throttle(
            RUNS_REFRESH_S, lambda: self.runs_panel.refresh(self._trained_run), self
        )
        self.training = TrainingController(
            self.project, self.training_panel, self.loss_plot, self.boundary_plot, self
        )
        self.exporter = Exporter(self)
        self.node_maps = NodeMaps(self.scene, lambda: self.boundary_plot.bounds, self)
        self.drawing = PointDrawing(self.boundary_plot, self.editor, self._show_message, self)
        self.files = ProjectFiles(self, QMenu("Open &Recent", self))
        self.lessons = LessonGuide(self)
        unread: list[str] = []  # a broken lesson file is left out, never fatal
        self.lessons_dock = self._dock(
            "Lessons",
            LessonsPanel(self.lessons, shipped_lessons(problems=unread), unread),
            Qt.DockWidgetArea.RightDockWidgetArea,
            True,
        )
        self.arrange_panels()
        self.menus = StudioMenus(self)
        self._connect()
        self._show_feature_maps_tab()
        self.training.preview()
        self.autosaver = Autosaver(
            self.project_to_save,
            self.is_modified,
            autosave_ms or 60_000,
            self,
        )
        self._show_dataset()
        self._update_title()
        self.statusBar().showMessage(
            "Drag a layer type from the palette onto the canvas; select a layer to edit it."
        )
        QTimer.singleShot(0, self.view.fit)

    # -- assembly ---------------------------------------------------------------------

    def _dock(self, title: str, widget, area, scrolls: bool = False) -> QDockWidget:
        """A dock holding ``widget``, at home in ``area``; a form that ``scrolls`` can be
        shorter than it is (on a small screen) and scrolls then."""
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        if scrolls:
            area_widget = QScrollArea()
            area_widget.setWidget(widget)
            area_widget.setWidgetResizable(True)
            area_widget.setFrameShape(QFrame.Shape.NoFrame)
            area_widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            scroll_bar = area_widget.verticalScrollBar().sizeHint().width()
            area_widget.setMinimumWidth(widget.minimumSizeHint().width() + scroll_bar)
            widget = area_widget
        dock.setWidget(widget)
        self._homes[dock] = area
        return dock

    def arrange_panels(self) -> None:
        """The default arrangement (View → Reset layout): the palette and the dataset on
        the left, the inspector (and the lessons, a tab) over the training settings on
        the right, and along the bottom the loss, the runs and the views of the moment
        as tabs. The window keeps its size (docks put back one by one, side by side for
        a moment, would widen it past a small screen)."""
        size = self.size()
        for dock in self._homes:
            dock.setFloating(False)
            self.removeDockWidget(dock)
        for dock, area in self._homes.items():
            self.addDockWidget(area, dock)
            dock.show()
        for before, after in zip(self._tabbed, self._tabbed[1:]):
            self.tabifyDockWidget(before, after)
        self.tabifyDockWidget(self._right_docks[0], self.lessons_dock)
        # the runs between the loss curves it compares and the views of the moment
        self.splitDockWidget(self.loss_dock, self.runs_dock, Qt.Orientation.Horizontal)
        width = self.width()
        self.resizeDocks(
            [self.loss_dock, self.runs_dock, self.boundary_dock],
            [width * 28 // 100, width * 34 // 100, width * 38 // 100],  # runs and tabs fit
            Qt.Orientation.Horizontal,
        )
        self.resizeDocks([self.loss_dock], [self.height() * 2 // 5], Qt.Orientation.Vertical)
        self.show_lesson(self.lessons.lesson is not None)
        self.boundary_dock.raise_()
        self._show_feature_maps_tab()
        self.resize(size)

    def show_lesson(self, shown: bool) -> None:
        """During a lesson its panel is in front, above the training panel and given
        the room its text needs; otherwise the inspector, as tall as its form."""
        front = self.lessons_dock if shown else self._right_docks[0]
        front.show()
        front.raise_()
        QTimer.singleShot(0, lambda: self._size_right_column(front, shown))  # once in front

    def _size_right_column(self, front: QDockWidget, lesson: bool) -> None:
        training_dock = self._right_docks[1]
        column = max(front.height() + training_dock.height(), self.height() // 2)
        if lesson:
            top = column * 11 // 20
        else:
            top = self.inspector.sizeHint().height() + DOCK_TITLE_HEIGHT
        self.resizeDocks([front, training_dock], [top, column - top], Qt.Orientation.Vertical)

    def _connect(self) -> None:
        editor, scene = self.editor, self.scene
        scene.sigUnitsDelta.connect(editor.change_units)
        scene.sigMoveRequested.connect(editor.move_layer)
        scene.sigRenameRequested.connect(lambda index: ask_to_rename(self, index))
        scene.sigWeightEditRequested.connect(lambda *at: ask_for_weight(self, *at))
        scene.sigBiasEditRequested.connect(lambda *at: ask_for_bias(self, *at))
        scene.sigHoverText.connect(self.inspector.show_hovered)
        scene.sigSelectedLayerChanged.connect(self.inspector.show_layer)
        # on the next turn: the layer's new option editors are shown (and counted) then
        scene.sigSelectedLayerChanged.connect(
            lambda *_: QTimer.singleShot(0, self, self._fit_inspector)
        )
        self.view.sigLayerDropped.connect(editor.add_layer)
        self.inspector.sigRenameRequested.connect(editor.rename)
        self.inspector.sigUnitsRequested.connect(editor.set_units)
        self.inspector.sigActivationRequested.connect(editor.set_activation)
        self.inspector.sigOptionRequested.connect(editor.set_option)
        self.dataset_panel.sigDatasetRequested.connect(self._on_dataset_requested)
        self.dataset_panel.sigEnterData.connect(self.enter_data)
        self.dataset_panel.sigOpenData.connect(self.open_data)
        self.dataset_panel.sigFixFile.connect(self.fix_data_file)
        self.training_panel.sigSettingsChanged.connect(editor.set_settings)
        editor.sigRefused.connect(self._on_refused)
        editor.sigRefused.connect(self.training.edit_made_nothing)
        editor.before_edit = self.training.pause_for_edit
        editor.sigWeightsEdited.connect(self.training.weights_edited)
        self.training.sigMessage.connect(self._show_message)
        self.training.session.recorded.connect(self._on_trained)
        runs = self.runs_panel
        runs.sigCompare.connect(self._compare_runs)
        for signal, action in (
            (runs.sigShowCheckpoint, self.training.show_checkpoint),
            (runs.sigBranch, self.training.branch),
            (runs.sigRetrain, self.training.retrain),
        ):
            signal.connect(action)
        # the run shown is drawn as itself, not as an overlay
        self.training.session.run_shown.connect(
            lambda *_: self._compare_runs(self.runs_panel.selected_runs())
        )
        self._subscribe_runs(self.project.runs, connect=True)
        self.training.sigFrame.connect(self.node_maps.show_frame)
        self.training.sigFrame.connect(
            lambda frame: scene.show_dropped(frame.snapshot.dropped if frame.snapshot else ())
        )
        self.training.sigFrame.connect(self.evaluation.show_frame)
        self.training.sigFrame.connect(self.weights_view.show_frame)
        self.training.sigFrame.connect(self.data_table.show_frame)
        self.training.sigFrame.connect(self.feature_maps.show_frame)
        self.training.sigFrame.connect(self.stepper.show_frame)
        self.stepper.sigLayer.connect(scene.select_layer)
        self.stepper.sigMarks.connect(scene.show_step)
        self.stepper_dock.visibilityChanged.connect(self.stepper.set_shown)
        self.boundary_plot.sigPicked.connect(self._pick_sample)
        self.data_table.sigPicked.connect(self._pick_sample)
        self.stepper.sample.valueChanged.connect(lambda n: self.boundary_plot.mark_sample(n - 1))
        editor.sigDatasetChanged.connect(lambda: self.boundary_plot.mark_sample(None))
        self.training.sigFrame.connect(self.loss_plot.show_frame)  # its test loss
        editor.sigDatasetChanged.connect(self._show_dataset)
        editor.sigDatasetChanged.connect(self.view.fit)
        editor.sigDatasetChanged.connect(self._front_view_for_data)
        editor.undo_stack.indexChanged.connect(self.training.follow_document)
        editor.undo_stack.indexChanged.connect(self.training.preview)
        editor.undo_stack.cleanChanged.connect(self._update_title)
        editor.undo_stack.indexChanged.connect(self._on_edited)

    # -- reactions --------------------------------------------------------------------

    def _show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _on_refused(self, message: str) -> None:
        """Say why; every editing widget shows what the project holds again."""
        self._show_message(message)
        self.inspector.refresh()
        self._show_dataset()

    def _on_edited(self, *_):
        self.inspector.refresh()
        self._show_dataset()
        self._show_feature_maps_tab()

    def _pick_sample(self, index: int, open_stepper: bool) -> None:
        """A training sample picked on the plane or in the data table: the stepper
        follows it (and comes to the front, if asked)."""
        self.stepper.sample.setValue(index + 1)
        if open_stepper:
            self.stepper_dock.raise_()
        else:
            self._show_message(f"The Stepper follows training sample {index + 1}.")

    def _show_feature_maps_tab(self) -> None:
        """The feature maps' tab, only for a network with image layers."""
        self.maps_dock.setVisible(shows_images(self.project.document))

    def _fit_inspector(self) -> None:
        """Grow the inspector to the selected layer's form (a convolution has options)."""
        inspector_dock, training_dock = self._right_docks
        needed = self.inspector.sizeHint().height() + 2 * DOCK_TITLE_HEIGHT  # (and margins)
        if inspector_dock.height() < needed:
            self.resizeDocks(
                [inspector_dock, training_dock],
                [needed, max(self.height() - needed, 0)],
                Qt.Orientation.Vertical,
            )

    def _on_dataset_requested(self, reference: dict) -> None:
        """Use the dataset asked for; the panel shows what the project uses after (the
        old dataset, if the change was refused)."""
        self.editor.set_dataset(reference)
        self._show_dataset()

    def _on_trained(self, run) -> None:
        """Training changed the project (weights, runs): it is modified until saved."""
        self._on_runs_changed()
        self._trained_run = run
        self._runs_refresh.request(now=run.status != "running")

    def _on_runs_changed(self, *_) -> None:
        if not self._unsaved_training:
            self._unsaved_training = True
            self._update_title()

    def _on_run_removed(self, run) -> None:
        """A deleted run that is training stops first; one that is shown goes."""
        self.training.forget_run(run)

    def _on_run_changed(self, run) -> None:
        """A run was renamed (or recorded into): the legend names the run shown."""
        if run is self.training.session.shown:
            self.loss_plot.name_live(run.name)

    def _subscribe_runs(self, runs, connect: bool) -> None:
        pairs = [(event, self._on_runs_changed) for event in runs.events()]
        pairs.append((runs.run_removed, self._on_run_removed))
        pairs.append((runs.run_changed, self._on_run_changed))
        for event, slot in pairs:
            event.connect(slot) if connect else event.disconnect(slot)

    def _compare_runs(self, selected: list) -> None:
        """Overlay the selected runs' curves (the run shown is drawn as itself)."""
        shown = self.training.session.shown
        self.loss_plot.set_overlays(
            [(run.name, run.curves()) for run in selected if run is not shown]
        )

    def project_to_save(self) -> Project:
        """The project with the live run's latest weights in its document (the canvas
        takes them only on its turn) and the canvas's zoom."""
        self.training.commit_weights()
        self.project.layout = {"zoom": self.view.zoom}
        return self.project

    def saved(self, path: Path) -> None:
        """The project was saved as ``path``: nothing is unsaved now."""
        self.path = path
        self.editor.undo_stack.setClean()
        self._unsaved_training = False
        self.autosaver.discard()
        self._update_title()
        self.statusBar().showMessage(f"Saved {path}", 4000)

    def is_modified(self) -> bool:
        """Unsaved edits or unsaved training."""
        return self._unsaved_training or not self.editor.undo_stack.isClean()

    def _show_dataset(self) -> None:
        self.dataset_panel.show_own(list(self.project.own_data))
        try:
            data = self.project.load_dataset()
        except NNStudioError as exc:
            self.scene.set_input_names(())
            self.dataset_panel.show_reference(self.project.dataset, f"⚠ {exc}")
            offer = fix_offer(self.project.dataset, exc)
            if offer is not None:
                self.dataset_panel.show_fix(*offer)
            return
        self.dataset_panel.show_reference(self.project.dataset, data.description, data.size_text)
        self.scene.set_input_names(data.feature_names)

    def _front_view_for_data(self) -> None:
        """2-D data (or a 1-D regression's curve): the decision boundary in front;
        other data: the weights (image tiles, histograms), since there is no plane to
        draw."""
        try:
            plotted = draws(self.project.load_dataset())
        except NNStudioError:
            return
        (self.boundary_dock if plotted else self.weights_dock).raise_()

    def _update_title(self, *_):
        name = self.path.stem if self.path else "Untitled"
        self.setWindowTitle(f"{name}[*] — nnstudio")
        self.setWindowModified(self.is_modified())

    def open_data(self) -> None:
        """Ask for a data file and how to read it, and train on it (one undoable edit,
        with the input scaling chosen with it)."""
        chosen = ask_for_data_file(self)
        if chosen is None:
            return
        if chosen.read is not None:  # read already: not again
            self.project.adopt(chosen.reference, chosen.read)
        self.editor.set_dataset(chosen.reference, chosen.settings)
        self._show_dataset()

    def fix_data_file(self) -> None:
        """The data file moved (ask where it is) or changed (use it as it is now)."""
        folder = self.path.parent if self.path else None
        fixed = ask_to_fix(self, self.project.dataset, folder)
        if fixed is not None:
            self.editor.set_dataset(fixed)
            self._show_dataset()

    def enter_data(self) -> DataEntryDialog:
        """Type or paste a table: the project's own dataset shown, to edit it, or a new
        one. The dataset is used when the dialog is accepted (an undoable edit)."""
        shown = self.project.dataset
        own = self.project.own_data.get(shown["name"]) if shown.get("source") == OWN else None
        dialog = DataEntryDialog(self, own)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.editor.set_own_data(dialog.dataset()))
        dialog.open()
        return dialog

    # -- projects ---------------------------------------------------------------------

    def set_project(self, project: Project, path: Path | None) -> None:
        """Show another project (the undo history starts afresh)."""
        self.lessons.project_shown(project)
        self._subscribe_runs(self.project.runs, connect=False)
        self.project, self.path = project, path
        self.editor.set_project(project)
        # the canvas first: the training views then draw into its new items
        self.scene.set_document(project.document)
        self.inspector.set_document(project.document)
        self.runs_panel.set_runs(project.runs)  # first: nothing of the old one is compared
        self.training.set_project(project)
        self._subscribe_runs(project.runs, connect=True)
        self._unsaved_training = False
        self._show_dataset()
        self._show_feature_maps_tab()
        self._update_title()
        self.view.fit()

    def restore_layout(self) -> bool:
        """Size, place and panels as the window was last closed (False: none kept)."""
        restored = window_state.restore(self)
        self._show_feature_maps_tab()  # that panel follows the network, not the last launch
        return restored

    def closeEvent(self, event):
        if self.files.maybe_save():
            window_state.save(self)
            self.editor.undo_stack.blockSignals(True)  # no view updates while closing
            self.training.shutdown()
            self.autosaver.stop()
            self.autosaver.discard()
            event.accept()
        else:
            event.ignore()
