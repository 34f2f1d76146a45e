"""HTTP plumbing shared by every adapter: client factory, error mapping, retry, redaction.

Reads may be retried with bounded, jittered exponential backoff. Writes (placing a call, ordering a
number, changing E911, deleting) are sent once: if the request may have reached the provider and no
clear answer came back, the caller gets ``OutcomeUnknown`` instead of a blind retry.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TypeVar

import httpx

from telephony_desktop import __version__
from telephony_desktop.domain.errors import (
    ConnectionDropped,
    ConnectionFailed,
    OutcomeUnknown,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
)
from telephony_desktop.i18n import _, formats, ngettext

# Redaction lives in its own module (no HTTP library); the adapters have always found it here.
from telephony_desktop.redaction import SENSITIVE_NAMES as SENSITIVE_NAMES
from telephony_desktop.redaction import RedactingFilter as RedactingFilter
from telephony_desktop.redaction import install_redaction as install_redaction
from telephony_desktop.redaction import redact_text as redact_text
from telephony_desktop.redaction import redact_url as redact_url
from telephony_desktop.redaction import register_secret as register_secret

log = logging.getLogger(__name__)
T = TypeVar("T")

# --- client ------------------------------------------------------------------------------

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)
# One request's whole time budget: every attempt, every backoff and a slow drip included (a
# server that accepts and never answers, or answers a byte at a time, ends there). A sync of many
# pages spends it per page. The preference ``request_budget_s`` changes it (``set_budget``).
DEFAULT_BUDGET_S = 30.0
WAIT_REPORT_AFTER_S = 1.0  # a request that takes longer is said to be waited for, each second
# A retry needs at least this much of the budget left after its backoff, or it is not sent: an
# attempt that could only time out at once is no attempt (and timers may fire a little early).
MIN_ATTEMPT_S = 0.1

_budget_default = DEFAULT_BUDGET_S


def set_budget(seconds: float) -> None:
    """From now on, the budget of every request whose client was given none (the preference)."""
    global _budget_default
    if seconds <= 0:
        raise ValueError("the request budget must be positive")
    _budget_default = float(seconds)


def budget() -> float:
    """The request budget clients use when they are given none."""
    return _budget_default


@dataclass(frozen=True, slots=True)
class Waiting:
    """A request still waiting for its answer, as reported each second to a ``watch_waits``
    observer; ``done`` is the last report, once the request ended either way."""

    provider: str
    what: str  # the request (e.g. ``get_calls``) or a short description
    elapsed_s: float
    budget_s: float
    attempt: int  # 1-based
    done: bool = False
    first: bool = False  # the first report about this request

    def sentence(self) -> str:
        """What is waited for, in the language messages are shown in."""
        fields = {
            "provider": self.provider,
            "what": self.what,
            "attempt": formats.number(self.attempt),
            "elapsed": formats.number(round(self.elapsed_s)),
            "left": formats.number(max(0, round(self.budget_s - self.elapsed_s))),
        }
        if self.attempt > 1:
            # Translators: a request still waiting for its answer, shown each second. provider:
            # the provider's name; what: the request's technical name (get_calls); elapsed and
            # left: whole seconds.
            text = _(
                "Waiting for {provider} ({what}, attempt {attempt}): {elapsed} s; "
                "giving up in {left} s"
            )
        else:
            # Translators: a request still waiting for its answer, shown each second. provider:
            # the provider's name; what: the request's technical name (get_calls); elapsed and
            # left: whole seconds.
            text = _("Waiting for {provider} ({what}): {elapsed} s; giving up in {left} s")
        return text.format(**fields)


@dataclass(slots=True)
class _Budget:
    deadline: float  # loop.time()
    total_s: float
    provider: str = ""
    what: str = ""
    attempt: int = 1
    sent_at: float | None = None  # loop.time() the attempt in flight began; None: between them
    reported: bool = False

    def remaining(self) -> float:
        return self.deadline - asyncio.get_running_loop().time()


_budget: ContextVar[_Budget | None] = ContextVar("telephony_request_budget", default=None)
_observer: ContextVar[Callable[[Waiting], None] | None] = ContextVar(
    "telephony_wait_observer", default=None
)


@contextmanager
def watch_waits(observer: Callable[[Waiting], None]) -> Iterator[None]:
    """Report, to ``observer``, each request made in this context (tasks started from it
    included) that has waited more than a second, once a second, and once more when it ends."""
    token = _observer.set(observer)
    try:
        yield
    finally:
        _observer.reset(token)


async def _report_waits(budget_: _Budget, observer: Callable[[Waiting], None]) -> None:
    """Once a second while an attempt has waited over ``WAIT_REPORT_AFTER_S`` for its answer
    (a backoff between attempts is not waiting for the provider: nothing is said then)."""
    loop = asyncio.get_running_loop()
    start = budget_.deadline - budget_.total_s
    last = -1.0
    while True:
        await asyncio.sleep(0.25)
        now = loop.time()
        sent_at = budget_.sent_at
        if sent_at is None or now - sent_at < WAIT_REPORT_AFTER_S or now - last < 1.0:
            continue
        last = now
        first, budget_.reported = not budget_.reported, True
        _notify(observer, Waiting(budget_.provider, budget_.what, now - start, budget_.total_s,
                                  budget_.attempt, first=first))  # fmt: skip


def _notify(observer: Callable[[Waiting], None], waiting: Waiting) -> None:
    try:
        observer(waiting)
    except Exception:  # the display's trouble, not the request's
        log.exception("a wait observer failed")


def make_client(*, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> httpx.AsyncClient:
    """An ``AsyncClient`` with TLS verification on and no redirects (a redirect could carry a
    secret query string to another host). httpx logs every URL at INFO: the redacting filter is
    installed here too, so no entry point can forget it."""
    install_redaction()
    return httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=False,
        headers={"User-Agent": f"TelephonyDesktop/{__version__}"},
        trust_env=False,  # a proxy from the environment must not see secret query strings
    )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter; ``Retry-After`` honoured up to ``cap_s``."""

    attempts: int = 3
    base_s: float = 0.5
    cap_s: float = 8.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        backoff = random.uniform(0, min(self.cap_s, self.base_s * 2**attempt))
        if retry_after is not None:
            return min(self.cap_s, max(backoff, retry_after))
        return backoff


