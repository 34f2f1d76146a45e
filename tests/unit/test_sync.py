"""The history sync against an in-memory fake source: paging, cursor, resume, fallback, kill."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from telephony_desktop.domain.errors import InvalidRequest, ProviderTimeout, StorageError
from telephony_desktop.domain.models import Call
from telephony_desktop.services import sync as sync_module
from telephony_desktop.services.sync import (
    LAST_SYNC_META,
    STATE_KEY,
    HistorySync,
    SyncAlreadyRunning,
    SyncProgress,
    newest_of,
)
from telephony_desktop.store import cache
from telephony_desktop.store.db import Database
from tests.helpers.fake_sources import FakeCallHistory, make_calls, uid

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2024, 6, 30)
START = datetime(2024, 5, 1, 8, 0, 0)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "acct" / "cache.sqlite3")
    yield database
    await database.close()


def syncer(db: Database, source: FakeCallHistory, **kw: object) -> HistorySync:
    kw.setdefault("today", lambda: TODAY)
    return HistorySync(db, source, **kw)  # type: ignore[arg-type]


async def state(db: Database) -> dict[str, object] | None:
    return await db.run(cache.get_sync_state, STATE_KEY)


async def count(db: Database) -> int:
    return await db.run(cache.count_calls)


# --- first and later syncs ---------------------------------------------------------------


async def test_first_sync_pages_the_window_then_cursor_takes_only_new(db: Database) -> None:
    calls = make_calls(2400, start=START)
    source = FakeCallHistory(calls)
    seen: list[SyncProgress] = []

    report = await syncer(db, source).run(seen.append)

    assert (report.pages, report.calls_fetched, report.calls_new) == (3, 2400, 2400)
    assert not report.resumed and not report.fell_back
    assert source.offsets == [0, 1000, 2000]
    assert all(
        r.date_from == TODAY - timedelta(days=90) and r.date_to == TODAY and r.unique_id is None
        for r in source.requests
    )
    assert [(p.pages_done, p.calls_fetched, p.calls_new, p.offset) for p in seen] == [
        (1, 1000, 1000, 1000),
        (2, 2000, 2000, 2000),
        (3, 2400, 2400, 2400),
    ]
    assert {p.phase for p in seen} == {"window"}
    assert await count(db) == 2400
    assert report.cursor == calls[-1].unique_id  # the newest call
    assert await state(db) == {"phase": "idle", "cursor": calls[-1].unique_id, "resume_from": None}
    assert await db.run(cache.get_meta, LAST_SYNC_META) == report.finished_at

    # New calls arrive; the next sync asks only for calls after the cursor.
    fresh = make_calls(150, start=START + timedelta(days=30), prefix="new")
    source.add(fresh)
    source.requests.clear()
    second = await syncer(db, source).run()
    assert [(r.unique_id, r.result_offset) for r in source.requests] == [(calls[-1].unique_id, 0)]
    assert (second.pages, second.calls_fetched, second.calls_new) == (1, 150, 150)
    assert second.cursor == fresh[-1].unique_id
    assert await count(db) == 2550

    # Nothing new: one request, cursor unchanged, nothing written.
    source.requests.clear()
    third = await syncer(db, source).run()
    assert (third.pages, third.calls_fetched, third.calls_new) == (1, 0, 0)
    assert third.cursor == fresh[-1].unique_id
    assert await count(db) == 2550


async def test_exact_multiple_of_page_size_ends_on_an_empty_page(db: Database) -> None:
    source = FakeCallHistory(make_calls(2000, start=START))
    report = await syncer(db, source).run()
    assert source.offsets == [0, 1000, 2000]
    assert (report.pages, report.calls_new) == (3, 2000)
    assert await count(db) == 2000


async def test_cursor_paging_over_many_new_calls(db: Database) -> None:
    calls = make_calls(10, start=START)
    source = FakeCallHistory(calls)
    await syncer(db, source, page_size=4).run()
    source.add(make_calls(9, start=START + timedelta(days=1), prefix="more"))
    source.requests.clear()
    report = await syncer(db, source, page_size=4).run()
    assert [(r.unique_id, r.result_offset) for r in source.requests] == [
        (calls[-1].unique_id, 0),
        (calls[-1].unique_id, 4),
        (calls[-1].unique_id, 8),
    ]
    assert report.calls_new == 9
    assert await count(db) == 19


def test_newest_call_ties_go_to_the_later_answer() -> None:
    at = datetime(2024, 5, 1, 12, 0, 0)
    a = Call(uid("a"), at, "inbound", "1", "2")
    b = Call(uid("b"), at, "inbound", "1", "2")
    older = Call(uid("o"), at - timedelta(seconds=1), "inbound", "1", "2")
    untimed = Call(uid("u"), None, "inbound", "1", "2")
    assert newest_of(None, [a, b, older])["unique_id"] == uid("b")  # type: ignore[index]
    assert newest_of(None, [b, a])["unique_id"] == uid("a")  # type: ignore[index]
    # across pages: the state carries the newest so far, a later equal time still wins
    first = newest_of(None, [a])
    assert newest_of(first, [older, b]) == {"unique_id": uid("b"), "started_at": at.isoformat()}
    assert newest_of(first, [untimed]) == first
    assert newest_of(None, [untimed]) == {"unique_id": uid("u"), "started_at": None}
    assert newest_of(None, []) is None


async def test_tie_at_the_newest_time_picks_the_later_in_answer_order(db: Database) -> None:
    at = datetime(2024, 6, 1, 12, 0, 0)
    first = Call(uid("t1"), at, "inbound", "1", "2")
    second = Call(uid("t2"), at, "inbound", "1", "2")
    source = FakeCallHistory([*make_calls(5, start=START), first, second])
    report = await syncer(db, source).run()
    assert report.cursor == second.unique_id


async def test_empty_window_keeps_no_cursor_and_rewindows_from_last_day(db: Database) -> None:
    source = FakeCallHistory()
    days = iter([TODAY, TODAY + timedelta(days=3)])
    sync = HistorySync(db, source, today=lambda: next(days))
    report = await sync.run()
    assert report.cursor is None and report.calls_new == 0
    assert await state(db) == {
        "phase": "idle",
        "cursor": None,
        "resume_from": (TODAY - timedelta(days=1)).isoformat(),
    }
    source.requests.clear()
    await sync.run()
    assert [(r.date_from, r.date_to) for r in source.requests] == [
        (TODAY - timedelta(days=1), TODAY + timedelta(days=3))
    ]


# --- interruption and resume -------------------------------------------------------------


async def test_failure_on_page_two_resumes_at_page_two(db: Database) -> None:
    source = FakeCallHistory(make_calls(2400, start=START))
    source.fail_request(1, ProviderTimeout("The provider did not answer in time."))
    with pytest.raises(ProviderTimeout):
        await syncer(db, source).run()
    assert source.offsets == [0, 1000]
    saved = await state(db)
    assert saved is not None
    assert (saved["phase"], saved["offset"]) == ("window", 1000)
    assert saved["date_from"] == (TODAY - timedelta(days=90)).isoformat()
    assert await count(db) == 1000

    source.requests.clear()
    report = await syncer(db, source).run()
    assert source.offsets == [1000, 2000]  # page 1 is not fetched again
    assert report.resumed
    assert (report.pages, report.calls_fetched, report.calls_new) == (2, 1400, 1400)
    assert await count(db) == 2400


async def test_resume_keeps_the_window_even_if_the_day_changed(db: Database) -> None:
    source = FakeCallHistory(make_calls(2400, start=START))
    source.fail_request(1, ProviderTimeout("timeout"))
    with pytest.raises(ProviderTimeout):
        await syncer(db, source).run()
    source.requests.clear()
    await syncer(db, source, today=lambda: TODAY + timedelta(days=1)).run()
    assert {(r.date_from, r.date_to) for r in source.requests} == {
        (TODAY - timedelta(days=90), TODAY)
    }


async def test_cancel_mid_page_leaves_the_previous_page(db: Database) -> None:
    source = FakeCallHistory(make_calls(2400, start=START), delay=0.05)
    task = asyncio.create_task(syncer(db, source).run())
    while len(source.requests) < 2:  # page 2 is in flight
        await asyncio.sleep(0.001)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    saved = await state(db)
    assert saved is not None and saved["offset"] == 1000
    assert await count(db) == 1000

    source.delay = 0
    source.requests.clear()
    report = await syncer(db, source).run()
    assert source.offsets == [1000, 2000]
    assert report.calls_new == 1400
    assert await count(db) == 2400


async def test_a_second_concurrent_run_is_refused(db: Database) -> None:
    source = FakeCallHistory(make_calls(10, start=START), delay=0.05)
    sync = syncer(db, source)
    task = asyncio.create_task(sync.run())
    await asyncio.sleep(0.01)
    assert sync.running
    with pytest.raises(SyncAlreadyRunning):
        await sync.run()
    await task
    assert not sync.running


# --- commits alongside fetching ----------------------------------------------------------


@dataclass
class SlowCommits:
    """Per commit: the requests the source had seen when it started and ended, and the offset it
    committed (-1: none). ``started``: the offsets of the commits begun so far; ``busy``: set
    while one runs."""

    done: list[tuple[int, int, int]] = field(default_factory=list)
    started: list[int] = field(default_factory=list)
    busy: threading.Event = field(default_factory=threading.Event)


def slow_commits(
    monkeypatch: pytest.MonkeyPatch, source: FakeCallHistory, *, fail_on: int | None = None
) -> SlowCommits:
    """Make each commit take 50 ms on the database thread; the ``fail_on``-th commit (0-based)
    raises a disk error instead."""
    log = SlowCommits()
    real = sync_module._commit_page

    def commit(
        conn: sqlite3.Connection, calls: object, state: dict[str, object], done: object
    ) -> int:
        offset = int(state.get("offset", -1))  # type: ignore[call-overload]
        log.busy.set()
        log.started.append(offset)
        try:
            before = len(source.requests)
            time.sleep(0.05)
            if fail_on is not None and len(log.done) == fail_on:
                log.done.append((before, len(source.requests), -1))
                raise sqlite3.OperationalError("disk I/O error")
            log.done.append((before, len(source.requests), offset))
            return real(conn, calls, state, done)  # type: ignore[arg-type]
        finally:
            log.busy.clear()

    monkeypatch.setattr(sync_module, "_commit_page", commit)
    return log


async def test_pages_are_fetched_while_a_batch_is_committed_and_commits_stay_in_order(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = FakeCallHistory(make_calls(1050, start=START), delay=0.01)
    commits = slow_commits(monkeypatch, source)
    seen: list[SyncProgress] = []

    sync = syncer(db, source, page_size=100, batch_calls=300, batch_seconds=60)
    report = await sync.run(seen.append)

    assert (report.pages, report.calls_fetched, report.calls_new) == (11, 1050, 1050)
    assert await count(db) == 1050
    # Commits ran one after the other, in page order (the last one leaves the idle state)...
    offsets = [offset for _, _, offset in commits.done]
    assert offsets[:-1] == sorted(offsets[:-1]) and offsets[-1] == -1
    # ...and the source was asked for more pages while they ran.
    assert any(end > start for start, end, _ in commits.done)
    # Each report describes the batch it follows, not the pages fetched since.
    assert [p.calls_fetched for p in seen] == [p.offset for p in seen]
    assert [p.calls_new for p in seen] == [p.offset for p in seen]
    # The first page at once, then batches of at most 300 calls (fewer when the database
    # thread was free earlier), in order, ending with the last page.
    offsets_seen = [p.offset for p in seen]
    assert offsets_seen[0] == 100 and offsets_seen[-1] == 1050
    steps = [b - a for a, b in zip([0, *offsets_seen], offsets_seen, strict=False)]
    assert all(0 < step <= 300 for step in steps), steps


async def test_a_failed_commit_commits_nothing_fetched_after_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = FakeCallHistory(make_calls(1050, start=START))
    commits = slow_commits(monkeypatch, source, fail_on=1)

    with pytest.raises(StorageError, match="the disk reported an error"):
        await syncer(db, source, page_size=100, batch_calls=300).run()

    assert len(commits.done) == 2  # the first page, then the failure: nothing later written
    saved = await state(db)
    assert saved is not None and saved["offset"] == 100
    assert await count(db) == 100

    monkeypatch.undo()
    source.requests.clear()
    report = await syncer(db, source, page_size=100).run()
    assert source.offsets[0] == 100  # resumes after the last commit that happened
    assert report.calls_new == 950
    assert await count(db) == 1050


async def test_cancelled_while_a_batch_commits_keeps_that_batch_and_what_followed(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = FakeCallHistory(make_calls(1050, start=START), delay=0.01)
    commits = slow_commits(monkeypatch, source)
    task = asyncio.create_task(syncer(db, source, page_size=100, batch_calls=300).run())
    while len(source.requests) < 6 or not commits.busy.is_set():
        await asyncio.sleep(0.001)
    in_flight = commits.started[-1]
    task.cancel()  # while that commit runs on the database thread
    with pytest.raises(asyncio.CancelledError):
        await task

    saved = await state(db)
    assert saved is not None and saved["phase"] == "window"
    kept = int(saved["offset"])  # type: ignore[call-overload]
    assert await count(db) == kept
    assert in_flight in [offset for _, _, offset in commits.done]  # it was not cut short
    assert kept >= max(in_flight, 500)  # and the pages fetched after it were kept too
    assert commits.done[-1][2] == kept

    monkeypatch.undo()
    source.delay = 0
    source.requests.clear()
    report = await syncer(db, source, page_size=100).run()
    assert source.offsets[0] == kept
    assert await count(db) == 1050
    assert report.calls_new == 1050 - kept


async def test_a_failing_progress_callback_does_not_stop_the_sync(db: Database) -> None:
    source = FakeCallHistory(make_calls(2400, start=START))
    seen: list[SyncProgress] = []

    def progress(report: SyncProgress) -> None:
        seen.append(report)
        if len(seen) == 1:
            raise RuntimeError("the display went away")

    report = await syncer(db, source).run(progress)
    assert report.calls_new == 2400
    assert await count(db) == 2400
    assert len(seen) == 3


async def test_cancelled_twice_still_waits_for_the_commit_and_keeps_what_was_fetched(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stop, then the window closed: the second cancellation does not leave a commit running
    after ``run`` has returned, nor drop the pages fetched before the first."""
    source = FakeCallHistory(make_calls(1050, start=START), delay=0.01)
    commits = slow_commits(monkeypatch, source)
    task = asyncio.create_task(syncer(db, source, page_size=100, batch_calls=300).run())
    while len(source.requests) < 6 or not commits.busy.is_set():
        await asyncio.sleep(0.001)
    task.cancel()
    await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not commits.busy.is_set()  # nothing runs on after run() ended
    finished = len(commits.done)
    await asyncio.sleep(0.2)
    assert len(commits.done) == finished
    saved = await state(db)
    assert saved is not None
    assert await count(db) == int(saved["offset"]) >= 500  # type: ignore[call-overload]


