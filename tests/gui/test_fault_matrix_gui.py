"""The fault matrix, seen from the window: each tab's refresh under a few representative faults.

Whatever goes wrong, the message appears in place (the tab's banner, never a dialog), the rows that
were on screen stay on screen, and the tab is ready for another try. The service-level matrix
(tests/integration/test_fault_matrix.py) covers every fault; here it is what the person sees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.tabs.history import HistoryTab
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner
from tests.gui.test_player import MULTIMEDIA_NOISE, OFFSCREEN_NOISE, run
from tests.helpers.sandbox import make_client

pytestmark = pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE, *OFFSCREEN_NOISE)
__all__ = ["run"]  # the steady runner: see tests/gui/test_player.py

DEADLINE_S = 0.3  # the client's deadline while a "timeout" fault is armed


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A smaller history than the suite's: the History tab syncs it when first shown."""
    with SandboxServer(seed=1234, call_count=300) as server:
        yield server


@pytest.fixture
def window(
    qtbot: QtBot, ctx: AppContext, run: Runner, sandbox: SandboxServer
) -> Iterator[MainWindow]:
    assert ctx.session is not None
    # Fast, still jittered backoff (tests/helpers/sandbox.py), so a retried refresh takes
    # milliseconds; set before any tab takes the client.
    old = ctx.session.client
    ctx.session.client = make_client(sandbox)
    run(old.aclose())
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1180, 760)
    win.show()
    settle(ctx, run)
    yield win
    settle(ctx, run)


def settle(ctx: AppContext, run: Runner) -> None:
    """Nothing may be in flight when the test's loop stops."""
    run.until(lambda: not ctx.tasks.busy, 20)
    run.pump(0.05)
    run.until(lambda: not ctx.tasks.busy, 20)


def no_modal_dialog() -> bool:
    return not any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


# --- the tabs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TabCase:
    key: str
    request_type: str  # what the refresh asks the provider (the fault's target)
    ready: Callable[[Tab], bool]  # loaded, nothing under way
    stale_banner: str  # the start of the "saved copy" warning ("" : the tab has none)

    def refresh(self, tab: Tab) -> None:
        if isinstance(tab, HistoryTab):
            tab.sync_now()
        else:
            tab.refresh()  # type: ignore[attr-defined]


def _history_ready(tab: Tab) -> bool:
    assert isinstance(tab, HistoryTab)
    return tab.model.loaded_once and not tab.syncing and not tab.model.loading


def _listing_ready(tab: Tab) -> bool:
    return bool(tab.loaded and not tab.refreshing)  # type: ignore[attr-defined]


TABS = [
    TabCase("history", "get_calls", _history_ready, ""),
    TabCase("voicemail", "get_voicemails", _listing_ready, "Showing the voicemail saved"),
    TabCase("recordings", "get_recordings", _listing_ready, "Showing the recordings saved"),
    TabCase("dids", "get_dids", _listing_ready, "Showing the numbers saved"),
    TabCase("e911", "get_e911_endpoints", _listing_ready, "Showing the emergency addresses saved"),
]


@dataclass(frozen=True)
class FaultCase:
    name: str
    kind: str
    options: dict[str, object]
    says: str  # part of the sentence the person reads
    retried: bool  # transient: the refresh falls back to the saved copy

    def arm(self, sandbox: SandboxServer, request_type: str) -> None:
        sandbox.faults.add(request_type, self.kind, count=None, **self.options)


FAULTS = [
    FaultCase("5xx", "http_error", {"status": 503}, "is having trouble right now", True),
    FaultCase("malformed", "malformed", {}, "could not be read", True),
    FaultCase("timeout", "latency", {"delay": 0.6}, "did not answer within", True),
    FaultCase(
        "auth_failure",
        "error",
        {"code": "authentication_failed", "apply_effect": False},
        "refused the account ID or auth token",
        False,
    ),
]


def rows_of(tab: Tab) -> int:
    return int(tab.model.rowCount())  # type: ignore[attr-defined]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
@pytest.mark.parametrize("case", TABS, ids=lambda c: c.key)
def test_refresh_under_fault_says_so_in_place_and_keeps_the_rows(
    window: MainWindow,
    run: Runner,
    ctx: AppContext,
    sandbox: SandboxServer,
    case: TabCase,
    fault: FaultCase,
) -> None:
    tab = window.show_tab(case.key)
    run.until(lambda: case.ready(tab), 20)  # first shown: loaded (History syncs itself)
    settle(ctx, run)
    rows = rows_of(tab)
    assert rows > 0
    assert not tab.banner.isVisible()

    client = ctx.session.client if ctx.session else None
    assert isinstance(client, VoiceMeUpClient)
    if fault.name == "timeout":
        client._deadline_s = DEADLINE_S  # a short deadline for this refresh only
    sandbox.state.add_call()  # something new, had the provider answered
    sandbox.request_log.clear()
    fault.arm(sandbox, case.request_type)
    case.refresh(tab)
    run.until(lambda: case.ready(tab) and not ctx.tasks.busy, 20)
    settle(ctx, run)

    # Said in place, in the tab's banner: a warning over the saved copy for a passing problem,
    # an error for a refusal (and for a sync, which has no saved copy to fall back on).
    assert tab.banner.isVisible()
    assert fault.says in tab.banner.text, tab.banner.text
    if fault.retried and case.stale_banner:
        assert tab.banner.level is Level.WARNING
        assert tab.banner.text.startswith(case.stale_banner)
    else:
        assert tab.banner.level is Level.ERROR
    assert no_modal_dialog()
    assert sandbox.auth_token not in tab.banner.text

    # The rows on screen are the ones that were there, and the tab can try again.
    assert rows_of(tab) == rows
    sent = len(sandbox.request_log.of_type(case.request_type))
    # A timeout spends the request's whole budget in its first attempt: it is not retried.
    assert sent == (3 if fault.retried and fault.kind != "latency" else 1)

    sandbox.faults.clear()
    client._deadline_s = 60.0
    case.refresh(tab)
    run.until(lambda: case.ready(tab) and not ctx.tasks.busy, 20)
    settle(ctx, run)
    if case.key == "history":
        assert rows_of(tab) == rows + 1  # the new call, once
    else:
        assert rows_of(tab) == rows
    assert not tab.banner.isVisible(), tab.banner.text  # the message goes once it is over


def test_a_slow_page_is_said_in_the_sync_row_beside_stop(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    """A server that accepts and takes its time: the sync's row says what it waits for, for how
    long, and when it gives up; Stop ends the wait at once."""
    tab = window.show_tab("history")
    assert isinstance(tab, HistoryTab)
    run.until(lambda: not tab.syncing and not ctx.tasks.busy, 20)
    settle(ctx, run)
    sandbox.state.add_call()
    sandbox.faults.add("get_calls", "latency", delay=30.0, count=None)
    tab.sync_now()
    label = tab.sync_strip.label
    run.until(lambda: label.text().startswith("Waiting for VoiceMeUp (get_calls)"), 10)
    assert tab.sync_strip.isVisible() and tab.sync_strip.cancel.isEnabled()
    assert "giving up in" in label.text()
    tab.sync_strip.cancel.click()
    run.until(lambda: not tab.syncing and not ctx.tasks.busy, 10)
    settle(ctx, run)
    assert not tab.sync_strip.isVisible()
    assert tab.banner.text.startswith("Sync stopped."), tab.banner.text
    sandbox.faults.clear()
