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
from telephony_desktop.providers.voicemeup import params

TIMEOUTS = params.TIMEOUTS
MAX_PEERS = params.MAX_PEERS_TO_RING
INVENTORY_TYPES = params.INVENTORY_TYPES

FORWARDING, VOICEMAIL, PEERS, RECORDING, IVR, FAX = params.DID_OPTIONS

INVENTORY_TYPE_LABELS: Mapping[str, str] = {
    "local": "Local",
    "tollfree": "Toll-free",
    "inum": "iNum (global)",
    "international": "International",
}

# The form's fields, named as ``InputError.field`` names them (params and our own checks).
FIELD_LABELS: Mapping[str, str] = {
    "friendly_name": "Name",
    "forward_number": "Forwarding number",
    "forward_timeout": "Forwarding delay",
    "client_mailbox_id": "Voicemail box",
    "client_peer_ids": "Devices",
    "peer_timeout": "Ring time",
    "status": "Status",
    "options": "Options",
    "type": "Type",
    "npa": "Area code (NPA)",
    "nxx": "Exchange (NXX)",
}


def timeout_label(value: str) -> str:
    """``20 s``; the provider's ``disabled`` (no delay) reads ``No delay``."""
    return f"{value} s" if value.isdigit() else "No delay"


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
        raise InputError("Nothing to change.", "Rien à modifier.", field="did")
    if draft.forwarding and not digits(draft.forward_number):
        raise InputError(
            "Enter the number to forward calls to.",
            "Entrez le numéro vers lequel renvoyer les appels.",
            field="forward_number",
        )
    if draft.voicemail and not draft.mailbox_id:
        raise InputError(
            "Choose the voicemail box that takes the messages.",
            "Choisissez la boîte vocale qui reçoit les messages.",
            field="client_mailbox_id",
        )
    if draft.peers and not draft.peer_ids:
        raise InputError(
            "Tick at least one device to ring.",
            "Cochez au moins un appareil à faire sonner.",
            field="client_peer_ids",
        )
    params.set_did(did.did_id, update)  # raises InputError(field=...) with the vendor's rule
    if update.forward_number is not None:
        update = replace(update, forward_number=digits(update.forward_number))
    return update


def field_message(exc: InputError, lang: str = "en") -> str:
    """The error's sentence, with the raw parameter name it may start with made readable
    (``forward_number must be…`` → ``Forwarding number must be…``)."""
    text = exc.user_message(lang)
    label = FIELD_LABELS.get(exc.field)
    if label and text.startswith(exc.field + " "):
        return label + text[len(exc.field) :]
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
        ring = f"Rings {count} device{'s' if count != 1 else ''}"
        if did.peer_timeout.isdigit():
            ring += f" for {did.peer_timeout} s"
        parts.append(ring)
    if FORWARDING in opts:
        target = display(did.forward_number, region) if did.forward_number else "(no number)"
        fwd = f"Forward to {target}"
        if did.forward_timeout.isdigit():
            fwd += f" after {did.forward_timeout} s"
        parts.append(fwd)
    if VOICEMAIL in opts:
        box = did.mailbox_id or "?"
        named = (mailboxes or {}).get(box)
        parts.append(f"Voicemail box {box}" + (f" ({named.friendly_name})" if named else ""))
    if IVR in opts:
        parts.append("Auto attendant (IVR)")
    if FAX in opts:
        parts.append("Fax")
    if RECORDING in opts:
        parts.append("Recorded")
    return " · ".join(parts) or "Not routed: calls to this number go nowhere"


def inventory_query(kind: str, npa: str, nxx: str) -> dict[str, str]:
    """The search as the provider will get it; ``InputError`` (field ``npa``/``nxx``/``type``)
    before anything is sent."""
    return params.get_did_inventory(type=kind or None, npa=npa.strip(), nxx=nxx.strip())


def inventory_line(item: InventoryDid, region: str = "CA") -> str:
    """``(514) 555-0166 · Montréal, QC · Local``."""
    place = ", ".join(p for p in (item.ratecenter, item.state or item.country) if p)
    kind = INVENTORY_TYPE_LABELS.get(item.type, item.type)
    return " · ".join(p for p in (display(item.phone_number, region), place, kind) if p)


def order_confirmation(item: InventoryDid, region: str = "CA") -> str:
    """``Order (514) 555-0176, a local number in Montréal, QC? …`` (it may be billed)."""
    kind = INVENTORY_TYPE_LABELS.get(item.type, item.type).lower()
    place = ", ".join(p for p in (item.ratecenter, item.state or item.country) if p)
    what = f"a {kind} number" if kind else "a number"
    where = f" in {place}" if place else ""
    return (
        f"Order {display(item.phone_number, region)}, {what}{where}? It is added to this "
        "account right away and your provider may bill it (setup and monthly fees). Ordering "
        "cannot be undone from here."
    )


def peers_sorted(ids: Sequence[str], order: Sequence[str]) -> tuple[str, ...]:
    """Chosen ids in the list's order (a stable value to compare and send)."""
    chosen = set(ids)
    return tuple(i for i in order if i in chosen) + tuple(i for i in ids if i not in set(order))
