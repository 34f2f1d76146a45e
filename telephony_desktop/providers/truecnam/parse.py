"""Tolerant reading of TrueCNAM answers, in any of its three formats (json, xml, csv).

The format is sniffed from the body first (``{``/``[`` = JSON, ``<`` = XML) and otherwise taken
from the Content-Type (``json``/``xml``), else CSV: PHP services often label JSON ``text/html``.

- JSON: the object holding ``status`` or ``err`` (top level, or wrapped up to three levels deep,
  or the first of a list); keys in any case; values as strings or numbers.
- XML (through ``providers.xmlsafe``: no DTD, no entity): the element whose child is ``status`` or
  ``err`` (any root or wrapper name, any namespace), or an element carrying such an attribute.
- An answer without ``status`` is read from ``err``, as real extended answers come
  (``{"err": "0", "error_msg": "", "queries_per_minute_remaining": 59}``): ``0`` is ok, any other
  number an error.
- CSV: one line, fields in the documented order ``status, err, error_msg`` (``simple`` gives only
  ``status``); a header line naming the fields is accepted too. Extra columns go to ``extra``.

Whatever cannot be understood raises ``MalformedResponse``; messages never quote the body.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Mapping
from typing import Final

from lxml import etree

from telephony_desktop.domain.errors import MalformedResponse
from telephony_desktop.domain.truecnam import CallStartResult
from telephony_desktop.i18n import _
from telephony_desktop.providers import xmlsafe

log = logging.getLogger(__name__)
PROVIDER: Final = "TrueCNAM"
FIELDS: Final = ("status", "err", "error_msg")  # the documented CSV order
FORMATS: Final = ("json", "xml", "csv")
MAX_BODY_BYTES: Final = 1024 * 1024  # a call start answer is a few dozen bytes
_MAX_DEPTH: Final = 3
_KEY_FIELDS: Final = ("status", "err")  # either marks the answer's own object
_BOMS: Final = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _unreadable(why: str) -> MalformedResponse:
    log.debug("TrueCNAM answer refused: %s", why)  # the reason only, never the body
    return MalformedResponse(
        _(
            "The answer from TrueCNAM could not be read (it was cut short or is not in a format "
            "TrueCNAM uses)."
        ),
        provider=PROVIDER,
    )


def _head(body: bytes) -> bytes:
    """The first meaningful bytes: BOM and NULs (UTF-16/32) dropped, whitespace stripped."""
    head = body[:256]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    return head.replace(b"\x00", b"").lstrip()


def detect_format(body: bytes, content_type: str = "") -> str:
    """``"json"``, ``"xml"`` or ``"csv"``: sniffed from the body, else from the Content-Type."""
    head = _head(body)
    if head[:1] in (b"{", b"["):
        return "json"
    if head[:1] == b"<":
        return "xml"
    ctype = content_type.split(";", 1)[0].strip().lower()
    if "json" in ctype:
        return "json"
    if "xml" in ctype:
        return "xml"
    return "csv"


def parse_call_start(body: bytes, content_type: str = "") -> CallStartResult:
    """TrueCNAM's answer to a call start, in any format; ``MalformedResponse`` if unreadable."""
    if len(body) > MAX_BODY_BYTES:
        raise _unreadable("too large")
    if not body or body.isspace():
        raise _unreadable("empty")
    fmt = detect_format(body, content_type)
    if fmt == "xml" and _head(body)[:14].lower().startswith((b"<!doctype html", b"<html")):
        raise _unreadable("a web page")  # a proxy's or server's page, not the API's answer
    if fmt == "json":
        return parse_json(body)
    if fmt == "xml":
        return parse_xml(body)
    return parse_csv(body)


# --- values ------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    """A scalar as text (``0`` -> ``"0"``, ``None`` -> ``""``); None for lists/objects."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value.strip()
    return None


