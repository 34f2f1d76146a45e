"""The fault matrix: every provider read and write of the app under every fault the sandbox can
inject, at service level, over real HTTP on loopback. One case per (operation, fault) pair.

Reads (history sync, voicemail, recordings, numbers, E911, account) must end in a typed error with
a sentence in English and French (no secret, no traceback, no raw provider debris), retry with
bounded, jittered backoff exactly when retrying is safe, and leave the cache as it was.

Writes (place a call on each route, order or update a number, change or delete an E911 address,
delete a voicemail or a recording) must reach the provider at most once and never be retried: a
lost or garbled answer is ``OutcomeUnknown``; a clear refusal stays a refusal; a request that could
not be sent at all is ``ConnectionFailed``.

Backoff sleeps are recorded, not slept: the app's own retry policy is used (its real bounds are
what is checked) and the whole matrix runs in seconds. Timeouts use a short client deadline.
"""

from __future__ import annotations

import asyncio
import functools
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from telephony_desktop.demo import demo_accounts
from telephony_desktop.domain.errors import (
    AuthenticationError,
    ConnectionDropped,
    ConnectionFailed,
    MalformedResponse,
    OutcomeUnknown,
    ProviderError,
    ProviderInternalError,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    TelephonyError,
)
from telephony_desktop.domain.models import DidUpdate, E911Address
from telephony_desktop.i18n import using
from telephony_desktop.providers import http
from telephony_desktop.providers.simotel.client import SimotelClient
from telephony_desktop.providers.telecmi.client import TeleCMIClient
from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.seed import E911_VALID_ADDRESS
from telephony_desktop.services.call_routes import Route, place_routed_call, prepare_routed_call
from telephony_desktop.services.dids import DidService
from telephony_desktop.services.e911 import E911Service
from telephony_desktop.services.freshness import Fresh
from telephony_desktop.services.recordings import RecordingService
from telephony_desktop.services.session import AccountSession, open_cache
from telephony_desktop.services.sync import STATE_KEY, HistorySync
from telephony_desktop.services.voicemail import VoicemailService
from telephony_desktop.store import settings
from telephony_desktop.store.calls import count_calls
from telephony_desktop.store.db import Database
from telephony_desktop.store.state import get_sync_state

