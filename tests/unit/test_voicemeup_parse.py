"""The tolerant XML Engine parser, on the shapes the provider README quotes and their variants."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    Conflict,
    E911AddressRejected,
    InvalidRequest,
    MalformedResponse,
    ProviderRejected,
)
from telephony_desktop.domain.models import Call
from telephony_desktop.providers.voicemeup import parse
from telephony_desktop.providers.xmlsafe import iter_records

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


def test_unknown_attributes_are_extra_and_empty_ones_unset() -> None:
    (call,) = calls(
        '<call_details unique_id="u" call_hash="" origin="sip"><call_hash>h</call_hash>'
        "<client_peer_id></client_peer_id><meta_data>ticket=42</meta_data></call_details>"
    )
    assert call.call_hash == "h"  # a child wins over an attribute
    assert call.client_peer_id is None
    assert call.meta_data == "ticket=42"
    assert call.extra == {"origin": "sip"}


def test_a_record_without_unknowns_shares_one_empty_extra() -> None:
    first, second = calls('<call_details unique_id="a"/><call_details unique_id="b"/>')
    assert first.extra is second.extra
    assert dict(first.extra) == {}


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.0241", "0.0241"), ("1,234.50", "1234.50"), ("12,50", "12.50"), ("1 234,56", "1234.56"),
     ("$3.00", "3.00"), ("", None), ("abc", None), ("NaN", None), ("Infinity", None)],
)  # fmt: skip
def test_money(text: str, value: str | None) -> None:
    assert parse.to_decimal(text) == (Decimal(value) if value is not None else None)


@pytest.mark.parametrize(
    ("text", "value"), [("82", 82), ("82.6", 82), ("", 0), ("abc", 0), ("1e999", 0)]
)
def test_durations(text: str, value: int) -> None:
    assert parse.to_int(text) == value


def test_dates_and_times() -> None:
    assert parse.to_datetime("2026-11-02", "08:05:09") == datetime(2026, 11, 2, 8, 5, 9)
    assert parse.to_datetime("2026-11-02 08:05:09") == datetime(2026, 11, 2, 8, 5, 9)
    assert parse.to_datetime("2026-11-02", "25:99:00") == datetime(2026, 11, 2)
    assert parse.to_datetime("", "08:00:00") is None
    assert parse.to_datetime("02/11/2026") is None


def test_account_prefers_its_own_record_and_borrows_missing_money() -> None:
    env = parse.read_envelope(
        envelope(
            "<account_details client_account_id='80012345'><callerid_name>Bureau Lévis"
            "</callerid_name><callerid_number>4185550100</callerid_number>"
            "<account_balance></account_balance><company_name>Café Inc.</company_name>"
            "</account_details>"
            "<funding_details><account_balance>125.40CR</account_balance>"
            "<funds_left>12.00</funds_left><currency>CAD</currency></funding_details>"
        )
    )
    account = parse.parse_account(env.root)
    assert account is not None
    assert account.account_id == "80012345" and account.callerid_name == "Bureau Lévis"
    assert account.account_balance == Decimal("125.40") and account.funds_left == Decimal("-12.00")
    assert account.currency == "CAD"
    assert account.extra == {"company_name": "Café Inc."}
    funding = parse.parse_funding(env.root)
    assert funding is not None and funding.account_balance == Decimal("125.40")


def test_funding_falls_back_to_account_details() -> None:
    env = parse.read_envelope(
        envelope("<account_details><account_balance>5.00CR</account_balance></account_details>")
    )
    funding = parse.parse_funding(env.root)
    assert funding is not None and funding.account_balance == Decimal("5.00")
    assert parse.parse_account(parse.read_envelope(envelope("")).root) is None
    assert parse.parse_funding(parse.read_envelope(envelope("")).root) is None


def test_the_other_records() -> None:
    env = parse.read_envelope(
        envelope(
            "<inventory><did_inventory did_id='9001'><phone_number>4385550123</phone_number>"
            "<type>local</type><npa>438</npa><nxx>555</nxx><ratecenter>Montréal</ratecenter>"
            "<monthly_fee>1.50</monthly_fee></did_inventory></inventory>"
            "<peers><peer_details><client_peer_id>5501</client_peer_id><username>office01"
            "</username><friendly_name>Réception</friendly_name></peer_details>"
            "<peer_details><username>no-id</username></peer_details></peers>"
            "<mailbox_details client_mailbox_id='7'><email>a@example.com</email></mailbox_details>"
            "<e911_endpoints><e911_details client_endpoint_id='12'><phone_number>5145550101"
            "</phone_number><first_name>Hélène</first_name><civic_number>1200</civic_number>"
            "<street>Rue Sainte-Catherine Ouest</street><city>Montréal</city>"
            "<state_code>QC</state_code><country_code>CA</country_code>"
            "<postal_code>H3B 1K9</postal_code><client_peer_ids>5501, 5502</client_peer_ids>"
            "</e911_details></e911_endpoints>"
            "<network_status network_status_id='3'><date>2026-11-01</date><title>Entretien"
            "</title><description>Maintenance planifiée</description><status>resolved</status>"
            "</network_status>"
            "<call_dispatch><call_hash>d" + "0" * 31 + "</call_hash><status>dispatched</status>"
            "</call_dispatch>"
        )
    )
    root = env.root
    (inv,) = parse.parse_inventory(root)
    assert (inv.did_id, inv.npa, inv.nxx, inv.ratecenter) == ("9001", "438", "555", "Montréal")
    (peer,) = parse.parse_peers(root)
    assert (peer.peer_id, peer.username, peer.friendly_name) == ("5501", "office01", "Réception")
    (box,) = parse.parse_mailboxes(root)
    assert box.mailbox_id == "7" and box.email == "a@example.com"
    (endpoint,) = parse.parse_e911_endpoints(root)
    assert endpoint.endpoint_id == "12" and endpoint.peer_ids == ("5501", "5502")
    assert endpoint.address.city == "Montréal" and endpoint.address.last_name == ""
    (news,) = parse.parse_network_status(root)
    assert news.status_id == "3" and news.description == "Maintenance planifiée"
    dispatched = parse.parse_dispatch(root)
    assert dispatched is not None and dispatched.status == "dispatched"
    assert dispatched.call_hash.startswith("d0")


def test_a_records_own_status_is_not_the_envelopes() -> None:
    env = parse.read_envelope(
        b"<response><call_details unique_id='a'><status>failed</status></call_details></response>"
    )
    assert env.ok and parse.parse_calls(env.root)[0].status == "failed"


def test_an_error_beside_a_success_status_is_ignored() -> None:
    env = parse.read_envelope(envelope('<error code="npa_invalid"/>'))
    assert env.ok and parse.check(env) == ()


def test_failed_status_with_a_message_but_no_code() -> None:
    env = parse.read_envelope(
        b"<response><status>Fail</status><message>Service en maintenance</message></response>"
    )
    assert not env.ok and env.errors == (("unknown_error", "Service en maintenance"),)
    with pytest.raises(ProviderRejected) as info:
        parse.check(env, status=503)
    assert type(info.value) is ProviderRejected
    assert "Service en maintenance" in str(info.value) and info.value.status == 503


def test_warning_as_a_child_code_and_message() -> None:
    env = parse.read_envelope(
        envelope(
            "<warnings><warning><code>peer_excluded_from_sync</code>"
            "<message>excluded</message></warning><warning>free text notice</warning></warnings>"
        )
    )
    first, second = parse.check(env)
    assert first.code == "peer_excluded_from_sync" and "synchronization" in first.message()
    assert second.code == "notice" and "free text notice" in second.message()


@pytest.mark.usefixtures("french")
def test_warnings_are_read_in_french() -> None:
    env = parse.read_envelope(
        envelope(
            "<warnings><warning><code>peer_excluded_from_sync</code>"
            "<message>excluded</message></warning><warning>free text notice</warning></warnings>"
        )
    )
    first, second = parse.check(env)
    assert first.code == "peer_excluded_from_sync" and "synchronisation" in first.message()
    assert second.message() == "VoiceMeUp : free text notice"


def test_a_warning_that_must_not_pass_keeps_the_provider_text() -> None:
    env = parse.read_envelope(envelope("<warnings><warning>Service notice</warning></warnings>"))
    with pytest.raises(ProviderRejected) as info:
        parse.check(env, warning_ok=False)
    assert str(info.value) == "VoiceMeUp refused the request: Service notice"


def test_warning_ok_false_makes_a_warning_fail() -> None:
    env = parse.read_envelope(
        b"<response><status>failed</status><errors>"
        b"<error code='last_endpoint_was_deleted'>deleted</error></errors></response>"
    )
    assert parse.check(env) != ()
    with pytest.raises(Conflict) as info:
        parse.check(env, warning_ok=False)
    assert info.value.code == "last_endpoint_was_deleted"


def test_a_real_error_beside_a_warning_code_still_fails() -> None:
    env = parse.read_envelope(
        b"<response><status>failed</status><errors>"
        b"<error code='callerid_rejection_notice'/><error code='callerid_number_invalid'/>"
        b"</errors></response>"
    )
    assert not env.ok and [w.code for w in env.warnings] == ["callerid_rejection_notice"]
    with pytest.raises(InvalidRequest) as info:
        parse.check(env)
    assert info.value.codes == ("callerid_number_invalid",)


def test_street_not_found_is_a_rejected_address_with_no_alternates() -> None:
    env = parse.read_envelope(
        b"<response><status>failed</status><error code='street_not_found'/></response>"
    )
    validation = parse.parse_e911_validation(env)
    assert not validation.valid and validation.alternates == ()
    with pytest.raises(E911AddressRejected) as info:
        parse.check(env)
    assert info.value.alternates == ()


def test_streaming_calls_match_the_tree_parser() -> None:
    body = envelope("<calls>" + REAL_RECORD * 3 + "</calls>")
    chunks = [body[i : i + 100] for i in range(0, len(body), 100)]
    streamed = [
        parse.parse_call_element(el)
        for el in iter_records(chunks, {"call_details"}, provider="VoiceMeUp")
    ]
    assert streamed == calls(REAL_RECORD * 3)


def test_parse_calls_is_fast_enough_for_large_histories() -> None:
    body = envelope("<calls>" + REAL_RECORD * 5000 + "</calls>")
    started = time.perf_counter()
    parsed = parse.parse_calls(parse.read_envelope(body).root)
    elapsed = time.perf_counter() - started
    assert len(parsed) == 5000
    assert elapsed < 2.0  # about 0.1 s on a laptop; generous for slow CI
