"""The TrueCNAM TrueCLID simulator: ``GET /api/v1`` (and ``/api/v1/``) on the sandbox origin.

Shapes follow ``docs/providers/truecnam.md``:

- Query: ``username``, ``password`` (the API key; both checked first), optional ``resp_format``
  (``json``/``xml``/``csv``, default ``default_format``) and ``resp_type``
  (``simple``/``basic``/``extended``, default ``default_type``), ``calling_number``,
  ``called_number`` (E.164 digits with the country code, a leading ``+`` tolerated),
  ``call_party`` (``orig_call_start``; ``orig_call_end`` is for carrier accounts and refused).
- Answer, always HTTP 200 with the host's ``failure_http_status`` for errors (200 by default):
  ``json`` ``{"status": "ok", "err": "0", "error_msg": ""}`` (``application/json``);
  ``xml`` ``<response><status>ok</status><err>0</err><error_msg/></response>`` (``text/xml``);
  ``csv`` ``ok,0,`` (``text/csv``). ``simple`` gives only ``status``; ``basic`` and
  ``extended`` give the three fields.
- Error numbers (ASSUMED by the project, the same as the adapter's table): 1 authentication
  failed, 2 missing field, 3 bad calling_number, 4 bad called_number, 5 bad call_party,
  6 call_party not allowed for the account, 7 account suspended, 8 no balance/allowance,
  9 bad resp_format/resp_type, 99 internal error.
- Order of checks: credentials, response format/type, then ``fail_with`` (the switch that makes
  every call start fail, e.g. ``sim.fail_with = ("7", "Account suspended")``), then fields. An
  accepted call start is appended to ``call_starts`` (thread-safe; read a snapshot).
- Request log: ``request_type="truecnam.call_start"``; ``password`` *and* ``username`` are ``***``.
  Faults: ``server.faults.add("truecnam.call_start", kind)``.
- Control (loopback): ``GET /_sandbox/truecnam/call_starts``, ``DELETE`` it to clear;
  ``POST /_sandbox/truecnam/fail_with`` ``{"err": "7", "error_msg": "..."}``, ``DELETE`` it to
  answer normally again.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

import phonenumbers
from aiohttp import web
from phonenumbers import NumberParseException

from telephony_desktop.sandbox.core import REDACTED, HostedSimulator, RequestLogEntry, redact_params
from telephony_desktop.sandbox.faults import Answer, deliver
from telephony_desktop.sandbox.xmlout import XML_DECL, esc_any

if TYPE_CHECKING:
    from telephony_desktop.sandbox.core import SandboxHost

log = logging.getLogger(__name__)

API_PATH: Final = "/api/v1"
REQUEST_TYPE: Final = "truecnam.call_start"
CALL_PARTIES: Final = ("orig_call_start", "orig_call_end")
RESP_FORMATS: Final = ("json", "xml", "csv")
RESP_TYPES: Final = ("simple", "basic", "extended")
CONTENT_TYPES: Final = {"json": "application/json", "xml": "text/xml", "csv": "text/csv"}

# The error numbers the project assumes (providers/truecnam/errors.py has the same table).
ERRORS: Final[dict[str, str]] = {
    "1": "Authentication failed: invalid API key username or password",
    "2": "Missing required field",
    "3": "Invalid calling_number: E.164 with country code expected",
    "4": "Invalid called_number: E.164 with country code expected",
    "5": "Invalid call_party",
    "6": "call_party not allowed for this account",
    "7": "Account suspended",
    "8": "Insufficient balance or query limit reached",
    "9": "Invalid resp_format or resp_type",
    "99": "Internal error",
}
# Fault codes in the sandbox's generic vocabulary, translated to TrueCNAM numbers.
_FAULT_CODES: Final = {"authentication_failed": "1", "internal_error": "99"}
_NUMBER: Final = re.compile(r"^\+?([1-9]\d{6,14})$")


@dataclass(frozen=True, slots=True)
class TrueClidCallStart:
    """One accepted call start."""

    calling_number: str
    called_number: str
    call_party: str
    resp_format: str
    resp_type: str
    time: float = field(default_factory=time.time)


class _Failure(Exception):
    def __init__(self, err: str, error_msg: str | None = None) -> None:
        super().__init__(err)
        self.err = err
        self.error_msg = error_msg if error_msg is not None else ERRORS.get(err, "Error")


def _valid_number(value: str) -> str | None:
    """The digits of an E.164 number with its country code, or None."""
    match = _NUMBER.match(value.strip())
    if match is None:
        return None
    digits = match.group(1)
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except NumberParseException:
        return None
    return digits if phonenumbers.is_possible_number(parsed) else None


class TrueCnamSimulator(HostedSimulator):
    """Serves one TrueCNAM API key on a sandbox server."""

    name = "truecnam"

    def __init__(self, username: str | None = None, password: str | None = None) -> None:
        self.username = username if username is not None else secrets.token_hex(8)
        self.password = password if password is not None else secrets.token_hex(16)
        self.default_format = "json"  # the "account default" when resp_format is not sent
        self.default_type = "extended"
        self._lock = threading.Lock()
        self._call_starts: list[TrueClidCallStart] = []
        self._fail_with: tuple[str, str] | None = None

    # --- inspection and switches -----------------------------------------------------------

    @property
    def call_starts(self) -> list[TrueClidCallStart]:
        """A snapshot of the accepted call starts, oldest first."""
        with self._lock:
            return list(self._call_starts)

    def clear_call_starts(self) -> None:
        with self._lock:
            self._call_starts.clear()

    @property
    def fail_with(self) -> tuple[str, str] | None:
        """``(err, error_msg)`` answered to every call start (after the credentials check)."""
        with self._lock:
            return self._fail_with

    @fail_with.setter
    def fail_with(self, value: tuple[str, str] | None) -> None:
        with self._lock:
            self._fail_with = (str(value[0]), str(value[1])) if value is not None else None

    def credentials(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password}

    # --- mounting ------------------------------------------------------------------------

    def mount(self, app: web.Application, host: SandboxHost) -> None:
        self._host = host
        app.router.add_get(API_PATH, self._api)
        app.router.add_get(API_PATH + "/", self._api)
        app.router.add_get("/_sandbox/truecnam/call_starts", self._control_call_starts)
        app.router.add_delete("/_sandbox/truecnam/call_starts", self._control_clear_call_starts)
        app.router.add_post("/_sandbox/truecnam/fail_with", self._control_fail_with)
        app.router.add_delete("/_sandbox/truecnam/fail_with", self._control_no_fail)

    # --- API -----------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        params = dict(request.query)
        logged = redact_params(params)
        if "username" in logged:
            logged["username"] = REDACTED  # half of the API key: never logged
        entry = RequestLogEntry(self.name, REQUEST_TYPE, request.method, request.path, logged)
        self.host.request_log.append(entry)
        fault = self.host.faults.take(REQUEST_TYPE)
        return await deliver(
            request,
            fault,
            lambda: self.answer(params),
            self,
            entry,
            failure_status=self.host.failure_http_status,
        )

    def _format(self, query: Mapping[str, str]) -> tuple[str, str]:
        fmt = (query.get("resp_format") or "").strip().lower() or self.default_format
        typ = (query.get("resp_type") or "").strip().lower() or self.default_type
        return fmt, typ

    def answer(self, query: Mapping[str, str]) -> Answer:
        """The complete answer to ``query`` (an accepted call start is recorded)."""
        fmt, typ = self._format(query)
        # "no_status": extended JSON as real answers come, without "status" (docs/providers).
        account = (query.get("username") or "").strip()
        bare = self._host is not None and "no_status" in self.host.variants.active(
            self.name, account
        )
        bad_format = fmt not in RESP_FORMATS or typ not in RESP_TYPES
        if bad_format:  # answer the error in a format the caller can read
            fmt, typ = (fmt if fmt in RESP_FORMATS else "json"), "extended"
        try:
            self._check_credentials(query)
            if bad_format:
                raise _Failure("9")
            failing = self.fail_with
            if failing is not None:
                raise _Failure(*failing)
            record = self._call_start(query, fmt, typ)
        except _Failure as failure:
            status = self._failure_status()
            return self._render("error", failure.err, failure.error_msg, fmt, typ, status, bare)
        except Exception:
            log.exception("sandbox: TrueCNAM handler crashed")
            return self._render("error", "99", ERRORS["99"], fmt, typ, 500, bare)
        with self._lock:
            self._call_starts.append(record)
        return self._render("ok", "0", "", fmt, typ, 200, bare)

    def _failure_status(self) -> int:
        return self._host.failure_http_status if self._host is not None else 200

    def _check_credentials(self, query: Mapping[str, str]) -> None:
        username = (query.get("username") or "").strip()
        password = query.get("password") or ""
        good_user = secrets.compare_digest(username.encode(), self.username.encode())
        good_password = secrets.compare_digest(password.encode(), self.password.encode())
        if not (username and password and good_user and good_password):
            raise _Failure("1")

    def _call_start(self, query: Mapping[str, str], fmt: str, typ: str) -> TrueClidCallStart:
        call_party = (query.get("call_party") or "").strip()
        if not call_party:
            raise _Failure("2", "Missing required field: call_party")
        if call_party not in CALL_PARTIES:
            raise _Failure("5")
        if call_party != "orig_call_start":
            raise _Failure("6")  # orig_call_end: carrier accounts only
        numbers: dict[str, str] = {}
        for name, err in (("calling_number", "3"), ("called_number", "4")):
            value = (query.get(name) or "").strip()
            if not value:
                raise _Failure("2", f"Missing required field: {name}")
            digits = _valid_number(value)
            if digits is None:
                raise _Failure(err)
            numbers[name] = digits
        return TrueClidCallStart(
            calling_number=numbers["calling_number"],
            called_number=numbers["called_number"],
            call_party=call_party,
            resp_format=fmt,
            resp_type=typ,
        )

    # --- rendering -----------------------------------------------------------------------

    @staticmethod
    def render_body(
        status: str, err: str, error_msg: str, fmt: str, typ: str, bare: bool = False
    ) -> bytes:
        if bare and fmt == "json" and typ != "simple":
            doc = {"err": err, "error_msg": error_msg, "queries_per_minute_remaining": 59}
            return json.dumps(doc).encode()
        fields: list[tuple[str, str]] = [("status", status)]
        if typ != "simple":
            fields += [("err", err), ("error_msg", error_msg)]
        if fmt == "xml":
            inner = "".join(f"<{k}>{esc_any(v)}</{k}>" for k, v in fields)
            return (XML_DECL + f"<response>{inner}</response>\n").encode()
        if fmt == "csv":
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerow([v for _, v in fields])
            return out.getvalue().encode()
        return json.dumps(dict(fields)).encode()

    def _render(
        self, status: str, err: str, msg: str, fmt: str, typ: str, code: int, bare: bool = False
    ) -> Answer:
        body = self.render_body(status, err, msg, fmt, typ, bare)
        return Answer(body=body, status=code, content_type=CONTENT_TYPES[fmt])

    # --- FaultBodies -----------------------------------------------------------------------

    def error_answer(self, code: str, status: int | None = None) -> Answer:
        err = _FAULT_CODES.get(code, code)
        msg = ERRORS.get(err, "Error")
        return self._render("error", err, msg, "json", "extended", status or 200)

    def malformed_body(self) -> bytes:
        return (
            b"<br />\n<b>Warning</b>:  mysqli_connect(): (HY000/2002): Connection refused in "
            b"<b>/var/www/api/v1/index.php</b> on line <b>17</b><br />\n"
            b'{"status": "ok", "err'
        )

    def xxe_body(self) -> bytes:
        return (
            XML_DECL + '<!DOCTYPE response [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
            "<response><status>ok</status><err>0</err><error_msg>&xxe;</error_msg></response>\n"
        ).encode()

    def billion_laughs_body(self) -> bytes:
        lines = ['<!ENTITY lol "lol">', '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">']
        for i in range(2, 10):
            lines.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">')
        return (
            XML_DECL
            + "<!DOCTYPE lolz [\n  "
            + "\n  ".join(lines)
            + "\n]>\n<response><status>ok</status><err>0</err><error_msg>&lol9;</error_msg>"
            "</response>\n"
        ).encode()

    def placeholder_body(self, request_type: str) -> bytes:
        return self.render_body("ok", "0", "", "json", "extended")

    # --- control -------------------------------------------------------------------------

    async def _control_call_starts(self, request: web.Request) -> web.Response:
        rows: list[dict[str, Any]] = [asdict(c) for c in self.call_starts]
        return web.json_response(rows)

    async def _control_clear_call_starts(self, request: web.Request) -> web.Response:
        self.clear_call_starts()
        return web.json_response({"cleared": True})

    async def _control_fail_with(self, request: web.Request) -> web.Response:
        try:
            data = await request.json()
            err = str(data["err"])
            msg = str(data.get("error_msg", ERRORS.get(err, "Error")))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise web.HTTPBadRequest(text='expected {"err": "...", "error_msg": "..."}') from None
        self.fail_with = (err, msg)
        return web.json_response({"err": err, "error_msg": msg})

    async def _control_no_fail(self, request: web.Request) -> web.Response:
        self.fail_with = None
        return web.json_response({"fail_with": None})
