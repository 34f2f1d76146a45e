"""Incremental call-history sync into the cache, resumable after any interruption.

The algorithm is the contract's "Incremental history" (``docs/providers/voicemeup.md``):

1. The first sync pages a date window ``[today - window_days, today]`` by offset until a page comes
   back short.
2. The newest call seen (latest time; for equal times, the later one in the answers) becomes the
   cursor; later syncs page ``unique_id=<cursor>`` the same way, then move the cursor on.
3. Each page's calls and the progress that follows them (phase, window or cursor, next offset,
   the newest call so far) are committed in one SQLite transaction (or several pages and the
   progress after the last, with ``batch_calls``). Commits run on the database thread in order,
   one at a time, while the next pages are fetched and parsed; if one fails, nothing fetched after
   it is committed. A sync killed at any point (even ``SIGKILL``) resumes at the first page not
   committed; calls are upserted by ``unique_id``, so a page fetched twice never duplicates
   anything.
4. If the provider rejects the cursor (``unique_id_invalid``), the sync falls back to a window
   starting one day before the newest cached call.

A window that yields no call at all leaves no cursor; the next sync windows again from the old
``date_to`` minus one day. At most two batches (the one being committed, the one being
gathered) and one page are held in memory at a time.

The stored progress (``sync_state`` key ``"history"``) is one of::

    {"phase": "window", "date_from": "2024-01-01", "date_to": "2024-03-31", "offset": 2000,
     "newest": {"unique_id": "...", "started_at": "2024-03-30T17:02:11"} | null}
    {"phase": "cursor", "cursor": "<unique_id>", "offset": 1000, "newest": {...} | null}
    {"phase": "idle", "cursor": "<unique_id>" | null, "resume_from": "2024-03-30" | null}
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from telephony_desktop.domain.errors import InvalidRequest
from telephony_desktop.domain.models import Call
from telephony_desktop.i18n import _
from telephony_desktop.providers.base import PAGE_SIZE, CallHistorySource
from telephony_desktop.providers.http import Waiting as Waiting  # what ``waiting`` hears
from telephony_desktop.providers.http import watch_waits
from telephony_desktop.providers.paging import PageGuard
from telephony_desktop.store.calls import newest_call, upsert_calls
from telephony_desktop.store.db import Database, transaction, wait_through_cancellation
from telephony_desktop.store.state import get_sync_state, set_meta, set_sync_state

log = logging.getLogger(__name__)

STATE_KEY = "history"
LAST_SYNC_META = "last_sync.calls"
CURSOR_REJECTED = "unique_id_invalid"

PHASE_WINDOW = "window"
PHASE_CURSOR = "cursor"
PHASE_IDLE = "idle"

# For a big account, pages can be committed together (``batch_calls``/``batch_seconds``): one commit
# per page rewrites the same index pages (``unique_id`` is random) over and over, which at a million
# cached calls costs more than parsing the pages. At a million, a commit of 10,000 calls writes
# ~1 index page per call to the WAL; 25,000 halves the commit time per call (bench/ingest.py:
# 0.49 -> 0.59 of the raw rate), for ~40 MB more held during a sync. What the History tab uses:
BATCH_CALLS = 25_000
BATCH_SECONDS = 1.0
# Pages in one phase of one run before the sync stops as "never ending": 5,000 pages of 1,000 is
# five times the biggest history we plan for; a provider that ignores the offset stops far sooner
# (``providers.paging``: the second page repeats the first).
MAX_PAGES_PER_PHASE = 5_000


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Reported after each committed page."""

    phase: str  # "window" or "cursor": what the page was asked by
    pages_done: int
    calls_fetched: int
    calls_new: int
    offset: int  # offset reached in the phase (after this page)


@dataclass(frozen=True, slots=True)
class SyncReport:
    pages: int
    calls_fetched: int
    calls_new: int
    cursor: str | None  # where the next sync starts (None: it windows again)
    resumed: bool  # this run continued an interrupted one
    fell_back: bool  # the provider rejected the cursor and a window was used instead
    finished_at: str  # ISO time, UTC, also stored as meta "last_sync.calls"


