"""The E911 and DID forms on any field values: a checked request or an ``InputError`` naming a
field, and nothing ever leaves the machine (the network is cut for this module)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import fields

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from telephony_desktop import i18n
from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import (
    AlternateAddress,
    Did,
    DidUpdate,
    E911Address,
    E911Endpoint,
    InventoryDid,
    Mailbox,
    ProviderWarning,
)
from telephony_desktop.providers.voicemeup import params
from telephony_desktop.services import did_form, e911_form
from telephony_desktop.services.did_form import DidDraft


def _no_network(*args: object, **kwargs: object) -> None:
    raise AssertionError("a form tried to reach the network")


@pytest.fixture(autouse=True, scope="module")
def network_cut() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        patch.setattr(socket.socket, "connect_ex", _no_network)
        patch.setattr(socket, "create_connection", _no_network)
        patch.setattr(httpx.AsyncClient, "send", _no_network)
        patch.setattr(httpx.Client, "send", _no_network)
        yield


def _clean(text: str) -> bool:
    """One line of printable text: what may be sent as an address or name."""
    return text == text.strip() and all(ch.isprintable() for ch in text)


# Typed text: the expected value, an awkward neighbour, or anything at all.
ODD = ["", " ", "\t", "\n", "\x00", "\u202e", "\u00a0", "😀", "a" * 101, "١٢٣", "１２３"]


def typed(*good: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(list(good) or [""]),
        st.sampled_from(list(good) or [""]).map(lambda s: f"  {s.lower()} "),
        st.sampled_from(ODD),
        st.text(max_size=30),
    )


NUMBERS = typed("5145550100", "+1 (514) 555-0100", "1-514-555-0100", "514.555.0100", "1235550100")
ADDRESSES = st.builds(
    E911Address,
    first_name=typed("Hélène"),
    last_name=typed("Gagnon"),
    civic_number=typed("1200", "12B", "0"),
    street=typed("Rue Sainte-Catherine Ouest"),
    city=typed("Montréal"),
    state_code=typed("QC", "qc", "NY", "ZZ"),
    country_code=typed("CA", "US", "ca", "FR"),
    postal_code=typed("H3B 1K9", "h3b1k9", "10001", "10001-1234", "D1A 1A1", "١٠٠٠١"),
    address_type=typed(*params.ADDRESS_TYPES, "penthouse"),
    address_type_number=typed("200", "B"),
    language=typed("en", "fr", "de"),
)
ADDRESS_FIELDS = {f.name for f in fields(E911Address)} | {"phone_number"}


@given(NUMBERS, ADDRESSES, st.booleans())
@example("5145550100", E911Address("A", "B", "1", "S", "C", "NY", "US", "١٢٣٤٥"), True)
@example("5145550100", E911Address("A", "B", "1", "S\x00t", "C", "QC", "CA", "H3B 1K9"), True)
def test_e911_form_checks_or_names_a_field(number: str, address: E911Address, save: bool) -> None:
    check = e911_form.check_for_save if save else e911_form.check_for_validation
    try:
        checked = check(number, address)
    except InputError as exc:
        assert exc.field in ADDRESS_FIELDS, exc.field
        with i18n.using("fr"), pytest.raises(InputError) as french:
            check(number, address)
        assert e911_form.field_message(exc) and e911_form.field_message(french.value)
        return
    assert isinstance(checked, E911Address)
    assert checked.country_code in ("CA", "US")
    assert checked.state_code in (
        params.CA_PROVINCES if checked.country_code == "CA" else params.US_STATES
    )
    assert checked.civic_number.isascii() and checked.civic_number.isdigit()
    assert checked.postal_code.isascii(), checked.postal_code
    for value in (checked.street, checked.city, checked.address_type_number):
        assert value == "" or (_clean(value) and len(value) <= 100), value
    if save:
        assert _clean(checked.first_name) and _clean(checked.last_name)
        assert checked.language in ("", *params.LANGUAGES)
    # What the form says it will send is what the client will send: checking it again is stable.
    assert check(number, checked) == checked
    assert isinstance(e911_form.save_confirmation(number, checked), str)


@given(
    ADDRESSES,
    st.builds(
        AlternateAddress,
        civic_number=st.text(max_size=8),
        street=st.text(max_size=20),
        city=st.text(max_size=20),
        state_code=st.text(max_size=3),
        country_code=st.text(max_size=3),
        postal_code=st.text(max_size=8),
    ),
    NUMBERS,
    st.text(max_size=40),
    st.sampled_from(["en", "fr", "xx"]),
)
def test_e911_sentences_never_fail(
    address: E911Address, alternate: AlternateAddress, number: str, code: str, lang: str
) -> None:
    chosen = e911_form.apply_alternate(address, alternate)
    assert (chosen.first_name, chosen.address_type_number) == (
        address.first_name,
        address.address_type_number,
    )
    assert isinstance(e911_form.person_and_place(chosen), str)
    assert isinstance(e911_form.save_confirmation(number, chosen), str)
    endpoint = E911Endpoint("1", number, address)
    warning = ProviderWarning(code, "en", "fr")
    with i18n.using(lang):
        in_lang = e911_form.delete_confirmation(endpoint, number, warning)
    for text in (in_lang, e911_form.delete_confirmation(None, number, None)):
        assert number.strip() == "" or text
    assert e911_form.field_for_code(code) in ("", *ADDRESS_FIELDS)
    key = e911_form.number_key(number)
    assert key == "" or (key.isdigit() and len(key) <= 10)


# --- DID -----------------------------------------------------------------------------------

OPTIONS = st.lists(st.sampled_from([*params.DID_OPTIONS, "enable_fax2", ""]), max_size=7)
TIMEOUT_VALUES = typed(*params.TIMEOUTS, "disabled", "999")
IDS = typed("31001", "7001", "5501", "00", "1" * 19)
DIDS = st.builds(
    Did,
    did_id=IDS,
    phone_number=NUMBERS,
    friendly_name=typed("Réception principale", "Ventes"),
    options=OPTIONS.map(tuple),
    forward_number=NUMBERS,
    forward_timeout=TIMEOUT_VALUES,
    mailbox_id=st.none() | IDS,
    peer_ids=st.lists(IDS, max_size=7).map(tuple),
    peer_timeout=TIMEOUT_VALUES,
    status=typed("enabled", "disabled"),
)
DRAFTS = st.builds(
    DidDraft,
    friendly_name=typed("Réception principale", "Ventes", "x", "a_b-c'd.e"),
    forwarding=st.booleans(),
    forward_number=NUMBERS,
    forward_timeout=TIMEOUT_VALUES,
    voicemail=st.booleans(),
    mailbox_id=IDS,
    peers=st.booleans(),
    peer_ids=st.lists(IDS, max_size=7).map(tuple),
    peer_timeout=TIMEOUT_VALUES,
    recording=st.booleans(),
    ivr=st.booleans(),
    fax=st.booleans(),
    status=typed("enabled", "disabled"),
)
DID_FIELDS = set(did_form.FIELD_LABELS) | {"did", "client_did_id", "dnis_rewrite"}


@given(DIDS, DRAFTS, st.sampled_from(["CA", "US", "FR", ""]))
def test_did_form_checks_or_names_a_field(did: Did, draft: DidDraft, region: str) -> None:
    try:
        update = did_form.check(did, draft, region)
    except InputError as exc:
        assert exc.field in DID_FIELDS, exc.field
        with i18n.using("fr"), pytest.raises(InputError) as french:
            did_form.check(did, draft, region)
        assert did_form.field_message(exc) and did_form.field_message(french.value)
        return
    assert isinstance(update, DidUpdate) and update != DidUpdate()
    sent = params.set_did(did.did_id, update)  # what the client sends passes the same rules
    assert sent["client_did_id"] == did.did_id.strip()
    if update.forward_number is not None:
        assert update.forward_number == "" or update.forward_number.isdigit()
    if update.friendly_name is not None:
        assert _clean(update.friendly_name)


@given(DIDS, st.sampled_from(["CA", "US", "FR", ""]))
def test_did_drafts_and_sentences_never_fail(did: Did, region: str) -> None:
    draft = did_form.draft_of(did, region)
    assert draft.forward_timeout in (*params.TIMEOUTS, "disabled")
    assert isinstance(did_form.same_as(did, draft, region), bool)
    boxes = {did.mailbox_id or "": Mailbox(did.mailbox_id or "", "Boîte")}
    assert did_form.routing_summary(did, region, boxes)
    item = InventoryDid(did.did_id, did.phone_number, did.status, ratecenter=did.friendly_name)
    assert isinstance(did_form.inventory_line(item, region), str)
    assert did_form.order_confirmation(item, region)


@given(
    st.sampled_from(["CA", "US"]),
    st.sampled_from(["5145550100", "4505550155", "2125550100"]),
    st.sampled_from(params.TIMEOUTS),
    st.sampled_from(params.TIMEOUTS),
    st.lists(st.sampled_from(params.DID_OPTIONS), unique=True).map(tuple),
)
@example("CA", "15145550100", "20", "20", ("enable_forwarding",))
def test_an_untouched_form_changes_nothing(
    region: str, forward: str, fwd_timeout: str, peer_timeout: str, options: tuple[str, ...]
) -> None:
    did = Did(
        "31001",
        "5145550100",
        "Réception",
        options=options,
        forward_number=forward,
        forward_timeout=fwd_timeout,
        mailbox_id="7001",
        peer_ids=("5501",),
        peer_timeout=peer_timeout,
        status="enabled",
    )
    assert did_form.same_as(did, did_form.draft_of(did, region), region)


@given(typed(*params.INVENTORY_TYPES), typed("514", "5a4"), typed("555", "1"))
def test_inventory_search_checks_or_names_a_field(kind: str, npa: str, nxx: str) -> None:
    try:
        query = did_form.inventory_query(kind, npa, nxx)
    except InputError as exc:
        assert exc.field in ("type", "npa", "nxx"), exc.field
        return
    assert all(v.isascii() for v in query.values())
    assert query.get("type", "local") in params.INVENTORY_TYPES
    for key in ("npa", "nxx"):
        assert key not in query or (query[key].isdigit() and len(query[key]) == 3)
