"""Simotel API v4 failures mapped to typed exceptions with sentences from the message catalogue.

Documented failures (providers README): HTTP 200 with ``success: 0`` and a message; 400 "Unable to
parse content"; 401 "BasicAuth or ApiKey is missing/invalid"; 403 "Access denied" / "IP is not
permitted"; 404 (no body); 405; 415; 501. The PBX's own message is quoted (redacted, shortened)
when it sent one.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from telephony_desktop.domain.errors import (
    AuthenticationError,
    Conflict,
    InvalidRequest,
    MalformedResponse,
    NotFound,
    ProviderRejected,
    UnsupportedRequest,
)
from telephony_desktop.i18n import _
from telephony_desktop.providers import http

PROVIDER: Final = "Simotel"
_MAX_MESSAGE: Final = 200
_SPACES = re.compile(r"\s+")


class AccessDenied(AuthenticationError):
    """HTTP 403 (or a ``success: 0`` saying so): the PBX refuses this computer's IP address or
    this API user. The fix is on the PBX: its administrator must allow this computer."""


def clean_message(message: str) -> str:
    """The PBX's message, safe to show: secrets removed, one line, at most 200 characters."""
    text = _SPACES.sub(" ", http.redact_text(message)).strip()
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1].rstrip() + "…"
    return text


def authentication_failed(message: str = "", *, status: int | None = 401) -> AuthenticationError:
    said = "" if "basicauth or apikey" in message.lower() else clean_message(message)
    if said:
        # Translators: said: the PBX's own message, quoted as it sent it.
        text = _(
            "Simotel refused the credentials (BasicAuth or ApiKey is missing/invalid) "
            '(the PBX said: "{said}"): check the API user name and password, or the API key, '
            "in the Simotel account settings."
        ).format(said=said)
    else:
        text = _(
            "Simotel refused the credentials (BasicAuth or ApiKey is missing/invalid): check the "
            "API user name and password, or the API key, in the Simotel account settings."
        )
    return AuthenticationError(text, provider=PROVIDER, code="authentication_failed", status=status)


def access_denied(message: str = "", *, status: int | None = 403) -> AccessDenied:
    low = message.lower()
    said = clean_message(message)
    if "ip" in low.split() or "ip is not permitted" in low or "not permitted" in low:
        if said:
            # Translators: said: the PBX's own message, quoted as it sent it.
            text = _(
                "Simotel does not accept API requests from this computer's IP address "
                '(the PBX said: "{said}"). Ask the PBX administrator to allow this computer\'s '
                "IP address for the API."
            ).format(said=said)
        else:
            text = _(
                "Simotel does not accept API requests from this computer's IP address. Ask the "
                "PBX administrator to allow this computer's IP address for the API."
            )
        return AccessDenied(text, provider=PROVIDER, code="ip_not_permitted", status=status)
    if said:
        # Translators: said: the PBX's own message, quoted as it sent it.
        text = _(
            'Simotel denied access (the PBX said: "{said}"). The PBX may only accept API '
            "requests from allowed IP addresses, or this API user may lack the permission: ask "
            "the PBX administrator to allow this computer's IP address and check the API user's "
            "rights."
        ).format(said=said)
    else:
        text = _(
            "Simotel denied access. The PBX may only accept API requests from allowed IP "
            "addresses, or this API user may lack the permission: ask the PBX administrator to "
            "allow this computer's IP address and check the API user's rights."
        )
    return AccessDenied(text, provider=PROVIDER, code="access_denied", status=status)


def not_implemented(status: int | None = 501) -> UnsupportedRequest:
    return UnsupportedRequest(
        _(
            "This request is not implemented on this Simotel PBX (error 501). Its version may "
            "not offer it: ask the PBX administrator."
        ),
        provider=PROVIDER,
        code="not_implemented",
        status=status,
    )


def malformed() -> MalformedResponse:
    return MalformedResponse(
        _(
            "Simotel sent an answer that could not be understood. Check that the address is the "
            "PBX's own (not a login page or a proxy) and try again."
        ),
        provider=PROVIDER,
        code="malformed",
    )


def _redirect_target(location: str) -> tuple[str, str]:
    """(scheme, host[:port]) of a ``Location`` header, without userinfo; ("", "") when there is
    none or it is not a URL (``http://[::1`` makes ``urlsplit`` raise)."""
    try:
        parts = urlsplit(location) if location else None
    except ValueError:
        return "", ""
    return (parts.scheme, parts.netloc.rsplit("@", 1)[-1]) if parts is not None else ("", "")


