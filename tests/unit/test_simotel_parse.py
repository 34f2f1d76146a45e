"""Simotel envelope parsing, error mapping and input checks (no network)."""

from __future__ import annotations

import json

import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    Conflict,
    InputError,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    ProviderRejected,
    UnsupportedRequest,
)
from telephony_desktop.domain.simotel import OriginateRequest
from telephony_desktop.i18n import using
from telephony_desktop.providers import http
from telephony_desktop.providers.simotel import errors, params, parse
from telephony_desktop.providers.simotel.errors import AccessDenied

SAMPLE = b"""{
"success": 1,
"message": null,
"data": {
"originated_call_id": "orig.call.1703145054.787335"
}
}"""


def check(status: int, body: bytes, location: str = "") -> object:
    return parse.check(status, body, action="place the call", location=location)


def in_french(status: int, body: bytes, location: str = "") -> str:
    """The sentence of the error ``check`` raises, with messages in French."""
    with using("fr"), pytest.raises(ProviderRejected) as info:
        parse.check(status, body, action="passer l'appel", location=location)
    return str(info.value)


# --- envelope -------------------------------------------------------------------------------------


def test_vendor_sample() -> None:
    env = parse.read_envelope(SAMPLE)
    assert env is not None and env.success is True and env.message == ""
    assert parse.text_field(env, "originated_call_id") == "orig.call.1703145054.787335"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, True),
        ("1", True),
        (True, True),
        ("true", True),
        (0, False),
        ("0", False),
        (False, False),
        ("false", False),
        (None, None),
        ("maybe", None),
        ([], None),
    ],
)
def test_success_flag(value: object, expected: bool | None) -> None:
    assert parse.success_flag(value) is expected


def test_tolerant_shapes() -> None:
    noisy = b"\xef\xbb\xbf<b>Notice</b>: x\n" + SAMPLE + b"\n"
    env = parse.read_envelope(noisy)
    assert env is not None and parse.text_field(env, "originated_call_id").startswith("orig")
    env = parse.read_envelope(b'{"success":"1","data":[{"originated_call_id":12345}],"x":1}')
    assert env is not None and env.success is True
    assert parse.text_field(env, "originated_call_id") == "12345"
    assert parse.text_field(env, "x") == "1"  # top-level extras are visible, unknown ones ignored
    env = parse.read_envelope(b'{"success":1,"originated_call_id":"top.level"}')
    assert env is not None and parse.text_field(env, "originated_call_id") == "top.level"
    env = parse.read_envelope(b'{"success":0,"message":{"caller":["is required"],"n":2}}')
    assert env is not None and env.success is False
    assert env.message == "caller: is required; n: 2"
    env = parse.read_envelope(b'{"success":1,"data":null}')
    assert env is not None and dict(env.data) == {} and parse.text_field(env, "missing") == ""


@pytest.mark.parametrize(
    "body", [b"", b"   ", b"<html><body>Login</body></html>", b"[1,2]", b'"ok"', b'{"success":1']
)
def test_not_an_envelope(body: bytes) -> None:
    assert parse.read_envelope(body) is None


def test_check_success_and_missing_flag() -> None:
    env = parse.check(200, SAMPLE, action="x")
    assert env.success is True
    env = parse.check(200, b'{"data":{}}', action="x")
    assert env.success is None  # the caller decides


@pytest.mark.parametrize("body", [b"", b"<html>oops</html>", b'{"success":1,"data":{"orig'])
def test_check_unreadable_200_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedResponse):
        check(200, body)


# --- success 0 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "cls", "code"),
    [
        ("Context 'x' not found", InvalidRequest, "invalid"),
        ("caller is required", InvalidRequest, "invalid"),
        ("Caller 557 is busy", Conflict, "busy"),
        ("BasicAuth or ApiKey is missing/invalid", AuthenticationError, "authentication_failed"),
        ("IP is not permitted", AccessDenied, "ip_not_permitted"),
        ("Access denied", AccessDenied, "access_denied"),
        ("Queue is full", ProviderRejected, "failed"),
        ("", ProviderRejected, "failed"),
    ],
)
def test_success_zero(message: str, cls: type[ProviderRejected], code: str) -> None:
    body = json.dumps({"success": 0, "message": message, "data": None}, separators=(",", ":"))
    raw = body.encode()
    for flag in (b'"success":0', b'"success":"0"', b'"success":false'):
        with pytest.raises(cls) as info:
            check(200, raw.replace(b'"success":0', flag))
        assert type(info.value) is cls and info.value.code == code
        assert info.value.provider == "Simotel" and info.value.status == 200
        if message:
            assert message in str(info.value)
        french = in_french(200, raw.replace(b'"success":0', flag))
        if message and cls is not AuthenticationError:  # its sentence already says it, in French
            assert message in french
        assert french != str(info.value)


