"""The main window: one tab per job, geometry and last tab remembered, errors shown in place.

Only the tab on screen is built at start; the others are built (and their modules imported) the
first time they are opened or asked for (``pages[key]``). That keeps the window's first paint
to the one tab the user sees.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QByteArray, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _, formats
from telephony_desktop.services.accounts import apply_preferences
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.report import ProblemReporter
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.widgets.banner import Banner

if TYPE_CHECKING:
    from telephony_desktop.store import settings
    from telephony_desktop.ui.tabs.dialer import DialerTab
    from telephony_desktop.ui.tabs.history import HistoryTab
    from telephony_desktop.ui.tabs.voicemail import VoicemailTab

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TabSpec:
    key: str
    title: str  # marked with N_(): translated where the tab text is set
    module: str  # imported when the tab is first built
    name: str


TABS: tuple[TabSpec, ...] = (
    TabSpec("dialer", N_("Dialer"), "telephony_desktop.ui.tabs.dialer", "DialerTab"),
    TabSpec("history", N_("History"), "telephony_desktop.ui.tabs.history", "HistoryTab"),
    TabSpec("voicemail", N_("Voicemail"), "telephony_desktop.ui.tabs.voicemail", "VoicemailTab"),
    TabSpec(
        "recordings", N_("Recordings"), "telephony_desktop.ui.tabs.recordings", "RecordingsTab"
    ),
    TabSpec("dids", N_("Numbers"), "telephony_desktop.ui.tabs.dids", "DidsTab"),
    # Translators: the tab of the numbers' emergency (911) addresses.
    TabSpec("e911", N_("E911"), "telephony_desktop.ui.tabs.e911", "E911Tab"),
    TabSpec("settings", N_("Settings"), "telephony_desktop.ui.tabs.settings", "SettingsTab"),
)


def tab_class(spec: TabSpec) -> type[Tab]:
    cls: type[Tab] = getattr(importlib.import_module(spec.module), spec.name)
    assert issubclass(cls, Tab) and cls.key == spec.key, spec
    return cls


def _focus_first_child(page: QWidget) -> None:
    """Give the focus to the first widget of ``page`` that takes it from the keyboard."""
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page:
        if (
            page.isAncestorOf(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return
        widget = widget.nextInFocusChain()


class _Pages(Mapping[str, Tab]):
    """Every tab by key; a tab not built yet is built when looked up."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def __getitem__(self, key: str) -> Tab:
        if key not in self._window._index:
            raise KeyError(key)
        return self._window._build(key)

    def __iter__(self) -> Iterator[str]:
        return (spec.key for spec in TABS)

    def __len__(self) -> int:
        return len(TABS)

    def __contains__(self, key: object) -> bool:
        return key in self._window._index


