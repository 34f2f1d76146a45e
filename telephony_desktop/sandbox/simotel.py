"""The Simotel PBX (API v4) simulator: "Originate call" and the ping, on the sandbox origin.

Routes (everything under ``/api/v4/`` is served here, and under a hosted PBX's own prefix and minor
version such as ``/panel/api/v4.1/``; other paths there answer 404 with no body):

``PUT /api/v4/call/originate/act`` (request type ``simotel.originate``)
    JSON body ``{"caller","callee","context","caller_id","trunk_name"?,"timeout"?,"call_limit"?}``
    (values strings or numbers). Success::

        {"success": 1, "message": null,
         "data": {"originated_call_id": "orig.call.1703145054.000001"}}

    Refusals come as HTTP 200 with ``{"success": 0, "message": "...", "data": null}``: a missing
    field (``"caller is required"``), an unknown context (``"Context 'x' not found"``; valid:
    :attr:`SimotelSimulator.contexts`, default ``main_routing`` and ``from-internal``), an unknown
    trunk (``"Trunk 'x' not found"``; :attr:`trunks`), no trunk for a telecom caller (more than 6
    digits, or starting with + or 0: ``"trunk_name is required for a telecom caller"``), a bad
    ``timeout`` (1..300) / ``call_limit`` (1..86400) (``"timeout is invalid"``), a busy caller
    or callee (:attr:`busy`; ``"Caller 557 is busy"``).
``PUT /api/v4/setting/ping/act`` (``simotel.ping``)
    ``{"success": 1, "message": "pong", "data": null}``.

Checks, in this order (each answers with the envelope and ``success: 0`` unless noted): unknown path
under ``/api/v4`` -> 404 (empty body); method other than PUT (POST for an account served the
``post_only`` variant) -> 405 "Method Not Allowed"; :attr:`allowed_ips` set and the client's address
not in it -> 403 "IP is not permitted"; :attr:`access_denied` -> 403 "Access denied"; neither a
valid HTTP Basic (:attr:`username`/:attr:`password`) nor a valid ``X-APIKEY`` (:attr:`api_key`) ->
401 "BasicAuth or ApiKey is missing/invalid"; :attr:`originate_not_implemented` (originate only) ->
501 "Not Implemented"; ``Content-Type`` not JSON -> 415 "Unsupported Media Type"; a body that is not
a JSON object -> 400 "Unable to parse content".

Each placed call is kept in :attr:`originated` (``OriginatedCall``: the id and the body as
received; the body carries no secret). The request log holds the body fields and, redacted
(``***``), the ``authorization`` / ``x-apikey`` headers when they were sent.

Faults (``server.faults.add("simotel.originate", ...)``): ``error``/``http_error`` take a ``code``
of :data:`ERROR_CODES` (``authentication_failed``, ``ip_not_permitted``, ``access_denied``,
``unable_to_parse_content``, ``not_found``, ``method_not_allowed``, ``unsupported_media_type``,
``not_implemented``, ``busy``; any other code becomes a ``success: 0`` message); ``malformed``,
``xxe`` and ``billion_laughs`` send a PHP notice followed by broken JSON.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from aiohttp import web

from telephony_desktop.sandbox.core import (
    HostedSimulator,
    RequestLogEntry,
    SandboxHost,
    redact_params,
)
from telephony_desktop.sandbox.faults import Answer, deliver, html_error

log = logging.getLogger(__name__)

API_PREFIX: Final = "/api/v4"
ORIGINATE_PATH: Final = API_PREFIX + "/call/originate/act"
PING_PATH: Final = API_PREFIX + "/setting/ping/act"
REQUEST_TYPES: Final = {ORIGINATE_PATH: "simotel.originate", PING_PATH: "simotel.ping"}
DEFAULT_CONTEXTS: Final = frozenset({"main_routing", "from-internal"})
DEFAULT_TRUNKS: Final = frozenset({"cisco", "sandbox-trunk"})

MSG_AUTH: Final = "BasicAuth or ApiKey is missing/invalid"
MSG_IP: Final = "IP is not permitted"
MSG_DENIED: Final = "Access denied"
MSG_PARSE: Final = "Unable to parse content"
# code -> (HTTP status, message; None = no body)
ERROR_CODES: Final[dict[str, tuple[int, str | None]]] = {
    "authentication_failed": (401, MSG_AUTH),
    "ip_not_permitted": (403, MSG_IP),
    "access_denied": (403, MSG_DENIED),
    "unable_to_parse_content": (400, MSG_PARSE),
    "not_found": (404, None),
    "method_not_allowed": (405, "Method Not Allowed"),
    "unsupported_media_type": (415, "Unsupported Media Type"),
    "not_implemented": (501, "Not Implemented"),
    "busy": (200, "Caller is busy"),
}

_NUMBER = re.compile(r"^\+?[0-9*#]{1,32}$")


@dataclass(frozen=True, slots=True)
class OriginatedCall:
    """One call the simulated PBX placed."""

    call_id: str
    body: dict[str, str]
    auth: str  # "basic", "apikey" or "basic+apikey": what was accepted
    time: float = field(default_factory=time.time)


class _Refusal(Exception):
    def __init__(self, status: int, message: str | None) -> None:
        super().__init__(message or str(status))
        self.status = status
        self.message = message


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic`` header; ("", "") when undecodable, None
    when the header is not Basic."""
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    user, _, password = decoded.partition(":")
    return user, password


