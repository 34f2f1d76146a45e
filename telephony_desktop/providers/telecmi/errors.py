"""TeleCMI's documented error statuses, mapped to the domain error tree with sentences from the
message catalogue.

The vendor page lists 420 (bad app ID or secret), 422 (missing required property) and 502 ("the
property required is missing"); the status may come as the HTTP status, as ``code`` in the body,
or both. No error body is published: the official SDK reads ``error`` or ``message``, and so do
we. Anything else TeleCMI refuses becomes a plain ``ProviderRejected`` carrying its message.
"""

from __future__ import annotations

import re
from typing import Final

from telephony_desktop.domain.errors import (
    AuthenticationError,
    InvalidRequest,
    ProviderRejected,
)
from telephony_desktop.i18n import _
from telephony_desktop.providers import http

PROVIDER: Final = "TeleCMI"

AUTH_FAILED: Final = 420
MISSING_PROPERTY: Final = 422
PROPERTY_REQUIRED: Final = 502
DOCUMENTED: Final = frozenset({AUTH_FAILED, MISSING_PROPERTY, PROPERTY_REQUIRED})
# TeleCMI's other endpoints document bad credentials as 404 or 407, and its v2 endpoints answer
# {"error": true, "code": 404, "msg": "Authentication Failed"}, with HTTP 200 at times
# (docs/providers/telecmi.md): any refusal but a missing property whose message speaks of
# authentication is an authentication error.
_AUTH_WORDS: Final = re.compile(r"auth|app ?id|secret|credential", re.IGNORECASE)


def is_auth_failure(code: int, message: str) -> bool:
    if code == AUTH_FAILED:
        return True
    return code not in (MISSING_PROPERTY, PROPERTY_REQUIRED) and bool(_AUTH_WORDS.search(message))


# Every property name a TeleCMI request of ours can carry (to name the missing one if the body
# mentions it).
PROPERTIES: Final = (
    "appid", "secret", "from", "to", "extra_params", "pcmo", "action", "duration", "timeout",
    "loop", "connect", "type", "number", "request_id",
)  # fmt: skip
PROPERTY_KEYS: Final = ("property", "field", "param", "parameter", "missing")
_PROPERTY_IN_TEXT: Final = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(PROPERTIES, key=len, reverse=True)) + r")(?![\w-])"
)
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]+")
_MAX_MESSAGE: Final = 200


def clean_message(text: str) -> str:
    """Provider text fit for a sentence: secrets removed, one line, bounded length."""
    text = http.redact_text(_CONTROL.sub(" ", text)).strip()
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1].rstrip() + "…"


def missing_property(message: str, hints: dict[str, str] | None = None) -> str:
    """The property a 422/502 body names, or ``""``: an explicit key first, then the text."""
    for key in PROPERTY_KEYS:
        value = (hints or {}).get(key, "").strip()
        if value:
            return clean_message(value)[:40]
    found = _PROPERTY_IN_TEXT.search(message)
    return found.group(1) if found else ""


def rejection(
    code: int,
    *,
    status: int,
    message: str = "",
    hints: dict[str, str] | None = None,
    placing: bool = False,
) -> ProviderRejected:
    """The typed error for TeleCMI's ``code`` (body ``code`` or HTTP status), with its message.

    ``placing``: the request was a call placement, so the sentence says no call was placed.
    """
    text = clean_message(message)
    kwargs = {"provider": PROVIDER, "code": str(code), "status": status}
    if is_auth_failure(code, text):
        return AuthenticationError(
            _(
                "TeleCMI refused the app ID or secret. Check both in Settings against your "
                "TeleCMI app and try again."
            ),
            **kwargs,  # type: ignore[arg-type]
        )
    # Whole sentences, said one after the other: what was refused, whether a call was placed,
    # what to do, and TeleCMI's own words.
    sentences: list[str] = []
    if code in (MISSING_PROPERTY, PROPERTY_REQUIRED):
        name = missing_property(text, hints)
        if code == MISSING_PROPERTY and name:
            # Translators: name: the property TeleCMI named, as it spells it (to, appid).
            first = _("TeleCMI refused the request: a required property is missing ({name}).")
        elif code == MISSING_PROPERTY:
            first = _("TeleCMI refused the request: a required property is missing.")
        elif name:
            # Translators: name: the property TeleCMI named, as it spells it (to, appid).
            first = _("TeleCMI refused the request: the property required is missing ({name}).")
        else:
            first = _("TeleCMI refused the request: the property required is missing.")
        sentences.append(first.format(name=name))
    else:
        # Translators: code: TeleCMI's error number.
        sentences.append(_("TeleCMI refused the request (error {code}).").format(code=code))
    if placing:
        sentences.append(_("No call was placed."))
    if code in (MISSING_PROPERTY, PROPERTY_REQUIRED):
        sentences.append(_("Check the numbers and try again; if it keeps happening, report it."))
    if text:
        # Translators: text: TeleCMI's own message, quoted as it sent it.
        sentences.append(_('TeleCMI said: "{text}".').format(text=text))
    cls = InvalidRequest if code in (MISSING_PROPERTY, PROPERTY_REQUIRED) else ProviderRejected
    return cls(" ".join(sentences), **kwargs)  # type: ignore[arg-type]
