"""The Verba adapter against the sandbox's Verba simulator, over real HTTP on loopback."""

from __future__ import annotations

import asyncio
import json
import wave
from collections.abc import AsyncIterator, Iterator
from io import BytesIO

import httpx
import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    Conflict,
    ConnectionDropped,
    InputError,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from telephony_desktop.domain.verba import VerbaMedia, VerbaRecording
from telephony_desktop.i18n import using
from telephony_desktop.providers import http
from telephony_desktop.providers.verba.client import TOKEN_RENEW_AFTER_S, VerbaClient
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.verba import VerbaSimulator
from tests.helpers.sandbox import FAST_RETRY


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(call_count=50) as srv:
        yield srv


def make(server: SandboxServer, **kwargs: object) -> VerbaClient:
    sim = server.verba
    options: dict[str, object] = {
        "base_url": server.origin + "/verba/api",
        "login": sim.login,
        "password": sim.password,
        "api_key": sim.api_key,
        "retry": FAST_RETRY,
        **kwargs,
    }
    return VerbaClient(**options)  # type: ignore[arg-type]


@pytest.fixture
async def verba(server: SandboxServer) -> AsyncIterator[VerbaClient]:
    async with make(server) as client:
        yield client


def count(server: SandboxServer, action: str) -> int:
    return len(server.verba.requests_by_action(action))


def sim(server: SandboxServer) -> VerbaSimulator:
    return server.verba


# --- success -------------------------------------------------------------------------------


async def test_token_is_requested_once_and_cached(
    server: SandboxServer, verba: VerbaClient
) -> None:
    token = await verba.request_token()
    assert token in sim(server).tokens
    assert await verba.request_token() == token
    await verba.get_call_id(extension="8856")
    await verba.get_call_id(extension="2003")
    assert count(server, "RequestToken") == 1
    entry = server.verba.requests_by_action("RequestToken")[0]
    assert entry.params["authorization"] == "***"  # Basic credentials were sent, not logged
    assert entry.params["apiKey"] == "***"


async def test_get_call_id_last(server: SandboxServer, verba: VerbaClient) -> None:
    assert await verba.get_call_id(extension="8856") == sim(server).last_call_id("8856")
    entry = server.verba.requests_by_action("GetCallID")[-1]
    assert entry.params["status"] == "last"
    assert entry.params["extension"] == "8856"
    assert entry.params["token"] == "***"


async def test_get_call_id_ongoing_and_next(server: SandboxServer, verba: VerbaClient) -> None:
    ongoing = sim(server).calls_for("2001", "ongoing")[0]
    assert await verba.get_call_id(extension="2001", status=["ongoing"]) == ongoing.call_id
    nxt = sim(server).calls_for("2002", "next")[0]
    assert await verba.get_call_id(extension="2002", status=("ongoing", "next")) == nxt.call_id
    # last,ongoing: the last finished call wins when there is one; the order is kept.
    got = await verba.get_call_id(extension="2001", status=("last", "ongoing"))
    assert got == sim(server).last_call_id("2001")
    assert server.verba.requests_by_action("GetCallID")[-1].params["status"] == "last,ongoing"


async def test_get_call_id_by_platform_and_native_id(
    server: SandboxServer, verba: VerbaClient
) -> None:
    call = sim(server).calls_for("2003")[0]
    assert await verba.get_call_id(platform_call_id=call.platform_call_id) == call.call_id
    assert await verba.get_call_id(native_id=call.native_id) == call.call_id


async def test_manual_record_flag(server: SandboxServer, verba: VerbaClient) -> None:
    ongoing = sim(server).calls_for("2001", "ongoing")[0]
    got = await verba.get_call_id(extension="2001", status=["ongoing"], manual_record=True)
    assert got == ongoing.call_id
    assert server.verba.requests_by_action("GetCallID")[-1].params["type"] == "manualRecord"
    with pytest.raises(NotFound):
        await verba.get_call_id(extension="8856", manual_record=True)


async def test_get_call_url(server: SandboxServer, verba: VerbaClient) -> None:
    call_id = sim(server).last_call_id("8856")
    assert call_id is not None
    url = await verba.get_call_url(call_id=call_id)
    assert url == f"{server.origin}/verba/calls/{call_id}"
    async with httpx.AsyncClient() as raw:
        assert (await raw.get(url)).status_code == 200
    # By extension: status defaults to "last".
    assert await verba.get_call_url(extension="8856") == url
    assert server.verba.requests_by_action("GetCallURL")[-1].params["status"] == "last"


