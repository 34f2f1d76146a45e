"""XML from providers, parsed defensively.

Entity expansion, DTD loading and network access are off, and any document that declares a DTD or
an entity is refused before it reaches the parser (and checked again after, for encodings the byte
scan cannot read): XXE and billion-laughs payloads never expand. Messages never quote the body or
an address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Final

from lxml import etree

from telephony_desktop.domain.errors import MalformedResponse
from telephony_desktop.i18n import _

MAX_DOCUMENT_BYTES: Final = 64 * 1024 * 1024
# A parsed tree costs far more than its text: each element about 100 bytes, each attribute about
# 200, so 64 MB of ``<a/>`` would become 1.6 GB. Every element needs a "<" and every attribute an
# "=": counting them bounds the tree (to about 85 MB) before anything is parsed. A history page
# of 1000 calls has about 45,000 "<" and a few thousand "=".
MAX_MARKUP: Final = 400_000
MAX_ATTRIBUTES: Final = 200_000
_DECLARATION: Final = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_MARKER_TAIL: Final = 16  # bytes kept between chunks so a split "<!DOCTYPE" is still seen
_WIDE_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")


def _unreadable(provider: str) -> MalformedResponse:
    return MalformedResponse(
        _(
            "The answer from {provider} could not be read (it was cut short or is not valid XML)."
        ).format(provider=provider),
        provider=provider,
    )


def _hostile(provider: str) -> MalformedResponse:
    return MalformedResponse(
        _(
            "The answer from {provider} contained a document type or entity declaration, which "
            "is never accepted; it was refused."
        ).format(provider=provider),
        provider=provider,
    )


def _too_large(provider: str) -> MalformedResponse:
    return MalformedResponse(
        _("The answer from {provider} was too large to read safely.").format(provider=provider),
        provider=provider,
    )


def _is_wide(head: bytes) -> bool:
    """UTF-16/UTF-32 (with or without a byte-order mark): ASCII markup is interleaved with NULs."""
    return head.startswith(_WIDE_BOMS) or b"\x00" in head[:4]


def _declares(data: bytes, *, wide: bool) -> bool:
    """Whether ``data`` contains ``<!DOCTYPE`` or ``<!ENTITY``, in any case.

    For UTF-16/32 the NUL bytes are dropped first, which turns the ASCII markup back into
    contiguous bytes whatever the byte order (stray bytes of other characters only risk a
    false alarm, never a miss).
    """
    return bool(_DECLARATION.search(data.replace(b"\x00", b"") if wide else data))


def _has_doctype(tree: etree._ElementTree) -> bool:
    info = tree.docinfo
    doctype = info.doctype  # type: ignore[attr-defined]  # missing from lxml-stubs
    return bool(doctype) or info.internalDTD is not None or info.externalDTD is not None


def make_parser() -> etree.XMLParser:
    """A parser with entity expansion, DTD loading, network access and huge trees off."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def secure_fromstring(
    body: bytes, *, provider: str, max_bytes: int = MAX_DOCUMENT_BYTES
) -> etree._Element:
    """The root element of a provider's XML answer, or ``MalformedResponse``.

    Refused: an empty body, one larger than ``max_bytes`` or with more markup than a tree of
    bounded size can hold (``MAX_MARKUP``, ``MAX_ATTRIBUTES``), any DTD or entity declaration,
    and anything that is not one complete, well-formed XML document.
    """
    if len(body) > max_bytes:
        raise _too_large(provider)
    if body.count(b"<") > MAX_MARKUP or body.count(b"=") > MAX_ATTRIBUTES:
        raise _too_large(provider)
    if not body or body.isspace():
        raise _unreadable(provider)
    if _declares(body, wide=_is_wide(body[:4])):
        raise _hostile(provider)
    try:
        root = etree.fromstring(body, parser=make_parser())
    except (etree.XMLSyntaxError, ValueError):
        raise _unreadable(provider) from None
    if root is None:
        raise _unreadable(provider)
    if _has_doctype(root.getroottree()):  # e.g. an EBCDIC document the byte scan cannot read
        raise _hostile(provider)
    return root


def iter_records(
    body_chunks: Iterable[bytes],
    tags: set[str] | frozenset[str],
    *,
    provider: str,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> Iterator[etree._Element]:
    """Yield each element named in ``tags`` (in any namespace) as soon as it is complete.

    Memory stays bounded: after the consumer takes an element, the generator clears it and drops
    the siblings already seen, so read what you need from an element before asking for the next.
    The safety rules are those of ``secure_fromstring``; a problem found late (a document cut
    short after some records were yielded) still raises ``MalformedResponse`` at the end, so the
    caller must treat everything already yielded as provisional until the generator finishes.
    """
    wanted = [f"{{*}}{tag}" for tag in tags]
    parser = etree.XMLPullParser(
        events=("end",),
        tag=wanted,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    total = 0
    seen_any = False
    wide: bool | None = None
    tail = b""
    checked_tree = False

    def drain() -> Iterator[etree._Element]:
        nonlocal checked_tree
        for _event, element in parser.read_events():
            if not isinstance(element, etree._Element):
                continue
            if not checked_tree:
                if _has_doctype(element.getroottree()):
                    raise _hostile(provider)
                checked_tree = True
            yield element
            element.clear(keep_tail=True)  # type: ignore[call-arg]  # missing from lxml-stubs
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]

    def take(chunk: bytes) -> Iterator[etree._Element]:
        nonlocal tail, seen_any
        scan = tail + (chunk.replace(b"\x00", b"") if wide else chunk)
        if _declares(scan, wide=False):
            raise _hostile(provider)
        tail = scan[-_MARKER_TAIL:]
        seen_any = seen_any or not chunk.isspace()
        parser.feed(chunk)
        yield from drain()

    head = b""  # the first bytes, held until there are enough to tell the encoding
    try:
        for chunk in body_chunks:
            if not chunk:
                continue
            total += len(chunk)
            if total > max_bytes:
                raise _too_large(provider)
            if wide is None:
                head += chunk
                if len(head) < 4:
                    continue
                wide, chunk, head = _is_wide(head[:4]), head, b""
            yield from take(chunk)
        if wide is None and head:
            wide = _is_wide(head)
            yield from take(head)
        if not seen_any:
            raise _unreadable(provider)
        root = parser.close()
        yield from drain()
        if root is None or _has_doctype(root.getroottree()):
            raise _unreadable(provider) if root is None else _hostile(provider)
    except (etree.XMLSyntaxError, ValueError):
        raise _unreadable(provider) from None
