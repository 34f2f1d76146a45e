"""The VoiceMeUp XML Engine simulator: ``GET /xml_engine/xml_engine.php`` and its audio files.

Shapes follow ``docs/providers/voicemeup.md``. Some choices the vendor page leaves open:

- Failure envelopes go out with the host's ``failure_http_status`` (200 by default, like the
  real engine). Several parameter errors in one request give several ``<error>`` elements.
- Records are wrapped in a list element for some request types and not for others (``<calls>``,
  ``<voicemails>``, ``<recordings>``, ``<inventory>``, ``<peers>``, ``<e911_endpoints>``;
  ``did_details``, ``mailbox_details`` and ``network_status`` bare) and identifiers are attributes
  or children (``recording_hash`` attribute with ``call_recording_id`` child, ``client_mailbox_id``
  child, ``voicemail_hash`` child...), so the client's tolerant reading is exercised.
- ``get_calls`` needs ``date_from``+``date_to`` or ``unique_id`` (else
  ``required_parameter_not_found``); results are in log order, oldest first; with
  ``unique_id`` only calls logged after that call, with dates also in that window.
  ``date_from`` alone is taken (as the real engine does). ``meta_data`` is sent only when asked
  (``metadata=yes|all|only``; the vendor's default is ``no``); ``only`` keeps calls that have
  some.
- Variants (``sandbox.variants``) serve, per account, the shapes public clients of the real
  engine show: audio addresses with their own query, calls without ``call_hash``, ``HH:MM:SS``
  durations, and four other failure envelopes.
- Voicemails and recordings are listed newest first. ``delete_recordings`` marks the recording
  ``deleted``: it leaves the default listing (``status=deleted`` still shows it) and its audio
  answers 404. ``delete_voicemails`` removes the voicemail. An unknown ``call_voicemail_id``
  gives ``internal_error-invalid_argument`` (no documented code exists).
- ``call_dispatch`` logs an answered outbound call with the new ``call_hash`` and the
  ``meta_data`` at once (and a recording when ``enable_recording=1``).
- Audio: ``/xml_engine/media/{voicemails|recordings}/{id}.wav`` with the engine's credentials in
  the query; single ``Range: bytes=a-b`` requests get a 206.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Final, TypeVar

from aiohttp import web

from telephony_desktop.sandbox import e911
from telephony_desktop.sandbox.audio import wav_bytes
from telephony_desktop.sandbox.core import (
    HostedSimulator,
    RequestLogEntry,
    SandboxHost,
    is_loopback,
    redact_params,
)
from telephony_desktop.sandbox.faults import PAGING_FAULTS, Answer, deliver
from telephony_desktop.sandbox.seed import (
    PLACES,
    CallRow,
    DidRec,
    E911Rec,
    InventoryRec,
    MailboxRec,
    NetworkStatusRec,
    PeerRec,
    RecordingRec,
    VoicemailRec,
    from_ts,
    hex32,
)
from telephony_desktop.sandbox.voicemeup_codes import describe
from telephony_desktop.sandbox.voicemeup_state import VoiceMeUpState
from telephony_desktop.sandbox.xmlout import XML_DECL, esc, esc_any, record

log = logging.getLogger(__name__)

ENGINE_PATH: Final = "/xml_engine/xml_engine.php"
MEDIA_PREFIX: Final = "/xml_engine/media"
AUDIO_SCRIPT_PREFIX: Final = "/xml_engine"  # the audio_query variant's voicemail_file.php ...

# Every request_type name the project assumes (providers README); those without a handler
# answer request_type_not_implemented.
KNOWN_REQUEST_TYPES: Final = frozenset(
    [
        "get_calls",
        "get_recordings",
        "delete_recordings",
        "get_voicemails",
        "delete_voicemails",
        "get_faxes",
        "delete_faxes",
        "get_dids",
        "set_did",
        "get_did_inventory",
        "order_did",
        "request_did",
        "get_npa",
        "get_ratecenter_exchanges",
        "get_ratecenters",
        "get_peers",
        "set_peer",
        "get_mailboxes",
        "set_mailbox",
        "get_extensions",
        "set_extension",
        "get_account",
        "get_account_preferences",
        "get_funding_details",
        "get_transactions",
        "get_countries",
        "get_states",
        "get_call_issues",
        "get_rates",
        "get_plans",
        "get_e911_endpoints",
        "validate_e911_address",
        "set_e911_address",
        "delete_e911_address",
        "associate_e911_peer",
        "disassociate_e911_peer",
        "get_network_status",
        "call_dispatch",
    ]
)
WRITE_REQUEST_TYPES: Final = frozenset(
    {
        "delete_voicemails",
        "delete_recordings",
        "set_did",
        "order_did",
        "set_e911_address",
        "delete_e911_address",
        "associate_e911_peer",
        "disassociate_e911_peer",
        "call_dispatch",
    }
)
TIMEOUTS: Final = frozenset(
    {"disabled", "2", "5", "10", "15", "20", "25", "30", "35", "40", "45", "50", "55"}
)
DID_OPTIONS: Final = (
    "enable_forwarding",
    "enable_voicemail",
    "enable_peer",
    "enable_recording",
    "enable_ivr",
    "enable_fax",
)
ADDRESS_TYPES: Final = frozenset(
    [
        "apartment",
        "basement",
        "building",
        "department",
        "floor",
        "front",
        "hanger",
        "key",
        "lobby",
        "lot",
        "lower",
        "office",
        "penthouse",
        "pier",
        "rear",
        "room",
        "side",
        "slip",
        "space",
        "stop",
        "suite",
        "trailer",
        "unit",
        "upper",
    ]
)
RECORDING_STATUSES: Final = ("unverified", "verified", "deleted")
STATE_IDS: Final = {"11": "QC", "9": "ON", "2": "BC"}
COUNTRY_IDS: Final = {"38": "CA", "226": "US"}
NON_CALLERID_PREFIXES: Final = ("1", "800", "888", "877", "866", "855")

_ACCOUNT_RE = re.compile(r"^\d{8}$")
_TOKEN_RE = re.compile(r"^[0-9a-fA-F]{32}$")
_DIGITS = re.compile(r"^\d+$")
_PHONE10 = re.compile(r"^\d{10}$")
_PHONE10_15 = re.compile(r"^\d{10,15}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ALNUM32 = re.compile(r"^[A-Za-z0-9]{32}$")
_HASH_DASHED = re.compile(r"^[A-Za-z0-9-]{32,36}$")
_USERNAME = re.compile(r"^[A-Za-z0-9_]{3,16}$")


def _is_name(value: str, lo: int, hi: int) -> bool:
    """Alphanumeric (any script) and spaces, ``lo``..``hi`` characters, not blank."""
    return (
        lo <= len(value) <= hi
        and value.strip() != ""
        and all(ch.isalnum() or ch == " " for ch in value)
    )


class EngineFailure(Exception):
    """A documented failure: one or more error codes, and optional extra records."""

    def __init__(
        self, *codes: str, extra: str = "", status: int | None = None, text: str | None = None
    ) -> None:
        super().__init__(", ".join(codes))
        self.codes = codes
        self.extra = extra
        self.status = status
        self.text = text


class Params:
    """The query of one request, with vendor-table validators that collect error codes."""

    def __init__(self, query: Mapping[str, str]) -> None:
        self.query = query
        self.errors: list[str] = []

    def fail(self, code: str) -> None:
        if code not in self.errors:
            self.errors.append(code)

    def raise_if_failed(self) -> None:
        if self.errors:
            raise EngineFailure(*self.errors)

    def raw(self, name: str) -> str | None:
        """The value as sent ("" kept), or None when absent."""
        return self.query.get(name)

    def get(self, name: str) -> str | None:
        """The value stripped, or None when absent or empty."""
        value = self.query.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def int_in(self, name: str, lo: int, hi: int | None, code: str, default: int) -> int:
        value = self.get(name)
        if value is None:
            return default
        if not _DIGITS.match(value) or int(value) < lo or (hi is not None and int(value) > hi):
            self.fail(code)
            return default
        return int(value)

    def date(self, name: str, code: str) -> date | None:
        value = self.get(name)
        if value is None:
            return None
        if not _DATE_RE.match(value):
            self.fail(code)
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(code)
            return None

    def enum(self, name: str, allowed: frozenset[str] | tuple[str, ...], code: str) -> str | None:
        value = self.get(name)
        if value is not None and value not in allowed:
            self.fail(code)
            return None
        return value

    def integer(self, name: str, code: str) -> int | None:
        value = self.get(name)
        if value is None:
            return None
        if not _DIGITS.match(value):
            self.fail(code)
            return None
        return int(value)

    def phone(self, name: str, code: str = "phone_number_invalid") -> str | None:
        value = self.get(name)
        if value is not None and not _PHONE10.match(value):
            self.fail(code)
            return None
        return value


@dataclass(slots=True)
class Req:
    """One engine request being answered."""

    p: Params
    request_type: str
    language: str
    currency: str
    origin: str
    warnings: list[tuple[str, str]] = field(default_factory=list)
    shape: frozenset[str] = frozenset()  # the variants served to this account
    endless: bool = False  # the ``endless_pages`` fault: a full page of never-seen records

    def warn(self, code: str) -> None:
        self.warnings.append((code, describe(code, self.language)))


_R = TypeVar("_R", CallRow, VoicemailRec)


def _renumbered(record: _R, n: int) -> _R:
    """``record`` under ids no other record has (the ``endless_pages`` fault)."""
    if isinstance(record, CallRow):
        return record._replace(unique_id=f"e{n:031x}")
    return replace(record, call_voicemail_id=900_000_000 + n, voicemail_hash=f"{n:032x}")


def _money(units: int) -> str:
    return f"{units // 10000}.{units % 10000:04d}"


_PLACE_XML: Final = tuple(
    f"<country_id>{cid}</country_id><country>{esc(country)}</country><state_id>{sid}</state_id>"
    f"<state>{esc(state)}</state><district>{esc(district)}</district>"
    for cid, country, sid, state, district in PLACES
)


class VoiceMeUpSimulator(HostedSimulator):
    """Serves one VoiceMeUp account (:class:`VoiceMeUpState`) on a sandbox server."""

    name = "voicemeup"

    def __init__(self, state: VoiceMeUpState, *, account_id: str, auth_token: str) -> None:
        self.state = state
        self.account_id = account_id
        self.auth_token = auth_token
        self._day_cache: dict[int, str] = {}
        self._fresh = 0  # ids handed out by the ``endless_pages`` fault
        self._handlers: dict[str, Callable[[Req], str]] = {
            "get_calls": self._get_calls,
            "get_voicemails": self._get_voicemails,
            "delete_voicemails": self._delete_voicemails,
            "get_recordings": self._get_recordings,
            "delete_recordings": self._delete_recordings,
            "get_dids": self._get_dids,
            "set_did": self._set_did,
            "get_did_inventory": self._get_did_inventory,
            "order_did": self._order_did,
            "get_peers": self._get_peers,
            "get_mailboxes": self._get_mailboxes,
            "get_e911_endpoints": self._get_e911_endpoints,
            "validate_e911_address": self._validate_e911_address,
            "set_e911_address": self._set_e911_address,
            "delete_e911_address": self._delete_e911_address,
            "associate_e911_peer": self._associate_e911_peer,
            "disassociate_e911_peer": self._disassociate_e911_peer,
            "get_network_status": self._get_network_status,
            "get_account": self._get_account,
            "get_funding_details": self._get_funding_details,
            "call_dispatch": self._call_dispatch,
        }

    # --- mounting ------------------------------------------------------------------------

    def mount(self, app: web.Application, host: SandboxHost) -> None:
        self._host = host
        app.router.add_get(ENGINE_PATH, self._engine)
        app.router.add_get(
            MEDIA_PREFIX + r"/{kind:voicemails|recordings}/{media_id:\d+}.wav", self._media
        )
        app.router.add_get(
            AUDIO_SCRIPT_PREFIX + r"/{script:voicemail|recording}_file.php", self._media
        )
        app.router.add_post("/_sandbox/calls", self._control_add_call)
        app.router.add_post("/_sandbox/voicemails", self._control_add_voicemail)

    @property
    def implemented(self) -> frozenset[str]:
        return frozenset(self._handlers)

    # --- engine --------------------------------------------------------------------------

    async def _engine(self, request: web.Request) -> web.StreamResponse:
        params = dict(request.query)
        request_type = params.get("request_type", "")
        entry = RequestLogEntry(
            self.name, request_type, request.method, request.path, redact_params(params)
        )
        self.host.request_log.append(entry)
        fault = self.host.faults.take(request_type)
        origin = f"{request.scheme}://{request.host}"
        paging = fault.kind if fault is not None and fault.kind in PAGING_FAULTS else None
        return await deliver(
            request,
            fault,
            lambda: self.answer(params, origin, paging=paging),
            self,
            entry,
            failure_status=self.host.failure_http_status,
        )

    def answer(
        self, query: Mapping[str, str], origin: str = "", *, paging: str | None = None
    ) -> Answer:
        """The engine's complete answer to ``query`` (state changes included). ``paging``: a
        paging fault (``faults.PAGING_FAULTS``) the listing handlers apply."""
        if paging == "stuck_pages":
            query = {k: v for k, v in query.items() if k != "result_offset"}
        language = query.get("language", "en") if query.get("language") in ("en", "fr") else "en"
        shape = self.shape_for(query)
        try:
            self._check_credentials(query)
            request_type = (query.get("request_type") or "").strip()
            if not request_type:
                raise EngineFailure("request_type_required")
            if request_type not in self._handlers:
                if request_type in KNOWN_REQUEST_TYPES:
                    raise EngineFailure("request_type_not_implemented")
                raise EngineFailure("request_type_invalid")
            p = Params(query)
            p.enum("language", ("en", "fr"), "language_invalid")
            currency = p.enum("currency", ("CAD", "USD", "EUR"), "currency_invalid") or "CAD"
            p.raise_if_failed()
            req = Req(
                p, request_type, language, currency, origin, shape=shape,
                endless=paging == "endless_pages",
            )  # fmt: skip
            with self.state.lock:
                records = self._handlers[request_type](req)
            return self._success(request_type, records, req.warnings)
        except EngineFailure as failure:
            return self._failure(failure, language, shape)
        except Exception:
            log.exception("sandbox: VoiceMeUp handler crashed")
            crash = EngineFailure("internal_error-database_error", status=500)
            return self._failure(crash, "en", shape)

    def shape_for(self, query: Mapping[str, str]) -> frozenset[str]:
        """The variants served to the account a request names (``sandbox.variants``)."""
        account = (query.get("client_account_id") or "").strip()
        return self.host.variants.active(self.name, account)

    def _check_credentials(self, query: Mapping[str, str]) -> None:
        token = (query.get("auth_token") or "").strip()
        account = (query.get("client_account_id") or "").strip()
        if not token:
            raise EngineFailure("authentication_token_required")
        if not account:
            raise EngineFailure("client_account_id_required")
        if not _ACCOUNT_RE.match(account):
            raise EngineFailure("client_account_id_invalid")
        good_account = secrets.compare_digest(account.encode(), self.account_id.encode())
        good_token = bool(_TOKEN_RE.match(token)) and secrets.compare_digest(
            token.lower().encode(), self.auth_token.lower().encode()
        )
        if not (good_account and good_token):
            raise EngineFailure("authentication_failed")

    def _success(
        self, request_type: str, records: str, warnings: list[tuple[str, str]] | None = None
    ) -> Answer:
        warn = ""
        if warnings:
            items = "".join(f'<warning code="{esc(c)}">{esc(t)}</warning>' for c, t in warnings)
            warn = f"<warnings>{items}</warnings>"
        doc = (
            f"{XML_DECL}<response><status>success</status>"
            f"<request_type>{esc(request_type)}</request_type>{warn}{records}</response>\n"
        )
        return Answer(doc.encode("utf-8"))

    def failure_document(
        self,
        codes: tuple[str, ...],
        language: str = "en",
        extra: str = "",
        text: str | None = None,
        shape: frozenset[str] = frozenset(),
    ) -> bytes:
        """The failure envelope: the documented ``<errors><error code=...>`` or, for an account
        served a variant, one of the shapes public clients parse (``sandbox.variants``)."""
        said = [
            (esc(code), esc(text if text and i == 0 else describe(code, language)))
            for i, code in enumerate(codes)
        ]
        pairs = "".join(
            f"<error_type>{c}</error_type><error_description>{t}</error_description>"
            for c, t in said
        )
        if "errors_wrapped" in shape:
            doc = f'<xml_engine><response status="failed">{pairs}{extra}</response></xml_engine>'
            return f"{XML_DECL}{doc}\n".encode()
        if "errors_children" in shape:
            errors = "".join(
                f"<error><error_type>{c}</error_type><error_description>{t}</error_description>"
                "</error>"
                for c, t in said
            )
        elif "errors_text" in shape:
            errors = "".join(f"<error>{c}</error>" for c, _ in said)
        elif "errors_type" in shape:
            errors = "".join(f'<error type="{c}">{t}</error>' for c, t in said)
        else:
            errors = "".join(f'<error code="{c}">{t}</error>' for c, t in said)
        doc = f"<response><status>failed</status><errors>{errors}</errors>{extra}</response>"
        return f"{XML_DECL}{doc}\n".encode()

    def _failure(
        self, failure: EngineFailure, language: str, shape: frozenset[str] = frozenset()
    ) -> Answer:
        status = failure.status if failure.status is not None else self.host.failure_http_status
        body = self.failure_document(failure.codes, language, failure.extra, failure.text, shape)
        return Answer(body, status=status)

    # --- FaultBodies -----------------------------------------------------------------------

    def error_answer(self, code: str, status: int | None = None) -> Answer:
        shape = self.host.variants.active(self.name)
        return self._failure(EngineFailure(code, status=status), "en", shape)

    def malformed_body(self) -> bytes:
        return (
            b"<br />\n<b>Warning</b>:  mysqli_connect(): (HY000/2002): Connection refused in "
            b"<b>/var/www/xml_engine/db.php</b> on line <b>42</b><br />\n"
            + XML_DECL.encode()
            + b"<response><status>success</sta><calls><call_details unique_id=6a45>"
            b"<date>2010-08-04</time></calls>\n"
        )

    def xxe_body(self) -> bytes:
        return (
            XML_DECL + '<!DOCTYPE response [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
            "<response><status>success</status><request_type>get_account</request_type>"
            f'<account_details client_account_id="{self.account_id}">'
            "<callerid_name>&xxe;</callerid_name><account_balance>1.00CR</account_balance>"
            "</account_details></response>\n"
        ).encode()

    def billion_laughs_body(self) -> bytes:
        lines = ['<!ENTITY lol "lol">', '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">']
        for i in range(2, 10):
            refs = f"&lol{i - 1};" * 10
            lines.append(f'<!ENTITY lol{i} "{refs}">')
        return (
            XML_DECL
            + "<!DOCTYPE lolz [\n  "
            + "\n  ".join(lines)
            + "\n]>\n<response><status>success</status><request_type>get_account"
            "</request_type><account_details><callerid_name>&lol9;</callerid_name>"
            "</account_details></response>\n"
        ).encode()

    def placeholder_body(self, request_type: str) -> bytes:
        rows = "".join(
            f'<call_details unique_id="{i:032x}"><date>2024-01-0{i}</date>'
            f"<time>12:00:0{i}</time><direction>inbound</direction></call_details>"
            for i in range(1, 6)
        )
        return self._success(request_type or "get_calls", f"<calls>{rows}</calls>").body

    # --- rendering -----------------------------------------------------------------------

    def _date_time(self, ts: int) -> tuple[str, str]:
        day, sec = divmod(ts, 86400)
        date_text = self._day_cache.get(day)
        if date_text is None:
            date_text = from_ts(day * 86400).strftime("%Y-%m-%d")
            self._day_cache[day] = date_text
        return date_text, f"{sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}"

    def call_xml(self, c: CallRow, with_meta: bool = False) -> str:
        """A call as the engine documents it; ``meta_data`` only when the request asked
        (``metadata`` yes/all/only: the engine's own default is no)."""
        d, t = self._date_time(c.ts)
        other = c.destination if c.direction == "outbound" else c.source
        normalized = "1" + other if len(other) == 10 else other
        place = _PLACE_XML[c.place] if 0 <= c.place < len(_PLACE_XML) else ""
        tail = ""
        if c.call_hash:
            tail += f"<call_hash>{c.call_hash}</call_hash>"
        if c.meta_data and with_meta:
            tail += f"<meta_data>{esc_any(c.meta_data)}</meta_data>"
        return (
            f'<call_details unique_id="{c.unique_id}"><date>{d}</date><time>{t}</time>'
            f"<direction>{c.direction}</direction><source>{esc(c.source)}</source>"
            f"<destination>{esc(c.destination)}</destination>"
            f"<client_peer_id>{c.client_peer_id}</client_peer_id>{place}"
            f"<duration>{c.duration}</duration><callerid_name>{esc_any(c.callerid_name)}"
            f"</callerid_name><callerid_number>{esc(c.callerid_number)}</callerid_number>"
            f"<bindings></bindings><status>{c.status}</status><normalized>{normalized}"
            f"</normalized><billed_amount>{_money(c.billed)}</billed_amount>"
            f"<current_rate>{_money(c.rate)}</current_rate>"
            f"<monthly_usage>{'increment' if c.billed else ''}</monthly_usage>{tail}"
            "</call_details>"
        )

    def call_xml_public(self, c: CallRow, shape: frozenset[str], with_meta: bool = False) -> str:
        """A call as a public client of the real engine received it (``records_public``): no
        ``call_hash`` child (its ``unique_id`` is what recordings name), a destination with the
        leading 1; durations as ``HH:MM:SS`` with ``durations_hms``."""
        d, t = self._date_time(c.ts)
        destination = "1" + c.destination if len(c.destination) == 10 else c.destination
        meta = f"<meta_data>{esc_any(c.meta_data)}</meta_data>" if c.meta_data and with_meta else ""
        return (
            f'<call_details unique_id="{c.unique_id}"><date>{d}</date><time>{t}</time>'
            f"<direction>{c.direction}</direction><source>{esc(c.source)}</source>"
            f"<destination>{esc(destination)}</destination>"
            f"<client_peer_id>{c.client_peer_id}</client_peer_id>"
            f"<duration>{_duration(c.duration, shape)}</duration>"
            f"<callerid_name>{esc_any(c.callerid_name)}</callerid_name>"
            f"<callerid_number>{esc(c.callerid_number)}</callerid_number><bindings></bindings>"
            f"<status>{c.status}</status><billed_amount>{_money(c.billed)}</billed_amount>"
            f"<current_rate>{_money(c.rate)}</current_rate>{meta}</call_details>"
        )

    def audio_url(self, kind: str, media_id: int, origin: str, shape: frozenset[str]) -> str:
        """The ``file_url``: a path per file, or (``audio_query``) one script whose query names
        the file, as the real engine's addresses do."""
        if "audio_query" in shape:
            script = "voicemail_file.php" if kind == "voicemails" else "recording_file.php"
            return f"{origin}{AUDIO_SCRIPT_PREFIX}/{script}?id={media_id}&format=wav"
        return f"{origin}{MEDIA_PREFIX}/{kind}/{media_id}.wav"

    def voicemail_xml(
        self, v: VoicemailRec, origin: str, shape: frozenset[str] = frozenset()
    ) -> str:
        d, t = self._date_time(v.ts)
        return record(
            "voicemail_details",
            {"call_voicemail_id": str(v.call_voicemail_id)},
            [
                ("voicemail_hash", v.voicemail_hash),
                ("date", d),
                ("time", t),
                ("callerid_name", v.callerid_name),
                ("callerid_number", v.callerid_number),
                ("destination", v.destination),
                ("client_mailbox_id", v.client_mailbox_id),
                ("duration", _duration(v.duration, shape)),
                ("status", v.status),
                ("file_format", v.file_format),
                ("file_url", self.audio_url("voicemails", v.call_voicemail_id, origin, shape)),
            ],
        )

    def recording_xml(
        self,
        r: RecordingRec,
        origin: str,
        shape: frozenset[str] = frozenset(),
        call_hash: str | None = None,
    ) -> str:
        d, t = self._date_time(r.ts)
        return record(
            "recording_details",
            {"recording_hash": r.recording_hash},
            [
                ("call_recording_id", r.call_recording_id),
                ("call_hash", r.call_hash if call_hash is None else call_hash),
                ("date", d),
                ("time", t),
                ("source", r.source),
                ("destination", r.destination),
                ("duration", _duration(r.duration, shape)),
                ("status", r.status),
                ("file_format", r.file_format),
                ("file_url", self.audio_url("recordings", r.call_recording_id, origin, shape)),
            ],
        )

    @staticmethod
    def did_xml(d: DidRec) -> str:
        return record(
            "did_details",
            {"client_did_id": str(d.client_did_id)},
            [
                ("phone_number", d.phone_number),
                ("friendly_name", d.friendly_name),
                ("options", ",".join(d.options)),
                ("forward_number", d.forward_number),
                ("forward_timeout", d.forward_timeout),
                ("client_mailbox_id", d.client_mailbox_id),
                ("client_ivr_profile_id", d.client_ivr_profile_id),
                ("client_fax_profile_id", d.client_fax_profile_id),
                ("client_peer_ids", ",".join(d.client_peer_ids)),
                ("peer_timeout", d.peer_timeout),
                ("dnis_rewrite", d.dnis_rewrite),
                ("status", d.status),
            ],
        )

    @staticmethod
    def inventory_xml(i: InventoryRec) -> str:
        return record(
            "did_inventory",
            {"did_id": str(i.did_id)},
            [
                ("phone_number", i.phone_number),
                ("type", i.type),
                ("npa", i.npa),
                ("nxx", i.nxx),
                ("ratecenter_id", i.ratecenter_id),
                ("ratecenter", i.ratecenter),
                ("state", i.state),
                ("country", i.country),
                ("monthly_fee", i.monthly_fee),
            ],
        )

    @staticmethod
    def peer_xml(p: PeerRec) -> str:
        return record(
            "peer_details",
            {"client_peer_id": str(p.client_peer_id)},
            [
                ("username", p.username),
                ("friendly_name", p.friendly_name),
                ("callerid_name", p.callerid_name),
                ("callerid_number", p.callerid_number),
                ("status", p.status),
            ],
        )

    @staticmethod
    def mailbox_xml(m: MailboxRec) -> str:
        return record(
            "mailbox_details",
            {},
            [
                ("client_mailbox_id", m.client_mailbox_id),
                ("friendly_name", m.friendly_name),
                ("email", m.email),
                ("status", m.status),
            ],
        )

    def e911_xml(self, e: E911Rec) -> str:
        return record(
            "e911_details",
            {"client_endpoint_id": str(e.client_endpoint_id)},
            [
                ("phone_number", e.phone_number),
                ("first_name", e.first_name),
                ("last_name", e.last_name),
                ("civic_number", e.civic_number),
                ("street", e.street),
                ("city", e.city),
                ("state_code", e.state_code),
                ("country_code", e.country_code),
                ("postal_code", e.postal_code),
                ("address_type", e.address_type),
                ("address_type_number", e.address_type_number),
                ("language", e.language),
                ("client_peer_ids", ",".join(e.client_peer_ids)),
                (
                    "is_default",
                    "1" if e.client_endpoint_id == self.state.default_endpoint_id else "0",
                ),
            ],
        )

    def network_status_xml(self, n: NetworkStatusRec) -> str:
        d, t = self._date_time(n.ts)
        return record(
            "network_status",
            {"network_status_id": str(n.network_status_id)},
            [
                ("date", d),
                ("time", t),
                ("title", n.title),
                ("description", n.description),
                ("status", n.status),
            ],
        )

    # --- handlers: history -----------------------------------------------------------------

    def _get_calls(self, req: Req) -> str:
        p = req.p
        date_from = p.date("date_from", "date_from_invalid")
        date_to = p.date("date_to", "date_to_invalid")
        unique_id = p.get("unique_id")
        if unique_id is not None and (
            not _ALNUM32.match(unique_id) or self.state.call_position(unique_id) is None
        ):
            p.fail("unique_id_invalid")
        direction = p.enum("direction", ("inbound", "outbound"), "direction_invalid")
        limit = p.int_in("result_limit", 1, 1000, "result_limit_invalid", 25)
        offset = p.int_in("result_offset", 0, None, "result_offset_invalid", 0)
        metadata = p.enum(
            "metadata", ("yes", "only", "all", "no"), "internal_error-invalid_argument"
        )
        p.enum("use_archive", ("0", "1"), "internal_error-invalid_argument")
        # The real engine takes date_from alone (to today); date_to alone it does not.
        has_from, has_to = p.get("date_from") is not None, p.get("date_to") is not None
        if (has_to and not has_from) or (not has_from and unique_id is None):
            p.fail("required_parameter_not_found")
        p.raise_if_failed()
        rows = self.state.select_calls(
            date_from=date_from,
            date_to=date_to,
            after_unique_id=unique_id,
            direction=direction,
            offset=offset,
            limit=limit,
            metadata_only=metadata == "only",
        )
        if req.endless:
            rows = self._never_seen(rows or self.state.select_calls(offset=0, limit=limit), limit)
        with_meta = metadata in ("yes", "all", "only")
        if req.shape & {"records_public", "durations_hms"}:
            shape = req.shape
            items = [self.call_xml_public(c, shape, with_meta) for c in rows]
        else:
            call_xml = self.call_xml
            items = [call_xml(c, with_meta) for c in rows]
        return "<calls>" + "".join(items) + "</calls>"

    def _get_voicemails(self, req: Req) -> str:
        p = req.p
        limit = p.int_in("result_limit", 1, 1000, "result_limit_invalid", 25)
        offset = p.int_in("result_offset", 0, None, "result_offset_invalid", 0)
        date_from = p.date("date_from", "date_from_invalid")
        date_to = p.date("date_to", "date_to_invalid")
        vm_id = p.integer("call_voicemail_id", "internal_error-invalid_argument")
        vm_hash = p.get("voicemail_hash")
        if vm_hash is not None and not _HASH_DASHED.match(vm_hash):
            p.fail("internal_error-invalid_argument")
        p.raise_if_failed()
        items = []
        for v in self.state.list_voicemails():
            day = from_ts(v.ts).date()
            if vm_id is not None and v.call_voicemail_id != vm_id:
                continue
            if vm_hash is not None and v.voicemail_hash != vm_hash:
                continue
            if (date_from and day < date_from) or (date_to and day > date_to):
                continue
            items.append(v)
        page = items[offset : offset + limit]
        if req.endless:
            page = self._never_seen(items, limit)
        return (
            "<voicemails>"
            + "".join(self.voicemail_xml(v, req.origin, req.shape) for v in page)
            + "</voicemails>"
        )

    def _never_seen(self, records: Sequence[_R], limit: int) -> list[_R]:
        """``limit`` copies of ``records`` (cycled) under ids never given before."""
        if not records:
            return []
        out = []
        for i in range(limit):
            self._fresh += 1
            out.append(_renumbered(records[i % len(records)], self._fresh))
        return out

    def _delete_voicemails(self, req: Req) -> str:
        p = req.p
        vm_id = p.integer("call_voicemail_id", "internal_error-invalid_argument")
        vm_hash = p.get("voicemail_hash")
        before = p.date("date", "internal_error-invalid_argument")
        p.raise_if_failed()
        state = self.state
        if vm_id is not None:
            if not state.delete_voicemail(vm_id):
                raise EngineFailure("internal_error-invalid_argument")
        elif vm_hash is not None:
            found = [v for v in state.voicemails.values() if v.voicemail_hash == vm_hash]
            if not found:
                raise EngineFailure("internal_error-invalid_argument")
            state.delete_voicemail(found[0].call_voicemail_id)
        elif before is not None:
            for v in list(state.voicemails.values()):
                if from_ts(v.ts).date() < before:
                    state.delete_voicemail(v.call_voicemail_id)
        else:
            raise EngineFailure("required_parameter_not_found")
        return ""

    def _get_recordings(self, req: Req) -> str:
        p = req.p
        statuses: set[str] = {"unverified", "verified"}
        status_param = p.get("status")
        if status_param is not None:
            wanted = {s.strip() for s in status_param.split(",") if s.strip()}
            if not wanted or not wanted <= set(RECORDING_STATUSES):
                p.fail("status_invalid")
            else:
                statuses = wanted
        call_hash = p.get("call_hash")
        if call_hash is not None and not _ALNUM32.match(call_hash):
            p.fail("call_hash_invalid")
        rec_id = p.integer("call_recording_id", "call_recording_id_invalid")
        rec_hash = p.get("recording_hash")
        if rec_hash is not None and not _HASH_DASHED.match(rec_hash):
            p.fail("recording_hash_invalid")
        p.raise_if_failed()
        out = []
        # Where calls are served as the real engine's (records_public), their unique_id is the
        # hash a recording names.
        call_ids = self.state.call_ids_by_hash() if "records_public" in req.shape else {}
        for r in self.state.list_recordings():
            if r.status not in statuses:
                continue
            if call_hash is not None and r.call_hash != call_hash:
                continue
            if rec_id is not None and r.call_recording_id != rec_id:
                continue
            if rec_hash is not None and r.recording_hash != rec_hash:
                continue
            linked = call_ids.get(r.call_hash) if call_ids else None
            out.append(self.recording_xml(r, req.origin, req.shape, linked))
        return "<recordings>" + "".join(out) + "</recordings>"

    def _delete_recordings(self, req: Req) -> str:
        """Marks the recording(s) ``deleted`` (kept, hidden from the default listing; audio 404).

        By ``call_recording_id`` (unknown: ``call_recording_id_invalid``), ``call_hash`` (none:
        ``call_hash_invalid``) or ``date`` (all recordings before it). Deleting a deleted
        recording again succeeds.
        """
        p = req.p
        rec_id = p.integer("call_recording_id", "call_recording_id_invalid")
        call_hash = p.get("call_hash")
        if call_hash is not None and not _ALNUM32.match(call_hash):
            p.fail("call_hash_invalid")
        before = p.date("date", "internal_error-invalid_argument")
        p.raise_if_failed()
        recordings = self.state.recordings
        if rec_id is not None:
            if rec_id not in recordings:
                raise EngineFailure("call_recording_id_invalid")
            targets = [recordings[rec_id]]
        elif call_hash is not None:
            targets = [r for r in recordings.values() if r.call_hash == call_hash]
            if not targets:
                raise EngineFailure("call_hash_invalid")
        elif before is not None:
            targets = [r for r in recordings.values() if from_ts(r.ts).date() < before]
        else:
            raise EngineFailure("required_parameter_not_found")
        for r in targets:
            r.status = "deleted"
        return ""

    # --- handlers: DIDs --------------------------------------------------------------------

    def _find_did(self, p: Params, *, required: bool) -> DidRec | None:
        did_id = p.integer("client_did_id", "client_did_id_invalid")
        phone = p.phone("phone_number")
        if p.errors:
            return None
        if did_id is not None:
            did = self.state.dids.get(did_id)
            if did is None:
                p.fail("client_did_id_invalid")
            return did
        if phone is not None:
            did = self.state.did_by_number(phone)
            if did is None and required:
                p.fail("phone_number_invalid")
            return did
        if required:
            p.fail("required_parameter_not_found")
        return None

    def _get_dids(self, req: Req) -> str:
        p = req.p
        wanted = p.get("client_did_id") is not None or p.get("phone_number") is not None
        did = self._find_did(p, required=False)
        p.raise_if_failed()
        dids = list(self.state.dids.values()) if not wanted else [did] if did else []
        return "".join(self.did_xml(d) for d in dids)

    def _set_did(self, req: Req) -> str:
        p = req.p
        did = self._find_did(p, required=True)
        p.raise_if_failed()
        assert did is not None
        state = self.state
        changes: dict[str, object] = {}

        name = p.raw("friendly_name")
        if name is not None:
            if _is_name(name.strip(), 2, 32):
                changes["friendly_name"] = name.strip()
            else:
                p.fail("friendly_name_invalid")

        options = list(did.options)
        opt_raw = p.raw("options")
        if opt_raw is not None:
            wanted = [o.strip() for o in opt_raw.split(",") if o.strip()]
            if any(o not in DID_OPTIONS for o in wanted):
                p.fail("options_invalid")
            else:
                options = [o for o in DID_OPTIONS if o in wanted]
        for flag in ("enable_forwarding", "enable_voicemail", "enable_peer", "enable_recording"):
            value = p.get(flag)
            if value is None:
                continue
            if value not in ("0", "1"):
                p.fail("options_invalid")
            elif value == "1" and flag not in options:
                options = [o for o in DID_OPTIONS if o in options or o == flag]
            elif value == "0" and flag in options:
                options.remove(flag)
        changes["options"] = options

        fwd = p.raw("forward_number")
        if fwd is not None:
            fwd = fwd.strip()
            if fwd and not _PHONE10_15.match(fwd):
                p.fail("forward_number_invalid")
            elif fwd and any(d.phone_number == fwd for d in state.dids.values()):
                p.fail("forward_number_used_by_did")
            else:
                changes["forward_number"] = fwd
        for name_, code in (
            ("forward_timeout", "forward_timeout_invalid"),
            ("peer_timeout", "peer_timeout_invalid"),
        ):
            value = p.enum(name_, TIMEOUTS, code)
            if value is not None:
                changes[name_] = value

        mailbox = p.raw("client_mailbox_id")
        if mailbox is not None:
            mailbox = mailbox.strip()
            if mailbox and (not _DIGITS.match(mailbox) or int(mailbox) not in state.mailboxes):
                p.fail("client_mailbox_id_invalid")
            else:
                changes["client_mailbox_id"] = mailbox
        for name_ in ("client_ivr_profile_id", "client_fax_profile_id"):
            value = p.raw(name_)
            if value is not None:
                value = value.strip()
                if value and not _DIGITS.match(value):
                    p.fail("internal_error-invalid_argument")
                else:
                    changes[name_] = value

        peers_raw = p.raw("client_peer_ids")
        if peers_raw is not None:
            peer_ids = [x.strip() for x in peers_raw.split(",") if x.strip()]
            if len(set(peer_ids)) > 5:
                p.fail("peers_to_ring_limit_reached")
            elif any(not _DIGITS.match(x) or int(x) not in state.peers for x in peer_ids):
                p.fail("client_peer_id_invalid")
            else:
                changes["client_peer_ids"] = list(dict.fromkeys(peer_ids))

        dnis = p.raw("dnis_rewrite")
        if dnis is not None:
            dnis = dnis.strip()
            if dnis and not _PHONE10.match(dnis):
                p.fail("internal_error-invalid_argument")
            else:
                changes["dnis_rewrite"] = dnis
        status = p.enum("status", ("enabled", "disabled"), "status_invalid")
        if status is not None:
            changes["status"] = status
        p.raise_if_failed()

        # The resulting routing must make sense.
        final_opts = changes.get("options", did.options)
        assert isinstance(final_opts, list)
        if "enable_forwarding" in final_opts and not changes.get(
            "forward_number", did.forward_number
        ):
            p.fail("forward_number_required")
        if "enable_peer" in final_opts and not changes.get("client_peer_ids", did.client_peer_ids):
            p.fail("peer_required")
        if "enable_voicemail" in final_opts and not changes.get(
            "client_mailbox_id", did.client_mailbox_id
        ):
            p.fail("mailbox_invalid")
        p.raise_if_failed()
        for attr, new in changes.items():
            setattr(did, attr, new)
        return self.did_xml(did)

    def _get_did_inventory(self, req: Req) -> str:
        p = req.p
        kind = p.get("type")
        if kind is not None and kind not in ("local", "tollfree", "inum", "international"):
            raise EngineFailure(
                "type_invalid",
                text='Type must be one of "local", "tollfree", "inum" or "international".',
            )
        npa, nxx, rc = p.get("npa"), p.get("nxx"), p.get("ratecenter_id")
        if npa is not None and not re.fullmatch(r"\d{3}", npa):
            p.fail("npa_invalid")
        if nxx is not None and not re.fullmatch(r"\d{3}", nxx):
            p.fail("nxx_invalid")
        if rc is not None and not re.fullmatch(r"\d{6}", rc):
            p.fail("ratecenter_id_invalid")
        p.raise_if_failed()
        items = [
            i
            for i in self.state.inventory.values()
            if (kind is None or i.type == kind)
            and (npa is None or i.npa == npa)
            and (nxx is None or i.nxx == nxx)
            and (rc is None or i.ratecenter_id == rc)
        ]
        return "<inventory>" + "".join(self.inventory_xml(i) for i in items) + "</inventory>"

    def _order_did(self, req: Req) -> str:
        p = req.p
        did_id = p.integer("did_id", "internal_error-invalid_argument")
        phone = p.get("phone_number")
        if phone is not None and not _PHONE10_15.match(phone):
            p.fail("phone_number_invalid")
        if did_id is None and phone is None and not p.errors:
            p.fail("required_parameter_not_found")
        p.raise_if_failed()
        inventory = self.state.inventory
        if did_id is not None:
            item = inventory.get(did_id)
            if item is None:
                raise EngineFailure("internal_error-invalid_argument")
        else:
            found = [i for i in inventory.values() if i.phone_number == phone]
            if not found:
                raise EngineFailure("phone_number_not_found")
            item = found[0]
        return self.did_xml(self.state.order_did(item))

    # --- handlers: peers, mailboxes, account -------------------------------------------------

    def _get_peers(self, req: Req) -> str:
        p = req.p
        peer_id = p.integer("client_peer_id", "client_peer_id_invalid")
        p.raise_if_failed()
        peers = list(self.state.peers.values())
        if peer_id is not None:
            peers = [x for x in peers if x.client_peer_id == peer_id]
            if not peers:
                raise EngineFailure("client_peer_id_invalid")
        return "<peers>" + "".join(self.peer_xml(x) for x in peers) + "</peers>"

    def _get_mailboxes(self, req: Req) -> str:
        p = req.p
        box_id = p.integer("client_mailbox_id", "client_mailbox_id_invalid")
        p.raise_if_failed()
        boxes = list(self.state.mailboxes.values())
        if box_id is not None:
            boxes = [m for m in boxes if m.client_mailbox_id == box_id]
            if not boxes:
                raise EngineFailure("client_mailbox_id_invalid")
        return "".join(self.mailbox_xml(m) for m in boxes)

    def _get_account(self, req: Req) -> str:
        a = self.state.account
        return record(
            "account_details",
            {"client_account_id": a.client_account_id},
            [
                ("account_balance", a.account_balance),
                ("funds_left", a.funds_left),
                ("currency", req.currency),
                ("callerid_name", a.callerid_name),
                ("callerid_number", a.callerid_number),
                ("company_name", a.company_name),
                ("language", a.language),
            ],
        )

    def _get_funding_details(self, req: Req) -> str:
        a = self.state.account
        return record(
            "funding_details",
            {},
            [
                ("account_balance", a.account_balance),
                ("funds_left", a.funds_left),
                ("credit_limit", a.credit_limit),
                ("currency", req.currency),
            ],
        )

    def _get_network_status(self, req: Req) -> str:
        p = req.p
        limit = p.int_in("limit", 1, None, "result_limit_invalid", 5)
        offset = p.int_in("offset", 0, None, "result_offset_invalid", 0)
        p.raise_if_failed()
        rows = self.state.network_status[offset : offset + limit]
        return "".join(self.network_status_xml(n) for n in rows)

    # --- handlers: E911 --------------------------------------------------------------------

    def _endpoint_from(self, p: Params, *, allow_did: bool = False) -> E911Rec:
        """The endpoint named by client_endpoint_id (wins), phone_number or client_did_id."""
        endpoint_id = p.integer("client_endpoint_id", "client_endpoint_id_not_found")
        phone = p.phone("phone_number")
        did_id = p.integer("client_did_id", "client_did_id_not_found") if allow_did else None
        p.raise_if_failed()
        state = self.state
        if endpoint_id is not None:
            endpoint = state.e911.get(endpoint_id)
            if endpoint is None:
                raise EngineFailure("client_endpoint_id_not_found")
            return endpoint
        if phone is None and did_id is not None:
            did = state.dids.get(did_id)
            if did is None:
                raise EngineFailure("client_did_id_not_found")
            phone = did.phone_number
        if phone is None:
            raise EngineFailure("required_parameter_not_found")
        endpoint = state.endpoint_by_number(phone)
        if endpoint is None:
            raise EngineFailure("no_e911_endpoint_found")
        return endpoint

    def _get_e911_endpoints(self, req: Req) -> str:
        p = req.p
        if p.get("client_endpoint_id") is None and p.get("phone_number") is None:
            endpoints = list(self.state.e911.values())
        else:
            endpoints = [self._endpoint_from(p)]
        return (
            "<e911_endpoints>" + "".join(self.e911_xml(e) for e in endpoints) + "</e911_endpoints>"
        )

    def _check_address(self, req: Req, *, for_update: bool) -> dict[str, str]:
        """Validate the address parameters; returns the canonical fields on an exact match."""
        p = req.p
        required = ["phone_number", "civic_number", "street", "city", "postal_code"]
        if for_update:
            if p.get("first_name") is None:
                p.fail("first_name_not_found")
            if p.get("last_name") is None:
                p.fail("last_name_not_found")
            p.enum("language", ("en", "fr"), "language_invalid")
        if any(p.get(name) is None for name in required):
            p.fail("required_parameter_not_found")
        state_code = p.get("state_code")
        if state_code is None and p.get("state_id") is not None:
            state_code = STATE_IDS.get(p.get("state_id") or "")
            if state_code is None:
                p.fail("state_id_invalid")
        country_code = p.get("country_code")
        if country_code is None and p.get("country_id") is not None:
            country_code = COUNTRY_IDS.get(p.get("country_id") or "")
            if country_code is None:
                p.fail("country_id_invalid")
        if (state_code is None or country_code is None) and not p.errors:
            p.fail("required_parameter_not_found")
        phone = p.phone("phone_number")
        p.enum("address_type", ADDRESS_TYPES, "internal_error-invalid_argument")
        p.raise_if_failed()
        assert phone is not None and state_code is not None and country_code is not None
        if self.state.did_by_number(phone) is None:
            raise EngineFailure("phone_number_not_found")
        civic = p.get("civic_number") or ""
        check = e911.validate_address(
            civic,
            p.get("street") or "",
            p.get("city") or "",
            state_code,
            country_code,
            p.get("postal_code") or "",
        )
        if not check.valid:
            extra = ""
            if check.alternates:
                alts = "".join(
                    record(
                        "alternate_address",
                        {},
                        [
                            ("civic_number", check.civic_number),
                            ("street", a.street),
                            ("city", a.city),
                            ("state_code", a.state_code),
                            ("country_code", a.country_code),
                            ("postal_code", a.postal_code),
                        ],
                    )
                    for a in check.alternates
                )
                extra = f"<alternate_addresses>{alts}</alternate_addresses>"
            raise EngineFailure(check.code or "alternate_address_provided", extra=extra)
        return {
            "civic_number": check.civic_number,
            "street": " ".join((p.get("street") or "").split()),
            "city": " ".join((p.get("city") or "").split()),
            "state_code": state_code.upper(),
            "country_code": country_code.upper(),
            "postal_code": e911.postal_key(p.get("postal_code") or "")[:3]
            + " "
            + e911.postal_key(p.get("postal_code") or "")[3:]
            if country_code.upper() == "CA"
            else (p.get("postal_code") or ""),
            "address_type": p.get("address_type") or "",
            "address_type_number": p.get("address_type_number") or "",
        }

    def _validate_e911_address(self, req: Req) -> str:
        self._check_address(req, for_update=False)
        return ""

    def _set_e911_address(self, req: Req) -> str:
        fields = self._check_address(req, for_update=True)
        p = req.p
        fields["first_name"] = p.get("first_name") or ""
        fields["last_name"] = p.get("last_name") or ""
        fields["language"] = p.get("language") or self.state.account.language
        endpoint = self.state.upsert_endpoint(p.get("phone_number") or "", fields)
        return self.e911_xml(endpoint)

    def _delete_e911_address(self, req: Req) -> str:
        endpoint = self._endpoint_from(req.p)
        state = self.state
        if len(state.e911) > 1 and endpoint.client_endpoint_id == state.default_endpoint_id:
            raise EngineFailure("entry_is_default_endpoint")
        state.delete_endpoint(endpoint.client_endpoint_id)
        if not state.e911:
            req.warn("last_endpoint_was_deleted")
        return ""

    def _peer_param(self, p: Params) -> int:
        peer_id = p.integer("client_peer_id", "client_peer_id_invalid")
        if p.get("client_peer_id") is None:
            p.fail("required_parameter_not_found")
        p.raise_if_failed()
        assert peer_id is not None
        if peer_id not in self.state.peers:
            raise EngineFailure("client_peer_id_not_found")
        return peer_id

    def _associate_e911_peer(self, req: Req) -> str:
        peer = str(self._peer_param(req.p))
        endpoint = self._endpoint_from(req.p, allow_did=True)
        for other in self.state.e911.values():
            if peer in other.client_peer_ids and other is not endpoint:
                other.client_peer_ids.remove(peer)
        if peer not in endpoint.client_peer_ids:
            endpoint.client_peer_ids.append(peer)
        return self.e911_xml(endpoint)

    def _disassociate_e911_peer(self, req: Req) -> str:
        peer = str(self._peer_param(req.p))
        for endpoint in self.state.e911.values():
            if peer in endpoint.client_peer_ids:
                endpoint.client_peer_ids.remove(peer)
                return self.e911_xml(endpoint)
        raise EngineFailure("client_peer_id_not_found")

    # --- handlers: click-to-call -----------------------------------------------------------

    def _endpoint_value(self, p: Params, which: str) -> tuple[str, str]:
        """(number for the history, client_peer_id or "") of the source / destination."""
        kind = p.get(f"{which}_type")
        value = p.get(which)
        if kind is None:
            p.fail(f"{which}_type_required")
        elif kind not in ("number", "peer"):
            p.fail(f"{which}_type_invalid")
        if value is None:
            p.fail(f"{which}_required")
            return "", ""
        if kind == "number":
            if not _PHONE10_15.match(value):
                p.fail(f"{which}_invalid")
            return value, ""
        if kind == "peer":
            peer = next((x for x in self.state.peers.values() if x.username == value), None)
            if peer is None or not _USERNAME.match(value):
                p.fail(f"{which}_invalid")
                return "", ""
            return peer.callerid_number, str(peer.client_peer_id)
        return "", ""

    def _call_dispatch(self, req: Req) -> str:
        p = req.p
        source, source_peer = self._endpoint_value(p, "source")
        destination, dest_peer = self._endpoint_value(p, "destination")
        cid_name = p.raw("callerid_name")
        if cid_name is not None and not _is_name(cid_name, 3, 15):
            p.fail("callerid_name_invalid")
        cid_number = p.get("callerid_number")
        if cid_number is not None and (
            not _PHONE10.match(cid_number) or cid_number.startswith(NON_CALLERID_PREFIXES)
        ):
            p.fail("callerid_number_invalid")
        recording = p.enum("enable_recording", ("0", "1"), "enable_recording_invalid")
        p.int_in("wait_time", 5, 60, "wait_time_invalid", 15)
        meta = p.raw("meta_data") or ""
        p.raise_if_failed()
        state = self.state
        account = state.account
        call_hash = hex32(state.rng)
        duration = state.rng.randrange(20, 300)
        state.add_call(
            direction="outbound",
            source=source,
            destination=destination,
            client_peer_id=source_peer or dest_peer,
            duration=duration,
            status="answered",
            callerid_name=cid_name or account.callerid_name,
            callerid_number=cid_number or account.callerid_number,
            rate=172,
            call_hash=call_hash,
            meta_data=meta,
        )
        if recording == "1":
            state.add_recording(call_hash, duration, source, destination)
        return f'<call_dispatch call_hash="{call_hash}"><status>dispatched</status></call_dispatch>'

    # --- media -----------------------------------------------------------------------------

    async def _media(self, request: web.Request) -> web.StreamResponse:
        params = dict(request.query)
        entry = RequestLogEntry(
            self.name, "media", request.method, request.path, redact_params(params)
        )
        self.host.request_log.append(entry)
        fault = self.host.faults.take("media")
        range_header = request.headers.get("Range")
        script = request.match_info.get("script")
        if script is None:
            kind, media_id = request.match_info["kind"], int(request.match_info["media_id"])
        else:  # voicemail_file.php?id=N&format=wav: the file is named by the query
            kind = "voicemails" if script == "voicemail" else "recordings"
            raw_id = params.get("id", "")
            media_id = int(raw_id) if raw_id.isascii() and raw_id.isdigit() else -1

        def answer() -> Answer:
            if media_id < 0:
                shape = self.shape_for(params)
                missing = EngineFailure("required_parameter_not_found")
                return self._failure(missing, "en", shape)
            return self.media_answer(params, kind, media_id, range_header)

        return await deliver(
            request,
            fault,
            answer,
            self,
            entry,
            failure_status=self.host.failure_http_status,
        )

    def media_answer(
        self, query: Mapping[str, str], kind: str, media_id: int, range_header: str | None = None
    ) -> Answer:
        language = "fr" if query.get("language") == "fr" else "en"
        try:
            self._check_credentials(query)
            with self.state.lock:
                if kind == "voicemails":
                    vm = self.state.voicemails.get(media_id)
                    if vm is None:
                        raise EngineFailure("internal_error-invalid_argument", status=404)
                    duration = vm.duration
                else:
                    rec = self.state.recordings.get(media_id)
                    if rec is None or rec.status == "deleted":
                        raise EngineFailure("call_recording_id_invalid", status=404)
                    duration = rec.duration
        except EngineFailure as failure:
            return self._failure(failure, language, self.shape_for(query))
        body = wav_bytes(kind, media_id, duration)
        headers = {"Accept-Ranges": "bytes"}
        span = _parse_range(range_header, len(body))
        if span == "unsatisfiable":
            headers["Content-Range"] = f"bytes */{len(body)}"
            return Answer(b"", 416, "audio/wav", None, headers)
        if isinstance(span, tuple):
            start, end = span
            headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
            return Answer(body[start : end + 1], 206, "audio/wav", None, headers)
        return Answer(body, 200, "audio/wav", None, headers)

    # --- control -------------------------------------------------------------------------

    async def _control_add_call(self, request: web.Request) -> web.Response:
        if not is_loopback(request.remote):
            raise web.HTTPForbidden(text="control API is loopback-only")
        data = await _json_object(request)
        try:
            unique_id = self.state.add_call(**data)
        except (TypeError, ValueError) as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return web.json_response({"unique_id": unique_id}, status=201)

    async def _control_add_voicemail(self, request: web.Request) -> web.Response:
        if not is_loopback(request.remote):
            raise web.HTTPForbidden(text="control API is loopback-only")
        data = await _json_object(request)
        try:
            vm_id = self.state.add_voicemail(**data)
        except (TypeError, ValueError) as exc:
            raise web.HTTPBadRequest(text=str(exc)) from None
        return web.json_response({"call_voicemail_id": vm_id}, status=201)

    # --- live ----------------------------------------------------------------------------

    def live_tick(self, tick: int, *, voicemail_every: int = 3) -> None:
        """One step of "live" mode: a new inbound call; every few ticks, a voicemail too."""
        state = self.state
        with state.lock:
            if tick % voicemail_every == voicemail_every - 1:
                uid = state.add_call(status="voicemail", duration=state.rng.randrange(15, 70))
                row = state.calls[state.call_position(uid) or 0]
                state.add_voicemail(
                    callerid_name=row.callerid_name,
                    callerid_number=row.callerid_number,
                    destination=row.destination,
                )
            else:
                state.add_call()


def _duration(seconds: int, shape: frozenset[str]) -> str:
    if "durations_hms" in shape:
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(seconds)


def _parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """A single ``bytes=a-b`` / ``bytes=a-`` / ``bytes=-n`` range, or None to send it all."""
    if not header:
        return None
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not m or (not m.group(1) and not m.group(2)):
        return None
    if m.group(1):
        start = int(m.group(1))
        end = int(m.group(2)) if m.group(2) else size - 1
    else:
        start, end = max(0, size - int(m.group(2))), size - 1
    end = min(end, size - 1)
    if start >= size or start > end:
        return "unsatisfiable"
    return start, end


async def _json_object(request: web.Request) -> dict[str, object]:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="body must be a JSON object") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return {str(k): v for k, v in data.items()}
