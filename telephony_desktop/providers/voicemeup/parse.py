"""Tolerant parsing of XML Engine answers into domain types.

Rules (docs/providers/voicemeup.md): records are found by element name at any depth; identifiers
may be attributes or children; empty elements mean "not set"; unknown children are kept in
``extra``. Each record's children are walked once: ``parse_calls`` runs on every history page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
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
_EMPTY: Final[Mapping[str, str]] = MappingProxyType({})


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
    return tag[tag.index("}") + 1 :] if tag[:1] == "{" else tag


def _text(el: etree._Element | None) -> str:
    return "" if el is None or el.text is None else el.text.strip()


def _fields(
    record: etree._Element, known: frozenset[str]
) -> tuple[dict[str, str], Mapping[str, str]]:
    """One pass over a record: (known fields, extra).

    Attributes and direct children are one flat namespace (a child wins over an attribute of the
    same name). Empty values are "not set". Names outside ``known`` with a value go to ``extra``,
    which is only built when there is something to put in it.
    """
    out: dict[str, str] = {}
    extra: dict[str, str] | None = None
    if record.attrib:
        for key, value in record.attrib.items():
            name, text = _local(key), str(value).strip()
            if name in known:
                out[name] = text
            elif text:
                extra = extra or {}
                extra[name] = text
    for child in record:
        tag = child.tag
        raw = child.text
        if tag in known:  # the common case first: a plain known name
            out[tag] = raw.strip() if raw else ""
            continue
        if not isinstance(tag, str):
            continue
        if tag[:1] == "{":
            tag = tag[tag.index("}") + 1 :]
            if tag in known:
                out[tag] = raw.strip() if raw else ""
                continue
        if raw:
            text = raw.strip()
            if text:
                if extra is None:
                    extra = {}
                extra[tag] = text
    return out, (extra or _EMPTY)


def to_datetime(day: str, clock: str = "") -> datetime | None:
    """``YYYY-MM-DD`` and ``HH:MM:SS`` (provider clock, naive); None when the date is unusable."""
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
    """Whole seconds; anything that is not a number reads as 0."""
    if not text:
        return 0
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except (ValueError, OverflowError):
            return 0


_MONEY_NOISE: Final = re.compile(r"[\s\u00a0\u202f$€]")


def to_decimal(text: str) -> Decimal | None:
    """A decimal amount, or None. ``1,234.50`` and ``12,50`` (French) are both understood."""
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        cleaned = _MONEY_NOISE.sub("", text)
        if "," in cleaned:
            if "." in cleaned or cleaned.count(",") > 1:
                cleaned = cleaned.replace(",", "")  # thousands separators
            else:
                cleaned = cleaned.replace(",", ".")  # a decimal comma
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            return None
    return value if value.is_finite() else None


_CREDIT: Final = re.compile(r"^\s*(.*?)\s*CR\s*$", re.IGNORECASE)


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


def _opt(text: str | None) -> str | None:
    return text or None


def _records(root: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Every element named ``tag`` at any depth, in any namespace or none (root included)."""
    return root.iter(f"{{*}}{tag}")


def _first(root: etree._Element, tag: str) -> etree._Element | None:
    return next(_records(root, tag), None)


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
    """Parse safely and read the envelope. Raises ``MalformedResponse`` for unreadable bodies.

    The status is the root's ``status`` attribute or its direct ``<status>`` child (a record's
    own ``<status>`` never counts). Failure: a failed/error/fail status, or any ``<error>`` without
    a success status. Errors whose code is a warning code are warnings, not failures.
    """
    root = xmlsafe.secure_fromstring(body, provider=PROVIDER)
    status = root.get(names.STATUS, "").strip().lower()
    for child in root:
        if _local(child.tag) == names.STATUS:
            status = _text(child).lower()
            break
    errors: list[tuple[str, str]] = []
    warnings: list[ProviderWarning] = []
    for el in _records(root, names.ERROR):
        code = _code(el) or names.UNKNOWN_CODE
        if is_warning(code):
            warnings.append(warning_for(code, _error_text(el)))
        else:
            errors.append((code, _error_text(el)))
    for el in _records(root, names.WARNING):
        warnings.append(warning_for(_code(el) or "notice", _error_text(el)))
    failed_status = status in names.FAILURE_STATUSES
    if failed_status and not errors and not warnings:
        errors.append((names.UNKNOWN_CODE, _error_text(root)))
    failed = bool(errors) and status not in names.SUCCESS_STATUSES
    return Envelope(root, not failed, tuple(errors), tuple(warnings))


