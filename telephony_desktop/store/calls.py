"""Call history in the cache: bulk upsert, filtered/search queries, back to ``Call`` objects.

Ingest is built for volume (a million rows): one ``executemany`` per batch, a few cheap Python
operations per call, and the full-text index fed set-wise (one ``INSERT ... SELECT`` per batch)
rather than by a per-row trigger.

Search is substring search, case- and accent-insensitive: ``côté``, ``COTE`` and ``ote`` all find
"Jean Côté"; ``5550`` and ``(514) 555-0100`` find ``5145550100``. Terms of three characters or more
are answered by the FTS5 trigram index; shorter ones by a scan (``GLOB`` over ``search_text``).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import unicodedata
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any, Literal

from telephony_desktop.domain.models import Call
from telephony_desktop.store.convert import (
    extra_from_json,
    extra_to_json,
    iso,
    parse_iso,
    to_decimal,
    utc_now_iso,
)
from telephony_desktop.store.db import transaction

SEARCH_SEPARATOR = "\x1f"
_FOLD_EXTRA = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o"})
_PHONE_LIKE = re.compile(r"^[\d\s().+\-/]+$")
_GLOB_SPECIAL = re.compile(r"([*?\[])")

CALL_COLUMNS = (
    "unique_id",
    "started_at",
    "direction",
    "source",
    "destination",
    "callerid_name",
    "callerid_number",
    "duration_s",
    "status",
    "billed_amount",
    "current_rate",
    "call_hash",
    "client_peer_id",
    "country",
    "state",
    "district",
    "normalized",
    "meta_data",
    "extra",
)
_WRITE_COLUMNS = (*CALL_COLUMNS, "search_text", "synced_at")
_COMPARED = ", ".join(f"calls.{c}" for c in (*CALL_COLUMNS[1:], "search_text"))
_COMPARED_NEW = ", ".join(f"excluded.{c}" for c in (*CALL_COLUMNS[1:], "search_text"))
# SQL below is built from these constant column names only; values are always bound parameters.
_INSERT = (
    f"INSERT INTO calls ({', '.join(_WRITE_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join('?' * len(_WRITE_COLUMNS))})"
)
_UPSERT = (
    _INSERT
    + " ON CONFLICT (unique_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _WRITE_COLUMNS[1:])
    + f" WHERE ({_COMPARED}) IS NOT ({_COMPARED_NEW})"
)
_ROWS_PER_INSERT = 500  # 10,500 parameters: under the usual 32,766 limit
_SELECT = f"SELECT {', '.join(CALL_COLUMNS)} FROM calls"  # noqa: S608


# --- text folding ------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case and strip accents: ``"Côté Œuvre"`` -> ``"cote oeuvre"``. ASCII is fast-pathed."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def search_terms(search: str) -> list[str]:
    """What a search box holds, as folded terms that must all match.

    Text that looks like a phone number (digits and ``()+-./`` and spaces only) becomes one
    digit string, so ``(514) 555-01`` finds ``5145550100``; other text splits on whitespace.
    """
    search = search.strip()
    if not search:
        return []
    if _PHONE_LIKE.match(search) and any(ch.isdigit() for ch in search):
        return ["".join(ch for ch in search if ch.isdigit())]
    return [term for term in fold(search).split() if term]


# --- conversion --------------------------------------------------------------------------


_FOLDED_MAX = 65_536
_folded: dict[str, str] = {}  # fold() of non-ASCII parts seen lately: names repeat across calls
_EXTRA_MAX = 4096
_extra_json: dict[tuple[tuple[str, str], ...], str | None] = {}


def _fold_part(text: str) -> str:
    if text.isascii():
        return text.lower()
    found = _folded.get(text)
    if found is None:
        if len(_folded) >= _FOLDED_MAX:
            _folded.clear()
        found = _folded[text] = fold(text)
    return found


def search_text(name: str, number: str, source: str, destination: str) -> str:
    """What the full-text index holds for a call: the four parts folded, joined by U+001F.

    Folding works character by character (the separator is a starter, so no combining mark
    crosses it): folding the parts one by one equals folding the joined text, and lets the
    non-ASCII ones (names, which repeat) be remembered.
    """
    text = f"{name}\x1f{number}\x1f{source}\x1f{destination}"
    if text.isascii():
        return text.lower()
    return (
        f"{_fold_part(name)}\x1f{_fold_part(number)}\x1f{_fold_part(source)}"
        f"\x1f{_fold_part(destination)}"
    )


def _extra_text(extra: Any) -> str | None:
    key = tuple(extra.items())
    try:
        return _extra_json[key]
    except KeyError:
        pass
    except TypeError:  # pragma: no cover - values are strings
        return extra_to_json(extra)
    if len(_extra_json) >= _EXTRA_MAX:
        _extra_json.clear()
    text = _extra_json[key] = extra_to_json(extra)
    return text


def _call_row(call: Call, synced_at: str) -> tuple[Any, ...]:
    started = call.started_at
    billed = call.billed_amount
    rate = call.current_rate
    name = call.callerid_name
    number = call.callerid_number
    source = call.source
    destination = call.destination
    extra = call.extra
    return (
        call.unique_id,
        None if started is None else started.isoformat(timespec="seconds"),
        call.direction,
        source,
        destination,
        name,
        number,
        call.duration_s,
        call.status,
        None if billed is None else str(billed),
        None if rate is None else str(rate),
        call.call_hash,
        call.client_peer_id,
        call.country,
        call.state,
        call.district,
        call.normalized,
        call.meta_data,
        _extra_text(extra) if extra else None,
        search_text(name, number, source, destination),
        synced_at,
    )


def call_from_row(row: Sequence[Any]) -> Call:
    """A ``Call`` from a row selected as ``CALL_COLUMNS`` (in that order)."""
    return Call(
        unique_id=row[0],
        started_at=parse_iso(row[1]),
        direction=row[2],
        source=row[3],
        destination=row[4],
        callerid_name=row[5],
        callerid_number=row[6],
        duration_s=row[7],
        status=row[8],
        billed_amount=to_decimal(row[9]),
        current_rate=to_decimal(row[10]),
        call_hash=row[11],
        client_peer_id=row[12],
        country=row[13],
        state=row[14],
        district=row[15],
        normalized=row[16],
        meta_data=row[17],
        extra=extra_from_json(row[18]),
    )


# --- writing -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _multi_insert(rows: int) -> str:
    # Built from the constant column names and a count only; values are bound parameters.
    one = f"({', '.join('?' * len(_WRITE_COLUMNS))})"
    return f"INSERT INTO calls ({', '.join(_WRITE_COLUMNS)}) VALUES " + ", ".join([one] * rows)  # noqa: S608


def _insert_rows(conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT ``rows``, a few hundred per statement.

    ``executemany`` steps SQLite once per row and gives the GIL up and back each time, so the
    database thread crawls while a parser thread holds the GIL; one statement of many rows does
    the same SQLite work in one step that runs alongside the parsing of the next pages.
    """
    fits = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(_WRITE_COLUMNS)
    per = max(1, min(_ROWS_PER_INSERT, fits))
    full = len(rows) - len(rows) % per
    if full:
        sql = _multi_insert(per)
        for start in range(0, full, per):
            conn.execute(sql, list(chain.from_iterable(rows[start : start + per])))
    if full < len(rows):
        conn.executemany(_INSERT, rows[full:])


