"""The voicemail watcher against the sandbox, on a real SQLite cache: one notification per new
message, none repeated after a restart, one summary after a burst, quiet first run, heard messages
never announced, backoff with jitter on failures."""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from telephony_desktop.domain.errors import AuthenticationError, ProviderUnavailable
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.session import AccountSession, open_cache
from telephony_desktop.services.voicemail import VoicemailService
from telephony_desktop.services.voicemail_watch import (
    NewVoicemail,
    UnreadChanged,
    VoicemailSummary,
    VoicemailWatcher,
    WatchError,
    WatchEvent,
    is_primed,
)
from telephony_desktop.store import media, settings
from tests.helpers.sandbox import make_client

NOW = datetime(2026, 11, 22, 14, 0)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """The shared sandbox, with a fixed clock (overrides tests.helpers.sandbox.sandbox)."""
    with SandboxServer(seed=1234, call_count=200, now=NOW) as server:
        yield server


Opener = Callable[[], Awaitable[AccountSession]]


@pytest.fixture
async def open_account(sandbox: SandboxServer, tmp_path: Path) -> AsyncIterator[Opener]:
    """Opens the account `office` on the sandbox with its cache under tmp_path; opening again
    after closing is an app restart (same cache file)."""
    account = settings.Account(
        name="office",
        provider="voicemeup",
        account_id=sandbox.account_id,
        base_url=sandbox.base_url,
        region="CA",
    )
    opened: list[AccountSession] = []

    async def opener() -> AccountSession:
        db, audio = await open_cache(account, tmp_path / "data")
        s = AccountSession(account, make_client(sandbox), db, audio)
        opened.append(s)
        return s

    try:
        yield opener
    finally:
        for s in opened:
            await s.aclose()  # idempotent: some tests close (restart) themselves


@pytest.fixture
async def session(open_account: Opener) -> AccountSession:
    return await open_account()


def watcher_for(session: AccountSession, **kwargs: object) -> VoicemailWatcher:
    options: dict[str, object] = {"interval_s": 30, "rng": random.Random(7), **kwargs}
    return VoicemailWatcher(session, **options)  # type: ignore[arg-type]


def announced(events: list[WatchEvent]) -> list[NewVoicemail | VoicemailSummary]:
    return [e for e in events if isinstance(e, NewVoicemail | VoicemailSummary)]


def new_ids(events: list[WatchEvent]) -> list[str]:
    return [e.voicemail_id for e in events if isinstance(e, NewVoicemail)]


def sandbox_unread(sandbox: SandboxServer) -> int:
    return sum(1 for v in sandbox.state.list_voicemails() if v.status == "new")


# --- what is announced -------------------------------------------------------------------------


