"""TrueCNAM error numbers and HTTP statuses, mapped to typed exceptions with English and French
sentences a person can act on.

TrueCNAM publishes the *fields* of an error (``status="error"``, ``err`` = error number,
``error_msg`` = description) but not the list of numbers. The numbers in ``ERROR_TABLE`` are
therefore ASSUMED by this project (the sandbox answers with exactly these; see
``docs/providers/truecnam.md``). A number not in the table is classified by keywords of
``error_msg`` (``MESSAGE_HINTS``), and otherwise becomes a plain ``ProviderRejected`` that carries
TrueCNAM's own ``error_msg``. Correct the table here when a real answer is seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from telephony_desktop.domain.errors import (
    AuthenticationError,
    InvalidRequest,
    NotFound,
    PaymentError,
    ProviderInternalError,
    ProviderRejected,
    UnsupportedRequest,
)
from telephony_desktop.providers import http

PROVIDER: Final = "TrueCNAM"


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    cls: type[ProviderRejected]
    en: str
    fr: str


_CHECK_KEY_EN: Final = "Check the TrueCNAM API key username and password in the account settings"
_CHECK_KEY_FR: Final = (
    "Vérifiez le nom d'utilisateur et le mot de passe de la clé d'API TrueCNAM dans les "
    "paramètres du compte"
)

# err -> what it means. ASSUMED numbers (not published by TrueCNAM); "0" means no error.
ERROR_TABLE: Final[dict[str, ErrorSpec]] = {
    "1": ErrorSpec(
        AuthenticationError,
        f"TrueCNAM refused the API key username or password. {_CHECK_KEY_EN} (not the web login).",
        f"TrueCNAM a refusé le nom d'utilisateur ou le mot de passe de la clé d'API. "
        f"{_CHECK_KEY_FR} (pas ceux de la connexion Web).",
    ),
    "2": ErrorSpec(
        InvalidRequest,
        "TrueCNAM says a required field is missing from the call notice.",
        "TrueCNAM indique qu'il manque un champ obligatoire dans l'avis d'appel.",
    ),
    "3": ErrorSpec(
        InvalidRequest,
        "TrueCNAM refused the number you are calling from. It must be your real number, in "
        "international format with the country code.",
        "TrueCNAM a refusé le numéro d'où vous appelez. Ce doit être votre vrai numéro, au "
        "format international avec l'indicatif du pays.",
    ),
    "4": ErrorSpec(
        InvalidRequest,
        "TrueCNAM refused the number being called. It must be in international format with the "
        "country code.",
        "TrueCNAM a refusé le numéro appelé. Il doit être au format international avec "
        "l'indicatif du pays.",
    ),
    "5": ErrorSpec(
        InvalidRequest,
        "TrueCNAM did not accept the kind of call notice (call_party).",
        "TrueCNAM n'a pas accepté le type d'avis d'appel (call_party).",
    ),
    "6": ErrorSpec(
        UnsupportedRequest,
        "This TrueCNAM account cannot send TrueCLID call notices. Ask TrueCNAM to enable "
        "TrueCLID for your API key.",
        "Ce compte TrueCNAM ne peut pas envoyer d'avis d'appel TrueCLID. Demandez à TrueCNAM "
        "d'activer TrueCLID pour votre clé d'API.",
    ),
    "7": ErrorSpec(
        PaymentError,
        "The TrueCNAM account is suspended or inactive. Check its billing on the TrueCNAM website.",
        "Le compte TrueCNAM est suspendu ou inactif. Vérifiez sa facturation sur le site de "
        "TrueCNAM.",
    ),
    "8": ErrorSpec(
        PaymentError,
        "The TrueCNAM account has no balance or query allowance left. Add funds on the TrueCNAM "
        "website.",
        "Le compte TrueCNAM n'a plus de solde ni de requêtes disponibles. Ajoutez des fonds sur "
        "le site de TrueCNAM.",
    ),
    "9": ErrorSpec(
        InvalidRequest,
        "TrueCNAM did not accept the requested response format or type.",
        "TrueCNAM n'a pas accepté le format ou le type de réponse demandé.",
    ),
    "99": ErrorSpec(
        ProviderInternalError,
        "TrueCNAM reported an internal error. Try again in a few minutes.",
        "TrueCNAM a signalé une erreur interne. Réessayez dans quelques minutes.",
    ),
}

# For numbers not in ERROR_TABLE: the first class whose pattern matches ``error_msg`` wins.
MESSAGE_HINTS: Final[tuple[tuple[re.Pattern[str], type[ProviderRejected]], ...]] = (
    (
        re.compile(r"(?i)auth|password|username|credential|login|api ?key|unauthori[sz]ed"),
        AuthenticationError,
    ),
    (
        re.compile(r"(?i)balance|credit|fund|payment|billing|suspend|inactive|quota|limit"),
        PaymentError,
    ),
    (
        re.compile(r"(?i)missing|required|invalid|format|number|call_party|field|parameter"),
        InvalidRequest,
    ),
)

_HINT_SENTENCES: Final[dict[type[ProviderRejected], tuple[str, str]]] = {
    AuthenticationError: (
        f"TrueCNAM refused the credentials. {_CHECK_KEY_EN}.",
        f"TrueCNAM a refusé les identifiants. {_CHECK_KEY_FR}.",
    ),
    PaymentError: (
        "TrueCNAM reports a billing or allowance problem with the account.",
        "TrueCNAM signale un problème de facturation ou de quota avec le compte.",
    ),
    InvalidRequest: (
        "TrueCNAM found a field of the call notice invalid or missing.",
        "TrueCNAM a trouvé un champ de l'avis d'appel invalide ou manquant.",
    ),
}

# HTTP statuses that are clear refusals (5xx are transport errors, raised by http.send).
HTTP_TABLE: Final[dict[int, ErrorSpec]] = {
    400: ErrorSpec(
        InvalidRequest,
        "TrueCNAM refused the request as malformed (HTTP 400).",
        "TrueCNAM a refusé la requête comme mal formée (HTTP 400).",
    ),
    401: ErrorSpec(
        AuthenticationError,
        f"TrueCNAM refused the credentials (HTTP 401). {_CHECK_KEY_EN}.",
        f"TrueCNAM a refusé les identifiants (HTTP 401). {_CHECK_KEY_FR}.",
    ),
    403: ErrorSpec(
        AuthenticationError,
        f"TrueCNAM refused access (HTTP 403). {_CHECK_KEY_EN}.",
        f"TrueCNAM a refusé l'accès (HTTP 403). {_CHECK_KEY_FR}.",
    ),
    404: ErrorSpec(
        NotFound,
        "TrueCNAM did not recognise the address (HTTP 404). Check the TrueCNAM endpoint in the "
        "account settings.",
        "TrueCNAM n'a pas reconnu l'adresse (HTTP 404). Vérifiez l'adresse TrueCNAM dans les "
        "paramètres du compte.",
    ),
    405: ErrorSpec(
        UnsupportedRequest,
        "TrueCNAM does not accept this kind of request at that address (HTTP 405).",
        "TrueCNAM n'accepte pas ce type de requête à cette adresse (HTTP 405).",
    ),
    429: ErrorSpec(
        ProviderRejected,
        "TrueCNAM is receiving too many requests from this account (HTTP 429). Try again in a "
        "moment.",
        "TrueCNAM reçoit trop de requêtes de ce compte (HTTP 429). Réessayez dans un instant.",
    ),
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_MAX_PROVIDER_TEXT = 200


def clean_provider_text(text: str) -> str:
    """TrueCNAM's free text made safe to show: one line, bounded, no registered secret."""
    text = _CONTROL.sub(" ", text).strip()
    if len(text) > _MAX_PROVIDER_TEXT:
        text = text[: _MAX_PROVIDER_TEXT - 1].rstrip() + "…"
    return http.redact_text(text)


