"""Ingest: the app's history sync next to raw lxml + one ``executemany``, on the same documents.

    uv run python -m bench.ingest [--calls 100000] [--repeat 3] [--sandbox-thread]

The sandbox (its own process unless ``--sandbox-thread``) generates ``--calls`` synthetic calls;
their history pages (as many calls each as the app asks) are downloaded once. Then, in each
round, the same documents go through:

- raw (the baseline): ``lxml.etree.fromstring`` of each document, one tuple of child texts per
  ``call_details``, all of it fed to one ``executemany`` into a bare SQLite table (same file
  settings as the cache: WAL, ``synchronous=NORMAL``) in one transaction;
- app: the app's own :class:`HistorySync` + :class:`VoiceMeUpClient`, configured as the History
  tab runs them, into a fresh cache (secure parse, envelope check, ``Call`` objects, upsert with
  its indexes and the FTS5 trigram index, batched transactions with the resumable sync state),
  the documents served from memory by an ``httpx`` mock transport, so parse plus store is timed;
- app over HTTP: the same sync against the sandbox itself (the whole thing a user waits for,
  including the sandbox building its XML), for reference.

Rounds alternate the order; the figures are medians over the rounds. The final line is
``RESULT {json}`` (``ratio`` = app rows/s over raw rows/s; the target is at least 0.5).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
from lxml import etree

from bench.lag import peak_rss_mb, sandbox
from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.runtime import tune_interpreter
from telephony_desktop.services.sync import HistorySync
from telephony_desktop.store.db import Database
from telephony_desktop.ui.tabs.history import HistoryTab

# The sync as the History tab runs it: its page size and commit batches.
PAGE = HistoryTab.sync_page_size
RAW_COLUMNS = (
    "unique_id", "date", "time", "direction", "source", "destination", "client_peer_id",
    "country", "state", "district", "duration", "callerid_name", "callerid_number", "status",
    "normalized", "billed_amount", "current_rate", "call_hash", "meta_data",
)  # fmt: skip


def window() -> tuple[str, str]:
    """The first sync's date window, as HistorySync asks it (90 days up to today)."""
    today = date.today()
    return (today - timedelta(days=90)).isoformat(), today.isoformat()


def download(endpoint: str, account_id: str, token: str) -> list[bytes]:
    """Every history page of the first sync, as the sandbox serves it."""
    date_from, date_to = window()
    pages: list[bytes] = []
    with httpx.Client(timeout=120, trust_env=False) as client:
        while True:
            reply = client.get(
                endpoint,
                params={
                    "client_account_id": account_id, "auth_token": token,
                    "request_type": "get_calls", "date_from": date_from, "date_to": date_to,
                    "result_limit": str(PAGE), "result_offset": str(len(pages) * PAGE),
                },
            )  # fmt: skip
            reply.raise_for_status()
            pages.append(reply.content)
            if reply.content.count(b"<call_details") < PAGE:
                return pages


# --- the baseline ----------------------------------------------------------------------------


def _raw_rows(pages: list[bytes]) -> Iterator[tuple[str | None, ...]]:
    for body in pages:
        root = etree.fromstring(body)
        for el in root.iter("call_details"):
            fields = {child.tag: child.text for child in el}
            fields["unique_id"] = el.get("unique_id")
            yield tuple(fields.get(name) for name in RAW_COLUMNS)


def run_raw(pages: list[bytes], path: Path) -> tuple[float, int]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        columns = ", ".join(f"{c} TEXT" for c in RAW_COLUMNS[1:])
        conn.execute(f"CREATE TABLE calls (unique_id TEXT PRIMARY KEY, {columns})")
        sql = f"INSERT INTO calls VALUES ({', '.join('?' * len(RAW_COLUMNS))})"
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(sql, _raw_rows(pages))
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - started
        (rows,) = conn.execute("SELECT count(*) FROM calls").fetchone()
    finally:
        conn.close()
    return elapsed, int(rows)


# --- the app ---------------------------------------------------------------------------------


async def _sync(path: Path, client: VoiceMeUpClient) -> tuple[float, int]:
    db = await Database.open(path)
    try:
        started = time.perf_counter()
        sync = HistorySync(
            db,
            client,
            page_size=PAGE,
            batch_calls=HistoryTab.sync_batch_calls,
            batch_seconds=HistoryTab.sync_batch_seconds,
        )
        report = await sync.run()
        elapsed = time.perf_counter() - started
        rows = await db.run(lambda conn: conn.execute("SELECT count(*) FROM calls").fetchone()[0])
        assert report.calls_new == rows, (report, rows)
    finally:
        await db.close()
        await client.aclose()
    return elapsed, int(rows)


