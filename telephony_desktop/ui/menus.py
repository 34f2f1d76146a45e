"""The menu bar, as a desktop app has one: File (Quit), View (each tab, next and previous tab,
theme), Help (Keyboard shortcuts, Report a problem, About). Every shortcut lives on a menu action,
so the keys work from anywhere in the window (tables and text fields included) and the menu shows
them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QTabWidget

from telephony_desktop.i18n import _
from telephony_desktop.ui.about import AboutDialog, ShortcutsDialog

THEMES = ("system", "light", "dark")


@dataclass
class MenuHooks:
    """What the menus ask the window to do."""

    show_tab: Callable[[str], object]
    quit_app: Callable[[], None]
    report_problem: Callable[[], None]
    open_log_folder: Callable[[], None]
    set_theme: Callable[[str], None]
    current_theme: Callable[[], str]


class WindowMenus:
    def __init__(
        self,
        window: QMainWindow,
        tabs: QTabWidget,
        tab_titles: Sequence[tuple[str, str]],
        hooks: MenuHooks,
    ) -> None:
        self.window = window
        self.tabs = tabs
        self.hooks = hooks
        bar = window.menuBar()

        self.file_menu: QMenu = bar.addMenu(_("&File"))
        self.quit_action = self._action(_("&Quit"), hooks.quit_app, QKeySequence.StandardKey.Quit)
        self.file_menu.addAction(self.quit_action)

        self.view_menu: QMenu = bar.addMenu(_("&View"))
        self.tab_actions: list[QAction] = []
        for index, (key, title) in enumerate(tab_titles):
            action = self._action(
                title, functools.partial(hooks.show_tab, key), f"Ctrl+{index + 1}"
            )
            self.view_menu.addAction(action)
            self.tab_actions.append(action)
        self.view_menu.addSeparator()
        self.next_tab_action = self._action(_("&Next tab"), lambda: self._step(1))
        self.next_tab_action.setShortcuts([QKeySequence("Ctrl+Tab"), QKeySequence("Ctrl+PgDown")])
        self.previous_tab_action = self._action(_("&Previous tab"), lambda: self._step(-1))
        self.previous_tab_action.setShortcuts(
            [QKeySequence("Ctrl+Shift+Tab"), QKeySequence("Ctrl+PgUp")]
        )
        self.view_menu.addAction(self.next_tab_action)
        self.view_menu.addAction(self.previous_tab_action)
        self.view_menu.addSeparator()
        self.theme_menu: QMenu = self.view_menu.addMenu(_("&Theme"))
        self.theme_group = QActionGroup(window)
        self.theme_actions: dict[str, QAction] = {}
        labels = {"system": _("&Like the system"), "light": _("&Light"), "dark": _("&Dark")}
        for theme in THEMES:
            action = QAction(labels[theme], window)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, theme=theme: hooks.set_theme(theme))
            self.theme_group.addAction(action)
            self.theme_menu.addAction(action)
            self.theme_actions[theme] = action
        self.theme_menu.aboutToShow.connect(self.show_current_theme)
        self.show_current_theme()

        self.help_menu: QMenu = bar.addMenu(_("&Help"))
        self.shortcuts_action = self._action(
            _("&Keyboard shortcuts"), self.show_shortcuts, QKeySequence.StandardKey.HelpContents
        )
        self.report_action = self._action(_("&Report a problem…"), hooks.report_problem)
        self.report_action.setStatusTip(
            _("Save a report (versions, settings and recent log, no secrets) to send to support")
        )
        self.log_folder_action = self._action(_("Open the &log folder"), hooks.open_log_folder)
        self.about_action = self._action(_("&About Telephony Desktop"), self.show_about)
        for action in (self.shortcuts_action, self.report_action, self.log_folder_action):
            self.help_menu.addAction(action)
        self.help_menu.addSeparator()
        self.help_menu.addAction(self.about_action)
        self.dialog: AboutDialog | ShortcutsDialog | None = None

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)  # the keys work even while the menu bar is hidden
        return action

    def _step(self, delta: int) -> None:
        count = self.tabs.count()
        if count:
            index = (self.tabs.currentIndex() + delta) % count
            self.tab_actions[index].trigger()

    def show_current_theme(self) -> None:
        current = self.hooks.current_theme()
        action = self.theme_actions.get(current)
        if action is not None:
            action.setChecked(True)

    def show_about(self) -> None:
        self._show(AboutDialog(self.window))

    def show_shortcuts(self) -> None:
        self._show(ShortcutsDialog(self.window))

    def _closed(self, dialog: AboutDialog | ShortcutsDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _show(self, dialog: AboutDialog | ShortcutsDialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()  # window-modal, non-blocking: the loop keeps running