# The app's own policy (what every client uses by default): its bounds are what is checked.
POLICY = http.RetryPolicy()
DEADLINE_S = 0.15  # the client's whole-exchange deadline under a timeout or a slow drip
OTHER_DEADLINE_S = 10.0  # under any other fault: the answer comes at once, however busy the box
LATENCY_S = 0.35  # a "timeout" answers this late: well after the deadline
DRIP = {"delay": 0.12, "chunk_size": 16}  # a slow drip: each answer takes seconds in all


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A smaller history than the suite's (a sync is part of some cases' setup)."""
    with SandboxServer(seed=1234, call_count=300) as server:
        yield server


# --- faults ---------------------------------------------------------------------------------

VOICEMEUP, TELECMI, SIMOTEL = "voicemeup", "telecmi", "simotel"


@dataclass(frozen=True)
class FaultCase:
    """How to inject one fault, what a read and a write must end in."""

    name: str
    kind: str | None  # None: the provider is unreachable (nothing is ever sent)
    options: dict[str, Any] = field(default_factory=dict)
    # Per provider: the error code (or HTTP status) of an envelope fault.
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    read_error: type[ProviderError] = ProviderError
    slow: bool = False  # the answer never comes in time: the client's deadline ends it
    retried: bool = True  # for a read: repeating it is safe and may succeed
    write_error: type[ProviderError] = OutcomeUnknown
    retry_after: float | None = None

    def arm(self, sandbox: SandboxServer, request_type: str, provider: str) -> None:
        if self.kind is None:
            return
        options = {**self.options, **self.codes.get(provider, {})}
        sandbox.faults.add(request_type, self.kind, count=None, **options)


LOST = {"apply_effect": True}  # the provider did it, the answer was lost
REFUSED = {"apply_effect": False}  # the provider refused: nothing happened

FAULTS = [
    FaultCase(
        "timeout",
        "latency",
        {"delay": LATENCY_S, **LOST},
        read_error=ProviderTimeout,
        slow=True,
    ),
    FaultCase("slow_drip", "drip", {**DRIP, **LOST}, read_error=ProviderTimeout, slow=True),
    FaultCase("5xx", "http_error", {"status": 503, **LOST}, read_error=ProviderUnavailable),
    FaultCase(
        "5xx_retry_after",
        "http_error",
        {"status": 502, "retry_after": 120.0, **LOST},
        read_error=ProviderUnavailable,
        retry_after=120.0,
    ),
    FaultCase("reset", "reset", LOST, read_error=ConnectionDropped),
    FaultCase("truncated", "truncated", LOST, read_error=MalformedResponse),
    FaultCase("incomplete", "incomplete", LOST, read_error=ConnectionDropped),
    FaultCase("malformed", "malformed", LOST, read_error=MalformedResponse),
    FaultCase(
        "internal_error",
        "error",
        REFUSED,
        codes={VOICEMEUP: {"code": "internal_error-database_error"}},
        read_error=ProviderInternalError,
        write_error=ProviderInternalError,
    ),
    FaultCase(
        "refusal",
        "error",
        REFUSED,
        codes={
            VOICEMEUP: {"code": "request_type_not_implemented"},
            TELECMI: {"code": "422"},
            SIMOTEL: {"code": "busy"},
        },
        read_error=ProviderRejected,
        retried=False,
        write_error=ProviderRejected,
    ),
    FaultCase(
        "auth_failure",
        "error",
        REFUSED,
        codes={
            VOICEMEUP: {"code": "authentication_failed"},
            TELECMI: {"code": "420"},
            # Simotel refuses credentials with HTTP 401 and its JSON envelope.
            SIMOTEL: {"code": "authentication_failed"},
        },
        read_error=AuthenticationError,
        retried=False,
        write_error=AuthenticationError,
    ),
    FaultCase(
        "unreachable",
        None,
        read_error=ConnectionFailed,
        write_error=ConnectionFailed,
    ),
]
# Simotel's 401 is an HTTP status, not an envelope with the sandbox's default failure status.
AUTH_KIND = {SIMOTEL: ("http_error", {"status": 401})}


def arm(fault: FaultCase, sandbox: SandboxServer, request_type: str, provider: str) -> None:
    if fault.name == "auth_failure" and provider in AUTH_KIND:
        kind, extra = AUTH_KIND[provider]
        options = {**fault.options, **fault.codes[provider], **extra}
        sandbox.faults.add(request_type, kind, count=None, **options)
        return
    fault.arm(sandbox, request_type, provider)


def applies_to_write(fault: FaultCase, provider: str) -> bool:
    """Envelope faults need the provider's own code; ``Retry-After`` only matters to a read (a
    write is never retried: the plain 5xx case covers it)."""
    if fault.kind == "error" and provider not in fault.codes:
        return False
    return fault.retry_after is None


# --- the retry sleep recorder ---------------------------------------------------------------


class Sleeps(list[float]):
    """Every backoff delay ``with_retry`` asked for, in order (nothing is actually slept)."""

    async def __call__(self, delay: float) -> None:
        self.append(delay)
        await asyncio.sleep(0)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    recorder = Sleeps()
    monkeypatch.setattr(http, "with_retry", functools.partial(http.with_retry, sleep=recorder))
    return recorder


def check_backoff(sleeps: Sleeps, fault: FaultCase, attempts: int) -> None:
    assert len(sleeps) == attempts - 1
    for n, delay in enumerate(sleeps):
        if fault.retry_after is not None:  # honoured, but never beyond the cap
            assert delay == POLICY.cap_s
            continue
        bound = min(POLICY.cap_s, POLICY.base_s * 2**n)
        assert 0 <= delay <= bound
        assert delay != bound  # full jitter: a random point below the bound, not the bound
    if fault.retry_after is None:
        assert len(set(sleeps)) == len(sleeps)  # jittered: no two waits alike


# --- what every message must be -------------------------------------------------------------

DEBRIS = (
    "Traceback",
    'File "',
    "httpx",
    "lxml",
    "RemoteProtocolError",
    "ReadError",
    "XMLSyntaxError",
    "JSONDecodeError",
    "mysqli",
    "/var/www",
    "/etc/passwd",
    "root:",
    "<",
    ">",
)


def secrets_of(sandbox: SandboxServer) -> list[str]:
    return [
        sandbox.auth_token,
        sandbox.telecmi.secret,
        sandbox.simotel.api_key,
        sandbox.simotel.password,
    ]


def check_message(exc: BaseException, sandbox: SandboxServer) -> None:
    assert isinstance(exc, TelephonyError), f"{type(exc).__name__}: {exc}"
    for lang in ("en", "fr"):
        text = exc.user_message(lang)
        assert text.strip(), f"no {lang} sentence"
        assert text[0].isupper() and text.rstrip()[-1] in ".!?", text
        for secret in secrets_of(sandbox):
            assert secret not in text
        for bit in DEBRIS:
            assert bit not in text, f"{bit!r} in {text!r}"
    for secret in secrets_of(sandbox):
        assert secret not in str(exc) and secret not in repr(exc)


# --- the account and its cache --------------------------------------------------------------


def dead_origin() -> str:
    """An origin on loopback where nothing listens: the connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def deadline(fault: FaultCase) -> float:
    return DEADLINE_S if fault.slow else OTHER_DEADLINE_S


