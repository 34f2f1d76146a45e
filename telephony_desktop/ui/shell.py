"""What makes the window a desktop companion: the tray icon, the voicemail watcher and its
notifications, phone links handed over by a second launch.

Everything here is wiring between objects that already exist; ``attach`` is called once the
main window is built, and the returned ``Shell`` lives as long as the window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QApplication

from telephony_desktop.i18n import _
from telephony_desktop.services.voicemail_watch import (
    NewVoicemail,
    UnreadChanged,
    VoicemailSummary,
    VoicemailWatcher,
    WatchError,
    WatchEvent,
)
from telephony_desktop.store import settings
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tray import Tray

if TYPE_CHECKING:
    from telephony_desktop.ui.tabs.voicemail import VoicemailTab

log = logging.getLogger(__name__)
REPORT_AFTER_FAILURES = 3  # a passing hiccup is not worth a banner; a lasting one is


@dataclass
class Shell:
    window: MainWindow
    tray: Tray
    watcher: VoicemailWatcher | None = None
    # The watcher's own task (not in ``ctx.tasks``: it never ends, and "no task running" must
    # keep meaning "the window is idle"); cancelled by ``close``.
    _task: asyncio.Task[None] | None = None

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with contextlib.suppress(RuntimeError):  # gone with the window already
            self.tray.hide()

    # --- phone links (a second launch, --dial) ----------------------------------------------

    def take_link(self, text: str) -> None:
        """A link or number from a second launch: the window comes forward with it in the
        dialer; an empty text only brings the window forward."""
        if not text:
            self.window.bring_forward()
            return
        self.window.take_link(text, dial=self.window.ctx.config.dial_links_immediately)

    # --- voicemail watcher ---------------------------------------------------------------------

    def _on_event(self, event: WatchEvent) -> None:
        self.tray.handle_event(event)
        window = self.window
        if isinstance(event, NewVoicemail | VoicemailSummary):
            # Not built yet: it lists the message when it is first opened.
            page = cast("VoicemailTab | None", window.built("voicemail"))
            if page is not None and page.loaded:
                page.refresh()  # the new message in the list and the tab title
        elif isinstance(event, UnreadChanged):
            window.show_unread(event.count)
        elif isinstance(event, WatchError) and event.failures == REPORT_AFTER_FAILURES:
            window.banner.warning(
                _("New voicemail cannot be checked right now; it will be tried again.")
                + " "
                + describe(event.error)
            )

    def config_changed(self, config: settings.Config) -> None:
        if self.watcher is not None:
            self.watcher.interval_s = config.poll_interval_s
        self.tray.set_paused(not config.notifications)

    def quit(self) -> None:
        self.tray.hide()
        self.window.quit_app()


def attach(window: MainWindow) -> Shell:
    """Tray, watcher and their signals, for ``window``'s context."""
    ctx = window.ctx
    tray = Tray(ctx.region, paused=not ctx.config.notifications, parent=window)
    shell = Shell(window, tray)
    window.tray_available = tray.available
    if tray.available:  # closing only hides: the loop must not stop with the last window
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)
    tray.show_requested.connect(window.bring_forward)
    tray.open_voicemail.connect(window.open_voicemail)
    # Clipboard text is untrusted: it waits in the dialer for the user's Enter.
    tray.dial_requested.connect(lambda number: window.take_link(number, dial=False))
    tray.dial_refused.connect(lambda why: window.banner.warning(why))
    tray.quit_requested.connect(shell.quit)
    window.unread_voicemail_changed.connect(tray.set_unread)
    window.config_changed.connect(shell.config_changed)
    if ctx.session is not None:
        watcher = VoicemailWatcher(
            ctx.session, interval_s=ctx.config.poll_interval_s, on_event=shell._on_event
        )
        shell.watcher = watcher
        shell._task = asyncio.get_event_loop().create_task(
            watcher.run(initial_delay_s=2.0), name="voicemail-watch"
        )
    return shell
