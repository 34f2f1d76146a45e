"""TeleCMI's documented error statuses, mapped to the domain error tree with English and French
sentences.

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
    none_en = " No call was placed." if placing else ""
    none_fr = " Aucun appel n'a été passé." if placing else ""
    said_en = f' TeleCMI said: "{text}".' if text else ""
    said_fr = f" TeleCMI a répondu : « {text} »." if text else ""
    kwargs = {"provider": PROVIDER, "code": str(code), "status": status}
    if is_auth_failure(code, text):
        return AuthenticationError(
            "TeleCMI refused the app ID or secret. Check both in Settings against your TeleCMI "
            "app and try again.",
            "TeleCMI a refusé l'identifiant d'application ou le secret. Vérifiez-les dans les "
            "Paramètres par rapport à votre application TeleCMI et réessayez.",
            **kwargs,  # type: ignore[arg-type]
        )
    if code in (MISSING_PROPERTY, PROPERTY_REQUIRED):
        name = missing_property(text, hints)
        what_en = f" ({name})" if name else ""
        what_fr = f" ({name})" if name else ""
        core_en = (
            "a required property is missing"
            if code == MISSING_PROPERTY
            else "the property required is missing"
        )
        core_fr = (
            "une propriété obligatoire est absente"
            if code == MISSING_PROPERTY
            else "la propriété requise est absente"
        )
        return InvalidRequest(
            f"TeleCMI refused the request: {core_en}{what_en}.{none_en} Check the "
            f"numbers and try again; if it keeps happening, report it.{said_en}",
            f"TeleCMI a refusé la requête : {core_fr}{what_fr}.{none_fr} "
            f"Vérifiez les numéros et réessayez; si le problème persiste, signalez-le.{said_fr}",
            **kwargs,  # type: ignore[arg-type]
        )
    return ProviderRejected(
        f"TeleCMI refused the request (error {code}).{none_en}{said_en}",
        f"TeleCMI a refusé la requête (erreur {code}).{none_fr}{said_fr}",
        **kwargs,  # type: ignore[arg-type]
    )
