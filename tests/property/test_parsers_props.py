"""Every provider parser on hostile input: arbitrary bytes, and documents that are well formed but
wrong (random element trees, random JSON values, random CSV lines).

The only acceptable outcomes are a parse or a typed error (``ProviderError`` subclasses, which
include ``MalformedResponse``, or ``InputError``): never another exception, never a hang (the
profile's per-example deadline fails an example that takes too long).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar
from xml.sax.saxutils import escape, quoteattr

from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

from telephony_desktop.domain.errors import (
    InputError,
    MalformedResponse,
    ProviderError,
    ProviderRejected,
    TelephonyError,
)
from telephony_desktop.domain.simotel import SimotelEnvelope
from telephony_desktop.domain.truecnam import CallStartResult
from telephony_desktop.i18n import using
from telephony_desktop.providers import xmlsafe
from telephony_desktop.providers.simotel import parse as simotel
from telephony_desktop.providers.telecmi import parse as telecmi
from telephony_desktop.providers.truecnam import parse as truecnam
from telephony_desktop.providers.verba import parse as verba
from telephony_desktop.providers.voicemeup import names
from telephony_desktop.providers.voicemeup import parse as voicemeup

T = TypeVar("T")
TYPED = (ProviderError, InputError)


def outcome(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | TelephonyError:
    """``fn``'s result, or the typed error it raised (anything else fails the example)."""
    try:
        return fn(*args, **kwargs)
    except TYPED as exc:
        assert str(exc)
        try:
            with using("fr"):  # the same failure has its sentence in French too
                fn(*args, **kwargs)
        except TYPED as in_french:
            assert type(in_french) is type(exc) and str(in_french)
        else:
            raise AssertionError(f"{exc!r} was not raised again in French") from None
        return exc


# --- building blocks -------------------------------------------------------------------------

# Values that steer parsers into their interesting branches, then anything.
MEANINGFUL = [
    "", " ", "success", "ok", "OK", "failed", "error", "fail", "0", "1", "-1", "200", "401",
    "420", "422", "502", "true", "false", "null", "2026-11-02", "12:39:47", "2026-11-02 12:00:00",
    "2026-11-02T12:00:00Z", "1e999", "-1e999", "NaN", "Infinity", "12,50", "1,234.50", "125.40CR",
    "0.0241", "9" * 40, "1762000000", "1762000000000", "http://example.com/c?id=1",
    "https://[::1]/x", "http://[bad/x", "javascript:alert(1)", "a,b,,c", "auth_token=secret",
    "last_endpoint_was_deleted", "street_not_found", "invalid_auth", "\u202e", "é", "😀",
]  # fmt: skip
XML_CHARS = st.characters(
    min_codepoint=0x20, exclude_categories=("Cs",), exclude_characters="\ufffe\uffff"
) | st.sampled_from("\t\n\r")
VALUES = st.one_of(st.sampled_from(MEANINGFUL), st.text(XML_CHARS, max_size=30))

VOCAB = sorted(
    {
        # VoiceMeUp
        "response", "status", "error", "warning", "code", "description", "message", "text",
        "request_type", *names.RECORD_IDS, *(i for ids in names.RECORD_IDS.values() for i in ids),
        "date", "time", "duration", "billed_amount", "current_rate", "account_balance",
        "funds_left", "currency", "options", "client_peer_ids", "phone_number", "street",
        "title", "file_url",
        # Verba
        "VerbaApi", "Response", "ErrorMessage", "Value", "CallID", "call_id", "Token",
        "SecurityToken", "CallURL", "url", "value", "id", "href", "type",
        # TrueCNAM
        "err", "error_msg", "result", "Status",
    }
)  # fmt: skip
NAMES = st.one_of(
    st.sampled_from(VOCAB), st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,10}", fullmatch=True)
)

Tree = tuple[str, dict[str, str], str | None, list[Any]]


def _element(children: st.SearchStrategy[list[Tree]]) -> st.SearchStrategy[Tree]:
    return st.tuples(
        NAMES, st.dictionaries(NAMES, VALUES, max_size=3), st.none() | VALUES, children
    )


