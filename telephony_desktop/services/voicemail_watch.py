"""The voicemail watcher: polls the mailbox and says when a new message arrives, once.

Qt-free and asyncio only; the UI turns its events into tray notifications::

    watcher = VoicemailWatcher(session, interval_s=config.poll_interval_s, on_event=handle)
    task = asyncio.create_task(watcher.run())      # cancel it to stop
    events = await watcher.check_once()            # or one poll by hand (tests, "check now")

What the user has been told lives in the account's cache, so a restart never repeats it:

- each cached voicemail has a ``notified`` flag (``store/media.py``) that survives every refresh
  of the list; a poll claims the new, unheard, not yet notified messages and sets their flag in
  the same transaction (at most once: a crash between the commit and the notification loses that
  notification rather than repeating it);
- the ``voicemail_watch`` entry of ``sync_state`` records that the mailbox has been *primed*. The
  very first poll of an account (a new cache) announces nothing: it marks the whole existing
  mailbox as notified, so opening the app for the first time does not raise twenty notifications
  (the unread count still shows them: see :class:`UnreadChanged`);
- heard messages (by the provider's status or played here) are never announced, and are marked
  notified as soon as they are seen, so marking one unheard later does not announce it either.

More than ``burst_threshold`` messages in one poll (a burst, or a long time offline) give one
:class:`VoicemailSummary` instead of a notification each.

Polls happen every ``interval_s`` give or take ``jitter`` (a fraction: 0.1 is ±10 %). After a
failure the delay doubles (up to ``backoff_cap`` × the interval) until a poll succeeds; a refusal
that waiting cannot fix (bad credentials) goes straight to the cap; a ``Retry-After`` from the
provider is honoured. Each failure is reported as a :class:`WatchError`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from telephony_desktop.domain.errors import ProviderError, ProviderUnavailable
from telephony_desktop.domain.numbers import display
from telephony_desktop.services.session import AccountSession
from telephony_desktop.services.voicemail import VoicemailService
from telephony_desktop.store import media
from telephony_desktop.store.convert import utc_now_iso
from telephony_desktop.store.db import transaction
from telephony_desktop.store.state import get_sync_state, set_sync_state

log = logging.getLogger(__name__)

STATE_KEY = "voicemail_watch"
DEFAULT_INTERVAL_S = 30.0
DEFAULT_JITTER = 0.1
DEFAULT_BACKOFF_CAP = 10.0
DEFAULT_BURST_THRESHOLD = 3
MIN_INTERVAL_S = 1.0


# --- events ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewVoicemail:
    """One new message. ``caller_number_display`` is formatted for the account's region."""

    voicemail_id: str
    caller_name: str
    caller_number_display: str
    duration_s: int
    received_at: datetime | None


@dataclass(frozen=True, slots=True)
class VoicemailSummary:
    """Several new messages at once (a burst, or after a long time offline)."""

    count: int
    newest_id: str


@dataclass(frozen=True, slots=True)
class UnreadChanged:
    """The number of new (unheard) messages in the cache, when it changed since the last poll."""

    count: int


@dataclass(frozen=True, slots=True)
class WatchError:
    """A poll failed; the watcher tries again in ``retry_in_s`` seconds.

    ``failures`` counts consecutive failures (1 for the first): a UI may stay quiet until the
    problem lasts. ``error`` is the exception (a ``TelephonyError`` has ``user_message()``).
    """

    error: Exception
    failures: int
    retry_in_s: float


WatchEvent = NewVoicemail | VoicemailSummary | UnreadChanged | WatchError
Sleep = Callable[[float], Awaitable[object]]


# --- the cache side (runs on the database thread) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class _Claim:
    primed_now: bool
    taken_as_seen: int  # on the priming poll: the existing mailbox, marked without a word
    fresh: tuple[media.CachedVoicemail, ...]  # to announce, oldest first
    unread: int


def _claim(conn: sqlite3.Connection) -> _Claim:
    """Take the messages to announce and mark them (and every heard one) notified, atomically."""
    with transaction(conn):
        state = get_sync_state(conn, STATE_KEY) or {}
        primed = bool(state.get("primed"))
        cached = media.list_voicemails(conn)
        unread = sum(1 for c in cached if c.is_new)
        if not primed:
            quiet = [c.voicemail.voicemail_id for c in cached if not c.notified]
            fresh: list[media.CachedVoicemail] = []
            state = {**state, "primed": True, "primed_at": utc_now_iso()}
        else:
            quiet = [c.voicemail.voicemail_id for c in cached if not c.notified and not c.is_new]
            fresh = media.unnotified_voicemails(conn)
        claimed = quiet + [c.voicemail.voicemail_id for c in fresh]
        if claimed:
            media.mark_voicemails_notified(conn, claimed)
        set_sync_state(conn, STATE_KEY, {**state, "last_check_at": utc_now_iso()})
    return _Claim(
        primed_now=not primed,
        taken_as_seen=len(quiet) if not primed else 0,
        fresh=tuple(fresh),
        unread=unread,
    )


def is_primed(conn: sqlite3.Connection) -> bool:
    """Whether this cache has been watched before (its first poll announced nothing)."""
    return bool((get_sync_state(conn, STATE_KEY) or {}).get("primed"))


# --- the watcher -------------------------------------------------------------------------------


