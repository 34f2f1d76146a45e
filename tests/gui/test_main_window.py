"""The main window: every tab present, geometry and last tab remembered across restarts."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from tests.gui.conftest import Runner


def test_tabs_and_persistence(qtbot: QtBot, ctx: AppContext, run: Runner) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Dialer", "History", "Voicemail", "Recordings", "Numbers", "E911", "Settings",
    ]  # fmt: skip
    window.resize(790, 580)
    window.show_tab("voicemail")
    run.pump()
    window.close()

    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.tabs.currentWidget() is again.page("voicemail")
    assert (again.width(), again.height()) == (790, 580)
    again.close()


def test_unread_voicemail_count_in_the_tab_title(
    qtbot: QtBot, ctx: AppContext, run: Runner, sandbox: SandboxServer
) -> None:
    new = sum(1 for v in sandbox.state.voicemails.values() if v.status == "new")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.show_tab("voicemail")
    index = window.tabs.indexOf(window.page("voicemail"))
    run.until(lambda: window.tabs.tabText(index).startswith("Voicemail ("))
    run.until(lambda: not ctx.tasks.busy)
    assert window.tabs.tabText(index) == f"Voicemail ({new})"


def test_history_syncs_on_the_interval(
    qtbot: QtBot, ctx: AppContext, run: Runner, sandbox: SandboxServer
) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window._sync_timer.interval() == ctx.config.sync_interval_min * 60_000
    window._sync_timer.setInterval(50)  # as if the interval had elapsed
    run.until(lambda: len(sandbox.request_log.of_type("get_calls")) > 0)
    run.until(lambda: not ctx.tasks.busy)
