"""Tolerant parsing of XML Engine answers into domain types.

Rules (docs/providers/voicemeup.md): records are found by element name at any depth; identifiers
may be attributes or children; empty elements mean "not set"; unknown children are kept in
``extra``. Each record's children are walked once: ``parse_calls`` runs on every history page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Final

from lxml import etree

from telephony_desktop.domain.models import (
    AccountDetails,
    AlternateAddress,
    Call,
    Did,
    DispatchResult,
    E911Address,
    E911Endpoint,
    E911Validation,
    FundingDetails,
    InventoryDid,
    Mailbox,
    NetworkStatus,
    Peer,
    ProviderWarning,
    Recording,
    Voicemail,
)
from telephony_desktop.providers import xmlsafe
from telephony_desktop.providers.voicemeup import names
from telephony_desktop.providers.voicemeup.errors import error_for, is_warning, warning_for

PROVIDER: Final = "VoiceMeUp"
_EMPTY: Final[Mapping[str, str]] = {}


@dataclass(frozen=True, slots=True)
class Envelope:
    """An answer's envelope: success or not, its error codes and its warnings."""

    root: etree._Element
    ok: bool
    errors: tuple[tuple[str, str], ...] = ()
    warnings: tuple[ProviderWarning, ...] = ()


# --- small value readers -------------------------------------------------------------------


