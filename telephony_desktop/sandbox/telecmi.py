"""The TeleCMI simulator: "make a call" (PCMO bridge) and ``requestid_cdr``, on the sandbox origin.

Routes (JSON bodies, ``POST``):

``/v2/global_pcmo_make_call`` and ``/v2/ind_pcmo_make_call`` (request type ``telecmi.make_call``)
    ``{"appid": 2222226, "secret": "...", "from": 19170000000, "to": 19170000001,
    "extra_params": {...}, "pcmo": [{"action": "bridge", "duration": 300, "timeout": 20,
    "from": 19170000000, "loop": 1, "connect": [{"type": "pstn", "number": 19170000002}]}]}``.
    Success (HTTP 200, as documented)::

        {"data": {"status": "progress", "request_id": "<43 letters/digits>"},
         "status": "progress", "request_id": "<same>", "code": 200}

``/v1/piopiy/requestid_cdr`` (request type ``telecmi.cdr``)
    ``{"appid", "secret", "request_id"}`` -> ``{"count": 2, "cdr": [leg, leg], "code": 200}`` for
    a call placed here (leg ``a`` to the ``to`` number, leg ``b`` to the bridged number, both
    ``answered``, ``direction`` ``outbound``, ``time`` in epoch milliseconds, ``duration`` a
    JSON number, ``rate`` a JSON number and ``balance`` text so tolerant parsing is exercised);
    ``{"count": 0, "cdr": [], "code": 200}`` for an unknown request id.

Errors (no body is published; this shape is the project's assumption): ``{"code": N, "error":
"..."}`` with HTTP status N (or ``error_status`` when set, e.g. 200 to mimic a gateway that
always answers 200). Checks, in order:

1. body not a JSON object, or ``appid``/``secret`` missing -> 422;
2. ``appid`` or ``secret`` wrong -> 420 ``Invalid app id or secret``;
3. a top-level property missing (``from``, ``to``, ``pcmo``; ``request_id`` for the CDR) -> 422
   ``Missing required property: <name>``; a number given as anything but a JSON integer, or
   ``extra_params`` neither object nor text -> 422 ``Invalid property: <name>``;
4. a property missing inside ``pcmo`` (``action``; for ``bridge``: ``duration``, ``timeout``,
   ``from``, ``connect``, and ``type``/``number`` of each connect entry) or ``pcmo``/``connect``
   empty -> 502 ``The property required is missing: <name>`` (the vendor page's 502).

Every placed call is kept in :attr:`TeleCMISimulator.placed` (thread-safe): the request JSON
without ``secret``, plus ``request_id`` and ``region`` ("global"/"india"). The request log holds
the top-level properties (nested values as JSON text) with ``secret`` as ``***``.

Faults: ``telecmi.make_call`` and ``telecmi.cdr``. ``error``/``http_error`` take ``code``
``"420"``, ``"422"`` or ``"502"`` (``"authentication_failed"``, the registry's default, means
420); ``malformed``, ``xxe`` and ``billion_laughs`` all send broken JSON.
"""

from __future__ import annotations

import json
import secrets
import string
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from telephony_desktop.sandbox.core import HostedSimulator, RequestLogEntry, redact_params
from telephony_desktop.sandbox.faults import Answer, deliver

if TYPE_CHECKING:
    from telephony_desktop.sandbox.core import SandboxHost

MAKE_CALL_PATHS: Final = {
    "/v2/global_pcmo_make_call": "global",
    "/v2/ind_pcmo_make_call": "india",
}
CDR_PATH: Final = "/v1/piopiy/requestid_cdr"
MAKE_CALL: Final = "telecmi.make_call"
CDR: Final = "telecmi.cdr"
DEFAULT_APPID: Final = "2222226"
ERROR_TEXT: Final = {
    420: "Invalid app id or secret",
    422: "Missing required property",
    502: "The property required is missing",
}
_ALPHABET: Final = string.ascii_letters + string.digits
_RATE: Final = 0.012  # per minute, per leg (a JSON number on purpose)


class Refusal(Exception):
    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def _missing(name: str) -> Refusal:
    return Refusal(422, f"Missing required property: {name}")


def _invalid(name: str) -> Refusal:
    return Refusal(422, f"Invalid property: {name}")


