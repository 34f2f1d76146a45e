"""TrueCNAM error numbers and HTTP statuses, mapped to typed exceptions with sentences a person can
act on, from the message catalogue.

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
from telephony_desktop.i18n import N_, _
from telephony_desktop.providers import http

PROVIDER: Final = "TrueCNAM"


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    cls: type[ProviderRejected]
    message: str  # marked with N_(), translated when raised


# err -> what it means. ASSUMED numbers (not published by TrueCNAM); "0" means no error.
ERROR_TABLE: Final[dict[str, ErrorSpec]] = {
    "1": ErrorSpec(
        AuthenticationError,
        N_(
            "TrueCNAM refused the API key username or password. Check the TrueCNAM API key "
            "username and password in the account settings (not the web login)."
        ),
    ),
    "2": ErrorSpec(
        InvalidRequest, N_("TrueCNAM says a required field is missing from the call notice.")
    ),
    "3": ErrorSpec(
        InvalidRequest,
        N_(
            "TrueCNAM refused the number you are calling from. It must be your real number, in "
            "international format with the country code."
        ),
    ),
    "4": ErrorSpec(
        InvalidRequest,
        N_(
            "TrueCNAM refused the number being called. It must be in international format with "
            "the country code."
        ),
    ),
    "5": ErrorSpec(
        InvalidRequest,
        # Translators: call_party is TrueCNAM's own parameter name.
        N_("TrueCNAM did not accept the kind of call notice (call_party)."),
    ),
    "6": ErrorSpec(
        UnsupportedRequest,
        N_(
            "This TrueCNAM account cannot send TrueCLID call notices. Ask TrueCNAM to enable "
            "TrueCLID for your API key."
        ),
    ),
    "7": ErrorSpec(
        PaymentError,
        N_(
            "The TrueCNAM account is suspended or inactive. Check its billing on the TrueCNAM "
            "website."
        ),
    ),
    "8": ErrorSpec(
        PaymentError,
        N_(
            "The TrueCNAM account has no balance or query allowance left. Add funds on the "
            "TrueCNAM website."
        ),
    ),
    "9": ErrorSpec(
        InvalidRequest, N_("TrueCNAM did not accept the requested response format or type.")
    ),
    "99": ErrorSpec(
        ProviderInternalError,
        N_("TrueCNAM reported an internal error. Try again in a few minutes."),
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

# The sentence for a number not in the table, by class: (without the number, with it as {err}).
_HINT_SENTENCES: Final[dict[type[ProviderRejected], tuple[str, str]]] = {
    ProviderRejected: (
        N_("TrueCNAM refused the request."),
        # Translators: err: TrueCNAM's error number.
        N_("TrueCNAM refused the request (error {err})."),
    ),
    AuthenticationError: (
        N_(
            "TrueCNAM refused the credentials. Check the TrueCNAM API key username and password "
            "in the account settings."
        ),
        # Translators: err: TrueCNAM's error number.
        N_(
            "TrueCNAM refused the credentials. Check the TrueCNAM API key username and password "
            "in the account settings (error {err})."
        ),
    ),
    PaymentError: (
        N_("TrueCNAM reports a billing or allowance problem with the account."),
        # Translators: err: TrueCNAM's error number.
        N_("TrueCNAM reports a billing or allowance problem with the account (error {err})."),
    ),
    InvalidRequest: (
        N_("TrueCNAM found a field of the call notice invalid or missing."),
        # Translators: err: TrueCNAM's error number.
        N_("TrueCNAM found a field of the call notice invalid or missing (error {err})."),
    ),
}

# HTTP statuses that are clear refusals (5xx are transport errors, raised by http.send).
HTTP_TABLE: Final[dict[int, ErrorSpec]] = {
    400: ErrorSpec(InvalidRequest, N_("TrueCNAM refused the request as malformed (HTTP 400).")),
    401: ErrorSpec(
        AuthenticationError,
        N_(
            "TrueCNAM refused the credentials (HTTP 401). Check the TrueCNAM API key username "
            "and password in the account settings."
        ),
    ),
    403: ErrorSpec(
        AuthenticationError,
        N_(
            "TrueCNAM refused access (HTTP 403). Check the TrueCNAM API key username and "
            "password in the account settings."
        ),
    ),
    404: ErrorSpec(
        NotFound,
        N_(
            "TrueCNAM did not recognise the address (HTTP 404). Check the TrueCNAM endpoint in "
            "the account settings."
        ),
    ),
    405: ErrorSpec(
        UnsupportedRequest,
        N_("TrueCNAM does not accept this kind of request at that address (HTTP 405)."),
    ),
    429: ErrorSpec(
        ProviderRejected,
        N_(
            "TrueCNAM is receiving too many requests from this account (HTTP 429). Try again in "
            "a moment."
        ),
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
        return spec.cls(_(spec.message), provider=PROVIDER, code=code, status=status)
    cls = classify(err, said)
    bare, numbered = _HINT_SENTENCES[cls]
    sentence = _(numbered).format(err=err) if err else _(bare)
    if said:
        # Translators: said: TrueCNAM's own message, quoted as it sent it. Follows a sentence
        # saying what TrueCNAM refused.
        sentence += " " + _('It said: "{said}".').format(said=said)
    return cls(sentence, provider=PROVIDER, code=code, status=status)


def error_for_status(status: int) -> ProviderRejected:
    """The refusal for an HTTP status (3xx/4xx) whose body holds no TrueCNAM answer."""
    spec = HTTP_TABLE.get(status)
    if spec is not None:
        return spec.cls(_(spec.message), provider=PROVIDER, code=f"http_{status}", status=status)
    if 300 <= status < 400:
        return ProviderRejected(
            # Translators: status: an HTTP status number.
            _(
                "TrueCNAM redirected the request (HTTP {status}); it was not followed, since the "
                "credentials travel in the address. Check the TrueCNAM endpoint in the account "
                "settings."
            ).format(status=status),
            provider=PROVIDER,
            code=f"http_{status}",
            status=status,
        )
    return ProviderRejected(
        # Translators: status: an HTTP status number.
        _("TrueCNAM refused the request (HTTP {status}).").format(status=status),
        provider=PROVIDER,
        code=f"http_{status}",
        status=status,
    )