async def test_cancelled_on_the_last_page_still_records_a_finished_sync(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = FakeCallHistory(make_calls(1050, start=START))
    commits = slow_commits(monkeypatch, source)
    sync = syncer(db, source, page_size=100, batch_calls=300, batch_seconds=60)
    task = asyncio.create_task(sync.run())
    # Wait for the commit before the last page's (page 11 is then in hand, or being committed).
    while not any(offset >= 1000 or offset == -1 for offset in commits.started):
        await asyncio.sleep(0.001)
    await asyncio.sleep(0.01)
    task.cancel()  # while the last batch waits for the one before it
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await count(db) == 1050
    saved = await state(db)
    assert saved is not None and saved["phase"] == "idle"
    assert await db.run(cache.get_meta, LAST_SYNC_META) is not None


# --- cursor rejected ---------------------------------------------------------------------


async def test_rejected_cursor_falls_back_to_a_window_before_newest_cached(db: Database) -> None:
    calls = make_calls(1500, start=START)
    source = FakeCallHistory(calls)
    first = await syncer(db, source).run()
    source.forgotten.add(first.cursor)  # type: ignore[arg-type]
    fresh = make_calls(30, start=START + timedelta(days=20), prefix="later")
    source.add(fresh)
    source.requests.clear()

    report = await syncer(db, source).run()

    newest_day = calls[-1].started_at.date()  # type: ignore[union-attr]
    assert source.requests[0].unique_id == first.cursor
    assert [(r.date_from, r.date_to, r.result_offset) for r in source.requests[1:]] == [
        (newest_day - timedelta(days=1), TODAY, 0)
    ]
    assert report.fell_back
    assert report.cursor == fresh[-1].unique_id
    assert report.calls_new == 30
    assert await count(db) == 1530  # calls fetched again were not duplicated


async def test_rejected_cursor_with_empty_cache_windows_the_default_span(db: Database) -> None:
    source = FakeCallHistory(make_calls(5, start=START))
    await db.run(cache.set_sync_state, STATE_KEY, {"phase": "idle", "cursor": "f" * 32})
    await syncer(db, source).run()
    assert source.requests[1].date_from == TODAY - timedelta(days=90)
    assert await count(db) == 5


async def test_other_invalid_requests_propagate(db: Database) -> None:
    source = FakeCallHistory(make_calls(5, start=START))
    await syncer(db, source).run()
    source.fail_request(
        len(source.requests), InvalidRequest("bad", code="result_limit_invalid", provider="fake")
    )
    with pytest.raises(InvalidRequest):
        await syncer(db, source).run()
    saved = await state(db)
    assert saved is not None and saved["phase"] == "idle"


# --- killed for real ---------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
async def test_sigkill_mid_sync_then_resume_gives_exact_rows(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    total, page = 450, 100
    db = await Database.open(path)  # created and migrated before the child starts
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.helpers.sync_child",
            str(path),
            str(total),
            str(page),
            "0.4",
            TODAY.isoformat(),
            START.isoformat(),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            saved = await state(db)
            if saved is not None and int(saved.get("offset", 0)) >= page:  # type: ignore[call-overload]
                break
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the child never committed a page"
            await asyncio.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    saved = await state(db)
    assert saved is not None and saved["phase"] == "window"
    committed = int(saved["offset"])  # type: ignore[call-overload]
    assert committed % page == 0 and page <= committed < total
    assert await count(db) == committed  # the page in flight left nothing behind

    source = FakeCallHistory(make_calls(total, start=START))
    report = await syncer(db, source, page_size=page).run()
    assert report.resumed
    assert source.offsets[0] == committed
    assert report.calls_new == total - committed
    assert await count(db) == total
    await db.close()