class SyncAlreadyRunning(RuntimeError):
    """``run`` was called on a ``HistorySync`` that is already running."""


def _newest_key(newest: dict[str, Any] | None) -> datetime | None:
    if newest is None or newest.get("started_at") is None:
        return None
    return datetime.fromisoformat(newest["started_at"])


def newest_of(newest: dict[str, Any] | None, page: Sequence[Call]) -> dict[str, Any] | None:
    """Fold a page (in answer order) into the newest call seen so far.

    Latest ``started_at`` wins; for equal times the later call in the answers wins. Calls with no
    time only count while no timed call has been seen.
    """
    best_id = None if newest is None else newest["unique_id"]
    best_at = _newest_key(newest)
    for call in page:
        at = call.started_at
        if at is None:
            if best_at is None:
                best_id = call.unique_id
            continue
        if best_at is None or at >= best_at:
            best_id, best_at = call.unique_id, at
    if best_id is None:
        return None
    started = None if best_at is None else best_at.isoformat(timespec="seconds")
    return {"unique_id": best_id, "started_at": started}


def _rejects_cursor(exc: InvalidRequest) -> bool:
    return exc.code == CURSOR_REJECTED or CURSOR_REJECTED in exc.codes


def _commit_page(
    conn: sqlite3.Connection, calls: Sequence[Call], state: dict[str, Any], finished_at: str | None
) -> int:
    with transaction(conn):
        new = upsert_calls(conn, calls)
        set_sync_state(conn, STATE_KEY, state)
        if finished_at is not None:
            set_meta(conn, LAST_SYNC_META, finished_at)
    return new


def _commit_state(conn: sqlite3.Connection, state: dict[str, Any]) -> None:
    with transaction(conn):
        set_sync_state(conn, STATE_KEY, state)