def classify(err: str, error_msg: str) -> type[ProviderRejected]:
    """The exception class for a TrueCNAM error number and message."""
    spec = ERROR_TABLE.get(err.strip())
    if spec is not None:
        return spec.cls
    for pattern, cls in MESSAGE_HINTS:
        if pattern.search(error_msg):
            return cls
    return ProviderRejected


def error_for(err: str, error_msg: str, *, status: int | None = None) -> ProviderRejected:
    """The typed exception for a TrueCNAM answer with ``status="error"`` or ``err != "0"``.

    ``code`` is ``"truecnam_<err>"`` (``"truecnam_error"`` when no number was sent).
    """
    err = err.strip()
    code = f"truecnam_{err}" if err else "truecnam_error"
    said = clean_provider_text(error_msg)
    spec = ERROR_TABLE.get(err)
    if spec is not None:
        return spec.cls(spec.en, spec.fr, provider=PROVIDER, code=code, status=status)
    cls = classify(err, said)
    number_en = f" (error {err})" if err else ""
    number_fr = f" (erreur {err})" if err else ""
    quoted_en = f' It said: "{said}".' if said else ""
    quoted_fr = f" Message : « {said} »." if said else ""
    if cls is ProviderRejected:
        en = f"TrueCNAM refused the request{number_en}.{quoted_en}"
        fr = f"TrueCNAM a refusé la requête{number_fr}.{quoted_fr}"
    else:
        base_en, base_fr = _HINT_SENTENCES[cls]
        en = f"{base_en.rstrip('.')}{number_en}.{quoted_en}"
        fr = f"{base_fr.rstrip('.')}{number_fr}.{quoted_fr}"
    return cls(en, fr, provider=PROVIDER, code=code, status=status)


def error_for_status(status: int) -> ProviderRejected:
    """The refusal for an HTTP status (3xx/4xx) whose body holds no TrueCNAM answer."""
    spec = HTTP_TABLE.get(status)
    if spec is not None:
        return spec.cls(spec.en, spec.fr, provider=PROVIDER, code=f"http_{status}", status=status)
    if 300 <= status < 400:
        return ProviderRejected(
            f"TrueCNAM redirected the request (HTTP {status}); it was not followed, since the "
            "credentials travel in the address. Check the TrueCNAM endpoint in the account "
            "settings.",
            f"TrueCNAM a redirigé la requête (HTTP {status}); la redirection n'a pas été suivie, "
            "car les identifiants voyagent dans l'adresse. Vérifiez l'adresse TrueCNAM dans les "
            "paramètres du compte.",
            provider=PROVIDER,
            code=f"http_{status}",
            status=status,
        )
    return ProviderRejected(
        f"TrueCNAM refused the request (HTTP {status}).",
        f"TrueCNAM a refusé la requête (HTTP {status}).",
        provider=PROVIDER,
        code=f"http_{status}",
        status=status,
    )