def run_app(pages: list[bytes], path: Path, account_id: str, token: str) -> tuple[float, int]:
    """The app's sync on the downloaded documents, served from memory."""

    async def serve(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("result_offset", "0"))
        return httpx.Response(200, content=pages[offset // PAGE])

    transport = httpx.MockTransport(serve)
    client = VoiceMeUpClient(
        account_id=account_id,
        auth_token=token,
        endpoint="http://sandbox.invalid/engine",
        client=httpx.AsyncClient(transport=transport),
    )
    return asyncio.run(_sync(path, client))


def run_http(path: Path, endpoint: str, account_id: str, token: str) -> tuple[float, int]:
    """The app's sync from the sandbox over HTTP (what a user waits for)."""
    client = VoiceMeUpClient(
        account_id=account_id, auth_token=token, endpoint=endpoint, deadline_s=300
    )
    return asyncio.run(_sync(path, client))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds (medians are reported)")
    parser.add_argument(
        "--sandbox-thread", action="store_true", help="run the sandbox in this process"
    )
    parser.add_argument("--no-http", action="store_true", help="skip the over-HTTP app sync")
    args = parser.parse_args(argv)
    tune_interpreter()  # as the app's entry point does

    with (
        tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp,
        sandbox(args.calls, not args.sandbox_thread) as (endpoint, account_id, token),
    ):
        root = Path(tmp)
        started = time.perf_counter()
        pages = download(endpoint, account_id, token)
        fetch_s = time.perf_counter() - started
        size_mb = sum(map(len, pages)) / 1e6
        print(
            f"{args.calls:,} calls: {len(pages)} pages, {size_mb:.0f} MB of XML, "
            f"downloaded in {fetch_s:.1f} s",
            flush=True,
        )
        raw_s: list[float] = []
        app_s: list[float] = []
        http_s: list[float] = []
        for rnd in range(args.repeat):
            order = ["raw", "app"] if rnd % 2 == 0 else ["app", "raw"]
            if not args.no_http:
                order.append("http")
            for kind in order:
                path = root / f"{kind}-{rnd}.sqlite3"
                if kind == "raw":
                    elapsed, rows = run_raw(pages, path)
                    raw_s.append(elapsed)
                elif kind == "app":
                    elapsed, rows = run_app(pages, path, account_id, token)
                    app_s.append(elapsed)
                else:
                    elapsed, rows = run_http(path, endpoint, account_id, token)
                    http_s.append(elapsed)
                if rows != args.calls:
                    print(f"warning: {kind} stored {rows:,} rows, not {args.calls:,}")
                print(
                    f"round {rnd + 1} {kind:4}: {elapsed:6.2f} s  {rows / elapsed:9,.0f} rows/s",
                    flush=True,
                )
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
    raw = statistics.median(raw_s)
    app = statistics.median(app_s)
    raw_rate, app_rate = args.calls / raw, args.calls / app
    result: dict[str, object] = {
        "bench": "ingest",
        "calls": args.calls,
        "rounds": args.repeat,
        "raw_s": round(raw, 3),
        "app_s": round(app, 3),
        "raw_rows_s": round(raw_rate),
        "app_rows_s": round(app_rate),
        "ratio": round(app_rate / raw_rate, 3),
        "target_ratio": 0.5,
    }
    print(f"raw lxml + executemany (baseline): {raw:.2f} s, {raw_rate:,.0f} rows/s (median)")
    print(f"app sync, parse + store:           {app:.2f} s, {app_rate:,.0f} rows/s (median)")
    print(f"ratio app/raw: {app_rate / raw_rate:.2f} (target >= 0.50)")
    if http_s:
        http = statistics.median(http_s)
        result |= {
            "http_s": round(http, 3),
            "http_rows_s": round(args.calls / http),
            "http_ratio": round(raw / http, 3),
        }
        print(
            f"app sync over HTTP from the sandbox: {http:.2f} s, {args.calls / http:,.0f} rows/s "
            f"(median; ratio to raw {raw / http:.2f})"
        )
    result["peak_rss_mb"] = round(peak_rss_mb())
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