def upsert_calls(conn: sqlite3.Connection, calls: Iterable[Call]) -> int:
    """Insert or refresh calls by ``unique_id``; return how many were not in the cache before.

    Idempotent: a call sent again with the same values is not rewritten. Within one batch the last
    occurrence of a ``unique_id`` wins. Runs in one transaction (a savepoint if one is open).
    """
    synced_at = utc_now_iso()
    rows = {call.unique_id: _call_row(call, synced_at) for call in calls}
    if not rows:
        return 0
    with transaction(conn):
        existing = {
            row[0]
            for row in conn.execute(
                "SELECT unique_id FROM calls WHERE unique_id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(rows)),),
            )
        }
        (high,) = conn.execute("SELECT coalesce(max(rowid), 0) FROM calls").fetchone()
        if existing:
            # Rarely any: refresh those whose values changed (the upsert skips identical rows).
            conn.executemany(_UPSERT, [rows[i] for i in existing])
            fresh = [row for i, row in rows.items() if i not in existing]
        else:
            fresh = list(rows.values())
        # A plain INSERT (~25% faster than an upsert): under BEGIN IMMEDIATE nobody else can have
        # added these ids since the SELECT above.
        _insert_rows(conn, fresh)
        # New rows got rowids above the previous maximum; index them in one statement. Rows that
        # already existed keep their rowid, and the update trigger re-indexes them if needed.
        conn.execute(
            "INSERT INTO calls_fts (rowid, search_text) "
            "SELECT rowid, search_text FROM calls WHERE rowid > ?",
            (high,),
        )
    return len(rows) - len(existing)