def _pcmo_missing(name: str) -> Refusal:
    return Refusal(502, f"The property required is missing: {name}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def new_request_id() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(43))


class TeleCMISimulator(HostedSimulator):
    """TeleCMI's make-call and CDR endpoints. ``appid``/``secret`` are the accepted credentials."""

    name = "telecmi"

    def __init__(
        self,
        *,
        appid: str = DEFAULT_APPID,
        secret: str | None = None,
        error_status: int | None = None,
    ) -> None:
        self.appid = appid
        self.secret = secret if secret is not None else secrets.token_hex(16)
        self.error_status = error_status  # None: the HTTP status is the error code
        self._lock = threading.Lock()
        self._placed: list[dict[str, Any]] = []
        self._legs: dict[str, list[dict[str, Any]]] = {}
        self._balance = 100.0

    # --- inspection --------------------------------------------------------------------------

    @property
    def placed(self) -> list[dict[str, Any]]:
        """Every call placed so far (request JSON minus ``secret``, plus request_id, region)."""
        with self._lock:
            return [dict(p) for p in self._placed]

    def legs(self, request_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(leg) for leg in self._legs.get(request_id, [])]

    def clear(self) -> None:
        with self._lock:
            self._placed.clear()
            self._legs.clear()

    # --- mounting ----------------------------------------------------------------------------

    def mount(self, app: web.Application, host: SandboxHost) -> None:
        self._host = host
        for path in MAKE_CALL_PATHS:
            app.router.add_post(path, self._make_call_route)
        app.router.add_post(CDR_PATH, self._cdr_route)

    async def _make_call_route(self, request: web.Request) -> web.StreamResponse:
        region = MAKE_CALL_PATHS[request.path]
        return await self._serve(request, MAKE_CALL, lambda body: self.make_call(body, region))

    async def _cdr_route(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, CDR, self.cdr)

    async def _serve(
        self,
        request: web.Request,
        request_type: str,
        handler: Callable[[object], Answer],
    ) -> web.StreamResponse:
        raw = await request.read()
        try:
            body: object = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, ValueError):
            body = None
        params: dict[str, str] = {}
        if isinstance(body, dict):
            params = {
                str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                for k, v in body.items()
            }
        entry = RequestLogEntry(
            self.name, request_type, request.method, request.path, redact_params(params)
        )
        self.host.request_log.append(entry)
        fault = self.host.faults.take(request_type)
        return await deliver(
            request,
            fault,
            lambda: handler(body),
            self,
            entry,
            failure_status=self.host.failure_http_status,
        )

    # --- answers -------------------------------------------------------------------------------

    def _json(self, doc: Mapping[str, Any], status: int = 200) -> Answer:
        return Answer(json.dumps(doc).encode(), status=status, content_type="application/json")

    def _refusal(
        self, refusal: Refusal, status: int | None = None, request_body: object = None
    ) -> Answer:
        if refusal.code == 420 and "auth_in_body" in self._shape(request_body):
            # As TeleCMI's v2 endpoints answer bad credentials (docs/providers/telecmi.md).
            return self._json({"error": True, "code": 404, "msg": "Authentication Failed"}, 200)
        if status is None:
            status = self.error_status if self.error_status is not None else refusal.code
        return self._json({"code": refusal.code, "error": refusal.text}, status)

    def _shape(self, body: object) -> frozenset[str]:
        """The variants served to the app ID a request body names."""
        appid = str(body.get("appid", "")) if isinstance(body, dict) else ""
        return self.host.variants.active(self.name, appid)

    def _check_credentials(self, body: object) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise Refusal(422, "Missing required property: appid (the body must be JSON)")
        for key in ("appid", "secret"):
            if body.get(key) in (None, ""):
                raise _missing(key)
        appid, secret = body["appid"], body["secret"]
        good_appid = secrets.compare_digest(str(appid).encode(), self.appid.encode())
        good_secret = isinstance(secret, str) and secrets.compare_digest(
            secret.encode(), self.secret.encode()
        )
        if not (good_appid and good_secret):
            raise Refusal(420, ERROR_TEXT[420])
        if not _is_int(appid):
            raise _invalid("appid")
        return body

    def make_call(self, body: object, region: str = "global") -> Answer:
        """The complete answer to one make-call request (the call is recorded on success)."""
        try:
            doc = self._check_credentials(body)
            for key in ("from", "to", "pcmo"):
                if doc.get(key) in (None, "", []):
                    raise _missing(key) if key != "pcmo" or key not in doc else _pcmo_missing(key)
            for key in ("from", "to"):
                if not _is_int(doc[key]):
                    raise _invalid(key)
            if "extra_params" in doc and not isinstance(doc["extra_params"], dict | str):
                raise _invalid("extra_params")
            numbers = self._check_pcmo(doc["pcmo"])
        except Refusal as refusal:
            return self._refusal(refusal, request_body=body)
        request_id = new_request_id()
        record = {k: v for k, v in doc.items() if k != "secret"}
        record.update(request_id=request_id, region=region)
        with self._lock:
            self._placed.append(record)
            self._legs[request_id] = self._make_legs(doc["from"], doc["to"], numbers)
        return self._json(
            {
                "data": {"status": "progress", "request_id": request_id},
                "status": "progress",
                "request_id": request_id,
                "code": 200,
            }
        )

    def _check_pcmo(self, pcmo: object) -> list[int]:
        """The bridged numbers; a missing PCMO property is TeleCMI's 502."""
        if not isinstance(pcmo, list):
            raise _invalid("pcmo")
        numbers: list[int] = []
        for action in pcmo:
            if not isinstance(action, dict) or not action.get("action"):
                raise _pcmo_missing("action")
            if action["action"] != "bridge":
                continue
            for key in ("duration", "timeout", "from", "connect"):
                if action.get(key) in (None, "", []):
                    raise _pcmo_missing(key)
            for key in ("duration", "timeout", "from"):
                if not _is_int(action[key]):
                    raise _invalid(key)
            connect = action["connect"]
            if not isinstance(connect, list):
                raise _invalid("connect")
            for target in connect:
                if not isinstance(target, dict):
                    raise _pcmo_missing("type")
                for key in ("type", "number"):
                    if target.get(key) in (None, ""):
                        raise _pcmo_missing(key)
                if target["type"] == "pstn" and not _is_int(target["number"]):
                    raise _invalid("number")
                if _is_int(target["number"]):
                    numbers.append(target["number"])
        return numbers

    def _make_legs(self, caller: int, agent: int, numbers: list[int]) -> list[dict[str, Any]]:
        now_ms = int(time.time() * 1000)
        legs: list[dict[str, Any]] = []
        for index, (to, duration) in enumerate([(agent, 42)] + [(n, 35) for n in numbers[:1]]):
            self._balance -= _RATE * max(1, -(-duration // 60))
            legs.append(
                {
                    "duration": duration,
                    "balance": f"{self._balance:.4f}",
                    "rate": _RATE,
                    "from": caller,
                    "to": to,
                    "time": now_ms + index * 7000,
                    "leg": "ab"[index],
                    "direction": "outbound",
                    "status": "answered",
                }
            )
        return legs

    def cdr(self, body: object) -> Answer:
        """The complete answer to one ``requestid_cdr`` request."""
        try:
            doc = self._check_credentials(body)
            request_id = doc.get("request_id")
            if request_id in (None, ""):
                raise _missing("request_id")
            if not isinstance(request_id, str):
                raise _invalid("request_id")
        except Refusal as refusal:
            return self._refusal(refusal, request_body=body)
        legs = self.legs(request_id)
        return self._json({"count": len(legs), "cdr": legs, "code": 200})

    # --- FaultBodies ---------------------------------------------------------------------------

    def error_answer(self, code: str, status: int | None = None) -> Answer:
        number = int(code) if code.isdigit() else (420 if "auth" in code else 422)
        return self._refusal(Refusal(number, ERROR_TEXT.get(number, "Error")), status)

    def malformed_body(self) -> bytes:
        return (
            b'<br />\n<b>Warning</b>: upstream sent an invalid header<br />\n{"data": '
            b'{"status": "progress", "request_id": "FrTckxcdYpJQ'
        )

    def xxe_body(self) -> bytes:
        return self.malformed_body()

    def billion_laughs_body(self) -> bytes:
        return self.malformed_body()

    def placeholder_body(self, request_type: str) -> bytes:
        if request_type == CDR:
            return json.dumps({"count": 0, "cdr": [], "code": 200}).encode()
        request_id = new_request_id()
        return json.dumps(
            {
                "data": {"status": "progress", "request_id": request_id},
                "status": "progress",
                "request_id": request_id,
                "code": 200,
            }
        ).encode()
