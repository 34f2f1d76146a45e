"""What the Numbers tab's edit form means, without Qt: a draft of the user's input, the
``DidUpdate`` it makes (only what changed), its checks against the vendor's table (the same
``params.set_did`` rules the client applies, so the messages match) and how routing reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from telephony_desktop.domain.errors import InputError, ProviderRejected
from telephony_desktop.domain.models import Did, DidUpdate, InventoryDid, Mailbox
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _, formats, ngettext
from telephony_desktop.providers.voicemeup import params

TIMEOUTS = params.TIMEOUTS
MAX_PEERS = params.MAX_PEERS_TO_RING
INVENTORY_TYPES = params.INVENTORY_TYPES

FORWARDING, VOICEMAIL, PEERS, RECORDING, IVR, FAX = params.DID_OPTIONS

# Marked for the catalogue: shown as ``_(INVENTORY_TYPE_LABELS[kind])`` (``inventory_type_label``).
INVENTORY_TYPE_LABELS: Mapping[str, str] = {
    "local": N_("Local"),
    "tollfree": N_("Toll-free"),
    "inum": N_("iNum (global)"),
    "international": N_("International"),
}

# The form's fields, named as ``InputError.field`` names them (params and our own checks).
# Marked for the catalogue: shown as ``_(FIELD_LABELS[field])``.
FIELD_LABELS: Mapping[str, str] = {
    # Translators: the name the user gives a phone number (DID) of the account.
    "friendly_name": N_("Name"),
    "forward_number": N_("Forwarding number"),
    "forward_timeout": N_("Forwarding delay"),
    "client_mailbox_id": N_("Voicemail box"),
    "client_peer_ids": N_("Devices"),
    "peer_timeout": N_("Ring time"),
    "status": N_("Status"),
    "options": N_("Options"),
    # Translators: the type of number searched for in the inventory (local, toll-free...).
    "type": N_("Type"),
    "npa": N_("Area code (NPA)"),
    "nxx": N_("Exchange (NXX)"),
}


def inventory_type_label(kind: str) -> str:
    """``Local``, ``Toll-free``...; a type the app does not know is shown as the provider sent
    it."""
    label = INVENTORY_TYPE_LABELS.get(kind)
    return _(label) if label else kind


def timeout_label(value: str) -> str:
    """``20 s``; the provider's ``disabled`` (no delay) reads ``No delay``."""
    if value.isdigit():
        return _("{seconds} s").format(seconds=value)
    return _("No delay")


def norm_timeout(value: str) -> str:
    return value if value in TIMEOUTS else "disabled"


def digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


@dataclass(frozen=True, slots=True)
class DidDraft:
    """Everything the form holds for one DID, as the user left it."""

    friendly_name: str = ""
    forwarding: bool = False
    forward_number: str = ""
    forward_timeout: str = "disabled"
    voicemail: bool = False
    mailbox_id: str = ""
    peers: bool = False
    peer_ids: tuple[str, ...] = ()
    peer_timeout: str = "disabled"
    recording: bool = False
    ivr: bool = False
    fax: bool = False
    status: str = "enabled"


def draft_of(did: Did, region: str = "CA") -> DidDraft:
    """The form as the DID is now (the forwarding number formatted for people)."""
    opts = set(did.options)
    return DidDraft(
        friendly_name=did.friendly_name,
        forwarding=FORWARDING in opts,
        forward_number=display(did.forward_number, region) if did.forward_number else "",
        forward_timeout=norm_timeout(did.forward_timeout),
        voicemail=VOICEMAIL in opts,
        mailbox_id=did.mailbox_id or "",
        peers=PEERS in opts,
        peer_ids=tuple(did.peer_ids),
        peer_timeout=norm_timeout(did.peer_timeout),
        recording=RECORDING in opts,
        ivr=IVR in opts,
        fax=FAX in opts,
        status=did.status if did.status in ("enabled", "disabled") else "enabled",
    )


def same_as(did: Did, draft: DidDraft, region: str = "CA") -> bool:
    """True when the draft would change nothing."""
    return _changes(did, draft, region) == DidUpdate()


