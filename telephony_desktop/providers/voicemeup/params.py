"""Request parameters checked against the vendor's tables before anything is sent.

Each function returns the query parameters to send (only the ones set), or raises ``InputError``
naming the field (the provider's parameter name) and the rule, in English and French. Messages
never repeat a secret. Phone numbers are the provider's form: 10 digits for North America (a
leading ``+1``/``1`` and punctuation are dropped), other numbers as their digits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Final

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import DidUpdate, E911Address

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

# Field labels for messages: (English, French), both able to start a sentence.
_LABELS: Final[dict[str, tuple[str, str]]] = {
    "client_account_id": ("The account ID", "Le numéro de compte"),
    "auth_token": ("The auth token", "Le jeton d'authentification"),
    "language": ("The language", "La langue"),
    "currency": ("The currency", "La devise"),
    "date_from": ("The start date", "La date de début"),
    "date_to": ("The end date", "La date de fin"),
    "unique_id": ("The last call's unique ID", "L'identifiant unique du dernier appel"),
    "direction": ("The call direction", "Le sens de l'appel"),
    "metadata": ("The meta data choice", "Le choix des métadonnées"),
    "result_limit": ("Result limit", "La limite de résultats"),
    "result_offset": ("Result offset", "Le décalage des résultats"),
    "call_voicemail_id": ("The voicemail ID", "L'identifiant du message vocal"),
    "call_recording_id": ("The recording ID", "L'identifiant de l'enregistrement"),
    "call_hash": ("The call reference (hash)", "La référence d'appel (hash)"),
    "status": ("The status", "Le statut"),
    "client_did_id": ("The number (DID) ID", "L'identifiant du numéro (DID)"),
    "phone_number": ("The phone number", "Le numéro de téléphone"),
    "friendly_name": ("The name", "Le nom"),
    "options": ("Each number option", "Chaque option du numéro"),
    "forward_number": ("The forwarding number", "Le numéro de renvoi"),
    "forward_timeout": ("The forwarding ring time", "Le délai de sonnerie avant renvoi"),
    "client_mailbox_id": ("The mailbox ID", "L'identifiant de la boîte vocale"),
    "client_peer_ids": ("Each device (peer) ID", "Chaque identifiant d'appareil (peer)"),
    "client_peer_id": ("The device (peer) ID", "L'identifiant de l'appareil (peer)"),
    "peer_timeout": ("The device ring time", "Le délai de sonnerie des appareils"),
    "dnis_rewrite": ("The DNIS rewrite number", "Le numéro de réécriture DNIS"),
    "type": ("The number type", "Le type de numéro"),
    "npa": ("The area code (NPA)", "L'indicatif régional (NPA)"),
    "nxx": ("The exchange (NXX)", "Le central (NXX)"),
    "ratecenter_id": ("The rate centre ID", "L'identifiant du centre de tarification"),
    "did_id": ("The inventory number ID", "L'identifiant du numéro en inventaire"),
    "client_endpoint_id": ("The emergency address ID", "L'identifiant de l'adresse d'urgence"),
    "country_code": ("The country", "Le pays"),
    "address_type": ("The unit type", "Le type d'unité"),
    "source_type": ("The source type", "Le type de source"),
    "destination_type": ("The destination type", "Le type de destination"),
    "source": ("The phone to ring first", "Le téléphone à faire sonner d'abord"),
    "destination": ("The number to call", "Le numéro à appeler"),
    "callerid_name": ("The caller ID name", "Le nom de l'afficheur"),
    "wait_time": ("The wait time (seconds)", "Le temps d'attente (secondes)"),
    "limit": ("The number of entries", "Le nombre d'entrées"),
    "offset": ("The first entry", "La première entrée"),
}


def _label(field: str) -> tuple[str, str]:
    return _LABELS.get(field, (field, field))


def _bad(field: str, en: str, fr: str) -> InputError:
    return InputError(en, fr, field=field)


def _shown(value: object) -> str:
    """A user's value fit to quote back: one line, at most 40 characters."""
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


# --- generic checks -------------------------------------------------------------------------


def _id(field: str, value: str | int) -> str:
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        en, fr = _label(field)
        raise _bad(
            field,
            f"{en} must be a number (digits only).",
            f"{fr} doit être un nombre (chiffres seulement).",
        )
    return text


