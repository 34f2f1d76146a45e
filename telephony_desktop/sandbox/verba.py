"""The Verba Recording System HTTP API simulator: ``GET``/``POST /verba/api?action=...``.

Shapes follow ``docs/providers/verba.md``. Every answer is
``<VerbaApi><Response code="N" type="Action"/>...</VerbaApi>``; ``code="0"`` is success. The vendor
documents only code 2 ("call cannot be found"); the other codes are the project's assumptions,
the same as the adapter's table (``providers/verba/errors.py``):

====  ===============================================================
code  meaning
====  ===============================================================
1     general error (unknown action, ...)
2     the call cannot be found (documented)
3     more than one call matches the request
4     a parameter is missing or invalid
5     invalid API key
6     token expired or never authenticated
7     login or password refused (RequestToken)
8     the user has no permission to use the API (fault only)
9     the call has no media (yet)
====  ===============================================================

Actions:

- ``RequestToken`` (``apiKey`` + HTTP Basic login:password; for an API key served the
  ``auth_query`` variant, ``userName`` and ``password`` parameters instead, Basic refused):
  ``<Response code="0" type="RequestToken"/><Token>...</Token>``; tokens live ``token_ttl_s``.
  An API key served ``api_key_only`` needs no token, and its RequestToken answers code 1.
- ``GetCallID`` (``extension`` / ``platformCallID`` / ``nativeID``, ``status``, ``type``):
  ``<CallID>...</CallID>``. ``status`` is a comma list of ongoing/next/last tried in order; the
  first status with a match decides, and two matches give code 3. ``last`` is the most recently
  ended call; ``next`` is a call flagged as starting within the minute; with an extension and no
  status, ``last`` is used. ``type=manualRecord`` keeps only controlled-recording calls.
- ``GetCallURL`` (``callID``, or ``extension`` + mandatory ``status``): ``<CallURL>origin +
  /verba/calls/<id></CallURL>``.
- ``GetMedia`` (``callID``, or ``extension`` + ``status``): the WAV (``audio/wav``, 5-20 s);
  code 9 for a call still ongoing/next or without media.
- ``responseType`` XML (default), TEXT (the bare value) or HTML (a small page); errors in the same
  format. POST bodies (form-encoded) are read like the query string.

Seeded extensions (``VerbaSimulator.seeded_extensions``): ``8856`` (three finished calls),
``2001`` (finished calls and one ongoing, controlled-recording call), ``2002`` (finished calls and
one "next" call), ``2003`` (finished calls), ``2004`` (a finished call without media) and
``2999`` (two ongoing calls: ``status=ongoing`` gives code 3). Tests change state with
:meth:`VerbaSimulator.add_ongoing_call`, :meth:`~VerbaSimulator.end_call`,
:meth:`~VerbaSimulator.expire_all_tokens`, or ``POST /_sandbox/verba/calls`` (JSON
``{"extension": "2003", "action": "start"|"end"|"next", "other": "...", "manual_record": false}``).
Fault request types: ``verba.RequestToken``, ``verba.GetCallID``, ``verba.GetCallURL``,
``verba.GetMedia`` (an unknown action logs as ``verba.<action>``).
"""

from __future__ import annotations

import base64
import binascii
import random
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from telephony_desktop.sandbox.audio import wav_bytes
from telephony_desktop.sandbox.core import (
    HostedSimulator,
    RequestLogEntry,
    is_loopback,
    redact_params,
)
from telephony_desktop.sandbox.faults import Answer, deliver
from telephony_desktop.sandbox.xmlout import XML_DECL, esc, esc_any

if TYPE_CHECKING:
    from telephony_desktop.sandbox.core import SandboxHost

API_PATH: Final = "/verba/api"
CALLS_PATH: Final = "/verba/calls"
CONTROL_PATH: Final = "/_sandbox/verba/calls"
ACTIONS: Final = ("RequestToken", "GetCallID", "GetCallURL", "GetMedia")
STATUSES: Final = ("ongoing", "next", "last")

