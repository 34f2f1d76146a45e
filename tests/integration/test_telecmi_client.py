"""The TeleCMI adapter against the sandbox's TeleCMI simulator, over real HTTP on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    ConnectionDropped,
    ConnectionFailed,
    InputError,
    InvalidRequest,
    MalformedResponse,
    OutcomeUnknown,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from telephony_desktop.i18n import using
from telephony_desktop.providers.telecmi.client import (
    CDR_ORIGIN,
    GLOBAL_ORIGIN,
    PROBE_REQUEST_ID,
    TeleCMIClient,
)
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.telecmi import CDR, MAKE_CALL
from tests.helpers.sandbox import FAST_RETRY

AGENT = "+19170000001"
DEST = "+19170000002"
CALLER = "+19170000000"
CALL: dict[str, Any] = {"agent_number": AGENT, "destination": DEST, "caller_id": CALLER}


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(call_count=50) as s:
        yield s


def make(server: SandboxServer, **kwargs: object) -> TeleCMIClient:
    options: dict[str, object] = {
        "appid": server.telecmi.appid,
        "secret": server.telecmi.secret,
        "base_url": server.origin,
        "retry": FAST_RETRY,
        **kwargs,
    }
    return TeleCMIClient(**options)  # type: ignore[arg-type]


def seen(server: SandboxServer, request_type: str) -> int:
    return len(server.request_log.of_type(request_type))


# --- success -----------------------------------------------------------------------------------


async def test_make_call_sends_the_documented_body(server: SandboxServer) -> None:
    async with make(server) as client:
        placed = await client.make_call(**CALL, extra_params={"crm_id": "42"})
    assert placed.provider == "telecmi" and placed.status == "progress"
    assert len(placed.reference) == 43
    [record] = server.telecmi.placed
    assert record == {
        "appid": int(server.telecmi.appid),
        "from": 19170000000,
        "to": 19170000001,
        "extra_params": {"crm_id": "42"},
        "pcmo": [
            {
                "action": "bridge",
                "duration": 300,
                "timeout": 20,
                "from": 19170000000,
                "loop": 1,
                "connect": [{"type": "pstn", "number": 19170000002}],
            }
        ],
        "request_id": placed.reference,
        "region": "global",
    }
    [entry] = server.request_log.of_type(MAKE_CALL)
    assert entry.path == "/v2/global_pcmo_make_call" and entry.method == "POST"
    assert entry.status == 200


async def test_india_region_uses_its_path_and_own_durations(server: SandboxServer) -> None:
    async with make(server, region="india") as client:
        await client.make_call(**CALL, duration_s=60, ring_timeout_s=15)
    [record] = server.telecmi.placed
    # extra_params always goes as an object, as both official SDKs send it
    assert record["region"] == "india" and record["extra_params"] == {}
    assert record["pcmo"][0]["duration"] == 60 and record["pcmo"][0]["timeout"] == 15
    assert server.request_log.of_type(MAKE_CALL)[0].path == "/v2/ind_pcmo_make_call"


async def test_call_detail_returns_the_legs(server: SandboxServer) -> None:
    async with make(server) as client:
        placed = await client.make_call(**CALL)
        legs = await client.call_detail(placed.reference)
        none = await client.call_detail("NoSuchRequest123")
    assert none == ()
    assert [leg.leg for leg in legs] == ["a", "b"]
    assert [leg.to_number for leg in legs] == ["19170000001", "19170000002"]
    assert all(leg.status == "answered" and leg.from_number == "19170000000" for leg in legs)
    assert all(leg.time is not None and leg.time.tzinfo is not None for leg in legs)
    assert legs[0].rate == Decimal("0.012") and legs[0].balance is not None
    assert legs[0].duration > 0
    [entry, _] = server.request_log.of_type(CDR)
    assert entry.path == "/v1/piopiy/requestid_cdr"


async def test_test_connection_accepts_good_credentials(server: SandboxServer) -> None:
    async with make(server) as client:
        await client.test_connection()
    [entry] = server.request_log.of_type(CDR)
    assert entry.params["request_id"] == PROBE_REQUEST_ID


async def test_test_connection_ignores_a_refusal_of_the_dummy_id(server: SandboxServer) -> None:
    server.faults.add(CDR, "http_error", status=404, code="404")
    async with make(server) as client:
        await client.test_connection()


def test_default_origins() -> None:
    client = TeleCMIClient(appid="1", secret="secret-value-default-origins")
    assert client.rest_origin == GLOBAL_ORIGIN == "https://rest.telecmi.com"
    assert client.cdr_origin == CDR_ORIGIN == "https://piopiy.telecmi.com"


# --- documented errors -------------------------------------------------------------------------


async def test_wrong_secret_is_authentication_error(server: SandboxServer) -> None:
    async with make(server, secret="0" * 32) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.make_call(**CALL)
        with pytest.raises(AuthenticationError):
            await client.test_connection()
        with pytest.raises(AuthenticationError):
            await client.call_detail("abc")
    assert info.value.status == 420 and info.value.code == "420"
    assert "app ID or secret" in str(info.value)
    assert server.telecmi.placed == []
    assert seen(server, MAKE_CALL) == 1 and seen(server, CDR) == 2  # refusals are not retried


async def test_wrong_appid_is_authentication_error(server: SandboxServer) -> None:
    async with make(server, appid="1111111") as client:
        with pytest.raises(AuthenticationError):
            await client.make_call(**CALL)


async def test_420_in_the_body_of_an_http_200(server: SandboxServer) -> None:
    server.faults.add(MAKE_CALL, "error", code="420", apply_effect=False)
    async with make(server) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.make_call(**CALL)
    assert info.value.status == 200


@pytest.mark.parametrize("kind", ["error", "http_error"])
async def test_422_is_invalid_request(server: SandboxServer, kind: str) -> None:
    server.faults.add(MAKE_CALL, kind, status=422, code="422", apply_effect=False)
    async with make(server) as client:
        with pytest.raises(InvalidRequest) as info:
            await client.make_call(**CALL)
    assert info.value.code == "422"
    assert seen(server, MAKE_CALL) == 1


async def test_telecmi_json_502_is_a_clear_refusal(server: SandboxServer) -> None:
    server.failure_http_status = 502  # TeleCMI's own JSON body, with HTTP 502
    server.faults.add(MAKE_CALL, "error", code="502", apply_effect=False)
    async with make(server) as client:
        with pytest.raises(InvalidRequest) as info:
            await client.make_call(**CALL)
    assert info.value.status == 502 and info.value.code == "502"
    assert "property required is missing" in str(info.value)
    assert seen(server, MAKE_CALL) == 1


async def test_proxy_html_502_on_a_placement_is_outcome_unknown(server: SandboxServer) -> None:
    server.faults.add(MAKE_CALL, "http_error", status=502)
    async with make(server) as client:
        with pytest.raises(OutcomeUnknown) as info:
            await client.make_call(**CALL)
    assert isinstance(info.value.cause, ProviderUnavailable)
    assert seen(server, MAKE_CALL) == 1


async def test_other_4xx_is_provider_rejected(server: SandboxServer) -> None:
    server.faults.add(MAKE_CALL, "http_error", status=403, code="403", apply_effect=False)
    async with make(server) as client:
        with pytest.raises(ProviderRejected) as info:
            await client.make_call(**CALL)
    assert type(info.value) is ProviderRejected and info.value.status == 403


async def test_unknown_body_code_with_http_200_is_a_failure(server: SandboxServer) -> None:
    server.faults.add(MAKE_CALL, "error", code="409", apply_effect=False)
    async with make(server) as client:
        with pytest.raises(ProviderRejected) as info:
            await client.make_call(**CALL)
    assert info.value.code == "409"


# --- transport failures --------------------------------------------------------------------------


async def test_timeout_on_placement_is_outcome_unknown_and_not_resent(
    server: SandboxServer,
) -> None:
    server.faults.add(MAKE_CALL, "latency", count=None, delay=1.5)
    async with make(server, deadline_s=0.3) as client:
        with pytest.raises(OutcomeUnknown) as info:
            await client.make_call(**CALL)
    assert isinstance(info.value.cause, ProviderTimeout)
    assert seen(server, MAKE_CALL) == 1
    assert len(server.telecmi.placed) == 1  # TeleCMI did it; only the answer was lost
    assert "not retried" in str(info.value)


async def test_read_timeout_on_placement_with_httpx_timeout(server: SandboxServer) -> None:
    server.faults.add(MAKE_CALL, "latency", count=None, delay=1.5)
    timeout = httpx.Timeout(connect=2.0, read=0.3, write=2.0, pool=2.0)
    async with httpx.AsyncClient(timeout=timeout) as http_client:
        client = make(server, client=http_client)
        with pytest.raises(OutcomeUnknown):
            await client.make_call(**CALL)
    assert seen(server, MAKE_CALL) == 1


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        ("reset", ConnectionDropped),
        ("incomplete", ConnectionDropped),
        ("truncated", MalformedResponse),
        ("malformed", MalformedResponse),
        ("xxe", MalformedResponse),
        ("http_error", ProviderUnavailable),
    ],
)
async def test_placement_failures_after_sending_are_outcome_unknown(
    server: SandboxServer, kind: str, cause: type[Exception]
) -> None:
    server.faults.add(MAKE_CALL, kind, count=None)
    async with make(server) as client:
        with pytest.raises(OutcomeUnknown) as info:
            await client.make_call(**CALL)
    assert isinstance(info.value.cause, cause)
    assert seen(server, MAKE_CALL) == 1


async def test_nothing_listening_is_connection_failed() -> None:
    async with make_unreachable() as client:
        with pytest.raises(ConnectionFailed):
            await client.make_call(**CALL)


def make_unreachable() -> TeleCMIClient:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return TeleCMIClient(
        appid="2222226",
        secret="unreachable-secret-value",
        base_url=f"http://127.0.0.1:{port}",
        retry=FAST_RETRY,
    )


@pytest.mark.parametrize("kind", ["reset", "http_error", "truncated", "malformed"])
async def test_reads_are_retried(server: SandboxServer, kind: str) -> None:
    server.faults.add(CDR, kind, count=1)
    async with make(server, deadline_s=0.4) as client:
        assert await client.call_detail("NoSuchRequest123") == ()
    assert seen(server, CDR) == 2


async def test_a_read_that_outlasts_its_budget_is_not_retried(server: SandboxServer) -> None:
    server.faults.add(CDR, "latency", count=1, delay=1.0)
    async with make(server, deadline_s=0.4) as client:
        with pytest.raises(ProviderTimeout, match=r"within 0\.4 seconds"):
            await client.call_detail("NoSuchRequest123")
    assert seen(server, CDR) == 1


@pytest.mark.parametrize(
    ("kind", "error"),
    [("reset", ConnectionDropped), ("http_error", ProviderUnavailable),
     ("malformed", MalformedResponse)],
)  # fmt: skip
async def test_reads_give_up_after_the_policy(
    server: SandboxServer, kind: str, error: type[Exception]
) -> None:
    server.faults.add(CDR, kind, count=None)
    async with make(server) as client:
        with pytest.raises(error):
            await client.call_detail("abc")
    assert seen(server, CDR) == FAST_RETRY.attempts


# --- input validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"agent_number": "19170000001"}, "agent_number"),
        ({"destination": "+1 917 000 0002"}, "destination"),
        ({"caller_id": "+0123456789"}, "caller_id"),
        ({"caller_id": ""}, "caller_id"),
        ({"duration_s": 0}, "duration_s"),
        ({"ring_timeout_s": -5}, "ring_timeout_s"),
        ({"ring_timeout_s": True}, "ring_timeout_s"),
        ({"extra_params": {"k": 1}}, "extra_params"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    server: SandboxServer, kwargs: dict[str, object], field: str
) -> None:
    async with make(server) as client:
        with pytest.raises(InputError) as info:
            await client.make_call(**{**CALL, **kwargs})
        with using("fr"), pytest.raises(InputError) as in_french:
            await client.make_call(**{**CALL, **kwargs})
    assert info.value.field == field
    assert str(info.value) != str(in_french.value)
    assert len(server.request_log) == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"appid": "22a"}, "appid"), ({"appid": ""}, "appid"), ({"secret": " "}, "secret")],
)
async def test_bad_credentials_are_refused_before_sending(
    server: SandboxServer, kwargs: dict[str, object], field: str
) -> None:
    async with make(server, **kwargs) as client:
        with pytest.raises(InputError) as info:
            await client.make_call(**CALL)
        with pytest.raises(InputError):
            await client.test_connection()
    assert info.value.field == field
    assert len(server.request_log) == 0


async def test_bad_request_id_is_refused_before_sending(server: SandboxServer) -> None:
    async with make(server) as client:
        for bad in ("", "  ", "has space", "x" * 300):
            with pytest.raises(InputError) as info:
                await client.call_detail(bad)
            assert info.value.field == "request_id"
    assert len(server.request_log) == 0


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"region": "europe"}, "region"), ({"base_url": "ftp://x"}, "base_url")]
)
def test_bad_constructor_arguments(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        TeleCMIClient(appid="1", secret="constructor-secret-value", **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field


# --- secrets -------------------------------------------------------------------------------------


async def test_secret_never_in_log_errors_or_repr(server: SandboxServer) -> None:
    secret = server.telecmi.secret
    async with make(server) as client:
        assert secret not in repr(client)
        placed = await client.make_call(**CALL)
        await client.call_detail(placed.reference)
        server.faults.add(MAKE_CALL, "reset")
        with pytest.raises(OutcomeUnknown) as lost:
            await client.make_call(**CALL)
        server.faults.add(MAKE_CALL, "reset")
        with using("fr"), pytest.raises(OutcomeUnknown) as lost_in_french:
            await client.make_call(**CALL)
    async with make(server, secret=secret[::-1]) as wrong:
        with pytest.raises(AuthenticationError) as refused:
            await wrong.make_call(**CALL)
        with using("fr"), pytest.raises(AuthenticationError) as refused_in_french:
            await wrong.make_call(**CALL)
    dumped = json.dumps(server.request_log.to_json())
    assert secret not in dumped and secret[::-1] not in dumped
    assert all(e.params["secret"] == "***" for e in server.request_log)
    for exc in (lost.value, refused.value, lost_in_french.value, refused_in_french.value):
        assert secret not in str(exc) and secret not in repr(exc)
        assert secret[::-1] not in str(exc)
    assert all("secret" not in record for record in server.telecmi.placed)