class VoicemailWatcher:
    """Polls one account's mailbox; reports :data:`WatchEvent` values through ``on_event``."""

    def __init__(
        self,
        session: AccountSession,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        jitter: float = DEFAULT_JITTER,
        backoff_cap: float = DEFAULT_BACKOFF_CAP,
        burst_threshold: int = DEFAULT_BURST_THRESHOLD,
        on_event: Callable[[WatchEvent], None] | None = None,
        service: VoicemailService | None = None,
        rng: random.Random | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if not 0 <= jitter < 1:
            raise ValueError("jitter must be a fraction in [0, 1)")
        if backoff_cap < 1:
            raise ValueError("backoff_cap must be >= 1 (a multiple of the interval)")
        if burst_threshold < 1:
            raise ValueError("burst_threshold must be >= 1")
        self._session = session
        self._service = service or VoicemailService(session)
        self._interval_s = 0.0
        self.interval_s = interval_s
        self.jitter = jitter
        self.backoff_cap = backoff_cap
        self.burst_threshold = burst_threshold
        self.on_event = on_event
        self._rng = rng or random.Random()  # timing jitter, not security
        self._sleep = sleep
        self._failures = 0
        self._unread: int | None = None
        self._wake = asyncio.Event()

    # --- settings ------------------------------------------------------------------------------

    @property
    def interval_s(self) -> float:
        return self._interval_s

    @interval_s.setter
    def interval_s(self, value: float) -> None:
        """Takes effect from the next wait (Settings may change it while running)."""
        if value < MIN_INTERVAL_S:
            raise ValueError(f"interval_s must be at least {MIN_INTERVAL_S} s")
        self._interval_s = float(value)

    @property
    def failures(self) -> int:
        """Consecutive failed polls (0 after a success)."""
        return self._failures

    @property
    def unread(self) -> int | None:
        """New messages in the cache at the last successful poll (None before the first)."""
        return self._unread

    # --- one poll ------------------------------------------------------------------------------

    async def check_once(self) -> list[WatchEvent]:
        """Refresh the mailbox from the provider and return what to tell the user.

        Raises what the refresh raises (the caller decides about retrying); does not call
        ``on_event`` (:meth:`run` does) and does not touch the backoff.
        """
        await self._service.refresh()
        claim = await self._session.db.run(_claim)
        events: list[WatchEvent] = []
        if claim.primed_now:
            log.info(
                "voicemail watch: first poll of this cache, %d message(s) taken as seen",
                claim.taken_as_seen,
            )
        fresh = claim.fresh
        if len(fresh) > self.burst_threshold:
            events.append(VoicemailSummary(len(fresh), _newest(fresh).voicemail.voicemail_id))
        else:
            events.extend(self._announce(c) for c in fresh)
        if claim.unread != self._unread:
            self._unread = claim.unread
            events.append(UnreadChanged(claim.unread))
        if fresh:
            log.info("voicemail watch: %d new message(s)", len(fresh))
        return events

    def _announce(self, cached: media.CachedVoicemail) -> NewVoicemail:
        vm = cached.voicemail
        return NewVoicemail(
            voicemail_id=vm.voicemail_id,
            caller_name=vm.callerid_name.strip(),
            caller_number_display=display(vm.callerid_number, self._session.region),
            duration_s=vm.duration_s,
            received_at=vm.received_at,
        )

    # --- timing --------------------------------------------------------------------------------

    def next_delay(self, error: BaseException | None = None) -> float:
        """Seconds until the next poll, jittered; after ``failures`` consecutive failures the
        interval doubles each time, up to ``backoff_cap`` × the interval."""
        base = self._interval_s
        cap = base * self.backoff_cap
        if self._failures:
            retryable = not isinstance(error, ProviderError) or error.retryable
            base = min(base * 2 ** min(self._failures, 32), cap) if retryable else cap
        delay = base * (1 + self._rng.uniform(-self.jitter, self.jitter))
        if isinstance(error, ProviderUnavailable) and error.retry_after:
            delay = max(delay, min(error.retry_after, cap))
        return delay

    def poll_now(self) -> None:
        """Cut the current wait short: :meth:`run` polls at once (e.g. "check now")."""
        self._wake.set()

    async def _wait(self, delay: float) -> None:
        # A poll_now() made during the poll before is honoured: that wait ends at once.
        sleeper = asyncio.ensure_future(self._sleep(delay))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for fut in (sleeper, waker):
                fut.cancel()
            await asyncio.gather(sleeper, waker, return_exceptions=True)
        self._wake.clear()

    # --- the loop ------------------------------------------------------------------------------

    async def run(self, *, initial_delay_s: float = 0.0) -> None:
        """Poll until cancelled. Failures never end the loop: they are reported and backed off."""
        if initial_delay_s > 0:
            await self._wait(initial_delay_s)
        while True:
            try:
                events = await self.check_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # reported as WatchError; the loop goes on
                self._failures += 1
                if not isinstance(exc, ProviderError):
                    log.warning("voicemail watch: poll failed", exc_info=exc)
                else:
                    log.info("voicemail watch: poll failed (%s): %s", type(exc).__name__, exc)
                delay = self.next_delay(exc)
                events = [WatchError(exc, self._failures, delay)]
            else:
                self._failures = 0
                delay = self.next_delay()
            self._emit(events)
            await self._wait(delay)

    def _emit(self, events: Sequence[WatchEvent]) -> None:
        if self.on_event is None:
            return
        for event in events:
            try:
                self.on_event(event)
            except Exception:
                log.exception("voicemail watch: on_event failed for %r", event)


def _newest(items: Sequence[media.CachedVoicemail]) -> media.CachedVoicemail:
    def key(c: media.CachedVoicemail) -> tuple[datetime, int, str]:
        vm_id = c.voicemail.voicemail_id
        return (c.voicemail.received_at or datetime.min, len(vm_id), vm_id)  # "10" after "9"

    return max(items, key=key)