GENERAL, NOT_FOUND, AMBIGUOUS, BAD_PARAMETER = 1, 2, 3, 4
BAD_API_KEY, BAD_TOKEN, BAD_LOGIN, NO_PERMISSION, NO_MEDIA = 5, 6, 7, 8, 9
_MESSAGES: Final = {
    GENERAL: "The request could not be processed.",
    NOT_FOUND: "Unable to retrieve the {what}, because the call cannot be found.",
    AMBIGUOUS: "Unable to retrieve the {what}, because more than one call matches the request.",
    BAD_PARAMETER: "Invalid or missing parameter: {what}.",
    BAD_API_KEY: "Invalid API key.",
    BAD_TOKEN: "This token is expired or never got authenticated.",
    BAD_LOGIN: "Authentication failed: invalid login or password.",
    NO_PERMISSION: "The user has no permission to use the API.",
    NO_MEDIA: "Unable to retrieve the media, because it is not available for this call.",
}
_WHAT: Final = {
    "GetCallID": "call identifier",
    "GetCallURL": "call URL",
    "GetMedia": "media",
    "RequestToken": "token",
}
# Fault ``code`` names (FaultRegistry's default is "authentication_failed") -> Verba code.
FAULT_CODES: Final = {
    "authentication_failed": BAD_LOGIN,
    "bad_login": BAD_LOGIN,
    "token_expired": BAD_TOKEN,
    "invalid_token": BAD_TOKEN,
    "invalid_api_key": BAD_API_KEY,
    "not_found": NOT_FOUND,
    "ambiguous": AMBIGUOUS,
    "more_than_one": AMBIGUOUS,
    "invalid_parameter": BAD_PARAMETER,
    "no_permission": NO_PERMISSION,
    "no_media": NO_MEDIA,
    "general": GENERAL,
}


class VerbaFailure(Exception):
    def __init__(self, code: int, what: str = "") -> None:
        super().__init__(f"verba error {code}")
        self.code = code
        self.what = what


@dataclass(frozen=True, slots=True)
class VerbaCall:
    """One call known to the simulated recorder."""

    call_id: str
    caller: str
    callee: str
    state: str  # "finished", "ongoing" or "next"
    started_at: datetime
    ended_at: datetime | None
    duration_s: int
    platform_call_id: str
    native_id: str
    manual_record: bool = False
    has_media: bool = True
    media_id: int = 0

    def involves(self, extension: str) -> bool:
        return extension in (self.caller, self.callee)


