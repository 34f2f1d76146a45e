"""The TeleCMI answer parser and error table, without the network."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    InvalidRequest,
    MalformedResponse,
    ProviderRejected,
    ProviderUnavailable,
)
from telephony_desktop.i18n import using
from telephony_desktop.providers import http
from telephony_desktop.providers.telecmi import errors, parse

SUCCESS = {
    "data": {"status": "progress", "request_id": "FrTckxcdYpJQFwSwki7ee2qY90MOYhgRyFzqgSlK5uT"},
    "status": "progress",
    "request_id": "FrTckxcdYpJQFwSwki7ee2qY90MOYhgRyFzqgSlK5uT",
    "code": 200,
}
NO_HEADERS = httpx.Headers()


def body(doc: object) -> bytes:
    return json.dumps(doc).encode()


def check(
    status: int, doc: object, *, placing: bool = True, headers: httpx.Headers = NO_HEADERS
) -> dict[str, Any]:
    raw = doc if isinstance(doc, bytes) else body(doc)
    return parse.check(status, raw, headers, placing=placing)


def in_french(status: int, doc: object, *, placing: bool = True) -> str:
    """The sentence of the refusal ``check`` raises, with messages in French."""
    with using("fr"), pytest.raises(ProviderRejected) as info:
        check(status, doc, placing=placing)
    return str(info.value)


# --- status check --------------------------------------------------------------------------------


def test_documented_success_is_accepted_and_parsed() -> None:
    placed = parse.parse_placed(check(200, SUCCESS))
    assert placed.provider == "telecmi"
    assert placed.reference == SUCCESS["request_id"]
    assert placed.status == "progress"


@pytest.mark.parametrize(
    "doc",
    [
        {"data": {"status": "progress", "request_id": "abc"}, "code": "200"},  # only in data
        {"request_id": "abc", "status": "progress"},  # no code at all
        {"request_id": "abc", "code": 200.0, "surprise": [1, 2]},  # unknown keys, float code
    ],
)
def test_success_variants(doc: dict[str, object]) -> None:
    placed = parse.parse_placed(check(200, doc))
    assert placed.reference == "abc" and placed.status == "progress"


def test_success_without_request_id_is_malformed() -> None:
    with pytest.raises(MalformedResponse):
        parse.parse_placed(check(200, {"code": 200, "status": "progress"}))


def test_status_defaults_to_progress() -> None:
    assert parse.parse_placed({"request_id": 123}).status == "progress"
    assert parse.parse_placed({"request_id": 123}).reference == "123"


@pytest.mark.parametrize(
    ("status", "doc"),
    [
        (420, {"code": 420, "error": "Invalid app id or secret"}),
        (200, {"code": 420, "error": "Invalid app id or secret"}),  # only in the body
        (420, b"<html>denied</html>"),  # only the HTTP status
        (400, {"code": "420", "message": "failed to authenticate token"}),
        (420, {"code": 200}),  # a contradicting body code does not hide the HTTP refusal
    ],
)
def test_420_is_authentication_error(status: int, doc: object) -> None:
    with pytest.raises(AuthenticationError) as info:
        check(status, doc)
    exc = info.value
    assert exc.code == "420" and exc.status == status and exc.provider == "TeleCMI"
    assert "app ID or secret" in exc.user_message()
    assert "identifiant d'application" in in_french(status, doc)


@pytest.mark.parametrize("status", [422, 200])
def test_422_names_the_missing_property(status: int) -> None:
    with pytest.raises(InvalidRequest) as info:
        check(status, {"code": 422, "error": "Missing required property: to"})
    exc = info.value
    assert exc.code == "422"
    french = in_french(status, {"code": 422, "error": "Missing required property: to"})
    assert "(to)" in str(exc) and "(to)" in french
    assert "No call was placed" in str(exc)
    assert "Aucun appel n'a été passé." in french
    assert "Missing required property: to" in str(exc)


def test_422_property_from_an_explicit_key() -> None:
    with pytest.raises(InvalidRequest) as info:
        check(422, {"code": 422, "message": "validation failed", "property": "pcmo"})
    assert "(pcmo)" in str(info.value)


def test_422_without_a_name_still_explains() -> None:
    with pytest.raises(InvalidRequest) as info:
        check(422, b"")
    assert "required property is missing" in str(info.value)
    assert "()" not in str(info.value)


def test_telecmi_json_502_is_a_refusal_not_an_outage() -> None:
    with pytest.raises(InvalidRequest) as info:
        check(502, {"code": 502, "error": "The property required is missing: connect"})
    exc = info.value
    assert exc.code == "502" and exc.status == 502
    assert "property required is missing (connect)" in str(exc)
    french = in_french(502, {"code": 502, "error": "The property required is missing: connect"})
    assert "propriété requise est absente (connect)" in french


def test_json_502_with_http_200() -> None:
    with pytest.raises(InvalidRequest):
        check(200, {"code": 502, "message": "The property required is missing"})


@pytest.mark.parametrize(
    ("status", "raw"),
    [
        (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
        (502, body({"message": "bad gateway"})),  # JSON, but not TeleCMI's code
        (503, body({"code": 503})),
        (500, b""),
    ],
)
def test_other_5xx_is_provider_unavailable(status: int, raw: bytes) -> None:
    headers = httpx.Headers({"Retry-After": "7"})
    with pytest.raises(ProviderUnavailable) as info:
        check(status, raw, headers=headers)
    assert info.value.status == status and info.value.retry_after == 7.0
    assert info.value.retryable


def test_other_4xx_is_provider_rejected_with_the_message() -> None:
    with pytest.raises(ProviderRejected) as info:
        check(404, {"code": 404, "message": "No such route"})
    exc = info.value
    assert type(exc) is ProviderRejected
    assert (
        exc.code == "404"
        and "No such route" in str(exc)
        and "No such route" in in_french(404, {"code": 404, "message": "No such route"})
    )


def test_http_200_with_another_body_code_is_a_failure() -> None:
    with pytest.raises(ProviderRejected) as info:
        check(200, {"code": 409, "data": {"error": {"message": "Insufficient balance"}}})
    assert info.value.code == "409"
    assert "Insufficient balance" in str(info.value)


def test_placing_flag_only_changes_the_sentence() -> None:
    with pytest.raises(InvalidRequest) as info:
        check(422, {"code": 422}, placing=False)
    assert "No call was placed" not in str(info.value)


@pytest.mark.parametrize(
    ("status", "raw"),
    [
        (200, b"<html>hello</html>"),
        (200, b'{"data": {"status": "progress"'),
        (200, b"[1, 2, 3]"),
        (200, b"\xff\xfe\x00garbage"),
        (301, body(SUCCESS)),
    ],
)
def test_unreadable_answers_are_malformed(status: int, raw: bytes) -> None:
    with pytest.raises(MalformedResponse):
        check(status, raw)


def test_bom_and_text_code_accepted() -> None:
    raw = b"\xef\xbb\xbf" + body({**SUCCESS, "code": " 200 "})
    assert parse.parse_placed(parse.check(200, raw, NO_HEADERS, placing=True)).reference


# --- error text ----------------------------------------------------------------------------------


def test_provider_text_is_redacted_bounded_and_on_one_line() -> None:
    secret = "s3cr3t-telecmi-value-for-parse-test"
    http.register_secret(secret)
    text = f"bad secret {secret}\n\x00" + "x" * 500
    with pytest.raises(ProviderRejected) as info:
        check(400, {"code": 400, "error": text})
    message = str(info.value)
    assert secret not in message and secret not in in_french(400, {"code": 400, "error": text})
    assert "\n" not in message and "\x00" not in message
    assert len(message) < 400


def test_rejection_sentences_exist_in_both_languages() -> None:
    for code in (420, 422, 502, 499):
        english = str(errors.rejection(code, status=code, placing=True))
        with using("fr"):
            french = str(errors.rejection(code, status=code, placing=True))
        assert english and french and english != french


# --- legs ----------------------------------------------------------------------------------------

CDR = {
    "count": 2,
    "cdr": [
        {
            "duration": 42,
            "balance": 99.9880,
            "rate": 0.012,
            "from": 19170000000,
            "to": 19170000001,
            "time": 1735732800000,
            "leg": "a",
            "direction": "outbound",
            "status": "answered",
            "record": False,
        },
        {
            "duration": "35",
            "balance": "99.9760",
            "rate": "0.012",
            "from": "19170000000",
            "to": "19170000002",
            "time": "2025-01-01T12:00:07Z",
            "leg": 2,
            "direction": "outbound",
            "status": "answered",
        },
    ],
    "code": 200,
}


def test_legs_are_parsed_tolerantly() -> None:
    a, b = parse.parse_legs(check(200, CDR, placing=False))
    assert a.duration == 42 and b.duration == 35
    assert a.balance == Decimal("99.988") and b.balance == Decimal("99.9760")
    assert a.rate == b.rate == Decimal("0.012")
    assert a.from_number == b.from_number == "19170000000"
    assert (a.to_number, b.to_number) == ("19170000001", "19170000002")
    assert a.time == datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert b.time == datetime(2025, 1, 1, 12, 0, 7, tzinfo=UTC)
    assert (a.leg, b.leg) == ("a", "2")
    assert a.status == b.status == "answered" and a.direction == "outbound"
    assert dict(a.extra) == {"record": "false"} and dict(b.extra) == {}


@pytest.mark.parametrize(
    "doc",
    [
        {"count": 0, "cdr": [], "code": 200},
        {"count": 0, "code": 200},
        {"code": 200, "data": {"count": 0}},
        {"cdr": None},
    ],
)
def test_no_legs(doc: dict[str, object]) -> None:
    assert parse.parse_legs(doc) == ()


def test_legs_wrapped_single_or_listed_in_data() -> None:
    leg = {"duration": 1, "status": "missed"}
    assert parse.parse_legs({"data": {"cdr": [leg]}})[0].status == "missed"
    assert parse.parse_legs({"cdr": leg})[0].duration == 1
    assert parse.parse_legs({"data": [leg, "junk"]})[0].status == "missed"


def test_legs_of_another_type_are_malformed() -> None:
    with pytest.raises(MalformedResponse):
        parse.parse_legs({"cdr": "none"})


def test_missing_leg_fields_take_defaults() -> None:
    leg = parse.parse_leg({})
    assert leg.duration == 0 and leg.balance is None and leg.rate is None and leg.time is None
    assert leg.from_number == leg.to_number == leg.leg == leg.status == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1735732800, datetime(2025, 1, 1, 12, tzinfo=UTC)),
        (1735732800000, datetime(2025, 1, 1, 12, tzinfo=UTC)),
        ("1735732800", datetime(2025, 1, 1, 12, tzinfo=UTC)),
        (1735732800.5, datetime(2025, 1, 1, 12, 0, 0, 500000, tzinfo=UTC)),
        ("2025-01-01 12:00:00", datetime(2025, 1, 1, 12)),
        (
            "2025-01-01T17:30:00+05:30",
            datetime(2025, 1, 1, 17, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        ("", None),
        (None, None),
        (0, None),
        (True, None),
        ("yesterday", None),
        ("nan", None),
        (10**30, None),
        ([1], None),
    ],
)
def test_time_parsing(value: object, expected: datetime | None) -> None:
    assert parse.to_time(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), ("12", 12), ("12.9", 12), (12.9, 12), ("", 0), (None, 0), ("x", 0), ("inf", 0)],
)
def test_to_int(value: object, expected: int) -> None:
    assert parse.to_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.5, Decimal("0.5")), ("1.25", Decimal("1.25")), (3, Decimal(3)), ("", None), ("n/a", None),
     (None, None), ("NaN", None)],
)  # fmt: skip
def test_to_decimal(value: object, expected: Decimal | None) -> None:
    assert parse.to_decimal(value) == expected