def delete_calls_before(conn: sqlite3.Connection, before: datetime) -> int:
    """Drop calls that started before ``before`` (retention); return how many."""
    with transaction(conn):
        cur = conn.execute("DELETE FROM calls WHERE started_at < ?", (iso(before),))
    return cur.rowcount


def rebuild_call_search(conn: sqlite3.Connection) -> None:
    """Rebuild the full-text index from the table (repair tool; never needed in normal use)."""
    with transaction(conn):
        conn.execute("INSERT INTO calls_fts (calls_fts) VALUES ('rebuild')")


# --- reading -----------------------------------------------------------------------------


def _glob_contains(term: str) -> str:
    return "*" + _GLOB_SPECIAL.sub(r"[\1]", term) + "*"


def _where(
    *,
    since: datetime | None,
    until: datetime | None,
    direction: str | None,
    status: str | None,
    search: str | None,
    fts: bool = True,
) -> tuple[str, list[Any]]:
    """The WHERE clause. ``fts=False``: every search term is checked on the row itself (for a
    term that most rows match, reading rows in order beats collecting every match from the
    index; see :func:`dense_search`)."""
    clauses: list[str] = []
    params: list[Any] = []
    if since is not None:
        clauses.append("started_at >= ?")
        params.append(iso(since))
    if until is not None:
        clauses.append("started_at < ?")
        params.append(iso(until))
    if direction:
        clauses.append("direction = ?")
        params.append(direction)
    if status:
        clauses.append("status = ?")
        params.append(status)
    terms = search_terms(search or "")
    long_terms = [t for t in terms if len(t) >= 3] if fts else []
    short_terms = [t for t in terms if len(t) < 3] if fts else terms
    if long_terms:
        clauses.append(
            "rowid IN (SELECT rowid FROM calls_fts WHERE "  # noqa: S608
            + " AND ".join("search_text GLOB ?" for _ in long_terms)
            + ")"
        )
        params.extend(_glob_contains(t) for t in long_terms)
    for term in short_terms:
        clauses.append("search_text GLOB ?")
        params.append(_glob_contains(term))
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


DENSE_SAMPLE = 2000  # newest calls looked at to tell how common a search is
DENSE_SHARE = 0.01  # at least this share of them match: read rows in order, not the FTS index


def dense_search(conn: sqlite3.Connection, search: str | None) -> bool:
    """Whether ``search`` matches so many calls that checking rows in order finds a window of
    results sooner than the full-text index can list them all (``5550``, a common name...).

    The FTS5 index answers a rare term at once, but a term in every other row makes it collect
    and check every match before the first window can be sorted; in order, 200 results of a
    term matching 1% of rows are ~20,000 rows away. Decided on the newest calls (a few ms).
    """
    terms = [t for t in search_terms(search or "") if len(t) >= 3]
    if not terms:
        return False
    where = " AND ".join("search_text GLOB ?" for _ in terms)
    sql = (
        "SELECT count(*) FROM (SELECT search_text FROM calls "  # noqa: S608
        f"ORDER BY started_at DESC LIMIT {DENSE_SAMPLE:d}) WHERE {where}"
    )
    (hits,) = conn.execute(sql, [_glob_contains(t) for t in terms]).fetchone()
    return bool(hits >= DENSE_SAMPLE * DENSE_SHARE)