NO_RETRY = RetryPolicy(attempts=1)


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        import datetime as _dt

        when = parsedate_to_datetime(value)
        return max(0.0, (when - _dt.datetime.now(when.tzinfo)).total_seconds())
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Reply:
    """A complete HTTP answer, body read under the size limit."""

    status: int
    headers: httpx.Headers
    body: bytes


def merge_query(url: str, params: Mapping[str, str] | None) -> httpx.URL:
    """``url`` with ``params`` added to the query it already has.

    httpx's ``params=`` *replaces* a URL's query; a provider hands back addresses such as
    ``voicemail_file.php?id=70001&format=wav`` whose own query must survive the credentials
    added to them (a name in both takes the value from ``params``).
    """
    target = httpx.URL(url)
    return target.copy_merge_params(dict(params)) if params else target


async def send(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    provider: str,
    params: Mapping[str, str] | None = None,
    json: object | None = None,
    content: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    auth: httpx.Auth | tuple[str, str] | None = None,
    deadline_s: float | None = None,
    max_bytes: int = 64 * 1024 * 1024,
    raise_5xx: bool = True,
) -> Reply:
    """One exchange, with every transport failure mapped to the domain error tree.

    5xx answers raise ``ProviderUnavailable``; other statuses are returned for the adapter to read
    (VoiceMeUp sends its error envelope with 200 and 4xx alike). The body is read fully, up to
    ``max_bytes``, and the whole exchange must end within ``deadline_s`` (default: the request
    budget, ``budget()``; inside ``with_retry``, what is left of it) (a slow drip never
    trips the per-read timeout). With ``raise_5xx=False`` a 5xx answer is returned too, for a
    provider whose own errors use 5xx statuses (TeleCMI's 502 "property missing").
    """
    name = provider
    request = client.build_request(
        method, merge_query(url, params), json=json, content=content, headers=headers
    )
    limit_s = total_s = budget() if deadline_s is None else deadline_s
    active = _budget.get()
    if active is not None:  # inside ``with_retry``: what is left of the request's budget
        limit_s, total_s = min(limit_s, active.remaining()), active.total_s
        active.provider = active.provider or name
        if limit_s <= 0:
            raise _out_of_time(name, total_s)
    try:
        async with asyncio.timeout(limit_s):
            response = await client.send(request, auth=auth, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise ConnectionDropped(
                            _(
                                "{provider} sent an answer larger than {size} MB; it was refused."
                            ).format(provider=name, size=formats.number(max_bytes // 1048576)),
                            provider=name,
                        )
                    chunks.append(chunk)
            finally:
                await response.aclose()
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as exc:
        log.debug("%s: connect failed (%s)", name, type(exc).__name__)
        raise ConnectionFailed(
            _("Could not reach {provider}. Check your internet connection and try again.").format(
                provider=name
            ),
            provider=name,
        ) from None
    except httpx.PoolTimeout:
        raise ConnectionFailed(
            _("Too many requests to {provider} are waiting; nothing was sent. Try again.").format(
                provider=name
            ),
            provider=name,
        ) from None
    except (httpx.TimeoutException, TimeoutError):
        log.debug("%s: timed out", name)
        raise _out_of_time(name, total_s) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.CloseError) as exc:
        log.debug("%s: connection dropped (%s)", name, type(exc).__name__)
        raise ConnectionDropped(
            _("The connection to {provider} was interrupted before the answer arrived.").format(
                provider=name
            ),
            provider=name,
        ) from None
    except httpx.HTTPError as exc:  # anything else httpx can raise (decoding, ...)
        log.debug("%s: HTTP error (%s)", name, type(exc).__name__)
        raise ConnectionDropped(
            _("The exchange with {provider} failed.").format(provider=name),
            provider=name,
        ) from None
    if response.status_code >= 500 and raise_5xx:
        raise ProviderUnavailable(
            # Translators: status: an HTTP status number such as 503.
            _(
                "{provider} is having trouble right now (error {status}). "
                "Try again in a few minutes."
            ).format(provider=name, status=response.status_code),
            provider=name,
            status=response.status_code,
            retry_after=_retry_after(response.headers),
        )
    return Reply(response.status_code, response.headers, b"".join(chunks))


def _out_of_time(name: str, budget_s: float) -> ProviderTimeout:
    text = ngettext(
        "{provider} did not answer within {seconds} second. Try again in a moment; if it keeps "
        "happening, allow more time in Settings (time allowed per request).",
        "{provider} did not answer within {seconds} seconds. Try again in a moment; if it keeps "
        "happening, allow more time in Settings (time allowed per request).",
        1 if budget_s == 1 else 2,
    )
    return ProviderTimeout(
        text.format(provider=name, seconds=formats.number(budget_s)), provider=name
    )


async def with_retry(
    attempt: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    what: str,
    budget_s: float | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run a *read* until it succeeds, a non-retryable error occurs, attempts run out, or its
    time budget (``budget_s``, default ``budget()``) is spent: every attempt and backoff draws
    on the one budget, and a backoff that would outlast it is not slept."""
    loop = asyncio.get_running_loop()
    total = budget() if budget_s is None else budget_s
    outer = _budget.get()
    if outer is not None:  # a request inside another (a token fetched for a read): the sooner
        total = min(total, max(0.0, outer.remaining()))
    own = _Budget(loop.time() + total, total, what=what)  # ``send`` names the provider
    token = _budget.set(own)
    observer = _observer.get()
    reporter = (
        asyncio.ensure_future(_report_waits(own, observer))
        if observer is not None and outer is None
        else None
    )
    try:
        for n in range(policy.attempts):
            own.attempt = n + 1
            own.sent_at = loop.time()
            try:
                return await attempt()
            except ProviderError as exc:
                own.sent_at = None
                if not exc.retryable or n + 1 >= policy.attempts:
                    raise
                retry_after = getattr(exc, "retry_after", None)
                delay = policy.delay(n, retry_after)
                if delay + MIN_ATTEMPT_S >= own.remaining():
                    log.info("%s failed (%s); no time left to retry", what, type(exc).__name__)
                    raise
                log.info(
                    "%s failed (%s); retry %d in %.2fs", what, type(exc).__name__, n + 1, delay
                )
                await sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
    finally:
        _budget.reset(token)
        if reporter is not None:
            reporter.cancel()
            if observer is not None and own.reported:
                elapsed = loop.time() - (own.deadline - total)
                done = Waiting(own.provider, what, elapsed, total, own.attempt, done=True)
                _notify(observer, done)


def as_outcome_unknown(exc: ProviderError, *, action: str) -> ProviderError:
    """For a write: a failure after the request may have been delivered becomes OutcomeUnknown.

    ``action`` names the write, translated, as the subject of the sentence: ``_("Placing the
    call")``. ``ConnectionFailed`` means nothing was sent, so it is returned unchanged; so are
    the provider's own refusals (it answered clearly).
    """
    if isinstance(exc, ConnectionFailed):
        return exc
    from telephony_desktop.domain.errors import MalformedResponse, TransportError

    if isinstance(exc, TransportError | MalformedResponse):
        return OutcomeUnknown(
            # Translators: action: the write that was sent, a noun phrase with its article that
            # starts the sentence ("Placing the call" / "Le lancement de l'appel"); provider: the
            # provider's name.
            _(
                "{action} may or may not have gone through: the answer from {provider} was "
                "lost. It was not retried; check before trying again."
            ).format(action=action, provider=exc.provider),
            cause=exc,
            provider=exc.provider,
        )
    return exc