def for_status(status: int, message: str = "", *, location: str = "") -> ProviderRejected:
    """The exception for a non-2xx answer (5xx other than 501 never gets here: ``http.send``
    raises ``ProviderUnavailable`` for them)."""
    said = clean_message(message)
    if status == 400:
        if said:
            # Translators: "Unable to parse content" is the PBX's own wording, kept in English;
            # said: the PBX's own message, quoted as it sent it.
            text = _(
                "Simotel could not read the request (“Unable to parse content”) "
                '(the PBX said: "{said}"). Nothing was done. This is a bug in Telephony Desktop: '
                "please report it."
            ).format(said=said)
        else:
            # Translators: "Unable to parse content" is the PBX's own wording, kept in English.
            text = _(
                "Simotel could not read the request (“Unable to parse content”). Nothing was "
                "done. This is a bug in Telephony Desktop: please report it."
            )
        return InvalidRequest(
            text, provider=PROVIDER, code="unable_to_parse_content", status=status
        )
    if status == 401:
        return authentication_failed(message, status=status)
    if status == 403:
        return access_denied(message, status=status)
    if status == 404:
        return NotFound(
            _(
                "This PBX has no API v4 at that address: check the Simotel URL "
                "(for example https://pbx.example.com)."
            ),
            provider=PROVIDER,
            code="not_found",
            status=status,
        )
    if status == 405:
        return UnsupportedRequest(
            _(
                "This Simotel PBX does not accept this request (error 405, method not allowed). "
                "Its API may not be version 4: ask the PBX administrator."
            ),
            provider=PROVIDER,
            code="method_not_allowed",
            status=status,
        )
    if status == 415:
        return InvalidRequest(
            _(
                "Simotel refused the format of the request (error 415, unsupported media type). "
                "Nothing was done. This is a bug in Telephony Desktop: please report it."
            ),
            provider=PROVIDER,
            code="unsupported_media_type",
            status=status,
        )
    if status == 501:
        return not_implemented(status)
    if 300 <= status < 400:
        scheme, target = _redirect_target(location)
        if target:
            # Translators: address: where the redirect leads (https://host:port).
            text = _(
                "The Simotel address answered with a redirect to {address}. Set the Simotel URL "
                "to the address the PBX really uses (often https://)."
            ).format(address=f"{scheme}://{target}")
        else:
            text = _(
                "The Simotel address answered with a redirect. Set the Simotel URL to the "
                "address the PBX really uses (often https://)."
            )
        return ProviderRejected(text, provider=PROVIDER, code="redirect", status=status)
    if said:
        # Translators: status: an HTTP status number; said: the PBX's own message, quoted.
        text = _('Simotel refused the request (error {status}) (the PBX said: "{said}").').format(
            status=status, said=said
        )
    else:
        # Translators: status: an HTTP status number.
        text = _("Simotel refused the request (error {status}).").format(status=status)
    return ProviderRejected(text, provider=PROVIDER, code=f"http_{status}", status=status)


def for_failure(message: str, *, action: str, status: int | None = 200) -> ProviderRejected:
    """The exception for an answer with ``success: 0``. ``action``, translated, completes
    "Simotel did not …": ``_("place the call")``."""
    low = message.lower()
    if any(w in low for w in ("basicauth", "apikey", "api key", "unauthori", "authenticat")):
        return authentication_failed(message, status=status)
    if any(w in low for w in ("access denied", "not permitted", "forbidden")):
        return access_denied(message, status=status)
    said = clean_message(message)
    if not said:
        # Translators: action: what Simotel was asked to do, a verb phrase ("place the call" /
        # "passer l'appel").
        text = _(
            "Simotel did not {action}, without saying why. Check the PBX's logs or ask its "
            "administrator."
        ).format(action=action)
        return ProviderRejected(text, provider=PROVIDER, code="failed", status=status)
    if "busy" in low:
        # Translators: action: what Simotel was asked to do, a verb phrase ("place the call" /
        # "passer l'appel"); said: the PBX's own message, quoted as it sent it.
        text = _(
            'Simotel did not {action}: the line is busy (the PBX said: "{said}"). Try again later.'
        ).format(action=action, said=said)
        return Conflict(text, provider=PROVIDER, code="busy", status=status)
    if any(
        w in low
        for w in ("not found", "invalid", "not exist", "doesn't exist", "required", "unknown")
    ):
        # Translators: action: what Simotel was asked to do, a verb phrase ("place the call" /
        # "passer l'appel"); said: the PBX's own message, quoted as it sent it. "Context" and
        # "trunk" are Simotel's own terms.
        text = _(
            'Simotel did not {action}: a value was refused (the PBX said: "{said}"). Check the '
            "Simotel settings (context, trunk, caller ID) and the numbers."
        ).format(action=action, said=said)
        return InvalidRequest(text, provider=PROVIDER, code="invalid", status=status)
    # Translators: action: what Simotel was asked to do, a verb phrase ("place the call" /
    # "passer l'appel"); said: the PBX's own message, quoted as it sent it.
    text = _('Simotel did not {action} (the PBX said: "{said}").').format(action=action, said=said)
    return ProviderRejected(text, provider=PROVIDER, code="failed", status=status)