def check(
    env: Envelope, *, status: int | None = None, warning_ok: bool = True
) -> tuple[ProviderWarning, ...]:
    """Raise the mapped error for a failure; return the warnings of a success.

    A failure carries the parsed ``alternate_address`` records (``E911AddressRejected``). With
    ``warning_ok=False`` a warning is not good enough: the first one raises as its mapped error
    (for callers that must not go ahead after, say, ``last_endpoint_was_deleted``).
    """
    if not env.ok:
        raise error_for(env.errors, status=status, alternates=parse_alternates(env.root))
    if env.warnings and not warning_ok:
        raise error_for([(w.code, w.message_en) for w in env.warnings], status=status)
    return env.warnings


# --- records ---------------------------------------------------------------------------------
# Each parser walks a record's attributes and children once (``_fields``); ``parse_calls`` runs
# on every history page, so it does no per-field searching.

_CALL_KNOWN: Final = frozenset(
    {
        "unique_id", "call_hash", "date", "time", "direction", "source", "destination",
        "client_peer_id", "country", "state", "district", "duration", "callerid_name",
        "callerid_number", "status", "normalized", "billed_amount", "current_rate", "meta_data",
    }
)  # fmt: skip


def parse_call_element(el: etree._Element) -> Call | None:
    """One ``call_details`` element (also for the streaming path); None without a ``unique_id``,
    since such a call can be neither cached nor used as the sync cursor."""
    f, extra = _fields(el, _CALL_KNOWN)
    get = f.get
    unique_id = get(names.UNIQUE_ID)
    if not unique_id:
        return None
    return Call(
        unique_id=unique_id,
        started_at=to_datetime(get("date", ""), get("time", "")),
        direction=get("direction", ""),
        source=get("source", ""),
        destination=get("destination", ""),
        callerid_name=get("callerid_name", ""),
        callerid_number=get("callerid_number", ""),
        duration_s=to_int(get("duration", "")),
        status=get("status", ""),
        billed_amount=to_decimal(get("billed_amount", "")),
        current_rate=to_decimal(get("current_rate", "")),
        call_hash=_opt(get(names.CALL_HASH)),
        client_peer_id=_opt(get("client_peer_id")),
        country=get("country", ""),
        state=get("state", ""),
        district=get("district", ""),
        normalized=get("normalized", ""),
        meta_data=get("meta_data", ""),
        extra=extra,
    )


def parse_calls(root: etree._Element) -> list[Call]:
    out = []
    for el in _records(root, names.CALL):
        call = parse_call_element(el)
        if call is not None:
            out.append(call)
    return out


_VM_KNOWN: Final = frozenset(
    {
        "call_voicemail_id", "voicemail_hash", "date", "time", "callerid_name", "callerid_number",
        "destination", "client_mailbox_id", "duration", "status", "file_format", "file_url",
    }
)  # fmt: skip