async def test_get_media_is_a_real_wav(server: SandboxServer, verba: VerbaClient) -> None:
    call_id = sim(server).last_call_id("8856")
    assert call_id is not None
    media = await verba.get_media(call_id)
    assert isinstance(media, VerbaMedia)
    assert media.content_type == "audio/wav"
    assert media.file_extension == "wav"
    assert media.suggested_filename.endswith(".wav")
    with wave.open(BytesIO(media.data)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 5 <= seconds <= 20
    assert "data" not in repr(media)


async def test_find_recording(server: SandboxServer, verba: VerbaClient) -> None:
    rec = await verba.find_recording(extension="2003")
    call_id = sim(server).last_call_id("2003")
    assert rec == VerbaRecording(
        call_id=str(call_id),
        url=f"{server.origin}/verba/calls/{call_id}",
        extension="2003",
        status=("last",),
    )


async def test_host_root_gets_the_api_path(server: SandboxServer) -> None:
    async with make(server, base_url=server.origin) as client:
        assert client.base_url == server.origin + "/verba/api"
        await client.test_connection()


async def test_test_connection_always_asks_a_fresh_token(
    server: SandboxServer, verba: VerbaClient
) -> None:
    await verba.test_connection()
    await verba.test_connection()
    assert count(server, "RequestToken") == 2


async def test_control_api_starts_and_ends_a_call(
    server: SandboxServer, verba: VerbaClient
) -> None:
    async with httpx.AsyncClient(base_url=server.origin) as raw:
        r = await raw.post("/_sandbox/verba/calls", json={"extension": "2003"})
        assert r.status_code == 201
        started = r.json()["call_id"]
        assert await verba.get_call_id(extension="2003", status=["ongoing"]) == started
        r = await raw.post("/_sandbox/verba/calls", json={"extension": "2003", "action": "end"})
        assert r.json()["call_id"] == started
    assert await verba.get_call_id(extension="2003") == started
    media = await verba.get_media(started)
    assert media.file_extension == "wav"


async def test_simulator_methods_add_and_end(server: SandboxServer, verba: VerbaClient) -> None:
    call_id = server.verba.add_ongoing_call("2002")
    assert await verba.get_call_id(extension="2002", status=["ongoing"]) == call_id
    assert server.verba.end_call("2002") == call_id
    with pytest.raises(NotFound):
        await verba.get_call_id(extension="2002", status=["ongoing"])


# --- token renewal ---------------------------------------------------------------------------


async def test_token_renewed_after_55_minutes(server: SandboxServer) -> None:
    clock = FakeClock()
    async with make(server, clock=clock) as client:
        first = await client.request_token()
        clock.now += TOKEN_RENEW_AFTER_S - 60
        assert await client.request_token() == first
        clock.now += 120
        await client.get_call_id(extension="8856")
        assert await client.request_token() != first
    assert count(server, "RequestToken") == 2


async def test_expired_token_is_renewed_once_transparently(
    server: SandboxServer, verba: VerbaClient
) -> None:
    old = await verba.request_token()
    server.verba.expire_all_tokens()
    assert await verba.get_call_id(extension="8856") == sim(server).last_call_id("8856")
    assert count(server, "RequestToken") == 2
    assert count(server, "GetCallID") == 2  # refused once, repeated once
    assert await verba.request_token() != old


async def test_renewal_happens_only_once(server: SandboxServer, verba: VerbaClient) -> None:
    await verba.request_token()
    server.faults.add("verba.GetCallID", "error", code="invalid_token", count=2)
    with pytest.raises(AuthenticationError):
        await verba.get_call_id(extension="8856")
    assert count(server, "RequestToken") == 2
    assert count(server, "GetCallID") == 2


async def test_concurrent_callers_share_one_token_and_one_renewal(
    server: SandboxServer, verba: VerbaClient
) -> None:
    calls = [verba.get_call_id(extension=e) for e in ("8856", "2001", "2002", "2003", "8856")]
    await asyncio.gather(*calls)
    assert count(server, "RequestToken") == 1
    server.verba.expire_all_tokens()
    calls = [verba.get_call_id(extension=e) for e in ("8856", "2001", "2002", "2003", "8856")]
    await asyncio.gather(*calls)
    assert count(server, "RequestToken") == 2


async def test_http_403_on_a_call_renews_the_token(
    server: SandboxServer, verba: VerbaClient
) -> None:
    await verba.request_token()
    server.faults.add("verba.GetCallURL", "http_error", status=403, count=1)
    await verba.get_call_url(extension="8856")
    assert count(server, "RequestToken") == 2


# --- documented errors -----------------------------------------------------------------------


async def test_not_found(server: SandboxServer, verba: VerbaClient) -> None:
    with pytest.raises(NotFound) as info:
        await verba.get_call_id(extension="7777")
    assert info.value.code == "2"
    with using("fr"), pytest.raises(NotFound) as in_french:
        await verba.get_call_id(extension="7777")
    assert str(in_french.value) != str(info.value)


async def test_more_than_one_match_tells_the_agent_to_narrow(
    server: SandboxServer, verba: VerbaClient
) -> None:
    with pytest.raises(Conflict) as info:
        await verba.get_call_id(extension="2999", status=["ongoing"])
    assert "Narrow" in str(info.value)
    with using("fr"), pytest.raises(Conflict) as in_french:
        await verba.get_call_id(extension="2999", status=["ongoing"])
    assert "Précisez" in str(in_french.value)


async def test_media_not_available(server: SandboxServer, verba: VerbaClient) -> None:
    no_media = sim(server).last_call_id("2004")
    assert no_media is not None
    with pytest.raises(NotFound):
        await verba.get_media(no_media)
    ongoing = sim(server).calls_for("2001", "ongoing")[0]
    with pytest.raises(NotFound):
        await verba.get_media(ongoing.call_id)
    with pytest.raises(NotFound):
        await verba.get_media("00000000-0000-4000-8000-000000000000")


async def test_wrong_password(server: SandboxServer) -> None:
    async with make(server, password="wrong-password-123") as client:
        with pytest.raises(AuthenticationError) as info:
            await client.test_connection()
    assert info.value.code == "7"
    assert "wrong-password-123" not in str(info.value)
    assert count(server, "RequestToken") == 1  # an auth refusal is not retried


async def test_wrong_api_key(server: SandboxServer) -> None:
    bad_key = "11111111-2222-4333-8444-555555555555"
    async with make(server, api_key=bad_key) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.get_call_id(extension="8856")
    assert info.value.code == "5"
    assert bad_key not in str(info.value)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("1", ProviderRejected),
        ("2", NotFound),
        ("3", Conflict),
        ("4", InvalidRequest),
        ("5", AuthenticationError),
        ("6", AuthenticationError),
        ("7", AuthenticationError),
        ("8", AuthenticationError),
        ("9", NotFound),
    ],
)
async def test_every_error_code(
    server: SandboxServer, verba: VerbaClient, code: str, cls: type[ProviderRejected]
) -> None:
    await verba.request_token()
    server.faults.add("verba.GetCallID", "error", code=code, count=2)
    with pytest.raises(cls) as info:
        await verba.get_call_id(extension="8856")
    assert type(info.value) is cls
    assert info.value.code == code
    server.faults.add("verba.GetCallID", "error", code=code, count=2)
    with using("fr"), pytest.raises(cls) as in_french:
        await verba.get_call_id(extension="8856")
    assert str(info.value) and str(in_french.value) != str(info.value)