def voicemeup_client(sandbox: SandboxServer, fault: FaultCase | None = None) -> VoiceMeUpClient:
    """The client the services use while ``fault`` is armed (unreachable: nothing listens)."""
    endpoint = sandbox.base_url
    if fault is not None and fault.kind is None:
        endpoint = dead_origin() + "/xml_engine/xml_engine.php"
    return VoiceMeUpClient(
        account_id=sandbox.account_id,
        auth_token=sandbox.auth_token,
        endpoint=endpoint,
        retry=POLICY,
        deadline_s=OTHER_DEADLINE_S if fault is None else deadline(fault),
    )


@pytest.fixture
async def session(sandbox: SandboxServer) -> AsyncIterator[AccountSession]:
    """The account ``office`` with its cache; its client (normal deadline) fills the cache."""
    account = settings.Account(
        name="office",
        provider="voicemeup",
        account_id=sandbox.account_id,
        base_url=sandbox.base_url,
    )
    db, audio = await open_cache(account)
    client = VoiceMeUpClient(
        account_id=sandbox.account_id, auth_token=sandbox.auth_token, endpoint=sandbox.base_url
    )
    s = AccountSession(account, client, db, audio)
    try:
        yield s
    finally:
        await s.aclose()


async def swap_client(s: AccountSession, client: VoiceMeUpClient) -> None:
    """From now on the services talk through ``client`` (short deadline, maybe unreachable)."""
    await s.client.aclose()
    s.client = client


async def history_snapshot(db: Database) -> tuple[int, object]:
    return await db.run(count_calls), await db.run(get_sync_state, STATE_KEY)


# --- reads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    name: str
    request_type: str
    # (session) -> prefill the cache, return a snapshot function of it (or None: no cache)
    prefill: Callable[[AccountSession], Awaitable[Callable[[], Awaitable[object]] | None]]
    # (session) -> the read as the window does it: Fresh (stale or not) or an exception
    act: Callable[[AccountSession], Awaitable[object]]


async def _prefill_history(s: AccountSession) -> Callable[[], Awaitable[object]]:
    await HistorySync(s.db, s.client).run()
    return functools.partial(history_snapshot, s.db)


async def _sync(s: AccountSession) -> object:
    return await HistorySync(s.db, s.client).run()


def _listing_read(service: Callable[[AccountSession], Any]) -> tuple[Any, Any]:
    async def prefill(s: AccountSession) -> Callable[[], Awaitable[object]]:
        await service(s).refresh()
        return service(s).cached  # type: ignore[no-any-return]

    async def act(s: AccountSession) -> object:
        return await service(s).listing()

    return prefill, act


async def _no_cache(_s: AccountSession) -> None:
    return None


async def _test_connection(s: AccountSession) -> object:
    return await s.client.test_connection()