def _local(tag: object) -> str:
    """Tag without a namespace; "" for comments and processing instructions."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _text(el: etree._Element | None) -> str:
    return "" if el is None or el.text is None else el.text.strip()


def fields_of(record: etree._Element) -> dict[str, str]:
    """Attributes and direct children of a record as one flat mapping (children win)."""
    out: dict[str, str] = {_local(k): str(v).strip() for k, v in record.attrib.items()}
    for child in record:
        tag = _local(child.tag)
        if tag:
            text = child.text
            out[tag] = text.strip() if text else ""
    return out


def to_datetime(day: str, clock: str = "") -> datetime | None:
    if not day:
        return None
    try:
        return datetime.fromisoformat(f"{day}T{clock}" if clock else day)
    except ValueError:
        try:
            return datetime.fromisoformat(day.replace(" ", "T"))
        except ValueError:
            return None


def to_int(text: str) -> int:
    try:
        return int(float(text)) if text else 0
    except (ValueError, OverflowError):
        return 0


def to_decimal(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


_CREDIT = re.compile(r"^\s*(.*?)\s*CR\s*$", re.IGNORECASE)


def to_balance(text: str) -> Decimal | None:
    """Balances: ``125.40CR`` is a credit (+125.40); a bare ``12.00`` is owed (-12.00)."""
    if not text:
        return None
    match = _CREDIT.match(text)
    if match:
        return to_decimal(match.group(1))
    value = to_decimal(text)
    if value is None or value <= 0:
        return value
    return -value


def to_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _opt(text: str) -> str | None:
    return text or None


def _extra(fields: Mapping[str, str], known: frozenset[str]) -> Mapping[str, str]:
    extra = {k: v for k, v in fields.items() if k not in known and v}
    return extra or _EMPTY


def _records(root: etree._Element, tag: str) -> Iterable[etree._Element]:
    return (el for el in root.iter() if _local(el.tag) == tag)


# --- envelope ------------------------------------------------------------------------------


def _error_text(el: etree._Element) -> str:
    for name in names.MESSAGE_CHILDREN:
        for child in el:
            if _local(child.tag) == name and _text(child):
                return _text(child)
    return (el.text or "").strip()


def _code(el: etree._Element) -> str:
    code = el.get(names.CODE, "")
    if not code:
        for child in el:
            if _local(child.tag) == names.CODE:
                code = _text(child)
                break
    return code.strip()


def read_envelope(body: bytes) -> Envelope:
    """Parse safely and read the envelope. Raises ``MalformedResponse`` for unreadable bodies."""
    root = xmlsafe.secure_fromstring(body, provider=PROVIDER)
    status = root.get(names.STATUS, "").strip().lower()
    errors: list[tuple[str, str]] = []
    warnings: list[ProviderWarning] = []
    for el in root.iter():
        tag = _local(el.tag)
        if tag == names.STATUS and el.getparent() is root:
            status = _text(el).lower()
        elif tag == names.ERROR:
            code = _code(el) or "unknown_error"
            if is_warning(code):
                warnings.append(warning_for(code, _error_text(el)))
            else:
                errors.append((code, _error_text(el)))
        elif tag == names.WARNING:
            warnings.append(warning_for(_code(el) or "notice", _error_text(el)))
    failed = status in names.FAILURE_STATUSES or (
        bool(errors) and status not in names.SUCCESS_STATUSES
    )
    if status in names.FAILURE_STATUSES and not errors and not warnings:
        errors.append(("unknown_error", ""))
    ok = not failed or (not errors and bool(warnings))
    return Envelope(root, ok, tuple(errors), tuple(warnings))


def check(env: Envelope, *, status: int | None = None) -> tuple[ProviderWarning, ...]:
    """Raise the mapped error for a failure; return the warnings of a success."""
    if env.ok:
        return env.warnings
    alternates = parse_alternates(env.root)
    raise error_for(env.errors, status=status, alternates=alternates)


# --- records ---------------------------------------------------------------------------------

_CALL_KNOWN: Final = frozenset(
    {
        "unique_id", "call_hash", "date", "time", "direction", "source", "destination",
        "client_peer_id", "country", "state", "district", "duration", "callerid_name",
        "callerid_number", "status", "normalized", "billed_amount", "current_rate", "meta_data",
    }
)  # fmt: skip


def parse_call_element(el: etree._Element) -> Call | None:
    f = fields_of(el)
    unique_id = f.get("unique_id", "")
    if not unique_id:
        return None  # a call without its id cannot be cached or used as a cursor
    return Call(
        unique_id=unique_id,
        started_at=to_datetime(f.get("date", ""), f.get("time", "")),
        direction=f.get("direction", ""),
        source=f.get("source", ""),
        destination=f.get("destination", ""),
        callerid_name=f.get("callerid_name", ""),
        callerid_number=f.get("callerid_number", ""),
        duration_s=to_int(f.get("duration", "")),
        status=f.get("status", ""),
        billed_amount=to_decimal(f.get("billed_amount", "")),
        current_rate=to_decimal(f.get("current_rate", "")),
        call_hash=_opt(f.get("call_hash", "")),
        client_peer_id=_opt(f.get("client_peer_id", "")),
        country=f.get("country", ""),
        state=f.get("state", ""),
        district=f.get("district", ""),
        normalized=f.get("normalized", ""),
        meta_data=f.get("meta_data", ""),
        extra=_extra(f, _CALL_KNOWN),
    )


def parse_calls(root: etree._Element) -> list[Call]:
    calls = (parse_call_element(el) for el in _records(root, names.CALL))
    return [c for c in calls if c is not None]


_VM_KNOWN: Final = frozenset(
    {
        "call_voicemail_id", "voicemail_hash", "date", "time", "callerid_name", "callerid_number",
        "destination", "client_mailbox_id", "duration", "status", "file_format", "file_url",
    }
)  # fmt: skip


def parse_voicemails(root: etree._Element) -> list[Voicemail]:
    out = []
    for el in _records(root, names.VOICEMAIL):
        f = fields_of(el)
        vm_id = f.get("call_voicemail_id") or f.get("voicemail_hash", "")
        if not vm_id:
            continue
        out.append(
            Voicemail(
                voicemail_id=vm_id,
                received_at=to_datetime(f.get("date", ""), f.get("time", "")),
                callerid_name=f.get("callerid_name", ""),
                callerid_number=f.get("callerid_number", ""),
                destination=f.get("destination", ""),
                mailbox_id=_opt(f.get("client_mailbox_id", "")),
                duration_s=to_int(f.get("duration", "")),
                status=(f.get("status") or "new").lower(),
                file_format=(f.get("file_format") or "wav").lower(),
                file_url=f.get("file_url", ""),
                voicemail_hash=_opt(f.get("voicemail_hash", "")),
                extra=_extra(f, _VM_KNOWN),
            )
        )
    return out


_REC_KNOWN: Final = frozenset(
    {
        "call_recording_id", "recording_hash", "call_hash", "date", "time", "source",
        "destination", "duration", "status", "file_format", "file_url",
    }
)  # fmt: skip


def parse_recordings(root: etree._Element) -> list[Recording]:
    out = []
    for el in _records(root, names.RECORDING):
        f = fields_of(el)
        rec_id = f.get("call_recording_id") or f.get("recording_hash", "")
        if not rec_id:
            continue
        out.append(
            Recording(
                recording_id=rec_id,
                recorded_at=to_datetime(f.get("date", ""), f.get("time", "")),
                source=f.get("source", ""),
                destination=f.get("destination", ""),
                duration_s=to_int(f.get("duration", "")),
                status=f.get("status", "").lower(),
                file_format=(f.get("file_format") or "wav").lower(),
                file_url=f.get("file_url", ""),
                recording_hash=_opt(f.get("recording_hash", "")),
                call_hash=_opt(f.get("call_hash", "")),
                extra=_extra(f, _REC_KNOWN),
            )
        )
    return out


_DID_KNOWN: Final = frozenset(
    {
        "client_did_id", "phone_number", "friendly_name", "options", "forward_number",
        "forward_timeout", "client_mailbox_id", "client_ivr_profile_id", "client_fax_profile_id",
        "client_peer_ids", "peer_timeout", "dnis_rewrite", "status",
    }
)  # fmt: skip


def parse_dids(root: etree._Element) -> list[Did]:
    out = []
    for el in _records(root, names.DID):
        f = fields_of(el)
        did_id = f.get("client_did_id", "")
        if not did_id:
            continue
        out.append(
            Did(
                did_id=did_id,
                phone_number=f.get("phone_number", ""),
                friendly_name=f.get("friendly_name", ""),
                options=to_list(f.get("options", "")),
                forward_number=f.get("forward_number", ""),
                forward_timeout=f.get("forward_timeout", ""),
                mailbox_id=_opt(f.get("client_mailbox_id", "")),
                ivr_profile_id=_opt(f.get("client_ivr_profile_id", "")),
                fax_profile_id=_opt(f.get("client_fax_profile_id", "")),
                peer_ids=to_list(f.get("client_peer_ids", "")),
                peer_timeout=f.get("peer_timeout", ""),
                dnis_rewrite=f.get("dnis_rewrite", ""),
                status=f.get("status", ""),
                extra=_extra(f, _DID_KNOWN),
            )
        )
    return out


def parse_inventory(root: etree._Element) -> list[InventoryDid]:
    out = []
    for el in _records(root, names.INVENTORY):
        f = fields_of(el)
        if not f.get("did_id") and not f.get("phone_number"):
            continue
        out.append(
            InventoryDid(
                did_id=f.get("did_id", ""),
                phone_number=f.get("phone_number", ""),
                type=f.get("type", ""),
                npa=f.get("npa", ""),
                nxx=f.get("nxx", ""),
                ratecenter_id=f.get("ratecenter_id", ""),
                ratecenter=f.get("ratecenter", ""),
                state=f.get("state", ""),
                country=f.get("country", ""),
            )
        )
    return out


def parse_peers(root: etree._Element) -> list[Peer]:
    out = []
    for el in _records(root, names.PEER):
        f = fields_of(el)
        if not f.get("client_peer_id"):
            continue
        out.append(
            Peer(
                peer_id=f["client_peer_id"],
                username=f.get("username", ""),
                friendly_name=f.get("friendly_name", ""),
                callerid_name=f.get("callerid_name", ""),
                callerid_number=f.get("callerid_number", ""),
                status=f.get("status", ""),
            )
        )
    return out


def parse_mailboxes(root: etree._Element) -> list[Mailbox]:
    out = []
    for el in _records(root, names.MAILBOX):
        f = fields_of(el)
        if not f.get("client_mailbox_id"):
            continue
        out.append(
            Mailbox(
                mailbox_id=f["client_mailbox_id"],
                friendly_name=f.get("friendly_name", ""),
                email=f.get("email", ""),
                status=f.get("status", ""),
            )
        )
    return out


def parse_e911_endpoints(root: etree._Element) -> list[E911Endpoint]:
    out = []
    for el in _records(root, names.E911):
        f = fields_of(el)
        if not f.get("client_endpoint_id") and not f.get("phone_number"):
            continue
        out.append(
            E911Endpoint(
                endpoint_id=f.get("client_endpoint_id", ""),
                phone_number=f.get("phone_number", ""),
                address=E911Address(
                    first_name=f.get("first_name", ""),
                    last_name=f.get("last_name", ""),
                    civic_number=f.get("civic_number", ""),
                    street=f.get("street", ""),
                    city=f.get("city", ""),
                    state_code=f.get("state_code", ""),
                    country_code=f.get("country_code", ""),
                    postal_code=f.get("postal_code", ""),
                    address_type=f.get("address_type", ""),
                    address_type_number=f.get("address_type_number", ""),
                    language=f.get("language", ""),
                ),
                peer_ids=to_list(f.get("client_peer_ids", "")),
            )
        )
    return out


def parse_alternates(root: etree._Element) -> list[AlternateAddress]:
    out = []
    for el in _records(root, names.ALTERNATE):
        f = fields_of(el)
        if not f.get("street"):
            continue
        out.append(
            AlternateAddress(
                civic_number=f.get("civic_number", ""),
                street=f.get("street", ""),
                city=f.get("city", ""),
                state_code=f.get("state_code", ""),
                country_code=f.get("country_code", ""),
                postal_code=f.get("postal_code", ""),
            )
        )
    return out


def parse_e911_validation(env: Envelope, *, status: int | None = None) -> E911Validation:
    """A validation answer: valid, or not with suggestions and the reasons. Errors that are not
    about the address (authentication, ...) raise as usual."""
    if env.ok:
        return E911Validation(valid=True)
    alternates = tuple(parse_alternates(env.root))
    address_problem = [code for code, _ in env.errors if _is_address_code(code)]
    if not address_problem:
        check(env, status=status)
    problems = tuple(warning_for(code, text) for code, text in env.errors)
    return E911Validation(valid=False, alternates=alternates, problems=problems)


def _is_address_code(code: str) -> bool:
    return code == names.ALTERNATE_CODE or code in {
        "civic_number_not_found", "street_not_found", "city_not_found", "state_not_found",
        "country_not_found", "postal_code_not_found", "first_name_not_found",
        "last_name_not_found",
    }  # fmt: skip


_ACCOUNT_KNOWN: Final = frozenset(
    {"client_account_id", "account_balance", "funds_left", "currency", "callerid_name",
     "callerid_number"}
)  # fmt: skip


def parse_account(root: etree._Element) -> AccountDetails | None:
    record = next(iter(_records(root, names.ACCOUNT)), None)
    if record is None:
        record = next(iter(_records(root, names.FUNDING)), None)
        if record is None:
            return None
    f = fields_of(record)
    return AccountDetails(
        account_id=f.get("client_account_id", ""),
        callerid_name=f.get("callerid_name", ""),
        callerid_number=f.get("callerid_number", ""),
        currency=f.get("currency", ""),
        account_balance=to_balance(f.get("account_balance", "")),
        funds_left=to_balance(f.get("funds_left", "")),
        extra=_extra(f, _ACCOUNT_KNOWN),
    )


def parse_funding(root: etree._Element) -> FundingDetails | None:
    record = next(iter(_records(root, names.FUNDING)), None)
    if record is None:
        record = next(iter(_records(root, names.ACCOUNT)), None)
        if record is None:
            return None
    f = fields_of(record)
    return FundingDetails(
        account_balance=to_balance(f.get("account_balance", "")),
        funds_left=to_balance(f.get("funds_left", "")),
        currency=f.get("currency", ""),
        extra=_extra(f, frozenset({"account_balance", "funds_left", "currency"})),
    )


def parse_network_status(root: etree._Element) -> list[NetworkStatus]:
    out = []
    for el in _records(root, names.NETWORK_STATUS):
        f = fields_of(el)
        if not f.get("title") and not f.get("network_status_id"):
            continue  # e.g. a bare <network_status>ok</network_status> text element
        out.append(
            NetworkStatus(
                status_id=f.get("network_status_id", ""),
                date=f.get("date", ""),
                title=f.get("title", ""),
                description=f.get("description", ""),
                status=f.get("status", ""),
            )
        )
    return out


def parse_dispatch(root: etree._Element) -> DispatchResult | None:
    for el in _records(root, names.DISPATCH):
        f = fields_of(el)
        if f.get("call_hash"):
            return DispatchResult(call_hash=f["call_hash"], status=f.get("status", ""))
    return None
