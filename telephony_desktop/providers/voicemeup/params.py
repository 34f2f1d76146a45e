"""Request parameters checked against the vendor's tables before anything is sent.

Each function returns the query parameters to send (only the ones set), or raises ``InputError``
naming the field (the provider's parameter name) and the rule, in the language messages are shown
in. Messages never repeat a secret. Phone numbers are the provider's form: 10 digits for North
America (a leading ``+1``/``1`` and punctuation are dropped), other numbers as their digits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Final

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import DidUpdate, E911Address
from telephony_desktop.i18n import N_, _, ngettext, pgettext

TIMEOUTS: Final = (
    "disabled", "2", "5", "10", "15", "20", "25", "30", "35", "40", "45", "50", "55",
)  # fmt: skip
DID_OPTIONS: Final = (
    "enable_forwarding", "enable_voicemail", "enable_peer", "enable_recording", "enable_ivr",
    "enable_fax",
)  # fmt: skip
ADDRESS_TYPES: Final = (
    "apartment", "basement", "building", "department", "floor", "front", "hanger", "key",
    "lobby", "lot", "lower", "office", "penthouse", "pier", "rear", "room", "side", "slip",
    "space", "stop", "suite", "trailer", "unit", "upper",
)  # fmt: skip
RECORDING_STATUSES: Final = ("unverified", "verified", "deleted")
INVENTORY_TYPES: Final = ("local", "tollfree", "inum", "international")
DIRECTIONS: Final = ("inbound", "outbound")
METADATA_CHOICES: Final = ("yes", "only", "all", "no")
ENDPOINT_TYPES: Final = ("number", "peer")
LANGUAGES: Final = ("en", "fr")
CURRENCIES: Final = ("CAD", "USD", "EUR")
E911_COUNTRIES: Final = ("CA", "US")
CALLERID_FORBIDDEN_PREFIXES: Final = ("1", "800", "888", "877", "866", "855")
MAX_PEERS_TO_RING: Final = 5
MAX_RESULTS: Final = 1000
MAX_META_DATA: Final = 1000
CA_PROVINCES: Final = frozenset(
    {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}
)
US_STATES: Final = frozenset(
    {
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
        "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
        "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
        "VA", "WA", "WV", "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI",
    }
)  # fmt: skip

_ALNUM32 = re.compile(r"[A-Za-z0-9]{32}")
_HEX32 = re.compile(r"[0-9A-Fa-f]{32}")
_FRIENDLY = re.compile(r"[^\W_]|[ \-_'.]")  # one allowed character: letter, digit, space, -_'.
_CALLERID_NAME = re.compile(r"[^\W_]|[ ]")  # letter, digit or space
_PEER_USER = re.compile(r"[A-Za-z0-9]{6,16}")
# ASCII digits only: ``\d`` would also take Arabic-Indic and other Unicode digits.
_CA_POSTAL = re.compile(
    r"([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]) ?([0-9][ABCEGHJ-NPRSTV-Z][0-9])"
)
_US_ZIP = re.compile(r"([0-9]{5})(?:-?([0-9]{4}))?")
_NANP = re.compile(r"[2-9]\d{2}[2-9]\d{6}")
_PUNCTUATION = re.compile(r"[\s().\-/]")


def _label(field: str) -> str:
    """The field's name to start a sentence, in the language messages are shown in (the
    provider's parameter name for a field without one)."""
    labels = {
        # Translators: the "field, starting a sentence" messages name a VoiceMeUp field as the
        # subject of a sentence: "{field} must be a whole number." French: with its article and
        # a capital, "La date de début".
        "client_account_id": pgettext("field, starting a sentence", "The account ID"),
        "auth_token": pgettext("field, starting a sentence", "The auth token"),
        "language": pgettext("field, starting a sentence", "The language"),
        "currency": pgettext("field, starting a sentence", "The currency"),
        "date_from": pgettext("field, starting a sentence", "The start date"),
        "date_to": pgettext("field, starting a sentence", "The end date"),
        "unique_id": pgettext("field, starting a sentence", "The last call's unique ID"),
        "direction": pgettext("field, starting a sentence", "The call direction"),
        "metadata": pgettext("field, starting a sentence", "The meta data choice"),
        "result_limit": pgettext("field, starting a sentence", "Result limit"),
        "result_offset": pgettext("field, starting a sentence", "Result offset"),
        "call_voicemail_id": pgettext("field, starting a sentence", "The voicemail ID"),
        "call_recording_id": pgettext("field, starting a sentence", "The recording ID"),
        "call_hash": pgettext("field, starting a sentence", "The call reference (hash)"),
        "status": pgettext("field, starting a sentence", "The status"),
        "client_did_id": pgettext("field, starting a sentence", "The number (DID) ID"),
        "phone_number": pgettext("field, starting a sentence", "The phone number"),
        "friendly_name": pgettext("field, starting a sentence", "The name"),
        "options": pgettext("field, starting a sentence", "Each number option"),
        "forward_number": pgettext("field, starting a sentence", "The forwarding number"),
        "forward_timeout": pgettext("field, starting a sentence", "The forwarding ring time"),
        "client_mailbox_id": pgettext("field, starting a sentence", "The mailbox ID"),
        "client_peer_ids": pgettext("field, starting a sentence", "Each device (peer) ID"),
        "client_peer_id": pgettext("field, starting a sentence", "The device (peer) ID"),
        "peer_timeout": pgettext("field, starting a sentence", "The device ring time"),
        "dnis_rewrite": pgettext("field, starting a sentence", "The DNIS rewrite number"),
        "type": pgettext("field, starting a sentence", "The number type"),
        "npa": pgettext("field, starting a sentence", "The area code (NPA)"),
        "nxx": pgettext("field, starting a sentence", "The exchange (NXX)"),
        "ratecenter_id": pgettext("field, starting a sentence", "The rate centre ID"),
        "did_id": pgettext("field, starting a sentence", "The inventory number ID"),
        "client_endpoint_id": pgettext("field, starting a sentence", "The emergency address ID"),
        "country_code": pgettext("field, starting a sentence", "The country"),
        "address_type": pgettext("field, starting a sentence", "The unit type"),
        "source_type": pgettext("field, starting a sentence", "The source type"),
        "destination_type": pgettext("field, starting a sentence", "The destination type"),
        "source": pgettext("field, starting a sentence", "The phone to ring first"),
        "destination": pgettext("field, starting a sentence", "The number to call"),
        "callerid_name": pgettext("field, starting a sentence", "The caller ID name"),
        "wait_time": pgettext("field, starting a sentence", "The wait time (seconds)"),
        "limit": pgettext("field, starting a sentence", "The number of entries"),
        "offset": pgettext("field, starting a sentence", "The first entry"),
        "street": pgettext("field, starting a sentence", "The street"),
        "city": pgettext("field, starting a sentence", "The city"),
        "address_type_number": pgettext("field, starting a sentence", "The unit number"),
        "first_name": pgettext("field, starting a sentence", "The first name"),
        "last_name": pgettext("field, starting a sentence", "The last name"),
    }
    return labels.get(field, field)


