"""Hostile XML is refused before it can expand, and with bounded memory and time."""

from __future__ import annotations

import resource
import time

import pytest

from telephony_desktop.domain.errors import MalformedResponse
from telephony_desktop.providers.xmlsafe import secure_fromstring

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