def _result(fields: Mapping[str, str], extra: Mapping[str, str]) -> CallStartResult:
    status = fields.get("status", "").strip().lower()
    err = fields.get("err", "").strip()
    if not status and err:  # a real extended answer: err alone says it
        status = "ok" if err.lstrip("0") == "" else "error"
    if not status:
        raise _unreadable("no status")
    return CallStartResult(
        status=status,
        err=fields.get("err", "").strip(),
        error_msg=fields.get("error_msg", "").strip(),
        extra=dict(extra),
    )


# --- JSON --------------------------------------------------------------------------------


def _find_object(value: object, depth: int = 0) -> dict[str, object] | None:
    if isinstance(value, dict):
        obj = {str(k): v for k, v in value.items()}
        status = [v for k, v in obj.items() if k.strip().lower() in _KEY_FIELDS]
        if status and _text(status[0]) is not None:
            return obj
        children = list(obj.values())
    elif isinstance(value, list):
        children = list(value)
    else:
        return None
    if depth >= _MAX_DEPTH:
        return None
    for child in children:
        found = _find_object(child, depth + 1)
        if found is not None:
            return found
    return None


def parse_json(body: bytes) -> CallStartResult:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # JSONDecodeError and bad encodings are ValueErrors
        raise _unreadable("not valid JSON") from None
    obj = _find_object(data)
    if obj is None:
        raise _unreadable("no status")
    fields: dict[str, str] = {}
    extra: dict[str, str] = {}
    for key, value in obj.items():
        name = key.strip().lower()
        text = _text(value)
        if name in FIELDS:
            if text is None:
                raise _unreadable(f"{name} is not a value")
            fields[name] = text
        else:
            extra[key] = text if text is not None else json.dumps(value, ensure_ascii=False)
    return _result(fields, extra)


# --- XML ---------------------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname.lower()


def _find_record(root: etree._Element) -> etree._Element | None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if any(str(name).lower() in _KEY_FIELDS for name in element.attrib):
            return element
        if _local(element) in _KEY_FIELDS and len(element) == 0:
            parent = element.getparent()
            return parent if parent is not None else element
    return None


def parse_xml(body: bytes) -> CallStartResult:
    root = xmlsafe.secure_fromstring(body, provider=PROVIDER, max_bytes=MAX_BODY_BYTES)
    record = _find_record(root)
    if record is None:
        raise _unreadable("no status")
    fields: dict[str, str] = {}
    extra: dict[str, str] = {}
    for name, value in record.attrib.items():
        key = etree.QName(name).localname
        if key.lower() in FIELDS:
            fields[key.lower()] = str(value).strip()
        else:
            extra[key] = str(value).strip()
    if _local(record) == "status" and len(record) == 0:  # the whole document is <status>ok</status>
        fields.setdefault("status", (record.text or "").strip())
    for child in record:
        if not isinstance(child.tag, str):
            continue
        key = etree.QName(child).localname
        text = "".join(str(t) for t in child.itertext()).strip()
        if key.lower() in FIELDS:
            fields.setdefault(key.lower(), text)
        else:
            extra.setdefault(key, text)
    return _result(fields, extra)


# --- CSV ---------------------------------------------------------------------------------


def parse_csv(body: bytes) -> CallStartResult:
    text = body.decode("utf-8-sig", errors="replace")
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    except csv.Error:
        raise _unreadable("not valid CSV") from None
    if not rows:
        raise _unreadable("empty")
    names: list[str] = list(FIELDS)
    if rows[0] and rows[0][0].strip().lower() == "status":  # a header line
        names = [c.strip().lower() for c in rows[0]]
        rows = rows[1:]
        if not rows:
            raise _unreadable("no data line")
    row = rows[0]
    status = row[0].strip().lower() if row else ""
    if status not in ("ok", "error"):  # anything else is not a TrueCNAM answer
        raise _unreadable("unexpected status")
    fields: dict[str, str] = {}
    extra: dict[str, str] = {}
    for i, value in enumerate(row):
        name = names[i] if i < len(names) and names[i] else f"field_{i + 1}"
        if name in FIELDS:
            fields[name] = value.strip()
        else:
            extra[name] = value.strip()
    return _result(fields, extra)
