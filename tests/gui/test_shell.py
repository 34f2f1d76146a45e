"""The window as a desktop companion: phone links, the tray's actions, the voicemail watcher's
notifications, hiding to the tray and quitting."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.voicemail_watch import NewVoicemail, UnreadChanged
from telephony_desktop.ui import shell as desktop_shell
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.dialer import DialerTab
from telephony_desktop.ui.tabs.voicemail import VoicemailTab
from tests.gui.conftest import Runner
from tests.gui.test_player import MULTIMEDIA_NOISE

pytestmark = pytest.mark.qt_log_ignore(
    *MULTIMEDIA_NOISE, r"^This plugin does not support raise\(\)$"
)


@pytest.fixture
def shell(qtbot: QtBot, run: Runner, ctx: AppContext) -> Iterator[desktop_shell.Shell]:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    attached = desktop_shell.attach(window)
    window.show()
    run.until(lambda: not ctx.tasks.busy)
    try:
        yield attached
    finally:
        run(attached.close())
        if isValid(window):  # pytest-qt may have closed it already
            window.quit_app()
        run.until(lambda: not ctx.tasks.busy)


def dialer(s: desktop_shell.Shell) -> DialerTab:
    page = s.window.pages["dialer"]
    assert isinstance(page, DialerTab)
    return page


def test_a_link_waits_in_the_dialer_unless_asked_to_dial(
    shell: desktop_shell.Shell, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    shell.window.show_tab("history")
    shell.take_link("+1 514-555-0123")
    assert shell.window.tabs.currentWidget() is dialer(shell)
    assert dialer(shell).number.text() == "(514) 555-0123"
    run.until(lambda: not ctx.tasks.busy)
    assert sandbox.request_log.of_type("call_dispatch") == []
    ctx.config = dataclasses.replace(ctx.config, dial_links_immediately=True)
    shell.take_link("+1 514-555-0124")
    run.until(lambda: not ctx.tasks.busy)
    (request,) = sandbox.request_log.of_type("call_dispatch")
    assert request.params["destination"] == "5145550124"


def test_tray_actions_reach_the_window(
    shell: desktop_shell.Shell, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tray = shell.tray
    tray.dial_requested.emit("+15145550125")  # clipboard: put in, never dialed
    assert dialer(shell).number.text() == "(514) 555-0125"
    shell.window.hide()
    tray.show_requested.emit()
    assert shell.window.isVisible()
    voicemail_id = min(str(v) for v in sandbox.state.voicemails)
    tray.open_voicemail.emit(voicemail_id)
    page = shell.window.pages["voicemail"]
    assert isinstance(page, VoicemailTab)
    assert shell.window.tabs.currentWidget() is page
    run.until(lambda: page.current_voicemail() is not None)
    current = page.current_voicemail()
    assert current is not None and current.voicemail.voicemail_id == voicemail_id
    run.until(lambda: not ctx.tasks.busy)
    assert sandbox.request_log.of_type("call_dispatch") == []


def test_watcher_events_reach_the_tray_and_the_title(
    shell: desktop_shell.Shell, run: Runner
) -> None:
    shown: list[tuple[str, str]] = []
    shell.tray.notified.connect(lambda title, text: shown.append((title, text)))
    shell._on_event(UnreadChanged(4))
    assert shell.tray.unread == 4 and "4" in shell.tray.tooltip
    assert shell.window.tabs.tabText(
        shell.window.tabs.indexOf(shell.window.pages["voicemail"])
    ).endswith("(4)")
    event = NewVoicemail("48299", "Jean Côté", "(514) 555-0123", 42, None)
    shell._on_event(event)
    assert shown and "Jean Côté" in shown[-1][1]
    shell.config_changed(dataclasses.replace(shell.window.ctx.config, notifications=False))
    assert shell.tray.paused
    shell._on_event(NewVoicemail("48300", "", "(514) 555-0124", 5, None))
    assert len(shown) == 1  # paused: nothing shown


def test_closing_hides_to_the_tray_only_when_there_is_one(
    shell: desktop_shell.Shell, run: Runner, ctx: AppContext
) -> None:
    window = shell.window
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.tray_available = True  # as on a desktop with a tray
    window.close()
    assert not window.isVisible() and closed == []  # hidden, still running
    window.bring_forward()
    ctx.config = dataclasses.replace(ctx.config, close_to_tray=False)
    window.close()
    assert closed == [True]


def test_a_macos_link_open_event_reaches_the_dialer(qapp: object) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QFileOpenEvent

    from telephony_desktop.ui.app import _LinkOpenFilter

    got: list[str] = []
    opener = _LinkOpenFilter(got.append)
    assert opener.eventFilter(opener, QFileOpenEvent(QUrl("tel:+1-514-555-0123")))
    assert opener.eventFilter(opener, QFileOpenEvent(QUrl("sip:alice@example.com")))  # refused
    assert got == ["+15145550123"]
