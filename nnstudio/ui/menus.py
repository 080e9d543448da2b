"""The studio's commands as actions: the menu bar, the toolbar and their shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QWhatsThis

from nnstudio.ui import help as studio_help
from nnstudio.ui import theme
from nnstudio.ui.boundary_plot import NOTHING_DRAWN
from nnstudio.ui.icons import CommandIcons
from nnstudio.ui.shortcuts import SPACE, StudioKeysFirst, play_or_pause

BOUNDARY_TIP = "Save the decision boundary plot as PNG, SVG or CSV"


class StudioMenus:
    """Every action of a :class:`~nnstudio.ui.main_window.MainWindow`, placed in its
    menus and toolbar (each action is an attribute: ``menus.save_action``)."""

    def __init__(self, window):
        self.window = window
        self.icons = CommandIcons(window)
        self._create(window)
        self._create_training(window)
        self._fill_menus(window)
        self._fill_toolbar(window)
        self._give_icons(window)
        # keys that a focused widget would take for itself still reach the studio
        self.keys_first = StudioKeysFirst([self.export_action.shortcut()], window)
        QApplication.instance().installEventFilter(self.keys_first)  # gone with the window

    def _action(self, text, slot, shortcut=None, tip="") -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.setStatusTip(tip)
        action.setToolTip(tip or text.replace("&", ""))
        action.triggered.connect(slot)
        return action

    def _create(self, window) -> None:
        keys = QKeySequence.StandardKey
        stack = window.editor.undo_stack
        self.undo_action = stack.createUndoAction(window, "&Undo")
        self.undo_action.setShortcut(keys.Undo)
        self.redo_action = stack.createRedoAction(window, "&Redo")
        self.redo_action.setShortcut(keys.Redo)
        files = window.files
        self.new_action = self._action("&New", files.new_project, keys.New, "Start a new network")
        self.open_action = self._action("&Open…", files.open_dialog, keys.Open, "Open a project")
        self.save_action = self._action("&Save", files.save, keys.Save, "Save the project")
        self.save_as_action = self._action(
            "Save &As…", files.save_as, keys.SaveAs, "Save the project under a new name"
        )
        self.quit_action = self._action("&Quit", window.close, keys.Quit, "Quit nnstudio")
        exporter = window.exporter
        self.export_action = self._action(
            "&Export model…",
            exporter.export_model,
            QKeySequence("Ctrl+E"),
            "Export the trained network: ONNX, PyTorch, Keras, NumPy code, NPZ, JSON, CSV",
        )
        self.export_job_action = self._action(
            "Export PyTorch &training job…",
            exporter.export_training_job,
            tip="Write a folder that trains this network with PyTorch as the studio trains "
            "it, on GPUs or several machines (torchrun); File → Import run… brings it back",
        )
        self.import_run_action = self._action(
            "Import &run…",
            exporter.import_run,
            tip="Add the run a PyTorch training job trained to the runs, with its weights",
        )
        self.import_action = self._action(
            "&Import weights…",
            exporter.import_weights,
            tip="Load weights saved as NPZ into this network",
        )
        self.export_diagram_action = self._action(
            "Network &diagram…",
            exporter.export_diagram,
            tip="Save the network diagram as PNG or SVG, with its weight colour legend and "
            "without the edit buttons",
        )
        self.export_loss_action = self._action(
            "&Loss plot…",
            lambda: exporter.export_plot(window.loss_plot.plot.getPlotItem(), "loss plot"),
            tip="Save the loss curve as PNG or SVG (as the plot shows it, with its axes and "
            "legend) or its data as CSV",
        )
        self.export_boundary_action = self._action(
            "Decision &boundary…", self._export_boundary, tip=BOUNDARY_TIP
        )
        self.delete_action = self._action(
            "&Delete layer",
            lambda: window.editor.remove_layer(window.scene.selected_layer()),
            keys.Delete,
            "Delete the selected hidden layer",
        )
        self.zoom_in_action = self._action("Zoom &in", window.view.zoom_in, keys.ZoomIn)
        self.zoom_out_action = self._action("Zoom &out", window.view.zoom_out, keys.ZoomOut)
        self.fit_action = self._action("&Fit to view", window.view.fit, QKeySequence("Ctrl+0"))
        self.changes_action = self._action(
            "Show weight &changes",
            window.scene.show_changes,
            QKeySequence("Ctrl+D"),
            "Colour connections and nodes by how much each weight and bias has changed "
            "since this was turned on, instead of by value",
        )
        self.changes_action.setCheckable(True)
        self.reset_layout_action = self._action(
            "Reset &layout",
            window.arrange_panels,
            tip="Put every panel back where it was on the first launch",
        )
        self.open_data_action = self._action(
            "&Open a data file…",
            window.open_data,
            QKeySequence("Ctrl+Shift+O"),
            "Train on a CSV/TSV table or an NPZ file of your own",
        )
        self.enter_data_action = self._action(
            "&Enter or paste a table…",
            window.enter_data,
            QKeySequence("Ctrl+Shift+T"),
            "Type a small dataset or paste rows from a spreadsheet",
        )

    def _export_boundary(self) -> None:
        """Export the decision boundary, or say why there is none to export."""
        plot, exporter = self.window.boundary_plot, self.window.exporter
        if plot.is_empty:
            exporter.refuse("the decision boundary", NOTHING_DRAWN)
        else:
            exporter.export_plot(plot.getPlotItem(), "decision boundary")

    def _explain_boundary_export(self) -> None:
        """Before the menu opens: the boundary's entry says when there is nothing to draw."""
        tip = NOTHING_DRAWN if self.window.boundary_plot.is_empty else BOUNDARY_TIP
        self.export_boundary_action.setStatusTip(tip)
        self.export_boundary_action.setToolTip(tip)

    def _create_training(self, window) -> None:
        panel = window.training_panel
        self.play_action = self._action(
            "&Play / Pause", lambda: play_or_pause(panel), SPACE, "Train until paused; pause"
        )
        self.step_action = self._action(
            "&Step", panel.step.click, QKeySequence("Ctrl+Right"), "Train one mini-batch"
        )
        self.step_epoch_action = self._action(
            "Step &epoch",
            panel.step_epoch.click,
            QKeySequence("Ctrl+Shift+Right"),
            "Train one pass over the training data",
        )
        self.slower_action = self._action(
            "S&lower",
            lambda: panel.speed.setValue(panel.speed.value() - 1),
            QKeySequence("["),
            "Train fewer steps a second, to watch each one",
        )
        self.faster_action = self._action(
            "&Faster",
            lambda: panel.speed.setValue(panel.speed.value() + 1),
            QKeySequence("]"),
            "Train more steps a second, up to full speed",
        )
        self.reset_action = self._action(
            "&Reset weights",
            panel.reset.click,
            QKeySequence("Ctrl+R"),
            "Re-initialise the weights from the seed",
        )
        for button, action in (
            (panel.play, self.play_action),
            (panel.step, self.step_action),
            (panel.step_epoch, self.step_epoch_action),
            (panel.reset, self.reset_action),
        ):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{action.statusTip()} ({keys})")
        self.docs_action = self._action(
            "&Documentation", lambda: studio_help.open_documentation(window), QKeySequence("F1")
        )
        self.shortcuts_action = self._action(
            "&Keyboard shortcuts",
            lambda: studio_help.show_shortcuts(window, self.all_actions()),
            QKeySequence("Ctrl+/"),
        )
        self.lessons_action = self._action(
            "&Lessons",
            lambda: _show_dock(window.lessons_dock),
            tip="Lessons from the classic tutorials",
        )
        self.glossary_action = self._action(
            "&Glossary",
            lambda: studio_help.show_glossary(window),
            tip="The words of neural networks, each explained in a sentence or two",
        )
        self.whats_this_action = QWhatsThis.createAction(window)  # Shift+F1
        self.whats_this_action.setStatusTip("Click a control to hear what it does")
        self.about_action = self._action("&About nnstudio", lambda: studio_help.show_about(window))

    def all_actions(self) -> list[QAction]:
        """Every action, in menu order."""
        return [value for value in vars(self).values() if isinstance(value, QAction)]

    def _fill_menus(self, window) -> None:
        menu = window.menuBar().addMenu("&File")
        for action in (self.new_action, self.open_action):
            menu.addAction(action)
        menu.addMenu(window.files.recent_menu)
        menu.addAction(self.open_data_action)  # also in Data: where a newcomer looks first
        for action in (self.save_action, self.save_as_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.export_action)
        menu.addAction(self.export_job_action)
        pictures = menu.addMenu("Export &picture")
        pictures.setToolTipsVisible(True)
        pictures.aboutToShow.connect(self._explain_boundary_export)
        for action in (
            self.export_diagram_action,
            self.export_loss_action,
            self.export_boundary_action,
        ):
            pictures.addAction(action)
        menu.addAction(self.import_action)
        menu.addAction(self.import_run_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        edit = window.menuBar().addMenu("&Edit")
        for action in (self.undo_action, self.redo_action, self.delete_action):
            edit.addAction(action)
        data = window.menuBar().addMenu("&Data")
        data.addAction(self.open_data_action)
        data.addAction(self.enter_data_action)
        view = window.menuBar().addMenu("&View")
        for action in (
            self.zoom_in_action,
            self.zoom_out_action,
            self.fit_action,
            None,
            self.changes_action,
        ):
            view.addSeparator() if action is None else view.addAction(action)
        view.addSeparator()
        self.panels_menu = view.addMenu("&Panels")  # a closed panel comes back from here
        for dock in window.findChildren(QDockWidget):
            dock.toggleViewAction().setStatusTip(f"Show or hide the {dock.windowTitle()} panel")
            self.panels_menu.addAction(dock.toggleViewAction())
        view.addAction(self.reset_layout_action)
        self.theme_menu = view.addMenu("&Theme")
        self.theme_actions = self._theme_actions(self.theme_menu)
        training = window.menuBar().addMenu("&Training")
        for action in (
            self.play_action,
            self.step_action,
            self.step_epoch_action,
            None,
            self.slower_action,
            self.faster_action,
            None,
            self.reset_action,
        ):
            training.addSeparator() if action is None else training.addAction(action)
        assistance = window.menuBar().addMenu("&Help")
        for action in (
            self.docs_action,
            self.lessons_action,
            self.glossary_action,
            self.whats_this_action,
            self.shortcuts_action,
            None,
            self.about_action,
        ):
            assistance.addSeparator() if action is None else assistance.addAction(action)

    def _theme_actions(self, menu) -> dict[str, QAction]:
        """System / Light / Dark, one checked: the chosen theme."""
        group = QActionGroup(menu)
        actions = {}
        for mode, text, tip in (
            (theme.SYSTEM, "&System", "Light or dark as the system is set"),
            (theme.LIGHT, "&Light", "Dark text on light panels"),
            (theme.DARK, "&Dark", "Light text on dark panels"),
        ):
            action = self._action(text, lambda _=False, m=mode: theme.choose(m), tip=tip)
            action.setCheckable(True)
            action.setChecked(mode == theme.chosen())
            group.addAction(action)
            menu.addAction(action)
            actions[mode] = action
        return actions

    def _give_icons(self, window) -> None:
        panel = window.training_panel
        for target, name in (
            (self.new_action, "new"),
            (self.open_action, "open"),
            (self.save_action, "save"),
            (self.undo_action, "undo"),
            (self.redo_action, "redo"),
            (self.toolbar_undo, "undo"),
            (self.toolbar_redo, "redo"),
            (self.delete_action, "delete"),
            (self.zoom_in_action, "zoom in"),
            (self.zoom_out_action, "zoom out"),
            (self.fit_action, "fit"),
            (self.changes_action, "changes"),
            (self.export_action, "export"),
            (self.open_data_action, "open data"),
            (self.enter_data_action, "enter data"),
            (self.docs_action, "help"),
            (self.whats_this_action, "help"),
            (panel.play, "play"),
            (panel.pause, "pause"),
            (panel.step, "step"),
            (panel.step_epoch, "step epoch"),
            (panel.reset, "reset"),
        ):
            self.icons.give(target, name)

    def _fill_toolbar(self, window) -> None:
        """The commands used most; undo and redo as plain words (the menus say what
        they undo)."""
        stack = window.editor.undo_stack
        toolbar = window.addToolBar("Main")
        toolbar.setObjectName("Main")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        undo = self._action("Undo", stack.undo, tip="Undo the last edit")
        redo = self._action("Redo", stack.redo, tip="Redo the edit just undone")
        self.toolbar_undo, self.toolbar_redo = undo, redo
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        undo.setEnabled(False)
        redo.setEnabled(False)
        for action in (
            self.new_action,
            self.open_action,
            self.save_action,
            None,
            undo,
            redo,
            self.delete_action,
            None,
            self.zoom_in_action,
            self.zoom_out_action,
            self.fit_action,
            None,
            self.changes_action,
            None,
            self.whats_this_action,
        ):
            toolbar.addSeparator() if action is None else toolbar.addAction(action)


def _show_dock(dock) -> None:
    dock.show()
    dock.raise_()