TREES: st.SearchStrategy[Tree] = st.recursive(
    _element(st.just([])), lambda inner: _element(st.lists(inner, max_size=4)), max_leaves=25
)


def serialise(tree: Tree, *, namespace: str | None = None) -> str:
    tag, attrs, text, children = tree
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    attributes = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items() if k != "xmlns")
    inner = escape(text or "") + "".join(serialise(child) for child in children)
    return f"<{tag}{xmlns}{attributes}>{inner}</{tag}>"


@st.composite
def xml_documents(draw: st.DrawFn, wrap: Callable[[str, str], str] | None = None) -> bytes:
    """A random element tree (wrapped in a provider's envelope when ``wrap`` is given), in some
    encoding, sometimes damaged."""
    namespace = draw(st.none() | st.sampled_from(["urn:x", "http://www.w3.org/1999/xhtml"]))
    body = "".join(serialise(t, namespace=namespace) for t in draw(st.lists(TREES, max_size=3)))
    if wrap is not None:
        body = wrap(body, draw(VALUES))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1", "utf-32-le"]))
    if draw(st.booleans()):
        body = f'<?xml version="1.0" encoding="{encoding}"?>' + body
    data = body.encode(encoding, errors="xmlcharrefreplace")
    return draw(damaged(data))


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` as is (most often), cut short, with bytes spliced in, or with a declaration, an
    entity reference or a CDATA section slipped in."""
    mode = draw(st.sampled_from(["keep", "keep", "keep", "cut", "splice", "declaration"]))
    if mode == "keep":
        return data
    at = draw(st.integers(0, len(data)))
    if mode == "cut":
        return data[:at]
    if mode == "splice":
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    slipped = draw(st.sampled_from([b"<!DOCTYPE r>", b'<!ENTITY x "y">', b"&x;", b"<![CDATA[<]]>"]))
    return data[:at] + slipped + data[at:]


PREFIXES = [b"", b"{", b"[", b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"<?xml version='1.0'?>", b"ok,"]
ANY_BYTES = st.one_of(
    st.binary(max_size=512),
    st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=256)).map(b"".join),
)

JSON_KEYS = st.one_of(
    st.sampled_from(
        [
            "success", "message", "data", "code", "status", "Status", " STATUS ", "error", "msg",
            "request_id", "cdr", "count", "duration", "balance", "rate", "from", "to", "time",
            "leg", "direction", "err", "error_msg", "uniqueId", "property", "key",
        ]
    ),
    st.text(max_size=8),
)  # fmt: skip
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities included: json.dumps writes them, json.loads reads them
    st.sampled_from(MEANINGFUL),
    st.text(max_size=20),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(JSON_KEYS, inner, max_size=5),
    max_leaves=30,
)


@st.composite
def json_documents(draw: st.DrawFn, keys: tuple[str, ...] = ()) -> bytes:
    """A JSON value: often an object with some of ``keys`` (wrong-typed values included), in a
    ``data`` wrapper or a list sometimes; with a BOM or PHP noise around it sometimes."""
    if keys and draw(st.sampled_from([True, True, False])):
        chosen = draw(st.lists(st.sampled_from(keys), unique=True))
        value: object = {k: draw(JSON_VALUES) for k in chosen}
        shape = draw(st.sampled_from(["plain", "data", "list"]))
        if shape == "data":
            value = {"data": value, "code": draw(JSON_SCALARS)}
        elif shape == "list":
            value = [value]
    else:
        value = draw(JSON_VALUES)
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    before = draw(st.sampled_from(["", "", "\ufeff", "<b>Notice</b>: x\n", " \n"]))
    after = draw(st.sampled_from(["", "", "\n", "<!-- 0.1s -->", "}"]))
    data = (before + text + after).encode("utf-8", errors="surrogatepass")
    return draw(damaged(data))


CSV_FIELDS = st.one_of(
    st.sampled_from(["ok", "error", "OK", " ok ", "status", "err", "error_msg", "", "1", '"']),
    st.text(alphabet=st.sampled_from('ab,"\r\n\t\x00é '), max_size=12),
    st.text(max_size=12),
)


@st.composite
def csv_documents(draw: st.DrawFn) -> bytes:
    rows = draw(st.lists(st.lists(CSV_FIELDS, max_size=5), max_size=4))
    if rows and draw(st.booleans()):  # most answers start with a real status
        rows[0] = [draw(st.sampled_from(["ok", "error", "OK", " Error"])), *rows[0][1:]]
    if draw(st.booleans()):
        rows.insert(0, draw(st.permutations(["status", "err", "error_msg", "extra"])))
    quoted = draw(st.booleans())
    lines = [
        ",".join(('"' + f.replace('"', '""') + '"') if quoted else f for f in row) for row in rows
    ]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


CONTENT_TYPES = st.one_of(
    st.sampled_from(
        ["", "application/json", "text/xml; charset=utf-8", "text/csv", "text/html", "xml;json"]
    ),
    st.text(max_size=30),
)
STATUSES = st.one_of(st.sampled_from([200, 201, 204, 301, 302, 400, 401, 403, 404, 405, 415,
                                      420, 422, 429, 500, 501, 502, 503]),
                     st.integers(100, 599))  # fmt: skip


# --- VoiceMeUp (XML) ---------------------------------------------------------------------

_VMU_PARSERS = (
    voicemeup.parse_calls, voicemeup.parse_voicemails, voicemeup.parse_recordings,
    voicemeup.parse_dids, voicemeup.parse_inventory, voicemeup.parse_peers,
    voicemeup.parse_mailboxes, voicemeup.parse_e911_endpoints, voicemeup.parse_alternates,
    voicemeup.parse_account, voicemeup.parse_funding, voicemeup.parse_network_status,
    voicemeup.parse_dispatch,
)  # fmt: skip


def _vmu_envelope(inner: str, status: str) -> str:
    return f"<response><status>{escape(status)}</status><request_type>x</request_type>{inner}</response>"


# Every field name a VoiceMeUp record reader knows, so records carry ids and real fields.
VMU_FIELDS = sorted(
    set().union(
        *(
            getattr(voicemeup, name)
            for name in dir(voicemeup)
            if name.endswith("_KNOWN") and isinstance(getattr(voicemeup, name), frozenset)
        )
    )
)


def _record_tree(tag: str) -> st.SearchStrategy[Tree]:
    field_names = st.one_of(st.sampled_from(VMU_FIELDS), NAMES)
    fields = st.lists(
        st.tuples(field_names, st.just({}), st.none() | VALUES, st.just([])), max_size=10
    ) | st.lists(TREES, max_size=3)
    attrs = st.dictionaries(field_names, VALUES, max_size=4)
    ids = st.fixed_dictionaries(
        {}, optional={name: VALUES for name in names.RECORD_IDS.get(tag, ())}
    )
    return st.tuples(st.just(tag), st.tuples(ids, attrs).map(lambda p: {**p[1], **p[0]}),
                     VALUES, fields)  # fmt: skip


VMU_RECORDS = st.lists(
    st.sampled_from([*sorted(names.RECORD_IDS), names.ERROR, names.WARNING]).flatmap(_record_tree),
    max_size=4,
).map(lambda trees: "".join(serialise(t) for t in trees))


@st.composite
def voicemeup_documents(draw: st.DrawFn) -> bytes:
    status = draw(st.sampled_from(["success", "failed", "error", "", "weird"]))
    data = _vmu_envelope(draw(VMU_RECORDS), status).encode()
    return draw(damaged(data))


def _chunks(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)] or [b""]


def run_voicemeup(body: bytes, chunk: int) -> None:
    env = outcome(voicemeup.read_envelope, body)
    if isinstance(env, voicemeup.Envelope):
        warnings = outcome(voicemeup.check, env, status=200)
        assert isinstance(warnings, tuple | ProviderRejected)
        outcome(voicemeup.check, env, warning_ok=False)
        for parser in _VMU_PARSERS:
            parser(env.root)  # a readable envelope: the record readers never raise
        validation = outcome(voicemeup.parse_e911_validation, env)
        assert isinstance(validation, TelephonyError) or validation.valid == env.ok
    # The streaming path (history pages) reads the same body in chunks.
    calls = []
    try:
        for element in xmlsafe.iter_records(
            _chunks(body, chunk), {names.CALL}, provider=voicemeup.PROVIDER
        ):
            calls.append(voicemeup.parse_call_element(element))
    except MalformedResponse:
        return
    assert isinstance(env, voicemeup.Envelope), "the stream accepted what the parser refused"


@given(st.one_of(ANY_BYTES, xml_documents(), voicemeup_documents()), st.integers(1, 64))
@example(b"<response><status>success</status><call_details unique_id='x'/></response>", 3)
@example(b"<response><error code='&#0;'/></response>", 5)
def test_voicemeup(body: bytes, chunk: int) -> None:
    run_voicemeup(body, chunk)


# --- Verba (XML) -------------------------------------------------------------------------


def _verba_envelope(inner: str, code: str) -> str:
    return (
        f"<VerbaApi><Response code={quoteattr(code)} type='GetToken'>{inner}</Response>"
        f"<Value>{inner}</Value></VerbaApi>"
    )


@given(
    st.one_of(ANY_BYTES, xml_documents(), xml_documents(wrap=_verba_envelope)),
    st.sampled_from([None, 200, 400]),
)
@example(b"<VerbaApi><Response code='0'/><CallURL>http://[bad/x</CallURL></VerbaApi>", 200)
@example(b"<Response code='0' callURL='https://[::1'/>", None)
def test_verba(body: bytes, status: int | None) -> None:
    env = outcome(verba.read_envelope, body)
    if isinstance(env, verba.Envelope):
        assert isinstance(outcome(verba.check, env, status=status), TelephonyError | type(None))
        assert isinstance(verba.error_for(env, status=status), ProviderRejected)
    token = outcome(verba.parse_token, body, status=status)
    assert isinstance(token, TelephonyError) or (token and token.isascii() and " " not in token)
    call_id = outcome(verba.parse_call_id, body, status=status)
    assert isinstance(call_id, TelephonyError) or (call_id and call_id.isascii())
    url = outcome(verba.parse_call_url, body, status=status)
    assert isinstance(url, TelephonyError) or url.lower().startswith(("http://", "https://"))


@given(CONTENT_TYPES, st.text(max_size=60), ANY_BYTES)
@example("", 'attachment; filename="a.', b"")
@example("", "filename*=UTF-8''%ff.wav", b"\xff")
def test_verba_media_sniffing(content_type: str, disposition: str, data: bytes) -> None:
    ctype, ext = verba.media_type(content_type, disposition, data)
    assert isinstance(ctype, str) and ext and ext.isascii() and ext.isalnum()
    assert isinstance(verba.looks_like_document(content_type, data), bool)


# --- TrueCNAM (JSON, XML or CSV) ----------------------------------------------------------


@given(
    st.one_of(
        ANY_BYTES,
        json_documents(keys=("status", "Status", "err", "error_msg", "extra", "result")),
        xml_documents(),
        xml_documents(
            wrap=lambda inner, s: f"<result><status>{escape(s)}</status>{inner}</result>"
        ),
        csv_documents(),
    ),
    CONTENT_TYPES,
)
@example(b'{"status": "ok", "x": ' + b"[" * 500 + b"]" * 500 + b"}", "")
@example(b"ok," + b"x" * 200_000, "text/csv")
def test_truecnam(body: bytes, content_type: str) -> None:
    assert truecnam.detect_format(body, content_type) in truecnam.FORMATS
    result = outcome(truecnam.parse_call_start, body, content_type)
    if isinstance(result, CallStartResult):
        assert result.status and result.status == result.status.strip().lower()
    else:
        assert isinstance(result, MalformedResponse)


# --- TeleCMI (JSON) ------------------------------------------------------------------------

TELECMI_KEYS = ("code", "status", "request_id", "error", "message", "msg", "cdr", "count", "data")


@given(
    STATUSES,
    st.one_of(ANY_BYTES, json_documents(keys=TELECMI_KEYS)),
    st.dictionaries(st.sampled_from(["retry-after", "content-type"]), st.text(max_size=20)),
    st.booleans(),
)
@example(200, b'{"code": 200, "cdr": ' + b"[" * 400 + b"]" * 400 + b"}", {}, False)
@example(503, b"", {"retry-after": "1e999"}, True)
def test_telecmi(status: int, body: bytes, headers: dict[str, str], placing: bool) -> None:
    doc = outcome(telecmi.check, status, body, headers, placing=placing)
    if isinstance(doc, TelephonyError):
        return
    assert 200 <= status < 300
    placed = outcome(telecmi.parse_placed, doc)
    assert isinstance(placed, TelephonyError) or placed.reference
    outcome(telecmi.parse_legs, doc)


@given(st.one_of(JSON_VALUES, st.dictionaries(st.sampled_from(TELECMI_KEYS), JSON_VALUES)))
def test_telecmi_readers_on_any_json_object(value: object) -> None:
    doc = value if isinstance(value, dict) else {"cdr": value, "data": value}
    outcome(telecmi.parse_placed, doc)
    legs = outcome(telecmi.parse_legs, doc)
    if isinstance(legs, tuple):
        for leg in legs:
            assert isinstance(leg.duration, int) and isinstance(leg.from_number, str)
            assert leg.balance is None or leg.balance.is_finite()


# --- Simotel (JSON) ------------------------------------------------------------------------

SIMOTEL_KEYS = ("success", "message", "data", "uniqueId", "status")


@given(
    STATUSES,
    st.one_of(ANY_BYTES, json_documents(keys=SIMOTEL_KEYS)),
    st.one_of(st.just(""), st.sampled_from(["http://[::1", "https://u:p@h/x", "//x"]),
              st.text(max_size=30)),
)  # fmt: skip
@example(200, b"[" * 100_000, "")
@example(200, b'{"success": 0, "message": ' + b"[" * 600 + b"]" * 600 + b"}", "")
@example(302, b"", "http://[::1")
def test_simotel(status: int, body: bytes, location: str) -> None:
    env = outcome(simotel.check, status, body, action="do it", location=location)
    if isinstance(env, TelephonyError):
        return
    assert isinstance(env, SimotelEnvelope) and 200 <= status < 300
    for name in ("uniqueId", "status", "message", "data", "x"):
        assert isinstance(simotel.text_field(env, name), str)
    assert simotel.read_envelope(body) == env


# --- the XML reader itself ---------------------------------------------------------------


@given(st.one_of(ANY_BYTES, xml_documents()), st.integers(1, 64))
@example(  # a code point past U+10FFFF: the whole parser refuses it, the 1-byte stream does not
    '<A a="?">x</A>'.encode("utf-32-le").replace(b"?\x00\x00\x00", b"\x00\x00\x00\x01"), 1
)
def test_xmlsafe_whole_and_streamed_agree(body: bytes, chunk: int) -> None:
    whole = outcome(xmlsafe.secure_fromstring, body, provider="P")
    try:
        streamed = list(xmlsafe.iter_records(_chunks(body, chunk), set(VOCAB), provider="P"))
    except MalformedResponse:
        streamed = None
    if isinstance(whole, etree._Element):
        assert streamed is not None, "the stream refused a document the parser read"
    elif streamed is not None:
        # libxml2's incremental decoder is laxer about bytes invalid in their encoding (a
        # UTF-32 code point past U+10FFFF read in 1-byte chunks); what matters is that the stream
        # never accepts what the parser refused as hostile.
        assert isinstance(whole, MalformedResponse)
        assert "declaration" not in str(whole), "the stream read a hostile document"