class HistorySync:
    """Brings the cached call history up to date from a :class:`CallHistorySource`."""

    def __init__(
        self,
        db: Database,
        source: CallHistorySource,
        *,
        window_days: int = 90,
        today: Callable[[], date] = date.today,
        page_size: int = PAGE_SIZE,
        batch_calls: int = 1,
        batch_seconds: float = 0.0,
        max_pages: int = MAX_PAGES_PER_PHASE,
    ) -> None:
        """``batch_calls``/``batch_seconds``: commit once that many calls are fetched, or a fifth
        of that while the database thread is idle (so the last commit, which nothing overlaps,
        stays short), or that long after the previous commit (default: every page). The first
        page of a run, the last, and the pages fetched before an error or a cancellation are
        committed at once, so a batch only changes how much a ``SIGKILL`` loses (the next sync
        fetches it again)."""
        if window_days < 0:
            raise ValueError("window_days must be >= 0")
        if not 1 <= page_size <= PAGE_SIZE:
            raise ValueError(f"page_size must be within 1..{PAGE_SIZE}")
        self._db = db
        self._source = source
        self._window_days = window_days
        self._today = today
        self._page_size = page_size
        self._batch_calls = batch_calls
        self._batch_seconds = batch_seconds
        self._max_pages = max_pages
        self._running = False

    @property
    def running(self) -> bool:
        return self._running

    async def run(
        self,
        progress: Callable[[SyncProgress], None] | None = None,
        waiting: Callable[[Waiting], None] | None = None,
    ) -> SyncReport:
        """Sync until the provider has nothing newer; report what was done.

        Provider errors propagate after the last good page is committed; ``CancelledError`` leaves
        the cache at the previous page. Either way the next ``run`` resumes where this one stopped.
        ``waiting`` hears, once a second, about a page the provider is slow to send (each page
        has the whole request budget, ``providers.http``).
        """
        if self._running:
            raise SyncAlreadyRunning("the call history sync is already running")
        self._running = True
        try:
            if waiting is None:
                return await self._run(progress)
            with watch_waits(waiting):
                return await self._run(progress)
        finally:
            self._running = False

    # the state machine

    @staticmethod
    def _window(date_from: date, today: date) -> dict[str, Any]:
        return {
            "phase": PHASE_WINDOW,
            "date_from": min(date_from, today).isoformat(),
            "date_to": today.isoformat(),
            "offset": 0,
            "newest": None,
        }

    def _begin(self, stored: dict[str, Any] | None) -> dict[str, Any]:
        """The active state to continue from (an interrupted phase) or to start with."""
        if stored is not None and stored.get("phase") in (PHASE_WINDOW, PHASE_CURSOR):
            return stored
        cursor = None if stored is None else stored.get("cursor")
        if cursor:
            return {"phase": PHASE_CURSOR, "cursor": cursor, "offset": 0, "newest": None}
        today = self._today()
        resume_from = None if stored is None else stored.get("resume_from")
        if resume_from:
            return self._window(date.fromisoformat(resume_from), today)
        return self._window(today - timedelta(days=self._window_days), today)

    def _after_page(self, state: dict[str, Any], page: Sequence[Call]) -> dict[str, Any]:
        newest = newest_of(state.get("newest"), page)
        if len(page) >= self._page_size:
            return {**state, "offset": int(state["offset"]) + len(page), "newest": newest}
        # The phase is exhausted: the newest call seen becomes the cursor.
        if newest is not None:
            return {"phase": PHASE_IDLE, "cursor": newest["unique_id"], "resume_from": None}
        if state["phase"] == PHASE_CURSOR:  # nothing new since the cursor
            return {"phase": PHASE_IDLE, "cursor": state["cursor"], "resume_from": None}
        resume = date.fromisoformat(state["date_to"]) - timedelta(days=1)
        return {"phase": PHASE_IDLE, "cursor": None, "resume_from": resume.isoformat()}

    def _fallback(self, conn: sqlite3.Connection, today: date) -> dict[str, Any]:
        newest = newest_call(conn)
        if newest is not None and newest.started_at is not None:
            start = newest.started_at.date() - timedelta(days=1)
        else:
            start = today - timedelta(days=self._window_days)
        state = self._window(start, today)
        _commit_state(conn, state)
        return state

    def _guard(self) -> PageGuard:
        return PageGuard(
            # Translators: stands for the provider's name in "The {what} from {provider} never
            # came to an end..." and "tell {provider}'s support" when the name is not known.
            provider=getattr(self._source, "display_name", None) or _("the provider"),
            # Translators: inserted into "The {what} from {provider} never came to an end...".
            what=_("call history pages"),
            max_pages=self._max_pages,
        )

    async def _fetch(self, state: dict[str, Any]) -> Sequence[Call]:
        if state["phase"] == PHASE_CURSOR:
            return await self._source.get_calls(
                unique_id=state["cursor"],
                result_limit=self._page_size,
                result_offset=int(state["offset"]),
            )
        return await self._source.get_calls(
            date_from=date.fromisoformat(state["date_from"]),
            date_to=date.fromisoformat(state["date_to"]),
            result_limit=self._page_size,
            result_offset=int(state["offset"]),
        )

    async def _run(self, progress: Callable[[SyncProgress], None] | None) -> SyncReport:
        stored = await self._db.run(get_sync_state, STATE_KEY)
        resumed = stored is not None and stored.get("phase") in (PHASE_WINDOW, PHASE_CURSOR)
        state = self._begin(stored)
        if resumed:
            log.info("history sync: resuming %s at offset %s", state["phase"], state["offset"])
        pages = fetched = new = 0
        fell_back = False
        guard = self._guard()
        # Pages fetched but not committed yet, the progress that follows them, and what to report.
        batch: list[Call] = []
        batch_state: dict[str, Any] | None = None
        batch_reports: list[tuple[str, int]] = []  # (phase, offset) of each page in the batch
        batch_finished: str | None = None  # set once the batch holds the last page
        last_commit = time.monotonic()
        # The batch being committed on the database thread while the next pages are fetched and
        # parsed: at most one, and a batch is only handed over once the one before it is done.
        pending: asyncio.Task[None] | None = None

        async def commit(
            calls: list[Call], next_state: dict[str, Any], finished_at: str | None,
            report: SyncProgress,
        ) -> None:  # fmt: skip
            nonlocal new, last_commit
            new += await self._db.run(_commit_page, calls, next_state, finished_at)
            last_commit = time.monotonic()
            if progress is not None:
                try:
                    progress(dataclasses.replace(report, calls_new=new))
                except Exception:  # the display's trouble, not the sync's: it goes on
                    log.exception("history sync: the progress callback failed")

        def take_batch() -> Coroutine[Any, Any, None]:
            """The commit of what was fetched so far (the progress it reports is as of now)."""
            nonlocal batch, batch_state, batch_finished
            assert batch_state is not None
            phase, offset = batch_reports[-1]
            report = SyncProgress(phase, pages, fetched, 0, offset)
            job = commit(batch, batch_state, batch_finished, report)
            batch, batch_state, batch_finished = [], None, None
            batch_reports.clear()
            return job

        async def settle() -> None:
            """Wait for the commit in flight; its failure is raised here (and it stays in
            ``pending``, so that nothing fetched after it is committed)."""
            nonlocal pending
            if pending is not None:
                await asyncio.shield(pending)
                pending = None

        # The next page is fetched (and parsed, on a worker thread) while the batch before it is
        # committed on the database thread.
        ahead: asyncio.Task[Sequence[Call]] | None = None
        try:
            while True:
                try:
                    if ahead is not None:
                        fetching, ahead = ahead, None
                        page = await fetching
                    else:
                        page = await self._fetch(state)
                except InvalidRequest as exc:
                    if state["phase"] != PHASE_CURSOR or fell_back or not _rejects_cursor(exc):
                        raise
                    log.warning(
                        "history sync: cursor %s rejected; windowing instead", state["cursor"]
                    )
                    if batch_state is not None:  # pragma: no cover - a cursor phase starts anew
                        await settle()
                        await take_batch()
                    await settle()
                    state = await self._db.run(self._fallback, self._today())
                    fell_back = True
                    guard = self._guard()
                    continue
                guard.check(int(state["offset"]), (call.unique_id for call in page))
                phase, offset = state["phase"], int(state["offset"]) + len(page)
                next_state = self._after_page(state, page)
                done = next_state["phase"] == PHASE_IDLE
                batch.extend(page)
                batch_state = next_state
                batch_reports.append((phase, offset))
                pages += 1
                fetched += len(page)
                state = next_state
                if not done:
                    ahead = asyncio.ensure_future(self._fetch(next_state))
                if done:
                    finished_at = batch_finished = datetime.now(UTC).isoformat(timespec="seconds")
                    await settle()
                    await take_batch()
                    log.info("history sync: %d pages, %d calls, %d new", pages, fetched, new)
                    return SyncReport(
                        pages=pages,
                        calls_fetched=fetched,
                        calls_new=new,
                        cursor=state["cursor"],
                        resumed=resumed,
                        fell_back=fell_back,
                        finished_at=finished_at,
                    )
                db_free = pending is None or pending.done()
                if (
                    pages == 1  # the first calls show at once
                    or len(batch) >= self._batch_calls
                    or (db_free and len(batch) * 5 >= self._batch_calls)
                    or time.monotonic() - last_commit >= self._batch_seconds
                ):
                    await settle()
                    pending = asyncio.ensure_future(take_batch())
        except BaseException:
            # A provider error, a failed commit or a cancellation: what was fetched is kept (a
            # commit itself cannot be interrupted), unless a commit before it failed: then the
            # progress after it would skip calls that are not in the cache. A second
            # cancellation (Stop, then the window closed) does not cut this short.
            if ahead is not None:
                ahead.cancel()  # nothing more is fetched
            cancelled_again = False
            committed = True
            if pending is not None:
                cancelled_again = await wait_through_cancellation(pending)
                failure = None if pending.cancelled() else pending.exception()
                committed = not pending.cancelled() and failure is None
                if failure is not None and failure is not sys.exception():
                    log.warning("history sync: a commit failed", exc_info=failure)
            if committed and batch_state is not None:
                try:
                    await take_batch()
                except asyncio.CancelledError:  # Database.run waited for the commit itself
                    cancelled_again = True
            if cancelled_again and not isinstance(sys.exception(), asyncio.CancelledError):
                raise asyncio.CancelledError from sys.exception()
            raise
        finally:
            if ahead is not None:
                ahead.cancel()
                await asyncio.gather(ahead, return_exceptions=True)