class VerbaSimulator(HostedSimulator):
    """Serves one Verba API key and API user on a sandbox server."""

    name = "verba"
    seeded_extensions: Final = ("8856", "2001", "2002", "2003", "2004", "2999")

    def __init__(
        self,
        login: str = "agent",
        password: str | None = None,
        api_key: str | None = None,
        token_ttl_s: float = 3600.0,
        *,
        seed: int = 4242,
    ) -> None:
        self.login = login
        self.password = password if password is not None else secrets.token_hex(12)
        self.api_key = api_key if api_key is not None else str(uuid.UUID(secrets.token_hex(16)))
        self.token_ttl_s = token_ttl_s
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}  # token -> monotonic expiry
        self._calls: list[VerbaCall] = []
        self._rng = random.Random(seed)
        self._seed()

    # --- state -----------------------------------------------------------------------------

    def _new_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def _make_call(
        self,
        caller: str,
        callee: str,
        state: str,
        *,
        minutes_ago: float = 0.0,
        duration_s: int = 0,
        manual_record: bool = False,
        has_media: bool = True,
    ) -> VerbaCall:
        now = datetime.now(UTC).replace(microsecond=0)
        duration = duration_s or self._rng.randint(5, 20)
        if state == "next":
            started = now + timedelta(seconds=30)
        else:
            started = now - timedelta(minutes=minutes_ago)
        ended = started + timedelta(seconds=duration) if state == "finished" else None
        media_id = len(self._calls) + 1
        return VerbaCall(
            call_id=self._new_id(),
            caller=caller,
            callee=callee,
            state=state,
            started_at=started,
            ended_at=ended,
            duration_s=duration if state == "finished" else 0,
            platform_call_id=str(self._rng.randint(10_000_000, 99_999_999)),
            native_id=f"TRS{self._rng.randint(10_000_000, 99_999_999)}",
            manual_record=manual_record,
            has_media=has_media,
            media_id=media_id,
        )

    def _seed(self) -> None:
        plan: list[tuple[str, str, str, dict[str, Any]]] = [
            ("8856", "5145550101", "finished", {"minutes_ago": 300}),
            ("5145550102", "8856", "finished", {"minutes_ago": 120}),
            ("8856", "4185550103", "finished", {"minutes_ago": 15}),
            ("2001", "2002", "finished", {"minutes_ago": 240}),
            ("2001", "5145550104", "finished", {"minutes_ago": 60}),
            ("5145550105", "2001", "ongoing", {"minutes_ago": 2, "manual_record": True}),
            ("2002", "4505550106", "finished", {"minutes_ago": 45}),
            ("2002", "5145550107", "next", {}),
            ("2003", "5145550108", "finished", {"minutes_ago": 90}),
            ("6135550109", "2003", "finished", {"minutes_ago": 30}),
            ("2004", "5145550110", "finished", {"minutes_ago": 20, "has_media": False}),
            ("2999", "5145550111", "finished", {"minutes_ago": 50}),
            ("2999", "5145550112", "ongoing", {"minutes_ago": 3}),
            ("5145550113", "2999", "ongoing", {"minutes_ago": 1}),
        ]
        with self._lock:
            for caller, callee, state, options in plan:
                self._calls.append(self._make_call(caller, callee, state, **options))

    @property
    def calls(self) -> list[VerbaCall]:
        """A snapshot of every call, oldest first."""
        with self._lock:
            return list(self._calls)

    def call(self, call_id: str) -> VerbaCall | None:
        with self._lock:
            return next((c for c in self._calls if c.call_id == call_id), None)

    def calls_for(self, extension: str, state: str | None = None) -> list[VerbaCall]:
        with self._lock:
            return [
                c
                for c in self._calls
                if c.involves(extension) and (state is None or c.state == state)
            ]

    def last_call_id(self, extension: str) -> str | None:
        """What ``status=last`` answers for ``extension`` (None when there is none)."""
        with self._lock:
            found = self._last(c for c in self._calls if c.involves(extension))
        return found.call_id if found else None

    def add_ongoing_call(
        self, extension: str, other: str = "5145550199", *, manual_record: bool = False
    ) -> str:
        """Start a call on ``extension`` (ongoing now); returns its call ID."""
        with self._lock:
            call = self._make_call(extension, other, "ongoing", manual_record=manual_record)
            self._calls.append(call)
        return call.call_id

    def add_next_call(self, extension: str, other: str = "5145550198") -> str:
        """Add a call on ``extension`` starting within the minute (``status=next``)."""
        with self._lock:
            call = self._make_call(extension, other, "next")
            self._calls.append(call)
        return call.call_id

    def end_call(self, extension: str | None = None, *, call_id: str | None = None) -> str:
        """End the (oldest) ongoing call of ``extension``, or the call ``call_id``; it becomes the
        extension's last call. Returns its call ID; ``KeyError`` when there is none."""
        now = datetime.now(UTC).replace(microsecond=0)
        with self._lock:
            for i, c in enumerate(self._calls):
                match = c.call_id == call_id if call_id else extension and c.involves(extension)
                if match and c.state == "ongoing":
                    duration = max(5, min(20, int((now - c.started_at).total_seconds()) or 5))
                    self._calls[i] = replace(
                        c,
                        state="finished",
                        ended_at=max(now, c.started_at + timedelta(seconds=duration)),
                        duration_s=duration,
                    )
                    return c.call_id
        raise KeyError(f"no ongoing call for {extension or call_id!r}")

    # --- tokens ------------------------------------------------------------------------------

    @property
    def tokens(self) -> dict[str, float]:
        """Issued tokens and their (monotonic) expiry."""
        with self._lock:
            return dict(self._tokens)

    def expire_all_tokens(self) -> None:
        """Every token issued so far is refused from now on (code 6)."""
        with self._lock:
            for token in self._tokens:
                self._tokens[token] = 0.0

    def _issue_token(self) -> str:
        token = secrets.token_hex(16)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl_s
        return token

    def _token_valid(self, token: str) -> bool:
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and time.monotonic() < expiry

    # --- mounting ------------------------------------------------------------------------------

    def mount(self, app: web.Application, host: SandboxHost) -> None:
        self._host = host
        app.router.add_get(API_PATH, self._api)
        app.router.add_post(API_PATH, self._api)
        app.router.add_get(CALLS_PATH + "/{call_id}", self._call_page)
        app.router.add_post(CONTROL_PATH, self._control_calls)

    def requests_by_action(self, action: str) -> list[RequestLogEntry]:
        """The logged requests for ``action`` (e.g. ``"GetCallID"``)."""
        return self.host.request_log.of_type(f"verba.{action}")

    # --- API -----------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        params = {k: v for k, v in request.query.items()}
        if request.method == "POST" and request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = value
        action = (params.get("action") or "").strip()
        logged = redact_params(params)
        if "Authorization" in request.headers:
            logged["authorization"] = "***"
        request_type = f"verba.{action or 'unknown'}"
        entry = RequestLogEntry(self.name, request_type, request.method, request.path, logged)
        self.host.request_log.append(entry)
        fault = self.host.faults.take(request_type)
        origin = f"{request.scheme}://{request.host}"
        authorization = request.headers.get("Authorization", "")
        return await deliver(
            request,
            fault,
            lambda: self.answer(params, authorization=authorization, origin=origin),
            self,
            entry,
            failure_status=self.host.failure_http_status,
        )

    def answer(
        self, query: Mapping[str, str], *, authorization: str = "", origin: str = ""
    ) -> Answer:
        """The complete answer to one API request (state changes included)."""
        action = (query.get("action") or "").strip()
        fmt = (query.get("responseType") or "XML").strip().upper() or "XML"
        if fmt not in ("XML", "HTML", "TEXT"):
            fmt = "XML"
        try:
            api_key = (query.get("apiKey") or "").strip()
            if not secrets.compare_digest(api_key.lower().encode(), self.api_key.lower().encode()):
                raise VerbaFailure(BAD_API_KEY)
            shape = self.host.variants.active(self.name, api_key) if self._host else frozenset()
            if action == "RequestToken":
                if "api_key_only" in shape:  # this key signs nobody in
                    raise VerbaFailure(GENERAL)
                if "auth_query" in shape:
                    self._check_login(query.get("userName") or "", query.get("password") or "")
                else:
                    self._check_basic(authorization)
                return self._success(action, "Token", self._issue_token(), fmt)
            if action not in ACTIONS:
                raise VerbaFailure(GENERAL)
            token_needed = "api_key_only" not in shape
            if token_needed and not self._token_valid((query.get("token") or "").strip()):
                raise VerbaFailure(BAD_TOKEN)
            if action == "GetCallID":
                return self._success(action, "CallID", self._find(query, action).call_id, fmt)
            if action == "GetCallURL":
                call = self._by_id_or_extension(query, action)
                return self._success(action, "CallURL", f"{origin}{CALLS_PATH}/{call.call_id}", fmt)
            call = self._by_id_or_extension(query, action)
            if call.state != "finished" or not call.has_media:
                raise VerbaFailure(NO_MEDIA)
            return Answer(
                wav_bytes("verba", call.media_id, call.duration_s),
                content_type="audio/wav",
                charset=None,
                headers={"Content-Disposition": f'attachment; filename="{call.call_id}.wav"'},
            )
        except VerbaFailure as failure:
            return self.failure(failure.code, action, fmt, failure.what)

    def _check_basic(self, authorization: str) -> None:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic" or not encoded.strip():
            raise VerbaFailure(BAD_LOGIN)
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise VerbaFailure(BAD_LOGIN) from None
        login, sep, password = decoded.partition(":")
        if not sep:
            raise VerbaFailure(BAD_LOGIN)
        self._check_login(login, password)

    def _check_login(self, login: str, password: str) -> None:
        good = secrets.compare_digest(login.encode(), self.login.encode()) & secrets.compare_digest(
            password.encode(), self.password.encode()
        )
        if not good:
            raise VerbaFailure(BAD_LOGIN)

    @staticmethod
    def _statuses(raw: str | None, *, default: str | None) -> list[str]:
        text = (raw or "").strip() or (default or "")
        items = [s.strip().lower() for s in text.split(",") if s.strip()]
        if not items and default is None:
            raise VerbaFailure(BAD_PARAMETER, "status")
        if any(s not in STATUSES for s in items):
            raise VerbaFailure(BAD_PARAMETER, "status")
        return items

    @staticmethod
    def _last(calls: Any) -> VerbaCall | None:
        finished = [c for c in calls if c.state == "finished" and c.ended_at is not None]
        return max(finished, key=lambda c: c.ended_at) if finished else None

    def _pick(self, candidates: list[VerbaCall], statuses: list[str]) -> list[VerbaCall]:
        for status in statuses:
            if status == "last":
                last = self._last(candidates)
                found = [last] if last else []
            else:
                found = [c for c in candidates if c.state == status]
            if found:
                return found
        return []

    def _find(self, query: Mapping[str, str], action: str) -> VerbaCall:
        extension = (query.get("extension") or "").strip()
        platform = (query.get("platformCallID") or "").strip()
        native = (query.get("nativeID") or "").strip()
        kind = (query.get("type") or "").strip()
        if not (extension or platform or native):
            raise VerbaFailure(BAD_PARAMETER, "extension")
        if kind and kind.lower() != "manualrecord":
            raise VerbaFailure(BAD_PARAMETER, "type")
        has_status = bool((query.get("status") or "").strip())
        statuses = self._statuses(query.get("status"), default="last" if extension else "")
        with self._lock:
            candidates = [
                c
                for c in self._calls
                if (not extension or c.involves(extension))
                and (not platform or c.platform_call_id == platform)
                and (not native or c.native_id == native)
                and (not kind or c.manual_record)
            ]
        found = self._pick(candidates, statuses) if (has_status or extension) else candidates
        if not found:
            raise VerbaFailure(NOT_FOUND, _WHAT[action])
        if len(found) > 1:
            raise VerbaFailure(AMBIGUOUS, _WHAT[action])
        return found[0]

    def _by_id_or_extension(self, query: Mapping[str, str], action: str) -> VerbaCall:
        call_id = (query.get("callID") or query.get("cid") or "").strip()
        if call_id:
            call = self.call(call_id)
            if call is None:
                raise VerbaFailure(NOT_FOUND, _WHAT[action])
            return call
        if not (query.get("extension") or "").strip():
            raise VerbaFailure(BAD_PARAMETER, "callID")
        self._statuses(query.get("status"), default=None)  # mandatory with an extension
        return self._find(query, action)

    # --- rendering -----------------------------------------------------------------------------

    @staticmethod
    def _success(action: str, element: str, value: str, fmt: str) -> Answer:
        if fmt == "TEXT":
            return Answer(value.encode(), content_type="text/plain")
        if fmt == "HTML":
            page = f"<html><body><p>{esc(value)}</p></body></html>\n"
            return Answer(page.encode(), content_type="text/html")
        doc = (
            f'{XML_DECL}<VerbaApi>\n<Response code="0" type="{esc(action)}"/>\n'
            f"<{element}>{esc_any(value)}</{element}>\n</VerbaApi>\n"
        )
        return Answer(doc.encode("utf-8"))

    def failure(self, code: int, action: str = "", fmt: str = "XML", what: str = "") -> Answer:
        """The documented error answer for ``code`` (with the host's failure HTTP status)."""
        text = _MESSAGES.get(code, _MESSAGES[GENERAL]).format(
            what=what or _WHAT.get(action, "call")
        )
        status = self._host.failure_http_status if self._host is not None else 200
        if fmt == "TEXT":
            return Answer(
                f"Error {code}: {text}".encode(), status=status, content_type="text/plain"
            )
        if fmt == "HTML":
            page = f"<html><body><p>Error {code}: {esc(text)}</p></body></html>\n"
            return Answer(page.encode(), status=status, content_type="text/html")
        doc = (
            f'{XML_DECL}<VerbaApi>\n<Response code="{code}" type="{esc(action)}">\n'
            f"<ErrorMessage>{esc_any(text)}</ErrorMessage>\n</Response>\n</VerbaApi>\n"
        )
        return Answer(doc.encode("utf-8"), status=status)

    # --- FaultBodies ---------------------------------------------------------------------------

    def error_answer(self, code: str, status: int | None = None) -> Answer:
        number = int(code) if code.isdigit() else FAULT_CODES.get(code, GENERAL)
        answer = self.failure(number)
        if status is not None:
            answer.status = status
        return answer

    def malformed_body(self) -> bytes:
        return (
            b"<html><body><h1>HTTP Status 500 - java.lang.NullPointerException</h1></body>\n"
            + XML_DECL.encode()
            + b'<VerbaApi><Response code="0" type="GetCallID"><CallID>a83436'
        )

    def xxe_body(self) -> bytes:
        return (
            XML_DECL + '<!DOCTYPE VerbaApi [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
            '<VerbaApi><Response code="0" type="GetCallID"/><CallID>&xxe;</CallID></VerbaApi>\n'
        ).encode()

    def billion_laughs_body(self) -> bytes:
        lines = ['<!ENTITY lol "lol">']
        for i in range(1, 10):
            prev = "lol" if i == 1 else f"lol{i - 1}"
            lines.append(f'<!ENTITY lol{i} "{("&" + prev + ";") * 10}">')
        return (
            XML_DECL
            + "<!DOCTYPE VerbaApi [\n  "
            + "\n  ".join(lines)
            + '\n]>\n<VerbaApi><Response code="0" type="GetCallID"/><CallID>&lol9;</CallID>'
            "</VerbaApi>\n"
        ).encode()

    def placeholder_body(self, request_type: str) -> bytes:
        action = request_type.removeprefix("verba.") or "GetCallID"
        element = {"RequestToken": "Token", "GetCallURL": "CallURL"}.get(action, "CallID")
        value = "http://127.0.0.1/verba/calls/x" if element == "CallURL" else self._new_id()
        return self._success(action, element, value, "XML").body

    # --- extra routes ----------------------------------------------------------------------------

    async def _call_page(self, request: web.Request) -> web.Response:
        call = self.call(request.match_info["call_id"])
        if call is None:
            raise web.HTTPNotFound(text="no such call")
        page = (
            f"<html><head><title>Verba call {esc(call.call_id)}</title></head><body>"
            f"<h1>Call {esc(call.call_id)}</h1><p>{esc(call.caller)} &rarr; {esc(call.callee)}, "
            f"{call.state}, {call.duration_s} s</p></body></html>\n"
        )
        return web.Response(text=page, content_type="text/html")

    async def _control_calls(self, request: web.Request) -> web.Response:
        if not is_loopback(request.remote):
            raise web.HTTPForbidden(text="control API is loopback-only")
        try:
            data = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="body must be JSON") from None
        if not isinstance(data, dict) or not str(data.get("extension", "")).strip():
            raise web.HTTPBadRequest(text='body must be {"extension": ..., "action": ...}')
        extension = str(data["extension"]).strip()
        action = str(data.get("action", "start"))
        other = str(data.get("other", "5145550199"))
        try:
            if action == "start":
                call_id = self.add_ongoing_call(
                    extension, other, manual_record=bool(data.get("manual_record", False))
                )
            elif action == "next":
                call_id = self.add_next_call(extension, other)
            elif action == "end":
                call_id = self.end_call(extension)
            else:
                raise web.HTTPBadRequest(text="action must be start, next or end")
        except KeyError as exc:
            raise web.HTTPNotFound(text=str(exc)) from None
        return web.json_response({"call_id": call_id, "action": action}, status=201)
