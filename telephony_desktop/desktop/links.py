"""Turn a ``tel:``/``callto:``/``sip:`` link (or ``--dial`` text) into text for the dialer.

Qt-free and pure. The result holds only digits, an optional leading ``+`` and an optional
`` ext N`` suffix, which ``domain.numbers.normalise`` understands; the dialer validates the number
itself. Anything else is refused with ``InputError``: a link is never opened, run or passed on.
This module never raises anything but ``InputError``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from telephony_desktop.domain.errors import InputError
from telephony_desktop.i18n import _

SCHEMES = ("tel", "callto", "sip", "sips")
LINK_RE = re.compile(r"^(?:tel|callto|sips?):", re.IGNORECASE)

_MAX_LINK = 2048  # longer than any phone link; refused before any work
_MIN_DIGITS, _MAX_DIGITS = 3, 20  # the dialer says "too short/long" within these
_VISUAL = re.compile(r"[\s\-.()/\[\]]")  # RFC 3966 visual separators (and spaces, slashes)
_NUMBER = re.compile(r"^\+?\d+$")
_EXT = re.compile(r"^\d{1,6}$")
# "514 555 0123 ext 12", "x12", "poste 12", "#12": the words domain.numbers.normalise knows
_EXT_WORDS = re.compile(r"(?i)\s*(?:ext\.?|extension|x|poste|p\.|#)\s*(\d{1,6})\s*$")


def is_link(text: str) -> bool:
    """True when ``text`` starts with one of the schemes we handle (case-insensitive)."""
    return isinstance(text, str) and bool(LINK_RE.match(text.strip()))


def dial_text(text: str) -> str:
    """A link or a typed number (``--dial``) → the dialer's text. Raises ``InputError``."""
    if not isinstance(text, str):
        raise _not_a_number()
    return parse_link(text) if is_link(text) else parse_number(text)


def parse_link(link: str) -> str:
    """``tel:+1-514-555-0123`` → ``+15145550123``; ``tel:5145550123;ext=12`` →
    ``5145550123 ext 12``; ``sip:+15145550123@example.com;user=phone`` → ``+15145550123``."""
    if not isinstance(link, str):
        raise _not_a_number()
    raw = link.strip()
    if len(raw) > _MAX_LINK:
        raise _too_long()
    scheme, sep, rest = raw.partition(":")
    scheme = scheme.lower()
    if not sep or scheme not in SCHEMES:
        raise InputError(_("Only tel:, callto: and sip: links can be dialed."), field="number")
    if scheme == "tel":
        return _tel(rest)
    if scheme == "callto":
        return _callto(rest)
    return _sip(rest)


def parse_number(text: str) -> str:
    """What someone typed (``--dial "(514) 555-0123 ext 5"``) → ``5145550123 ext 5``."""
    if not isinstance(text, str):
        raise _not_a_number()
    raw = text.strip()
    if len(raw) > _MAX_LINK:
        raise _too_long()
    if is_link(raw):
        return parse_link(raw)
    extension = ""
    match = _EXT_WORDS.search(raw)
    if match:
        extension = match.group(1)
        raw = raw[: match.start()]
    return _compose(raw, extension)


# --- per scheme ----------------------------------------------------------------------------


def _tel(rest: str) -> str:
    """RFC 3966: ``tel:NUMBER;param=value...``; ``ext`` is kept, other parameters dropped."""
    rest = rest.lstrip("/")  # some pages write tel://...
    return _number_and_params(rest.split("?", 1)[0].split("#", 1)[0])


def _callto(rest: str) -> str:
    """``callto:+15145550123`` or ``callto://+15145550123``; Skype names are refused."""
    return _number_and_params(rest.lstrip("/").split("?", 1)[0])


def _sip(rest: str) -> str:
    """``sip:USER@HOST;params?headers``: the user part must be a phone number (``+1514...``,
    possibly with tel parameters such as ``;ext=``); ``sip:alice@host`` is refused."""
    rest = rest.split("?", 1)[0]
    # without a host (``sip:+15145550123``) the whole thing must be the number
    userinfo = rest.rsplit("@", 1)[0]
    userinfo = userinfo.split(":", 1)[0]  # user:password@host: a password is never kept
    return _number_and_params(userinfo, sip=True)


def _number_and_params(text: str, *, sip: bool = False) -> str:
    number, *params = text.split(";")
    extension = ""
    for param in params:
        name, _sep, value = param.partition("=")
        if name.strip().lower() == "ext":
            extension = _extension(_decode(value))
    return _compose(_decode(number), extension, sip=sip)


# --- shared --------------------------------------------------------------------------------


def _decode(text: str) -> str:
    try:
        decoded = unquote(text, errors="strict") if "%" in text else text
    except UnicodeDecodeError:
        raise _not_a_number() from None
    return decoded.strip()


def _compose(number: str, extension: str, *, sip: bool = False) -> str:
    """Digits and a leading + only; `` ext N`` appended when there is an extension."""
    compact = _VISUAL.sub("", number)
    if not compact:
        raise InputError(_("No phone number was given."), field="number")
    if not _NUMBER.match(compact) or not compact.isascii():
        if sip:
            raise InputError(
                _(
                    "That SIP address is not a phone number; only links to phone numbers can be "
                    "dialed here."
                ),
                field="number",
            )
        raise _not_a_number()
    digits = len(compact) - compact.startswith("+")
    if digits < _MIN_DIGITS:
        raise InputError(_("That number is too short."), field="number")
    if digits > _MAX_DIGITS:
        raise _too_long()
    return f"{compact} ext {extension}" if extension else compact


def _extension(value: str) -> str:
    value = _VISUAL.sub("", value)
    if not _EXT.match(value) or not value.isascii():
        raise InputError(_("The extension in the link must be 1 to 6 digits."), field="number")
    return value


def _not_a_number() -> InputError:
    return InputError(
        _("That is not a phone number: a number can only contain digits, spaces and ( ) - . +"),
        field="number",
    )


def _too_long() -> InputError:
    return InputError(_("That is too long to be a phone number."), field="number")
