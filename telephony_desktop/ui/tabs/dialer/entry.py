"""What the number field does to each edit: format as you type, keep the caret where the person
was typing, tidy pasted text. Pure functions (no Qt) so they can be tested alone."""

from __future__ import annotations

from dataclasses import dataclass

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.numbers import AsYouType, display, normalise

_PLAIN = set("0123456789+ ()-./")


@dataclass(frozen=True, slots=True)
class Edit:
    text: str
    cursor: int


def _significant(ch: str) -> bool:
    return ch.isdigit() or ch == "+"


def _count_significant(text: str) -> int:
    return sum(1 for ch in text if _significant(ch))


def _position_after(text: str, count: int) -> int:
    """The caret position just after the ``count``-th digit (or +) of ``text``."""
    if count <= 0:
        return 0
    seen = 0
    for index, ch in enumerate(text):
        if _significant(ch):
            seen += 1
            if seen == count:
                return index + 1
    return len(text)


def is_plain(text: str) -> bool:
    """Digits and the usual punctuation only: safe to reformat as you type."""
    return all(ch in _PLAIN for ch in text)


def tidy(text: str, region: str) -> str | None:
    """Pasted or handed-over text (``514.555.1234 ext 5``, ``tel:+33…``) in the form the
    field shows: ``(514) 555-1234 ext. 5``. None when it is not a valid number yet."""
    try:
        number = normalise(text, region)
    except InputError:
        return None
    shown = display(number.e164, region)
    return f"{shown} ext. {number.extension}" if number.extension else shown


def reformat(text: str, cursor: int, previous: str, formatter: AsYouType, region: str) -> Edit:
    """The field's new content after the person changed ``previous`` into ``text``.

    * digits typed anywhere are formatted as you type; the caret stays after the same digit;
    * backspace over formatting (``)`` or ``-``) removes the digit before it, as people expect;
    * text inserted in one go (a paste) is normalised when it is a valid number;
    * anything else with words in it (``ext``, ``tel:``) is left as typed.
    """
    pasted = len(text) - len(previous) > 1
    if pasted or not is_plain(text):
        tidied = tidy(text, region) if pasted or not is_plain(previous) else None
        if tidied is not None and tidied != text and (pasted or cursor == len(text)):
            return Edit(tidied, len(tidied))
        if not is_plain(text):
            return Edit(text, cursor)
    before = _count_significant(text[:cursor])
    if (
        len(text) == len(previous) - 1
        and _count_significant(text) == _count_significant(previous)
        and before > 0
    ):
        # Only punctuation went: take the digit before the caret with it.
        index = _position_after(text, before) - 1
        text = text[:index] + text[index + 1 :]
        before -= 1
    digits = "".join(ch for ch in text if _significant(ch))
    if not digits:
        return Edit("", 0)
    formatted = formatter.format(digits) or digits
    if text.endswith(" ") and cursor == len(text):
        formatted += " "  # a space typed at the end (before "ext 5") stays
        return Edit(formatted, len(formatted))
    return Edit(formatted, _position_after(formatted, before))