def _with_article(field: str) -> str:
    """A required address field's name inside a sentence ("Enter the street.")."""
    labels = {
        # Translators: a VoiceMeUp field, inserted as {field} into "Enter the {field}." and
        # "The {field} is too long". French: with its article, "la rue".
        "street": pgettext("field, with its article", "street"),
        "city": pgettext("field, with its article", "city"),
        "address_type_number": pgettext("field, with its article", "unit number"),
        "first_name": pgettext("field, with its article", "first name"),
        "last_name": pgettext("field, with its article", "last name"),
    }
    return labels.get(field, field)


def _bad(field: str, message: str) -> InputError:
    return InputError(message, field=field)


def _shown(value: object) -> str:
    """A user's value fit to quote back: one line, at most 40 characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


# --- generic checks -------------------------------------------------------------------------
# In the messages below, {field} is the field's name to start a sentence (see ``_label``) and
# {value} the value received, quoted as Python writes it ('abc').


def _id(field: str, value: str | int) -> str:
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        # Translators: {field}: a field's name starting the sentence ("The mailbox ID").
        raise _bad(field, _("{field} must be a number (digits only).").format(field=_label(field)))
    return text


def _range(field: str, value: int, low: int, high: int | None) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        # Translators: {field}: a field's name starting the sentence ("Result limit").
        raise _bad(field, _("{field} must be a whole number.").format(field=_label(field)))
    if value < low or (high is not None and value > high):
        if high is not None:
            # Translators: {field}: a field's name starting the sentence ("Result limit");
            # {low} and {high}: the limits; {value}: the number received.
            text = _("{field} must be between {low} and {high} (got {value}).")
        else:
            # Translators: {field}: a field's name starting the sentence ("Result offset");
            # {low}: the smallest number allowed; {value}: the number received.
            text = _("{field} must be at least {low} (got {value}).")
        raise _bad(field, text.format(field=_label(field), low=low, high=high, value=value))
    return str(value)


def _date(field: str, value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        # Translators: {field}: a field's name starting the sentence ("The start date");
        # {value}: what was received, in quotes. YYYY-MM-DD is the date's written form
        # (AAAA-MM-JJ in French).
        text = _("{field} must be a real date written YYYY-MM-DD (got {value}).")
        raise _bad(field, text.format(field=_label(field), value=repr(_shown(value)))) from None


def _choice(field: str, value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        # Translators: {field}: a field's name starting the sentence ("The call direction");
        # {choices}: the values the provider accepts, as it spells them ("inbound, outbound");
        # {value}: what was received, in quotes.
        text = _("{field} must be one of: {choices} (got {value}).")
        raise _bad(
            field,
            text.format(field=_label(field), choices=", ".join(choices), value=repr(_shown(value))),
        )
    return value


def _digits(value: str) -> str | None:
    """The digits of a phone number as typed (``+``, spaces, dots, dashes, brackets dropped);
    None if anything else is in it. A leading ``+1``/``1`` on an 11-digit North American number
    is dropped, which is the provider's 10-digit form."""
    text = _PUNCTUATION.sub("", str(value))
    text = text.removeprefix("+")
    if not text.isascii() or not text.isdigit():
        return None
    if len(text) == 11 and text[0] == "1" and _NANP.fullmatch(text[1:]):
        return text[1:]
    return text


