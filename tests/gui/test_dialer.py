"""The Dialer tab like a user: type, paste, press Enter; one request per call, never retried."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.dialer import DialerTab
from tests.gui.conftest import Runner


def dialer(qtbot: QtBot, run: Runner, ctx: AppContext) -> DialerTab:
    tab = DialerTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    run.until(lambda: tab.caller_id.count() > 1)
    run.until(lambda: not ctx.tasks.busy)
    return tab


def test_typing_formats_and_enter_dials_once(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, ctx)
    qtbot.keyClicks(tab.number, "5145550199")
    assert tab.number.text() == "(514) 555-0199"
    assert tab.call_button.isEnabled()
    qtbot.keyClick(tab.number, Qt.Key.Key_Return)
    assert not tab.call_button.isEnabled()  # no second request while the first is in flight
    qtbot.keyClick(tab.number, Qt.Key.Key_Return)
    run.until(lambda: not ctx.tasks.busy)
    (request,) = sandbox.request_log.of_type("call_dispatch")
    assert request.params["destination"] == "5145550199"
    assert request.params["callerid_number"] == "4385550102"
    assert "placed" in tab.banner.text
    assert tab.recent.item(0).text() == "(514) 555-0199"


def test_pasted_messy_input_and_invalid_numbers(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, ctx)
    tab.set_number("+33 1 23 45 67 89")
    assert "+33123456789" in tab.verdict.text() and tab.call_button.isEnabled()
    tab.set_number("514.555.1234 ext 5")
    assert "extension 5" in tab.verdict.text()
    tab.set_number("12")
    assert not tab.call_button.isEnabled()
    assert "too short" in tab.verdict.text()
    tab.dial()
    run.pump()
    assert sandbox.request_log.of_type("call_dispatch") == []


def test_lost_answer_is_outcome_unknown_and_not_retried(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, ctx)
    sandbox.faults.add("call_dispatch", "reset", count=None, apply_effect=True)
    tab.set_number("(514) 555-0199", dial=True)
    run.until(lambda: not ctx.tasks.busy)
    assert len(sandbox.request_log.of_type("call_dispatch")) == 1
    assert "History" in tab.banner.text and "not retried" in tab.banner.text
    assert tab.call_button.isEnabled()


def test_history_call_back_fills_the_dialer(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.call_back("4165550199")
    dialer_tab = window.page("dialer")
    assert window.tabs.currentWidget() is dialer_tab
    assert isinstance(dialer_tab, DialerTab)
    assert dialer_tab.number.text() == "(416) 555-0199"
    run.until(lambda: not ctx.tasks.busy)
    window.close()
