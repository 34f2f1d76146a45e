"""Fault matrix, paged reads × pages that never advance, over real HTTP on loopback.

A provider that ignores ``result_offset`` (``stuck_pages``: every page is the first again, and a
``unique_id`` cursor does not move either) or that never stops sending full pages of new records
(``endless_pages``) must end every paged read with ``PagingStalled``: a sentence in both
languages, after a bounded number of pages, what came before kept, and the command line's exit
status the documented one for an unreadable provider (4).
"""

from __future__ import annotations

import resource
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from telephony_desktop.domain.errors import PagingStalled
from telephony_desktop.i18n import using
from telephony_desktop.providers.base import PAGE_SIZE
from telephony_desktop.providers.voicemeup.client import MAX_VOICEMAIL_PAGES, VoiceMeUpClient
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.sync import STATE_KEY, HistorySync
from telephony_desktop.store.calls import count_calls
from telephony_desktop.store.db import Database
from telephony_desktop.store.state import get_sync_state
from tests.helpers.cli import Cli, add_voicemeup_account
from tests.helpers.sandbox import make_client

KINDS = ["stuck_pages", "endless_pages"]
PAGE = 20  # the sync's page size here: small, so a 300-call history has many pages
MAX_PAGES = 6


@pytest.fixture
def sandbox() -> AsyncIterator[SandboxServer]:
    with SandboxServer(seed=1234, call_count=300) as server:
        yield server  # type: ignore[misc]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "cache.sqlite3")
    try:
        yield database
    finally:
        await database.close()


def _sync(db: Database, client: VoiceMeUpClient) -> HistorySync:
    return HistorySync(db, client, window_days=3650, page_size=PAGE, max_pages=MAX_PAGES)


def _bilingual(exc: PagingStalled, in_french: PagingStalled) -> None:
    """The same stall, met with messages in English and then in French."""
    for each in (exc, in_french):
        assert each.provider == "VoiceMeUp" and each.code == exc.code
        assert not each.retryable
    assert "VoiceMeUp" in str(exc) and "VoiceMeUp" in str(in_french)
    assert str(exc) != str(in_french)
    assert str(in_french).startswith("Les pages de ")


async def _window(db: Database, client: VoiceMeUpClient, sandbox: SandboxServer) -> None:
    await _sync(db, client).run()


async def _cursor(db: Database, client: VoiceMeUpClient, sandbox: SandboxServer) -> None:
    """A first sync sets the cursor; then more than a page of new calls arrives."""
    faults = sandbox.faults.active()
    sandbox.faults.clear()
    await HistorySync(db, client, window_days=3650).run()
    for _ in range(3 * PAGE):
        sandbox.state.add_call()
    for fault in faults:
        sandbox.faults.add(fault.request_type, fault.kind, count=None)
    await _sync(db, client).run()


PHASES: dict[str, Callable[[Database, VoiceMeUpClient, SandboxServer], Awaitable[None]]] = {
    "window": _window,
    "cursor": _cursor,
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("phase", PHASES)
async def test_history_sync_stops_on_pages_that_do_not_advance(
    sandbox: SandboxServer, db: Database, kind: str, phase: str
) -> None:
    sandbox.faults.add("get_calls", kind, count=None)
    async with make_client(sandbox) as client:
        with pytest.raises(PagingStalled) as caught:
            await PHASES[phase](db, client, sandbox)
    asked = [e for e in sandbox.request_log if e.request_type == "get_calls"]
    limit = 2 if kind == "stuck_pages" else MAX_PAGES + 1  # the page that repeated, or the cap
    assert len(asked) <= limit + (1 if phase == "cursor" else 0) + 1  # +1: one fetched ahead
    assert caught.value.code == ("page_repeated" if kind == "stuck_pages" else "page_cap")
    # What came before the stall is in the cache, and the progress says where to resume.
    state = await db.run(get_sync_state, STATE_KEY)
    assert state is not None and state["phase"] in ("window", "cursor")
    cached = await db.run(count_calls)
    assert cached >= PAGE
    assert int(state["offset"]) % PAGE == 0 and int(state["offset"]) >= PAGE
    # Resumed with messages in French, the provider still does not advance: the same stall.
    async with make_client(sandbox) as client:
        with using("fr"), pytest.raises(PagingStalled) as in_french:
            await _sync(db, client).run()
    _bilingual(caught.value, in_french.value)


async def test_a_stalled_sync_resumes_when_the_provider_behaves(
    sandbox: SandboxServer, db: Database
) -> None:
    sandbox.faults.add("get_calls", "stuck_pages", count=None)
    async with make_client(sandbox) as client:
        with pytest.raises(PagingStalled):
            await _sync(db, client).run()
        sandbox.faults.clear()
        report = await HistorySync(db, client, window_days=3650, page_size=PAGE).run()
    assert report.resumed
    assert await db.run(count_calls) == sandbox.state.call_count


@pytest.mark.parametrize("kind", KINDS)
async def test_voicemail_listing_stops_with_bounded_memory(
    sandbox: SandboxServer, kind: str
) -> None:
    # Full pages: more voicemails than one page holds, so "a full page means more" is tested.
    for _ in range(PAGE_SIZE - len(sandbox.state.voicemails) + 5):
        sandbox.state.add_voicemail()
    sandbox.faults.add("get_voicemails", kind, count=None)
    tracemalloc.start()
    try:
        async with make_client(sandbox) as client:
            with pytest.raises(PagingStalled) as caught:
                await client.list_voicemails()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    asked = [e for e in sandbox.request_log if e.request_type == "get_voicemails"]
    assert len(asked) == (2 if kind == "stuck_pages" else MAX_VOICEMAIL_PAGES + 1)
    async with make_client(sandbox) as client:
        with using("fr"), pytest.raises(PagingStalled) as in_french:
            await client.list_voicemails()
    _bilingual(caught.value, in_french.value)
    # 21 pages of 1,000 messages at most: far below what "forever" grew to (1 GB in 30 s).
    assert peak < 200 * 1024 * 1024


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (("history", "sync"), "stuck_pages"),  # (endless pages reach the sync's cap: above)
        (("voicemail", "list"), "stuck_pages"),
        (("voicemail", "list"), "endless_pages"),
    ],
)
def test_cli_ends_with_the_unreadable_provider_status(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sandbox: SandboxServer,
    kind: str,
    command: tuple[str, str],
) -> None:
    run = Cli(capsys)
    add_voicemeup_account(
        run, monkeypatch, account_id=sandbox.account_id, base_url=sandbox.base_url,
        token=sandbox.auth_token,
    )  # fmt: skip
    if command[0] == "voicemail":
        for _ in range(PAGE_SIZE):
            sandbox.state.add_voicemail()
    else:
        for _ in range(2 * PAGE_SIZE):
            sandbox.state.add_call()
    sandbox.faults.add("get_calls" if command[0] == "history" else "get_voicemails", kind,
                       count=None)  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = run(*command)
    assert code == 4, run.err
    assert run.err.startswith("telephony-desktop: ") and run.err.count("\n") == 1
    assert "never came to an end" in run.err
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 400 * 1024