READS = [
    Read("history_sync", "get_calls", _prefill_history, _sync),
    Read("voicemails", "get_voicemails", *_listing_read(VoicemailService)),
    Read("recordings", "get_recordings", *_listing_read(RecordingService)),
    Read("dids", "get_dids", *_listing_read(DidService)),
    Read("e911", "get_e911_endpoints", *_listing_read(E911Service)),
    Read("account", "get_account", _no_cache, _test_connection),
]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
@pytest.mark.parametrize("read", READS, ids=lambda r: r.name)
async def test_read_under_fault(
    sandbox: SandboxServer, session: AccountSession, sleeps: Sleeps, read: Read, fault: FaultCase
) -> None:
    snapshot = await read.prefill(session)
    before = None if snapshot is None else await snapshot()
    sandbox.state.add_call()  # something new to fetch, had the provider answered
    await swap_client(session, voicemeup_client(sandbox, fault))
    sandbox.request_log.clear()
    sleeps.clear()
    arm(fault, sandbox, read.request_type, VOICEMEUP)

    error: BaseException | None = None
    try:
        outcome = await read.act(session)
    except Exception as exc:
        error = exc
    else:
        # Only a listing survives a failure, and only as the cached copy with the reason.
        assert isinstance(outcome, Fresh), f"{read.name} succeeded under {fault.name}"
        assert outcome.stale
        error = outcome.error
        assert fault.retried  # a refusal is never hidden behind the cached copy
        assert outcome.value == before
    assert isinstance(error, fault.read_error), repr(error)
    check_message(error, sandbox)

    # A read has one time budget for all its attempts: an answer that never comes in time
    # spends it in the first attempt, and nothing is left to retry in.
    attempts = POLICY.attempts if fault.retried and not fault.slow else 1
    sent = len(sandbox.request_log.of_type(read.request_type))
    assert sent == (0 if fault.kind is None else attempts)
    assert len(sandbox.request_log) == sent  # nothing else was asked
    check_backoff(sleeps, fault, attempts)
    if snapshot is not None:
        assert await snapshot() == before  # the cache still holds what it held

    sandbox.faults.clear()
    if read.name == "history_sync" and fault.kind is not None:
        # Once the provider is back the sync resumes from its cursor: only the new call comes.
        count_before = before[0]  # type: ignore[index]
        await swap_client(session, voicemeup_client(sandbox))
        report = await HistorySync(session.db, session.client).run()
        assert report.calls_new == 1 and not report.fell_back
        assert await session.db.run(count_calls) == count_before + 1 == sandbox.state.call_count


# --- writes ---------------------------------------------------------------------------------


@dataclass
class Clients:
    voicemeup: VoiceMeUpClient
    telecmi: TeleCMIClient
    simotel: SimotelClient

    async def aclose(self) -> None:
        for client in (self.voicemeup, self.telecmi, self.simotel):
            await client.aclose()


def route_clients(sandbox: SandboxServer, fault: FaultCase) -> tuple[TeleCMIClient, Any]:
    origin = dead_origin() if fault.kind is None else sandbox.origin
    accounts = {a.name: c for a, c in demo_accounts(sandbox)}
    telecmi = TeleCMIClient(
        appid=sandbox.telecmi.appid,
        secret=accounts["bridge"]["secret"],
        base_url=origin,
        retry=POLICY,
        deadline_s=deadline(fault),
    )
    simotel = SimotelClient(
        base_url=origin,
        username=sandbox.simotel.username,
        password=accounts["pbx"]["password"],
        api_key=accounts["pbx"]["api_key"],
        retry=POLICY,
        deadline_s=deadline(fault),
    )
    return telecmi, simotel


@dataclass(frozen=True)
class Write:
    name: str
    request_type: str
    provider: str
    # (sandbox, session) -> (the write, a snapshot of the cache it could touch)
    prepare: Callable[
        [SandboxServer, AccountSession],
        Awaitable[tuple[Callable[[Clients], Awaitable[object]], Callable[[], Awaitable[object]]]],
    ]


async def _nothing() -> object:
    return None


def _call_on(route_name: str) -> Callable[..., Any]:
    async def prepare(sandbox: SandboxServer, _s: AccountSession) -> tuple[Any, Any]:
        account = next(a for a, _c in demo_accounts(sandbox) if a.name == route_name)
        call = prepare_routed_call(Route(account), "5145550199", region="CA")

        async def act(clients: Clients) -> object:
            client = {"demo": clients.voicemeup, "bridge": clients.telecmi, "pbx": clients.simotel}
            return await place_routed_call(client[route_name], call)

        return act, _nothing

    return prepare


async def _order_did(_sandbox: SandboxServer, s: AccountSession) -> tuple[Any, Any]:
    service = DidService(s)
    await service.refresh()
    item = (await service.search_inventory(kind="local"))[0]

    async def act(_clients: Clients) -> object:
        return await service.order_item(item)

    return act, service.cached


async def _update_did(_sandbox: SandboxServer, s: AccountSession) -> tuple[Any, Any]:
    service = DidService(s)
    target = (await service.refresh())[0]

    async def act(_clients: Clients) -> object:
        return await service.apply(target.did_id, DidUpdate(friendly_name="Réception"))

    return act, service.cached


def _valid_address() -> E911Address:
    a = E911_VALID_ADDRESS
    return E911Address(
        first_name=a["first_name"],
        last_name=a["last_name"],
        civic_number=a["civic_number"],
        street=a["street"],
        city=a["city"],
        state_code=a["state_code"],
        country_code=a["country_code"],
        postal_code=a["postal_code"],
    )


