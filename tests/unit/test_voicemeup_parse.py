"""The tolerant XML Engine parser, on the shapes the provider README quotes and their variants."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    E911AddressRejected,
    InvalidRequest,
    MalformedResponse,
    ProviderRejected,
)
from telephony_desktop.domain.models import Call
from telephony_desktop.providers.voicemeup import parse

REAL_RECORD = """<call_details unique_id="6a45b9a125d141151c8500e71a85a3af">
<date>2010-08-04</date><time>12:39:47</time><direction>inbound</direction>
<source>6045550100</source><destination>6045550199</destination><client_peer_id>5507</client_peer_id>
<country_id>38</country_id><country>Canada</country><state_id>2</state_id><state>British Columbia</state>
<district>Richmond</district><duration>82</duration><callerid_name>JOHN DOE</callerid_name>
<callerid_number>6045550100</callerid_number><bindings></bindings><status>answered</status>
<normalized>16045550100</normalized><billed_amount>0.0241</billed_amount><current_rate>0.0172</current_rate>
<monthly_usage>increment</monthly_usage>
</call_details>"""


def envelope(body: str, status: str = "success") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><response><status>{status}</status>'
        f"<request_type>x</request_type>{body}</response>"
    ).encode()


def calls(body: str) -> list[Call]:
    return parse.parse_calls(parse.read_envelope(envelope(body)).root)


def test_the_real_record_quoted_in_the_readme() -> None:
    (call,) = calls(REAL_RECORD)
    assert call.unique_id == "6a45b9a125d141151c8500e71a85a3af"
    assert call.started_at == datetime(2010, 8, 4, 12, 39, 47)
    assert call.direction == "inbound"
    assert (call.source, call.destination) == ("6045550100", "6045550199")
    assert call.duration_s == 82
    assert call.callerid_name == "JOHN DOE"
    assert call.billed_amount == Decimal("0.0241") and call.current_rate == Decimal("0.0172")
    assert call.client_peer_id == "5507" and call.state == "British Columbia"
    # Unknown elements are kept, empty ones are not set.
    assert call.extra == {"country_id": "38", "state_id": "2", "monthly_usage": "increment"}


def test_records_are_found_with_or_without_wrappers_and_ids_as_children() -> None:
    body = (
        "<calls><page>"
        + REAL_RECORD
        + "</page></calls>"
        + "<call_details><unique_id>bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb</unique_id>"
        "<date>2026-11-02</date><time>08:00:00</time><duration>abc</duration>"
        "<billed_amount>n/a</billed_amount><callerid_name>Émilie Côté</callerid_name>"
        "</call_details>"
        "<call_details><date>2026-11-02</date></call_details>"  # no id: skipped
    )
    first, second = calls(body)
    assert first.unique_id.startswith("6a45")
    assert second.unique_id == "b" * 32
    assert second.duration_s == 0 and second.billed_amount is None
    assert second.callerid_name == "Émilie Côté"
    assert second.extra == {}


def test_missing_or_bad_dates_give_no_time() -> None:
    (call,) = calls('<call_details unique_id="c"><date>not a date</date></call_details>')
    assert call.started_at is None


def test_namespaced_documents_are_read() -> None:
    body = b'<r:response xmlns:r="urn:x"><r:status>success</r:status><r:call_details unique_id="n"/></r:response>'
    env = parse.read_envelope(body)
    assert env.ok and parse.parse_calls(env.root)[0].unique_id == "n"


def test_voicemails_recordings_dids() -> None:
    env = parse.read_envelope(
        envelope(
            '<voicemails><voicemail_details call_voicemail_id="48201">'
            "<voicemail_hash>h1</voicemail_hash><date>2026-11-20</date><time>09:15:00</time>"
            "<callerid_name>Hélène Gagnon</callerid_name><duration>31</duration>"
            "<status>NEW</status><file_format></file_format><file_url>https://x/a.wav</file_url>"
            "</voicemail_details></voicemails>"
            "<recording_details recording_hash='r1'><call_recording_id>77001</call_recording_id>"
            "<status>verified</status><file_format>mp3</file_format></recording_details>"
            "<did_details client_did_id='31001'><phone_number>5145550100</phone_number>"
            "<options>enable_peer, enable_voicemail</options><client_peer_ids>5501,5502</client_peer_ids>"
            "<client_mailbox_id></client_mailbox_id><is_default>1</is_default></did_details>"
        )
    )
    (vm,) = parse.parse_voicemails(env.root)
    assert vm.voicemail_id == "48201" and vm.voicemail_hash == "h1"
    assert vm.status == "new" and vm.is_new and vm.file_format == "wav"
    (rec,) = parse.parse_recordings(env.root)
    assert rec.recording_id == "77001" and rec.recording_hash == "r1" and rec.file_format == "mp3"
    (did,) = parse.parse_dids(env.root)
    assert did.options == ("enable_peer", "enable_voicemail")
    assert did.peer_ids == ("5501", "5502")
    assert did.mailbox_id is None
    assert did.extra == {"is_default": "1"}


@pytest.mark.parametrize(
    ("text", "value"),
    [("125.40CR", "125.40"), ("125.40 cr", "125.40"), ("12.00", "-12.00"), ("0.00", "0.00"),
     ("-3.50", "-3.50"), ("$1,234.50CR", "1234.50"), ("", None), ("n/a", None)],
)  # fmt: skip
def test_balances_follow_the_cr_rule(text: str, value: str | None) -> None:
    assert parse.to_balance(text) == (Decimal(value) if value is not None else None)


def test_account_and_funding_fall_back_to_each_other() -> None:
    env = parse.read_envelope(
        envelope(
            "<funding_details><account_balance>10.00CR</account_balance>"
            "<funds_left>15.00CR</funds_left><currency>CAD</currency></funding_details>"
        )
    )
    account = parse.parse_account(env.root)
    funding = parse.parse_funding(env.root)
    assert account is not None and account.account_balance == Decimal("10.00")
    assert funding is not None and funding.funds_left == Decimal("15.00")


@pytest.mark.parametrize(
    "body",
    [
        b'<response><status>failed</status><errors><error code="authentication_failed">'
        b"Authentication failed.</error></errors></response>",
        b"<response><status>FAILED</status><error><code>authentication_failed</code>"
        b"<description>Authentication failed.</description></error></response>",
        b'<response><error code="authentication_failed"/></response>',
        b'<response status="error"><errors><error code="authentication_failed"/></errors></response>',
    ],
)
def test_failure_envelope_variants(body: bytes) -> None:
    env = parse.read_envelope(body)
    assert not env.ok
    with pytest.raises(AuthenticationError) as info:
        parse.check(env, status=200)
    assert info.value.status == 200


def test_failed_status_without_errors_is_still_a_failure() -> None:
    env = parse.read_envelope(b"<response><status>failed</status></response>")
    with pytest.raises(ProviderRejected):
        parse.check(env)


def test_several_errors_first_decides() -> None:
    env = parse.read_envelope(
        b"<response><status>failed</status><errors><error code='source_invalid'/>"
        b"<error code='wait_time_invalid'/></errors></response>"
    )
    with pytest.raises(InvalidRequest) as info:
        parse.check(env)
    assert info.value.codes == ("source_invalid", "wait_time_invalid")


def test_warnings_beside_success_and_as_errors() -> None:
    beside = parse.read_envelope(
        envelope('<warnings><warning code="last_endpoint_was_deleted">x</warning></warnings>')
    )
    as_error = parse.read_envelope(
        b"<response><status>failed</status><errors>"
        b"<error code='last_endpoint_was_deleted'>The last endpoint was deleted.</error>"
        b"</errors></response>"
    )
    for env in (beside, as_error):
        assert env.ok
        (warning,) = parse.check(env)
        assert warning.code == "last_endpoint_was_deleted"


def test_e911_alternates_travel_with_the_failure() -> None:
    body = (
        b"<response><status>failed</status><errors><error code='alternate_address_provided'/>"
        b"</errors><alternate_addresses><alternate_address><civic_number>1200</civic_number>"
        b"<street>Rue Sainte-Catherine Ouest</street><city>Montr\xc3\xa9al</city>"
        b"<state_code>QC</state_code><country_code>CA</country_code>"
        b"<postal_code>H3B 1K9</postal_code></alternate_address></alternate_addresses></response>"
    )
    env = parse.read_envelope(body)
    validation = parse.parse_e911_validation(env)
    assert not validation.valid
    assert validation.alternates[0].city == "Montréal"
    assert validation.problems[0].code == "alternate_address_provided"
    with pytest.raises(E911AddressRejected) as info:
        parse.check(env)
    assert info.value.alternates == validation.alternates


def test_validation_raises_for_problems_that_are_not_the_address() -> None:
    env = parse.read_envelope(
        b"<response><status>failed</status><error code='authentication_failed'/></response>"
    )
    with pytest.raises(AuthenticationError):
        parse.parse_e911_validation(env)


def test_success_with_nothing_in_it() -> None:
    env = parse.read_envelope(b"<response/>")
    assert env.ok and parse.parse_calls(env.root) == []
    assert parse.parse_dispatch(env.root) is None


def test_garbage_is_a_malformed_response() -> None:
    with pytest.raises(MalformedResponse):
        parse.read_envelope(b"<html><body>502 Bad Gateway</body>")
