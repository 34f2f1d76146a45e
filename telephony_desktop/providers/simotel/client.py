"""Simotel PBX API v4 client (click-to-call by "Originate call"): async httpx, no Qt, no SQLite.

``originate`` places a call and is sent exactly once: a lost answer becomes ``OutcomeUnknown``.
``ping`` (the connection test) is a read and is retried on transient failures. Arguments are
checked first (``params``), so bad input raises ``InputError`` before anything leaves the machine.
"""

from __future__ import annotations

import base64
import logging
from typing import Final

import httpx

from telephony_desktop.domain.errors import InputError, ProviderError, ProviderUnavailable
from telephony_desktop.domain.models import PlacedCall, ProviderWarning
from telephony_desktop.i18n import _
from telephony_desktop.providers import http
from telephony_desktop.providers.simotel import errors, params, parse

log = logging.getLogger(__name__)

PROVIDER: Final = errors.PROVIDER  # the display name in sentences
PROVIDER_KEY: Final = "simotel"  # PlacedCall.provider
ORIGINATE_PATH: Final = "/call/originate/act"
PING_PATH: Final = "/setting/ping/act"
# The vendor page and the older official connector send PUT; the current v4 pages and connector
# send POST. A PBX answers 405 to the method it does not take (and runs nothing).
METHODS: Final = ("PUT", "POST")


