"""Simotel API v4 failures mapped to typed exceptions with English and French sentences.

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


def _quoted(message: str, *, fr: bool = False) -> str:
    """`` (the PBX said: "…")`` or ""."""
    text = clean_message(message)
    if not text:
        return ""
    return f" (le PBX a répondu : « {text} »)" if fr else f' (the PBX said: "{text}")'


def authentication_failed(message: str = "", *, status: int | None = 401) -> AuthenticationError:
    said = "" if "basicauth or apikey" in message.lower() else message
    return AuthenticationError(
        "Simotel refused the credentials (BasicAuth or ApiKey is missing/invalid)"
        f"{_quoted(said)}: check the API user name and password, or the API key, in the "
        "Simotel account settings.",
        "Simotel a refusé les identifiants (BasicAuth ou ApiKey manquant ou invalide)"
        f"{_quoted(said, fr=True)} : vérifiez le nom d'utilisateur et le mot de passe de l'API, "
        "ou la clé d'API, dans les paramètres du compte Simotel.",
        provider=PROVIDER,
        code="authentication_failed",
        status=status,
    )


def access_denied(message: str = "", *, status: int | None = 403) -> AccessDenied:
    low = message.lower()
    if "ip" in low.split() or "ip is not permitted" in low or "not permitted" in low:
        return AccessDenied(
            "Simotel does not accept API requests from this computer's IP address"
            f"{_quoted(message)}. Ask the PBX administrator to allow this computer's IP "
            "address for the API.",
            "Simotel n'accepte pas les requêtes d'API venant de l'adresse IP de cet ordinateur"
            f"{_quoted(message, fr=True)}. Demandez à l'administrateur du PBX d'autoriser "
            "l'adresse IP de cet ordinateur pour l'API.",
            provider=PROVIDER,
            code="ip_not_permitted",
            status=status,
        )
    return AccessDenied(
        f"Simotel denied access{_quoted(message)}. The PBX may only accept API requests from "
        "allowed IP addresses, or this API user may lack the permission: ask the PBX "
        "administrator to allow this computer's IP address and check the API user's rights.",
        f"Simotel a refusé l'accès{_quoted(message, fr=True)}. Le PBX n'accepte peut-être les "
        "requêtes d'API que depuis des adresses IP autorisées, ou cet utilisateur d'API n'a pas "
        "le droit nécessaire : demandez à l'administrateur du PBX d'autoriser l'adresse IP de "
        "cet ordinateur et de vérifier les droits de l'utilisateur d'API.",
        provider=PROVIDER,
        code="access_denied",
        status=status,
    )


def not_implemented(status: int | None = 501) -> UnsupportedRequest:
    return UnsupportedRequest(
        "This request is not implemented on this Simotel PBX (error 501). Its version may not "
        "offer it: ask the PBX administrator.",
        "Cette requête n'est pas implémentée sur ce PBX Simotel (erreur 501). Sa version ne "
        "l'offre peut-être pas : demandez à l'administrateur du PBX.",
        provider=PROVIDER,
        code="not_implemented",
        status=status,
    )


def malformed(what_en: str = "an answer", what_fr: str = "une réponse") -> MalformedResponse:
    return MalformedResponse(
        f"Simotel sent {what_en} that could not be understood. Check that the address is the "
        "PBX's own (not a login page or a proxy) and try again.",
        f"Simotel a envoyé {what_fr} incompréhensible. Vérifiez que l'adresse est bien celle du "
        "PBX (et non une page de connexion ou un proxy) et réessayez.",
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
    if status == 400:
        return InvalidRequest(
            "Simotel could not read the request (“Unable to parse content”)"
            f"{_quoted(message)}. Nothing was done. This is a bug in Telephony Desktop: "
            "please report it.",
            "Simotel n'a pas pu lire la requête (« Unable to parse content »)"
            f"{_quoted(message, fr=True)}. Rien n'a été fait. C'est une anomalie de Telephony "
            "Desktop : veuillez la signaler.",
            provider=PROVIDER,
            code="unable_to_parse_content",
            status=status,
        )
    if status == 401:
        return authentication_failed(message, status=status)
    if status == 403:
        return access_denied(message, status=status)
    if status == 404:
        return NotFound(
            "This PBX has no API v4 at that address: check the Simotel URL "
            "(for example https://pbx.example.com).",
            "Ce PBX n'a pas d'API v4 à cette adresse : vérifiez l'URL de Simotel "
            "(par exemple https://pbx.example.com).",
            provider=PROVIDER,
            code="not_found",
            status=status,
        )
    if status == 405:
        return UnsupportedRequest(
            "This Simotel PBX does not accept this request (error 405, method not allowed). "
            "Its API may not be version 4: ask the PBX administrator.",
            "Ce PBX Simotel n'accepte pas cette requête (erreur 405, méthode non autorisée). Son "
            "API n'est peut-être pas en version 4 : demandez à l'administrateur du PBX.",
            provider=PROVIDER,
            code="method_not_allowed",
            status=status,
        )
    if status == 415:
        return InvalidRequest(
            "Simotel refused the format of the request (error 415, unsupported media type). "
            "Nothing was done. This is a bug in Telephony Desktop: please report it.",
            "Simotel a refusé le format de la requête (erreur 415, type de média non pris en "
            "charge). Rien n'a été fait. C'est une anomalie de Telephony Desktop : veuillez la "
            "signaler.",
            provider=PROVIDER,
            code="unsupported_media_type",
            status=status,
        )
    if status == 501:
        return not_implemented(status)
    if 300 <= status < 400:
        scheme, target = _redirect_target(location)
        where = f" to {scheme}://{target}" if target else ""
        where_fr = f" vers {scheme}://{target}" if target else ""
        return ProviderRejected(
            f"The Simotel address answered with a redirect{where}. Set the Simotel URL to the "
            "address the PBX really uses (often https://).",
            f"L'adresse de Simotel a répondu par une redirection{where_fr}. Indiquez l'URL que "
            "le PBX utilise réellement (souvent https://).",
            provider=PROVIDER,
            code="redirect",
            status=status,
        )
    return ProviderRejected(
        f"Simotel refused the request (error {status}){_quoted(message)}.",
        f"Simotel a refusé la requête (erreur {status}){_quoted(message, fr=True)}.",
        provider=PROVIDER,
        code=f"http_{status}",
        status=status,
    )


def for_failure(
    message: str, *, action_en: str, action_fr: str, status: int | None = 200
) -> ProviderRejected:
    """The exception for an answer with ``success: 0``. ``action_*`` completes "Simotel did not
    …" ("place the call" / "passer l'appel")."""
    low = message.lower()
    if any(w in low for w in ("basicauth", "apikey", "api key", "unauthori", "authenticat")):
        return authentication_failed(message, status=status)
    if any(w in low for w in ("access denied", "not permitted", "forbidden")):
        return access_denied(message, status=status)
    quoted_en, quoted_fr = _quoted(message), _quoted(message, fr=True)
    if not quoted_en:
        return ProviderRejected(
            f"Simotel did not {action_en}, without saying why. Check the PBX's logs or ask its "
            "administrator.",
            f"Simotel n'a pas pu {action_fr}, sans dire pourquoi. Consultez les journaux du PBX "
            "ou demandez à son administrateur.",
            provider=PROVIDER,
            code="failed",
            status=status,
        )
    if "busy" in low:
        return Conflict(
            f"Simotel did not {action_en}: the line is busy{quoted_en}. Try again later.",
            f"Simotel n'a pas pu {action_fr} : la ligne est occupée{quoted_fr}. Réessayez plus "
            "tard.",
            provider=PROVIDER,
            code="busy",
            status=status,
        )
    if any(
        w in low
        for w in ("not found", "invalid", "not exist", "doesn't exist", "required", "unknown")
    ):
        return InvalidRequest(
            f"Simotel did not {action_en}: a value was refused{quoted_en}. Check the Simotel "
            "settings (context, trunk, caller ID) and the numbers.",
            f"Simotel n'a pas pu {action_fr} : une valeur a été refusée{quoted_fr}. Vérifiez "
            "les paramètres Simotel (contexte, trunk, afficheur) et les numéros.",
            provider=PROVIDER,
            code="invalid",
            status=status,
        )
    return ProviderRejected(
        f"Simotel did not {action_en}{quoted_en}.",
        f"Simotel n'a pas pu {action_fr}{quoted_fr}.",
        provider=PROVIDER,
        code="failed",
        status=status,
    )
