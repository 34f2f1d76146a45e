"""A pseudo-locale: every catalogue message comes back accented and in brackets.

A test renders every tab and dialog in it; visible text with plain letters outside the brackets
did not pass through the catalogue. Format fields (``{name}``, ``%(name)s``, ``%s``), markup and
entities are kept as they are so the app still works.
"""

from __future__ import annotations

import gettext
import re

OPEN = "⟦"
CLOSE = "⟧"
_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçđéƒĝĥíĵķĺɱñóƥʠŕšŧúṽŵẋýžÁƁÇĐÉƑĜĤÍĴĶĹṀÑÓƤɊŔŠŦÚṼŴẊÝŽ",
)
# Kept verbatim: str.format fields, printf fields, tags, entities, and keyboard mnemonics' text.
_KEEP = re.compile(r"\{[^{}]*\}|%\([^)]*\)[sdr]|%[sdr%]|<[^>]*>|&[a-zA-Z]+;|&#\d+;")


def pseudo(message: str) -> str:
    if not message:
        return message
    parts: list[str] = []
    last = 0
    for match in _KEEP.finditer(message):
        parts.append(message[last : match.start()].translate(_ACCENTED))
        parts.append(match.group(0))
        last = match.end()
    parts.append(message[last:].translate(_ACCENTED))
    return OPEN + "".join(parts) + CLOSE


class PseudoTranslations(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)