async def test_first_run_announces_nothing_and_takes_the_mailbox_as_seen(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    assert sandbox_unread(sandbox) > 0  # the seeded mailbox has unheard messages
    watcher = watcher_for(session)
    assert not await session.db.run(is_primed)
    events = await watcher.check_once()
    assert events == [UnreadChanged(sandbox_unread(sandbox))]
    assert await session.db.run(is_primed)
    cached = await session.db.run(media.list_voicemails)
    assert len(cached) == len(sandbox.state.voicemails) and all(c.notified for c in cached)
    assert await watcher.check_once() == []  # nothing new, unread count unchanged


async def test_the_tab_refreshing_first_does_not_make_the_first_run_loud(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    await VoicemailService(session).refresh()  # the Voicemail tab got there before the watcher
    assert announced(await watcher_for(session).check_once()) == []


async def test_each_new_voicemail_is_announced_once_with_caller_and_length(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    watcher = watcher_for(session)
    await watcher.check_once()
    unread = sandbox_unread(sandbox)
    vm_id = sandbox.state.add_voicemail(
        callerid_name="Jean Côté", callerid_number="5145550123", duration=42, when=NOW
    )
    events = await watcher.check_once()
    assert events == [
        NewVoicemail(
            voicemail_id=str(vm_id),
            caller_name="Jean Côté",
            caller_number_display="(514) 555-0123",
            duration_s=42,
            received_at=NOW,
        ),
        UnreadChanged(unread + 1),
    ]
    assert await watcher.check_once() == []
    second = sandbox.state.add_voicemail(
        callerid_name="", callerid_number="+33123456789", duration=20, when=NOW
    )
    events = await watcher.check_once()
    assert announced(events) == [NewVoicemail(str(second), "", "+33 1 23 45 67 89", 20, NOW)]
    assert await watcher.check_once() == []


async def test_voicemails_delivered_over_time_through_the_control_api(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    """The loop itself: the sandbox gets a message between polls (sent the way a test harness or
    the demo does, over the control route); each poll announces exactly that one."""
    events: list[WatchEvent] = []
    added: list[str] = []
    ticks = asyncio.Event()

    async def fake_sleep(_delay: float) -> None:
        if len(added) == 3:
            ticks.set()
            await asyncio.Event().wait()  # park until cancelled
        async with httpx.AsyncClient() as http:
            reply = await http.post(
                f"{sandbox.origin}/_sandbox/voicemails",
                json={"callerid_name": f"Caller {len(added)}", "duration": 10 + len(added)},
            )
        reply.raise_for_status()
        added.append(str(reply.json()["call_voicemail_id"]))

    watcher = watcher_for(session, on_event=events.append, sleep=fake_sleep)
    task = asyncio.create_task(watcher.run())
    try:
        await asyncio.wait_for(ticks.wait(), 10)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    news = [e for e in events if isinstance(e, NewVoicemail)]
    assert [n.voicemail_id for n in news] == added
    assert [(n.caller_name, n.duration_s) for n in news] == [
        ("Caller 0", 10),
        ("Caller 1", 11),
        ("Caller 2", 12),
    ]
    assert not [e for e in events if isinstance(e, VoicemailSummary | WatchError)]


async def test_nothing_is_repeated_after_a_restart(
    open_account: Opener, sandbox: SandboxServer
) -> None:
    first = await open_account()
    watcher = watcher_for(first)
    await watcher.check_once()
    a = sandbox.state.add_voicemail()
    b = sandbox.state.add_voicemail()
    assert new_ids(await watcher.check_once()) == [str(a), str(b)]
    await first.aclose()

    # Restarted, nothing new: not a word (the unread count is reported afresh).
    second = await open_account()
    again = watcher_for(second)
    events = await again.check_once()
    assert announced(events) == []
    assert events == [UnreadChanged(sandbox_unread(sandbox))]
    await second.aclose()

    # One arrived while the app was closed: that one only.
    c = sandbox.state.add_voicemail()
    third = await open_account()
    events = await watcher_for(third).check_once()
    assert announced(events) == [e for e in events if isinstance(e, NewVoicemail)]
    assert new_ids(events) == [str(c)]


async def test_a_burst_gives_one_summary(session: AccountSession, sandbox: SandboxServer) -> None:
    watcher = watcher_for(session, burst_threshold=3)
    await watcher.check_once()
    ids = [sandbox.state.add_voicemail(when=NOW) for _ in range(5)]
    events = announced(await watcher.check_once())
    assert events == [VoicemailSummary(count=5, newest_id=str(max(ids)))]
    assert announced(await watcher.check_once()) == []
    # At the threshold, still one each.
    three = [sandbox.state.add_voicemail() for _ in range(3)]
    events = await watcher.check_once()
    assert announced(events) == [e for e in events if isinstance(e, NewVoicemail)]
    assert new_ids(events) == [str(i) for i in three]


async def test_a_long_time_offline_gives_one_summary_after_the_restart(
    open_account: Opener, sandbox: SandboxServer
) -> None:
    first = await open_account()
    await watcher_for(first).check_once()
    await first.aclose()
    newest = max(sandbox.state.add_voicemail() for _ in range(5))
    events = announced(await watcher_for(await open_account()).check_once())
    assert events == [VoicemailSummary(count=5, newest_id=str(newest))]


async def test_heard_voicemails_are_never_announced(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    watcher = watcher_for(session)
    await watcher.check_once()
    service = VoicemailService(session)
    sandbox.state.add_voicemail(status="heard")  # heard elsewhere before the poll
    played = sandbox.state.add_voicemail()
    await service.refresh()  # the tab listed it and the user played it before the watcher polled
    await service.mark_heard(str(played))
    assert announced(await watcher.check_once()) == []
    await service.mark_heard(str(played), heard=False)  # marked unheard again: still not news
    assert announced(await watcher.check_once()) == []


# --- failures, backoff, jitter -----------------------------------------------------------------


class Clock:
    """An injected sleep: records each delay; after ``stop_after`` waits it parks until the
    watcher is cancelled. ``on_wait(n)`` runs at each wait (n = waits so far)."""

    def __init__(self, stop_after: int, on_wait: Callable[[int], None] | None = None) -> None:
        self.delays: list[float] = []
        self.stop_after = stop_after
        self.on_wait = on_wait
        self.done = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self.on_wait is not None:
            self.on_wait(len(self.delays))
        if len(self.delays) >= self.stop_after:
            self.done.set()
            await asyncio.Event().wait()
        await asyncio.sleep(0)

    async def run(self, watcher: VoicemailWatcher) -> None:
        task = asyncio.create_task(watcher.run())
        try:
            await asyncio.wait_for(self.done.wait(), 15)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task


async def test_failures_back_off_doubling_to_the_cap_and_reset_on_success(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    sandbox.faults.add("get_voicemails", "http_error", count=None, status=502)

    def heal(waits: int) -> None:
        if waits == 6:
            sandbox.faults.clear()

    events: list[WatchEvent] = []
    clock = Clock(stop_after=8, on_wait=heal)
    watcher = watcher_for(session, jitter=0.0, backoff_cap=10, sleep=clock, on_event=events.append)
    await clock.run(watcher)
    # 6 failures: 60, 120, 240, then the cap (10 x 30 s); then success: back to the interval.
    assert clock.delays == [60, 120, 240, 300, 300, 300, 30, 30]
    errors = [e for e in events if isinstance(e, WatchError)]
    assert [e.failures for e in errors] == [1, 2, 3, 4, 5, 6]
    assert [e.retry_in_s for e in errors] == [60, 120, 240, 300, 300, 300]
    assert all(isinstance(e.error, ProviderUnavailable) for e in errors)
    assert watcher.failures == 0
    assert isinstance(events[-1], UnreadChanged)  # the first success primed quietly


async def test_a_refusal_waits_the_longest_at_once(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    sandbox.faults.add("get_voicemails", "error", code="authentication_failed", count=None)
    events: list[WatchEvent] = []
    clock = Clock(stop_after=2)
    watcher = watcher_for(session, jitter=0.0, sleep=clock, on_event=events.append)
    await clock.run(watcher)
    assert clock.delays == [300, 300]
    assert all(isinstance(e, WatchError) for e in events)
    assert isinstance(events[0], WatchError) and isinstance(events[0].error, AuthenticationError)


async def test_retry_after_is_honoured_within_the_cap(session: AccountSession) -> None:
    watcher = watcher_for(session, jitter=0.0)
    watcher._failures = 1  # as after one failed poll
    assert watcher.next_delay(ProviderUnavailable("busy", retry_after=200)) == 200
    assert watcher.next_delay(ProviderUnavailable("busy", retry_after=5000)) == 300
    assert watcher.next_delay(ProviderUnavailable("busy", retry_after=1)) == 60


async def test_jitter_stays_within_its_bounds(session: AccountSession) -> None:
    watcher = watcher_for(session, jitter=0.1, rng=random.Random(42))
    delays = [watcher.next_delay() for _ in range(2000)]
    assert all(27 <= d <= 33 for d in delays)
    assert min(delays) < 27.3 and max(delays) > 32.7  # it does spread
    watcher._failures = 2
    backed = [watcher.next_delay(ProviderUnavailable("x")) for _ in range(500)]
    assert all(108 <= d <= 132 for d in backed)
    watcher._failures = 50
    capped = [watcher.next_delay(ProviderUnavailable("x")) for _ in range(500)]
    assert all(270 <= d <= 330 for d in capped)


async def test_a_failing_handler_does_not_stop_the_watcher(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    seen: list[WatchEvent] = []

    def handler(event: WatchEvent) -> None:
        seen.append(event)
        raise RuntimeError("the UI broke")

    def deliver(_waits: int) -> None:
        sandbox.state.add_voicemail()

    clock = Clock(stop_after=3, on_wait=deliver)
    await clock.run(watcher_for(session, sleep=clock, on_event=handler))
    assert len([e for e in seen if isinstance(e, NewVoicemail)]) == 2
    assert clock.delays and all(27 <= d <= 33 for d in clock.delays)


async def test_poll_now_cuts_the_wait_short(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    events: list[WatchEvent] = []
    polled = asyncio.Event()

    def on_event(event: WatchEvent) -> None:
        events.append(event)
        polled.set()

    watcher = watcher_for(session, interval_s=3600, on_event=on_event)  # real asyncio.sleep
    task = asyncio.create_task(watcher.run())
    try:
        await asyncio.wait_for(polled.wait(), 10)  # the first poll, then an hour's wait
        polled.clear()
        vm_id = sandbox.state.add_voicemail()
        watcher.poll_now()
        await asyncio.wait_for(polled.wait(), 10)
        assert new_ids(events) == [str(vm_id)]
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    fake = object()
    with pytest.raises(ValueError):
        VoicemailWatcher(fake, interval_s=0.1, service=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        VoicemailWatcher(fake, jitter=1.5, service=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        VoicemailWatcher(fake, burst_threshold=0, service=object())  # type: ignore[arg-type]


def test_the_watcher_and_resources_do_not_import_qt() -> None:
    code = (
        "import sys, telephony_desktop.services.voicemail_watch, telephony_desktop.resources\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('PySide6'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
