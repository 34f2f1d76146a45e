"""What a history row shows, computed off the Qt thread (pure Python, no Qt).

Pages of rows are read *and* formatted on the database thread (``db.run(load_page, ...)``), so the
Qt thread only indexes into ready-made tuples when the view paints.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from telephony_desktop.domain.numbers import display
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

# The table's columns: (title, sort key in store.calls.CALL_SORT_KEYS, tooltip).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Date", "started_at", "When the call started (provider's clock)"),
    ("Direction", "direction", "↙ In: someone called you · ↗ Out: you called"),
    ("From", "source", "The number that placed the call"),
    ("To", "destination", "The number that was called"),
    ("Name", "callerid_name", "Caller ID name"),
    ("Duration", "duration_s", "How long the call lasted (minutes:seconds)"),
    ("Status", "status", "How the call ended"),
    ("Cost", "billed_amount", "What the provider billed for the call"),
)
COL_DATE, COL_DIRECTION, COL_FROM, COL_TO, COL_NAME, COL_DURATION, COL_STATUS, COL_COST = range(8)

CSV_HEADER = (*(title for title, _key, _tip in COLUMNS), "Unique ID")

STATUS_LABELS = {
    "answered": "Answered",
    "no_answer": "No answer",
    "busy": "Busy",
    "failed": "Failed",
    "voicemail": "Voicemail",
    "cancelled": "Cancelled",
    "canceled": "Cancelled",
    "congestion": "Congestion",
}
DIRECTION_LABELS = {"inbound": "↙ In", "outbound": "↗ Out"}
DIRECTION_WORDS = {"inbound": "In", "outbound": "Out"}


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


def status_label(status: str) -> str:
    """``"no_answer"`` -> ``"No answer"``; unknown statuses are made readable the same way."""
    if not status:
        return ""
    known = STATUS_LABELS.get(status.lower())
    if known:
        return known
    text = status.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:].lower()


def direction_label(direction: str) -> str:
    return DIRECTION_LABELS.get(direction, direction.capitalize())


def duration_label(seconds: int | None) -> str:
    """``m:ss``, or ``h:mm:ss`` past an hour."""
    total = max(0, int(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def cost_label(amount: str | None) -> str:
    """The billed amount with 4 decimals, so a right-aligned column lines up (``0.5`` ->
    ``0.5000``, ``0.0241`` stays); unreadable amounts are shown as they came."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        return amount
    if not value.is_finite():
        return amount
    return f"{value:.4f}"


def when_label(started_at: str | None, today: date) -> str:
    """``Today 14:05``, ``Yesterday 09:12``, ``Mon Nov 17, 14:05``, ``Nov 17 2025, 14:05``."""
    if not started_at:
        return "—"
    try:
        moment = datetime.fromisoformat(started_at)
    except ValueError:
        return started_at
    clock = moment.strftime("%H:%M")
    day = moment.date()
    if day == today:
        return f"Today {clock}"
    if day == today - timedelta(days=1):
        return f"Yesterday {clock}"
    if day.year == today.year:
        return f"{moment.strftime('%a %b')} {day.day}, {clock}"
    return f"{moment.strftime('%b')} {day.day} {day.year}, {clock}"


@lru_cache(maxsize=65536)
def number_label(number: str, region: str) -> str:
    """``domain.numbers.display``, memoised: history repeats the same numbers endlessly."""
    return display(number, region)


def other_party(direction: str, source: str, destination: str) -> str:
    """Who to call back: the caller of an inbound call, the callee of an outbound one."""
    return destination if direction == "outbound" else source


def make_row(raw: Sequence[Any], region: str, today: date) -> HistoryRow:
    """A :class:`HistoryRow` from a row read as :data:`ROW_COLUMNS`."""
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
        cost_label(billed),
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
        status_label(status or ""),
        billed or "",
        uid,
    )


# --- loading (these run on the database thread) -----------------------------------------


def load_page(
    conn: sqlite3.Connection, query: CallQuery, offset: int, limit: int, region: str
) -> list[HistoryRow]:
    today = date.today()
    raw = query_call_rows(conn, query, ROW_COLUMNS, limit=limit, offset=offset)
    rows: list[HistoryRow] = []
    for start in range(0, len(raw), _SLICE):
        rows.extend(make_row(r, region, today) for r in raw[start : start + _SLICE])
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
    conn: sqlite3.Connection, query: CallQuery, anchor_offset: int, limit: int, region: str
) -> Snapshot:
    count = count_matching(conn, query)
    empty = count == 0 and not has_calls(conn)
    offset = 0 if anchor_offset >= count else anchor_offset
    rows = load_page(conn, query, offset, limit, region) if count else []
    return Snapshot(count, empty, offset, rows)
