"""The Simotel adapter against the sandbox's Simotel simulator, over real HTTP on loopback."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    Conflict,
    ConnectionFailed,
    InputError,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    UnsupportedRequest,
)
from telephony_desktop.i18n import using
from telephony_desktop.providers.simotel import AccessDenied, SimotelClient
from telephony_desktop.sandbox import SandboxServer
from tests.helpers.sandbox import FAST_RETRY

CALL: dict[str, Any] = {
    "caller": "557",
    "callee": "552",
    "context": "main_routing",
    "caller_id": "557",
}
ORIGINATE = "simotel.originate"
PING = "simotel.ping"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(call_count=50) as s:
        yield s


def make(server: SandboxServer, **kwargs: object) -> SimotelClient:
    options: dict[str, object] = {
        "base_url": server.origin,
        **server.simotel.credentials(),
        "retry": FAST_RETRY,
        **kwargs,
    }
    return SimotelClient(**options)  # type: ignore[arg-type]


@pytest.fixture
async def client(server: SandboxServer) -> AsyncIterator[SimotelClient]:
    async with make(server) as c:
        yield c


def seen(server: SandboxServer, request_type: str) -> int:
    return len(server.request_log.of_type(request_type))


def assert_no_secret(server: SandboxServer, *texts: str) -> None:
    sim = server.simotel
    for text in texts:
        assert sim.password not in text
        assert sim.api_key not in text


# --- success ------------------------------------------------------------------------------------


async def test_originate_places_the_call_once(server: SandboxServer, client: SimotelClient) -> None:
    placed = await client.originate(**CALL, timeout_s=30, call_limit_s=600)
    assert placed.provider == "simotel"
    assert placed.status == "originated"
    assert placed.reference.startswith("orig.call.")
    assert placed.warnings == ()
    [call] = server.simotel.originated
    assert call.call_id == placed.reference
    assert call.body == {**CALL, "trunk_name": "", "timeout": "30", "call_limit": "600"}
    [entry] = server.request_log.of_type(ORIGINATE)
    assert entry.method == "PUT" and entry.path == "/api/v4/call/originate/act"
    assert entry.params["authorization"] == "***" and entry.params["x-apikey"] == "***"


async def test_optional_fields_only_when_given(
    server: SandboxServer, client: SimotelClient
) -> None:
    await client.originate(**CALL)
    [call] = server.simotel.originated
    assert "timeout" not in call.body and "call_limit" not in call.body


async def test_telecom_caller_goes_through_a_trunk(
    server: SandboxServer, client: SimotelClient
) -> None:
    await client.originate(**{**CALL, "caller": "+98 912 345 6789"}, trunk_name="cisco")
    [call] = server.simotel.originated
    assert call.body["caller"] == "+989123456789" and call.body["trunk_name"] == "cisco"


@pytest.mark.parametrize("auth", ["basic", "apikey"])
async def test_either_authentication_is_enough(server: SandboxServer, auth: str) -> None:
    creds = server.simotel.credentials()
    kwargs: dict[str, object] = (
        {"username": creds["username"], "password": creds["password"], "api_key": None}
        if auth == "basic"
        else {"username": None, "password": None, "api_key": creds["api_key"]}
    )
    async with make(server, **kwargs) as c:
        await c.test_connection()
        await c.originate(**CALL)
    assert server.simotel.originated[0].auth == auth
    entry = server.request_log.of_type(ORIGINATE)[0]
    header = "authorization" if auth == "basic" else "x-apikey"
    other = "x-apikey" if auth == "basic" else "authorization"
    assert entry.params[header] == "***" and other not in entry.params


@pytest.mark.parametrize("suffix", ["/", "/api/v4", "/api/v4/"])
async def test_base_url_forms_are_tolerated(server: SandboxServer, suffix: str) -> None:
    async with make(server, base_url=server.origin + suffix) as c:
        assert c.api_root == server.origin + "/api/v4"
        await c.ping()


async def test_ping_and_test_connection(server: SandboxServer, client: SimotelClient) -> None:
    await client.ping()
    await client.test_connection()
    assert seen(server, PING) == 2


# --- input checks: nothing is sent ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"caller": ""}, "caller"),
        ({"caller": "55a7"}, "caller"),
        ({"callee": "  "}, "callee"),
        ({"callee": "552;drop"}, "callee"),
        ({"context": ""}, "context"),
        ({"context": "main routing"}, "context"),
        ({"caller_id": ""}, "caller_id"),
        ({"trunk_name": "bad trunk"}, "trunk_name"),
        ({"caller": "09123456789"}, "trunk_name"),
        ({"caller": "+15145550100"}, "trunk_name"),
        ({"caller": "1234567"}, "trunk_name"),
        ({"timeout_s": 0}, "timeout_s"),
        ({"timeout_s": 301}, "timeout_s"),
        ({"timeout_s": True}, "timeout_s"),
        ({"call_limit_s": 0}, "call_limit_s"),
        ({"call_limit_s": 86_401}, "call_limit_s"),
    ],
)
async def test_bad_input_is_refused_before_sending(
    server: SandboxServer, client: SimotelClient, change: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as info:
        await client.originate(**{**CALL, **change})
    assert info.value.field == field
    with using("fr"), pytest.raises(InputError) as in_french:
        await client.originate(**{**CALL, **change})
    assert str(in_french.value) != str(info.value)
    assert len(server.request_log) == 0


def test_constructor_needs_credentials(server: SandboxServer) -> None:
    with pytest.raises(InputError) as info:
        SimotelClient(base_url=server.origin)
    assert info.value.field == "api_key"
    with pytest.raises(InputError) as info:
        SimotelClient(base_url=server.origin, username="admin")
    assert info.value.field == "password"
    with pytest.raises(InputError) as info:
        SimotelClient(base_url=server.origin, password="secret-pw")
    assert info.value.field == "username"


@pytest.mark.parametrize(
    "url", ["", "pbx.example.com", "ftp://pbx.example.com", "https://u:p@pbx.example.com"]
)
def test_unusable_base_url(url: str) -> None:
    with pytest.raises(InputError) as info:
        SimotelClient(base_url=url, api_key="k" * 20)
    assert info.value.field == "base_url"


def test_plain_http_needs_an_explicit_opt_in() -> None:
    with pytest.raises(InputError) as info:
        SimotelClient(base_url="http://192.168.51.20", api_key="k" * 20)
    assert info.value.field == "base_url"
    assert "http://192.168.51.20" in str(info.value)
    ok = SimotelClient(base_url="http://192.168.51.20/", api_key="k" * 20, allow_insecure_http=True)
    assert ok.api_root == "http://192.168.51.20/api/v4"
    local = SimotelClient(base_url="http://localhost:8080", api_key="k" * 20)
    assert local.api_root == "http://localhost:8080/api/v4"
    secure = SimotelClient(base_url="https://pbx.example.com/pbx/api/v4/", api_key="k" * 20)
    assert secure.api_root == "https://pbx.example.com/pbx/api/v4"


# --- success 0 (HTTP 200) ---------------------------------------------------------------------------


async def test_unknown_context_is_refused_with_the_pbx_message(
    server: SandboxServer, client: SimotelClient
) -> None:
    with pytest.raises(InvalidRequest) as info:
        await client.originate(**{**CALL, "context": "nowhere"})
    assert "Context 'nowhere' not found" in str(info.value)
    assert info.value.status == 200
    assert server.simotel.originated == []
    assert seen(server, ORIGINATE) == 1
    with using("fr"), pytest.raises(InvalidRequest) as in_french:
        await client.originate(**{**CALL, "context": "nowhere"})
    assert "nowhere" in str(in_french.value)
    assert str(in_french.value).startswith("Simotel n'a pas pu passer l'appel : ")


async def test_unknown_trunk_is_refused(server: SandboxServer, client: SimotelClient) -> None:
    with pytest.raises(InvalidRequest) as info:
        await client.originate(**{**CALL, "caller": "09121234567"}, trunk_name="nope")
    assert "Trunk 'nope' not found" in str(info.value)


async def test_busy_caller_is_a_conflict(server: SandboxServer, client: SimotelClient) -> None:
    server.simotel.busy.add("557")
    with pytest.raises(Conflict) as info:
        await client.originate(**CALL)
    assert "busy" in str(info.value) and info.value.code == "busy"
    assert seen(server, ORIGINATE) == 1


async def test_other_refusal_keeps_the_message(
    server: SandboxServer, client: SimotelClient
) -> None:
    server.faults.add(ORIGINATE, "error", code="Queue is full")
    with pytest.raises(ProviderRejected) as info:
        await client.originate(**CALL)
    assert type(info.value) is ProviderRejected
    server.faults.add(ORIGINATE, "error", code="Queue is full")
    with using("fr"), pytest.raises(ProviderRejected) as in_french:
        await client.originate(**CALL)
    assert "Queue is full" in str(info.value) and "Queue is full" in str(in_french.value)


async def test_auth_refusal_inside_a_200(server: SandboxServer, client: SimotelClient) -> None:
    server.faults.add(PING, "error", code="authentication_failed")
    with pytest.raises(AuthenticationError):
        await client.ping()
    assert seen(server, PING) == 1


# --- documented HTTP statuses ---------------------------------------------------------------------


async def test_401_wrong_password(server: SandboxServer) -> None:
    async with make(server, password="wrong-password", api_key=None) as c:
        with pytest.raises(AuthenticationError) as info:
            await c.test_connection()
        assert not isinstance(info.value, AccessDenied)
        assert info.value.status == 401
        assert "BasicAuth or ApiKey is missing/invalid" in str(info.value)
        with pytest.raises(AuthenticationError):
            await c.originate(**CALL)
    assert seen(server, PING) == 1 and seen(server, ORIGINATE) == 1
    assert server.simotel.originated == []


async def test_401_wrong_api_key(server: SandboxServer) -> None:
    async with make(server, username=None, password=None, api_key="not-the-key-0000") as c:
        with pytest.raises(AuthenticationError):
            await c.ping()


async def test_403_ip_not_permitted(server: SandboxServer, client: SimotelClient) -> None:
    server.simotel.allowed_ips = {"10.1.2.3"}
    with pytest.raises(AccessDenied) as info:
        await client.originate(**CALL)
    assert info.value.status == 403 and info.value.code == "ip_not_permitted"
    assert "IP is not permitted" in str(info.value)
    with using("fr"), pytest.raises(AccessDenied) as in_french:
        await client.originate(**CALL)
    assert "administrator" in str(info.value) and "IP" in str(in_french.value)
    with pytest.raises(AuthenticationError):  # AccessDenied is an AuthenticationError
        await client.test_connection()
    server.simotel.allowed_ips = {"127.0.0.1"}
    await client.test_connection()


async def test_403_access_denied(server: SandboxServer, client: SimotelClient) -> None:
    server.simotel.access_denied = True
    with pytest.raises(AccessDenied) as info:
        await client.ping()
    assert "Access denied" in str(info.value) and "IP address" in str(info.value)
    assert seen(server, PING) == 1


async def test_403_without_the_documented_message(
    server: SandboxServer, client: SimotelClient
) -> None:
    server.faults.add(PING, "http_error", status=403, code="something-else")
    server.faults.add(PING, "http_error", status=403, code="not_found")  # empty body
    for _ in range(2):
        with pytest.raises(AccessDenied):
            await client.ping()


async def test_404_wrong_address(server: SandboxServer) -> None:
    async with make(server, base_url=server.origin + "/pbx") as c:
        with pytest.raises(NotFound) as info:
            await c.ping()
        assert "no API v4" in str(info.value)
        with pytest.raises(NotFound):
            await c.originate(**CALL)


async def test_404_without_body(server: SandboxServer, client: SimotelClient) -> None:
    server.faults.add(ORIGINATE, "http_error", status=404, code="not_found")
    with pytest.raises(NotFound) as info:
        await client.originate(**CALL)
    assert info.value.status == 404
    assert seen(server, ORIGINATE) == 1


async def test_405_to_both_methods(server: SandboxServer, client: SimotelClient) -> None:
    """A PBX that refuses PUT and POST alike ran nothing: one try of each, then the refusal."""
    server.faults.add(PING, "http_error", status=405, code="method_not_allowed")
    with pytest.raises(UnsupportedRequest) as info:
        await client.ping()
    assert info.value.status == 405 and seen(server, PING) == 2
    assert [e.method for e in server.request_log.of_type(PING)] == ["PUT", "POST"]


async def test_405_with_a_pinned_method_is_not_tried_again(server: SandboxServer) -> None:
    server.faults.add(PING, "http_error", status=405, code="method_not_allowed")
    async with make(server, method="put") as pinned:
        with pytest.raises(UnsupportedRequest):
            await pinned.ping()
    assert seen(server, PING) == 1


async def test_415(server: SandboxServer, client: SimotelClient) -> None:
    server.faults.add(ORIGINATE, "http_error", status=415, code="unsupported_media_type")
    with pytest.raises(InvalidRequest) as info:
        await client.originate(**CALL)
    assert info.value.status == 415 and info.value.code == "unsupported_media_type"


async def test_400_unable_to_parse_content(server: SandboxServer, client: SimotelClient) -> None:
    server.faults.add(ORIGINATE, "http_error", status=400, code="unable_to_parse_content")
    with pytest.raises(InvalidRequest) as info:
        await client.originate(**CALL)
    assert "Unable to parse content" in str(info.value) and info.value.status == 400
    assert seen(server, ORIGINATE) == 1


async def test_501_originate_is_a_clear_refusal(
    server: SandboxServer, client: SimotelClient
) -> None:
    server.simotel.originate_not_implemented = True
    with pytest.raises(UnsupportedRequest) as info:
        await client.originate(**CALL)
    assert not isinstance(info.value, OutcomeUnknown)
    assert "not implemented on this Simotel PBX" in str(info.value)
    assert info.value.status == 501
    assert seen(server, ORIGINATE) == 1
    await client.ping()  # the rest of the API still works


async def test_501_ping_is_not_retried(server: SandboxServer, client: SimotelClient) -> None:
    server.faults.add(PING, "http_error", status=501, count=None)
    with pytest.raises(UnsupportedRequest):
        await client.ping()
    assert seen(server, PING) == 1


# --- transport failures ---------------------------------------------------------------------------


async def test_reads_are_retried(server: SandboxServer, client: SimotelClient) -> None:
    server.faults.add(PING, "http_error", status=503, count=2)
    await client.ping()
    assert seen(server, PING) == 3


@pytest.mark.parametrize("kind", ["reset", "malformed", "truncated", "incomplete"])
async def test_ping_recovers_from_one_fault(
    server: SandboxServer, client: SimotelClient, kind: str
) -> None:
    server.faults.add(PING, kind)
    await client.ping()
    assert seen(server, PING) == 2


async def test_ping_gives_up_after_the_policy(server: SandboxServer, client: SimotelClient) -> None:
    server.faults.add(PING, "malformed", count=None)
    with pytest.raises(MalformedResponse):
        await client.ping()
    assert seen(server, PING) == FAST_RETRY.attempts


async def test_ping_timeout(server: SandboxServer) -> None:
    server.faults.add(PING, "latency", count=None, delay=1.0)
    async with make(server, deadline_s=0.2) as c:
        with pytest.raises(ProviderTimeout):
            await c.ping()
    assert seen(server, PING) == 1  # the first attempt spent the request's budget


async def test_originate_timeout_is_outcome_unknown_and_not_retried(
    server: SandboxServer,
) -> None:
    server.faults.add(ORIGINATE, "latency", count=None, delay=1.0)
    async with make(server, deadline_s=0.2) as c:
        with pytest.raises(OutcomeUnknown) as info:
            await c.originate(**CALL)
    assert isinstance(info.value.cause, ProviderTimeout)
    assert "not retried" in str(info.value)
    assert seen(server, ORIGINATE) == 1


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("reset", 503),
        ("malformed", 503),
        ("truncated", 503),
        ("incomplete", 503),
        ("xxe", 503),
        ("http_error", 503),
        ("http_error", 502),
    ],
)
async def test_lost_originate_answer_is_outcome_unknown(
    server: SandboxServer, client: SimotelClient, kind: str, status: int
) -> None:
    server.faults.add(ORIGINATE, kind, status=status)
    with pytest.raises(OutcomeUnknown):
        await client.originate(**CALL)
    assert seen(server, ORIGINATE) == 1
    assert len(server.simotel.originated) == 1  # the PBX did place it: the answer was lost


async def test_connection_refused_is_not_outcome_unknown() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with SimotelClient(
        base_url=f"http://127.0.0.1:{port}", api_key="k" * 20, retry=FAST_RETRY
    ) as c:
        with pytest.raises(ConnectionFailed):
            await c.originate(**CALL)
        with pytest.raises(ConnectionFailed):
            await c.ping()


# --- secrets --------------------------------------------------------------------------------------


async def test_secrets_never_leak(server: SandboxServer) -> None:
    sim = server.simotel
    messages: list[str] = []
    async with make(server) as c:
        assert_no_secret(server, repr(c))
        await c.originate(**CALL)
        server.faults.add(ORIGINATE, "reset")
        server.faults.add(PING, "http_error", status=401, code="authentication_failed", count=None)
        for attempt in (c.originate(**CALL), c.ping()):
            with pytest.raises(ProviderError) as info:
                await attempt
            messages += [str(info.value), repr(info.value)]
        server.faults.add(ORIGINATE, "reset")
        with using("fr"):
            for attempt in (c.originate(**CALL), c.ping()):
                with pytest.raises(ProviderError) as info:
                    await attempt
                messages += [str(info.value), repr(info.value)]
    async with make(server, password="wrong-" + sim.password) as c:
        with pytest.raises(ProviderError) as info:
            await c.ping()
        messages.append(str(info.value))
    log_text = json.dumps(server.request_log.to_json())
    assert_no_secret(server, log_text, *messages)
    assert "***" in log_text
    for call in sim.originated:
        assert_no_secret(server, json.dumps(call.body))


# --- the simulator itself (raw HTTP) ------------------------------------------------------------


async def test_simulator_checks_method_type_body_and_path(server: SandboxServer) -> None:
    sim = server.simotel
    auth = (sim.username, sim.password)
    url = server.origin + "/api/v4/call/originate/act"
    async with httpx.AsyncClient(auth=auth) as raw:
        r = await raw.get(url)
        assert r.status_code == 405 and r.json()["success"] == 0
        r = await raw.put(url, content=b"caller=557", headers={"Content-Type": "text/plain"})
        assert r.status_code == 415
        r = await raw.put(url, content=b"{not json", headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["message"] == "Unable to parse content"
        r = await raw.put(server.origin + "/api/v4/nope/act", json={})
        assert r.status_code == 404 and r.content == b""
        r = await raw.put(url, json={**CALL, "caller": ""})
        assert r.status_code == 200 and r.json() == {
            "success": 0,
            "message": "caller is required",
            "data": None,
        }
        r = await raw.put(
            url,
            json={
                "caller": 557,
                "callee": 552,
                "context": "from-internal",
                "caller_id": 557,
                "timeout": 30,
            },
        )
        assert r.json()["success"] == 1
    async with httpx.AsyncClient() as raw:
        r = await raw.put(url, json=CALL)
        assert r.status_code == 401
        assert r.json()["message"] == "BasicAuth or ApiKey is missing/invalid"
        r = await raw.put(url, json=CALL, headers={"X-APIKEY": sim.api_key})
        assert r.status_code == 200
    assert len(sim.originated) == 2
    assert seen(server, "simotel.unknown") == 1


def test_simulator_credentials_are_generated() -> None:
    from telephony_desktop.sandbox.simotel import SimotelSimulator

    a, b = SimotelSimulator(), SimotelSimulator(password="pw-1234", api_key="key-1234")
    assert a.username == "sandbox" and len(a.password) >= 16 and len(a.api_key) >= 32
    assert (b.password, b.api_key) == ("pw-1234", "key-1234")
    assert a.password not in repr(a) and a.api_key not in repr(a)
