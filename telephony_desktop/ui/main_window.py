"""The main window: one tab per job, geometry and last tab remembered, errors shown in place."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.domain.numbers import display
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.report import ProblemReporter
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.tabs.dialer import DialerTab
from telephony_desktop.ui.tabs.dids import DidsTab
from telephony_desktop.ui.tabs.e911 import E911Tab
from telephony_desktop.ui.tabs.history import HistoryTab
from telephony_desktop.ui.tabs.recordings import RecordingsTab
from telephony_desktop.ui.tabs.settings import SettingsTab
from telephony_desktop.ui.tabs.voicemail import VoicemailTab
from telephony_desktop.ui.widgets.banner import Banner

log = logging.getLogger(__name__)

TAB_CLASSES: tuple[type[Tab], ...] = (
    DialerTab,
    HistoryTab,
    VoicemailTab,
    RecordingsTab,
    DidsTab,
    E911Tab,
    SettingsTab,
)


class MainWindow(QMainWindow):
    closed = Signal()  # the window is gone for good: the app quits

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("main-window")
        account = ctx.session.account.name if ctx.session else ""
        suffix = " (demo)" if ctx.demo else (f" — {account}" if account else "")
        self.setWindowTitle(f"Telephony Desktop{suffix}")
        self.setMinimumSize(760, 520)
        self.banner = Banner(self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.pages: dict[str, Tab] = {}
        for cls in TAB_CLASSES:
            page = cls(ctx, self.tabs)
            self.pages[cls.key] = page
            self.tabs.addTab(page, cls.title)
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
        self._connect_tabs()
        for index in range(self.tabs.count()):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda i=index: self.tabs.setCurrentIndex(i))
        self._restore()
        self._secret_banner()
        self._help_menu()

    def _connect_tabs(self) -> None:
        history = self.pages["history"]
        dialer = self.pages["dialer"]
        assert isinstance(history, HistoryTab) and isinstance(dialer, DialerTab)
        history.call_back_requested.connect(self.call_back)
        settings_tab = self.pages["settings"]
        assert isinstance(settings_tab, SettingsTab)
        settings_tab.config_changed.connect(lambda _config: dialer.refresh_routes())
        voicemail = self.pages["voicemail"]
        assert isinstance(voicemail, VoicemailTab)
        voicemail.unread_count_changed.connect(self._unread_voicemail)
        # History syncs by itself every "sync interval" minutes (Settings), window open or not.
        self._sync_timer = QTimer(self)
        self._sync_timer.timeout.connect(self._periodic_sync)
        self._periodic_sync(start_only=True)

    def _periodic_sync(self, start_only: bool = False) -> None:
        self._sync_timer.start(self.ctx.config.sync_interval_min * 60_000)  # re-read each time
        history = self.pages["history"]
        if not start_only and isinstance(history, HistoryTab) and self.ctx.session is not None:
            history.sync_now()

    def show_unread(self, count: int) -> None:
        self._unread_voicemail(count)

    def _unread_voicemail(self, count: int) -> None:
        page = self.pages["voicemail"]
        title = f"{page.title} ({count})" if count else page.title
        self.tabs.setTabText(self.tabs.indexOf(page), title)

    def call_back(self, number: str) -> None:
        """From a history row: the number goes into the dialer, which comes forward."""
        dialer = self.show_tab("dialer")
        assert isinstance(dialer, DialerTab)
        dialer.set_number(display(number, self.ctx.region))

    def _account_line(self) -> str:
        s = self.ctx.session
        others = [a for a in self.ctx.config.accounts if s is None or a.name != s.account.name]
        extra = f" (+ {', '.join(a.name for a in others)})" if others else ""
        if s is None:
            return f"Accounts: {', '.join(a.name for a in others)}" if others else "No account"
        return f"{s.account.name} · {s.account.spec.label} {s.account.account_id}{extra}"

    # --- Help menu: report a problem, open the log folder -------------------------------------

    def _help_menu(self) -> None:
        self.reporter = ProblemReporter(self, self.ctx, self.banner)
        menu = self.menuBar().addMenu("&Help")
        self.report_action = QAction("&Report a problem…", self)
        self.report_action.setStatusTip(
            "Save a report (versions, settings and recent log, no secrets) to send to support"
        )
        self.report_action.triggered.connect(self.reporter.start)
        self.log_folder_action = QAction("Open &log folder", self)
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
            f"{describe(problem, self.ctx.lang)} Your cached history and voicemail stay "
            "available; nothing can be fetched or sent until the token can be read.",
            action="Try again",
        )
        self.banner.action_clicked.connect(self.retry_secret)

    def retry_secret(self) -> None:
        """Read the account's token again (after unlocking the keyring or storing it)."""
        session = self.ctx.session
        if session is None or session.secret_problem is None:
            return

        def done(_none: None) -> None:
            self.banner.success("The token was read: your account is connected again.")
            self.banner.action_clicked.disconnect(self.retry_secret)

        def failed(exc: TelephonyError) -> None:
            self.banner.error(
                f"{describe(exc, self.ctx.lang)} Your cached history and voicemail stay available.",
                action="Try again",
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
        dialer = self.show_tab("dialer")
        assert isinstance(dialer, DialerTab)
        dialer.set_number(text, dial=dial)

    def open_voicemail(self, voicemail_id: str) -> None:
        """From a notification: the Voicemail tab on that message."""
        self.bring_forward()
        page = self.show_tab("voicemail")
        assert isinstance(page, VoicemailTab)
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
        if last in self.pages:
            self.tabs.setCurrentWidget(self.pages[last])
        for page in self.pages.values():
            page.restore_state(state)

    def save(self) -> None:
        state = self.ctx.ui_state
        state.set_bytes("window/geometry", QByteArray(self.saveGeometry()))
        state.set_bytes("window/state", QByteArray(self.saveState()))
        current = self.tabs.currentWidget()
        if isinstance(current, Tab):
            state.set_str("window/last_tab", current.key)
        for page in self.pages.values():
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
