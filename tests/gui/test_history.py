"""The History tab, used like a person would: sync, search, filter, call back, export, cancel."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Coroutine, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QApplication, QHeaderView
from pytestqt.qtbot import QtBot

from telephony_desktop import i18n
from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services import history_rows as fmt
from telephony_desktop.services.history_export import ExportFailed, export_calls_csv
from telephony_desktop.services.sync import LAST_SYNC_META, STATE_KEY
from telephony_desktop.store.calls import count_calls, query_calls
from telephony_desktop.store.db import Database
from telephony_desktop.store.state import get_meta, get_sync_state
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.history import HistoryTab
from telephony_desktop.ui.tabs.history.model import PAGE_SIZE, PLACEHOLDER
from telephony_desktop.ui.tabs.history.tab import (
    EMPTY_CACHE,
    EMPTY_MATCH,
    calls_text,
    last_synced_text,
)
from telephony_desktop.ui.theme import tone_colour
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner

T = TypeVar("T")

# The offscreen platform cannot pass a top-level window's size hints on; real platforms can.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class SteadyRunner(Runner):
    """``Runner`` without qasync's trailing ``processEvents``.

    qasync 0.28's ``run_until_complete`` processes pending Qt events once more *after* it has
    cleared the running loop; a socket or timer event handled there steps a task with no running
    loop ("no running event loop" from httpx/anyio or ``db.run``). These tests often return from
    ``until`` while a sync or page load is in flight, so they drive the loop with
    ``run_forever`` and a stop callback instead.
    """

    def __call__(self, coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        future = asyncio.ensure_future(asyncio.wait_for(coro, timeout), loop=self.loop)
        future.add_done_callback(lambda _f: self.loop.stop())
        self.loop.run_forever()
        return future.result()


@pytest.fixture
def run(run: Runner) -> Runner:
    return SteadyRunner(run.loop)


def db_of(ctx: AppContext) -> Database:
    assert ctx.session is not None
    return ctx.session.db


def cached(run: Runner, ctx: AppContext, **filters: object) -> int:
    return run(db_of(ctx).run(count_calls, **filters))  # type: ignore[arg-type]


def provider_calls(sandbox: SandboxServer) -> int:
    with sandbox.state.lock:
        return len(sandbox.state.calls)


def idle(run: Runner, ctx: AppContext) -> None:
    """Let every task of the window finish.

    pytest-qt processes Qt events between a test's phases, outside the qasync loop; a task step
    run from there has no running loop. So fixtures and tests end with nothing in flight.
    """
    run.until(lambda: not ctx.tasks.busy)
    run.pump(0.05)
    run.until(lambda: not ctx.tasks.busy)


@pytest.fixture
def tab(qtbot: QtBot, run: Runner, ctx: AppContext) -> Iterator[HistoryTab]:
    """The tab, shown and loaded, with auto-sync off so the test presses Sync now itself."""
    page = HistoryTab(ctx)
    page.auto_sync_if_never_synced = False
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    run.until(lambda: page.model.loaded_once)
    idle(run, ctx)
    yield page


def press_sync(qtbot: QtBot, run: Runner, tab: HistoryTab, timeout: float = 30) -> None:
    assert tab.sync_button.isEnabled()
    qtbot.mouseClick(tab.sync_button, Qt.MouseButton.LeftButton)
    assert tab.syncing and not tab.sync_button.isEnabled() and tab.sync_strip.isVisible()
    run.until(lambda: not tab.syncing, timeout)
    run.until(lambda: not tab.model.loading)


def synced(qtbot: QtBot, run: Runner, tab: HistoryTab) -> None:
    run.until(lambda: tab.model.loaded_once)
    press_sync(qtbot, run, tab)


def settle(run: Runner, tab: HistoryTab) -> None:
    """Wait for the debounce and the count of the new query."""
    run.pump(0.3)
    run.until(lambda: not tab.model.loading)


def test_sync_now_fills_the_table(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer, tab: HistoryTab
) -> None:
    run.until(lambda: tab.model.loaded_once)
    assert tab.model.rowCount() == 0
    assert tab.overlay.isVisible() and tab.overlay.text() == EMPTY_CACHE
    assert tab.last_synced_label.text() == "Never synced"

    press_sync(qtbot, run, tab)

    total = provider_calls(sandbox)
    assert total == 2400
    assert cached(run, ctx) == total == tab.model.rowCount()
    assert not tab.overlay.isVisible()
    assert tab.count_label.text() == "2,400 calls"
    assert tab.sync_button.isEnabled() and tab.sync_button.text() == "Sync now"
    assert not tab.sync_strip.isVisible()
    assert not tab.banner.isVisible()
    stored = run(db_of(ctx).run(get_meta, LAST_SYNC_META))
    assert tab.last_synced_label.text() == last_synced_text(stored)
    assert tab.last_synced_label.text().startswith("Last synced: today ")
    # newest first, formatted
    newest = run(db_of(ctx).run(query_calls, limit=1))[0]
    model = tab.model
    assert model.data(model.index(0, fmt.COL_NAME)) == newest.callerid_name
    assert model.data(model.index(0, fmt.COL_DIRECTION)) in ("↙ In", "↗ Out")
    duration = model.data(model.index(0, fmt.COL_DURATION))
    assert duration == fmt.duration_label(newest.duration_s) and ":" in duration
    cost_align = model.data(model.index(0, fmt.COL_COST), Qt.ItemDataRole.TextAlignmentRole)
    assert cost_align & Qt.AlignmentFlag.AlignRight
    # fixed row heights, no resize-to-contents
    vertical = tab.table.verticalHeader()
    assert vertical.sectionResizeMode(0) == vertical.ResizeMode.Fixed
    idle(run, ctx)


@pytest.mark.parametrize("shape", ["documented", "real"])
def test_sync_reads_the_real_engine_shape(
    qtbot: QtBot,
    run: Runner,
    ctx: AppContext,
    sandbox: SandboxServer,
    tab: HistoryTab,
    shape: str,
) -> None:
    """Calls as the real engine sends them (no call_hash, 11-digit destinations, HH:MM:SS
    durations, its failure envelope) fill the table like the documented ones."""
    if shape == "real":
        sandbox.variants.set("voicemeup", ["real"], account=sandbox.account_id)
    sandbox.state.add_call(duration=3725, callerid_name="Réal Côté", direction="inbound")
    run.until(lambda: tab.model.loaded_once)
    press_sync(qtbot, run, tab)
    assert cached(run, ctx) == provider_calls(sandbox) == tab.model.rowCount() == 2401
    model = tab.model
    assert model.data(model.index(0, fmt.COL_NAME)) == "Réal Côté"
    assert model.data(model.index(0, fmt.COL_DURATION)) == fmt.duration_label(3725)
    assert not tab.banner.isVisible()


def test_auto_sync_on_first_show(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    tab = window.show_tab("history")
    assert isinstance(tab, HistoryTab)
    reports: list[object] = []
    tab.synced.connect(reports.append)
    run.until(lambda: reports and not tab.syncing and tab.model.rowCount() == 2400, 30)
    window.close()
    idle(run, ctx)


def test_search_filters_and_dates(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab
) -> None:
    synced(qtbot, run, tab)

    # Typing is debounced: nothing happens until a pause.
    qtbot.keyClicks(tab.search, "cote")
    assert tab.model.query.search is None
    settle(run, tab)
    assert tab.model.query.search == "cote"
    # An accented name (pasted: QTest cannot type non-Latin keys) finds the same calls.
    tab.search.setText("Côté")
    settle(run, tab)
    expected = cached(run, ctx, search="Côté")
    assert 0 < expected < 2400
    assert tab.model.rowCount() == expected
    assert tab.count_label.text() == f"{expected:,} matching calls"
    names = {tab.model.data(tab.model.index(r, fmt.COL_NAME)) for r in range(min(expected, 50))}
    assert all("Côté" in n or "Cote" in n.title() or n == "" for n in names if n != PLACEHOLDER)

    # A number fragment, applied at once with Enter.
    tab.search.clear()
    qtbot.keyClicks(tab.search, "555-01")
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    run.until(lambda: not tab.model.loading and tab.model.query.search == "555-01")
    assert tab.model.rowCount() == cached(run, ctx, search="555-01") > 0

    # Nothing matches: the table says so.
    tab.search.setText("zzzz-nobody")
    settle(run, tab)
    assert tab.model.rowCount() == 0
    assert tab.overlay.isVisible() and tab.overlay.text() == EMPTY_MATCH
    tab.search.clear()
    settle(run, tab)
    assert tab.model.rowCount() == 2400 and not tab.overlay.isVisible()

    # Direction.
    tab.direction.setCurrentIndex(tab.direction.findData("outbound"))
    settle(run, tab)
    outbound = cached(run, ctx, direction="outbound")
    assert tab.model.rowCount() == outbound > 0
    run.until(lambda: tab.model.is_loaded(0))
    shown = {tab.model.data(tab.model.index(r, fmt.COL_DIRECTION)) for r in range(50)}
    assert shown == {"↗ Out"}

    # Status, together with direction.
    tab.status.setCurrentIndex(tab.status.findData("no_answer"))
    settle(run, tab)
    assert tab.model.rowCount() == cached(run, ctx, direction="outbound", status="no_answer")
    tab.direction.setCurrentIndex(0)
    tab.status.setCurrentIndex(0)

    # A custom date range: both days included.
    tab.date_range.setCurrentIndex(tab.date_range.findData("custom"))
    assert tab.date_from.isVisible() and tab.date_to.isVisible()
    first = date.today() - timedelta(days=20)
    last = date.today() - timedelta(days=10)
    tab.date_from.setDate(QDate(first.year, first.month, first.day))
    tab.date_to.setDate(QDate(last.year, last.month, last.day))
    settle(run, tab)
    since = datetime.combine(first, datetime.min.time())
    until = datetime.combine(last + timedelta(days=1), datetime.min.time())
    in_range = cached(run, ctx, since=since, until=until)
    assert 0 < tab.model.rowCount() == in_range < 2400

    # A preset range.
    tab.date_range.setCurrentIndex(tab.date_range.findData("7"))
    assert not tab.date_from.isVisible()
    settle(run, tab)
    week = datetime.combine(date.today() - timedelta(days=6), datetime.min.time())
    assert tab.model.rowCount() == cached(run, ctx, since=week)
    idle(run, ctx)


def test_new_call_appears_after_another_sync(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer, tab: HistoryTab
) -> None:
    synced(qtbot, run, tab)
    uid = sandbox.state.add_call(
        direction="inbound", source="5145550177", callerid_name="Zéphirin Quenneville"
    )
    press_sync(qtbot, run, tab)
    assert tab.model.rowCount() == 2401 == provider_calls(sandbox) == cached(run, ctx)
    assert tab.last_report is not None and tab.last_report.calls_new == 1
    run.until(lambda: tab.model.is_loaded(0))
    top = tab.model.row_at(0)
    assert top is not None and top.unique_id == uid
    assert top.cells[fmt.COL_NAME] == "Zéphirin Quenneville"
    assert top.cells[fmt.COL_FROM] == "(514) 555-0177"
    tab.search.setText("zephirin quenn")
    settle(run, tab)
    assert tab.model.rowCount() == 1
    idle(run, ctx)


def test_cancel_during_a_slow_sync_keeps_the_cache_consistent(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer, tab: HistoryTab
) -> None:
    run.until(lambda: tab.model.loaded_once)
    sandbox.faults.add("get_calls", "latency", count=None, delay=0.5)
    qtbot.mouseClick(tab.sync_button, Qt.MouseButton.LeftButton)
    run.until(lambda: "page 1" in tab.sync_strip.label.text(), 20)
    assert tab.sync_strip.cancel.isEnabled()
    qtbot.mouseClick(tab.sync_strip.cancel, Qt.MouseButton.LeftButton)
    run.until(lambda: not tab.syncing, 10)
    run.until(lambda: not tab.model.loading)

    # The button is back, the banner says what happened, the first page is kept.
    assert tab.sync_button.isEnabled() and tab.sync_button.text() == "Sync now"
    assert not tab.sync_strip.isVisible()
    assert tab.banner.isVisible() and tab.banner.level == Level.INFO
    assert "Sync stopped" in tab.banner.text
    kept = cached(run, ctx)
    assert kept % tab.sync_page_size == 0 and tab.sync_page_size <= kept < 2400
    assert tab.model.rowCount() == kept
    state = run(db_of(ctx).run(get_sync_state, STATE_KEY))
    assert state is not None and state["phase"] == "window" and state["offset"] == kept
    assert run(db_of(ctx).run(get_meta, LAST_SYNC_META)) is None

    # The next sync resumes where this one stopped: every call exactly once.
    sandbox.faults.clear()
    press_sync(qtbot, run, tab)
    assert cached(run, ctx) == provider_calls(sandbox) == tab.model.rowCount() == 2400
    assert tab.last_report is not None and tab.last_report.resumed
    assert tab.last_synced_label.text().startswith("Last synced:")
    idle(run, ctx)


def test_provider_failure_shows_banner_and_keeps_rows(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer, tab: HistoryTab
) -> None:
    synced(qtbot, run, tab)
    before = tab.last_synced_label.text()
    sandbox.faults.add("get_calls", "http_error", count=None, status=503)
    press_sync(qtbot, run, tab)
    assert tab.banner.isVisible() and tab.banner.level == Level.ERROR
    assert tab.banner.text and "503" not in tab.banner.text.split()[0]
    assert tab.model.rowCount() == 2400
    run.until(lambda: tab.model.is_loaded(0))
    assert tab.model.data(tab.model.index(0, fmt.COL_DATE)) != PLACEHOLDER
    assert tab.sync_button.isEnabled()
    assert tab.last_synced_label.text() == before
    # Once the provider is back, Sync now works and clears the message.
    sandbox.faults.clear()
    press_sync(qtbot, run, tab)
    assert not tab.banner.isVisible()
    idle(run, ctx)


def test_export_csv_writes_the_filtered_rows(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab, tmp_path: Path
) -> None:
    synced(qtbot, run, tab)
    tab.direction.setCurrentIndex(tab.direction.findData("inbound"))
    settle(run, tab)
    inbound = cached(run, ctx, direction="inbound")
    assert tab.model.rowCount() == inbound
    assert tab.model.pages_cached < inbound / PAGE_SIZE  # not every page was fetched

    target = tmp_path / "inbound.csv"
    assert run(tab.export_csv(target)) == inbound
    with target.open(encoding="utf-8-sig", newline="") as f:
        records = list(csv.reader(f))
    assert records[0] == list(fmt.CSV_HEADER)
    assert len(records) == inbound + 1
    assert {r[1] for r in records[1:]} == {"In"}
    newest = run(db_of(ctx).run(query_calls, direction="inbound", limit=1))[0]
    assert records[1][-1] == newest.unique_id
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8

    # Through the button's path (after the file dialog): progress strip, then a banner.
    again = tmp_path / "again.csv"
    tab.start_export(again)
    assert tab.export_strip.isVisible() and not tab.export_button.isEnabled()
    run.until(lambda: not tab.export_strip.isVisible())
    assert tab.banner.level == Level.SUCCESS and f"{inbound:,} calls" in tab.banner.text
    assert again.read_text(encoding="utf-8-sig").count("\n") == inbound + 1
    assert tab.export_button.isEnabled()
    idle(run, ctx)


def test_export_to_an_unwritable_place_says_so(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab, tmp_path: Path
) -> None:
    synced(qtbot, run, tab)
    tab.start_export(tmp_path / "no-such-folder" / "x.csv")
    run.until(lambda: not tab.export_strip.isVisible())
    assert tab.banner.level == Level.ERROR and "Could not write" in tab.banner.text
    idle(run, ctx)


def test_call_back_emits_the_other_party(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab
) -> None:
    synced(qtbot, run, tab)
    run.until(lambda: tab.model.is_loaded(0))
    asked: list[str] = []
    tab.call_back_requested.connect(asked.append)
    assert not tab.call_back_button.isEnabled()  # nothing selected yet

    rows = [tab.model.row_at(r) for r in range(PAGE_SIZE)]
    inbound = next(r for r, row in enumerate(rows) if row and row.direction == "inbound")
    outbound = next(r for r, row in enumerate(rows) if row and row.direction == "outbound")
    calls = run(db_of(ctx).run(query_calls, limit=PAGE_SIZE))

    # Double-click an inbound row: the caller.
    tab.table.scrollTo(tab.model.index(inbound, 0))
    rect = tab.table.visualRect(tab.model.index(inbound, fmt.COL_NAME))
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert asked == [calls[inbound].source]

    # The button on an outbound row: the number that was called.
    tab.table.selectRow(outbound)
    assert tab.call_back_button.isEnabled()
    qtbot.mouseClick(tab.call_back_button, Qt.MouseButton.LeftButton)
    assert asked[-1] == calls[outbound].destination

    # Enter on the selected row does the same.
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert asked[-1] == calls[outbound].destination and len(asked) == 3
    idle(run, ctx)


def test_data_never_waits_for_sqlite(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab
) -> None:
    synced(qtbot, run, tab)
    model = tab.model
    far = 2300
    assert not model.is_loaded(far)
    loads = model.page_loads
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles: changed.append((a.row(), b.row())))

    # First access of an unfetched page: a placeholder at once, the page loads in the background.
    assert model.data(model.index(far, fmt.COL_NAME)) == PLACEHOLDER
    assert model.data(model.index(far + 1, fmt.COL_DATE)) == PLACEHOLDER  # same page: one load
    assert model.page_loads == loads
    run.until(lambda: model.is_loaded(far))
    assert model.page_loads == loads + 1
    page = far // PAGE_SIZE
    assert (page * PAGE_SIZE, min(2400, (page + 1) * PAGE_SIZE) - 1) in changed
    expected = run(db_of(ctx).run(query_calls, limit=1, offset=far))[0]
    row = model.row_at(far)
    assert row is not None and row.unique_id == expected.unique_id
    assert model.data(model.index(far, fmt.COL_NAME)) == expected.callerid_name

    # A page asked for just before the filter changes is dropped, not shown under the new filter.
    assert model.data(model.index(1500, 0)) == PLACEHOLDER
    tab.direction.setCurrentIndex(tab.direction.findData("outbound"))
    run.until(lambda: not model.loading and model.query.direction == "outbound")
    run.pump(0.2)
    outbound = cached(run, ctx, direction="outbound")
    assert model.rowCount() == outbound
    for r in range(0, outbound, 97):
        if model.is_loaded(r):
            found = model.row_at(r)
            assert found is not None and found.direction == "outbound"
    idle(run, ctx)


def test_sorting_is_done_in_sql(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab
) -> None:
    synced(qtbot, run, tab)
    header = tab.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=_section_center(header, fmt.COL_DURATION)
    )
    run.until(lambda: not tab.model.loading and tab.model.query.sort == "duration_s")
    run.until(lambda: tab.model.is_loaded(0))
    calls = run(db_of(ctx).run(query_calls, limit=None))
    longest = max(c.duration_s for c in calls)
    shortest = min(c.duration_s for c in calls)
    first = tab.model.row_at(0)
    assert first is not None
    wanted = fmt.duration_label(shortest if not tab.model.query.descending else longest)
    assert first.cells[fmt.COL_DURATION] == wanted
    assert tab.model.rowCount() == 2400
    idle(run, ctx)


def _section_center(header: QHeaderView, section: int) -> QPoint:
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    return QPoint(x, header.height() // 2)


def test_column_layout_is_remembered(qtbot: QtBot, ctx: AppContext, run: Runner) -> None:
    first = HistoryTab(ctx)
    qtbot.addWidget(first)
    header = first.table.horizontalHeader()
    header.resizeSection(fmt.COL_FROM, 222)
    header.moveSection(header.visualIndex(fmt.COL_COST), 1)
    header.setSortIndicator(fmt.COL_COST, Qt.SortOrder.AscendingOrder)
    first.save_state(ctx.ui_state)

    second = HistoryTab(ctx)
    qtbot.addWidget(second)
    second.restore_state(ctx.ui_state)
    restored = second.table.horizontalHeader()
    assert restored.sectionSize(fmt.COL_FROM) == 222
    assert restored.visualIndex(fmt.COL_COST) == 1
    assert restored.sortIndicatorSection() == fmt.COL_COST
    # The restored sort is remembered for later; nothing is read before the tab is shown.
    assert second.model.query.sort == "billed_amount" and not ctx.tasks.busy

    # --- the Qt-free parts of the tab ----------------------------------------------------------
    idle(run, ctx)


def test_formatting() -> None:
    assert fmt.status_label("no_answer") == "No answer"
    assert fmt.status_label("NOT_REACHED") == "Not reached"
    assert fmt.direction_label("inbound") == "↙ In"
    assert fmt.direction_label("outbound") == "↗ Out"
    assert fmt.duration_label(0) == "0:00"
    assert fmt.duration_label(65) == "1:05"
    assert fmt.duration_label(3725) == "1:02:05"
    assert fmt.cost_label("0.0241") == "$0.0241"
    assert fmt.cost_label("0.5") == "$0.5000"
    assert fmt.cost_label(None) == ""
    assert fmt.cost_label("n/a") == "n/a"
    today = date(2024, 5, 3)
    # Canadian English as Babel writes it (a narrow no-break space before "a.m."/"p.m.").
    assert fmt.when_label("2024-05-03T14:05:09", today) == "Today 2:05\u202fp.m."
    assert fmt.when_label("2024-05-02T09:12:00", today) == "Yesterday 9:12\u202fa.m."
    assert fmt.when_label("2024-04-29T08:00:00", today) == "Mon, Apr 29, 8:00\u202fa.m."
    assert fmt.when_label("2023-12-31T23:59:00", today) == "Dec 31, 2023, 11:59\u202fp.m."
    assert fmt.when_label(None, today) == "—"
    assert fmt.other_party("inbound", "5145550100", "4385550199") == "5145550100"
    assert fmt.other_party("outbound", "4385550199", "6135550100") == "6135550100"
    assert last_synced_text(None) == "Never synced"
    # The time as the locale writes it (Babel's en_CA / fr_CA), no longer strftime's 14:05.
    now = datetime(2026, 11, 22, 14, 5).astimezone()
    stored = now.astimezone(UTC).isoformat()
    assert last_synced_text(stored, now) == "Last synced: today 2:05\u202fp.m."
    assert last_synced_text(stored, now + timedelta(days=1)) == (
        "Last synced: yesterday 2:05\u202fp.m."
    )
    assert last_synced_text(stored, now + timedelta(days=9)) == (
        "Last synced: Nov 22, 2026, 2:05\u202fp.m."
    )
    assert calls_text(1) == "1 call" and calls_text(2400) == "2,400 calls"
    with i18n.using("fr"):
        assert last_synced_text(stored, now) == "Dernière synchronisation : aujourd'hui à 14 h 05"
        assert last_synced_text(stored, now + timedelta(days=9)) == (
            "Dernière synchronisation : 22 nov. 2026, 14 h 05"
        )
        assert last_synced_text(None) == "Jamais synchronisé"
        assert last_synced_text(None, partial=True) == "Synchronisation pas encore terminée"
        # French counts 0 and 1 as one; numbers are grouped with a no-break space.
        assert calls_text(0) == "0 appel" and calls_text(2400) == "2\xa0400 appels"


def test_speaks_french(french: None, run: Runner, ctx: AppContext, tab: HistoryTab) -> None:
    """Built while French is the language, the tab says everything in French."""
    assert tab.overlay.isVisible()
    assert tab.overlay.text() == (
        "Aucun appel pour l'instant — appuyez sur « Synchroniser maintenant » pour récupérer "
        "votre historique d'appels."
    )
    assert tab.count_label.text() == "0 appel"
    assert tab.last_synced_label.text() == "Jamais synchronisé"
    assert tab.sync_button.text() == "Synchroniser maintenant"
    assert tab.call_back_button.text() == "Rappeler"
    assert tab.search.placeholderText() == "Rechercher un nom ou un numéro…"
    directions = [tab.direction.itemText(i) for i in range(tab.direction.count())]
    assert directions == ["Entrants et sortants", "↙ Entrants", "↗ Sortants"]
    assert tab.date_range.itemText(1) == "Aujourd'hui"
    assert tab.table.accessibleName() == "Historique des appels"
    tip = tab.model.headerData(fmt.COL_DATE, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith(". Cliquez pour trier.")
    idle(run, ctx)


def test_export_cancelled_leaves_no_file(
    run: Runner, ctx: AppContext, sandbox: SandboxServer, tmp_path: Path
) -> None:
    from telephony_desktop.services.sync import HistorySync
    from telephony_desktop.store.calls import CallQuery

    assert ctx.session is not None
    run(HistorySync(ctx.session.db, ctx.session.client).run())
    target = tmp_path / "out.csv"

    async def cancel_midway() -> None:
        started = asyncio.Event()
        task = asyncio.ensure_future(
            export_calls_csv(
                db_of(ctx), CallQuery(), target, progress=lambda _n: started.set(), chunk_rows=5
            )
        )
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(cancel_midway())
    assert not target.exists() and not (tmp_path / "out.csv.partial").exists()
    with pytest.raises(ExportFailed, match="Could not write"):
        run(export_calls_csv(db_of(ctx), CallQuery(), tmp_path / "missing" / "out.csv"))
    assert QApplication.instance() is not None
    idle(run, ctx)


# --- ids behind a copy action, messages that follow the input, colours ------------------------


def test_copy_call_id_from_the_row_menu(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab
) -> None:
    """The provider's 32-hex call ID is never shown; the row menu copies it."""
    synced(qtbot, run, tab)
    run.until(lambda: tab.model.is_loaded(0))
    row = tab.model.row_at(0)
    assert row is not None and len(row.unique_id) == 32
    shown = [tab.model.index(0, c).data() for c in range(tab.model.columnCount())]
    assert row.unique_id not in " ".join(shown)
    assert fmt.status_label(row.status) in shown and "_" not in " ".join(shown)  # words only
    menu = tab.row_menu(0)
    assert menu is not None
    actions = {a.objectName(): a for a in menu.actions()}
    copy_id = actions["history-menu-copy-call-id"]
    assert copy_id.text() == "Copy call ID" and copy_id.isEnabled()
    copy_id.trigger()
    assert QApplication.clipboard().text() == row.unique_id
    menu.close()
    idle(run, ctx)


