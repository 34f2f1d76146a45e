"""The main window: every tab present, geometry and last tab remembered across restarts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from tests.gui.conftest import Runner


def _settled_window(qtbot: QtBot, ctx: AppContext, run: Runner) -> MainWindow:
    """A main window on screen whose start-up loads have finished."""
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    run.until(lambda: not ctx.tasks.busy)
    return window


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


def test_tabs_menu_and_dialer_in_french(
    french: None, qtbot: QtBot, ctx: AppContext, run: Runner
) -> None:
    window = _settled_window(qtbot, ctx, run)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Composeur", "Historique", "Messagerie vocale", "Enregistrements", "Numéros",
        "Urgence 911", "Paramètres",
    ]  # fmt: skip
    window.show_unread(3)
    assert window.tabs.tabText(2) == "Messagerie vocale (3)"
    assert "Aid&e" in [a.text() for a in window.menuBar().actions()]
    assert window.report_action.text() == "Signaler un &problème…"
    dialer = window.page("dialer")
    assert dialer.call_button.text() == "Appeler"  # type: ignore[attr-defined]
    assert dialer.number.accessibleName() == "Numéro à appeler"  # type: ignore[attr-defined]


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


def test_only_the_tab_on_screen_is_built_at_start_and_the_others_when_opened(
    qtbot: QtBot, ctx: AppContext, run: Runner
) -> None:
    window = _settled_window(qtbot, ctx, run)
    assert window.built("dialer") is window.tabs.currentWidget()
    assert all(window.built(key) is None for key in window.pages if key != "dialer")
    # An unread count can arrive before the Voicemail tab exists; it stays in the title.
    window.show_unread(3)
    index = 2
    assert window.tabs.tabText(index) == "Voicemail (3)"

    window.tabs.setCurrentIndex(index)  # what a click on the tab (or Ctrl+3) does
    page = window.built("voicemail")
    assert page is not None and window.tabs.currentWidget() is page
    assert window.tabs.indexOf(page) == index and window.tabs.count() == 7
    assert window.tabs.tabText(index).startswith("Voicemail")
    run.until(lambda: not ctx.tasks.busy)
    assert getattr(page, "loaded", False)  # it loaded its list when it was first shown

    # Looking a tab up builds it in place without switching to it.
    e911 = window.pages["e911"]
    assert window.tabs.indexOf(e911) == 5 and window.tabs.currentWidget() is page
    assert [window.tabs.tabText(i).split(" (")[0] for i in range(7)] == [
        "Dialer", "History", "Voicemail", "Recordings", "Numbers", "E911", "Settings",
    ]  # fmt: skip
    window.close()


def test_a_tab_built_late_still_gets_its_saved_state(
    qtbot: QtBot, ctx: AppContext, run: Runner
) -> None:
    window = _settled_window(qtbot, ctx, run)
    history = window.pages["history"]
    history.save_state(ctx.ui_state)  # what it had: the defaults
    calls: list[str] = []
    original = type(history).restore_state

    def spy(self: object, state: object) -> None:
        calls.append(type(self).__name__)
        original(self, state)  # type: ignore[arg-type]

    type(history).restore_state = spy  # type: ignore[method-assign]
    try:
        again = MainWindow(ctx)
        qtbot.addWidget(again)
        assert calls == []  # History is not on screen: not built, nothing restored yet
        again.show_tab("history")
        assert calls == ["HistoryTab"]
    finally:
        type(history).restore_state = original  # type: ignore[method-assign]
    window.close()


def test_opening_a_tab_for_the_first_time_puts_the_focus_in_it(
    qtbot: QtBot, ctx: AppContext, run: Runner
) -> None:
    window = _settled_window(qtbot, ctx, run)
    window.activateWindow()
    run.until(lambda: QApplication.activeWindow() is window)
    dialer = window.pages["dialer"]
    assert dialer.isAncestorOf(QApplication.focusWidget())

    # A click on the tab bar builds History before Qt switches to it.
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    history = window.built("history")
    assert history is not None and window.tabs.currentWidget() is history
    assert history.isAncestorOf(QApplication.focusWidget())

    # Any other switch (Ctrl+Tab) builds it after; the focus still goes in.
    window.tabs.setCurrentIndex(4)
    dids = window.built("dids")
    assert dids is not None and window.tabs.currentWidget() is dids
    assert dids.isAncestorOf(QApplication.focusWidget())
    run.until(lambda: not ctx.tasks.busy)
    window.close()


def test_a_tab_built_in_the_background_is_not_shown_behind_the_users_back(
    qtbot: QtBot, ctx: AppContext, run: Runner
) -> None:
    ctx.ui_state.set_str("window/last_tab", "voicemail")
    window = _settled_window(qtbot, ctx, run)
    history = window.pages["history"]  # as the periodic sync does
    assert window.tabs.currentWidget() is window.built("voicemail")
    window.tabs.setCurrentIndex(0)  # the Dialer, built now, replacing its placeholder
    assert window.tabs.currentWidget() is window.built("dialer")
    assert not history.isVisible()
    assert not history._shown_once  # its first load waits for the user
    run.until(lambda: not ctx.tasks.busy)
    window.close()
