"""The Dialer on every route, like a user: pick the route, type, press Enter; one placement per
call on that provider only, TrueCLID beside it, never a retry after a lost answer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from telephony_desktop.demo import DEMO_AGENT_NUMBER
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.tabs.dialer import DialerTab
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner
from tests.gui.test_player import MULTIMEDIA_NOISE

PLACEMENTS = {"demo": "call_dispatch", "bridge": "telecmi.make_call", "pbx": "simotel.originate"}


def dialer(qtbot: QtBot, run: Runner, ctx: AppContext) -> DialerTab:
    tab = DialerTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    run.until(lambda: tab.caller_id.count() > 2)  # the main account's numbers are listed
    run.until(lambda: not ctx.tasks.busy)
    return tab


def placements(sandbox: SandboxServer) -> dict[str, int]:
    return {name: len(sandbox.request_log.of_type(t)) for name, t in PLACEMENTS.items()}


def call_starts(sandbox: SandboxServer) -> int:
    return len(sandbox.truecnam.call_starts)


def dial(qtbot: QtBot, run: Runner, ctx: AppContext, tab: DialerTab, route: str) -> None:
    tab.set_route(route)
    tab.number.clear()
    qtbot.keyClicks(tab.number, "5145550199")
    qtbot.keyClick(tab.number, Qt.Key.Key_Return)
    run.until(lambda: not ctx.tasks.busy)


def test_routes_list_the_accounts_that_can_call(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext
) -> None:
    tab = dialer(qtbot, run, providers_ctx)
    labels = [tab.route.itemText(i) for i in range(tab.route.count())]
    assert labels == [
        "demo — VoiceMeUp call dispatch",
        "bridge — TeleCMI bridge",
        "pbx — Simotel PBX originate",
    ]
    visible = lambda key: tab._route_form.isRowVisible(tab.route_fields[key])  # noqa: E731
    assert visible("ring_first") and not visible("agent_number") and not visible("caller")
    tab.set_route("bridge")
    assert visible("agent_number") and not visible("ring_first")
    assert tab.route_fields["agent_number"].text() == DEMO_AGENT_NUMBER
    tab.set_route("pbx")
    assert visible("caller") and visible("context") and visible("trunk_name")
    assert tab.route_fields["caller"].text() == "557"


@pytest.mark.parametrize("route", ["demo", "bridge", "pbx"])
def test_one_dial_per_route_end_to_end(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext, sandbox: SandboxServer, route: str
) -> None:
    tab = dialer(qtbot, run, providers_ctx)
    dial(qtbot, run, providers_ctx, tab, route)
    assert tab.call_status.level is Level.SUCCESS, tab.call_status.text
    assert tab.call_status.text.startswith(f"Call placed to (514) 555-0199 through {route}")
    assert placements(sandbox) == {name: int(name == route) for name in PLACEMENTS}
    assert tab.status_button.isVisible() is (route == "bridge")
    if route == "bridge":
        tab.status_button.click()  # the bridge read back by its request id
        run.until(lambda: not providers_ctx.tasks.busy)
        assert tab.call_detail.text().startswith("Leg 1 to"), tab.call_detail.text()
        assert "answered" in tab.call_detail.text()
        (placed,) = sandbox.telecmi.placed
        assert str(placed["to"]) == DEMO_AGENT_NUMBER.lstrip("+")  # the user's phone first
        assert str(placed["pcmo"][0]["connect"][0]["number"]) == "15145550199"
    if route == "pbx":
        (originated,) = sandbox.simotel.originated
        assert originated.body["caller"] == "557"
        assert originated.body["callee"] == "15145550199"  # what a phone in CA dials
        assert originated.body["context"] == "main_routing"
    assert tab.recent.item(0).text() == "(514) 555-0199"


def test_trueclid_is_told_beside_the_call(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, providers_ctx)
    caller = tab.caller_id.currentData()
    assert caller  # the account's caller ID
    dial(qtbot, run, providers_ctx, tab, "demo")
    (start,) = sandbox.truecnam.call_starts
    assert start.calling_number == str(caller).lstrip("+")
    assert start.called_number == "15145550199"
    assert "TrueCNAM was told" in tab.caller_name_status.text()


def test_a_trueclid_failure_does_not_stop_the_call_and_is_reported(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext, sandbox: SandboxServer
) -> None:
    sandbox.truecnam.fail_with = ("7", "Account suspended")
    tab = dialer(qtbot, run, providers_ctx)
    dial(qtbot, run, providers_ctx, tab, "bridge")
    assert tab.call_status.level is Level.SUCCESS
    assert placements(sandbox)["bridge"] == 1
    assert call_starts(sandbox) == 0
    text = tab.caller_name_status.text()
    assert tab.caller_name_status.isVisible()
    assert "TrueCNAM was not told about this call" in text and "not affected" in text


def test_trueclid_unreachable_does_not_delay_or_stop_the_call(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext, sandbox: SandboxServer
) -> None:
    sandbox.faults.add("truecnam.call_start", "latency", delay=2.0)
    tab = dialer(qtbot, run, providers_ctx)
    tab.set_route("demo")
    qtbot.keyClicks(tab.number, "5145550199")
    qtbot.keyClick(tab.number, Qt.Key.Key_Return)
    run.until(lambda: tab.call_status.level is Level.SUCCESS, timeout=1.5)  # before TrueCNAM
    assert not tab.caller_name_status.isVisible()
    run.until(lambda: not providers_ctx.tasks.busy)
    assert "TrueCNAM was told" in tab.caller_name_status.text()


@pytest.mark.parametrize(
    ("route", "fault_type"), [("bridge", "telecmi.make_call"), ("pbx", "simotel.originate")]
)
def test_a_lost_answer_is_outcome_unknown_and_never_retried(
    qtbot: QtBot,
    run: Runner,
    providers_ctx: AppContext,
    sandbox: SandboxServer,
    route: str,
    fault_type: str,
) -> None:
    sandbox.faults.add(fault_type, "reset")
    tab = dialer(qtbot, run, providers_ctx)
    dial(qtbot, run, providers_ctx, tab, route)
    assert tab.call_status.level is Level.WARNING
    assert tab.call_status.text.startswith("Outcome unknown")
    label = "TeleCMI" if route == "bridge" else "Simotel"
    assert f"{label}'s call log will show it" in tab.call_status.text
    assert len(sandbox.request_log.of_type(fault_type)) == 1  # sent once, not retried
    assert tab.call_button.isEnabled()  # the user decides


def test_a_missing_route_field_is_said_before_anything_is_sent(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = dialer(qtbot, run, providers_ctx)
    tab.set_route("pbx")
    tab.route_fields["context"].clear()
    qtbot.keyClicks(tab.number, "5145550199")
    qtbot.keyClick(tab.number, Qt.Key.Key_Return)
    run.until(lambda: not providers_ctx.tasks.busy)
    assert tab.call_status.level is Level.ERROR
    assert "context" in tab.call_status.text
    assert tab.route_fields["context"].hasFocus()
    assert placements(sandbox) == dict.fromkeys(PLACEMENTS, 0)
    assert call_starts(sandbox) == 0


def test_a_refused_call_is_not_announced_to_truecnam(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext, sandbox: SandboxServer
) -> None:
    sandbox.faults.add("telecmi.make_call", "error", code="420")
    tab = dialer(qtbot, run, providers_ctx)
    dial(qtbot, run, providers_ctx, tab, "bridge")
    assert tab.call_status.level is Level.ERROR
    assert "TeleCMI" in tab.call_status.text
    assert call_starts(sandbox) == 0 and not tab.caller_name_status.isVisible()
    sandbox.faults.add("telecmi.make_call", "reset")  # outcome unknown: it may be ringing
    dial(qtbot, run, providers_ctx, tab, "bridge")
    assert tab.call_status.level is Level.WARNING
    assert call_starts(sandbox) == 1


@pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)
def test_the_preferred_route_is_chosen_in_settings(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext, sandbox: SandboxServer
) -> None:
    from telephony_desktop.store import settings
    from telephony_desktop.ui.main_window import MainWindow
    from telephony_desktop.ui.tabs.settings import SettingsTab

    window = MainWindow(providers_ctx)
    qtbot.addWidget(window)
    window.show()
    run.until(lambda: not providers_ctx.tasks.busy)
    tab = window.pages["dialer"]
    prefs = window.pages["settings"]
    assert isinstance(tab, DialerTab) and isinstance(prefs, SettingsTab)
    route = tab.current_route()
    assert route is not None and route.name == "demo"
    prefs.call_route.setCurrentIndex(prefs.call_route.findData("pbx"))
    run.until(lambda: not providers_ctx.tasks.busy)
    assert settings.load_config(providers_ctx.config_path).call_route == "pbx"
    route = tab.current_route()
    assert route is not None and route.name == "pbx"  # the dialer follows the preference
    window.close()
    run.until(lambda: not providers_ctx.tasks.busy)
