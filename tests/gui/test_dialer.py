"""The Dialer tab like a user: type, paste, press Enter; one request per call, never retried."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.dialer import DialerTab
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner


def dialer(qtbot: QtBot, run: Runner, ctx: AppContext) -> DialerTab:
    tab = DialerTab(ctx)
    qtbot.addWidget(tab)
    tab.restore_state(ctx.ui_state)
    tab.show()
    run.until(lambda: tab.caller_id.count() > 2)  # the account's numbers are listed
    run.until(lambda: not ctx.tasks.busy)
    return tab


def paste(qtbot: QtBot, tab: DialerTab, text: str) -> None:
    tab.number.clear()
    QApplication.clipboard().setText(text)
    tab.number.setFocus()
    qtbot.keyClick(tab.number, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_typing_formats_and_enter_dials_once(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, ctx)
    assert tab.caller_id.currentData() == "+14385550102"  # the account's caller ID
    qtbot.keyClicks(tab.number, "5145550199")
    assert tab.number.text() == "(514) 555-0199"
    assert tab.number.cursorPosition() == len("(514) 555-0199")
    assert tab.call_button.isEnabled()
    qtbot.keyClick(tab.number, Qt.Key.Key_Return)
    assert not tab.call_button.isEnabled()  # no second request while the first is in flight
    assert tab.call_button.text() == "Calling…"
    assert "Calling (514) 555-0199" in tab.call_status.text
    qtbot.keyClick(tab.number, Qt.Key.Key_Return)
    run.until(lambda: not ctx.tasks.busy)
    (request,) = sandbox.request_log.of_type("call_dispatch")
    assert request.params["destination"] == "5145550199"
    assert request.params["callerid_number"] == "4385550102"
    assert tab.call_status.level is Level.SUCCESS
    assert tab.call_status.text.startswith("Call placed to (514) 555-0199 — call id ")
    assert tab.call_button.isEnabled() and tab.call_button.text() == "Call"
    assert tab.recent.item(0).text() == "(514) 555-0199"


def test_the_chosen_caller_id_is_sent(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, ctx)
    others = [
        tab.caller_id.itemData(i)
        for i in range(tab.caller_id.count())
        if tab.caller_id.itemData(i) not in ("", "+14385550102")
    ]
    tab.caller_id.setCurrentIndex(tab.caller_id.findData(others[0]))
    tab.set_number("514 555 0199", dial=True)
    run.until(lambda: not ctx.tasks.busy)
    (request,) = sandbox.request_log.of_type("call_dispatch")
    assert request.params["callerid_number"] == others[0][2:]


def test_editing_in_the_middle_keeps_the_caret(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    tab = dialer(qtbot, run, ctx)
    qtbot.keyClicks(tab.number, "514550199")  # a 5 missing after 514
    tab.number.setCursorPosition(tab.number.text().index("55") + 1)
    qtbot.keyClicks(tab.number, "5")
    assert tab.number.text() == "(514) 555-0199"
    assert tab.number.text()[: tab.number.cursorPosition()] == "(514) 55"
    tab.number.setCursorPosition(len("(514)"))  # just after the ")"
    qtbot.keyClick(tab.number, Qt.Key.Key_Backspace)  # takes the 4 with it
    assert tab.number.text() == "(515) 550-199"


def test_pasted_messy_input_and_invalid_numbers(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, ctx)
    paste(qtbot, tab, "+33 1 23 45 67 89")
    assert tab.number.text() == "+33 1 23 45 67 89"
    assert "+33123456789" in tab.verdict.text() and tab.call_button.isEnabled()
    paste(qtbot, tab, "514.555.1234 ext 5")
    assert tab.number.text() == "(514) 555-1234 ext. 5"
    assert "(+15145551234)" in tab.verdict.text() and "extension 5" in tab.verdict.text()
    paste(qtbot, tab, "  (514) 555-1234 ")
    assert tab.number.text() == "(514) 555-1234"
    tab.number.clear()
    qtbot.keyClicks(tab.number, "12")
    assert not tab.call_button.isEnabled()
    assert tab.verdict.text() == "That number is too short."
    qtbot.keyClick(tab.number, Qt.Key.Key_Return)
    tab.dial()
    run.pump()
    tab.number.clear()
    qtbot.keyClicks(tab.number, "911")  # said why, and what to do instead
    assert not tab.call_button.isEnabled()
    assert tab.verdict.text().startswith("911 is an emergency number. This app does not place")
    qtbot.keyClick(tab.number, Qt.Key.Key_Return)
    run.pump()
    assert sandbox.request_log.of_type("call_dispatch") == []


def test_keypad_for_mouse_users(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    tab = dialer(qtbot, run, ctx)
    for key in "4165550199":
        button = tab.findChild(type(tab.call_button), f"dialer-key-{key}")
        assert button is not None
        button.click()
    assert tab.number.text() == "(416) 555-0199"
    assert tab.call_button.isEnabled()


def test_lost_answer_is_outcome_unknown_and_not_retried(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, ctx)
    sandbox.faults.add("call_dispatch", "reset", count=None, apply_effect=True)
    tab.set_number("(514) 555-0199", dial=True)
    run.until(lambda: not ctx.tasks.busy)
    assert len(sandbox.request_log.of_type("call_dispatch")) == 1
    assert tab.call_status.level is Level.WARNING
    text = tab.call_status.text
    assert text.startswith("Outcome unknown")
    assert "not retried" in text and "History tab" in text and "before calling again" in text
    assert tab.call_button.isEnabled()


def test_a_refusal_shows_the_providers_sentence(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, ctx)
    sandbox.faults.add("call_dispatch", "error", code="destination_invalid", apply_effect=False)
    tab.set_number("(514) 555-0199", dial=True)
    run.until(lambda: not ctx.tasks.busy)
    assert tab.call_status.level is Level.ERROR
    assert (
        tab.call_status.text
        == "VoiceMeUp says the number to call is not valid. Correct it and try again."
    )
    assert tab.recent.item(0).data(Qt.ItemDataRole.UserRole) is None  # nothing was placed


def test_a_bad_ring_first_is_said_before_anything_is_sent(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, ctx)
    tab.ring_first.setText("peer:x")
    tab.set_number("(514) 555-0199", dial=True)
    run.pump()
    assert "6 to 16 letters or digits" in tab.call_status.text
    assert sandbox.request_log.of_type("call_dispatch") == []


def test_recent_numbers_are_kept_and_double_click_fills_the_field(
    qtbot: QtBot, run: Runner, ctx: AppContext
) -> None:
    tab = dialer(qtbot, run, ctx)
    for number in ("(514) 555-0199", "+33 1 23 45 67 89"):
        tab.set_number(number, dial=True)
        run.until(lambda: not ctx.tasks.busy)
    assert [tab.recent.item(i).text() for i in range(tab.recent.count())] == [
        "+33 1 23 45 67 89",
        "(514) 555-0199",
    ]
    tab.number.clear()
    item = tab.recent.item(1)
    where = tab.recent.visualItemRect(item).center()
    qtbot.mouseClick(tab.recent.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(where))
    qtbot.mouseDClick(tab.recent.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(where))
    assert tab.number.text() == "(514) 555-0199"
    assert tab.call_button.isEnabled()

    again = dialer(qtbot, run, ctx)  # a later start: the list is still there
    assert again.recent.count() == 2 and again.recent.item(0).text() == "+33 1 23 45 67 89"


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