_HOSTED_PREFIX: Final = re.compile(r"^/(?:[A-Za-z0-9_.-]+/)*api/v4(?:\.\d+)?(?=/)")


def canonical_path(path: str) -> str:
    """``/panel/api/v4.1/call/originate/act`` -> ``/api/v4/call/originate/act``."""
    return _HOSTED_PREFIX.sub(API_PREFIX, path, count=1)


def envelope(success: int, message: str | None, data: object = None) -> bytes:
    return json.dumps({"success": success, "message": message, "data": data}).encode()


def _json_answer(status: int, body: bytes) -> Answer:
    return Answer(body, status=status, content_type="application/json", charset="utf-8")


def _telecom(caller: str) -> bool:
    return caller.startswith(("+", "0")) or len(caller.lstrip("+")) > 6


class SimotelSimulator(HostedSimulator):
    """One Simotel PBX's API v4. Credentials are generated unless given; all are attributes."""

    name = "simotel"

    def __init__(
        self,
        username: str = "sandbox",
        password: str | None = None,
        api_key: str | None = None,
    ) -> None:
        self.username = username
        self.password = password if password is not None else secrets.token_hex(12)
        self.api_key = api_key if api_key is not None else secrets.token_hex(25)
        # Switches tests may flip at any time (plain attribute writes).
        self.allowed_ips: set[str] | None = None
        self.access_denied = False
        self.originate_not_implemented = False
        self.contexts: set[str] = set(DEFAULT_CONTEXTS)
        self.trunks: set[str] = set(DEFAULT_TRUNKS)
        self.busy: set[str] = set()
        self._lock = threading.Lock()
        self._originated: list[OriginatedCall] = []
        self._ids = itertools.count(1)

    def __repr__(self) -> str:
        return f"SimotelSimulator(username={self.username!r})"

    def credentials(self) -> dict[str, str]:
        """``username``, ``password`` and ``api_key``, ready for ``SimotelClient(**...)``."""
        return {"username": self.username, "password": self.password, "api_key": self.api_key}

    @property
    def originated(self) -> list[OriginatedCall]:
        """A snapshot of the calls placed so far, oldest first."""
        with self._lock:
            return list(self._originated)

    def clear(self) -> None:
        with self._lock:
            self._originated.clear()

    # --- mounting ------------------------------------------------------------------------

    def mount(self, app: web.Application, host: SandboxHost) -> None:
        self._host = host
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._api)
        # A hosted PBX's own prefix and minor version: /panel/api/v4.1/call/originate/act
        hosted = r"/{hosted:(?:[A-Za-z0-9_.-]+/)*}api/v4.{minor:\d+}/{tail:.*}"
        app.router.add_route("*", hosted, self._api)

    async def _api(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        path = canonical_path(request.path)
        request_type = REQUEST_TYPES.get(path, "simotel.unknown")
        entry = RequestLogEntry(
            self.name,
            request_type,
            request.method,
            request.path,
            self._log_params(raw, request.headers),
        )
        self.host.request_log.append(entry)
        fault = self.host.faults.take(request_type)
        method, remote = request.method, request.remote
        headers = dict(request.headers)
        return await deliver(
            request,
            fault,
            lambda: self.answer(method, path, headers, raw, remote=remote),
            self,
            entry,
            failure_status=self.host.failure_http_status,
        )

    @staticmethod
    def _log_params(raw: bytes, headers: Mapping[str, str]) -> dict[str, str]:
        params: dict[str, str] = {}
        try:
            doc = json.loads(raw) if raw else None
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            for key, value in doc.items():
                params[str(key)] = value if isinstance(value, str) else json.dumps(value)
        elif raw:
            params["_body"] = f"<{len(raw)} bytes, not a JSON object>"
        lowered = {k.lower() for k in headers}
        for name in ("authorization", "x-apikey"):
            if name in lowered:
                params[name] = "sent"
        return redact_params(params)

    # --- the PBX -------------------------------------------------------------------------

    def answer(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        raw: bytes,
        *,
        remote: str | None = None,
    ) -> Answer:
        """The PBX's complete answer (a placed call is recorded)."""
        try:
            return self._answer(method, path, headers, raw, remote)
        except _Refusal as refusal:
            if refusal.message is None:
                return Answer(b"", status=refusal.status, content_type="text/plain")
            return _json_answer(refusal.status, envelope(0, refusal.message))
        except Exception:
            log.exception("sandbox: Simotel handler crashed")
            return Answer(html_error(500), status=500, content_type="text/html")

    def _answer(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        raw: bytes,
        remote: str | None,
    ) -> Answer:
        if path not in REQUEST_TYPES:
            raise _Refusal(404, None)
        # The vendor page's PBX takes PUT; one served "post_only" takes POST, as the current v4
        # pages and the official PHP connector send it.
        expected = "POST" if "post_only" in self._shape(headers) else "PUT"
        if method.upper() != expected:
            raise _Refusal(405, "Method Not Allowed")
        allowed = self.allowed_ips
        if allowed is not None and (remote or "") not in allowed:
            raise _Refusal(403, MSG_IP)
        if self.access_denied:
            raise _Refusal(403, MSG_DENIED)
        auth = self._authenticate(headers)
        if path == ORIGINATE_PATH and self.originate_not_implemented:
            raise _Refusal(501, "Not Implemented")
        lower = {k.lower(): v for k, v in headers.items()}
        content_type = lower.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type != "application/json":
            raise _Refusal(415, "Unsupported Media Type")
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _Refusal(400, MSG_PARSE) from None
        if not isinstance(doc, dict):
            raise _Refusal(400, MSG_PARSE)
        if path == PING_PATH:
            return _json_answer(200, envelope(1, "pong"))
        return self._originate(doc, auth)

    def _shape(self, headers: Mapping[str, str]) -> frozenset[str]:
        """The variants served to the account the request names (Basic user, else API key)."""
        lower = {k.lower(): v for k, v in headers.items()}
        basic = _basic_credentials(lower.get("authorization", ""))
        account = basic[0] if basic and basic[0] else lower.get("x-apikey", "")
        return self.host.variants.active(self.name, account)

    def _authenticate(self, headers: Mapping[str, str]) -> str:
        lower = {k.lower(): v for k, v in headers.items()}
        kinds: list[str] = []
        basic = _basic_credentials(lower.get("authorization", ""))
        if basic is not None:
            user, password = basic
            if secrets.compare_digest(user.encode(), self.username.encode()) and (
                secrets.compare_digest(password.encode(), self.password.encode())
            ):
                kinds.append("basic")
        key = lower.get("x-apikey", "")
        if key and secrets.compare_digest(key.encode(), self.api_key.encode()):
            kinds.append("apikey")
        if not kinds:
            raise _Refusal(401, MSG_AUTH)
        return "+".join(kinds)

    def _originate(self, doc: Mapping[str, object], auth: str) -> Answer:
        body = {
            str(k): (v if isinstance(v, str) else json.dumps(v))
            for k, v in doc.items()
            if v is not None
        }

        def refuse(message: str) -> Answer:
            return _json_answer(200, envelope(0, message))

        for name in ("caller", "callee", "context", "caller_id"):
            if not body.get(name, "").strip():
                return refuse(f"{name} is required")
        caller, callee = body["caller"].strip(), body["callee"].strip()
        for name, value in (("caller", caller), ("callee", callee)):
            if not _NUMBER.match(value):
                return refuse(f"{name} is invalid")
        context = body["context"].strip()
        if context not in self.contexts:
            return refuse(f"Context '{context}' not found")
        trunk = body.get("trunk_name", "").strip()
        if trunk and trunk not in self.trunks:
            return refuse(f"Trunk '{trunk}' not found")
        if not trunk and _telecom(caller):
            return refuse("trunk_name is required for a telecom caller")
        for name, hi in (("timeout", 300), ("call_limit", 86_400)):
            value = body.get(name, "").strip()
            if value and (not value.isdigit() or not 1 <= int(value) <= hi):
                return refuse(f"{name} is invalid")
        if caller in self.busy:
            return refuse(f"Caller {caller} is busy")
        if callee in self.busy:
            return refuse(f"Callee {callee} is busy")
        with self._lock:
            call_id = f"orig.call.{int(time.time())}.{next(self._ids):06d}"
            self._originated.append(OriginatedCall(call_id, dict(body), auth))
        return _json_answer(200, envelope(1, None, {"originated_call_id": call_id}))

    # --- FaultBodies -----------------------------------------------------------------------

    def error_answer(self, code: str, status: int | None = None) -> Answer:
        default_status, message = ERROR_CODES.get(code, (200, code))
        status = default_status if status is None else status
        if message is None or status == 404:
            return Answer(b"", status=status, content_type="text/plain")
        if status >= 500 and status != 501:
            return Answer(html_error(status), status=status, content_type="text/html")
        return _json_answer(status, envelope(0, message or code))

    def malformed_body(self) -> bytes:
        return (
            b"<br />\n<b>Notice</b>:  Undefined index: caller in "
            b"<b>/var/www/simotel/api/v4/Call.php</b> on line <b>88</b><br />\n"
            b'{"success":1,"message":null,"data":{"originated_call_id":"orig.call.'
        )

    def xxe_body(self) -> bytes:
        return self.malformed_body()

    def billion_laughs_body(self) -> bytes:
        return self.malformed_body()

    def placeholder_body(self, request_type: str) -> bytes:
        if request_type == "simotel.ping":
            return envelope(1, "pong")
        return envelope(1, None, {"originated_call_id": "orig.call.1703145054.787335"})