def nanp10(field: str, value: str) -> str:
    """A 10-digit North American number from what a person or the cache holds."""
    digits = _digits(value)
    if digits is None or not _NANP.fullmatch(digits):
        # Translators: {field}: a field's name starting the sentence ("The phone number").
        text = _("{field} must be a 10-digit North American number, like 514 555 0100.")
        raise _bad(field, text.format(field=_label(field)))
    return digits


def _dial_number(field: str, value: str) -> str:
    """Any number the provider can dial: at least 10 digits (North American ones as 10)."""
    digits = _digits(value)
    if digits is None or not 10 <= len(digits) <= 18:
        # Translators: {field}: a field's name starting the sentence ("The number to call").
        text = _("{field} must be a phone number of at least 10 digits (area code included).")
        raise _bad(field, text.format(field=_label(field)))
    return digits


def _dates(
    date_from: date | str | None, date_to: date | str | None, *, end_needs_start: bool
) -> dict[str, str]:
    # The vendor table asks for both dates together, but the real engine takes ``date_from``
    # alone (a public client sends it so: docs/providers/voicemeup.md); an end alone is still
    # refused, since what it would mean is not known.
    if end_needs_start and date_from is None and date_to is not None:
        raise _bad("date_from", _("Give a start date with the end date."))
    out: dict[str, str] = {}
    start = _date("date_from", date_from) if date_from is not None else None
    end = _date("date_to", date_to) if date_to is not None else None
    if start is not None and end is not None and start > end:
        # Translators: {start} and {end}: the dates as they were given (YYYY-MM-DD).
        text = _("The start date ({start}) is after the end date ({end}).")
        raise _bad("date_from", text.format(start=start.isoformat(), end=end.isoformat()))
    if start is not None:
        out["date_from"] = start.isoformat()
    if end is not None:
        out["date_to"] = end.isoformat()
    return out


def _page(result_limit: int, result_offset: int) -> dict[str, str]:
    out = {"result_limit": _range("result_limit", result_limit, 1, MAX_RESULTS)}
    if result_offset or isinstance(result_offset, bool) or not isinstance(result_offset, int):
        out["result_offset"] = _range("result_offset", result_offset, 0, None)
    return out