def parse_voicemails(root: etree._Element) -> list[Voicemail]:
    out = []
    for el in _records(root, names.VOICEMAIL):
        f, extra = _fields(el, _VM_KNOWN)
        vm_id = f.get(names.VOICEMAIL_ID) or f.get(names.VOICEMAIL_HASH, "")
        if not vm_id:
            continue
        out.append(
            Voicemail(
                voicemail_id=vm_id,
                received_at=to_datetime(f.get("date", ""), f.get("time", "")),
                callerid_name=f.get("callerid_name", ""),
                callerid_number=f.get("callerid_number", ""),
                destination=f.get("destination", ""),
                mailbox_id=_opt(f.get(names.MAILBOX_ID)),
                duration_s=to_int(f.get("duration", "")),
                status=(f.get("status") or "new").lower(),
                file_format=(f.get("file_format") or "wav").lower(),
                file_url=f.get("file_url", ""),
                voicemail_hash=_opt(f.get(names.VOICEMAIL_HASH)),
                extra=extra,
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
        f, extra = _fields(el, _REC_KNOWN)
        rec_id = f.get(names.RECORDING_ID) or f.get(names.RECORDING_HASH, "")
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
                recording_hash=_opt(f.get(names.RECORDING_HASH)),
                call_hash=_opt(f.get(names.CALL_HASH)),
                extra=extra,
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
        f, extra = _fields(el, _DID_KNOWN)
        did_id = f.get(names.DID_ID, "")
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
                mailbox_id=_opt(f.get(names.MAILBOX_ID)),
                ivr_profile_id=_opt(f.get("client_ivr_profile_id")),
                fax_profile_id=_opt(f.get("client_fax_profile_id")),
                peer_ids=to_list(f.get("client_peer_ids", "")),
                peer_timeout=f.get("peer_timeout", ""),
                dnis_rewrite=f.get("dnis_rewrite", ""),
                status=f.get("status", ""),
                extra=extra,
            )
        )
    return out


_INVENTORY_KNOWN: Final = frozenset(
    {"did_id", "phone_number", "type", "npa", "nxx", "ratecenter_id", "ratecenter", "state",
     "country"}
)  # fmt: skip


