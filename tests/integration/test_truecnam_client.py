"""The TrueCNAM TrueCLID adapter against the sandbox, over real HTTP on loopback."""

from __future__ import annotations

import itertools
import json
import logging
import socket
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    ConnectionDropped,
    ConnectionFailed,
    InputError,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    PaymentError,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    TelephonyError,
)
from telephony_desktop.i18n import using
from telephony_desktop.providers import http
from telephony_desktop.providers.truecnam import errors
from telephony_desktop.providers.truecnam.client import TrueCnamClient
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.truecnam import ERRORS, REQUEST_TYPE
from tests.helpers.sandbox import FAST_RETRY

FROM = "+12125551212"
TO = "+16465557000"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(call_count=50) as s:
        yield s


def make(server: SandboxServer, **kwargs: object) -> TrueCnamClient:
    options: dict[str, object] = {
        "username": server.truecnam.username,
        "password": server.truecnam.password,
        "endpoint": server.origin + "/api/v1",
        "retry": FAST_RETRY,
        **kwargs,
    }
    return TrueCnamClient(**options)  # type: ignore[arg-type]


@pytest.fixture
async def client(server: SandboxServer) -> AsyncIterator[TrueCnamClient]:
    async with make(server) as c:
        yield c


def sent(server: SandboxServer) -> int:
    return len(server.request_log.of_type(REQUEST_TYPE))


def assert_no_secret(server: SandboxServer, *texts: str) -> None:
    for secret in (server.truecnam.username, server.truecnam.password):
        for text in texts:
            assert secret not in text


# --- success --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
@pytest.mark.parametrize("typ", ["simple", "basic", "extended"])
async def test_call_start_in_every_format(server: SandboxServer, fmt: str, typ: str) -> None:
    async with make(server, resp_format=fmt, resp_type=typ) as c:
        result = await c.call_start(calling_number=FROM, called_number=TO)
    assert result.ok and result.status == "ok"
    assert result.err == ("" if typ == "simple" else "0")
    (record,) = server.truecnam.call_starts
    assert (record.calling_number, record.called_number) == ("12125551212", "16465557000")
    assert (record.call_party, record.resp_format, record.resp_type) == (
        "orig_call_start",
        fmt,
        typ,
    )
    (entry,) = server.request_log.of_type(REQUEST_TYPE)
    assert entry.params["calling_number"] == "12125551212"
    assert entry.params["called_number"] == "16465557000"
    assert entry.params["call_party"] == "orig_call_start"
    assert (entry.params["resp_format"], entry.params["resp_type"]) == (fmt, typ)