def _range(field: str, value: int, low: int, high: int | None) -> str:
    en, fr = _label(field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(field, f"{en} must be a whole number.", f"{fr} doit être un nombre entier.")
    if value < low or (high is not None and value > high):
        bound_en = f"between {low} and {high}" if high is not None else f"at least {low}"
        bound_fr = (
            f"se situer entre {low} et {high}" if high is not None else f"valoir au moins {low}"
        )
        raise _bad(
            field,
            f"{en} must be {bound_en} (got {value}).",
            f"{fr} doit {bound_fr} (valeur reçue : {value}).",
        )
    return str(value)


def _date(field: str, value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        en, fr = _label(field)
        raise _bad(
            field,
            f"{en} must be a real date written YYYY-MM-DD (got {_shown(value)!r}).",
            f"{fr} doit être une date réelle au format AAAA-MM-JJ (valeur reçue : "
            f"{_shown(value)!r}).",
        ) from None


def _choice(field: str, value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        en, fr = _label(field)
        listed = ", ".join(choices)
        raise _bad(
            field,
            f"{en} must be one of: {listed} (got {_shown(value)!r}).",
            f"{fr} doit être l'une des valeurs suivantes : {listed} (valeur reçue : "
            f"{_shown(value)!r}).",
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
        en, fr = _label(field)
        raise _bad(
            field,
            f"{en} must be a 10-digit North American number, like 514 555 0100.",
            f"{fr} doit être un numéro nord-américain à 10 chiffres, comme 514 555 0100.",
        )
    return digits


def _dial_number(field: str, value: str) -> str:
    """Any number the provider can dial: at least 10 digits (North American ones as 10)."""
    digits = _digits(value)
    if digits is None or not 10 <= len(digits) <= 18:
        en, fr = _label(field)
        raise _bad(
            field,
            f"{en} must be a phone number of at least 10 digits (area code included).",
            f"{fr} doit être un numéro de téléphone d'au moins 10 chiffres (indicatif compris).",
        )
    return digits


def _dates(
    date_from: date | str | None, date_to: date | str | None, *, end_needs_start: bool
) -> dict[str, str]:
    # The vendor table asks for both dates together, but the real engine takes ``date_from``
    # alone (a public client sends it so: docs/providers/voicemeup.md); an end alone is still
    # refused, since what it would mean is not known.
    if end_needs_start and date_from is None and date_to is not None:
        raise _bad(
            "date_from",
            "Give a start date with the end date.",
            "Donnez une date de début avec la date de fin.",
        )
    out: dict[str, str] = {}
    start = _date("date_from", date_from) if date_from is not None else None
    end = _date("date_to", date_to) if date_to is not None else None
    if start is not None and end is not None and start > end:
        raise _bad(
            "date_from",
            f"The start date ({start.isoformat()}) is after the end date ({end.isoformat()}).",
            f"La date de début ({start.isoformat()}) est postérieure à la date de fin "
            f"({end.isoformat()}).",
        )
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
        "letters, digits, spaces and - _ ' . only",
        "lettres, chiffres, espaces et - _ ' . seulement",
    ),
    "callerid": (
        _CALLERID_NAME,
        "letters, digits and spaces only",
        "lettres, chiffres et espaces seulement",
    ),
}


def _text(field: str, value: str | None, kind: str, low: int, high: int) -> str:
    """Free text limited to a character class and a length (spaces collapsed)."""
    pattern, allowed_en, allowed_fr = _ALLOWED[kind]
    text = " ".join((value or "").split())
    if low <= len(text) <= high and all(pattern.fullmatch(ch) for ch in text):
        return text
    en, fr = _label(field)
    raise _bad(
        field,
        f"{en} must be {low} to {high} characters: {allowed_en}.",
        f"{fr} doit compter de {low} à {high} caractères : {allowed_fr}.",
    )


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
            "A VoiceMeUp account ID is exactly 8 digits; check it in Settings.",
            "Un numéro de compte VoiceMeUp compte exactement 8 chiffres; vérifiez-le dans les "
            "réglages.",
        )
    if not _HEX32.fullmatch(str(auth_token).strip()):
        raise _bad(
            "auth_token",
            "A VoiceMeUp auth token is 32 hexadecimal characters (0-9, a-f); check the one "
            "stored for this account in Settings.",
            "Un jeton VoiceMeUp compte 32 caractères hexadécimaux (0-9, a-f); vérifiez celui "
            "enregistré pour ce compte dans les réglages.",
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
                "unique_id",
                "Ask for calls by date range or after a call's unique ID, not both.",
                "Demandez les appels par plage de dates ou après l'identifiant unique d'un appel, "
                "pas les deux.",
            )
        if not _ALNUM32.fullmatch(unique_id):
            raise _bad(
                "unique_id",
                "The unique ID must be the 32-letter-or-digit ID of a call.",
                "L'identifiant unique doit être celui d'un appel : 32 lettres ou chiffres.",
            )
        out["unique_id"] = unique_id
    if not out:
        raise _bad(
            "date_from",
            "Ask for calls by date range (start and end dates) or after a call's unique ID.",
            "Demandez les appels par plage de dates (début et fin) ou après l'identifiant unique "
            "d'un appel.",
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
                "call_hash",
                "The call reference must be the 32-letter-or-digit hash of a call.",
                "La référence d'appel doit être l'empreinte d'un appel : 32 lettres ou chiffres.",
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
            raise _bad(
                "client_peer_ids",
                f"Choose at most {MAX_PEERS_TO_RING} devices to ring (got {len(peers)}).",
                f"Choisissez au plus {MAX_PEERS_TO_RING} appareils à faire sonner "
                f"({len(peers)} choisis).",
            )
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
        raise _bad("did", "There is nothing to change.", "Il n'y a rien à modifier.")
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
            en, fr = _label(field)
            raise _bad(
                field,
                f"{en} must be exactly {size} digits (got {_shown(value)!r}).",
                f"{fr} doit compter exactement {size} chiffres (valeur reçue : {_shown(value)!r}).",
            )
        out[field] = value
    if ("npa" in out or "nxx" in out) and out.get("type", "local") != "local":
        raise _bad(
            "npa",
            "An area code (NPA) or exchange (NXX) only applies to local numbers.",
            "Un indicatif régional (NPA) ou un central (NXX) ne s'applique qu'aux numéros locaux.",
        )
    return out


def order_did(*, did_id: str | None = None, phone_number: str | None = None) -> dict[str, str]:
    """Order by inventory ``did_id`` or by ``phone_number`` (10 to 15 digits): exactly one."""
    if (did_id is None) == (phone_number is None):
        raise _bad(
            "did_id",
            "Order a number either by its inventory ID or by the number itself (one of them).",
            "Commandez un numéro soit par son identifiant d'inventaire, soit par le numéro "
            "lui-même (l'un des deux).",
        )
    if did_id is not None:
        return {"did_id": _id("did_id", did_id)}
    digits = _digits(phone_number or "")
    if digits is None or not 10 <= len(digits) <= 15:
        raise _bad(
            "phone_number",
            "The number to order must have 10 to 15 digits.",
            "Le numéro à commander doit compter de 10 à 15 chiffres.",
        )
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


def _required(field: str, value: str, label_en: str, label_fr: str, *, limit: int = 100) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise _bad(field, f"Enter the {label_en}.", f"Entrez {label_fr}.")
    if not text.isprintable():  # NUL, bidi overrides and other control characters
        raise _bad(
            field,
            f"The {label_en} holds characters that cannot be printed; retype it.",
            f"{label_fr[0].upper()}{label_fr[1:]} contient des caractères non imprimables; "
            "retapez-le.",
        )
    if len(text) > limit:
        raise _bad(
            field,
            f"The {label_en} is too long (at most {limit} characters).",
            f"Ce champ ({label_fr}) est trop long ({limit} caractères au plus).",
        )
    return text


def postal_code(country: str, value: str) -> str:
    """A Canadian postal code as ``A1A 1A1`` or a US ZIP code as ``12345``/``12345-6789``."""
    text = (value or "").strip().upper()
    if country == "CA":
        match = _CA_POSTAL.fullmatch(text)
        if not match:
            raise _bad(
                "postal_code",
                "A Canadian postal code looks like H3B 1K9.",
                "Un code postal canadien ressemble à H3B 1K9.",
            )
        return f"{match.group(1)} {match.group(2)}"
    match = _US_ZIP.fullmatch(text)
    if not match:
        raise _bad(
            "postal_code",
            "A US ZIP code has 5 digits (or 5+4, like 10001-1234).",
            "Un code ZIP américain compte 5 chiffres (ou 5+4, comme 10001-1234).",
        )
    return f"{match.group(1)}-{match.group(2)}" if match.group(2) else match.group(1)


def _address(phone_number: str, a: E911Address) -> dict[str, str]:
    out = {"phone_number": nanp10("phone_number", phone_number)}
    civic = (a.civic_number or "").strip()
    if not re.fullmatch(r"[0-9]{1,8}", civic):
        raise _bad(
            "civic_number",
            "The civic number must be digits only, e.g. 1200 (put the unit in the unit field).",
            "Le numéro civique ne doit contenir que des chiffres, p. ex. 1200 (l'unité va dans "
            "le champ unité).",
        )
    out["civic_number"] = civic
    out["street"] = _required("street", a.street, "street", "la rue")
    out["city"] = _required("city", a.city, "city", "la ville")
    country = _choice("country_code", (a.country_code or "").strip().upper(), E911_COUNTRIES)
    state = (a.state_code or "").strip().upper()
    known = CA_PROVINCES if country == "CA" else US_STATES
    if state not in known:
        raise _bad(
            "state_code",
            "The province or state must be its 2-letter code for the country, e.g. QC or NY.",
            "La province ou l'État doit être son code de 2 lettres pour le pays, p. ex. QC ou NY.",
        )
    out["state_code"] = state
    out["country_code"] = country
    out["postal_code"] = postal_code(country, a.postal_code)
    if a.address_type:
        out["address_type"] = _choice("address_type", a.address_type.strip().lower(), ADDRESS_TYPES)
        out["address_type_number"] = _required(
            "address_type_number", a.address_type_number, "unit number", "le numéro d'unité"
        )
    elif a.address_type_number and a.address_type_number.strip():
        raise _bad(
            "address_type",
            "Choose the unit type (apartment, suite, ...) for the unit number.",
            "Choisissez le type d'unité (appartement, bureau, ...) pour le numéro d'unité.",
        )
    return out


def validate_e911_address(phone_number: str, address: E911Address) -> dict[str, str]:
    """The address part only: validation needs no name and no language."""
    return _address(phone_number, address)


def set_e911_address(phone_number: str, address: E911Address) -> dict[str, str]:
    out = _address(phone_number, address)
    out["first_name"] = _required("first_name", address.first_name, "first name", "le prénom")
    out["last_name"] = _required("last_name", address.last_name, "last name", "le nom")
    if address.language:
        out["language"] = _choice("language", address.language.strip().lower(), LANGUAGES)
    return out


def delete_e911_address(
    *, phone_number: str | None = None, endpoint_id: str | None = None
) -> dict[str, str]:
    out = get_e911_endpoints(phone_number=phone_number, endpoint_id=endpoint_id)
    if not out:
        raise _bad(
            "phone_number",
            "Say which emergency address to delete (phone number or address ID).",
            "Indiquez quelle adresse d'urgence supprimer (numéro ou identifiant d'adresse).",
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
                "Say which emergency address the device belongs to (phone number or address ID).",
                "Indiquez à quelle adresse d'urgence l'appareil appartient (numéro ou "
                "identifiant d'adresse).",
            )
        out.update(target)
    return out


def _endpoint(kind_field: str, kind: str, field: str, value: str) -> tuple[str, str]:
    kind = _choice(kind_field, kind, ENDPOINT_TYPES)
    if kind == "peer":
        text = (value or "").strip()
        if not _PEER_USER.fullmatch(text):
            en, fr = _label(field)
            raise _bad(
                field,
                f"{en} must be a device (peer) username of 6 to 16 letters or digits.",
                f"{fr} doit être un nom d'utilisateur d'appareil (peer) de 6 à 16 lettres ou "
                "chiffres.",
            )
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
                "The caller ID number must be a 10-digit local number: not toll-free (800, 888, "
                "877, 866, 855) and not starting with 1.",
                "Le numéro de l'afficheur doit être un numéro local à 10 chiffres : ni sans frais "
                "(800, 888, 877, 866, 855), ni commençant par 1.",
            )
        out["callerid_number"] = number
    if enable_recording is not None:
        out["enable_recording"] = "1" if enable_recording else "0"
    if wait_time is not None:
        out["wait_time"] = _range("wait_time", wait_time, 5, 60)
    if meta_data:
        if len(meta_data) > MAX_META_DATA:
            raise _bad(
                "meta_data",
                f"The call's note (meta data) is too long: at most {MAX_META_DATA} characters "
                f"(got {len(meta_data)}).",
                f"La note de l'appel (métadonnées) est trop longue : {MAX_META_DATA} caractères "
                f"au plus ({len(meta_data)} reçus).",
            )
        out["meta_data"] = meta_data
    return out


def get_network_status(*, limit: int = 5, offset: int = 0) -> dict[str, str]:
    return {
        "limit": _range("limit", limit, 1, MAX_RESULTS),
        "offset": _range("offset", offset, 0, None),
    }
