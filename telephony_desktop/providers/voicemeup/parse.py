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
from telephony_desktop.providers.voicemeup.errors import (
    ALL_DOCUMENTED_CODES,
    error_for,
    is_warning,
    warning_for,
)

PROVIDER: Final = "VoiceMeUp"
_EMPTY: Final[Mapping[str, str]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Envelope:
    """An answer's envelope: success or not, its error codes and its warnings (as sentences,
    and as the (code, provider text) pairs they were made from: ``notices``)."""

    root: etree._Element
    ok: bool
    errors: tuple[tuple[str, str], ...] = ()
    warnings: tuple[ProviderWarning, ...] = ()
    notices: tuple[tuple[str, str], ...] = ()


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


def to_seconds(text: str) -> int:
    """A duration as whole seconds, written ``82``, ``82.4`` or ``HH:MM:SS`` / ``MM:SS`` (the
    latter reported of real answers: docs/providers/voicemeup.md); anything else reads as 0."""
    if ":" not in text:
        return max(0, to_int(text))
    parts = text.strip().split(":")
    if len(parts) > 3 or not all(p.strip().isdigit() and p.isascii() for p in parts):
        return 0
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + int(part)
    return seconds


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


def _child_text(el: etree._Element, wanted: tuple[str, ...]) -> str:
    """The text of ``el``'s first non-empty child named one of ``wanted`` (in that order)."""
    found: dict[str, str] = {}
    for child in el:
        name = _local(child.tag)
        if name in wanted and name not in found and _text(child):
            found[name] = _text(child)
    return next((found[name] for name in wanted if name in found), "")


def _attr(el: etree._Element, wanted: tuple[str, ...]) -> str:
    attrib = {_local(key): str(value).strip() for key, value in el.attrib.items()}
    return next((attrib[name] for name in wanted if attrib.get(name)), "")


def _looks_like_code(text: str) -> bool:
    """``authentication_failed``, ``internal_error-database_error``: a word of the code alphabet
    with an underscore, as opposed to a sentence."""
    return bool(names.CODE_LIKE.fullmatch(text.lower()))


def _no_error(code: str, message: str) -> bool:
    """``<error_code>0</error_code>`` or an empty ``<error/>``: a success that names its error
    slot, not a failure."""
    return code.strip().lower() in names.NO_ERROR_CODES and not message


def _error_item(el: etree._Element) -> tuple[str, str]:
    """(code, message) of one ``<error>``: the code as a ``code``/``type`` attribute, as a child
    (``<code>``, ``<error_type>``...), or as the element's own text; the message as a
    ``<description>``/``<error_description>``... child, else the element's own text."""
    own = (el.text or "").strip()
    code = _attr(el, names.CODE_NAMES) or _child_text(el, names.CODE_NAMES)
    message = _child_text(el, names.MESSAGE_CHILDREN)
    if not code and _looks_like_code(own):
        code = own
    if not message and own != code:
        message = own
    return code, message


def _status_of(el: etree._Element) -> str:
    """An element's own status: its ``status`` attribute or a plain ``<status>`` child."""
    status = _attr(el, (names.STATUS,))
    for child in el:
        if _local(child.tag) == names.STATUS and len(child) == 0:
            status = _text(child)
            break
    return status.lower()


def _envelope_element(root: etree._Element) -> tuple[etree._Element, str]:
    """The element that carries the status (the root, or one wrapper down as in
    ``<xml_engine><response status="failed">``) and that status. A record's own ``<status>``
    (a call's ``failed``) never counts."""
    if _local(root.tag) in names.RECORD_IDS:
        return root, ""
    status = _status_of(root)
    if status:
        return root, status
    for child in root:
        if isinstance(child.tag, str) and _local(child.tag) not in names.RECORD_IDS:
            status = _status_of(child)
            if status:
                return child, status
    return root, ""


def _errors_in(root: etree._Element) -> list[tuple[str, str]]:
    """Every error the envelope names, in document order, whatever its shape: ``<error>``
    elements, loose ``<error_type>``/``<error_code>`` elements (their message a sibling), and an
    ``<errors>`` list written as bare text."""
    found: list[tuple[str, str]] = []
    for el in root.iter(*names.ERROR_TAGS):
        name = _local(el.tag)
        if name == names.ERROR:
            found.append(_error_item(el))
        elif name == names.ERRORS:
            own = (el.text or "").strip()
            if len(el) == 0 and own:
                found.append((own if _looks_like_code(own) else "", own))
        else:  # a loose code element
            parent = el.getparent()
            if parent is not None and _local(parent.tag) == names.ERROR:
                continue  # read with its <error>
            code = _text(el)
            message = _child_text(parent, names.MESSAGE_CHILDREN) if parent is not None else ""
            found.append((code, message))
    return found


def _failure_without_error(envelope: etree._Element) -> tuple[str, str]:
    """(code, message) of a failed status with no error element: a code attribute on the
    envelope, else a documented code written anywhere in it; the first message-like text."""
    code = _attr(envelope, names.CODE_NAMES)
    if not _looks_like_code(code):
        code = _known_code_in(envelope)
    message = _attr(envelope, names.MESSAGE_CHILDREN)
    for el in envelope.iter(*(f"{{*}}{name}" for name in names.MESSAGE_CHILDREN)):
        if message:
            break
        message = _text(el)
    message = message or (envelope.text or "").strip()
    if not code and _looks_like_code(message):  # <message>some_code</message>: the code itself
        code = message.lower()
    return code or names.UNKNOWN_CODE, message


def _known_code_in(envelope: etree._Element) -> str:
    """A documented code written anywhere in a failed envelope (text or attribute), for a failure
    that names its code in a place no rule above expected."""
    for el in envelope.iter():
        if not isinstance(el.tag, str):
            continue
        for value in (el.text, *el.attrib.values()):
            text = (value or "").strip()
            if text in ALL_DOCUMENTED_CODES:
                return text
    return ""


def read_envelope(body: bytes) -> Envelope:
    """Parse safely and read the envelope. Raises ``MalformedResponse`` for unreadable bodies.

    The status is a ``status`` attribute or a plain ``<status>`` child of the root or of one
    wrapper below it (a record's own ``<status>`` never counts). Failure: a failed/error status,
    or any error without a success status; a failed status never reads as a success, even when
    no error is recognisable. Errors whose code is a warning code are warnings, not failures.
    """
    root = xmlsafe.secure_fromstring(body, provider=PROVIDER)
    envelope, status = _envelope_element(root)
    errors: list[tuple[str, str]] = []
    notices: list[tuple[str, str]] = []
    for code, message in _errors_in(root):
        if _no_error(code, message):
            continue
        code = code.lower() if _looks_like_code(code) else code
        if is_warning(code):
            notices.append((code, message))
        else:
            errors.append((code or names.UNKNOWN_CODE, message))
    for el in _records(root, names.WARNING):
        code, message = _error_item(el)
        notices.append((code or "notice", message))
    warnings = [warning_for(code, message) for code, message in notices]
    if status in names.FAILURE_STATUSES and not errors and not warnings:
        errors.append(_failure_without_error(envelope))
    elif errors and all(code == names.UNKNOWN_CODE for code, _ in errors):
        known = _known_code_in(envelope)
        if known:
            errors.insert(0, (known, errors[0][1]))
    failed = bool(errors) and status not in names.SUCCESS_STATUSES
    return Envelope(root, not failed, tuple(errors), tuple(warnings), tuple(notices))


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
        raise error_for(env.notices, status=status)
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
        duration_s=to_seconds(get("duration", "")),
        status=get("status", ""),
        billed_amount=to_decimal(get("billed_amount", "")),
        current_rate=to_decimal(get("current_rate", "")),
        # A public client's records carry no call_hash: there the unique_id is the call's hash
        # (recordings name it in their call_hash), so it stands in for the missing one.
        call_hash=get(names.CALL_HASH) or unique_id,
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
                duration_s=to_seconds(f.get("duration", "")),
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
                duration_s=to_seconds(f.get("duration", "")),
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