async def test_credentials_never_reach_the_request_log(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    await client.call_start(calling_number=FROM, called_number=TO)
    await client.test_connection()
    entries = server.request_log.of_type(REQUEST_TYPE)
    assert len(entries) == 2
    for entry in entries:
        assert entry.params["username"] == "***" and entry.params["password"] == "***"
    assert_no_secret(server, json.dumps(server.request_log.to_json()), repr(client))


async def test_bad_numbers_are_refused_before_anything_is_sent(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    with pytest.raises(InputError) as info:
        await client.call_start(calling_number="2125551212", called_number=TO)
    assert info.value.field == "calling_number"
    with pytest.raises(InputError) as info:
        await client.call_start(calling_number=FROM, called_number="+1646555")
    assert info.value.field == "called_number"
    assert sent(server) == 0


# --- documented errors -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
@pytest.mark.parametrize("err", sorted(errors.ERROR_TABLE))
async def test_every_error_number_is_typed(server: SandboxServer, err: str, fmt: str) -> None:
    server.truecnam.fail_with = (err, ERRORS[err])
    async with make(server, resp_format=fmt) as c:
        with pytest.raises(ProviderRejected) as info:
            await c.call_start(calling_number=FROM, called_number=TO)
    assert type(info.value) is errors.ERROR_TABLE[err].cls
    assert info.value.code == f"truecnam_{err}"
    assert sent(server) == 1  # a refusal is never retried
    assert server.truecnam.call_starts == []
    async with make(server, resp_format=fmt) as c:
        with using("fr"), pytest.raises(ProviderRejected) as in_french:
            await c.call_start(calling_number=FROM, called_number=TO)
    assert str(in_french.value) != str(info.value)
    assert_no_secret(server, str(info.value), str(in_french.value))


async def test_an_unknown_error_number_carries_trucnams_message(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    server.truecnam.fail_with = ("42", "Number is on a do-not-originate list")
    with pytest.raises(InvalidRequest) as info:
        await client.call_start(calling_number=FROM, called_number=TO)
    assert "do-not-originate" in str(info.value) and info.value.code == "truecnam_42"
    server.truecnam.fail_with = ("43", "Try later please")
    with pytest.raises(ProviderRejected) as other:
        await client.call_start(calling_number=FROM, called_number=TO)
    assert type(other.value) is ProviderRejected and "Try later please" in str(other.value)


async def test_wrong_credentials(server: SandboxServer) -> None:
    async with make(server, password="not-the-password") as c:
        with pytest.raises(AuthenticationError) as info:
            await c.call_start(calling_number=FROM, called_number=TO)
        with pytest.raises(AuthenticationError):
            await c.test_connection()
    assert info.value.code == "truecnam_1"
    assert sent(server) == 2  # the connection test does not retry a refusal either
    assert server.truecnam.call_starts == []


async def test_a_simple_answer_to_an_error_is_still_an_error(server: SandboxServer) -> None:
    server.truecnam.fail_with = ("7", ERRORS["7"])
    async with make(server, resp_type="simple") as c:
        with pytest.raises(ProviderRejected) as info:
            await c.call_start(calling_number=FROM, called_number=TO)
    assert info.value.code == "truecnam_error"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
async def test_error_envelopes_sent_with_http_400(fmt: str) -> None:
    with SandboxServer(call_count=50, failure_status=400) as server:
        async with make(server, password="wrong-password", resp_format=fmt) as c:
            with pytest.raises(AuthenticationError) as info:
                await c.call_start(calling_number=FROM, called_number=TO)
    assert info.value.code == "truecnam_1" and info.value.status == 400


@pytest.mark.parametrize("status", [401, 403])
async def test_http_401_and_403_are_authentication_errors(
    server: SandboxServer, client: TrueCnamClient, status: int
) -> None:
    server.faults.add(REQUEST_TYPE, "http_error", status=status, code="2", apply_effect=False)
    with pytest.raises(AuthenticationError) as info:
        await client.call_start(calling_number=FROM, called_number=TO)
    assert info.value.status == status and info.value.code == f"http_{status}"


async def test_a_4xx_with_a_truecnam_body_reads_the_body(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    server.faults.add(REQUEST_TYPE, "http_error", status=422, code="3", apply_effect=False)
    with pytest.raises(InvalidRequest) as info:
        await client.call_start(calling_number=FROM, called_number=TO)
    assert info.value.status == 422 and info.value.code == "truecnam_3"
    assert server.truecnam.call_starts == []


async def test_a_404_page_without_a_truecnam_body(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    async with make(server, endpoint=server.origin + "/api/v2") as c:
        with pytest.raises(NotFound) as info:
            await c.call_start(calling_number=FROM, called_number=TO)
    assert info.value.code == "http_404"


async def test_a_redirect_is_not_followed(server: SandboxServer, client: TrueCnamClient) -> None:
    server.faults.add(REQUEST_TYPE, "http_error", status=302, apply_effect=False)
    with pytest.raises(ProviderRejected) as info:
        await client.call_start(calling_number=FROM, called_number=TO)
    assert info.value.code == "http_302"


async def test_the_fault_error_kind_uses_the_documented_body(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    server.faults.add(REQUEST_TYPE, "error", code="authentication_failed", apply_effect=False)
    with pytest.raises(AuthenticationError):
        await client.call_start(calling_number=FROM, called_number=TO)
    server.faults.add(REQUEST_TYPE, "error", code="8", apply_effect=False)
    with pytest.raises(PaymentError):
        await client.call_start(calling_number=FROM, called_number=TO)


# --- the sandbox's own field checks (the client never sends these) ------------------------------


@pytest.mark.parametrize(
    ("query", "err"),
    [
        ({"calling_number": "12125551212", "called_number": "16465557000"}, "2"),
        ({"call_party": "orig_call_start", "called_number": "16465557000"}, "2"),
        ({"call_party": "orig_call_start", "calling_number": "12125551212"}, "2"),
        ({"call_party": "x", "calling_number": "12125551212", "called_number": "16465557000"}, "5"),
        (
            {
                "call_party": "orig_call_end",
                "calling_number": "12125551212",
                "called_number": "16465557000",
            },
            "6",
        ),
        (
            {"call_party": "orig_call_start", "calling_number": "0123", "called_number": "1646555"},
            "3",
        ),
        (
            {
                "call_party": "orig_call_start",
                "calling_number": "12125551212",
                "called_number": "x",
            },
            "4",
        ),
        ({"resp_format": "yaml", "call_party": "orig_call_start"}, "9"),
        ({"resp_type": "full", "call_party": "orig_call_start"}, "9"),
    ],
)
async def test_sandbox_field_checks(server: SandboxServer, query: dict[str, str], err: str) -> None:
    params = {**server.truecnam.credentials(), **query}
    async with httpx.AsyncClient() as raw:
        reply = await raw.get(server.origin + "/api/v1", params=params)
    body = reply.json()
    assert (body["status"], body["err"]) == ("error", err)
    assert server.truecnam.call_starts == []


async def test_sandbox_accepts_a_plus_and_a_trailing_slash(server: SandboxServer) -> None:
    params = {
        **server.truecnam.credentials(),
        "call_party": "orig_call_start",
        "calling_number": "+12125551212",
        "called_number": "16465557000",
        "resp_format": "csv",
    }
    async with httpx.AsyncClient() as raw:
        reply = await raw.get(server.origin + "/api/v1/", params=params)
    assert reply.text == "ok,0,\n" and reply.headers["content-type"].startswith("text/csv")
    assert server.truecnam.call_starts[0].calling_number == "12125551212"


async def test_sandbox_control_routes(server: SandboxServer, client: TrueCnamClient) -> None:
    async with httpx.AsyncClient(base_url=server.origin) as raw:
        reply = await raw.post(
            "/_sandbox/truecnam/fail_with", json={"err": "7", "error_msg": "Suspended"}
        )
        assert reply.status_code == 200
        with pytest.raises(PaymentError):
            await client.call_start(calling_number=FROM, called_number=TO)
        await raw.delete("/_sandbox/truecnam/fail_with")
        await client.call_start(calling_number=FROM, called_number=TO)
        rows = (await raw.get("/_sandbox/truecnam/call_starts")).json()
        assert [r["called_number"] for r in rows] == ["16465557000"]
        await raw.delete("/_sandbox/truecnam/call_starts")
    assert server.truecnam.call_starts == []


# --- transport: a call start is sent once -----------------------------------------------------


async def test_timeout_after_sending_is_outcome_unknown(server: SandboxServer) -> None:
    server.faults.add(REQUEST_TYPE, "latency", delay=2.0)
    async with make(server, deadline_s=0.3) as c:
        with pytest.raises(OutcomeUnknown) as info:
            await c.call_start(calling_number=FROM, called_number=TO)
    assert isinstance(info.value.cause, ProviderTimeout)
    assert sent(server) == 1
    server.faults.add(REQUEST_TYPE, "latency", delay=2.0)
    async with make(server, deadline_s=0.3) as c:
        with using("fr"), pytest.raises(OutcomeUnknown) as in_french:
            await c.call_start(calling_number=FROM, called_number=TO)
    assert str(in_french.value).startswith(
        "L'envoi de l'avis de nom d'appelant (TrueCLID) à TrueCNAM a peut-être été effectué"
    )
    assert str(info.value) != str(in_french.value)
    assert_no_secret(server, str(info.value), str(in_french.value))


@pytest.mark.parametrize(
    ("kind", "cause"),
    [
        ("reset", ConnectionDropped),
        ("incomplete", ConnectionDropped),
        ("truncated", MalformedResponse),
        ("malformed", MalformedResponse),
        ("xxe", MalformedResponse),
        ("billion_laughs", MalformedResponse),
    ],
)
async def test_a_lost_answer_is_outcome_unknown_and_not_retried(
    server: SandboxServer, client: TrueCnamClient, kind: str, cause: type[ProviderError]
) -> None:
    server.faults.add(REQUEST_TYPE, kind)  # the call start is recorded, then the answer is lost
    with pytest.raises(OutcomeUnknown) as info:
        await client.call_start(calling_number=FROM, called_number=TO)
    assert isinstance(info.value.cause, cause)
    assert sent(server) == 1
    assert len(server.truecnam.call_starts) == 1
    assert_no_secret(server, str(info.value), str(info.value.cause))


async def test_a_server_error_is_outcome_unknown_and_not_retried(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    server.faults.add(REQUEST_TYPE, "http_error", status=503, count=None)
    with pytest.raises(OutcomeUnknown) as info:
        await client.call_start(calling_number=FROM, called_number=TO)
    assert isinstance(info.value.cause, ProviderUnavailable)
    assert sent(server) == 1


async def test_nothing_sent_stays_connection_failed() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with TrueCnamClient(
        username="user-unreachable",
        password="pass-unreachable",
        endpoint=f"http://127.0.0.1:{port}/api/v1",
        retry=FAST_RETRY,
    ) as c:
        with pytest.raises(ConnectionFailed):
            await c.call_start(calling_number=FROM, called_number=TO)
        with pytest.raises(ConnectionFailed):
            await c.test_connection()


# --- connection test --------------------------------------------------------------------------


async def test_connection_test_records_no_call(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    await client.test_connection()
    assert server.truecnam.call_starts == []
    (entry,) = server.request_log.of_type(REQUEST_TYPE)
    assert "calling_number" not in entry.params and "called_number" not in entry.params
    assert entry.params["call_party"] == "orig_call_start"
    assert entry.params["resp_type"] == "extended"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
@pytest.mark.parametrize("typ", ["simple", "basic"])
async def test_connection_test_in_every_setting(server: SandboxServer, fmt: str, typ: str) -> None:
    async with make(server, resp_format=fmt, resp_type=typ) as c:
        await c.test_connection()
    async with make(server, resp_format=fmt, resp_type=typ, username="someone-else") as c:
        with pytest.raises(AuthenticationError):
            await c.test_connection()


async def test_connection_test_reports_an_account_problem(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    server.truecnam.fail_with = ("7", ERRORS["7"])
    with pytest.raises(PaymentError):
        await client.test_connection()


@pytest.mark.parametrize("kind", ["reset", "malformed", "truncated"])
async def test_connection_test_retries_transient_failures(
    server: SandboxServer, client: TrueCnamClient, kind: str
) -> None:
    server.faults.add(REQUEST_TYPE, kind, count=2)
    await client.test_connection()
    assert sent(server) == 3


async def test_connection_test_retries_server_errors_then_gives_up(
    server: SandboxServer, client: TrueCnamClient
) -> None:
    server.faults.add(REQUEST_TYPE, "http_error", status=503, count=None)
    with pytest.raises(ProviderUnavailable):
        await client.test_connection()
    assert sent(server) == FAST_RETRY.attempts


async def test_connection_test_times_out(server: SandboxServer) -> None:
    server.faults.add(REQUEST_TYPE, "latency", delay=2.0, count=None)
    async with make(server, deadline_s=0.2, retry=FAST_RETRY) as c:
        with pytest.raises(ProviderTimeout):
            await c.test_connection()
    assert sent(server) == 1  # the first attempt spent the request's budget


# --- secrets everywhere ---------------------------------------------------------------------


async def test_credentials_appear_in_no_log_or_error(
    server: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    http.install_redaction()  # as the app does at startup: httpx logs every URL at INFO
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    async with make(server) as c:
        kinds = ("http_error", "reset", "truncated", "malformed", "xxe", "error", "latency")
        for lang, kind in itertools.product(("en", "fr"), kinds):
            server.faults.clear()
            server.faults.add(REQUEST_TYPE, kind, count=None, delay=0.5)
            for op in (c.call_start(calling_number=FROM, called_number=TO), c.test_connection()):
                try:
                    with using(lang):
                        await op
                except TelephonyError as exc:
                    texts.extend([str(exc), repr(exc), exc.user_message()])
                    texts.append(repr(exc.__cause__ or exc.__context__))
                    texts.append(repr(getattr(exc, "cause", None)))
        texts.append(repr(c))
    texts.extend(record.getMessage() for record in caplog.records)
    texts.append(caplog.text)
    assert len(texts) > 20
    assert_no_secret(server, *texts)
