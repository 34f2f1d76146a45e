"""Hostile XML is refused before it can expand, and with bounded memory and time."""

from __future__ import annotations

import resource
import time

import pytest
from lxml import etree

from telephony_desktop.domain.errors import MalformedResponse
from telephony_desktop.i18n import using
from telephony_desktop.providers.xmlsafe import (
    MAX_DOCUMENT_BYTES,
    iter_records,
    make_parser,
    secure_fromstring,
)

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<response><status>success</status><call_details unique_id="&x;"/></response>"""

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><response><status>&lol9;</status></response>"
)


@pytest.mark.parametrize(
    "body",
    [
        XXE,
        LAUGHS,
        b'<!DOCTYPE r SYSTEM "http://198.51.100.1/evil.dtd"><response/>',
        b"<?xml version='1.0'?>\n<!doctype response><response/>",
        b'<response><!ENTITY a "b"></response>',
        XXE.decode().encode("utf-16"),
    ],
)
def test_declarations_are_refused(body: bytes) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with pytest.raises(MalformedResponse) as info:
        secure_fromstring(body, provider="VoiceMeUp")
    assert time.perf_counter() - started < 0.5
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KB
    assert "root:" not in str(info.value)


@pytest.mark.parametrize(
    "body",
    [b"", b"   ", b"<response><status>succ", b"<?php warning ?> not xml", b"\x00\xff\xfe"],
)
def test_unreadable_bodies(body: bytes) -> None:
    with pytest.raises(MalformedResponse) as info:
        secure_fromstring(body, provider="VoiceMeUp")
    assert info.value.retryable
    assert "VoiceMeUp" in str(info.value)


def test_oversized_documents_are_refused() -> None:
    with pytest.raises(MalformedResponse):
        secure_fromstring(b"<a>" + b"x" * 2000 + b"</a>", provider="P", max_bytes=1000)


def test_deeply_nested_documents_fail_cleanly() -> None:
    body = b"<a>" * 100_000 + b"</a>" * 100_000
    with pytest.raises(MalformedResponse):
        secure_fromstring(body, provider="P")


def test_plain_documents_parse_without_comments_or_pis() -> None:
    root = secure_fromstring(
        b"<?xml version='1.0' encoding='UTF-8'?><response><!-- c --><?pi x?>"
        b"<status>success</status></response>",
        provider="P",
    )
    assert [child.tag for child in root] == ["status"]


def test_the_parser_itself_never_expands_entities_or_reads_files() -> None:
    # Belt and braces: even without the declaration scan, nothing would be expanded.
    body = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    root = etree.fromstring(body, parser=make_parser())
    assert b"root:" not in etree.tostring(root)
    assert root.text is None or "root:" not in root.text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_declarations_are_found_in_wide_encodings_without_a_bom(encoding: str) -> None:
    body = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'.encode(encoding)
    with pytest.raises(MalformedResponse):
        secure_fromstring(body, provider="P")


def test_messages_never_quote_the_body_or_an_address() -> None:
    for body in (XXE, b"<response><secret>https://example.invalid/?auth_token=abc</secret"):
        with pytest.raises(MalformedResponse) as info:
            secure_fromstring(body, provider="VoiceMeUp")
        with using("fr"), pytest.raises(MalformedResponse) as in_french:
            secure_fromstring(body, provider="VoiceMeUp")
        assert str(in_french.value) != str(info.value)
        for text in (str(info.value), str(in_french.value)):
            assert "http" not in text and "passwd" not in text and "<" not in text


def test_the_default_size_limit() -> None:
    body = b"<" * (MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(MalformedResponse) as info:
        secure_fromstring(body, provider="P")
    assert "too large" in str(info.value)


def test_french_text_in_utf8_and_latin1() -> None:
    root = secure_fromstring("<r><n>Émilie Côté</n></r>".encode(), provider="P")
    assert root.findtext("n") == "Émilie Côté"
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><r><n>Hélène</n></r>'.encode("latin-1")
    assert secure_fromstring(latin, provider="P").findtext("n") == "Hélène"


# --- incremental parsing -------------------------------------------------------------------


def _page(n: int) -> bytes:
    records = b"".join(
        b'<call_details unique_id="%032d"><duration>%d</duration></call_details>' % (i, i)
        for i in range(n)
    )
    return b"<response><status>success</status><calls>" + records + b"</calls></response>"


def _chunks(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def test_iter_records_yields_each_record_in_order_across_chunk_boundaries() -> None:
    seen = [
        (el.get("unique_id"), el.findtext("duration"))
        for el in iter_records(_chunks(_page(50), 7), {"call_details"}, provider="P")
    ]
    assert len(seen) == 50
    assert seen[3] == ("3".zfill(32), "3")


def test_iter_records_keeps_memory_bounded() -> None:
    # After each record is consumed, it and its earlier siblings are dropped from the tree.
    parents = []
    for el in iter_records(_chunks(_page(500), 4096), {"call_details"}, provider="P"):
        parent = el.getparent()
        assert parent is not None
        parents.append(len(parent))
    # Bounded by what one 4 KiB chunk holds (about 40 records), not by the 500 in the page.
    assert max(parents) < 60


@pytest.mark.parametrize(
    "chunks",
    [
        [XXE],
        [b"<?xml version='1.0'?><!DOC", b"TYPE r><response/>"],  # split across chunks
        [b"<?xml version='1.0'?>\n", b'<!ENTITY a "b"><response/>'],
        [XXE.decode().encode("utf-16")],
        [LAUGHS[:40], LAUGHS[40:]],
    ],
)
def test_iter_records_refuses_declarations(chunks: list[bytes]) -> None:
    with pytest.raises(MalformedResponse) as info:
        list(iter_records(chunks, {"call_details", "status"}, provider="P"))
    assert "declaration" in str(info.value)


@pytest.mark.parametrize(
    "chunks", [[], [b""], [b"  "], [_page(3)[:-20]], [b"not xml at all"], [b"<a></b>"]]
)
def test_iter_records_refuses_empty_truncated_and_garbage(chunks: list[bytes]) -> None:
    with pytest.raises(MalformedResponse):
        list(iter_records(chunks, {"call_details"}, provider="P"))


def test_iter_records_reports_a_cut_after_records_were_yielded() -> None:
    got = []
    with pytest.raises(MalformedResponse):
        for el in iter_records(_chunks(_page(10)[:-30], 64), {"call_details"}, provider="P"):
            got.append(el.get("unique_id"))
    assert got  # the caller saw some records, and must drop them: the page failed


def test_iter_records_size_limit() -> None:
    with pytest.raises(MalformedResponse):
        list(iter_records(_chunks(_page(100), 100), {"call_details"}, provider="P", max_bytes=500))


def test_iter_records_finds_namespaced_records() -> None:
    body = b'<r:response xmlns:r="urn:x"><r:call_details unique_id="n"/></r:response>'
    ids = [el.get("unique_id") for el in iter_records([body], {"call_details"}, provider="P")]
    assert ids == ["n"]


def test_iter_records_tells_a_wide_encoding_even_from_one_byte_chunks() -> None:
    body = '<!DOCTYPE r [<!ENTITY x "y">]><r><call_details/></r>'.encode("utf-16-le")
    with pytest.raises(MalformedResponse) as info:
        list(iter_records([body[i : i + 1] for i in range(len(body))], {"r"}, provider="P"))
    assert "declaration" in str(info.value)


def test_iter_records_handles_tiny_documents_and_utf16() -> None:
    assert [el.tag for el in iter_records([b"<a", b"/>"], {"a"}, provider="P")] == ["a"]
    body = "<r><call_details unique_id='é'/></r>".encode("utf-16")
    ids = [el.get("unique_id") for el in iter_records([body], {"call_details"}, provider="P")]
    assert ids == ["é"]
