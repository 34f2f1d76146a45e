"""Verba Recording System HTTP API client: async httpx, no Qt, no SQLite.

Every request is ``GET {base_url}?action=...&apiKey=...&token=...``. The session token comes from
``action=RequestToken`` with HTTP Basic (login:password), or (``auth="query"``) with the login and
password as the ``userName`` and ``password`` parameters, which the vendor documents as the
alternative; it lasts one hour, so it is cached and renewed after 55 minutes, and renewed once,
transparently, when a call is refused for an authentication reason (the call is then repeated
once). Concurrent callers share one renewal. An API key configured without "Requires
Authentication" (``auth="api_key"``) needs no sign-in at all: requests carry the key alone.
Everything here is a read: retried with backoff on transient failures. The API key, the password
and every token are registered secrets (redacted from any text); the GetMedia address carries the
token and is never shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Final, TypeVar

import httpx

from telephony_desktop.domain.errors import (
    AuthenticationError,
    Conflict,
    InputError,
    InvalidRequest,
    MalformedResponse,
    NotFound,
)
from telephony_desktop.domain.verba import VerbaMedia, VerbaRecording
from telephony_desktop.i18n import N_, _
from telephony_desktop.providers import http
from telephony_desktop.providers.verba import errors, params, parse
from telephony_desktop.providers.verba.errors import PROVIDER

log = logging.getLogger(__name__)
T = TypeVar("T")

TOKEN_LIFETIME_S: Final = 3600.0
# How the app signs in (the account's ``auth`` setting; docs/providers/verba.md).
AUTH_MODES: Final = ("basic", "query", "api_key")
# test_connection in api_key mode: a lookup that needs the key and nothing else. The key is
# checked first; "no such call" (code 2) then means it was accepted.
PROBE_EXTENSION: Final = "0"
TOKEN_RENEW_AFTER_S: Final = 55 * 60.0
MEDIA_MAX_BYTES: Final = 512 * 1024 * 1024
MEDIA_DEADLINE_S: Final = 600.0
_BAD_CALL_ID: Final = N_("The call ID is not valid (no spaces, 128 characters at most).")


class VerbaClient:
    """One Verba API user's connection (API key + login)."""

    def __init__(
        self,
        *,
        base_url: str,
        login: str = "",
        password: str = "",
        api_key: str,
        auth: str = "basic",
        client: httpx.AsyncClient | None = None,
        retry: http.RetryPolicy = http.RetryPolicy(),  # noqa: B008 - frozen, shared safely
        language: str = "en",
        clock: Callable[[], float] = time.monotonic,
        deadline_s: float | None = None,
        media_deadline_s: float = MEDIA_DEADLINE_S,
    ) -> None:
        # Register the secrets first, so even an InputError below cannot carry one.
        if password:
            http.register_secret(password)
        if api_key:
            http.register_secret(api_key.strip())
        self.base_url = params.base_url(base_url)
        if auth not in AUTH_MODES:
            raise InputError(
                # Translators: basic, query and api_key are the setting's own values, not
                # translated; auth: what was given instead, quoted ('oauth').
                _("The Verba sign-in must be basic, query or api_key, not {auth}.").format(
                    auth=repr(auth)
                ),
                field="auth",
            )
        self.auth = auth
        self.login = login.strip()
        if auth != "api_key":
            self.login = params.required_text(
                login, field="login", message=_("The Verba login is required.")
            )
            if not password:
                raise InputError(_("The Verba password is required."), field="password")
        self._password = password
        self._api_key = params.required_text(
            api_key, field="api_key", message=_("The Verba API key is required.")
        )
        self.language = language
        self._client = client or http.make_client()
        self._owns_client = client is None
        self._retry = retry
        self._clock = clock
        self._deadline_s = deadline_s  # None: the preference in force (http.budget())
        self._media_deadline_s = media_deadline_s
        self._token: str | None = None
        self._token_at = 0.0
        self._token_lock = asyncio.Lock()

    def __repr__(self) -> str:  # never the password, the API key or the token
        return f"VerbaClient(base_url={self.base_url!r}, login={self.login!r}, auth={self.auth!r})"

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> VerbaClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- plumbing --------------------------------------------------------------------------

    async def _send(
        self,
        action: str,
        query: Mapping[str, str],
        *,
        token: str | None,
        basic: bool = False,
        max_bytes: int = 4 * 1024 * 1024,
        deadline_s: float | None = None,
    ) -> http.Reply:
        full = {"action": action, "apiKey": self._api_key}
        if token is not None:
            full["token"] = token
        full.update(query)
        return await http.send(
            self._client,
            "GET",
            self.base_url,
            provider=PROVIDER,
            params=full,
            auth=httpx.BasicAuth(self.login, self._password) if basic else None,
            deadline_s=deadline_s if deadline_s is not None else self._deadline_s,
            max_bytes=max_bytes,
        )

    @staticmethod
    def _check_status(reply: http.Reply) -> None:
        """Non-2xx answers: 401/403 are authentication errors; others use the envelope if any."""
        if 200 <= reply.status < 300:
            return
        if reply.status in (401, 403):
            raise errors.http_status_error(reply.status)
        try:
            env = parse.read_envelope(reply.body)
        except MalformedResponse:
            raise errors.http_status_error(reply.status) from None
        if not env.ok:
            raise parse.error_for(env, status=reply.status)
        raise errors.http_status_error(reply.status)

    # --- token -----------------------------------------------------------------------------

    def _fresh(self) -> bool:
        return self._token is not None and self._clock() - self._token_at < TOKEN_RENEW_AFTER_S

    async def _fetch_token_locked(self) -> str:
        """One RequestToken exchange (the caller holds the lock)."""
        self._token = None
        if self.auth == "query":
            sign_in = {"userName": self.login, "password": self._password}
            reply = await self._send("RequestToken", sign_in, token=None)
        else:
            reply = await self._send("RequestToken", {}, token=None, basic=True)
        self._check_status(reply)
        token = parse.parse_token(reply.body, status=reply.status)
        http.register_secret(token)
        self._token, self._token_at = token, self._clock()
        log.debug("Verba: new session token")
        return token

    async def _ensure_token(self) -> str:
        async with self._token_lock:
            if self._fresh():
                assert self._token is not None
                return self._token
            return await self._fetch_token_locked()

    async def _renew(self, stale: str) -> str:
        """A new token, unless another caller already replaced ``stale`` meanwhile."""
        async with self._token_lock:
            if self._fresh() and self._token != stale:
                assert self._token is not None
                return self._token
            return await self._fetch_token_locked()

    async def _fresh_token(self) -> str:
        async with self._token_lock:
            return await self._fetch_token_locked()

    async def request_token(self) -> str:
        """The session token: cached, renewed when older than 55 minutes."""
        return await http.with_retry(
            self._ensure_token, policy=self._retry, what="Verba token", budget_s=self._deadline_s
        )

    async def test_connection(self) -> None:
        """A fresh RequestToken (in api_key mode, a lookup that needs the key alone): raises the
        typed error if the address or credentials are wrong."""
        if self.auth == "api_key":
            # The key was accepted when the lookup itself merely found nothing to give.
            with contextlib.suppress(NotFound, Conflict, InvalidRequest):
                await self.get_call_id(extension=PROBE_EXTENSION, status=("last",))
            return
        await http.with_retry(
            self._fresh_token, policy=self._retry, what="Verba token", budget_s=self._deadline_s
        )

    async def _call(
        self,
        action: str,
        query: Mapping[str, str],
        read: Callable[[http.Reply], T],
        *,
        max_bytes: int = 4 * 1024 * 1024,
        deadline_s: float | None = None,
    ) -> T:
        """An authenticated read, retried; one transparent token renewal on an auth refusal."""

        async def once(token: str | None) -> T:
            reply = await self._send(
                action, query, token=token, max_bytes=max_bytes, deadline_s=deadline_s
            )
            return read(reply)

        async def attempt() -> T:
            if self.auth == "api_key":
                return await once(None)
            token = await self._ensure_token()
            try:
                return await once(token)
            except AuthenticationError:
                log.info("Verba %s: authentication refused; renewing the token once", action)
                return await once(await self._renew(token))

        return await http.with_retry(
            attempt,
            policy=self._retry,
            what=f"Verba {action}",
            budget_s=self._deadline_s if deadline_s is None else deadline_s,
        )

    def _xml(self, parse_fn: Callable[..., str]) -> Callable[[http.Reply], str]:
        def read(reply: http.Reply) -> str:
            self._check_status(reply)
            return parse_fn(reply.body, status=reply.status)

        return read

    # --- API -------------------------------------------------------------------------------

    async def get_call_id(
        self,
        *,
        extension: str | None = None,
        status: Sequence[str] = ("last",),
        platform_call_id: str | None = None,
        native_id: str | None = None,
        manual_record: bool = False,
    ) -> str:
        """The Verba call ID of the one call matching the search (``GetCallID``)."""
        ext = params.extension(extension)
        platform = params.identifier(
            platform_call_id,
            field="platform_call_id",
            message=_("The platform call ID is not valid (no spaces, 128 characters at most)."),
        )
        native = params.identifier(
            native_id,
            field="native_id",
            message=_("The technical call ID is not valid (no spaces, 128 characters at most)."),
        )
        statuses = params.statuses(status, required=ext is not None)
        if ext is None and platform is None and native is None:
            raise params.no_target("extension")
        query: dict[str, str] = {"responseType": "XML"}
        if ext is not None:
            query["extension"] = ext
        if statuses:
            query["status"] = statuses
        if platform is not None:
            query["platformCallID"] = platform
        if native is not None:
            query["nativeID"] = native
        if manual_record:
            query["type"] = "manualRecord"
        return await self._call("GetCallID", query, self._xml(parse.parse_call_id))

    async def get_call_url(
        self,
        *,
        call_id: str | None = None,
        extension: str | None = None,
        status: Sequence[str] = (),
    ) -> str:
        """The web address of the call on the Verba interface (``GetCallURL``).

        With ``call_id`` the extension and status are not sent; with an extension and no status,
        ``last`` is asked (the API requires a status with an extension).
        """
        cid = params.identifier(call_id, field="call_id", message=_(_BAD_CALL_ID))
        query: dict[str, str] = {"responseType": "XML"}
        if cid is not None:
            query["callID"] = cid
        else:
            ext = params.extension(extension)
            if ext is None:
                raise params.no_target("call_id")
            query["extension"] = ext
            query["status"] = params.statuses(status, required=False) or "last"
        return await self._call("GetCallURL", query, self._xml(parse.parse_call_url))

    async def get_media(self, call_id: str) -> VerbaMedia:
        """The recording of the call, in its original format (``GetMedia``)."""
        cid = params.identifier(call_id, field="call_id", message=_(_BAD_CALL_ID))
        if cid is None:
            raise params.no_target("call_id")

        def read(reply: http.Reply) -> VerbaMedia:
            self._check_status(reply)
            content_type = reply.headers.get("content-type", "")
            if reply.body and not parse.looks_like_document(content_type, reply.body):
                ctype, ext = parse.media_type(
                    content_type, reply.headers.get("content-disposition", ""), reply.body
                )
                return VerbaMedia(
                    call_id=cid, data=reply.body, content_type=ctype, file_extension=ext
                )
            try:
                env = parse.read_envelope(reply.body)
            except MalformedResponse:
                env = None
            if env is not None:
                parse.check(env, status=reply.status)
            raise MalformedResponse(
                _("Verba sent something other than a recording for this call."), provider=PROVIDER
            )

        return await self._call(
            "GetMedia",
            {"callID": cid},
            read,
            max_bytes=MEDIA_MAX_BYTES,
            deadline_s=self._media_deadline_s,
        )

    async def find_recording(
        self, *, extension: str, status: Sequence[str] = ("last",)
    ) -> VerbaRecording:
        """GetCallID for the extension, then GetCallURL for that call."""
        ext = params.extension(extension)
        if ext is None:
            raise params.no_target("extension")
        statuses = params.statuses(status, required=True)
        call_id = await self.get_call_id(extension=ext, status=statuses.split(","))
        url = await self.get_call_url(call_id=call_id)
        return VerbaRecording(
            call_id=call_id, url=url, extension=ext, status=tuple(statuses.split(","))
        )
