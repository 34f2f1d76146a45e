"""Parameters are checked against the vendor tables before anything is sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from telephony_desktop import i18n
from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import DidUpdate, E911Address
from telephony_desktop.providers.voicemeup import params

TOKEN = "4d695127fbeedd39d423b5f9c47eabcd"
ADDRESS = E911Address(
    first_name="Hélène",
    last_name="Gagnon",
    civic_number="1200",
    street="Rue Sainte-Catherine Ouest",
    city="Montréal",
    state_code="qc",
    country_code="ca",
    postal_code="h3b1k9",
)


def test_credentials() -> None:
    assert params.credentials(account_id="80012345", auth_token=TOKEN, language="fr") == {
        "client_account_id": "80012345",
        "auth_token": TOKEN,
        "language": "fr",
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"account_id": "8001234", "auth_token": TOKEN}, "client_account_id"),
        (
            {"account_id": "80012345", "auth_token": "secret-but-not-hex-zzzzzzzzzzzzz"},
            "auth_token",
        ),
        ({"account_id": "80012345", "auth_token": TOKEN, "currency": "GBP"}, "currency"),
    ],
)
def test_bad_credentials(kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(InputError) as info:
        params.credentials(**kwargs)
    assert info.value.field == field
    assert "secret-but-not-hex" not in str(info.value)


def test_get_calls_window_and_cursor() -> None:
    assert params.get_calls(date_from=date(2026, 8, 24), date_to="2026-11-22") == {
        "date_from": "2026-08-24",
        "date_to": "2026-11-22",
        "metadata": "yes",
        "result_limit": "1000",
    }
    assert params.get_calls(unique_id="a" * 32, result_offset=2000, direction="inbound") == {
        "unique_id": "a" * 32,
        "direction": "inbound",
        "metadata": "yes",
        "result_limit": "1000",
        "result_offset": "2000",
    }


def test_get_calls_takes_a_start_date_alone_and_asks_for_meta_data() -> None:
    """The real engine answers ``date_from`` alone, and sends ``meta_data`` only when asked."""
    assert params.get_calls(date_from="2026-01-01", metadata="no") == {
        "date_from": "2026-01-01",
        "metadata": "no",
        "result_limit": "1000",
    }
    with pytest.raises(InputError) as info:
        params.get_calls(date_from="2026-01-01", metadata="maybe")
    assert info.value.field == "metadata"


BAD: list[tuple[Callable[[], object], str]] = [
    (lambda: params.get_calls(date_to="2026-01-01"), "date_from"),
    (lambda: params.get_calls(date_from="2026-13-01", date_to="2026-12-01"), "date_from"),
    (lambda: params.get_calls(date_from="2026-02-01", date_to="2026-01-01"), "date_from"),
    (lambda: params.get_calls(unique_id="short"), "unique_id"),
    (lambda: params.get_calls(unique_id="a" * 32, date_from="2026-01-01", date_to="2026-01-02"),
     "unique_id"),
    (lambda: params.get_calls(), "date_from"),
    (lambda: params.get_calls(unique_id="a" * 32, result_limit=0), "result_limit"),
    (lambda: params.get_calls(unique_id="a" * 32, result_limit=1001), "result_limit"),
    (lambda: params.get_calls(unique_id="a" * 32, result_offset=-1), "result_offset"),
    (lambda: params.get_calls(unique_id="a" * 32, direction="both"), "direction"),
    (lambda: params.get_recordings(status=["lost"]), "status"),
    (lambda: params.get_recordings(call_hash="x"), "call_hash"),
    (lambda: params.delete_voicemail(voicemail_id="12; DROP"), "call_voicemail_id"),
    (lambda: params.get_dids(phone_number="555-0100"), "phone_number"),
    (lambda: params.set_did("31001", DidUpdate()), "did"),
    (lambda: params.set_did("31001", DidUpdate(friendly_name="x")), "friendly_name"),
    (lambda: params.set_did("31001", DidUpdate(forward_timeout="7")), "forward_timeout"),
    (lambda: params.set_did("31001", DidUpdate(options=("enable_magic",))), "options"),
    (lambda: params.set_did("31001", DidUpdate(peer_ids=tuple("123456"))), "client_peer_ids"),
    (lambda: params.set_did("31001", DidUpdate(status="paused")), "status"),
    (lambda: params.set_did("31001", DidUpdate(forward_number="12")), "forward_number"),
    (lambda: params.get_did_inventory(npa="51"), "npa"),
    (lambda: params.get_did_inventory(type="tollfree", npa="514"), "npa"),
    (lambda: params.get_did_inventory(type="premium"), "type"),
    (lambda: params.order_did(), "did_id"),
    (lambda: params.order_did(phone_number="123"), "phone_number"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="fax", destination="5145550199"),
     "destination_type"),
    (lambda: params.call_dispatch(source_type="peer", source="ab", destination_type="number",
                                  destination="5145550199"), "source"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="number", destination="5145550199",
                                  callerid_number="8885550100"), "callerid_number"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="number", destination="5145550199",
                                  callerid_name="X"), "callerid_name"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="number", destination="5145550199",
                                  wait_time=4), "wait_time"),
    (lambda: params.get_network_status(limit=0), "limit"),
    (lambda: params.get_network_status(offset=-1), "offset"),
    (lambda: params.get_voicemails(result_limit=5000), "result_limit"),
    (lambda: params.get_voicemails(date_from="2026-02-01", date_to="2026-01-01"), "date_from"),
    (lambda: params.get_voicemails(date_to="yesterday"), "date_to"),
    (lambda: params.get_voicemails(voicemail_id="abc"), "call_voicemail_id"),
    (lambda: params.delete_recording("١٢"), "call_recording_id"),  # non-ASCII digits
    (lambda: params.get_recordings(recording_id="x1"), "call_recording_id"),
    (lambda: params.get_dids(did_id="-1"), "client_did_id"),
    (lambda: params.get_dids(phone_number="1234567890"), "phone_number"),  # area code 123
    (lambda: params.set_did("abc", DidUpdate(status="enabled")), "client_did_id"),
    (lambda: params.set_did("31001", DidUpdate(friendly_name="Ligne <script>")), "friendly_name"),
    (lambda: params.set_did("31001", DidUpdate(friendly_name="x" * 33)), "friendly_name"),
    (lambda: params.set_did("31001", DidUpdate(peer_timeout="60")), "peer_timeout"),
    (lambda: params.set_did("31001", DidUpdate(peer_ids=("55a",))), "client_peer_ids"),
    (lambda: params.set_did("31001", DidUpdate(mailbox_id="box")), "client_mailbox_id"),
    (lambda: params.set_did("31001", DidUpdate(dnis_rewrite="12345")), "dnis_rewrite"),
    (lambda: params.get_did_inventory(nxx="55a"), "nxx"),
    (lambda: params.get_did_inventory(ratecenter_id="12345"), "ratecenter_id"),
    (lambda: params.order_did(did_id="1", phone_number="5145550100"), "did_id"),
    (lambda: params.order_did(phone_number="1234567890123456"), "phone_number"),
    (lambda: params.get_e911_endpoints(endpoint_id="e1"), "client_endpoint_id"),
    (lambda: params.e911_peer(peer_id="x", associate=False), "client_peer_id"),
    (lambda: params.call_dispatch(source_type="number", source="555-0100",
                                  destination_type="number", destination="5145550199"), "source"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="peer", destination="bob"), "destination"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="number", destination="5145550199",
                                  callerid_number="+1 800 555 0100"), "callerid_number"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="number", destination="5145550199",
                                  callerid_number="514555010"), "callerid_number"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="number", destination="5145550199",
                                  callerid_name="Bureau #1"), "callerid_name"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="number", destination="5145550199",
                                  callerid_name="A very long caller name"), "callerid_name"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="number", destination="5145550199",
                                  wait_time=61), "wait_time"),
    (lambda: params.call_dispatch(source_type="number", source="5145550100",
                                  destination_type="number", destination="5145550199",
                                  meta_data="x" * 1001), "meta_data"),
    (lambda: params.credentials("80012345", "4d695127fbeedd39d423b5f9c47eabcd", "de"), "language"),
    (lambda: params.delete_e911_address(), "phone_number"),
    (lambda: params.e911_peer(peer_id="5501", associate=True), "phone_number"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "field"), BAD)
def test_each_rule_names_its_field(call: Callable[[], object], field: str) -> None:
    with pytest.raises(InputError) as info:
        call()
    assert info.value.field == field
    with i18n.using("fr"), pytest.raises(InputError) as french:
        call()
    assert french.value.field == field
    assert french.value.user_message() and french.value.user_message() != str(info.value)


def test_messages_name_the_rule_and_the_value() -> None:
    with pytest.raises(InputError) as info:
        params.get_calls(unique_id="a" * 32, result_limit=5000)
    assert str(info.value) == "Result limit must be between 1 and 1000 (got 5000)."
    with pytest.raises(InputError) as info:
        params.set_did("31001", DidUpdate(peer_ids=tuple(str(5500 + i) for i in range(6))))
    assert "at most 5 devices" in str(info.value) and "(got 6)" in str(info.value)


@pytest.mark.usefixtures("french")
def test_messages_name_the_rule_and_the_value_in_french() -> None:
    with pytest.raises(InputError) as info:
        params.get_calls(unique_id="a" * 32, result_limit=5000)
    assert info.value.user_message() == (
        "La limite de résultats doit se situer entre 1 et 1000 (valeur reçue : 5000)."
    )
    with pytest.raises(InputError) as info:
        params.set_did("31001", DidUpdate(peer_ids=tuple(str(5500 + i) for i in range(6))))
    assert "au plus 5 appareils" in info.value.user_message()


@pytest.mark.usefixtures("french")
def test_address_fields_are_named_with_their_article() -> None:
    with pytest.raises(InputError) as info:
        params._required("address_type_number", " ")
    assert info.value.user_message() == "Entrez le numéro d'unité."
    with pytest.raises(InputError) as info:
        params._required("street", "Main\x00 St")
    assert (
        info.value.user_message() == "La rue contient des caractères non imprimables; retapez-le."
    )
    with pytest.raises(InputError) as info:
        params._required("city", "x" * 101)
    assert (
        info.value.user_message() == "Ce champ (la ville) est trop long (100 caractères au plus)."
    )


def test_the_token_is_never_quoted() -> None:
    token = "ZZ" + TOKEN[2:]
    with pytest.raises(InputError) as info:
        params.credentials("80012345", token)
    with i18n.using("fr"), pytest.raises(InputError) as french:
        params.credentials("80012345", token)
    assert info.value.field == "auth_token"
    for text in (str(info.value), french.value.user_message(), repr(info.value)):
        assert token not in text and TOKEN[2:] not in text


def test_positional_credentials_and_options() -> None:
    assert params.credentials(" 80012345 ", TOKEN, None, "USD") == {
        "client_account_id": "80012345",
        "auth_token": TOKEN,
        "currency": "USD",
    }


def test_optional_parameters_are_left_out() -> None:
    assert params.get_voicemails() == {"result_limit": "1000"}
    assert params.get_voicemails(result_limit=50, result_offset=100, date_from="2026-11-01") == {
        "result_limit": "50",
        "result_offset": "100",
        "date_from": "2026-11-01",
    }
    assert params.get_voicemails(voicemail_id=" 48201 ") == {
        "result_limit": "1000",
        "call_voicemail_id": "48201",
    }
    assert params.delete_voicemail("48201") == {"call_voicemail_id": "48201"}
    assert params.delete_recording(recording_id="77001") == {"call_recording_id": "77001"}
    assert params.get_recordings() == {}
    assert params.get_recordings(status=["verified", "unverified", "verified"]) == {
        "status": "verified,unverified"
    }
    assert params.get_recordings(call_hash="c" * 32, recording_id="7") == {
        "call_hash": "c" * 32,
        "call_recording_id": "7",
    }
    assert params.get_dids() == {}
    assert params.get_dids(did_id="31001", phone_number="+1 514.555.0100") == {
        "client_did_id": "31001",
        "phone_number": "5145550100",
    }
    assert params.get_did_inventory() == {}
    assert params.get_did_inventory(npa="514", nxx="555") == {"npa": "514", "nxx": "555"}
    assert params.get_did_inventory(type="tollfree", ratecenter_id="123456") == {
        "type": "tollfree",
        "ratecenter_id": "123456",
    }
    assert params.get_network_status() == {"limit": "5", "offset": "0"}


def test_ordering_and_e911_targets() -> None:
    assert params.order_did(did_id="9001") == {"did_id": "9001"}
    assert params.order_did(phone_number="+1 (438) 555-0123") == {"phone_number": "4385550123"}
    assert params.order_did(phone_number="+44 20 7946 0958") == {"phone_number": "442079460958"}
    assert params.get_e911_endpoints() == {}
    assert params.delete_e911_address(endpoint_id="12") == {"client_endpoint_id": "12"}
    assert params.e911_peer(peer_id="5501", associate=True, phone_number="5145550100") == {
        "client_peer_id": "5501",
        "phone_number": "5145550100",
    }
    assert params.e911_peer(peer_id="5501", associate=False) == {"client_peer_id": "5501"}


def test_set_did_clears_and_dedupes() -> None:
    assert params.set_did(
        "31001",
        DidUpdate(forward_number="", dnis_rewrite="", peer_ids=("5501", "5501"), options=()),
    ) == {
        "client_did_id": "31001",
        "options": "",
        "forward_number": "",
        "client_peer_ids": "5501",
        "dnis_rewrite": "",
    }
    assert params.set_did("31001", DidUpdate(friendly_name="Ligne d'Émilie-2_b.")) == {
        "client_did_id": "31001",
        "friendly_name": "Ligne d'Émilie-2_b.",
    }


def test_set_did_sends_only_changes() -> None:
    update = DidUpdate(
        friendly_name=" Réception ",
        options=("enable_forwarding", "enable_recording"),
        forward_number="+1 (514) 555-0142",
        forward_timeout="20",
        peer_ids=("5501", "5502"),
    )
    assert params.set_did("31001", update) == {
        "client_did_id": "31001",
        "friendly_name": "Réception",
        "options": "enable_forwarding,enable_recording",
        "forward_number": "5145550142",  # +1 dropped: the provider's 10-digit form
        "forward_timeout": "20",
        "client_peer_ids": "5501,5502",
    }


def test_e911_address_is_normalised() -> None:
    out = params.set_e911_address("(514) 555-0101", ADDRESS)
    assert out["phone_number"] == "5145550101"
    assert out["postal_code"] == "H3B 1K9"
    assert (out["state_code"], out["country_code"]) == ("QC", "CA")
    assert out["first_name"] == "Hélène"
    assert "first_name" not in params.validate_e911_address("5145550101", ADDRESS)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"civic_number": "12B"}, "civic_number"),
        ({"street": "   "}, "street"),
        ({"state_code": "Quebec"}, "state_code"),
        ({"country_code": "FR"}, "country_code"),
        ({"postal_code": "12345"}, "postal_code"),
        ({"country_code": "US", "state_code": "NY", "postal_code": "H3B 1K9"}, "postal_code"),
        ({"address_type": "castle", "address_type_number": "1"}, "address_type"),
        ({"address_type_number": "200"}, "address_type"),
        ({"address_type": "suite"}, "address_type_number"),
        ({"first_name": ""}, "first_name"),
        ({"language": "de"}, "language"),
        ({"state_code": "NY"}, "state_code"),  # not a province
        ({"country_code": "US", "state_code": "QC", "postal_code": "10001"}, "state_code"),
        ({"city": ""}, "city"),
        ({"last_name": " "}, "last_name"),
        ({"civic_number": ""}, "civic_number"),
        ({"postal_code": "D3B 1K9"}, "postal_code"),  # D never starts a Canadian code
    ],
)
def test_e911_address_rules(change: dict[str, str], field: str) -> None:
    from dataclasses import replace

    with pytest.raises(InputError) as info:
        params.set_e911_address("5145550101", replace(ADDRESS, **change))
    assert info.value.field == field


def test_us_addresses() -> None:
    from dataclasses import replace

    us = replace(
        ADDRESS,
        street="Broadway",
        city="New York",
        state_code="ny",
        country_code="us",
        postal_code="100011234",
        address_type="Suite",
        address_type_number=" 200 ",
        language="",
    )
    out = params.validate_e911_address("+1 212 555 0100", us)
    assert out == {
        "phone_number": "2125550100",
        "civic_number": "1200",
        "street": "Broadway",
        "city": "New York",
        "state_code": "NY",
        "country_code": "US",
        "postal_code": "10001-1234",
        "address_type": "suite",
        "address_type_number": "200",
    }


def test_call_dispatch_numbers_are_normalised() -> None:
    assert params.call_dispatch(
        source_type="number",
        source="+1 514-555-0100",
        destination_type="number",
        destination="1 (514) 555-0199",
        callerid_name=" Bureau  Montréal ",
        callerid_number="+1 514 555 0100",
        enable_recording=False,
        meta_data="ticket=42",
    ) == {
        "source_type": "number",
        "source": "5145550100",
        "destination_type": "number",
        "destination": "5145550199",
        "callerid_name": "Bureau Montréal",
        "callerid_number": "5145550100",
        "enable_recording": "0",
        "meta_data": "ticket=42",
    }


def test_call_dispatch() -> None:
    assert params.call_dispatch(
        source_type="peer",
        source="office01",
        destination_type="number",
        destination="011 33 1 23 45 67 89",
        callerid_number="(514) 555-0100",
        enable_recording=True,
        wait_time=20,
    ) == {
        "source_type": "peer",
        "source": "office01",
        "destination_type": "number",
        "destination": "01133123456789",
        "callerid_number": "5145550100",
        "enable_recording": "1",
        "wait_time": "20",
    }


def test_addresses_refuse_unicode_digits_and_control_characters() -> None:
    from telephony_desktop.domain.errors import InputError
    from telephony_desktop.providers.voicemeup import params

    with pytest.raises(InputError) as info:
        params.postal_code("US", "١٢٣٤٥")
    assert info.value.field == "postal_code"
    with pytest.raises(InputError):
        params._required("street", "Main\x00 St")
    with pytest.raises(InputError):
        params._required("street", "Main \u202e St")
    assert params._required("street", "  Rue   Côté ") == "Rue Côté"