def query_calls(
    conn: sqlite3.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    direction: str | None = None,
    status: str | None = None,
    search: str | None = None,
    limit: int | None = 200,
    offset: int = 0,
    order: Literal["desc", "asc"] = "desc",
) -> list[Call]:
    """Calls matching every given filter, newest first (``order="asc"`` for oldest first).

    ``since`` is inclusive, ``until`` exclusive. ``search`` matches callerid name/number, source
    and destination by substring (see :func:`search_terms`). Calls with no time come last
    (first with ``order="asc"``); equal times keep the order they were cached in.
    """
    where, params = _where(
        since=since, until=until, direction=direction, status=status, search=search
    )
    if order == "desc":
        sort = " ORDER BY started_at DESC, rowid DESC"
    else:
        sort = " ORDER BY started_at ASC, rowid ASC"
    sql = _SELECT + where + sort
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [int(limit), int(offset)]
    elif offset:
        sql += " LIMIT -1 OFFSET ?"
        params.append(int(offset))
    return [call_from_row(row) for row in conn.execute(sql, params)]


def count_calls(
    conn: sqlite3.Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    direction: str | None = None,
    status: str | None = None,
    search: str | None = None,
) -> int:
    """How many calls :func:`query_calls` would return with no limit."""
    where, params = _where(
        since=since,
        until=until,
        direction=direction,
        status=status,
        search=search,
        fts=not dense_search(conn, search),
    )
    sql = "SELECT count(*) FROM calls" + where  # noqa: S608
    (count,) = conn.execute(sql, params).fetchone()
    return int(count)


def get_call(conn: sqlite3.Connection, unique_id: str) -> Call | None:
    row = conn.execute(_SELECT + " WHERE unique_id = ?", (unique_id,)).fetchone()
    return None if row is None else call_from_row(row)


def call_for_hash(conn: sqlite3.Connection, call_hash: str) -> Call | None:
    """The call a recording names by its ``call_hash``. Records as a public client saw them carry
    no ``call_hash``, and their ``unique_id`` is the hash, so that key is tried first (and is the
    table's primary key); the ``call_hash`` column after."""
    call = get_call(conn, call_hash)
    if call is not None:
        return call
    row = conn.execute(_SELECT + " WHERE call_hash = ? LIMIT 1", (call_hash,)).fetchone()
    return None if row is None else call_from_row(row)


