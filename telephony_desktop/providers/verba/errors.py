"""Verba HTTP API error codes, mapped to typed exceptions with sentences from the catalogue.

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
from telephony_desktop.i18n import N_, _
from telephony_desktop.providers import http

PROVIDER: Final = "Verba"
SUCCESS: Final = "0"


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    cls: type[ProviderRejected]
    message: str  # marked with N_(), translated when raised
    documented: bool = False


NOT_FOUND: Final = ErrorSpec(
    NotFound,
    # Translators: ongoing, next and last are the call statuses Verba searches by.
    N_(
        "Verba found no call matching this search. Check the extension and the call status "
        "(ongoing, next, last), then try again."
    ),
    documented=True,
)
AMBIGUOUS: Final = ErrorSpec(
    Conflict,
    N_(
        "More than one call on Verba matches this search. Narrow it: search a single status "
        "(for example only the last call), or use the platform call ID or the technical call ID "
        "instead of the extension."
    ),
)
BAD_PARAMETER: Final = ErrorSpec(
    InvalidRequest,
    N_(
        "Verba refused a parameter of the search (missing or invalid). Check the extension, the "
        "call status and the call identifiers."
    ),
)
BAD_API_KEY: Final = ErrorSpec(
    AuthenticationError,
    N_(
        "Verba refused the API key (unknown, disabled, or not allowed from this computer's "
        "network address). Check the Verba account in Settings."
    ),
)
BAD_TOKEN: Final = ErrorSpec(
    AuthenticationError,
    N_(
        "Verba refused the session token (expired or never authenticated), and signing in again "
        "did not help. Check the Verba account in Settings."
    ),
)
BAD_LOGIN: Final = ErrorSpec(
    AuthenticationError,
    N_("Verba refused the login or password. Check the Verba account in Settings."),
)
NO_PERMISSION: Final = ErrorSpec(
    AuthenticationError,
    N_(
        "The Verba user is not allowed to use the API (the API user needs the roles Verba "
        "requires for it). Ask your Verba administrator."
    ),
)
NO_MEDIA: Final = ErrorSpec(NotFound, N_("Verba has no recording (media) for this call."))

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
        return spec.cls(_(spec.message), provider=PROVIDER, code=code, status=status)
    quoted = _quote(message)
    fields = {"action": action, "code": code, "message": quoted}
    if quoted and action:
        # Translators: action: the request's name in Verba's API (GetMedia); code: Verba's error
        # number; message: Verba's own message, as it sent it.
        text = _("Verba refused the request ({action}) (error {code}): {message}")
    elif quoted:
        # Translators: code: Verba's error number; message: Verba's own message, as it sent it.
        text = _("Verba refused the request (error {code}): {message}")
    elif action:
        # Translators: action: the request's name in Verba's API (GetMedia); code: Verba's error
        # number.
        text = _("Verba refused the request ({action}) (error {code}).")
    else:
        # Translators: code: Verba's error number.
        text = _("Verba refused the request (error {code}).")
    return ProviderRejected(text.format(**fields), provider=PROVIDER, code=code, status=status)


def http_status_error(status: int) -> ProviderRejected:
    """A 4xx answer that carries no Verba envelope."""
    if status in (401, 403):
        return AuthenticationError(
            # Translators: status: an HTTP status number.
            _(
                "Verba refused the credentials (HTTP {status}). Check the Verba account in "
                "Settings."
            ).format(status=status),
            provider=PROVIDER,
            code=f"http_{status}",
            status=status,
        )
    if status == 404:
        return ProviderRejected(
            _(
                "No Verba API answers at this address (HTTP 404). Check the server address in "
                "Settings (it usually ends with /verba/api)."
            ),
            provider=PROVIDER,
            code="http_404",
            status=status,
        )
    return ProviderRejected(
        # Translators: status: an HTTP status number.
        _("Verba refused the request (HTTP {status}).").format(status=status),
        provider=PROVIDER,
        code=f"http_{status}",
        status=status,
    )
