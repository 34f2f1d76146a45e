"""Checks run before anything is sent to Simotel: the PBX address and the originate fields.

Every failure is an ``InputError`` naming its ``field`` (the constructor's or ``originate``'s
keyword), with a sentence from the message catalogue.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final
from urllib.parse import urlsplit

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.simotel import OriginateRequest
from telephony_desktop.i18n import N_, _, formats
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

# One whole sentence per field: what is missing, and what is not a valid number or name.
_MISSING: Final = {
    "caller": N_("Enter the caller (the phone that rings first)."),
    "callee": N_("Enter the number to call."),
    "caller_id": N_("Enter the caller ID."),
    "context": N_("Enter the Simotel context (route)."),
    "trunk_name": N_("Enter the trunk name."),
}
_NOT_A_NUMBER: Final = {
    # Translators: text: what was typed.
    "caller": N_(
        "The caller (the phone that rings first) “{text}” is not a valid extension or phone "
        "number (digits, *, # and a leading + only)."
    ),
    # Translators: text: what was typed.
    "callee": N_(
        "The number to call “{text}” is not a valid extension or phone number (digits, *, # "
        "and a leading + only)."
    ),
    # Translators: text: what was typed.
    "caller_id": N_(
        "The caller ID “{text}” is not a valid extension or phone number (digits, *, # and a "
        "leading + only)."
    ),
}
_NOT_A_NAME: Final = {
    # Translators: text: what was typed. "Context" and "trunk" are Simotel's own terms.
    "context": N_(
        "The Simotel context (route) “{text}” is not valid: use letters, digits, _, - and . "
        "only (at most 80 characters)."
    ),
    # Translators: text: what was typed. "Trunk" is Simotel's own term.
    "trunk_name": N_(
        "The trunk name “{text}” is not valid: use letters, digits, _, - and . only (at most "
        "80 characters)."
    ),
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
            _("Enter the address of the Simotel PBX, for example https://pbx.example.com."),
            field="base_url",
        )
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if "@" in parts.netloc:
        raise InputError(
            _(
                "The Simotel address must not contain a user name or password: enter them in "
                "their own fields."
            ),
            field="base_url",
        )
    shown = http.redact_url(raw)
    if scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            # Translators: address: what was typed (any password in it hidden).
            _(
                "“{address}” is not a web address: enter the PBX address with http:// or "
                "https://, for example https://pbx.example.com."
            ).format(address=shown),
            field="base_url",
        )
    try:
        _port = parts.port  # raises ValueError for a bad port
    except ValueError:
        raise InputError(
            # Translators: address: what was typed (any password in it hidden).
            _("The port in the Simotel address “{address}” is not valid.").format(address=shown),
            field="base_url",
        ) from None
    if parts.query:
        raise InputError(
            # Translators: address: what was typed (any password in it hidden).
            _("The Simotel address “{address}” must not have a query (the part after ?).").format(
                address=shown
            ),
            field="base_url",
        )
    if scheme == "http" and not allow_insecure_http and not is_loopback_host(parts.hostname):
        raise InputError(
            # Translators: address: what was typed (any password in it hidden).
            _(
                "The Simotel address {address} uses plain http: the API user, password and key "
                "would cross the network unencrypted. Use https://, or, if the PBX is on a "
                "trusted local network, allow plain http for this account."
            ).format(address=shown),
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


def number(value: object, field: str) -> str:
    """An extension or phone number: digits, ``*``, ``#``, an optional leading ``+``; spaces,
    dashes, dots and parentheses are removed. ``field``: ``caller``, ``callee`` or ``caller_id``."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InputError(_(_MISSING[field]), field=field)
    cleaned = text.translate(_SEPARATORS)
    if not _NUMBER.match(cleaned):
        raise InputError(_(_NOT_A_NUMBER[field]).format(text=text), field=field)
    return cleaned


def caller_id_text(value: object) -> str:
    """A number (as :func:`number`), or a word the PBX understands such as ``masking``."""
    text = value.strip() if isinstance(value, str) else ""
    if _CALLER_ID_WORD.match(text):
        return text
    return number(value, "caller_id")


def name(value: object, field: str, *, required: bool) -> str:
    """A context or trunk name: letters, digits, ``_``, ``-``, ``.``; up to 80 characters.
    ``field``: ``context`` or ``trunk_name``."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            raise InputError(_(_MISSING[field]), field=field)
        return ""
    if not _NAME.match(text):
        raise InputError(_(_NOT_A_NAME[field]).format(text=text), field=field)
    return text


def seconds(value: object, field: str, lo: int, hi: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        if field == "timeout_s":
            # Translators: lo and hi: whole numbers of seconds.
            text = _("The ring time (timeout) must be a whole number of seconds from {lo} to {hi}.")
        else:
            # Translators: lo and hi: whole numbers of seconds.
            text = _("The call duration limit must be a whole number of seconds from {lo} to {hi}.")
        raise InputError(text.format(lo=formats.number(lo), hi=formats.number(hi)), field=field)
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
            # Translators: caller: the phone number that rings first. "Trunk" is Simotel's own term.
            _(
                "The caller {caller} is an outside number: Simotel needs the trunk to reach it. "
                "Enter the trunk name in the Simotel settings."
            ).format(caller=req.caller),
            field="trunk_name",
        )
    return req