def newest_call(conn: sqlite3.Connection) -> Call | None:
    """The cached call with the latest ``started_at`` (calls with no time are ignored)."""
    row = conn.execute(
        _SELECT + " WHERE started_at IS NOT NULL ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    return None if row is None else call_from_row(row)


# --- windows of rows (views over a large cache) ------------------------------------------

# What a view may sort by: a column name -> the SQL expression (constants only, never input).
# Equal keys fall back to newest first, then the order the rows were cached in.
CALL_SORT_KEYS: dict[str, str] = {
    "started_at": "started_at",
    "direction": "direction",
    "source": "source",
    "destination": "destination",
    "callerid_name": "callerid_name COLLATE NOCASE",
    "callerid_number": "callerid_number",
    "duration_s": "duration_s",
    "status": "status",
    "billed_amount": "CAST(billed_amount AS REAL)",
}


@dataclass(frozen=True, slots=True)
class CallQuery:
    """Filters and order of a view over the cached calls (what :func:`query_call_rows` takes).

    The filters mean what they mean for :func:`query_calls`; ``sort`` is a key of
    :data:`CALL_SORT_KEYS`.
    """

    since: datetime | None = None
    until: datetime | None = None
    direction: str | None = None
    status: str | None = None
    search: str | None = None
    sort: str = "started_at"
    descending: bool = True

    def filters(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "until": self.until,
            "direction": self.direction,
            "status": self.status,
            "search": self.search,
        }


def _rows_sql(
    query: CallQuery, columns: Sequence[str], *, fts: bool = True
) -> tuple[str, list[Any]]:
    unknown = [c for c in columns if c not in CALL_COLUMNS]
    if unknown or not columns:
        raise ValueError(f"unknown call columns: {unknown or 'none given'}")
    key = CALL_SORT_KEYS.get(query.sort)
    if key is None:
        raise ValueError(f"cannot sort calls by {query.sort!r}")
    where, params = _where(**query.filters(), fts=fts)
    way = "DESC" if query.descending else "ASC"
    if query.sort == "started_at":
        order = f" ORDER BY started_at {way}, rowid {way}"
    else:
        order = f" ORDER BY {key} {way}, started_at DESC, rowid DESC"
    # Column names are checked against CALL_COLUMNS and the order comes from CALL_SORT_KEYS.
    sql = f"SELECT {', '.join(columns)} FROM calls" + where + order  # noqa: S608
    return sql, params


def query_call_rows(
    conn: sqlite3.Connection,
    query: CallQuery,
    columns: Sequence[str],
    *,
    limit: int,
    offset: int = 0,
) -> list[tuple[Any, ...]]:
    """One window of the calls matching ``query``: rows ``offset .. offset+limit`` in its order,
    as plain tuples of ``columns`` (names from :data:`CALL_COLUMNS`).

    Built for views that page through a large cache: no ``Call`` objects, one statement.
    """
    sql, params = _rows_sql(query, columns, fts=not dense_search(conn, query.search))
    sql += " LIMIT ? OFFSET ?"
    params += [max(0, int(limit)), max(0, int(offset))]
    return [tuple(row) for row in conn.execute(sql, params)]


def iter_call_rows(
    conn: sqlite3.Connection,
    query: CallQuery,
    columns: Sequence[str],
    *,
    chunk_size: int = 2000,
) -> Generator[list[tuple[Any, ...]], None, None]:
    """Every call matching ``query``, in chunks, from one statement (no ``OFFSET`` rescans).

    The generator must be advanced on the connection's thread: hand it to ``db.run`` one
    ``next()`` at a time (see :func:`next_rows`) and close it with :func:`close_rows`, so other
    work on the database can run between chunks.
    """
    sql, params = _rows_sql(query, columns, fts=not dense_search(conn, query.search))
    cursor = conn.execute(sql, params)
    try:
        while True:
            rows = cursor.fetchmany(chunk_size)
            if not rows:
                return
            yield [tuple(row) for row in rows]
    finally:
        cursor.close()


def next_rows(
    conn: sqlite3.Connection, rows: Generator[list[tuple[Any, ...]], None, None]
) -> list[tuple[Any, ...]]:
    """The next chunk of an :func:`iter_call_rows` stream; ``[]`` once it is exhausted."""
    return next(rows, [])


def close_rows(
    conn: sqlite3.Connection, rows: Generator[list[tuple[Any, ...]], None, None]
) -> None:
    """Finish an :func:`iter_call_rows` stream, early or not (releases its statement)."""
    rows.close()


def count_matching(conn: sqlite3.Connection, query: CallQuery) -> int:
    """How many calls match ``query`` (its order is irrelevant)."""
    return count_calls(conn, **query.filters())


def count_matching_upto(conn: sqlite3.Connection, query: CallQuery, cap: int) -> int:
    """``min(cap, count_matching(conn, query))``, in time proportional to ``cap`` at most when
    matches are many (what a view shows before the exact count is in)."""
    where, params = _where(**query.filters(), fts=not dense_search(conn, query.search))
    sql = f"SELECT count(*) FROM (SELECT 1 FROM calls{where} LIMIT ?)"  # noqa: S608
    (count,) = conn.execute(sql, [*params, max(0, int(cap))]).fetchone()
    return int(count)


def has_calls(conn: sqlite3.Connection) -> bool:
    """Whether the cache holds any call at all (constant time)."""
    (found,) = conn.execute("SELECT EXISTS (SELECT 1 FROM calls)").fetchone()
    return bool(found)


def call_statuses(conn: sqlite3.Connection) -> list[str]:
    """The distinct non-empty call statuses in the cache, alphabetically (read off an index)."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT status FROM calls WHERE status != '' ORDER BY status"
        )
    ]
