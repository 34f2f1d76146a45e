"""The Verba answer parser, the error table and the argument checks (no network)."""

from __future__ import annotations

import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    Conflict,
    InputError,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    ProviderRejected,
)
from telephony_desktop.domain.verba import VerbaMedia
from telephony_desktop.i18n import using
from telephony_desktop.providers import http
from telephony_desktop.providers.verba import errors, params, parse

SUCCESS = b"""<?xml version="1.0" encoding="UTF-8"?>
<VerbaApi>
<Response code="0" type="GetCallID"/>
<CallID>a8343631-9f35-4a3a-83f0-9e81592339fb</CallID>
</VerbaApi>
"""
FAILURE = b"""<?xml version="1.0" encoding="UTF-8"?>
<VerbaApi>
<Response code="2" type="GetCallID">
<ErrorMessage>Unable to retrieve the call identifier, because the call cannot be found.</ErrorMessage>
</Response>
</VerbaApi>
"""
CALL_ID = "a8343631-9f35-4a3a-83f0-9e81592339fb"


def test_documented_success() -> None:
    assert parse.parse_call_id(SUCCESS) == CALL_ID


def test_documented_failure() -> None:
    with pytest.raises(NotFound) as info:
        parse.parse_call_id(FAILURE)
    assert info.value.code == "2"
    assert info.value.provider == "Verba"


@pytest.mark.parametrize(
    "body",
    [
        b'<VerbaApi><Response code="0" type="GetCallID"/><CallID value="%s"/></VerbaApi>',
        b'<VerbaApi><Response code="0" type="GetCallID" callID="%s"/></VerbaApi>',
        b'<VerbaApi><Response code=" 0 "/><Extra><x/></Extra><callId>\n  %s\n</callId></VerbaApi>',
        b'<v:VerbaApi xmlns:v="urn:x"><v:Response code="0"/><v:CallID>%s</v:CallID></v:VerbaApi>',
        b'<Response code="0" type="GetCallID"><CallID>%s</CallID></Response>',
        b"<VerbaApi><Response/><CallID>%s</CallID></VerbaApi>",  # no code: tolerated
    ],
)
def test_tolerant_call_id(body: bytes) -> None:
    assert parse.parse_call_id(body % CALL_ID.encode()) == CALL_ID


def test_success_without_call_id_is_malformed() -> None:
    with pytest.raises(MalformedResponse):
        parse.parse_call_id(b'<VerbaApi><Response code="0" type="GetCallID"/></VerbaApi>')


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   ",
        b"<html><body>Tomcat</body></html>",
        b"not xml at all",
        b'<VerbaApi><Response code="0"><CallID>abc</Call',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<VerbaApi><Response code="0"/><CallID>&e;</CallID></VerbaApi>',
    ],
)
def test_unreadable(body: bytes) -> None:
    with pytest.raises(MalformedResponse):
        parse.parse_call_id(body)


def test_bare_error_message_without_code() -> None:
    body = (
        b"<VerbaApi><Response><ErrorMessage>Invalid API key.</ErrorMessage></Response></VerbaApi>"
    )
    with pytest.raises(AuthenticationError):
        parse.parse_call_id(body)


def test_token_and_url() -> None:
    token = (
        b'<VerbaApi><Response code="0" type="RequestToken"/><Token> abc123XYZ </Token></VerbaApi>'
    )
    assert parse.parse_token(token) == "abc123XYZ"
    url = (
        b'<VerbaApi><Response code="0" type="GetCallURL"/>'
        b"<CallURL>https://verba.example.com/verba/calls/1?x=1&amp;y=2</CallURL></VerbaApi>"
    )
    assert parse.parse_call_url(url) == "https://verba.example.com/verba/calls/1?x=1&y=2"
    bad = b'<VerbaApi><Response code="0"/><CallURL>javascript:alert(1)</CallURL></VerbaApi>'
    with pytest.raises(MalformedResponse):
        parse.parse_call_url(bad)
    with pytest.raises(MalformedResponse):
        parse.parse_token(b'<VerbaApi><Response code="0"/><Token>has space</Token></VerbaApi>')


