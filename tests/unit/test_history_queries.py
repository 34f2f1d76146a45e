"""Windows of cached calls for the History view: paging, sorting in SQL, streaming, counts."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from telephony_desktop.domain.models import Call
from telephony_desktop.store.calls import (
    CallQuery,
    call_statuses,
    close_rows,
    count_matching,
    has_calls,
    iter_call_rows,
    next_rows,
    query_call_rows,
    query_calls,
    upsert_calls,
)
from telephony_desktop.store.db import Database
from tests.helpers.fake_sources import uid

T0 = datetime(2024, 5, 1, 9, 0, 0)
STATUSES = ("answered", "no_answer", "busy", "voicemail")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open_sync(tmp_path / "acct" / "cache.sqlite3")
    yield database
    database.close_sync()


def make(n: int, **kw: object) -> Call:
    outbound = n % 3 == 0
    base: dict[str, object] = {
        "unique_id": uid(f"h{n}"),
        "started_at": T0 + timedelta(hours=n),
        "direction": "outbound" if outbound else "inbound",
        "source": "4385550199" if outbound else f"51455{n:05d}",
        "destination": f"61355{n:05d}" if outbound else "4385550199",
        "callerid_name": "Jean Côté" if n % 10 == 0 else f"Person {n}",
        "duration_s": (n * 37) % 700,
        "status": STATUSES[n % len(STATUSES)],
        "billed_amount": Decimal(n % 7) / 100,
    }
    base.update(kw)
    return Call(**base)  # type: ignore[arg-type]


@pytest.fixture
def filled(db: Database) -> Database:
    db.call(upsert_calls, [make(n) for n in range(500)])
    return db


ID = ("unique_id",)


def test_pages_match_query_calls(filled: Database) -> None:
    query = CallQuery(direction="inbound", search="côte")
    expected = [c.unique_id for c in filled.call(query_calls, limit=None, **query.filters())]
    pages = [
        row[0]
        for offset in range(0, 60, 7)
        for row in filled.call(query_call_rows, query, ID, limit=7, offset=offset)
    ]
    assert pages == expected and expected
    assert filled.call(count_matching, query) == len(expected)


def test_sorting_in_sql(filled: Database) -> None:
    cols = ("duration_s", "started_at")
    up = filled.call(
        query_call_rows, CallQuery(sort="duration_s", descending=False), cols, limit=500
    )
    assert [r[0] for r in up] == sorted(r[0] for r in up)
    # equal keys: newest first
    for a, b in itertools.pairwise(up):
        if a[0] == b[0]:
            assert a[1] >= b[1]
    cost = filled.call(
        query_call_rows, CallQuery(sort="billed_amount"), ("billed_amount",), limit=500
    )
    amounts = [Decimal(r[0]) for r in cost]
    assert amounts == sorted(amounts, reverse=True)  # numeric, not text order
    oldest = filled.call(query_call_rows, CallQuery(descending=False), ID, limit=1)
    assert oldest[0][0] == uid("h0")
    with pytest.raises(ValueError, match="sort"):
        filled.call(query_call_rows, CallQuery(sort="search_text; DROP"), ID, limit=1)
    with pytest.raises(ValueError, match="columns"):
        filled.call(query_call_rows, CallQuery(), ("nope",), limit=1)


def test_stream_in_chunks_between_other_work(filled: Database) -> None:
    query = CallQuery(status="answered")
    stream = filled.call(iter_call_rows, query, ID, chunk_size=40)
    seen: list[str] = []
    while chunk := filled.call(next_rows, stream):
        assert len(chunk) <= 40
        seen.extend(r[0] for r in chunk)
        filled.call(query_call_rows, CallQuery(), ID, limit=5)  # other work in between
    filled.call(close_rows, stream)
    assert seen == [r[0] for r in filled.call(query_call_rows, query, ID, limit=1000)]
    assert len(seen) == filled.call(count_matching, query) == 125
    early = filled.call(iter_call_rows, query, ID, chunk_size=10)
    assert len(filled.call(next_rows, early)) == 10
    filled.call(close_rows, early)  # closing early releases the statement
    assert filled.call(next_rows, early) == []


def test_has_calls_and_statuses(db: Database) -> None:
    assert db.call(has_calls) is False
    assert db.call(call_statuses) == []
    db.call(upsert_calls, [make(1), make(2), make(3, status="")])
    assert db.call(has_calls) is True
    assert db.call(call_statuses) == ["busy", "no_answer"]