def _options(draft: DidDraft) -> tuple[str, ...]:
    flags = (
        (FORWARDING, draft.forwarding),
        (VOICEMAIL, draft.voicemail),
        (PEERS, draft.peers),
        (RECORDING, draft.recording),
        (IVR, draft.ivr),
        (FAX, draft.fax),
    )
    return tuple(name for name, on in flags if on)


def _changes(did: Did, draft: DidDraft, region: str) -> DidUpdate:
    before = draft_of(did, region)
    changes: dict[str, object] = {}
    if draft.friendly_name.strip() != did.friendly_name:
        changes["friendly_name"] = draft.friendly_name.strip()
    options = _options(draft)
    if set(options) != set(did.options):
        changes["options"] = options
    # A feature's details are sent only while it is on (its fields are greyed out otherwise).
    if draft.forwarding:
        typed = draft.forward_number.strip()
        untouched = typed == before.forward_number  # as shown: 15145550100 reads (514) 555-0100
        if not untouched and (
            digits(typed) != digits(did.forward_number) or (typed and not digits(typed))
        ):
            changes["forward_number"] = draft.forward_number.strip()
        if draft.forward_timeout != before.forward_timeout:
            changes["forward_timeout"] = draft.forward_timeout
    if draft.voicemail and draft.mailbox_id and draft.mailbox_id != (did.mailbox_id or ""):
        changes["mailbox_id"] = draft.mailbox_id
    if draft.peers:
        if set(draft.peer_ids) != set(did.peer_ids):
            changes["peer_ids"] = tuple(draft.peer_ids)
        if draft.peer_timeout != before.peer_timeout:
            changes["peer_timeout"] = draft.peer_timeout
    if draft.status != before.status:
        changes["status"] = draft.status
    return DidUpdate(**changes)  # type: ignore[arg-type]


def check(did: Did, draft: DidDraft, region: str = "CA") -> DidUpdate:
    """The update to send, checked as the provider would; ``InputError`` names the field.

    Nothing is sent when this raises. Beyond the vendor's per-parameter table, the routing must
    make sense (the provider refuses forwarding with no number, ringing no device, voicemail with
    no box), and those are said next to the field too.
    """
    update = _changes(did, draft, region)
    if update == DidUpdate():
        raise InputError(_("Nothing to change."), field="did")
    if draft.forwarding and not digits(draft.forward_number):
        raise InputError(_("Enter the number to forward calls to."), field="forward_number")
    if draft.voicemail and not draft.mailbox_id:
        raise InputError(
            _("Choose the voicemail box that takes the messages."), field="client_mailbox_id"
        )
    if draft.peers and not draft.peer_ids:
        raise InputError(_("Tick at least one device to ring."), field="client_peer_ids")
    params.set_did(did.did_id, update)  # raises InputError(field=...) with the vendor's rule
    if update.forward_number is not None:
        update = replace(update, forward_number=digits(update.forward_number))
    return update


def field_message(exc: InputError) -> str:
    """The error's sentence, with the raw parameter name it may start with made readable
    (``forward_number must be…`` → ``Forwarding number must be…``)."""
    text = exc.user_message()
    label = FIELD_LABELS.get(exc.field)
    if label and text.startswith(exc.field + " "):
        return _(label) + text[len(exc.field) :]
    return text


def field_for_rejection(exc: ProviderRejected) -> str:
    """Which form field a provider refusal is about, from its code (``""`` when none)."""
    for code in exc.codes or (exc.code,):
        if code.startswith("friendly_name"):
            return "friendly_name"
        if code.startswith("forward_number"):
            return "forward_number"
        if code.startswith("forward_timeout"):
            return "forward_timeout"
        if code.startswith(("client_mailbox_id", "mailbox")):
            return "client_mailbox_id"
        if code.startswith(("client_peer_id", "peer_required", "peers_to_ring")):
            return "client_peer_ids"
        if code.startswith("peer_timeout"):
            return "peer_timeout"
        if code.startswith("status"):
            return "status"
    return ""


