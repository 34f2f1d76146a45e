"""Reading Verba HTTP API answers, tolerantly and safely.

An answer is ``<VerbaApi><Response code="N" type="Action">[<ErrorMessage>..</ErrorMessage>]
</Response><Value>...</Value></VerbaApi>`` (``code="0"``: success). Tolerated: the
``Response`` element as the root or at any depth, element names in any case and namespace, extra
elements and attributes, whitespace, and a value given as element text or as an attribute
(``<CallID>id</CallID>``, ``<CallID value="id"/>``, ``<Response ... callID="id"/>``). XML goes
through :mod:`telephony_desktop.providers.xmlsafe` (DTDs and entities refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from lxml import etree

from telephony_desktop.domain.errors import MalformedResponse, ProviderRejected
from telephony_desktop.i18n import N_, _
from telephony_desktop.providers import xmlsafe
from telephony_desktop.providers.verba import errors
from telephony_desktop.providers.verba.errors import PROVIDER

# Element names (lower case) the project accepts for each value. ``Token``, ``CallURL`` are
# assumed (the vendor pages publish only ``CallID``); keep every assumed name here.
TOKEN_NAMES: Final = ("token", "securitytoken", "authtoken")
CALL_ID_NAMES: Final = ("callid", "call_id", "cid")
CALL_URL_NAMES: Final = ("callurl", "call_url", "url")
_VALUE_ATTRS: Final = ("value", "id", "url", "href")
_SAFE_VALUE = re.compile(r"^[\x21-\x7e]{1,512}$")  # printable ASCII, no spaces


@dataclass(frozen=True, slots=True)
class Envelope:
    """The parsed answer: ``code`` ("" when absent), ``action`` (the ``type``), the message."""

    code: str
    action: str
    message: str
    root: etree._Element

    @property
    def ok(self) -> bool:
        return self.code in (errors.SUCCESS, "") and not (self.code == "" and self.message)


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return etree.QName(tag).localname.lower()


def _text(element: etree._Element) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


def _attr(element: etree._Element, names: tuple[str, ...]) -> str:
    for key, value in element.attrib.items():
        if etree.QName(key).localname.lower() in names and str(value).strip():
            return str(value).strip()
    return ""


def _unreadable() -> MalformedResponse:
    return MalformedResponse(
        _("The answer from Verba could not be understood (it is not a Verba API answer)."),
        provider=PROVIDER,
    )


# What a successful answer lacked, one whole sentence each.
_NO_TOKEN: Final = N_("Verba reported success but sent no session token.")
_NO_CALL_ID: Final = N_("Verba reported success but sent no call ID.")
_NO_CALL_URL: Final = N_("Verba reported success but sent no usable call address.")


def _missing(message: str) -> MalformedResponse:
    """``message``: one of the sentences above."""
    return MalformedResponse(_(message), provider=PROVIDER)


def read_envelope(body: bytes) -> Envelope:
    """Parse an answer; ``MalformedResponse`` when it is not XML or has no ``Response``."""
    root = xmlsafe.secure_fromstring(body, provider=PROVIDER)
    response = next((el for el in root.iter() if _local(el) == "response"), None)
    if response is None:
        raise _unreadable()
    code = (response.get("code") or _attr(response, ("code",))).strip()
    action = (response.get("type") or "").strip()
    message = ""
    for el in root.iter():
        if _local(el) in ("errormessage", "error", "message"):
            message = _text(el)
            if message:
                break
    return Envelope(code=code, action=action, message=message, root=root)


def check(env: Envelope, *, status: int | None = None) -> None:
    """Raise the typed error for a failure envelope (``code`` not 0, or a bare error message)."""
    if env.ok:
        return
    raise error_for(env, status=status)


def error_for(env: Envelope, *, status: int | None = None) -> ProviderRejected:
    return errors.error_for(env.code or "unknown", env.message, action=env.action, status=status)


def find_value(root: etree._Element, names: tuple[str, ...]) -> str:
    """The first non-empty value named ``names``: element text, or its value attribute, or an
    attribute of that name on any element. "" when there is none."""
    for el in root.iter():
        if _local(el) in names:
            text = _text(el)
            if text:
                return text
            attr = _attr(el, _VALUE_ATTRS)
            if attr:
                return attr
    for el in root.iter():
        attr = _attr(el, names)
        if attr:
            return attr
    return ""


def _checked(body: bytes, *, status: int | None) -> Envelope:
    env = read_envelope(body)
    check(env, status=status)
    return env


def parse_token(body: bytes, *, status: int | None = None) -> str:
    env = _checked(body, status=status)
    token = find_value(env.root, TOKEN_NAMES)
    if not token or not _SAFE_VALUE.match(token):
        raise _missing(_NO_TOKEN)
    return token


def parse_call_id(body: bytes, *, status: int | None = None) -> str:
    env = _checked(body, status=status)
    call_id = find_value(env.root, CALL_ID_NAMES)
    if not call_id or not _SAFE_VALUE.match(call_id):
        raise _missing(_NO_CALL_ID)
    return call_id


def parse_call_url(body: bytes, *, status: int | None = None) -> str:
    env = _checked(body, status=status)
    url = find_value(env.root, CALL_URL_NAMES)
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[bad": urlsplit refuses a broken IPv6 host
        raise _missing(_NO_CALL_URL) from None
    if not url or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise _missing(_NO_CALL_URL)
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise _missing(_NO_CALL_URL)
    return url


# --- media -------------------------------------------------------------------------------

_TYPE_EXTENSIONS: Final = {
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/vnd.wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/ogg": "ogg",
    "audio/opus": "opus",
    "audio/speex": "spx",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "video/mp4": "mp4",
    "video/x-ms-wmv": "wmv",
    "audio/x-ms-wma": "wma",
}
_EXTENSION_TYPES: Final = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "spx": "audio/ogg",
    "m4a": "audio/mp4",
    "mp4": "video/mp4",
    "wma": "audio/x-ms-wma",
    "wmv": "video/x-ms-wmv",
}
_FILENAME = re.compile(r"""(?i)filename\*?=(?:UTF-8'')?"?([^";]+)"?""")


def sniff_extension(data: bytes) -> str:
    """The file extension the bytes themselves announce, or ""."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    if data[:4] == b"OggS":
        return "opus" if b"OpusHead" in data[:64] else "ogg"
    if data[4:8] == b"ftyp":
        return "m4a"
    return ""


def media_type(content_type: str, disposition: str, data: bytes) -> tuple[str, str]:
    """(content type, suggested file extension) for a GetMedia answer."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    ext = sniff_extension(data)
    if not ext:
        ext = _TYPE_EXTENSIONS.get(ctype, "")
    if not ext:
        match = _FILENAME.search(disposition)
        if match and "." in match.group(1):
            candidate = match.group(1).rsplit(".", 1)[1].lower()
            if re.fullmatch(r"[a-z0-9]{1,5}", candidate):
                ext = candidate
    ext = ext or "bin"
    if not ctype or ctype == "application/octet-stream":
        ctype = _EXTENSION_TYPES.get(ext, ctype or "application/octet-stream")
    return ctype, ext


def looks_like_document(content_type: str, data: bytes) -> bool:
    """True when a GetMedia answer is XML/HTML/text (an error envelope), not media."""
    ctype = content_type.split(";", 1)[0].strip().lower()
    if sniff_extension(data):
        return False
    if "xml" in ctype or ctype.startswith("text/"):
        return True
    head = data[:64].lstrip().lower()
    return head.startswith((b"<?xml", b"<verbaapi", b"<response", b"<!doctype", b"<html"))