# --- HTTP statuses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "cls", "words"),
    [
        (400, b'{"success":0,"message":"Unable to parse content"}', InvalidRequest, "parse"),
        (
            401,
            b'{"success":0,"message":"BasicAuth or ApiKey is missing/invalid"}',
            AuthenticationError,
            "BasicAuth or ApiKey",
        ),
        (401, b"", AuthenticationError, "BasicAuth or ApiKey"),
        (403, b'{"success":0,"message":"IP is not permitted"}', AccessDenied, "IP address"),
        (403, b'{"success":0,"message":"Access denied"}', AccessDenied, "Access denied"),
        (403, b"<html><h1>403 Forbidden</h1></html>", AccessDenied, "administrator"),
        (404, b"", NotFound, "no API v4"),
        (404, b"404: Not Found", NotFound, "check the Simotel URL"),
        (405, b"", UnsupportedRequest, "405"),
        (415, b"", InvalidRequest, "415"),
        (501, b"", UnsupportedRequest, "not implemented"),
        (418, b'{"message":"teapot"}', ProviderRejected, "teapot"),
        (302, b"", ProviderRejected, "redirect"),
    ],
)
def test_status_mapping(status: int, body: bytes, cls: type[ProviderRejected], words: str) -> None:
    with pytest.raises(cls) as info:
        check(status, body)
    assert type(info.value) is cls
    assert info.value.status == status
    assert words in str(info.value)
    assert in_french(status, body) != str(info.value)
    assert not info.value.retryable


def test_redirect_names_the_target_without_userinfo() -> None:
    with pytest.raises(ProviderRejected) as info:
        check(301, b"", location="https://user:pw@pbx.example.com/api/v4/call")
    assert "https://pbx.example.com" in str(info.value) and "pw" not in str(info.value)


def test_pbx_message_is_redacted_and_shortened() -> None:
    http.register_secret("s3cr3t-simotel-key")
    message = "bad key s3cr3t-simotel-key " + "x" * 400
    exc = errors.for_failure(message, action="place the call")
    assert "s3cr3t-simotel-key" not in str(exc) and "***" in str(exc)
    assert len(str(exc)) < 400


# --- input checks -----------------------------------------------------------------------------------


def test_originate_request_body() -> None:
    req = params.originate_request(
        caller=" 557 ", callee="(514) 555-0100", context="main_routing", caller_id="557"
    )
    assert req == OriginateRequest("557", "5145550100", "main_routing", "557")
    assert req.body() == {
        "caller": "557",
        "callee": "5145550100",
        "context": "main_routing",
        "caller_id": "557",
        "trunk_name": "",
    }
    full = OriginateRequest("557", "552", "main_routing", "557", "cisco", 30, 60).body()
    assert full["timeout"] == "30" and full["call_limit"] == "60" and full["trunk_name"] == "cisco"


@pytest.mark.parametrize(
    ("caller", "telecom"),
    [
        ("557", False),
        ("123456", False),
        ("*97", False),
        ("1234567", True),
        ("0912", True),
        ("+1", True),
    ],
)
def test_telecom_caller(caller: str, telecom: bool) -> None:
    assert params.is_telecom_number(caller) is telecom


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (0, "timeout_s"),
        (301, "timeout_s"),
        (1.5, "timeout_s"),
        ("30", "timeout_s"),
        (0, "call_limit_s"),
        (86_401, "call_limit_s"),
    ],
)
def test_seconds_ranges(value: object, field: str) -> None:
    lo, hi = params.TIMEOUT_RANGE if field == "timeout_s" else params.CALL_LIMIT_RANGE
    with pytest.raises(InputError) as info:
        params.seconds(value, field, lo, hi)
    assert info.value.field == field
    assert params.seconds(lo, field, lo, hi) == lo and params.seconds(hi, field, lo, hi) == hi
    assert params.seconds(None, field, lo, hi) is None


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("https://pbx.example.com", "https://pbx.example.com/api/v4"),
        ("https://pbx.example.com/", "https://pbx.example.com/api/v4"),
        ("https://pbx.example.com/api/v4", "https://pbx.example.com/api/v4"),
        ("HTTPS://pbx.example.com:8443/api/V4/", "https://pbx.example.com:8443/api/v4"),
        ("https://pbx.example.com/api", "https://pbx.example.com/api/v4"),
        ("https://h/simotel/", "https://h/simotel/api/v4"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v4"),
        ("http://[::1]:8080", "http://[::1]:8080/api/v4"),
    ],
)
def test_api_root(url: str, root: str) -> None:
    assert params.api_root(url, allow_insecure_http=False) == root


@pytest.mark.parametrize(
    "url",
    [
        "",
        "pbx",
        "ftp://pbx",
        "https://a:b@pbx",
        "https://pbx:99999",
        "https://pbx/?apikey=1",
        "http://10.0.0.2",
    ],
)
def test_api_root_refusals(url: str) -> None:
    with pytest.raises(InputError) as info:
        params.api_root(url, allow_insecure_http=False)
    assert info.value.field == "base_url"
    assert "apikey=1" not in str(info.value)
