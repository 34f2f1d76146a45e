"""The user-facing error tree.

Every error the app expects carries a sentence a person can act on, from the message catalogue.
Nothing here may ever hold a secret: callers pass redacted text only (see
``providers.http.redact``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from telephony_desktop.i18n import FRENCH, language

if TYPE_CHECKING:
    from telephony_desktop.domain.models import AlternateAddress


class TelephonyError(Exception):
    """Base of every expected failure. ``str(e)`` is its sentence, in the language messages are
    shown in: raise it with ``_("...")`` (see ``telephony_desktop.i18n``)."""

    def __init__(self, message: str, message_fr: str | None = None) -> None:
        # ``message_fr``: a hand-written French sentence for a message not yet in the catalogue.
        shown = message_fr if message_fr and language() == FRENCH else message
        super().__init__(shown)
        self.message = shown
        self.message_en = message
        self.message_fr = message_fr or message

    def user_message(self, lang: str | None = None) -> str:
        if lang is None:
            return self.message
        return self.message_fr if lang == "fr" else self.message_en


# --- before anything is sent -------------------------------------------------------------


class InputError(TelephonyError, ValueError):
    """The user's input (or a caller's argument) is invalid; nothing was sent."""

    def __init__(self, message: str, message_fr: str | None = None, *, field: str = "") -> None:
        # ``message_fr``: accepted while callers outside the core still pass a French pair.
        super().__init__(message, message_fr)
        self.field = field


class ConfigError(TelephonyError):
    """The configuration file or an account in it is unusable."""


class SecretStoreError(TelephonyError):
    """The OS keyring cannot be used (no backend, locked, access denied)."""


class SecretMissing(SecretStoreError):
    """No secret is stored for this account field."""


# --- from the provider or the network ----------------------------------------------------


class ProviderError(TelephonyError):
    """Anything that went wrong talking to a provider.

    ``retryable`` says whether repeating the same *read* may succeed. Writes are never retried.
    """

    retryable = False

    def __init__(
        self,
        message: str,
        message_fr: str | None = None,
        *,
        provider: str = "",
        code: str = "",
        status: int | None = None,
    ) -> None:
        super().__init__(message, message_fr)
        self.provider = provider
        self.code = code
        self.status = status


class TransportError(ProviderError):
    """The exchange itself failed (connection, timeout, server error)."""

    retryable = True


class ConnectionFailed(TransportError):
    """No connection could be made: the request was certainly not delivered."""


class ProviderTimeout(TransportError):
    """The provider did not answer in time."""


class ConnectionDropped(TransportError):
    """The connection broke while the exchange was under way."""


class ProviderUnavailable(TransportError):
    """The provider answered with a server error (HTTP 5xx)."""

    def __init__(self, *args: object, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class MalformedResponse(ProviderError):
    """The answer could not be understood (truncated, not XML/JSON, hostile)."""

    retryable = True


class OutcomeUnknown(ProviderError):
    """A write may or may not have reached the provider. Never retried automatically."""

    def __init__(
        self,
        message: str,
        message_fr: str | None = None,
        *,
        cause: ProviderError | None = None,
        provider: str = "",
    ) -> None:
        super().__init__(message, message_fr, provider=provider, code="outcome_unknown")
        self.cause = cause


class ProviderRejected(ProviderError):
    """The provider understood the request and refused it with a documented error code."""

    def __init__(
        self,
        message: str,
        message_fr: str | None = None,
        *,
        provider: str = "",
        code: str = "",
        status: int | None = None,
        codes: Sequence[str] = (),
    ) -> None:
        super().__init__(message, message_fr, provider=provider, code=code, status=status)
        self.codes = tuple(codes) or ((code,) if code else ())


class AuthenticationError(ProviderRejected):
    """Credentials refused: the account id or secret is wrong or missing."""


class InvalidRequest(ProviderRejected):
    """The provider found a parameter invalid or missing."""


class NotFound(ProviderRejected):
    """The thing asked for does not exist on the provider's side."""


class Conflict(ProviderRejected):
    """The change clashes with existing state or a limit (in use, limit reached, dependency)."""


class PaymentError(ProviderRejected):
    """A billing or payment problem."""


class UnsupportedRequest(ProviderRejected):
    """The provider does not offer this request type."""


class ProviderInternalError(ProviderRejected):
    """The provider reported an internal failure; a read may be retried."""

    retryable = True


class E911AddressRejected(ProviderRejected):
    """The emergency address did not validate; ``alternates`` holds the provider's suggestions."""

    def __init__(
        self,
        message: str,
        message_fr: str | None = None,
        *,
        alternates: Sequence[AlternateAddress] = (),
        **kwargs: object,
    ) -> None:
        super().__init__(message, message_fr, **kwargs)  # type: ignore[arg-type]
        self.alternates = tuple(alternates)


class PagingStalled(MalformedResponse):
    """A paged read did not advance: the same records came back, or pages never ended.

    Asking again would repeat it, so it is not retried."""

    retryable = False


class StorageError(ConfigError):
    """A file or folder on this computer cannot be written or read: the disk is full, it is
    read-only or not ours to write, a folder is missing, or the cache file is damaged. The
    sentence names the file and the fix; ``kind`` says which (``full``, ``read_only``,
    ``denied``, ``missing``, ``damaged``, ``io``)."""

    def __init__(
        self, message: str, message_fr: str | None = None, *, path: str = "", kind: str = ""
    ) -> None:
        super().__init__(message, message_fr)
        self.path = path
        self.kind = kind