async def _e911_update(_sandbox: SandboxServer, s: AccountSession) -> tuple[Any, Any]:
    service = E911Service(s)
    await service.refresh()

    async def act(_clients: Clients) -> object:
        return await service.save(E911_VALID_ADDRESS["phone_number"], _valid_address())

    return act, service.cached


async def _e911_delete(sandbox: SandboxServer, s: AccountSession) -> tuple[Any, Any]:
    service = E911Service(s)
    endpoints = await service.refresh()
    default = sandbox.state.default_endpoint_id
    target = next(e for e in endpoints if e.endpoint_id != str(default))

    async def act(_clients: Clients) -> object:
        return await service.remove(target.phone_number)

    return act, service.cached


async def _delete_voicemail(_sandbox: SandboxServer, s: AccountSession) -> tuple[Any, Any]:
    service = VoicemailService(s)
    first = (await service.refresh())[0]
    await service.audio_file(first.voicemail.voicemail_id)  # its audio is cached too

    async def snapshot() -> object:
        cached = await service.cached()
        return cached, [
            c.audio_path and (await asyncio.to_thread(_exists, c.audio_path)) for c in cached
        ]

    async def act(_clients: Clients) -> object:
        return await service.delete(first.voicemail.voicemail_id)

    return act, snapshot


async def _delete_recording(_sandbox: SandboxServer, s: AccountSession) -> tuple[Any, Any]:
    service = RecordingService(s)
    first = (await service.refresh())[0]

    async def act(_clients: Clients) -> object:
        return await service.delete(first.recording.recording_id)

    return act, service.cached


def _exists(path: str) -> bool:
    from pathlib import Path

    return Path(path).is_file()


WRITES = [
    Write("call_voicemeup", "call_dispatch", VOICEMEUP, _call_on("demo")),
    Write("call_telecmi", "telecmi.make_call", TELECMI, _call_on("bridge")),
    Write("call_simotel", "simotel.originate", SIMOTEL, _call_on("pbx")),
    Write("order_did", "order_did", VOICEMEUP, _order_did),
    Write("update_did", "set_did", VOICEMEUP, _update_did),
    Write("e911_update", "set_e911_address", VOICEMEUP, _e911_update),
    Write("e911_delete", "delete_e911_address", VOICEMEUP, _e911_delete),
    Write("delete_voicemail", "delete_voicemails", VOICEMEUP, _delete_voicemail),
    Write("delete_recording", "delete_recordings", VOICEMEUP, _delete_recording),
]
WRITE_CASES = [
    pytest.param(write, fault, id=f"{write.name}-{fault.name}")
    for write in WRITES
    for fault in FAULTS
    if applies_to_write(fault, write.provider)
]


@pytest.mark.parametrize(("write", "fault"), WRITE_CASES)
async def test_write_under_fault(
    sandbox: SandboxServer,
    session: AccountSession,
    sleeps: Sleeps,
    write: Write,
    fault: FaultCase,
) -> None:
    act, snapshot = await write.prepare(sandbox, session)
    before = await snapshot()
    unreachable = fault.kind is None
    await swap_client(session, voicemeup_client(sandbox, fault))
    telecmi, simotel = route_clients(sandbox, fault)
    clients = Clients(session.client, telecmi, simotel)
    sandbox.request_log.clear()
    sleeps.clear()
    arm(fault, sandbox, write.request_type, write.provider)
    try:
        with pytest.raises(ProviderError) as info:
            await act(clients)
    finally:
        await clients.telecmi.aclose()
        await clients.simotel.aclose()
    error = info.value
    assert isinstance(error, fault.write_error), repr(error)
    check_message(error, sandbox)
    if fault.write_error is OutcomeUnknown:
        assert error.code == "outcome_unknown"
        assert "check" in str(error)
    else:
        assert not isinstance(error, OutcomeUnknown)  # a clear answer is said as such

    # Exactly one request reached the provider (none when it could not be reached), and
    # nothing else followed it: no retry, no re-read of a list after a failed write.
    expected = 0 if unreachable else 1
    assert [e.request_type for e in sandbox.request_log] == [write.request_type] * expected
    assert sleeps == []
    assert await snapshot() == before  # the cache is not changed by a write that failed

    if fault.write_error is OutcomeUnknown:
        # The same write again, with messages in French: the lost answer is said in French.
        telecmi, simotel = route_clients(sandbox, fault)
        try:
            with using("fr"), pytest.raises(OutcomeUnknown) as in_french:
                await act(Clients(session.client, telecmi, simotel))
        finally:
            await telecmi.aclose()
            await simotel.aclose()
        check_message(in_french.value, sandbox)
        assert "vérifiez" in str(in_french.value)