def routing_summary(
    did: Did, region: str = "CA", mailboxes: Mapping[str, Mailbox] | None = None
) -> str:
    """Routing in words, e.g. ``Rings 2 devices for 20 s · Forward to (514) 555-0142 after
    20 s · Voicemail box 7001 (Boîte principale) · Recorded``."""
    opts = set(did.options)
    parts: list[str] = []
    if PEERS in opts:
        count = len(did.peer_ids)
        if did.peer_timeout.isdigit():
            ring = ngettext(
                "Rings {count} device for {seconds} s",
                "Rings {count} devices for {seconds} s",
                count,
            )
        else:
            ring = ngettext("Rings {count} device", "Rings {count} devices", count)
        parts.append(ring.format(count=formats.number(count), seconds=did.peer_timeout))
    if FORWARDING in opts:
        delayed = did.forward_timeout.isdigit()
        if did.forward_number:
            fwd = (
                _("Forward to {number} after {seconds} s") if delayed else _("Forward to {number}")
            )
        else:
            fwd = (
                _("Forward to (no number) after {seconds} s")
                if delayed
                else _("Forward to (no number)")
            )
        number = display(did.forward_number, region) if did.forward_number else ""
        parts.append(fwd.format(number=number, seconds=did.forward_timeout))
    if VOICEMAIL in opts:
        box = did.mailbox_id or "?"
        named = (mailboxes or {}).get(box)
        if named:
            # Translators: {name} is the name the user gave the voicemail box.
            text = _("Voicemail box {box} ({name})").format(box=box, name=named.friendly_name)
        else:
            text = _("Voicemail box {box}").format(box=box)
        parts.append(text)
    if IVR in opts:
        parts.append(_("Auto attendant (IVR)"))
    if FAX in opts:
        parts.append(_("Fax"))
    if RECORDING in opts:
        # Translators: calls to this number are recorded.
        parts.append(_("Recorded"))
    return " · ".join(parts) or _("Not routed: calls to this number go nowhere")


def inventory_query(kind: str, npa: str, nxx: str) -> dict[str, str]:
    """The search as the provider will get it; ``InputError`` (field ``npa``/``nxx``/``type``)
    before anything is sent."""
    return params.get_did_inventory(type=kind or None, npa=npa.strip(), nxx=nxx.strip())


def inventory_line(item: InventoryDid, region: str = "CA") -> str:
    """``(514) 555-0166 · Montréal, QC · Local``."""
    place = ", ".join(p for p in (item.ratecenter, item.state or item.country) if p)
    kind = inventory_type_label(item.type)
    return " · ".join(p for p in (display(item.phone_number, region), place, kind) if p)


# The question before ordering, per inventory type: (with the place, without it).
_ORDER_QUESTIONS: Mapping[str, tuple[str, str]] = {
    "local": (
        N_("Order {number}, a local number in {place}?"),
        N_("Order {number}, a local number?"),
    ),
    "tollfree": (
        N_("Order {number}, a toll-free number in {place}?"),
        N_("Order {number}, a toll-free number?"),
    ),
    "inum": (
        N_("Order {number}, an iNum (global) number in {place}?"),
        N_("Order {number}, an iNum (global) number?"),
    ),
    "international": (
        N_("Order {number}, an international number in {place}?"),
        N_("Order {number}, an international number?"),
    ),
    "": (N_("Order {number}, a number in {place}?"), N_("Order {number}?")),
}


def order_confirmation(item: InventoryDid, region: str = "CA") -> str:
    """``Order (514) 555-0176, a local number in Montréal, QC? …`` (it may be billed)."""
    place = ", ".join(p for p in (item.ratecenter, item.state or item.country) if p)
    fields = {"number": display(item.phone_number, region), "place": place, "kind": item.type}
    if item.type in _ORDER_QUESTIONS or not item.type:
        with_place, without = _ORDER_QUESTIONS[item.type]
        question = _(with_place) if place else _(without)
    elif place:
        # Translators: {kind} is the provider's own name for a type of number, as it sent it.
        question = _("Order {number}, a number of type {kind} in {place}?")
    else:
        question = _("Order {number}, a number of type {kind}?")
    warning = _(
        "It is added to this account right away and your provider may bill it (setup and monthly "
        "fees). Ordering cannot be undone from here."
    )
    return f"{question.format(**fields)} {warning}"


def peers_sorted(ids: Sequence[str], order: Sequence[str]) -> tuple[str, ...]:
    """Chosen ids in the list's order (a stable value to compare and send)."""
    chosen = set(ids)
    return tuple(i for i in order if i in chosen) + tuple(i for i in ids if i not in set(order))
