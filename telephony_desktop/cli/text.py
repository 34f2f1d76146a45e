"""Plain-text tables and values for the terminal, in the language messages are shown in.

Dates keep one numeric shape in both languages (``2026-11-22 14:02``) so columns line up and
sort; lengths read ``1:23``; status words are a person's words, not the provider's codes (the
``--json`` output keeps those)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from telephony_desktop.i18n import formats, pgettext


def duration(seconds: int | None) -> str:
    return formats.length(seconds)


def when(moment: datetime | None) -> str:
    return formats.numeric_date_time(moment) if moment else formats.NO_VALUE


def cost(amount: Decimal | None) -> str:
    """What a call cost, to the 1/10,000 the provider bills in (``0.0241`` / ``0,0241``)."""
    return formats.decimal(amount, 4) if amount is not None else ""


def _word(words: dict[str, str], value: str) -> str:
    """``value``'s word, else the value made readable (``no_answer`` -> ``no answer``)."""
    if not value:
        return ""
    return words.get(value.lower()) or value.replace("_", " ")


def call_status(status: str) -> str:
    """How a call ended, as a person says it (lowercase, for a table column)."""
    words = {
        "answered": pgettext("call status", "answered"),
        "no_answer": pgettext("call status", "no answer"),
        "busy": pgettext("call status", "busy"),
        "failed": pgettext("call status", "failed"),
        "voicemail": pgettext("call status", "voicemail"),
        "cancelled": pgettext("call status", "cancelled"),
        "canceled": pgettext("call status", "cancelled"),
        "congestion": pgettext("call status", "congestion"),
    }
    return _word(words, status)


def direction(value: str) -> str:
    """``in`` / ``out`` in the history table's short column."""
    words = {
        "inbound": pgettext("call direction", "in"),
        "outbound": pgettext("call direction", "out"),
    }
    return _word(words, value)


def number_status(status: str) -> str:
    """A number (DID) is ``enabled`` (takes calls) or ``disabled``."""
    words = {
        "enabled": pgettext("number status", "enabled"),
        "disabled": pgettext("number status", "disabled"),
    }
    return _word(words, status)


def placed_status(status: str) -> str:
    """What the provider said of a call it took (its own word when it is not one we know)."""
    words = {
        "dispatched": pgettext("placed call", "dispatched"),
        "progress": pgettext("placed call", "in progress"),
        "originated": pgettext("placed call", "originated"),
        "accepted": pgettext("placed call", "accepted"),
    }
    return _word(words, status or "accepted")


def recording_status(status: str) -> str:
    """Which call of an extension a recording is of: the ``last``, ``ongoing`` or ``next`` one."""
    words = {
        "last": pgettext("recorded call", "last"),
        "ongoing": pgettext("recorded call", "ongoing"),
        "next": pgettext("recorded call", "next"),
    }
    return _word(words, status)


def secret_source(source: str) -> str:
    """Where an account's secret is: ``keyring``, ``environment``, ``missing``, ``unavailable``."""
    words = {
        "keyring": pgettext("secret is in", "keyring"),
        "environment": pgettext("secret is in", "environment"),
        "missing": pgettext("secret is", "missing"),
        "unavailable": pgettext("secret is", "unavailable"),
    }
    return _word(words, source)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, max_width: int = 28) -> str:
    """A left-aligned table; long cells are clipped with an ellipsis."""
    cells = [[_clip(str(c), max_width) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )
    return "\n".join(lines)