def parse_inventory(root: etree._Element) -> list[InventoryDid]:
    out = []
    for el in _records(root, names.INVENTORY):
        f, _ = _fields(el, _INVENTORY_KNOWN)
        if not f.get(names.INVENTORY_ID) and not f.get("phone_number"):
            continue
        out.append(
            InventoryDid(
                did_id=f.get(names.INVENTORY_ID, ""),
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


_PEER_KNOWN: Final = frozenset(
    {"client_peer_id", "username", "friendly_name", "callerid_name", "callerid_number", "status"}
)


def parse_peers(root: etree._Element) -> list[Peer]:
    out = []
    for el in _records(root, names.PEER):
        f, _ = _fields(el, _PEER_KNOWN)
        peer_id = f.get(names.PEER_ID)
        if not peer_id:
            continue
        out.append(
            Peer(
                peer_id=peer_id,
                username=f.get("username", ""),
                friendly_name=f.get("friendly_name", ""),
                callerid_name=f.get("callerid_name", ""),
                callerid_number=f.get("callerid_number", ""),
                status=f.get("status", ""),
            )
        )
    return out


_MAILBOX_KNOWN: Final = frozenset({"client_mailbox_id", "friendly_name", "email", "status"})


def parse_mailboxes(root: etree._Element) -> list[Mailbox]:
    out = []
    for el in _records(root, names.MAILBOX):
        f, _ = _fields(el, _MAILBOX_KNOWN)
        mailbox_id = f.get(names.MAILBOX_ID)
        if not mailbox_id:
            continue
        out.append(
            Mailbox(
                mailbox_id=mailbox_id,
                friendly_name=f.get("friendly_name", ""),
                email=f.get("email", ""),
                status=f.get("status", ""),
            )
        )
    return out


_E911_KNOWN: Final = frozenset(
    {
        "client_endpoint_id", "phone_number", "first_name", "last_name", "civic_number",
        "street", "city", "state_code", "country_code", "postal_code", "address_type",
        "address_type_number", "language", "client_peer_ids",
    }
)  # fmt: skip


def parse_e911_endpoints(root: etree._Element) -> list[E911Endpoint]:
    out = []
    for el in _records(root, names.E911):
        f, _ = _fields(el, _E911_KNOWN)
        if not f.get(names.ENDPOINT_ID) and not f.get("phone_number"):
            continue
        out.append(
            E911Endpoint(
                endpoint_id=f.get(names.ENDPOINT_ID, ""),
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


_ALTERNATE_KNOWN: Final = frozenset(
    {"civic_number", "street", "city", "state_code", "country_code", "postal_code"}
)


def parse_alternates(root: etree._Element) -> list[AlternateAddress]:
    out = []
    for el in _records(root, names.ALTERNATE):
        f, _ = _fields(el, _ALTERNATE_KNOWN)
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
    if not any(code in names.ADDRESS_CODES for code, _ in env.errors):
        check(env, status=status)
    alternates = tuple(parse_alternates(env.root))
    problems = tuple(warning_for(code, text) for code, text in env.errors)
    return E911Validation(valid=False, alternates=alternates, problems=problems)


_MONEY_KNOWN: Final = frozenset({"account_balance", "funds_left", "currency"})
_ACCOUNT_KNOWN: Final = _MONEY_KNOWN | {"client_account_id", "callerid_name", "callerid_number"}


def _money(
    primary: dict[str, str], fallback: etree._Element | None
) -> tuple[Decimal | None, Decimal | None, str]:
    """Balance, funds left and currency, each from ``primary`` or else the fallback record."""
    other: dict[str, str] = {}
    if fallback is not None and not all(primary.get(k) for k in _MONEY_KNOWN):
        other, _ = _fields(fallback, _MONEY_KNOWN)
    pick = {k: primary.get(k) or other.get(k, "") for k in _MONEY_KNOWN}
    return (
        to_balance(pick["account_balance"]),
        to_balance(pick["funds_left"]),
        pick["currency"],
    )


def parse_account(root: etree._Element) -> AccountDetails | None:
    """``account_details``; money missing there is taken from ``funding_details``."""
    account, funding = _first(root, names.ACCOUNT), _first(root, names.FUNDING)
    if account is None and funding is None:
        return None
    f, extra = _fields(account, _ACCOUNT_KNOWN) if account is not None else ({}, _EMPTY)
    balance, funds_left, currency = _money(f, funding)
    return AccountDetails(
        account_id=f.get(names.ACCOUNT_ID, ""),
        callerid_name=f.get("callerid_name", ""),
        callerid_number=f.get("callerid_number", ""),
        currency=currency,
        account_balance=balance,
        funds_left=funds_left,
        extra=extra,
    )


def parse_funding(root: etree._Element) -> FundingDetails | None:
    """``funding_details``; money missing there is taken from ``account_details``."""
    funding, account = _first(root, names.FUNDING), _first(root, names.ACCOUNT)
    if account is None and funding is None:
        return None
    f, extra = _fields(funding, _MONEY_KNOWN) if funding is not None else ({}, _EMPTY)
    balance, funds_left, currency = _money(f, account)
    return FundingDetails(
        account_balance=balance, funds_left=funds_left, currency=currency, extra=extra
    )


_NETWORK_KNOWN: Final = frozenset({"network_status_id", "date", "title", "description", "status"})


def parse_network_status(root: etree._Element) -> list[NetworkStatus]:
    out = []
    for el in _records(root, names.NETWORK_STATUS):
        f, _ = _fields(el, _NETWORK_KNOWN)
        if not f.get("title") and not f.get(names.NETWORK_STATUS_ID):
            continue  # e.g. a bare <network_status>ok</network_status> text element
        out.append(
            NetworkStatus(
                status_id=f.get(names.NETWORK_STATUS_ID, ""),
                date=f.get("date", ""),
                title=f.get("title", ""),
                description=f.get("description", ""),
                status=f.get("status", ""),
            )
        )
    return out


_DISPATCH_KNOWN: Final = frozenset({"call_hash", "status"})


def parse_dispatch(root: etree._Element) -> DispatchResult | None:
    """The ``call_dispatch`` record; None when the answer carries no call hash."""
    for el in _records(root, names.DISPATCH):
        f, _ = _fields(el, _DISPATCH_KNOWN)
        call_hash = f.get(names.CALL_HASH)
        if call_hash:
            return DispatchResult(call_hash=call_hash, status=f.get("status", ""))
    return None
