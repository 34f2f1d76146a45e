"""Small, fast XML text builders (the sandbox writes documents as strings, page by page)."""

from __future__ import annotations

import re

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(text: str) -> str:
    """Escape text for element content or a double-quoted attribute."""
    if "&" in text or "<" in text or ">" in text or '"' in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = text.replace('"', "&quot;")
    return text


def esc_any(text: str) -> str:
    """Like :func:`esc`, also dropping characters XML 1.0 cannot carry (for free text)."""
    return esc(_ILLEGAL.sub("", text))


def el(name: str, value: object) -> str:
    """``<name>value</name>``; an empty value gives ``<name></name>`` ("not set")."""
    return f"<{name}>{esc_any(str(value))}</{name}>"


def record(name: str, attrs: dict[str, str], children: list[tuple[str, object]]) -> str:
    attr_text = "".join(f' {k}="{esc_any(v)}"' for k, v in attrs.items())
    inner = "".join(el(k, v) for k, v in children)
    return f"<{name}{attr_text}>{inner}</{name}>"
