"""Verba HTTP API error codes, mapped to typed exceptions with English and French sentences.

Every answer carries ``<Response code="N" type="Action">``; ``0`` is success. The vendor page
documents one error code (``2``: the call cannot be found). The other codes below are the project's
assumptions (see ``docs/providers/verba.md``); they live in this one table so a real answer can
correct them in one place. An unknown code is classified from its ``ErrorMessage`` (token, API key,
"more than one", "not found", "parameter"...) and otherwise reported with that message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from telephony_desktop.domain.errors import (
    AuthenticationError,
    Conflict,
    InvalidRequest,
    NotFound,
    ProviderRejected,
)
from telephony_desktop.providers import http

PROVIDER: Final = "Verba"
SUCCESS: Final = "0"


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    cls: type[ProviderRejected]
    en: str
    fr: str
    documented: bool = False


_SETTINGS_EN = " Check the Verba account in Settings."
_SETTINGS_FR = " Vérifiez le compte Verba dans les réglages."

NOT_FOUND: Final = ErrorSpec(
    NotFound,
    "Verba found no call matching this search. Check the extension and the call status "
    "(ongoing, next, last), then try again.",
    "Verba n'a trouvé aucun appel correspondant à cette recherche. Vérifiez le poste et l'état "
    "de l'appel (en cours, prochain, dernier), puis réessayez.",
    documented=True,
)
AMBIGUOUS: Final = ErrorSpec(
    Conflict,
    "More than one call on Verba matches this search. Narrow it: search a single status (for "
    "example only the last call), or use the platform call ID or the technical call ID instead "
    "of the extension.",
    "Plus d'un appel sur Verba correspond à cette recherche. Précisez-la : cherchez un seul état "
    "(par exemple seulement le dernier appel), ou utilisez l'identifiant d'appel de la plateforme "
    "ou l'identifiant technique au lieu du poste.",
)
BAD_PARAMETER: Final = ErrorSpec(
    InvalidRequest,
    "Verba refused a parameter of the search (missing or invalid). Check the extension, the "
    "call status and the call identifiers.",
    "Verba a refusé un paramètre de la recherche (manquant ou invalide). Vérifiez le poste, "
    "l'état de l'appel et les identifiants d'appel.",
)
BAD_API_KEY: Final = ErrorSpec(
    AuthenticationError,
    "Verba refused the API key (unknown, disabled, or not allowed from this computer's network "
    "address)." + _SETTINGS_EN,
    "Verba a refusé la clé d'API (inconnue, désactivée ou non autorisée depuis l'adresse réseau "
    "de cet ordinateur)." + _SETTINGS_FR,
)
BAD_TOKEN: Final = ErrorSpec(
    AuthenticationError,
    "Verba refused the session token (expired or never authenticated), and signing in again "
    "did not help." + _SETTINGS_EN,
    "Verba a refusé le jeton de session (expiré ou jamais authentifié), et une nouvelle "
    "connexion n'a pas réglé le problème." + _SETTINGS_FR,
)
BAD_LOGIN: Final = ErrorSpec(
    AuthenticationError,
    "Verba refused the login or password." + _SETTINGS_EN,
    "Verba a refusé l'identifiant ou le mot de passe." + _SETTINGS_FR,
)
NO_PERMISSION: Final = ErrorSpec(
    AuthenticationError,
    "The Verba user is not allowed to use the API (the API user needs the roles Verba requires "
    "for it). Ask your Verba administrator.",
    "L'utilisateur Verba n'a pas le droit d'utiliser l'API (l'utilisateur d'API doit avoir les "
    "rôles exigés par Verba). Adressez-vous à votre administrateur Verba.",
)
NO_MEDIA: Final = ErrorSpec(
    NotFound,
    "Verba has no recording (media) for this call.",
    "Verba n'a aucun enregistrement (média) pour cet appel.",
)

# The one table: code -> meaning. Only "2" is documented by the vendor; the rest are assumed.
CODES: Final[dict[str, ErrorSpec]] = {
    "2": NOT_FOUND,
    "3": AMBIGUOUS,
    "4": BAD_PARAMETER,
    "5": BAD_API_KEY,
    "6": BAD_TOKEN,
    "7": BAD_LOGIN,
    "8": NO_PERMISSION,
    "9": NO_MEDIA,
}

# ErrorMessage keywords, for codes not in the table (first match wins; "more than one" first,
# because it overrides any code: the agent must be told to narrow the search).
_AMBIGUOUS_TEXT = re.compile(r"(?i)more than (one|1)|multiple|several|ambiguous")
_KEYWORDS: Final[tuple[tuple[re.Pattern[str], ErrorSpec], ...]] = (
    (re.compile(r"(?i)\btoken\b"), BAD_TOKEN),
    (re.compile(r"(?i)api ?key"), BAD_API_KEY),
    (re.compile(r"(?i)password|login|credential|authenticat|unauthori[sz]ed"), BAD_LOGIN),
    (re.compile(r"(?i)permission|not allowed|forbidden|access denied"), NO_PERMISSION),
    (re.compile(r"(?i)cannot be found|can't be found|not found|no (such )?call"), NOT_FOUND),
    (
        re.compile(r"(?i)(no|missing|unavailable) (media|recording)|media (is )?(not|un)avail"),
        NO_MEDIA,
    ),
    (re.compile(r"(?i)parameter|invalid|missing|mandatory|required"), BAD_PARAMETER),
)
_MAX_QUOTED = 300


def spec_for(code: str, message: str = "") -> ErrorSpec | None:
    """The table entry for ``code`` (or, for an unknown code, one guessed from ``message``)."""
    if _AMBIGUOUS_TEXT.search(message):
        return AMBIGUOUS
    spec = CODES.get(code.strip())
    if spec is not None:
        return spec
    for pattern, candidate in _KEYWORDS:
        if pattern.search(message):
            return candidate
    return None


def _quote(message: str) -> str:
    text = " ".join(http.redact_text(message).split())
    return text[:_MAX_QUOTED] + ("…" if len(text) > _MAX_QUOTED else "")


def error_for(
    code: str, message: str = "", *, action: str = "", status: int | None = None
) -> ProviderRejected:
    """The typed exception for a non-zero ``Response`` code (never holds a secret)."""
    spec = spec_for(code, message)
    if spec is not None:
        return spec.cls(spec.en, spec.fr, provider=PROVIDER, code=code, status=status)
    quoted = _quote(message)
    what_en = f" ({action})" if action else ""
    if quoted:
        en = f"Verba refused the request{what_en} (error {code}): {quoted}"
        fr = f"Verba a refusé la requête{what_en} (erreur {code}) : {quoted}"
    else:
        en = f"Verba refused the request{what_en} (error {code})."
        fr = f"Verba a refusé la requête{what_en} (erreur {code})."
    return ProviderRejected(en, fr, provider=PROVIDER, code=code, status=status)


def http_status_error(status: int) -> ProviderRejected:
    """A 4xx answer that carries no Verba envelope."""
    if status in (401, 403):
        return AuthenticationError(
            f"Verba refused the credentials (HTTP {status})." + _SETTINGS_EN,
            f"Verba a refusé les identifiants (HTTP {status})." + _SETTINGS_FR,
            provider=PROVIDER,
            code=f"http_{status}",
            status=status,
        )
    if status == 404:
        return ProviderRejected(
            "No Verba API answers at this address (HTTP 404). Check the server address in "
            "Settings (it usually ends with /verba/api).",
            "Aucune API Verba ne répond à cette adresse (HTTP 404). Vérifiez l'adresse du "
            "serveur dans les réglages (elle se termine habituellement par /verba/api).",
            provider=PROVIDER,
            code="http_404",
            status=status,
        )
    return ProviderRejected(
        f"Verba refused the request (HTTP {status}).",
        f"Verba a refusé la requête (HTTP {status}).",
        provider=PROVIDER,
        code=f"http_{status}",
        status=status,
    )
