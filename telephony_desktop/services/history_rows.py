"""What a history row shows, computed off the Qt thread (pure Python, no Qt).

Pages of rows are read *and* formatted on the database thread (``db.run(load_page, ...)``), so the
Qt thread only indexes into ready-made tuples when the view paints.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from babel import Locale, numbers

from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _, formats
from telephony_desktop.store.calls import CallQuery, count_matching, has_calls, query_call_rows

_SLICE = 50  # rows formatted per hold of the GIL

# The columns read from the cache for one row, in this order.
ROW_COLUMNS = (
    "started_at",
    "direction",
    "source",
    "destination",
    "callerid_name",
    "duration_s",
    "status",
    "billed_amount",
    "unique_id",
)

# The table's columns: (title, sort key in store.calls.CALL_SORT_KEYS, tooltip). Title and
# tooltip are marked for the catalogue: the table shows ``_(title)`` and ``_(tooltip)``.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    (N_("Date"), "started_at", N_("When the call started (provider's clock)")),
    (N_("Direction"), "direction", N_("↙ In: someone called you · ↗ Out: you called")),
    # Translators: column of the call history: the number that placed the call.
    (N_("From"), "source", N_("The number that placed the call")),
    # Translators: column of the call history: the number that was called.
    (N_("To"), "destination", N_("The number that was called")),
    # Translators: column of the call history: the caller ID name.
    (N_("Name"), "callerid_name", N_("Caller ID name")),
    (N_("Duration"), "duration_s", N_("How long the call lasted (minutes:seconds)")),
    # Translators: column of the call history: how the call ended.
    (N_("Status"), "status", N_("How the call ended")),
    (N_("Cost"), "billed_amount", N_("What the provider billed for the call")),
)
COL_DATE, COL_DIRECTION, COL_FROM, COL_TO, COL_NAME, COL_DURATION, COL_STATUS, COL_COST = range(8)

# The CSV export is for spreadsheets and scripts: its header and words stay in English.
CSV_HEADER = (*(title for title, _key, _tip in COLUMNS), "Unique ID")

# Marked for the catalogue: ``status_label`` translates; the CSV export keeps the English.
STATUS_LABELS = {
    "answered": N_("Answered"),
    "no_answer": N_("No answer"),
    "busy": N_("Busy"),
    "failed": N_("Failed"),
    # Translators: how a call ended: it went to voicemail.
    "voicemail": N_("Voicemail"),
    "cancelled": N_("Cancelled"),
    "canceled": N_("Cancelled"),
    # Translators: how a call ended: the network was congested.
    "congestion": N_("Congestion"),
}
DIRECTION_LABELS = {"inbound": N_("↙ In"), "outbound": N_("↗ Out")}
DIRECTION_WORDS = {"inbound": "In", "outbound": "Out"}
# Per-call amounts are fractions of a cent: shown with 4 decimals, so a right-aligned column
# lines up (``$0.0241``). No account setting holds the currency the provider bills in.
COST_PLACES = 4


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One call as the table shows it: ``cells`` in column order, plus what actions need."""

    cells: tuple[str, ...]
    tooltip_when: str  # the full timestamp
    direction: str  # raw: "inbound", "outbound", ...
    status: str  # raw
    other_party: str  # the number to call back ("" if none)
    unique_id: str


# --- formatting --------------------------------------------------------------------------


def _status_words(status: str) -> str:
    """The English label (``No answer``); unknown statuses are made readable the same way."""
    known = STATUS_LABELS.get(status.lower())
    if known:
        return known
    text = status.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:].lower()


def status_label(status: str) -> str:
    """``"no_answer"`` -> ``"No answer"``; unknown statuses (the provider's own words) are made
    readable the same way, untranslated."""
    if not status:
        return ""
    known = STATUS_LABELS.get(status.lower())
    return _(known) if known else _status_words(status)


def direction_label(direction: str) -> str:
    known = DIRECTION_LABELS.get(direction)
    return _(known) if known else direction.capitalize()


def duration_label(seconds: int | None) -> str:
    """``m:ss``, or ``h:mm:ss`` past an hour."""
    return formats.length(seconds or 0)