_ALLOWED: Final = {
    "friendly": (
        _FRIENDLY,
        # Translators: {field}: a field's name starting the sentence ("The name"); {low} and
        # {high}: the shortest and longest lengths allowed.
        N_("{field} must be {low} to {high} characters: letters, digits, spaces and - _ ' . only."),
    ),
    "callerid": (
        _CALLERID_NAME,
        # Translators: {field}: a field's name starting the sentence ("The caller ID name");
        # {low} and {high}: the shortest and longest lengths allowed.
        N_("{field} must be {low} to {high} characters: letters, digits and spaces only."),
    ),
}


def _text(field: str, value: str | None, kind: str, low: int, high: int) -> str:
    """Free text limited to a character class and a length (spaces collapsed)."""
    pattern, rule = _ALLOWED[kind]
    text = " ".join((value or "").split())
    if low <= len(text) <= high and all(pattern.fullmatch(ch) for ch in text):
        return text
    raise _bad(field, _(rule).format(field=_label(field), low=low, high=high))


# --- per request ------------------------------------------------------------------------------


def credentials(
    account_id: str,
    auth_token: str,
    language: str | None = None,
    currency: str | None = None,
) -> dict[str, str]:
    """The parameters every request carries. The token is never quoted in a message."""
    if not re.fullmatch(r"\d{8}", str(account_id).strip()):
        raise _bad(
            "client_account_id",
            _("A VoiceMeUp account ID is exactly 8 digits; check it in Settings."),
        )
    if not _HEX32.fullmatch(str(auth_token).strip()):
        raise _bad(
            "auth_token",
            _(
                "A VoiceMeUp auth token is 32 hexadecimal characters (0-9, a-f); check the one "
                "stored for this account in Settings."
            ),
        )
    out = {"client_account_id": str(account_id).strip(), "auth_token": str(auth_token).strip()}
    if language:
        out["language"] = _choice("language", language, LANGUAGES)
    if currency:
        out["currency"] = _choice("currency", currency, CURRENCIES)
    return out


def get_calls(
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    unique_id: str | None = None,
    direction: str | None = None,
    result_limit: int = MAX_RESULTS,
    result_offset: int = 0,
    metadata: str = "yes",
) -> dict[str, str]:
    """A history page: by date window (``date_from``, with or without ``date_to``) or after a
    ``unique_id``, never both. ``metadata`` defaults to ``yes``: the engine leaves out the
    ``meta_data`` a call was dispatched with unless asked (its own default is ``no``)."""
    out = _dates(date_from, date_to, end_needs_start=True)
    if unique_id is not None:
        if out:
            raise _bad(
                "unique_id", _("Ask for calls by date range or after a call's unique ID, not both.")
            )
        if not _ALNUM32.fullmatch(unique_id):
            raise _bad("unique_id", _("The unique ID must be the 32-letter-or-digit ID of a call."))
        out["unique_id"] = unique_id
    if not out:
        raise _bad(
            "date_from",
            _("Ask for calls by date range (start and end dates) or after a call's unique ID."),
        )
    if direction is not None:
        out["direction"] = _choice("direction", direction, DIRECTIONS)
    out["metadata"] = _choice("metadata", metadata, METADATA_CHOICES)
    out.update(_page(result_limit, result_offset))
    return out


def get_voicemails(
    *,
    result_limit: int = MAX_RESULTS,
    result_offset: int = 0,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    voicemail_id: str | None = None,
) -> dict[str, str]:
    """A voicemail page; each date is optional on its own (vendor table)."""
    out = _dates(date_from, date_to, end_needs_start=False)
    out.update(_page(result_limit, result_offset))
    if voicemail_id is not None:
        out["call_voicemail_id"] = _id("call_voicemail_id", voicemail_id)
    return out


def delete_voicemail(voicemail_id: str) -> dict[str, str]:
    return {"call_voicemail_id": _id("call_voicemail_id", voicemail_id)}


