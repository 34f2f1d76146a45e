"""XML from providers, parsed defensively.

Entity expansion, DTD loading and network access are off, and any document that declares a DTD or
an entity is refused before it reaches the parser: XXE and billion-laughs payloads never expand.
"""

from __future__ import annotations

import re

from lxml import etree

from telephony_desktop.domain.errors import MalformedResponse

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _unreadable(provider: str) -> MalformedResponse:
    return MalformedResponse(
        f"The answer from {provider} could not be read (it was cut short or is not valid XML).",
        f"La réponse de {provider} est illisible (elle est incomplète ou n'est pas du XML valide).",
        provider=provider,
    )


def _hostile(provider: str) -> MalformedResponse:
    return MalformedResponse(
        f"The answer from {provider} contained a document type declaration, which is never "
        "accepted; it was refused.",
        f"La réponse de {provider} contenait une déclaration de type de document, jamais "
        "acceptée; elle a été refusée.",
        provider=provider,
    )


def _as_utf8_bytes(body: bytes) -> bytes:
    """Bytes to scan for declarations: UTF-16/32 documents are re-encoded first."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or body[:4] in (
        b"<\x00?\x00",
        b"\x00<\x00?",
    ):
        for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
            try:
                return body.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                continue
    return body


def _parser() -> etree.XMLParser:
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
    """The root element of a provider's XML answer, or ``MalformedResponse``."""
    if not body or not body.strip():
        raise _unreadable(provider)
    if len(body) > max_bytes:
        raise MalformedResponse(
            f"The answer from {provider} was too large to read safely.",
            f"La réponse de {provider} était trop volumineuse pour être lue sans risque.",
            provider=provider,
        )
    if _DECLARATION.search(_as_utf8_bytes(body)):
        raise _hostile(provider)
    try:
        root = etree.fromstring(body, parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        raise _unreadable(provider) from None
    if root is None:
        raise _unreadable(provider)
    return root