def cost_label(amount: str | None, currency: str | None = None) -> str:
    """The billed amount in ``currency`` (Canadian dollars when not known) as the locale writes
    money, with 4 decimals so a right-aligned column lines up (``0.5`` -> ``$0.5000``,
    ``0.0241`` -> ``$0.0241`` / ``0,0241 $``); unreadable amounts are shown as they came."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return amount
    if not value.is_finite():
        return amount
    code = (currency or formats.DEFAULT_CURRENCY).strip().upper() or formats.DEFAULT_CURRENCY
    where = formats.locale_code()
    try:
        text: str = _cost_pattern(where).apply(
            value, _locale(where), currency=code, currency_digits=False
        )
    except (ValueError, numbers.UnknownCurrencyError):
        return formats.money(value, code)
    return text


@lru_cache(maxsize=4)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@lru_cache(maxsize=4)
def _cost_pattern(code: str) -> numbers.NumberPattern:
    """The locale's currency pattern (``¤#,##0.00`` / ``#,##0.00 ¤``) with 4 decimals."""
    # Parsed again from its text: the locale's own pattern object is shared, never changed.
    pattern = numbers.parse_pattern(_locale(code).currency_formats["standard"].pattern)
    pattern.frac_prec = (COST_PLACES, COST_PLACES)
    return pattern


def when_label(started_at: str | None, today: date) -> str:
    """``Today 2:05 p.m.``, ``Yesterday 9:12 a.m.``, ``Mon, Nov 17, 2:05 p.m.``, ``Nov 17, 2025,
    2:05 p.m.`` (``Aujourd'hui 14 h 05``, ``lun. 17 nov., 14 h 05``... in French)."""
    if not started_at:
        return formats.NO_VALUE
    try:
        moment = datetime.fromisoformat(started_at)
    except ValueError:
        return started_at
    return formats.when(moment, today, weekday=True)


@lru_cache(maxsize=65536)
def number_label(number: str, region: str) -> str:
    """``domain.numbers.display``, memoised: history repeats the same numbers endlessly."""
    return display(number, region)


def other_party(direction: str, source: str, destination: str) -> str:
    """Who to call back: the caller of an inbound call, the callee of an outbound one."""
    return destination if direction == "outbound" else source


def make_row(
    raw: Sequence[Any], region: str, today: date, currency: str | None = None
) -> HistoryRow:
    """A :class:`HistoryRow` from a row read as :data:`ROW_COLUMNS`; costs in ``currency``
    (Canadian dollars when not known)."""
    started, direction, source, destination, name, duration, status, billed, uid = raw
    direction = direction or ""
    source = source or ""
    destination = destination or ""
    cells = (
        when_label(started, today),
        direction_label(direction),
        number_label(source, region),
        number_label(destination, region),
        name or "",
        duration_label(duration),
        status_label(status or ""),
        cost_label(billed, currency),
    )
    return HistoryRow(
        cells=cells,
        tooltip_when=(started or "").replace("T", " "),
        direction=direction,
        status=status or "",
        other_party=other_party(direction, source, destination),
        unique_id=uid,
    )


def csv_record(raw: Sequence[Any], region: str) -> tuple[str, ...]:
    """One CSV line for a row read as :data:`ROW_COLUMNS`: the table's columns, spelled for a
    spreadsheet (full timestamp, plain ``In``/``Out``, cost as stored), then ``unique_id``."""
    started, direction, source, destination, name, duration, status, billed, uid = raw
    direction = direction or ""
    return (
        (started or "").replace("T", " "),
        DIRECTION_WORDS.get(direction, direction),
        number_label(source or "", region),
        number_label(destination or "", region),
        name or "",
        duration_label(duration),
        _status_words(status) if status else "",
        billed or "",
        uid,
    )


# --- loading (these run on the database thread) -----------------------------------------


def load_page(
    conn: sqlite3.Connection,
    query: CallQuery,
    offset: int,
    limit: int,
    region: str,
    currency: str | None = None,
) -> list[HistoryRow]:
    today = date.today()
    raw = query_call_rows(conn, query, ROW_COLUMNS, limit=limit, offset=offset)
    rows: list[HistoryRow] = []
    for start in range(0, len(raw), _SLICE):
        rows.extend(make_row(r, region, today, currency) for r in raw[start : start + _SLICE])
        time.sleep(0)  # formatting holds the GIL: let the Qt thread in between slices
    return rows


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a (re)load of the view needs at once: the count, and the first rows to show."""

    count: int
    cache_empty: bool
    first_offset: int
    first_rows: list[HistoryRow]


def load_snapshot(
    conn: sqlite3.Connection,
    query: CallQuery,
    anchor_offset: int,
    limit: int,
    region: str,
    currency: str | None = None,
) -> Snapshot:
    count = count_matching(conn, query)
    empty = count == 0 and not has_calls(conn)
    offset = 0 if anchor_offset >= count else anchor_offset
    rows = load_page(conn, query, offset, limit, region, currency) if count else []
    return Snapshot(count, empty, offset, rows)