def get_recordings(
    *,
    status: Sequence[str] | None = None,
    call_hash: str | None = None,
    recording_id: str | None = None,
) -> dict[str, str]:
    out: dict[str, str] = {}
    if status:
        if isinstance(status, str):
            status = status.split(",")
        chosen = [_choice("status", s.strip(), RECORDING_STATUSES) for s in status]
        out["status"] = ",".join(dict.fromkeys(chosen))
    if call_hash is not None:
        if not _ALNUM32.fullmatch(call_hash):
            raise _bad(
                "call_hash", _("The call reference must be the 32-letter-or-digit hash of a call.")
            )
        out["call_hash"] = call_hash
    if recording_id is not None:
        out["call_recording_id"] = _id("call_recording_id", recording_id)
    return out


def delete_recording(recording_id: str) -> dict[str, str]:
    return {"call_recording_id": _id("call_recording_id", recording_id)}


def get_dids(*, did_id: str | None = None, phone_number: str | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    if did_id is not None:
        out["client_did_id"] = _id("client_did_id", did_id)
    if phone_number is not None:
        out["phone_number"] = nanp10("phone_number", phone_number)
    return out


def set_did(did_id: str, update: DidUpdate) -> dict[str, str]:
    """Only the changed fields. An empty ``forward_number``/``dnis_rewrite`` or an empty tuple
    clears the value; at least one change is required."""
    out = {"client_did_id": _id("client_did_id", did_id)}
    if update.friendly_name is not None:
        out["friendly_name"] = _text("friendly_name", update.friendly_name, "friendly", 2, 32)
    if update.options is not None:
        chosen = [_choice("options", o, DID_OPTIONS) for o in update.options]
        out["options"] = ",".join(dict.fromkeys(chosen))
    if update.forward_number is not None:
        out["forward_number"] = (
            _dial_number("forward_number", update.forward_number)
            if update.forward_number.strip()
            else ""
        )
    if update.forward_timeout is not None:
        out["forward_timeout"] = _choice("forward_timeout", update.forward_timeout, TIMEOUTS)
    if update.mailbox_id is not None:
        out["client_mailbox_id"] = _id("client_mailbox_id", update.mailbox_id)
    if update.peer_ids is not None:
        peers = list(dict.fromkeys(_id("client_peer_ids", p) for p in update.peer_ids))
        if len(peers) > MAX_PEERS_TO_RING:
            # Translators: {limit}: the most devices a number can ring (5); {count}: how many
            # were chosen (always more than {limit}).
            text = _("Choose at most {limit} devices to ring (got {count}).")
            raise _bad("client_peer_ids", text.format(limit=MAX_PEERS_TO_RING, count=len(peers)))
        out["client_peer_ids"] = ",".join(peers)
    if update.peer_timeout is not None:
        out["peer_timeout"] = _choice("peer_timeout", update.peer_timeout, TIMEOUTS)
    if update.dnis_rewrite is not None:
        out["dnis_rewrite"] = (
            nanp10("dnis_rewrite", update.dnis_rewrite) if update.dnis_rewrite.strip() else ""
        )
    if update.status is not None:
        out["status"] = _choice("status", update.status, ("enabled", "disabled"))
    if len(out) == 1:
        raise _bad("did", _("There is nothing to change."))
    return out


def get_did_inventory(
    *,
    type: str | None = None,  # the provider's parameter name
    npa: str | None = None,
    nxx: str | None = None,
    ratecenter_id: str | None = None,
) -> dict[str, str]:
    out: dict[str, str] = {}
    if type:
        out["type"] = _choice("type", type, INVENTORY_TYPES)
    for field, value, size in (
        ("npa", npa, 3),
        ("nxx", nxx, 3),
        ("ratecenter_id", ratecenter_id, 6),
    ):
        if value is None or not value.strip():
            continue
        value = value.strip()
        if not re.fullmatch(rf"[0-9]{{{size}}}", value):
            # Translators: {field}: a field's name starting the sentence ("The area code (NPA)");
            # {size}: how many digits (3 or 6); {value}: what was received, in quotes.
            text = _("{field} must be exactly {size} digits (got {value}).")
            raise _bad(
                field, text.format(field=_label(field), size=size, value=repr(_shown(value)))
            )
        out[field] = value
    if ("npa" in out or "nxx" in out) and out.get("type", "local") != "local":
        raise _bad("npa", _("An area code (NPA) or exchange (NXX) only applies to local numbers."))
    return out


def order_did(*, did_id: str | None = None, phone_number: str | None = None) -> dict[str, str]:
    """Order by inventory ``did_id`` or by ``phone_number`` (10 to 15 digits): exactly one."""
    if (did_id is None) == (phone_number is None):
        raise _bad(
            "did_id",
            _("Order a number either by its inventory ID or by the number itself (one of them)."),
        )
    if did_id is not None:
        return {"did_id": _id("did_id", did_id)}
    digits = _digits(phone_number or "")
    if digits is None or not 10 <= len(digits) <= 15:
        raise _bad("phone_number", _("The number to order must have 10 to 15 digits."))
    return {"phone_number": digits}


def get_e911_endpoints(
    *, phone_number: str | None = None, endpoint_id: str | None = None
) -> dict[str, str]:
    out: dict[str, str] = {}
    if phone_number is not None:
        out["phone_number"] = nanp10("phone_number", phone_number)
    if endpoint_id is not None:
        out["client_endpoint_id"] = _id("client_endpoint_id", endpoint_id)
    return out


def _required(field: str, value: str, *, limit: int = 100) -> str:
    """A required address field (see ``_with_article`` and ``_label`` for its names)."""
    text = " ".join((value or "").split())
    if not text:
        # Translators: {field}: a field's name with its article ("the street": "la rue").
        raise _bad(field, _("Enter the {field}.").format(field=_with_article(field)))
    if not text.isprintable():  # NUL, bidi overrides and other control characters
        # Translators: {field}: a field's name starting the sentence ("The street").
        message = _("{field} holds characters that cannot be printed; retype it.")
        raise _bad(field, message.format(field=_label(field)))
    if len(text) > limit:
        # Translators: {field}: a field's name with its article ("the street": "la rue");
        # {limit}: the most characters allowed.
        message = ngettext(
            "The {field} is too long (at most {limit} character).",
            "The {field} is too long (at most {limit} characters).",
            limit,
        )
        raise _bad(field, message.format(field=_with_article(field), limit=limit))
    return text


def postal_code(country: str, value: str) -> str:
    """A Canadian postal code as ``A1A 1A1`` or a US ZIP code as ``12345``/``12345-6789``."""
    text = (value or "").strip().upper()
    if country == "CA":
        match = _CA_POSTAL.fullmatch(text)
        if not match:
            raise _bad("postal_code", _("A Canadian postal code looks like H3B 1K9."))
        return f"{match.group(1)} {match.group(2)}"
    match = _US_ZIP.fullmatch(text)
    if not match:
        raise _bad("postal_code", _("A US ZIP code has 5 digits (or 5+4, like 10001-1234)."))
    return f"{match.group(1)}-{match.group(2)}" if match.group(2) else match.group(1)


def _address(phone_number: str, a: E911Address) -> dict[str, str]:
    out = {"phone_number": nanp10("phone_number", phone_number)}
    civic = (a.civic_number or "").strip()
    if not re.fullmatch(r"[0-9]{1,8}", civic):
        raise _bad(
            "civic_number",
            _("The civic number must be digits only, e.g. 1200 (put the unit in the unit field)."),
        )
    out["civic_number"] = civic
    out["street"] = _required("street", a.street)
    out["city"] = _required("city", a.city)
    country = _choice("country_code", (a.country_code or "").strip().upper(), E911_COUNTRIES)
    state = (a.state_code or "").strip().upper()
    known = CA_PROVINCES if country == "CA" else US_STATES
    if state not in known:
        raise _bad(
            "state_code",
            _("The province or state must be its 2-letter code for the country, e.g. QC or NY."),
        )
    out["state_code"] = state
    out["country_code"] = country
    out["postal_code"] = postal_code(country, a.postal_code)
    if a.address_type:
        out["address_type"] = _choice("address_type", a.address_type.strip().lower(), ADDRESS_TYPES)
        out["address_type_number"] = _required("address_type_number", a.address_type_number)
    elif a.address_type_number and a.address_type_number.strip():
        raise _bad(
            "address_type", _("Choose the unit type (apartment, suite, ...) for the unit number.")
        )
    return out


def validate_e911_address(phone_number: str, address: E911Address) -> dict[str, str]:
    """The address part only: validation needs no name and no language."""
    return _address(phone_number, address)


def set_e911_address(phone_number: str, address: E911Address) -> dict[str, str]:
    out = _address(phone_number, address)
    out["first_name"] = _required("first_name", address.first_name)
    out["last_name"] = _required("last_name", address.last_name)
    if address.language:
        out["language"] = _choice("language", address.language.strip().lower(), LANGUAGES)
    return out


def delete_e911_address(
    *, phone_number: str | None = None, endpoint_id: str | None = None
) -> dict[str, str]:
    out = get_e911_endpoints(phone_number=phone_number, endpoint_id=endpoint_id)
    if not out:
        raise _bad(
            "phone_number", _("Say which emergency address to delete (phone number or address ID).")
        )
    return out


def e911_peer(
    *,
    peer_id: str,
    associate: bool,
    phone_number: str | None = None,
    endpoint_id: str | None = None,
) -> dict[str, str]:
    """``associate_e911_peer`` (needs the number or address ID) or ``disassociate_e911_peer``."""
    out = {"client_peer_id": _id("client_peer_id", peer_id)}
    if associate:
        target = get_e911_endpoints(phone_number=phone_number, endpoint_id=endpoint_id)
        if not target:
            raise _bad(
                "phone_number",
                _(
                    "Say which emergency address the device belongs to (phone number or "
                    "address ID)."
                ),
            )
        out.update(target)
    return out


def _endpoint(kind_field: str, kind: str, field: str, value: str) -> tuple[str, str]:
    kind = _choice(kind_field, kind, ENDPOINT_TYPES)
    if kind == "peer":
        text = (value or "").strip()
        if not _PEER_USER.fullmatch(text):
            # Translators: {field}: a field's name starting the sentence ("The phone to ring
            # first").
            text = _("{field} must be a device (peer) username of 6 to 16 letters or digits.")
            raise _bad(field, text.format(field=_label(field)))
        return kind, text
    return kind, _dial_number(field, value)


def call_dispatch(
    *,
    source_type: str,
    source: str,
    destination_type: str,
    destination: str,
    callerid_name: str | None = None,
    callerid_number: str | None = None,
    enable_recording: bool | None = None,
    wait_time: int | None = None,
    meta_data: str | None = None,
) -> dict[str, str]:
    s_type, s_value = _endpoint("source_type", source_type, "source", source)
    d_type, d_value = _endpoint("destination_type", destination_type, "destination", destination)
    out = {
        "source_type": s_type,
        "source": s_value,
        "destination_type": d_type,
        "destination": d_value,
    }
    if callerid_name is not None and callerid_name.strip():
        out["callerid_name"] = _text("callerid_name", callerid_name, "callerid", 3, 15)
    if callerid_number is not None and callerid_number.strip():
        number = _digits(callerid_number)
        if number is None or len(number) != 10 or number.startswith(CALLERID_FORBIDDEN_PREFIXES):
            raise _bad(
                "callerid_number",
                _(
                    "The caller ID number must be a 10-digit local number: not toll-free (800, "
                    "888, 877, 866, 855) and not starting with 1."
                ),
            )
        out["callerid_number"] = number
    if enable_recording is not None:
        out["enable_recording"] = "1" if enable_recording else "0"
    if wait_time is not None:
        out["wait_time"] = _range("wait_time", wait_time, 5, 60)
    if meta_data:
        if len(meta_data) > MAX_META_DATA:
            # Translators: {limit}: the most characters allowed (1000); {count}: how many were
            # given (always more than {limit}).
            text = _(
                "The call's note (meta data) is too long: at most {limit} characters (got {count})."
            )
            raise _bad("meta_data", text.format(limit=MAX_META_DATA, count=len(meta_data)))
        out["meta_data"] = meta_data
    return out


def get_network_status(*, limit: int = 5, offset: int = 0) -> dict[str, str]:
    return {
        "limit": _range("limit", limit, 1, MAX_RESULTS),
        "offset": _range("offset", offset, 0, None),
    }
