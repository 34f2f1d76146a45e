"""The TrueCNAM answer parser: json, xml and csv, wrapped or not, sniffed or labelled."""

from __future__ import annotations

import pytest

from telephony_desktop.domain.errors import MalformedResponse
from telephony_desktop.domain.truecnam import CallStartResult
from telephony_desktop.providers.truecnam import parse
from telephony_desktop.sandbox.truecnam import TrueCnamSimulator

# --- JSON --------------------------------------------------------------------------------


def test_the_vendor_example_parses() -> None:
    result = parse.parse_call_start(
        b'{"status": "ok", "error_msg": "", "err": "0"}', "application/json"
    )
    assert result == CallStartResult(status="ok", err="0", error_msg="")
    assert result.ok


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": "ok", "err": 0, "error_msg": null}',
        b'{"response": {"status": "ok", "err": "0", "error_msg": ""}}',
        b'{"data": {"result": {"Status": "OK", "ERR": 0.0}}}',
        b'[{"status": "ok", "err": "0"}]',
        b'\xef\xbb\xbf  {"status": "ok"}',
        '{"status": "ok", "err": "0"}'.encode("utf-16"),
    ],
)
def test_json_is_read_tolerantly(body: bytes) -> None:
    result = parse.parse_call_start(body, "application/json")
    assert result.ok and result.status == "ok"
    assert result.err in ("", "0")


def test_json_keeps_unknown_fields_in_extra() -> None:
    result = parse.parse_json(
        b'{"status": "ok", "err": "0", "error_msg": "", "true_clid": true, "n": [1, 2]}'
    )
    assert result.extra == {"true_clid": "true", "n": "[1, 2]"}


def test_json_error_answer() -> None:
    result = parse.parse_json(b'{"status": "error", "err": "1", "error_msg": "Bad auth"}')
    assert (result.status, result.err, result.error_msg, result.ok) == (
        "error",
        "1",
        "Bad auth",
        False,
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"status": "ok", "err',
        b'{"status": {"nested": 1}}',
        b'{"status": ""}',
        b'{"status": "ok", "err": {"x": 1}}',
        b"[]",
        b"null",
        b'"ok"',
        b'{"a": {"b": {"c": {"d": {"status": "ok"}}}}}',  # deeper than any plausible wrapper
    ],
)
def test_json_without_a_usable_status_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedResponse) as info:
        parse.parse_call_start(body, "application/json")
    assert info.value.provider == "TrueCNAM"


@pytest.mark.parametrize(
    ("body", "ok", "err", "message"),
    [
        (b'{"err": "0", "error_msg": "", "queries_per_minute_remaining": 59}', True, "0", ""),
        (b'{"err": 0, "error_msg": null}', True, "0", ""),
        (
            b'{"err": "3", "error_msg": "Invalid called number"}',
            False,
            "3",
            "Invalid called number",
        ),
        (b"<response><err>0</err><error_msg/></response>", True, "0", ""),
        (b'<response err="7" error_msg="Bad password"/>', False, "7", "Bad password"),
    ],
)
def test_an_answer_without_status_is_read_from_err(
    body: bytes, ok: bool, err: str, message: str
) -> None:
    """Real extended answers may carry no ``status``: ``err`` "0" is success, another number a
    refusal with ``error_msg`` (docs/providers/truecnam.md)."""
    result = parse.parse_call_start(body)
    assert (result.ok, result.err, result.error_msg) == (ok, err, message)
    assert result.status == ("ok" if ok else "error")


# --- XML ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><response><status>ok</status><err>0</err><error_msg/></response>',
        b"<truecnam><result><status>ok</status><err>0</err></result></truecnam>",
        b'<r xmlns="urn:x"><status>ok</status><err>0</err><error_msg></error_msg></r>',
        b'<response status="ok" err="0" error_msg=""/>',
        b"<status>ok</status>",
        b"  \n<Response><STATUS> ok </STATUS><Err>0</Err></Response>",
    ],
)
def test_xml_is_read_tolerantly(body: bytes) -> None:
    result = parse.parse_call_start(body, "text/xml")
    assert result.ok and result.status == "ok"


