"""Every parser reads the same facts from every shape a real service may use.

A record (or an error, or an answer) is drawn with known values, then written in a shape drawn
too: each field an attribute or a child element, children in any order, unknown elements mixed
in, wrappers and namespaces or none, durations in seconds or ``HH:MM:SS``, codes as attributes,
text or child elements, JSON with or without its wrapper and its status. The parser must give
back exactly the drawn values (``tests/property/test_parsers_props.py`` covers hostile input).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import given
from hypothesis import strategies as st

from telephony_desktop.domain.errors import (
    AuthenticationError,
    InvalidRequest,
    NotFound,
    ProviderInternalError,
    ProviderRejected,
)
from telephony_desktop.providers.simotel import parse as simotel
from telephony_desktop.providers.telecmi import parse as telecmi
from telephony_desktop.providers.truecnam import parse as truecnam
from telephony_desktop.providers.verba import parse as verba
from telephony_desktop.providers.voicemeup import parse as voicemeup
from telephony_desktop.providers.voicemeup.errors import error_for

WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
HEX32 = st.text("0123456789abcdef", min_size=32, max_size=32)
DIGITS10 = st.text("0123456789", min_size=10, max_size=10)
SAFE_TEXT = st.text(
    st.characters(
        min_codepoint=0x21,
        max_codepoint=0x2FF,
        exclude_characters="<>&\"'",
        exclude_categories=("Zs", "Cc"),
    ),
    min_size=1,
    max_size=20,
)
NOISE = ["bindings", "monthly_usage", "country_id", "state_id", "is_default", "company_name"]


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@st.composite
def shaped_record(draw: st.DrawFn, tag: str, fields: dict[str, str], ids: tuple[str, ...]) -> str:
    """``<tag>`` with ``fields`` as attributes or children (identifiers either way too), in a
    drawn order, with unknown elements between them, maybe in a namespace."""
    attrs: list[str] = []
    children: list[str] = []
    for name, value in fields.items():
        as_attribute = draw(st.booleans()) if name in ids or len(value) < 40 else False
        if as_attribute:
            attrs.append(f"{name}={quoteattr(value)}")
        else:
            children.append(f"<{name}>{escape(value)}</{name}>")
    for name in draw(st.lists(st.sampled_from(NOISE), max_size=3, unique=True)):
        children.append(f"<{name}>{escape(draw(WORD))}</{name}>")
    children.append("<empty_extra/>")
    order = draw(st.permutations(children))
    space = draw(st.sampled_from(["", ' xmlns="urn:voicemeup:xml_engine"']))
    attr_text = (" " + " ".join(attrs)) if attrs else ""
    return f"<{tag}{space}{attr_text}>{''.join(order)}</{tag}>"


@st.composite
def envelope(draw: st.DrawFn, records: list[str], wrapper: str) -> bytes:
    """A success document: status as element, attribute or missing; records wrapped in their list
    element or not; the whole maybe one level down in ``<xml_engine>``."""
    body = "".join(records)
    if draw(st.booleans()):
        body = f"<{wrapper}>{body}</{wrapper}>"
    status = draw(st.sampled_from(["element", "attribute", "none"]))
    head = "<status>success</status>" if status == "element" else ""
    attr = ' status="success"' if status == "attribute" else ""
    doc = f"<response{attr}>{head}<request_type>x</request_type>{body}</response>"
    if draw(st.booleans()):
        doc = f"<xml_engine>{doc}</xml_engine>"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + doc).encode()


# --- VoiceMeUp records -------------------------------------------------------------------------


@st.composite
def calls(draw: st.DrawFn) -> tuple[bytes, list[dict[str, Any]]]:
    expected: list[dict[str, Any]] = []
    records: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        uid = draw(HEX32)
        seconds = draw(st.integers(0, 30_000))
        when = draw(st.datetimes(datetime(2010, 1, 1), datetime(2030, 1, 1))).replace(microsecond=0)
        call_hash = draw(st.one_of(st.none(), HEX32))
        source, destination = draw(DIGITS10), "1" + draw(DIGITS10)  # as a public client saw
        fields = {
            "unique_id": uid,
            "date": when.date().isoformat(),
            "time": when.time().isoformat(),
            "direction": draw(st.sampled_from(["inbound", "outbound"])),
            "source": source,
            "destination": destination,
            "callerid_name": draw(SAFE_TEXT),
            "duration": draw(st.sampled_from([str(seconds), hms(seconds)])),
            "status": draw(st.sampled_from(["answered", "failed", "busy", "no_answer"])),
        }
        if call_hash is not None:
            fields["call_hash"] = call_hash
        if draw(st.booleans()):
            fields["meta_data"] = draw(SAFE_TEXT)
        kept = {k: v for k, v in fields.items() if k == "unique_id" or draw(st.integers(0, 9))}
        records.append(draw(shaped_record("call_details", kept, ("unique_id", "call_hash"))))
        expected.append(
            {
                "unique_id": uid,
                "started_at": when if "date" in kept and "time" in kept else None,
                "duration_s": seconds if "duration" in kept else 0,
                "call_hash": kept.get("call_hash") or uid,
                "source": kept.get("source", ""),
                "destination": kept.get("destination", ""),
                "status": kept.get("status", ""),
                "meta_data": kept.get("meta_data", ""),
                "callerid_name": kept.get("callerid_name", ""),
            }
        )
    return draw(envelope(records, "calls")), expected


@given(calls())
def test_voicemeup_calls_in_any_shape(drawn: tuple[bytes, list[dict[str, Any]]]) -> None:
    body, expected = drawn
    env = voicemeup.read_envelope(body)
    assert env.ok, env.errors
    got = voicemeup.parse_calls(env.root)
    assert len(got) == len(expected)
    for call, want in zip(got, expected, strict=True):
        for name, value in want.items():
            if name == "started_at" and value is None:
                continue  # a date alone still gives a day
            assert getattr(call, name) == value, name
        assert "empty_extra" not in call.extra


@st.composite
def media_records(draw: st.DrawFn, tag: str, id_name: str) -> tuple[bytes, list[dict[str, Any]]]:
    expected: list[dict[str, Any]] = []
    records: list[str] = []
    for n in range(draw(st.integers(1, 3))):
        seconds = draw(st.integers(0, 7_200))
        media_id = str(70_000 + n)
        url = f"https://engine.example/xml_engine/file.php?id={media_id}&format=wav"
        fields = {
            id_name: media_id,
            "date": "2026-11-02",
            "time": "12:00:00",
            "duration": draw(st.sampled_from([str(seconds), hms(seconds)])),
            "file_url": url,
            "status": draw(st.sampled_from(["new", "heard", "verified", "unverified"])),
        }
        if tag == "recording_details":
            fields["call_hash"] = draw(HEX32)
        records.append(draw(shaped_record(tag, fields, (id_name,))))
        expected.append({"id": media_id, "duration_s": seconds, "file_url": url, **fields})
    wrapper = "voicemails" if tag == "voicemail_details" else "recordings"
    return draw(envelope(records, wrapper)), expected


@given(media_records("voicemail_details", "call_voicemail_id"))
def test_voicemeup_voicemails_in_any_shape(drawn: tuple[bytes, list[dict[str, Any]]]) -> None:
    body, expected = drawn
    got = voicemeup.parse_voicemails(voicemeup.read_envelope(body).root)
    assert [(v.voicemail_id, v.duration_s, v.file_url, v.status) for v in got] == [
        (w["id"], w["duration_s"], w["file_url"], w["status"]) for w in expected
    ]


@given(media_records("recording_details", "call_recording_id"))
def test_voicemeup_recordings_in_any_shape(drawn: tuple[bytes, list[dict[str, Any]]]) -> None:
    body, expected = drawn
    got = voicemeup.parse_recordings(voicemeup.read_envelope(body).root)
    assert [(r.recording_id, r.duration_s, r.file_url, r.call_hash) for r in got] == [
        (w["id"], w["duration_s"], w["file_url"], w["call_hash"]) for w in expected
    ]


# The other record parsers: (element, list wrapper, parser, {XML name: attribute of the result}).
OTHER_RECORDS: list[tuple[str, str, Any, dict[str, str]]] = [
    (
        "did_details",
        "dids",
        voicemeup.parse_dids,
        {"client_did_id": "did_id", "phone_number": "phone_number", "status": "status"},
    ),
    (
        "did_inventory",
        "inventory",
        voicemeup.parse_inventory,
        {"did_id": "did_id", "phone_number": "phone_number", "npa": "npa"},
    ),
    (
        "peer_details",
        "peers",
        voicemeup.parse_peers,
        {"client_peer_id": "peer_id", "username": "username", "friendly_name": "friendly_name"},
    ),
    (
        "mailbox_details",
        "mailboxes",
        voicemeup.parse_mailboxes,
        {"client_mailbox_id": "mailbox_id", "email": "email"},
    ),
    (
        "e911_details",
        "e911_endpoints",
        voicemeup.parse_e911_endpoints,
        {"client_endpoint_id": "endpoint_id", "phone_number": "phone_number"},
    ),
]


@given(st.sampled_from(OTHER_RECORDS), st.data())
def test_voicemeup_other_records_in_any_shape(
    kind: tuple[str, str, Any, dict[str, str]], data: st.DataObject
) -> None:
    tag, wrapper, parser, names = kind
    id_name = next(iter(names))
    wanted = [
        {name: data.draw(st.text("0123456789", min_size=3, max_size=10)) for name in names}
        for _ in range(data.draw(st.integers(1, 3)))
    ]
    records = [data.draw(shaped_record(tag, fields, (id_name,))) for fields in wanted]
    got = parser(voicemeup.read_envelope(data.draw(envelope(records, wrapper))).root)
    assert [{names[n]: getattr(r, names[n]) for n in names} for r in got] == [
        {names[n]: v for n, v in fields.items()} for fields in wanted
    ]


# --- VoiceMeUp failures ------------------------------------------------------------------------

CODES = {
    "authentication_failed": AuthenticationError,
    "unique_id_invalid": InvalidRequest,
    "client_did_id_not_found": NotFound,
    "internal_error-database_error": ProviderInternalError,
    "some_code_never_documented": ProviderRejected,
}


@st.composite
def failures(draw: st.DrawFn) -> tuple[bytes, str]:
    code = draw(st.sampled_from(sorted(CODES)))
    text = escape(draw(SAFE_TEXT))
    shape = draw(
        st.sampled_from(
            ["code", "type", "text", "children", "code_child", "loose", "wrapped", "bare"]
        )
    )
    error = {
        "code": f'<error code="{code}">{text}</error>',
        "type": f'<error type="{code}">{text}</error>',
        "text": f"<error>{code}</error>",
        "children": f"<error><error_type>{code}</error_type>"
        f"<error_description>{text}</error_description></error>",
        "code_child": f"<error><description>{text}</description><code>{code}</code></error>",
        "loose": f"<error_description>{text}</error_description><error_type>{code}</error_type>",
        "wrapped": f"<error_type>{code}</error_type><error_description>{text}</error_description>",
        "bare": f"<message>{code}</message>",
    }[shape]
    if shape not in ("loose", "wrapped", "bare") and draw(st.booleans()):
        error = f"<errors>{error}</errors>"
    status = draw(st.sampled_from(["element", "attribute", "none"]))
    if shape == "bare":
        status = draw(st.sampled_from(["element", "attribute"]))  # nothing else says it failed
    head = "<status>failed</status>" if status == "element" else ""
    attr = ' status="failed"' if status == "attribute" else ""
    doc = f"<response{attr}>{head}{error}</response>"
    if shape == "wrapped" or draw(st.booleans()):
        doc = f"<xml_engine>{doc}</xml_engine>"
    return doc.encode(), code


@given(failures())
def test_voicemeup_failure_in_any_shape_maps_to_its_error(drawn: tuple[bytes, str]) -> None:
    body, code = drawn
    env = voicemeup.read_envelope(body)
    assert not env.ok, "a failed envelope read as a success"
    assert env.errors[0][0] == code
    assert type(error_for(env.errors)) is CODES[code]


# --- JSON providers ----------------------------------------------------------------------------


def _wrap(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    noise = draw(st.dictionaries(st.sampled_from(["extra", "note", "ts"]), WORD, max_size=2))
    return {**noise, **doc}


@given(st.data())
def test_telecmi_placed_call_in_any_shape(data: st.DataObject) -> None:
    request_id = data.draw(st.text("ABCDEFabcdef0123456789", min_size=8, max_size=43))
    code = data.draw(st.sampled_from([200, "200", "cmi-200", None]))
    inner = {"status": "progress", "request_id": request_id}
    where = data.draw(st.sampled_from(["top", "data", "both"]))
    doc: dict[str, Any] = {}
    if where in ("top", "both"):
        doc.update(inner)
    if where in ("data", "both"):
        doc["data"] = _wrap(data.draw, inner)
    if code is not None:
        doc["code"] = code
    body = json.dumps(_wrap(data.draw, doc)).encode()
    placed = telecmi.parse_placed(telecmi.check(200, body, {}, placing=True))
    assert placed.reference == request_id


@given(
    st.sampled_from([200, 401, 404, 420]),
    st.sampled_from([404, "404", 420, 407]),
    st.sampled_from(["error", "message", "msg"]),
)
def test_telecmi_authentication_failure_in_any_shape(status: int, code: Any, key: str) -> None:
    doc: dict[str, Any] = {"code": code, key: "Authentication Failed"}
    if key != "error":
        doc["error"] = True
    body = json.dumps(doc).encode()
    try:
        telecmi.check(status, body, {}, placing=False)
    except AuthenticationError:
        return
    raise AssertionError("not an authentication error")


@given(st.data())
def test_truecnam_answer_with_or_without_status(data: st.DataObject) -> None:
    err = data.draw(st.sampled_from(["0", "1", "3", "7"]))
    doc: dict[str, Any] = {"err": data.draw(st.sampled_from([err, int(err)]))}
    doc["error_msg"] = "" if err == "0" else "Refused"
    if data.draw(st.booleans()):
        doc["status"] = "ok" if err == "0" else "error"
    doc = _wrap(data.draw, doc)
    if data.draw(st.booleans()):
        doc = {"response": doc}
    result = truecnam.parse_call_start(json.dumps(doc).encode())
    assert result.ok == (err == "0") and result.err == err


@given(st.data())
def test_simotel_envelope_in_any_shape(data: st.DataObject) -> None:
    ok = data.draw(st.booleans())
    success = data.draw(st.sampled_from([1, "1", True, "true"] if ok else [0, "0", False]))
    message = data.draw(st.sampled_from([None, "", "done", ["a", "b"]]))
    call_id = "orig.call.1703145054.787335"
    payload = {"originated_call_id": call_id}
    data_value = data.draw(st.sampled_from([payload, [payload]]))
    doc = _wrap(data.draw, {"success": success, "message": message, "data": data_value})
    env = simotel.read_envelope(json.dumps(doc).encode())
    assert env is not None and env.success is ok
    assert simotel.text_field(env, "originated_call_id") == call_id


@given(st.data())
def test_verba_call_id_in_any_shape(data: st.DataObject) -> None:
    call_id = "a8343631-9f35-4a3a-83f0-9e81592339fb"
    response = data.draw(
        st.sampled_from(
            [
                '<Response code="0" type="GetCallID"/>',
                '<Response type="GetCallID" code="0"></Response>',
            ]
        )
    )
    value = data.draw(
        st.sampled_from([f"<CallID>{call_id}</CallID>", f"<callID>{call_id}</callID>"])
    )
    parts = data.draw(st.permutations([response, value, "<Note>x</Note>"]))
    body = f'<?xml version="1.0" encoding="UTF-8"?><VerbaApi>{"".join(parts)}</VerbaApi>'
    assert verba.parse_call_id(body.encode()) == call_id