async def test_http_401_on_token(server: SandboxServer, verba: VerbaClient) -> None:
    server.faults.add("verba.RequestToken", "http_error", status=401, count=1)
    with pytest.raises(AuthenticationError):
        await verba.request_token()


async def test_sandbox_refuses_missing_status_with_extension_on_get_call_url(
    server: SandboxServer, verba: VerbaClient
) -> None:
    token = await verba.request_token()
    async with httpx.AsyncClient() as raw:
        r = await raw.get(
            server.origin + "/verba/api",
            params={
                "action": "GetCallURL",
                "apiKey": server.verba.api_key,
                "token": token,
                "extension": "8856",
            },
        )
    assert b'code="4"' in r.content


# --- input validation (nothing sent) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "extension"),
        ({"extension": "8856", "status": ["done"]}, "status"),
        ({"extension": "8856", "status": []}, "status"),
        ({"extension": "88 56"}, "extension"),
        ({"platform_call_id": "a b"}, "platform_call_id"),
    ],
)
async def test_invalid_input_sends_nothing(
    server: SandboxServer, verba: VerbaClient, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as info:
        await verba.get_call_id(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert len(server.request_log) == 0


async def test_get_call_url_needs_a_target(server: SandboxServer, verba: VerbaClient) -> None:
    with pytest.raises(InputError) as info:
        await verba.get_call_url()
    assert info.value.field == "call_id"
    assert len(server.request_log) == 0


def test_constructor_validation() -> None:
    with pytest.raises(InputError) as info:
        VerbaClient(base_url="ftp://x", login="a", password="pw-12345", api_key="k-12345")
    assert info.value.field == "base_url"
    with pytest.raises(InputError) as info:
        VerbaClient(base_url="https://x", login="", password="pw-12345", api_key="k-12345")
    assert info.value.field == "login"
    with pytest.raises(InputError) as info:
        VerbaClient(base_url="https://x", login="a", password="pw-12345", api_key=" ")
    assert info.value.field == "api_key"


# --- transport failures and retries ---------------------------------------------------------------


async def test_timeout(server: SandboxServer) -> None:
    async with make(server, deadline_s=0.2) as client:
        await client.request_token()
        server.faults.add("verba.GetCallID", "latency", delay=1.0, count=None)
        with pytest.raises(ProviderTimeout):
            await client.get_call_id(extension="8856")
    server.faults.clear()
    assert count(server, "GetCallID") == 1  # the first attempt spent the request's budget


async def test_dropped_connection_is_retried(server: SandboxServer, verba: VerbaClient) -> None:
    server.faults.add("verba.GetCallID", "reset", count=1)
    assert await verba.get_call_id(extension="8856") == sim(server).last_call_id("8856")
    assert count(server, "GetCallID") == 2


async def test_dropped_connection_every_time(server: SandboxServer, verba: VerbaClient) -> None:
    server.faults.add("verba.GetCallURL", "reset", count=None)
    with pytest.raises(ConnectionDropped):
        await verba.get_call_url(extension="8856")
    assert count(server, "GetCallURL") == FAST_RETRY.attempts


async def test_server_error_is_retried(server: SandboxServer, verba: VerbaClient) -> None:
    server.faults.add("verba.RequestToken", "http_error", status=503, count=1)
    server.faults.add("verba.GetCallID", "http_error", status=502, count=1)
    assert await verba.get_call_id(extension="8856")
    assert count(server, "RequestToken") == 2
    assert count(server, "GetCallID") == 2


async def test_server_error_every_time(server: SandboxServer, verba: VerbaClient) -> None:
    server.faults.add("verba.GetMedia", "http_error", status=503, count=None)
    with pytest.raises(ProviderUnavailable):
        await verba.get_media(str(sim(server).last_call_id("8856")))


@pytest.mark.parametrize("kind", ["malformed", "truncated", "xxe", "billion_laughs"])
async def test_unreadable_answers(server: SandboxServer, verba: VerbaClient, kind: str) -> None:
    server.faults.add("verba.GetCallID", kind, count=None)
    with pytest.raises(MalformedResponse):
        await verba.get_call_id(extension="8856")
    assert count(server, "GetCallID") == FAST_RETRY.attempts


async def test_one_malformed_answer_is_retried(server: SandboxServer, verba: VerbaClient) -> None:
    server.faults.add("verba.RequestToken", "malformed", count=1)
    assert await verba.request_token()
    assert count(server, "RequestToken") == 2


async def test_media_cut_short(server: SandboxServer, verba: VerbaClient) -> None:
    server.faults.add("verba.GetMedia", "incomplete", count=None)
    with pytest.raises(ConnectionDropped):
        await verba.get_media(str(sim(server).last_call_id("8856")))


async def test_media_replaced_by_a_broken_page(server: SandboxServer, verba: VerbaClient) -> None:
    server.faults.add("verba.GetMedia", "malformed", count=None)
    with pytest.raises(MalformedResponse):
        await verba.get_media(str(sim(server).last_call_id("8856")))


async def test_reads_only_no_placement() -> None:
    """Verba is read-only here: nothing places a call, so every action may be retried."""
    assert not hasattr(VerbaClient, "place_call")


# --- secrets ---------------------------------------------------------------------------------


async def test_secrets_never_in_log_errors_or_repr(
    server: SandboxServer, verba: VerbaClient
) -> None:
    token = await verba.request_token()
    await verba.get_media(str(sim(server).last_call_id("8856")))
    server.faults.add("verba.GetMedia", "http_error", status=503, count=None)
    with pytest.raises(ProviderUnavailable) as info:
        await verba.get_media(str(sim(server).last_call_id("8856")))
    with using("fr"), pytest.raises(ProviderUnavailable) as in_french:
        await verba.get_media(str(sim(server).last_call_id("8856")))
    server.faults.clear()
    secrets_ = (token, server.verba.password, server.verba.api_key)
    dumped = json.dumps(server.request_log.to_json())
    text = str(info.value) + str(in_french.value) + repr(verba)
    for secret in secrets_:
        assert secret not in dumped
        assert secret not in text
    media_url = httpx.URL(verba.base_url, params={"action": "GetMedia", "token": token})
    assert token not in http.redact_url(media_url)
    assert token not in http.redact_text(f"fetching {media_url}")