def test_xml_error_and_extra_fields() -> None:
    result = parse.parse_xml(
        b"<response><status>error</status><err>7</err><error_msg>Account suspended"
        b"</error_msg><note>hi</note></response>"
    )
    assert (result.status, result.err, result.error_msg) == ("error", "7", "Account suspended")
    assert result.extra == {"note": "hi"}


@pytest.mark.parametrize(
    "body",
    [
        b"<response><status>ok</status>",
        b"<br />\n<b>Warning</b>: mysqli_connect() failed<br />",
        b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
        b"<html><body>Login</body></html>",
    ],
)
def test_xml_without_a_usable_status_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedResponse):
        parse.parse_call_start(body, "text/xml")


@pytest.mark.parametrize("body_name", ["xxe_body", "billion_laughs_body", "malformed_body"])
def test_hostile_or_broken_xml_is_refused(body_name: str) -> None:
    body = getattr(TrueCnamSimulator(), body_name)()
    with pytest.raises(MalformedResponse):
        parse.parse_call_start(body, "text/xml")


# --- CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"ok,0,", ("ok", "0", "")),
        (b"ok", ("ok", "", "")),
        (b"ok,0,\r\n", ("ok", "0", "")),
        (b'"ok","0",""\n', ("ok", "0", "")),
        (
            b'error,3,"Invalid calling_number, E.164 expected"',
            ("error", "3", "Invalid calling_number, E.164 expected"),
        ),
        (b"status,err,error_msg\nerror,1,Bad auth\n", ("error", "1", "Bad auth")),
        (b"\xef\xbb\xbf\nOK,0,\n", ("ok", "0", "")),
    ],
)
def test_csv_in_the_documented_order(body: bytes, expected: tuple[str, str, str]) -> None:
    result = parse.parse_call_start(body, "text/csv")
    assert (result.status, result.err, result.error_msg) == expected


def test_csv_extra_columns_are_kept() -> None:
    result = parse.parse_csv(b"ok,0,,something")
    assert result.ok and result.extra == {"field_4": "something"}


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"Internal Server Error", b"status,err,error_msg\n", b'"unterminated'],
)
def test_csv_that_is_not_a_truecnam_answer_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedResponse):
        parse.parse_call_start(body, "text/csv")


# --- format detection ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b'{"status": "ok"}', "text/html; charset=UTF-8", "json"),  # PHP's default label
        (b"<response/>", "application/json", "xml"),  # the body wins over the label
        (b"ok,0,", "text/plain", "csv"),
        (b"ok,0,", "", "csv"),
        (b"garbage", "application/json", "json"),
        (b"garbage", "application/xml", "xml"),
        (b"\n\t <response/>", "", "xml"),
    ],
)
def test_format_is_sniffed_then_labelled(body: bytes, content_type: str, expected: str) -> None:
    assert parse.detect_format(body, content_type) == expected


def test_an_oversized_answer_is_refused() -> None:
    body = b'{"status": "ok", "pad": "' + b"x" * parse.MAX_BODY_BYTES + b'"}'
    with pytest.raises(MalformedResponse):
        parse.parse_call_start(body)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
@pytest.mark.parametrize("typ", ["simple", "basic", "extended"])
@pytest.mark.parametrize(
    ("status", "err", "msg"),
    [("ok", "0", ""), ("error", "3", 'Invalid <calling_number>, "E.164" & more')],
)
def test_every_sandbox_rendering_round_trips(
    fmt: str, typ: str, status: str, err: str, msg: str
) -> None:
    body = TrueCnamSimulator.render_body(status, err, msg, fmt, typ)
    result = parse.parse_call_start(body)  # no content type: sniffed
    assert result.status == status
    if typ == "simple":
        assert (result.err, result.error_msg) == ("", "")
    else:
        assert (result.err, result.error_msg) == (err, msg)


def test_result_ok_needs_status_ok_and_no_error_number() -> None:
    assert CallStartResult("ok").ok
    assert CallStartResult("ok", "0").ok
    assert not CallStartResult("ok", "5").ok
    assert not CallStartResult("error", "0").ok
    assert not CallStartResult("error").ok
