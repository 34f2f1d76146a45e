"""Checks run before anything is sent to Simotel: the PBX address and the originate fields.

Every failure is an ``InputError`` naming its ``field`` (the constructor's or ``originate``'s
keyword), with an English and a French sentence.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final
from urllib.parse import urlsplit

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.simotel import OriginateRequest
from telephony_desktop.providers import http

API_PREFIX: Final = "/api/v4"
# A base that already names its API version (``https://panel.example/api/v4.1/``, as hosted PBXs
# publish it) is used as given.
_VERSIONED: Final = re.compile(r"/api/v\d+(?:\.\d+)*$", re.IGNORECASE)
TIMEOUT_RANGE: Final = (1, 300)
CALL_LIMIT_RANGE: Final = (1, 86_400)
# A caller with more digits than this (or starting with + or 0) is a telecom number: the vendor
# page requires a trunk for it.
MAX_EXTENSION_DIGITS: Final = 6

_SEPARATORS = str.maketrans("", "", " -().\u00a0\t")
_NUMBER = re.compile(r"^\+?[0-9*#]{1,32}$")
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,80}$")
# A caller ID the PBX reads as a word rather than a number: the vendor's own number-masking
# scenario sends ``"caller_id": "masking"``.
_CALLER_ID_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,31}$")

_LABELS: Final = {
    "caller": (
        "caller (the phone that rings first)",
        "l'appelant (le téléphone qui sonne d'abord)",
    ),
    "callee": ("number to call", "le numéro à appeler"),
    "caller_id": ("caller ID", "le numéro affiché (caller ID)"),
    "context": ("Simotel context (route)", "le contexte (route) Simotel"),
    "trunk_name": ("trunk name", "le nom du trunk"),
}


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ::1."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def api_root(base_url: str, *, allow_insecure_http: bool) -> str:
    """``scheme://host[:port][/prefix]/api/v4`` from what the user typed.

    A trailing slash is tolerated; a base already ending in an API version (``/api/v4``,
    ``/api/v4.1``) is used as given, and one ending in ``/api`` gets ``/v4``. Plain http is
    refused unless ``allow_insecure_http`` or the host is loopback.
    """
    raw = (base_url or "").strip()
    if not raw:
        raise InputError(
            "Enter the address of the Simotel PBX, for example https://pbx.example.com.",
            "Saisissez l'adresse du PBX Simotel, par exemple https://pbx.example.com.",
            field="base_url",
        )
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if "@" in parts.netloc:
        raise InputError(
            "The Simotel address must not contain a user name or password: enter them in their "
            "own fields.",
            "L'adresse de Simotel ne doit pas contenir de nom d'utilisateur ni de mot de passe : "
            "saisissez-les dans leurs propres champs.",
            field="base_url",
        )
    shown = http.redact_url(raw)
    if scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"“{shown}” is not a web address: enter the PBX address with http:// or https://, "
            "for example https://pbx.example.com.",
            f"« {shown} » n'est pas une adresse web : saisissez l'adresse du PBX avec http:// ou "
            "https://, par exemple https://pbx.example.com.",
            field="base_url",
        )
    try:
        _ = parts.port
    except ValueError:
        raise InputError(
            f"The port in the Simotel address “{shown}” is not valid.",
            f"Le port de l'adresse Simotel « {shown} » n'est pas valide.",
            field="base_url",
        ) from None
    if parts.query:
        raise InputError(
            f"The Simotel address “{shown}” must not have a query (the part after ?).",
            f"L'adresse Simotel « {shown} » ne doit pas contenir de paramètres (après le ?).",
            field="base_url",
        )
    if scheme == "http" and not allow_insecure_http and not is_loopback_host(parts.hostname):
        raise InputError(
            f"The Simotel address {shown} uses plain http: the API user, password and key would "
            "cross the network unencrypted. Use https://, or, if the PBX is on a trusted local "
            "network, allow plain http for this account.",
            f"L'adresse Simotel {shown} utilise http sans chiffrement : l'utilisateur, le mot de "
            "passe et la clé d'API circuleraient en clair sur le réseau. Utilisez https://, ou, "
            "si le PBX est sur un réseau local de confiance, autorisez http pour ce compte.",
            field="base_url",
        )
    path = parts.path.rstrip("/")
    if path.lower().endswith(API_PREFIX):
        path = path[: -len(API_PREFIX)]
    elif _VERSIONED.search(path):
        return f"{scheme}://{parts.netloc}{path}"
    if path.lower().endswith("/api"):
        path = path[: -len("/api")]
    return f"{scheme}://{parts.netloc}{path}{API_PREFIX}"


def _label(field: str) -> tuple[str, str]:
    return _LABELS.get(field, (field, field))


def number(value: object, field: str) -> str:
    """An extension or phone number: digits, ``*``, ``#``, an optional leading ``+``; spaces,
    dashes, dots and parentheses are removed."""
    en, fr = _label(field)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InputError(f"Enter the {en}.", f"Saisissez {fr}.", field=field)
    cleaned = text.translate(_SEPARATORS)
    if not _NUMBER.match(cleaned):
        raise InputError(
            f"The {en} “{text}” is not a valid extension or phone number (digits, *, # and a "
            "leading + only).",
            f"« {text} » n'est pas valide pour {fr} : chiffres, *, # et un + initial seulement.",
            field=field,
        )
    return cleaned


def caller_id_text(value: object) -> str:
    """A number (as :func:`number`), or a word the PBX understands such as ``masking``."""
    text = value.strip() if isinstance(value, str) else ""
    if _CALLER_ID_WORD.match(text):
        return text
    return number(value, "caller_id")


def name(value: object, field: str, *, required: bool) -> str:
    """A context or trunk name: letters, digits, ``_``, ``-``, ``.``; up to 80 characters."""
    en, fr = _label(field)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise InputError(f"Enter the {en}.", f"Saisissez {fr}.", field=field)
        return ""
    if not _NAME.match(text):
        raise InputError(
            f"The {en} “{text}” is not valid: use letters, digits, _, - and . only "
            "(at most 80 characters).",
            f"« {text} » n'est pas valide pour {fr} : lettres, chiffres, _, - et . seulement "
            "(80 caractères au plus).",
            field=field,
        )
    return text


def seconds(value: object, field: str, lo: int, hi: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        if field == "timeout_s":
            en, fr = "The ring time (timeout)", "Le délai de sonnerie (timeout)"
        else:
            en, fr = "The call duration limit", "La durée maximale de l'appel"
        raise InputError(
            f"{en} must be a whole number of seconds from {lo} to {hi}.",
            f"{fr} doit être un nombre entier de secondes de {lo} à {hi}.",
            field=field,
        )
    return value


def is_telecom_number(caller: str) -> bool:
    """True when ``caller`` looks like an outside number rather than an extension."""
    digits = caller.lstrip("+")
    return caller.startswith(("+", "0")) or len(digits) > MAX_EXTENSION_DIGITS


def originate_request(
    *,
    caller: str,
    callee: str,
    context: str,
    caller_id: str,
    trunk_name: str = "",
    timeout_s: int | None = None,
    call_limit_s: int | None = None,
) -> OriginateRequest:
    req = OriginateRequest(
        caller=number(caller, "caller"),
        callee=number(callee, "callee"),
        context=name(context, "context", required=True),
        caller_id=caller_id_text(caller_id),
        trunk_name=name(trunk_name, "trunk_name", required=False),
        timeout_s=seconds(timeout_s, "timeout_s", *TIMEOUT_RANGE),
        call_limit_s=seconds(call_limit_s, "call_limit_s", *CALL_LIMIT_RANGE),
    )
    if not req.trunk_name and is_telecom_number(req.caller):
        raise InputError(
            f"The caller {req.caller} is an outside number: Simotel needs the trunk to reach it. "
            "Enter the trunk name in the Simotel settings.",
            f"L'appelant {req.caller} est un numéro externe : Simotel a besoin du trunk pour le "
            "joindre. Saisissez le nom du trunk dans les paramètres Simotel.",
            field="trunk_name",
        )
    return req
