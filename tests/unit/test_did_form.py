"""The Numbers form's logic without Qt: drafts, the update they make, checks, routing in words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from telephony_desktop.domain.errors import InputError, ProviderRejected
from telephony_desktop.domain.models import Did, DidUpdate, InventoryDid, Mailbox
from telephony_desktop.providers.voicemeup import params
from telephony_desktop.services import did_form
from telephony_desktop.services.did_form import DidDraft

FORWARDING = Did(
    did_id="31005",
    phone_number="4505550104",
    friendly_name="Ventes Rive Nord",
    options=("enable_forwarding",),
    forward_number="4505550155",
    forward_timeout="20",
)
FRONT = Did(
    did_id="31001",
    phone_number="5145550100",
    friendly_name="Réception principale",
    options=("enable_peer", "enable_voicemail", "enable_recording"),
    mailbox_id="7001",
    peer_ids=("5501", "5502"),
    peer_timeout="20",
    status="enabled",
)


def test_routing_in_words() -> None:
    assert did_form.routing_summary(FORWARDING) == "Forward to (450) 555-0155 after 20 s"
    boxes = {"7001": Mailbox("7001", "Boîte principale")}
    assert did_form.routing_summary(FRONT, "CA", boxes) == (
        "Rings 2 devices for 20 s · Voicemail box 7001 (Boîte principale) · Recorded"
    )
    assert did_form.routing_summary(FRONT) == (
        "Rings 2 devices for 20 s · Voicemail box 7001 · Recorded"
    )
    immediate = replace(FORWARDING, forward_timeout="disabled")
    assert did_form.routing_summary(immediate) == "Forward to (450) 555-0155"
    assert did_form.routing_summary(replace(FRONT, options=())).startswith("Not routed")


def test_draft_of_a_did_round_trips_to_no_change() -> None:
    for did in (FORWARDING, FRONT, replace(FRONT, peer_ids=("5502", "5501"))):
        draft = did_form.draft_of(did)
        assert did_form.same_as(did, draft)
        with pytest.raises(InputError) as info:
            did_form.check(did, draft)
        assert info.value.field == "did"
    assert did_form.draft_of(FORWARDING).forward_number == "(450) 555-0155"


def test_only_changes_are_sent_and_numbers_as_digits() -> None:
    draft = replace(
        did_form.draft_of(FORWARDING),
        friendly_name="  Ventes Laval ",
        forward_number="(514) 555-0177",
        forward_timeout="30",
    )
    update = did_form.check(FORWARDING, draft)
    assert update == DidUpdate(
        friendly_name="Ventes Laval", forward_number="5145550177", forward_timeout="30"
    )
    params.set_did(FORWARDING.did_id, update)  # what the client will accept


def test_options_follow_the_ticks_and_details_only_while_on() -> None:
    draft = replace(
        did_form.draft_of(FORWARDING),
        forwarding=False,
        forward_number="12",  # greyed out: not checked, not sent
        voicemail=True,
        mailbox_id="7002",
    )
    update = did_form.check(FORWARDING, draft)
    assert update == DidUpdate(options=("enable_voicemail",), mailbox_id="7002")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"friendly_name": "x"}, "friendly_name"),
        ({"forward_number": "12"}, "forward_number"),
        ({"forward_number": ""}, "forward_number"),
        ({"voicemail": True, "mailbox_id": ""}, "client_mailbox_id"),
        ({"peers": True, "peer_ids": ()}, "client_peer_ids"),
        ({"peers": True, "peer_ids": ("1", "2", "3", "4", "5", "6")}, "client_peer_ids"),
    ],
)
def test_mistakes_name_their_field(change: dict[str, object], field: str) -> None:
    draft = replace(did_form.draft_of(FORWARDING), **change)  # type: ignore[arg-type]
    with pytest.raises(InputError) as info:
        did_form.check(FORWARDING, draft)
    assert info.value.field == field


def test_field_message_reads_like_a_label() -> None:
    raw = InputError("forward_number must be a phone number.", field="forward_number")
    assert did_form.field_message(raw) == "Forwarding number must be a phone number."
    plain = InputError("Enter a name.", field="friendly_name")
    assert did_form.field_message(plain) == "Enter a name."


def test_provider_refusals_map_to_fields() -> None:
    exc = ProviderRejected("in use", code="forward_number_used_by_did")
    assert did_form.field_for_rejection(exc) == "forward_number"
    assert did_form.field_for_rejection(ProviderRejected("x", code="peer_required")) == (
        "client_peer_ids"
    )
    assert did_form.field_for_rejection(ProviderRejected("x", code="whatever")) == ""


def test_inventory_checks_and_lines() -> None:
    assert did_form.inventory_query("local", "514", "") == {"type": "local", "npa": "514"}
    with pytest.raises(InputError) as info:
        did_form.inventory_query("local", "51", "")
    assert info.value.field == "npa"
    item = InventoryDid("900100", "5145550166", "local", "514", "555", "271501", "Montréal", "QC")
    assert did_form.inventory_line(item) == "(514) 555-0166 · Montréal, QC · Local"
    text = did_form.order_confirmation(item)
    assert text.startswith("Order (514) 555-0166, a local number in Montréal, QC?")
    assert "bill" in text


def test_timeouts_read_for_people() -> None:
    assert did_form.timeout_label("20") == "20 s"
    assert did_form.timeout_label("disabled") == "No delay"
    assert did_form.norm_timeout("") == "disabled"
    assert DidDraft().forward_timeout == "disabled"


@pytest.mark.usefixtures("french")
def test_routing_and_ordering_in_french() -> None:
    assert did_form.routing_summary(FORWARDING) == "Renvoi vers le (450) 555-0155 après 20 s"
    boxes = {"7001": Mailbox("7001", "Boîte principale")}
    assert did_form.routing_summary(FRONT, "CA", boxes) == (
        "Fait sonner 2 appareils pendant 20 s · Boîte vocale 7001 (Boîte principale) · Enregistré"
    )
    one = replace(FRONT, peer_ids=("5501",), peer_timeout="disabled", options=("enable_peer",))
    assert did_form.routing_summary(one) == "Fait sonner 1 appareil"
    assert did_form.timeout_label("disabled") == "Aucun délai"
    item = InventoryDid("900100", "5145550166", "tollfree", "514", "555", "271501", "", "")
    assert did_form.inventory_line(item) == "(514) 555-0166 · Sans frais"
    assert did_form.order_confirmation(item).startswith(
        "Commander le (514) 555-0166, un numéro sans frais? Il est ajouté à ce compte"
    )
    with pytest.raises(InputError) as info:
        did_form.check(FORWARDING, did_form.draft_of(FORWARDING))
    assert did_form.field_message(info.value) == "Rien à modifier."


def test_an_order_names_the_kind_of_number() -> None:
    item = InventoryDid("900100", "5145550166", "international", "", "", "", "", "FR")
    assert did_form.order_confirmation(item).startswith(
        "Order (514) 555-0166, an international number in FR? It is added"
    )
    odd = replace(item, type="mobile", state="")
    assert did_form.order_confirmation(odd).startswith(
        "Order (514) 555-0166, a number of type mobile?"
    )
    assert did_form.inventory_line(odd) == "(514) 555-0166 · mobile"
