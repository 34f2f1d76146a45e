"""TrueCNAM TrueCLID client: async httpx, no Qt, no SQLite.

A TrueCLID call start tells TrueCNAM about an outbound call the user is placing, so the callee
sees the right caller name. It is a write (it records a call): it is sent once, and a lost answer
becomes ``OutcomeUnknown``. The credentials travel in the query string; they are registered as
secrets and never appear in a message, a log line or ``repr`` (the URL is never quoted).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final
from urllib.parse import urlsplit

import httpx
import phonenumbers
from phonenumbers import NumberParseException

from telephony_desktop.domain.errors import InputError, InvalidRequest, ProviderError
from telephony_desktop.domain.truecnam import CallStartResult
from telephony_desktop.i18n import N_, _
from telephony_desktop.providers import http
from telephony_desktop.providers.truecnam import errors, parse

DEFAULT_ENDPOINT: Final = "https://api.truecnam.net/api/v1"
PROVIDER: Final = "TrueCNAM"
CALL_PARTY_START: Final = "orig_call_start"
RESP_FORMATS: Final = ("json", "xml", "csv")
RESP_TYPES: Final = ("simple", "basic", "extended")
_E164: Final = re.compile(r"^\+[1-9]\d{1,14}$")
# For each number checked: (missing, not in international format, not a valid number).
_SENTENCES: Final = {
    "calling_number": (
        N_("The number you are calling from is missing."),
        N_(
            "The number you are calling from must be in international format: + and the country "
            "code, then digits only (for example +15145551234)."
        ),
        N_("The number you are calling from is not a valid phone number."),
    ),
    "called_number": (
        N_("The number being called is missing."),
        N_(
            "The number being called must be in international format: + and the country code, "
            "then digits only (for example +15145551234)."
        ),
        N_("The number being called is not a valid phone number."),
    ),
    "": (
        N_("The phone number is missing."),
        N_(
            "The phone number must be in international format: + and the country code, then "
            "digits only (for example +15145551234)."
        ),
        N_("The phone number is not a valid phone number."),
    ),
}


def to_truecnam_number(value: str, *, field: str) -> str:
    """An E.164 number (``+12125551212``) as TrueCNAM's example shows it: digits with the country
    code and no ``+`` (``12125551212``). ``InputError(field=...)`` if it is not a valid number."""
    missing, not_international, not_valid = _SENTENCES.get(field, _SENTENCES[""])
    text = (value or "").strip()
    if not text:
        raise InputError(_(missing), field=field)
    if not _E164.match(text):
        raise InputError(_(not_international), field=field)
    try:
        parsed = phonenumbers.parse(text, None)
    except NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise InputError(_(not_valid), field=field)
    return text[1:]


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    secure = parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname))
    if not parts.hostname or not secure or parts.query or parts.username or parts.password:
        raise InputError(
            _(
                "The TrueCNAM address must be an https:// address without a query (http:// only "
                "for this computer), since the credentials travel in it."
            ),
            field="endpoint",
        )
    return endpoint


class TrueCnamClient:
    """One TrueCNAM API key's connection to the TrueCLID API."""

    def __init__(
        self,
        *,
        username: str,
        password: str,
        endpoint: str | None = None,
        resp_format: str = "json",
        resp_type: str = "extended",
        client: httpx.AsyncClient | None = None,
        retry: http.RetryPolicy = http.RetryPolicy(),  # noqa: B008  # frozen dataclass
        language: str = "en",
        deadline_s: float | None = None,
    ) -> None:
        # Both halves of the API key are secret: the username is not the web login, but it is
        # half of what authenticates the account.
        http.register_secret(username)
        http.register_secret(password)
        if not username.strip():
            raise InputError(_("Enter the TrueCNAM API key username."), field="username")
        if not password:
            raise InputError(_("Enter the TrueCNAM API key password."), field="password")
        if resp_format not in RESP_FORMATS:
            raise InputError(
                # Translators: choices: the setting's own values (json, xml, csv), not translated.
                _("The TrueCNAM response format must be one of {choices}.").format(
                    choices=", ".join(RESP_FORMATS)
                ),
                field="resp_format",
            )
        if resp_type not in RESP_TYPES:
            raise InputError(
                # Translators: choices: the setting's own values (simple, basic, extended), not
                # translated.
                _("The TrueCNAM response type must be one of {choices}.").format(
                    choices=", ".join(RESP_TYPES)
                ),
                field="resp_type",
            )
        self._username = username.strip()
        self._password = password
        self.endpoint = _check_endpoint(endpoint or DEFAULT_ENDPOINT)
        self.resp_format = resp_format
        self.resp_type = resp_type
        self.language = language
        self._client = client or http.make_client()
        self._owns_client = client is None
        self._retry = retry
        self._deadline_s = deadline_s  # None: the preference in force (http.budget())

    def __repr__(self) -> str:  # never the credentials
        return (
            f"TrueCnamClient(endpoint={self.endpoint!r}, resp_format={self.resp_format!r}, "
            f"resp_type={self.resp_type!r})"
        )

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> TrueCnamClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- plumbing --------------------------------------------------------------------------

    async def _exchange(self, query: dict[str, str]) -> CallStartResult:
        """One GET; the parsed answer, or the typed error for a refusal by HTTP status."""
        full = {
            "username": self._username,
            "password": self._password,
            "resp_format": self.resp_format,
            "resp_type": self.resp_type,
            **query,
        }
        reply = await http.send(
            self._client,
            "GET",
            self.endpoint,
            provider=PROVIDER,
            params=full,
            deadline_s=self._deadline_s,
            max_bytes=parse.MAX_BODY_BYTES,
        )
        if reply.status in (401, 403) or 300 <= reply.status < 400:
            raise errors.error_for_status(reply.status)
        content_type = reply.headers.get("content-type", "")
        if reply.status >= 400:
            # A clear refusal: read TrueCNAM's own error if the body holds one.
            try:
                result = parse.parse_call_start(reply.body, content_type)
            except ProviderError:
                raise errors.error_for_status(reply.status) from None
            if result.ok:
                raise errors.error_for_status(reply.status)
            raise errors.error_for(result.err, result.error_msg, status=reply.status)
        result = parse.parse_call_start(reply.body, content_type)
        if not result.ok:
            raise errors.error_for(result.err, result.error_msg, status=reply.status)
        return result

    # --- TrueCLID ----------------------------------------------------------------------------

    async def call_start(self, *, calling_number: str, called_number: str) -> CallStartResult:
        """Tell TrueCNAM the user is placing a call from ``calling_number`` to ``called_number``
        (both E.164, e.g. ``+12125551212``).

        Sent once. Raises ``InputError`` (``field`` = ``calling_number``/``called_number``) before
        sending; ``AuthenticationError``, ``InvalidRequest``, ``PaymentError``,
        ``UnsupportedRequest``, ``ProviderInternalError`` or ``ProviderRejected`` when TrueCNAM
        refuses; ``ConnectionFailed`` when nothing was sent; ``OutcomeUnknown`` when the answer
        was lost (timeout, dropped connection, server error, unreadable answer).
        """
        query = {
            "calling_number": to_truecnam_number(calling_number, field="calling_number"),
            "called_number": to_truecnam_number(called_number, field="called_number"),
            "call_party": CALL_PARTY_START,
        }
        try:
            return await self._exchange(query)
        except ProviderError as exc:
            raise http.as_outcome_unknown(
                exc,
                # Translators: starts "… may or may not have gone through".
                action=_("Sending the caller name notice (TrueCLID) to TrueCNAM"),
            ) from None

    async def test_connection(self) -> None:
        """Check the endpoint and credentials without recording a call.

        TrueCNAM has no ping, and a complete call start would record a fake call; a lookup would
        be billed. So this sends ``call_party=orig_call_start`` with the credentials and neither
        number: an authentication error means bad credentials; a missing/invalid field error
        (``InvalidRequest``) means the credentials were accepted (ASSUMED: TrueCNAM checks the
        credentials before the fields). The probe asks for ``resp_type=extended`` whatever the
        client's setting, since ``simple`` answers carry no error number. Retried like a read.
        """

        async def attempt() -> None:
            try:
                # "extended" whatever the setting: "simple" would hide the error number.
                await self._exchange({"call_party": CALL_PARTY_START, "resp_type": "extended"})
            except InvalidRequest as exc:
                if exc.code.startswith("http_"):  # a bare HTTP 400, not TrueCNAM's answer
                    raise
                return  # "a field is missing": the credentials were accepted

        await http.with_retry(
            attempt, policy=self._retry, what="TrueCNAM connection test", budget_s=self._deadline_s
        )