# --- error table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "cls"),
    [
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
def test_table(code: str, cls: type[ProviderRejected]) -> None:
    exc = errors.error_for(code, "")
    assert type(exc) is cls
    assert exc.code == code
    with using("fr"):
        assert str(errors.error_for(code, "")) != str(exc)


def test_only_code_2_is_documented() -> None:
    assert [c for c, spec in errors.CODES.items() if spec.documented] == ["2"]


@pytest.mark.parametrize(
    ("message", "cls"),
    [
        ("More than 1 record found for the extension", Conflict),
        ("This token is expired or never got authenticated.", AuthenticationError),
        ("Invalid apiKey", AuthenticationError),
        ("Login failed", AuthenticationError),
        ("The call cannot be found.", NotFound),
        ("Missing mandatory parameter", InvalidRequest),
    ],
)
def test_unknown_codes_are_classified_by_message(message: str, cls: type[ProviderRejected]) -> None:
    assert type(errors.error_for("77", message)) is cls


def test_more_than_one_overrides_the_code() -> None:
    assert isinstance(errors.error_for("2", "more than one call matches"), Conflict)


def test_unknown_code_quotes_the_message_without_secrets() -> None:
    http.register_secret("s3cr3tvalue99")
    exc = errors.error_for("42", "Database down (session s3cr3tvalue99)", action="GetMedia")
    assert type(exc) is ProviderRejected
    assert "Database down" in str(exc)
    assert "s3cr3tvalue99" not in str(exc)
    with using("fr"):
        french = str(
            errors.error_for("42", "Database down (session s3cr3tvalue99)", action="GetMedia")
        )
    assert "s3cr3tvalue99" not in french and "Database down" in french


def test_http_statuses() -> None:
    assert isinstance(errors.http_status_error(401), AuthenticationError)
    assert isinstance(errors.http_status_error(403), AuthenticationError)
    assert "/verba/api" in str(errors.http_status_error(404))
    assert type(errors.http_status_error(418)) is ProviderRejected


# --- media ---------------------------------------------------------------------------------


def test_media_type() -> None:
    wav = b"RIFF\x00\x00\x00\x00WAVEfmt "
    assert parse.media_type("application/octet-stream", "", wav) == ("audio/wav", "wav")
    assert parse.media_type("", "", b"ID3\x04rest") == ("audio/mpeg", "mp3")
    assert parse.media_type("audio/ogg", "", b"OggS\x00" + b"\x00" * 30 + b"OpusHead")[1] == "opus"
    assert parse.media_type("audio/mpeg; q=1", "", b"\x00\x01") == ("audio/mpeg", "mp3")
    disposition = 'attachment; filename="call.spx"'
    assert parse.media_type("", disposition, b"\x00\x01") == ("audio/ogg", "spx")
    assert parse.media_type("", "", b"\x00\x01") == ("application/octet-stream", "bin")


def test_looks_like_document() -> None:
    assert parse.looks_like_document("text/xml", b"<VerbaApi/>")
    assert parse.looks_like_document("application/octet-stream", b'<?xml version="1.0"?><a/>')
    assert parse.looks_like_document("text/html", b"<html></html>")
    assert not parse.looks_like_document("text/plain", b"RIFF\x00\x00\x00\x00WAVE")
    assert not parse.looks_like_document("audio/wav", b"\x00\x01\x02")


def test_media_repr_and_filename() -> None:
    media = VerbaMedia(
        call_id="a/b:c", data=b"x" * 10, content_type="audio/wav", file_extension="wav"
    )
    assert "xxxx" not in repr(media)
    assert media.size == 10
    assert media.suggested_filename == "verba-a_b_c.wav"


# --- argument checks -----------------------------------------------------------------------


def test_statuses() -> None:
    assert params.statuses(["ongoing", "next"], required=True) == "ongoing,next"
    assert params.statuses(("last", "ongoing"), required=True) == "last,ongoing"
    assert params.statuses("Next, ongoing", required=True) == "next,ongoing"
    assert params.statuses(["last", "last"], required=True) == "last"
    assert params.statuses([], required=False) == ""
    for bad in (["done"], [], ["", " "]):
        with pytest.raises(InputError) as info:
            params.statuses(bad, required=True)
        assert info.value.field == "status"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://verba.example.com", "https://verba.example.com/verba/api"),
        ("https://verba.example.com/", "https://verba.example.com/verba/api"),
        ("HTTPS://verba.example.com/verba/api/", "https://verba.example.com/verba/api"),
        ("http://10.0.0.5:8080/custom/api", "http://10.0.0.5:8080/custom/api"),
    ],
)
def test_base_url(given: str, expected: str) -> None:
    assert params.base_url(given) == expected


@pytest.mark.parametrize(
    "bad", ["", "verba.example.com", "ftp://x/verba/api", "https://u:p@x/", "https://x/?a=1"]
)
def test_bad_base_url(bad: str) -> None:
    with pytest.raises(InputError) as info:
        params.base_url(bad)
    assert info.value.field == "base_url"


def test_extension_and_identifier() -> None:
    assert params.extension(" 8856 ") == "8856"
    assert params.extension("+15145550100") == "+15145550100"
    assert params.extension("") is None
    with pytest.raises(InputError):
        params.extension("88;56")
    assert params.identifier("TRS26140192", field="native_id", message="x") == "TRS26140192"
    with pytest.raises(InputError) as info:
        params.identifier("a\nb", field="native_id", message="The ID is not valid.")
    assert str(info.value) == "The ID is not valid." and info.value.field == "native_id"