class MainWindow(QMainWindow):
    closed = Signal()  # the window is gone for good: the app quits
    config_changed = Signal(object)  # settings.Config, saved from the Settings tab
    unread_voicemail_changed = Signal(int)  # from the Voicemail tab, once it is built

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("main-window")
        account = ctx.session.account.name if ctx.session else ""
        if ctx.demo:
            title = _("Telephony Desktop (demo)")
        elif account:
            # Translators: the window title; {account} is the name of the open account.
            title = _("Telephony Desktop — {account}").format(account=account)
        else:
            title = "Telephony Desktop"  # the product's name
        self.setWindowTitle(title)
        self.setMinimumSize(760, 520)
        self.banner = Banner(self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self._index = {spec.key: i for i, spec in enumerate(TABS)}
        self._built: dict[str, Tab] = {}
        self.pages: Mapping[str, Tab] = _Pages(self)
        for spec in TABS:  # placeholders, until each tab is first needed
            self.tabs.addTab(QWidget(self.tabs), _(spec.title))
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        # With a tray icon and the preference on, closing only hides the window; Quit (tray
        # menu, Ctrl+Q) really closes it.
        self.tray_available = False
        self._quitting = False
        quit_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Quit), self)
        quit_key.activated.connect(self.quit_app)
        self._status = QLabel(self)
        self.statusBar().addPermanentWidget(self._status)
        self._status.setText(self._account_line())
        self.config_changed.connect(self._config_changed)
        # History syncs by itself every "sync interval" minutes (Settings), window open or not.
        self._sync_timer = QTimer(self)
        self._sync_timer.timeout.connect(self._periodic_sync)
        self._periodic_sync(start_only=True)
        for index, spec in enumerate(TABS):  # each builds its tab before switching to it
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda key=spec.key: self.show_tab(key))
        self._restore()
        # A click builds the tab before the switch (as a shortcut does), so Qt moves the focus
        # into the real page; the switch itself covers Ctrl+Tab and any other way.
        self.tabs.tabBar().tabBarClicked.connect(self._tab_opened)
        self.tabs.currentChanged.connect(self._tab_opened)
        self._tab_opened(self.tabs.currentIndex())
        self._secret_banner()
        self._help_menu()

    # --- tabs, built when first needed -------------------------------------------------------

    def built(self, key: str) -> Tab | None:
        """The tab if it has been built, else None (nothing is built by asking)."""
        return self._built.get(key)

    def _tab_opened(self, index: int) -> None:
        if 0 <= index < len(TABS):
            self._build(TABS[index].key)

    def _build(self, key: str) -> Tab:
        page = self._built.get(key)
        if page is not None:
            return page
        index = self._index[key]
        page = tab_class(TABS[index])(self.ctx, self.tabs)
        self._built[key] = page
        text = self.tabs.tabText(index)  # may carry the unread count
        placeholder = self.tabs.widget(index)
        on_screen = self.tabs.currentIndex() == index
        with QSignalBlocker(self.tabs):
            # The page goes in first and the placeholder out after, so that no other tab is
            # ever shown in between (a tab's first showing starts its loads).
            self.tabs.insertTab(index, page, text)
            if on_screen:
                self.tabs.setCurrentIndex(index)
            self.tabs.removeTab(index + 1)
        if placeholder is not None:
            # Kept, hidden (an empty widget): deleting it here left the History table's viewport
            # with a dead Python wrapper (tests/gui/test_history.py caught it).
            placeholder.hide()
        page.restore_state(self.ctx.ui_state)
        self._wire(key, page)
        if on_screen:  # switched to before it was built (Ctrl+Tab): the focus goes in, as Qt does
            focus = QApplication.focusWidget()
            if focus is None or focus in (self.tabs, self.tabs.tabBar()):
                _focus_first_child(page)
        return page

    def _wire(self, key: str, page: Any) -> None:
        """Connect a tab just built to the window (and through it to the others)."""
        if key == "history":
            page.call_back_requested.connect(self.call_back)
        elif key == "settings":
            page.config_changed.connect(self.config_changed.emit)
        elif key == "voicemail":
            page.unread_count_changed.connect(self._unread_voicemail)

    def _config_changed(self, config: settings.Config) -> None:
        apply_preferences(config)
        dialer = cast("DialerTab | None", self.built("dialer"))
        if dialer is not None:
            dialer.refresh_routes()

    def _periodic_sync(self, start_only: bool = False) -> None:
        self._sync_timer.start(self.ctx.config.sync_interval_min * 60_000)  # re-read each time
        if not start_only and self.ctx.session is not None:
            cast("HistoryTab", self.pages["history"]).sync_now()

    def show_unread(self, count: int) -> None:
        self._unread_voicemail(count)

    def _unread_voicemail(self, count: int) -> None:
        index = self._index["voicemail"]
        title = _(TABS[index].title)
        if count:
            # Translators: a tab's title with its count of unread messages: "Voicemail (3)".
            title = _("{tab} ({count})").format(tab=title, count=formats.number(count))
        self.tabs.setTabText(index, title)
        self.unread_voicemail_changed.emit(count)

    def call_back(self, number: str) -> None:
        """From a history row: the number goes into the dialer, which comes forward."""
        dialer = cast("DialerTab", self.show_tab("dialer"))
        dialer.set_number(display(number, self.ctx.region))

    def _account_line(self) -> str:
        s = self.ctx.session
        others = [a for a in self.ctx.config.accounts if s is None or a.name != s.account.name]
        extra = f" (+ {', '.join(a.name for a in others)})" if others else ""
        if s is None:
            if not others:
                return _("No account")
            return _("Accounts: {names}").format(names=", ".join(a.name for a in others))
        return f"{s.account.name} · {s.account.spec.label} {s.account.account_id}{extra}"

    # --- Help menu: report a problem, open the log folder -------------------------------------

    def _help_menu(self) -> None:
        self.reporter = ProblemReporter(self, self.ctx, self.banner)
        menu = self.menuBar().addMenu(_("&Help"))
        self.report_action = QAction(_("&Report a problem…"), self)
        self.report_action.setStatusTip(
            _("Save a report (versions, settings and recent log, no secrets) to send to support")
        )
        self.report_action.triggered.connect(self.reporter.start)
        self.log_folder_action = QAction(_("Open &log folder"), self)
        self.log_folder_action.triggered.connect(self.reporter.open_log_folder)
        menu.addAction(self.report_action)
        menu.addAction(self.log_folder_action)

    # --- keyring trouble ------------------------------------------------------------------------

    def _secret_banner(self) -> None:
        session = self.ctx.session
        problem = session.secret_problem if session is not None else None
        if problem is None:
            return
        self.banner.error(
            describe(problem)
            + " "
            + _(
                "Your cached history and voicemail stay available; nothing can be fetched or "
                "sent until the token can be read."
            ),
            action=_("Try again"),
        )
        self.banner.action_clicked.connect(self.retry_secret)

    def retry_secret(self) -> None:
        """Read the account's token again (after unlocking the keyring or storing it)."""
        session = self.ctx.session
        if session is None or session.secret_problem is None:
            return

        def done(_none: None) -> None:
            self.banner.success(_("The token was read: your account is connected again."))
            self.banner.action_clicked.disconnect(self.retry_secret)

        def failed(exc: TelephonyError) -> None:
            self.banner.error(
                describe(exc) + " " + _("Your cached history and voicemail stay available."),
                action=_("Try again"),
            )

        self.ctx.tasks.start(
            session.reopen_client(self.ctx.secrets),
            on_done=done,
            on_error=failed,
            name="retry-secret",
        )

    def bring_forward(self) -> None:
        """Show, restore and raise the window (a second launch, the tray, a phone link)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def take_link(self, text: str, *, dial: bool) -> None:
        """A phone link or ``--dial``: the number goes into the dialer, dialed only if asked."""
        self.bring_forward()
        dialer = cast("DialerTab", self.show_tab("dialer"))
        dialer.set_number(text, dial=dial)

    def open_voicemail(self, voicemail_id: str) -> None:
        """From a notification: the Voicemail tab on that message."""
        self.bring_forward()
        page = cast("VoicemailTab", self.show_tab("voicemail"))
        page.select_voicemail(voicemail_id)

    def quit_app(self) -> None:
        self._quitting = True
        self.close()

    def page(self, key: str) -> Tab:
        return self.pages[key]

    def show_tab(self, key: str) -> Tab:
        page = self.pages[key]
        self.tabs.setCurrentWidget(page)
        return page

    def show_unexpected(self, text: str) -> None:
        self.banner.error(text)

    # --- persistence -------------------------------------------------------------------------

    def _restore(self) -> None:
        state = self.ctx.ui_state
        geometry = state.get_bytes("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1180, 760)
        window_state = state.get_bytes("window/state")
        if window_state is not None:
            self.restoreState(window_state)
        last = state.get_str("window/last_tab", "dialer")
        if last in self._index:
            self.tabs.setCurrentIndex(self._index[last])

    def save(self) -> None:
        state = self.ctx.ui_state
        state.set_bytes("window/geometry", QByteArray(self.saveGeometry()))
        state.set_bytes("window/state", QByteArray(self.saveState()))
        state.set_str("window/last_tab", TABS[max(0, self.tabs.currentIndex())].key)
        for page in self._built.values():
            page.save_state(state)
        state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save()
        if self.tray_available and self.ctx.config.close_to_tray and not self._quitting:
            event.ignore()
            self.hide()
            return
        super().closeEvent(event)
        self.closed.emit()