def test_a_search_error_goes_when_the_search_changes_and_moves_nothing(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab
) -> None:
    synced(qtbot, run, tab)
    search_at = tab.search.mapTo(tab, QPoint(0, 0))
    buttons_at = tab.export_button.mapTo(tab, QPoint(0, 0))
    tab.model.load_failed.emit(TelephonyError("The call history could not be searched."))
    run.pump()
    assert tab.banner.isVisible() and tab.banner.level == Level.ERROR
    # Under the search and the buttons: they stay where the user is working.
    assert tab.search.mapTo(tab, QPoint(0, 0)) == search_at
    assert tab.export_button.mapTo(tab, QPoint(0, 0)) == buttons_at
    assert tab.banner.mapTo(tab, QPoint(0, 0)).y() > buttons_at.y()
    qtbot.keyClicks(tab.search, "514")
    settle(run, tab)
    assert not tab.banner.isVisible()
    idle(run, ctx)


def test_an_export_error_goes_when_the_filters_change(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab, tmp_path: Path
) -> None:
    synced(qtbot, run, tab)
    tab.start_export(tmp_path / "no-such-folder" / "x.csv")
    run.until(lambda: not tab.export_strip.isVisible())
    assert tab.banner.isVisible() and tab.banner.level == Level.ERROR
    tab.direction.setCurrentIndex(tab.direction.findData("inbound"))
    settle(run, tab)
    assert not tab.banner.isVisible()
    # A new export takes the last one's error away at once, too.
    tab.start_export(tmp_path / "no-such-folder" / "y.csv")
    assert not tab.banner.isVisible()
    run.until(lambda: not tab.export_strip.isVisible())
    assert tab.banner.level == Level.ERROR
    # A message about something else (a sync's) stays when the search changes.
    tab.banner.error("Your provider could not be reached.")
    qtbot.keyClicks(tab.search, "418")
    settle(run, tab)
    assert tab.banner.isVisible()
    idle(run, ctx)


def test_missed_calls_take_the_themes_error_colour(
    qtbot: QtBot, run: Runner, ctx: AppContext, tab: HistoryTab
) -> None:
    synced(qtbot, run, tab)
    tab.status.setCurrentIndex(tab.status.findData("no_answer"))
    tab.direction.setCurrentIndex(tab.direction.findData("inbound"))
    settle(run, tab)
    run.until(lambda: tab.model.is_loaded(0))
    brush = tab.model.index(0, fmt.COL_STATUS).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color() == tone_colour("error")
    assert tab.model.index(0, fmt.COL_STATUS).data() == "No answer"
    idle(run, ctx)
