"""Request parameters checked against the vendor's tables before anything is sent.

Each function returns the query parameters to send (only the ones set), or raises ``InputError``
naming the field and the rule. Messages never repeat a secret.
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
CALLERID_FORBIDDEN_PREFIXES: Final = ("1", "800", "888", "877", "866", "855")
MAX_PEERS_TO_RING: Final = 5

_ALNUM32 = re.compile(r"[A-Za-z0-9]{32}")
_HEX32 = re.compile(r"[0-9A-Fa-f]{32}")
_FRIENDLY = re.compile(r"[\w .,'()&/-]{2,32}")
_CALLERID_NAME = re.compile(r"[\w .,'&-]{3,15}")
_PEER_USER = re.compile(r"[A-Za-z0-9]{6,16}")
_CA_POSTAL = re.compile(r"([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)")
_US_ZIP = re.compile(r"\d{5}(?:-\d{4})?")


def _bad(field: str, en: str, fr: str) -> InputError:
    return InputError(en, fr, field=field)


# --- generic checks -------------------------------------------------------------------------


def _id(field: str, value: str | int) -> str:
    text = str(value).strip()
    if not text.isdigit() or len(text) > 18:
        raise _bad(field, f"{field} must be a number.", f"{field} doit être un nombre.")
    return text


def _range(field: str, value: int, low: int, high: int | None) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(field, f"{field} must be a whole number.", f"{field} doit être un entier.")
    if value < low or (high is not None and value > high):
        bound_en = f"between {low} and {high}" if high is not None else f"at least {low}"
        bound_fr = f"entre {low} et {high}" if high is not None else f"au moins {low}"
        raise _bad(
            field,
            f"{field} must be {bound_en} (got {value}).",
            f"{field} doit être {bound_fr} (reçu {value}).",
        )
    return str(value)


def _date(field: str, value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise _bad(
            field,
            f"{field} must be a date written YYYY-MM-DD.",
            f"{field} doit être une date au format AAAA-MM-JJ.",
        ) from None


def _choice(field: str, value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise _bad(
            field,
            f"{field} must be one of: {', '.join(choices)}.",
            f"{field} doit être l'une des valeurs : {', '.join(choices)}.",
        )
    return value


def nanp10(field: str, value: str) -> str:
    """A 10-digit North American number from what a person or the cache holds."""
    digits = re.sub(r"[\s().+-]", "", str(value))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if not re.fullmatch(r"[2-9]\d{2}[2-9]\d{6}", digits):
        raise _bad(
            field,
            f"{field} must be a 10-digit North American phone number.",
            f"{field} doit être un numéro nord-américain à 10 chiffres.",
        )
    return digits


def _dial_number(field: str, value: str) -> str:
    digits = re.sub(r"[\s().+-]", "", str(value))
    if not digits.isdigit() or not 10 <= len(digits) <= 18:
        raise _bad(
            field,
            f"{field} must be a phone number of at least 10 digits.",
            f"{field} doit être un numéro de téléphone d'au moins 10 chiffres.",
        )
    return digits


def _dates(date_from: date | str | None, date_to: date | str | None) -> dict[str, str]:
    if (date_from is None) != (date_to is None):
        raise _bad(
            "date_from" if date_from is None else "date_to",
            "Give both date_from and date_to, or neither.",
            "Donnez date_from et date_to, ou ni l'un ni l'autre.",
        )
    if date_from is None or date_to is None:
        return {}
    start, end = _date("date_from", date_from), _date("date_to", date_to)
    if start > end:
        raise _bad(
            "date_from",
            "date_from is after date_to.",
            "date_from est postérieure à date_to.",
        )
    return {"date_from": start.isoformat(), "date_to": end.isoformat()}


# --- per request ------------------------------------------------------------------------------


def credentials(
    *, account_id: str, auth_token: str, language: str | None = None, currency: str | None = None
) -> dict[str, str]:
    if not re.fullmatch(r"\d{8}", str(account_id)):
        raise _bad(
            "client_account_id",
            "A VoiceMeUp account ID is exactly 8 digits.",
            "Un numéro de compte VoiceMeUp compte exactement 8 chiffres.",
        )
    if not _HEX32.fullmatch(str(auth_token)):
        raise _bad(
            "auth_token",
            "A VoiceMeUp auth token is 32 hexadecimal characters; check the one stored for "
            "this account.",
            "Un jeton VoiceMeUp compte 32 caractères hexadécimaux; vérifiez celui enregistré "
            "pour ce compte.",
        )
    out = {"client_account_id": str(account_id), "auth_token": str(auth_token)}
    if language:
        out["language"] = _choice("language", language, ("en", "fr"))
    if currency:
        out["currency"] = _choice("currency", currency, ("CAD", "USD", "EUR"))
    return out


def get_calls(
    *,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    unique_id: str | None = None,
    direction: str | None = None,
    result_limit: int = 1000,
    result_offset: int = 0,
) -> dict[str, str]:
    out = _dates(date_from, date_to)
    if unique_id is not None:
        if out:
            raise _bad(
                "unique_id",
                "Ask for calls by date range or after a unique_id, not both.",
                "Demandez les appels par plage de dates ou après un unique_id, pas les deux.",
            )
        if not _ALNUM32.fullmatch(unique_id):
            raise _bad(
                "unique_id",
                "unique_id must be the 32-character id of a call.",
                "unique_id doit être l'identifiant de 32 caractères d'un appel.",
            )
        out["unique_id"] = unique_id
    if not out:
        raise _bad(
            "date_from",
            "Ask for calls by date range (date_from and date_to) or after a unique_id.",
            "Demandez les appels par plage de dates (date_from et date_to) ou après un unique_id.",
        )
    if direction is not None:
        out["direction"] = _choice("direction", direction, ("inbound", "outbound"))
    out["result_limit"] = _range("result_limit", result_limit, 1, 1000)
    if result_offset:
        out["result_offset"] = _range("result_offset", result_offset, 0, None)
    return out


def get_voicemails(
    *,
    result_limit: int = 1000,
    result_offset: int = 0,
    date_from: date | str | None = None,
    date_to: date | str | None = None,
    voicemail_id: str | None = None,
) -> dict[str, str]:
    out = _dates(date_from, date_to)
    out["result_limit"] = _range("result_limit", result_limit, 1, 1000)
    if result_offset:
        out["result_offset"] = _range("result_offset", result_offset, 0, None)
    if voicemail_id is not None:
        out["call_voicemail_id"] = _id("call_voicemail_id", voicemail_id)
    return out


def delete_voicemail(*, voicemail_id: str) -> dict[str, str]:
    return {"call_voicemail_id": _id("call_voicemail_id", voicemail_id)}


def get_recordings(
    *,
    status: Sequence[str] | None = None,
    call_hash: str | None = None,
    recording_id: str | None = None,
) -> dict[str, str]:
    out: dict[str, str] = {}
    if status:
        out["status"] = ",".join(_choice("status", s, RECORDING_STATUSES) for s in status)
    if call_hash is not None:
        if not _ALNUM32.fullmatch(call_hash):
            raise _bad(
                "call_hash",
                "call_hash must be the 32-character hash of a call.",
                "call_hash doit être l'empreinte de 32 caractères d'un appel.",
            )
        out["call_hash"] = call_hash
    if recording_id is not None:
        out["call_recording_id"] = _id("call_recording_id", recording_id)
    return out


def delete_recording(*, recording_id: str) -> dict[str, str]:
    return {"call_recording_id": _id("call_recording_id", recording_id)}


def get_dids(*, did_id: str | None = None, phone_number: str | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    if did_id is not None:
        out["client_did_id"] = _id("client_did_id", did_id)
    if phone_number is not None:
        out["phone_number"] = nanp10("phone_number", phone_number)
    return out


def set_did(did_id: str, update: DidUpdate) -> dict[str, str]:
    out = {"client_did_id": _id("client_did_id", did_id)}
    if update.friendly_name is not None:
        name = update.friendly_name.strip()
        if not _FRIENDLY.fullmatch(name):
            raise _bad(
                "friendly_name",
                "The name must be 2 to 32 letters, digits or spaces.",
                "Le nom doit compter de 2 à 32 lettres, chiffres ou espaces.",
            )
        out["friendly_name"] = name
    if update.options is not None:
        out["options"] = ",".join(_choice("options", o, DID_OPTIONS) for o in update.options)
    if update.forward_number is not None:
        out["forward_number"] = (
            _dial_number("forward_number", update.forward_number) if update.forward_number else ""
        )
    if update.forward_timeout is not None:
        out["forward_timeout"] = _choice("forward_timeout", update.forward_timeout, TIMEOUTS)
    if update.mailbox_id is not None:
        out["client_mailbox_id"] = _id("client_mailbox_id", update.mailbox_id)
    if update.peer_ids is not None:
        if len(update.peer_ids) > MAX_PEERS_TO_RING:
            raise _bad(
                "client_peer_ids",
                f"Choose at most {MAX_PEERS_TO_RING} devices to ring.",
                f"Choisissez au plus {MAX_PEERS_TO_RING} appareils à faire sonner.",
            )
        out["client_peer_ids"] = ",".join(_id("client_peer_ids", p) for p in update.peer_ids)
    if update.peer_timeout is not None:
        out["peer_timeout"] = _choice("peer_timeout", update.peer_timeout, TIMEOUTS)
    if update.dnis_rewrite is not None:
        out["dnis_rewrite"] = (
            nanp10("dnis_rewrite", update.dnis_rewrite) if update.dnis_rewrite else ""
        )
    if update.status is not None:
        out["status"] = _choice("status", update.status, ("enabled", "disabled"))
    if len(out) == 1:
        raise _bad("did", "Nothing to change.", "Rien à modifier.")
    return out


def get_did_inventory(
    *,
    type: str | None = None,  # the provider's parameter name
    npa: str | None = None,
    nxx: str | None = None,
    ratecenter_id: str | None = None,
) -> dict[str, str]:
    out: dict[str, str] = {}
    if type is not None:
        out["type"] = _choice("type", type, INVENTORY_TYPES)
    for field, value, size in (
        ("npa", npa, 3),
        ("nxx", nxx, 3),
        ("ratecenter_id", ratecenter_id, 6),
    ):
        if value is None or value == "":
            continue
        if not re.fullmatch(rf"\d{{{size}}}", value):
            raise _bad(
                field, f"{field} must be {size} digits.", f"{field} doit compter {size} chiffres."
            )
        out[field] = value
    if ("npa" in out or "nxx" in out) and out.get("type", "local") != "local":
        raise _bad(
            "npa",
            "NPA and NXX only apply to local numbers.",
            "Le NPA et le NXX ne s'appliquent qu'aux numéros locaux.",
        )
    return out


def order_did(*, did_id: str | None = None, phone_number: str | None = None) -> dict[str, str]:
    if (did_id is None) == (phone_number is None):
        raise _bad(
            "did_id",
            "Order by inventory id or by phone number (one of them).",
            "Commandez par identifiant d'inventaire ou par numéro (l'un des deux).",
        )
    if did_id is not None:
        return {"did_id": _id("did_id", did_id)}
    digits = re.sub(r"\D", "", phone_number or "")
    if not 10 <= len(digits) <= 15:
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


def _required(field: str, value: str, label_en: str, label_fr: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise _bad(field, f"Enter the {label_en}.", f"Entrez {label_fr}.")
    if len(text) > 100:
        raise _bad(field, f"The {label_en} is too long.", f"{label_fr.capitalize()} est trop long.")
    return text


def postal_code(country: str, value: str) -> str:
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
    if not _US_ZIP.fullmatch(text):
        raise _bad(
            "postal_code",
            "A US ZIP code has 5 digits (or 5+4, like 10001-1234).",
            "Un code ZIP américain compte 5 chiffres (ou 5+4, comme 10001-1234).",
        )
    return text


def _address(phone_number: str, a: E911Address) -> dict[str, str]:
    country = (a.country_code or "").strip().upper()
    out = {"phone_number": nanp10("phone_number", phone_number)}
    civic = (a.civic_number or "").strip()
    if not re.fullmatch(r"\d{1,8}", civic):
        raise _bad(
            "civic_number",
            "The civic number must be digits only, e.g. 1200 (put the unit in the unit field).",
            "Le numéro civique ne doit contenir que des chiffres, p. ex. 1200 (l'unité va dans "
            "le champ unité).",
        )
    out["civic_number"] = civic
    out["street"] = _required("street", a.street, "street", "la rue")
    out["city"] = _required("city", a.city, "city", "la ville")
    state = (a.state_code or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", state):
        raise _bad(
            "state_code",
            "The province or state is a 2-letter code, e.g. QC or NY.",
            "La province ou l'État est un code de 2 lettres, p. ex. QC ou NY.",
        )
    out["state_code"] = state
    out["country_code"] = _choice("country_code", country, ("CA", "US"))
    out["postal_code"] = postal_code(country, a.postal_code)
    if a.address_type:
        out["address_type"] = _choice("address_type", a.address_type.lower(), ADDRESS_TYPES)
        out["address_type_number"] = _required(
            "address_type_number", a.address_type_number, "unit number", "le numéro d'unité"
        )
    elif a.address_type_number:
        raise _bad(
            "address_type",
            "Choose the unit type (apartment, suite, ...) for the unit number.",
            "Choisissez le type d'unité (appartement, bureau, ...) pour le numéro d'unité.",
        )
    return out


def validate_e911_address(phone_number: str, address: E911Address) -> dict[str, str]:
    return _address(phone_number, address)


def set_e911_address(phone_number: str, address: E911Address) -> dict[str, str]:
    out = _address(phone_number, address)
    out["first_name"] = _required("first_name", address.first_name, "first name", "le prénom")
    out["last_name"] = _required("last_name", address.last_name, "last name", "le nom")
    if address.language:
        out["language"] = _choice("language", address.language, ("en", "fr"))
    return out


def delete_e911_address(
    *, phone_number: str | None = None, endpoint_id: str | None = None
) -> dict[str, str]:
    out = get_e911_endpoints(phone_number=phone_number, endpoint_id=endpoint_id)
    if not out:
        raise _bad(
            "phone_number",
            "Say which emergency address to delete (phone number or endpoint id).",
            "Indiquez quelle adresse d'urgence supprimer (numéro ou identifiant).",
        )
    return out


def e911_peer(
    *,
    peer_id: str,
    associate: bool,
    phone_number: str | None = None,
    endpoint_id: str | None = None,
) -> dict[str, str]:
    out = {"client_peer_id": _id("client_peer_id", peer_id)}
    if associate:
        target = get_e911_endpoints(phone_number=phone_number, endpoint_id=endpoint_id)
        if not target:
            raise _bad(
                "phone_number",
                "Say which emergency address the device belongs to.",
                "Indiquez à quelle adresse d'urgence l'appareil appartient.",
            )
        out.update(target)
    return out


def _endpoint(kind_field: str, kind: str, field: str, value: str) -> tuple[str, str]:
    kind = _choice(kind_field, kind, ("number", "peer"))
    if kind == "peer":
        if not _PEER_USER.fullmatch(value or ""):
            raise _bad(
                field,
                f"{field} must be a peer username of 6 to 16 letters or digits.",
                f"{field} doit être un nom d'utilisateur de 6 à 16 lettres ou chiffres.",
            )
        return kind, value
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
    if callerid_name:
        if not _CALLERID_NAME.fullmatch(callerid_name.strip()):
            raise _bad(
                "callerid_name",
                "The caller ID name must be 3 to 15 letters, digits or spaces.",
                "Le nom de l'afficheur doit compter de 3 à 15 lettres, chiffres ou espaces.",
            )
        out["callerid_name"] = callerid_name.strip()
    if callerid_number:
        number = re.sub(r"\D", "", callerid_number)
        if len(number) != 10 or number.startswith(CALLERID_FORBIDDEN_PREFIXES):
            raise _bad(
                "callerid_number",
                "The caller ID must be a 10-digit local number (not toll-free, not starting "
                "with 1).",
                "L'afficheur doit être un numéro local à 10 chiffres (ni sans frais, ni "
                "commençant par 1).",
            )
        out["callerid_number"] = number
    if enable_recording is not None:
        out["enable_recording"] = "1" if enable_recording else "0"
    if wait_time is not None:
        out["wait_time"] = _range("wait_time", wait_time, 5, 60)
    if meta_data:
        out["meta_data"] = meta_data[:1000]
    return out


def get_network_status(*, limit: int = 5, offset: int = 0) -> dict[str, str]:
    return {"limit": _range("limit", limit, 1, 1000), "offset": _range("offset", offset, 0, None)}