class SimotelClient:
    """One Simotel PBX's API v4, with HTTP Basic and/or ``X-APIKEY`` authentication."""

    def __init__(
        self,
        *,
        base_url: str,
        username: str | None = None,
        password: str | None = None,
        api_key: str | None = None,
        allow_insecure_http: bool = False,
        client: httpx.AsyncClient | None = None,
        retry: http.RetryPolicy | None = None,
        language: str = "en",
        deadline_s: float | None = None,
        method: str | None = None,
    ) -> None:
        """``method``: PUT or POST to always use; None starts with PUT and switches to POST (for
        good, for this client) when the PBX answers 405."""
        username = (username or "").strip() or None
        password = password or None
        api_key = (api_key or "").strip() or None
        for secret in (password, api_key):
            if secret:
                http.register_secret(secret)
        has_basic = username is not None and password is not None
        if not has_basic and api_key is None:
            if password is None and username is not None:
                raise InputError(
                    _("Enter the Simotel API password (or an API key)."), field="password"
                )
            if username is None and password is not None:
                raise InputError(
                    _("Enter the Simotel API user name (or an API key)."), field="username"
                )
            raise InputError(
                _("Enter the Simotel API user name and password, or an API key (or both)."),
                field="api_key",
            )
        self.base_url = base_url
        self.api_root = params.api_root(base_url, allow_insecure_http=allow_insecure_http)
        self.username = username
        self.language = language
        self._auth: httpx.BasicAuth | None = None
        if has_basic:
            assert username is not None and password is not None
            self._auth = httpx.BasicAuth(username, password)
            # The header value is a reversible encoding of the password: treat it as a secret.
            http.register_secret(
                base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
            )
        self._headers: dict[str, str] = {"Accept": "application/json"}
        if api_key is not None:
            self._headers["X-APIKEY"] = api_key
        self._client = client or http.make_client()
        self._owns_client = client is None
        self._retry = retry or http.RetryPolicy()
        self._deadline_s = deadline_s  # None: the preference in force (http.budget())
        pinned = (method or "").strip().upper()
        if pinned and pinned not in METHODS:
            raise InputError(
                # Translators: method: what was given instead, quoted ('GET').
                _("The Simotel request method must be PUT or POST, not {method}.").format(
                    method=repr(method)
                ),
                field="method",
            )
        self.method = pinned or METHODS[0]
        self._method_pinned = bool(pinned)

    def __repr__(self) -> str:  # never the password or the key
        return f"SimotelClient(api_root={self.api_root!r}, username={self.username!r})"

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> SimotelClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- plumbing --------------------------------------------------------------------------

    async def _act(self, path: str, body: dict[str, str]) -> http.Reply:
        """One request in the method this PBX takes. A 405 means the PBX ran nothing, so the
        other method is tried once, and kept for this account's later requests when it works;
        no other answer is ever followed by a second request."""
        reply = await self._send(self.method, path, body)
        if reply.status != 405 or self._method_pinned:
            return reply
        other = METHODS[1] if self.method == METHODS[0] else METHODS[0]
        log.info("simotel: %s refused with 405; trying %s", self.method, other)
        retried = await self._send(other, path, body)
        if retried.status != 405:
            self.method = other
        return retried

    async def _send(self, method: str, path: str, body: dict[str, str]) -> http.Reply:
        try:
            return await http.send(
                self._client,
                method,
                self.api_root + path,
                provider=PROVIDER,
                json=body,
                headers=self._headers,
                auth=self._auth,
                deadline_s=self._deadline_s,
            )
        except ProviderUnavailable as exc:
            # 501 is the PBX saying "I do not do this", not a passing server failure.
            if exc.status == 501:
                raise errors.not_implemented() from None
            raise

    # --- calls -------------------------------------------------------------------------------

    async def originate(
        self,
        *,
        caller: str,
        callee: str,
        context: str,
        caller_id: str,
        trunk_name: str = "",
        timeout_s: int | None = None,
        call_limit_s: int | None = None,
    ) -> PlacedCall:
        """Ring ``caller``, then bridge it to ``callee``. Sent once, never retried.

        Raises ``InputError`` (nothing sent), ``ConnectionFailed`` (nothing sent),
        ``OutcomeUnknown`` (sent, answer lost or garbled), or a ``ProviderRejected`` subclass
        (``AuthenticationError``/``AccessDenied``, ``InvalidRequest``, ``NotFound``,
        ``UnsupportedRequest``, ``Conflict`` for a busy line) when the PBX refused it.
        """
        request = params.originate_request(
            caller=caller,
            callee=callee,
            context=context,
            caller_id=caller_id,
            trunk_name=trunk_name,
            timeout_s=timeout_s,
            call_limit_s=call_limit_s,
        )
        try:
            reply = await self._act(ORIGINATE_PATH, request.body())
            env = parse.check(
                reply.status,
                reply.body,
                # Translators: completes "Simotel did not …".
                action=_("place the call"),
                location=reply.headers.get("location", ""),
            )
            reference = parse.text_field(env, "originated_call_id")
            if env.success is None and not reference:
                raise errors.malformed()
        except ProviderError as exc:
            # Translators: starts "… may or may not have gone through".
            raise http.as_outcome_unknown(exc, action=_("Placing the call")) from None
        warnings: tuple[ProviderWarning, ...] = ()
        if not reference:
            log.info("simotel: originate succeeded without an originated_call_id")
            sentence = _("Simotel accepted the call but gave no call reference.")
            warnings = (ProviderWarning("no_call_id", sentence),)
        return PlacedCall(
            provider=PROVIDER_KEY, reference=reference, status="originated", warnings=warnings
        )

    # --- connectivity ------------------------------------------------------------------------

    async def ping(self) -> None:
        """``PUT`` (or ``POST``) ``/api/v4/setting/ping/act``; returns when the PBX answers
        ``success: 1``."""

        async def attempt() -> None:
            reply = await self._act(PING_PATH, {})
            env = parse.check(
                reply.status,
                reply.body,
                # Translators: completes "Simotel did not …".
                action=_("answer the connection test"),
                location=reply.headers.get("location", ""),
            )
            if env.success is None:
                raise errors.malformed()

        await http.with_retry(
            attempt, policy=self._retry, what="Simotel ping", budget_s=self._deadline_s
        )

    async def test_connection(self) -> None:
        """Raise the typed error if the address, the credentials or the IP allow-list is wrong."""
        await self.ping()
