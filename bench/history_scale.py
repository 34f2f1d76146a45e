"""The History tab over a cache of 1,000,000 calls: open, jump to the end, scroll, search; memory.

    uv run python -m bench.history_scale [--calls 1000000] [--repeat 3]

The cache is built first, in a child process (so this process's memory is the app's alone): the
sandbox's call generator makes ``--calls`` synthetic calls, stored through the app's own ingest
path (``upsert_calls``, 20,000 calls per transaction). Then the window opens on that account
(offscreen) and, ``--repeat`` times, with the History tab:

- open: from showing the tab to the count and the first rows on screen;
- end: ``End`` (scroll to the last row), to those rows loaded;
- scroll: one page up per frame, 20 frames: each frame's work on the Qt thread (scroll and a
  synchronous repaint), then the time until the rows shown are loaded;
- search: for each term, typed into the search box; the time from the query being applied (the
  250 ms typing debounce has fired) to the first results on screen, from the last key, and to the
  exact count of matches (which follows the first results);
- memory: resident set (``VmRSS``) at the end and its peak (``ru_maxrss``), next to the same
  window before the tab was opened (the baseline).

The lateness of a 5 ms QTimer is recorded throughout (and, as the baseline, while idle). Targets:
search under 100 ms, each scroll frame under 16 ms, RSS under 300 MB. Medians over the rounds;
the final line is ``RESULT {json}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.lag import LagProbe, isolated_app_dirs, peak_rss_mb, rss_mb, sandbox
from telephony_desktop.runtime import tune_interpreter

SEARCHES = ("tremblay", "côté", "0142", "55501", "xylophone")  # names, numbers, no match
FRAMES = 20
BUILD_BATCH = 20_000


# --- building the cache (child process) ------------------------------------------------------


def build_cache(calls: int) -> float:
    """Fill the configured account's cache with ``calls`` synthetic calls; seconds taken."""
    import random
    from datetime import datetime

    from telephony_desktop.domain.models import Call
    from telephony_desktop.sandbox import seed
    from telephony_desktop.services.session import account_dir
    from telephony_desktop.store import paths, settings
    from telephony_desktop.store.calls import upsert_calls
    from telephony_desktop.store.db import Database, account_cache_paths

    started = time.perf_counter()
    config = settings.load_config(paths.config_path())
    account = config.accounts[0]
    folder = paths.ensure_dir(account_dir(account))
    db = Database.open_sync(account_cache_paths(folder)[0])
    rng = random.Random(1234)
    now = datetime.now().replace(microsecond=0)
    data = seed.build_seed(1234, now, 0)
    rows = seed.generate_calls(
        rng, calls, seed.to_ts(now), data.dids, data.peers, data.contacts, data.unknown_numbers
    )
    places = seed.PLACES
    unit = Decimal("0.0001")
    extra = {"monthly_usage": "increment"}
    try:
        for start in range(0, len(rows), BUILD_BATCH):
            batch = [
                Call(
                    unique_id=r.unique_id,
                    started_at=seed.from_ts(r.ts),
                    direction=r.direction,
                    source=r.source,
                    destination=r.destination,
                    callerid_name=r.callerid_name,
                    callerid_number=r.callerid_number,
                    duration_s=r.duration,
                    status=r.status,
                    billed_amount=r.billed * unit,
                    current_rate=r.rate * unit,
                    call_hash=r.call_hash or None,
                    client_peer_id=r.client_peer_id or None,
                    country=places[r.place][1],
                    state=places[r.place][3],
                    district=places[r.place][4],
                    normalized=r.source if r.direction == "inbound" else r.destination,
                    meta_data=r.meta_data,
                    extra=extra if r.billed else {},
                )
                for r in rows[start : start + BUILD_BATCH]
            ]
            db.call(upsert_calls, batch)
    finally:
        db.close_sync()
    return time.perf_counter() - started


# --- measuring (this process) ------------------------------------------------------------------


async def until(check: Callable[[], bool], limit_s: float = 30.0) -> float:
    """Seconds until ``check()`` holds (polled every millisecond)."""
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > limit_s:
            raise TimeoutError("the History tab did not get there in time")
        await asyncio.sleep(0.001)
    return time.perf_counter() - started


def visible_loaded(tab: Any, counted: bool = True) -> bool:
    """The rows on screen are loaded (and, with ``counted``, the exact count is in)."""
    table, model = tab.table, tab.model
    first = max(0, table.rowAt(0))
    last = table.rowAt(table.viewport().height() - 1)
    last = model.rowCount() - 1 if last < 0 else last
    if counted and model.loading:
        return False
    if model.rowCount() == 0:
        return True  # nothing to show (a search that matches nothing)
    return all(model.is_loaded(r) for r in (first, last))


async def measure_round(window: Any, tab: Any, first: bool) -> dict[str, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    out: dict[str, Any] = {}
    probe = LagProbe()
    probe.start()
    table, model = tab.table, tab.model
    # open (the first round: the tab's first showing; later ones: a reload, as after a sync)
    started = time.perf_counter()
    if first:
        window.show_tab("history")
    else:
        tab.search.clear()
        tab.apply_filters()
        table.scrollToTop()
        tab.refresh()
    await asyncio.sleep(0)
    await until(lambda: model.loaded_once and visible_loaded(tab))
    out["open_ms"] = (time.perf_counter() - started) * 1e3
    out["rows"] = model.rowCount()

    # jump to the end
    table.setFocus()
    started = time.perf_counter()
    QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    table.viewport().repaint()
    out["end_frame_ms"] = (time.perf_counter() - started) * 1e3
    await until(lambda: visible_loaded(tab))
    out["end_ms"] = (time.perf_counter() - started) * 1e3
    assert table.rowAt(table.viewport().height() - 1) in (-1, model.rowCount() - 1)

    # scroll: a page up per frame
    bar = table.verticalScrollBar()
    frames: list[float] = []
    started = time.perf_counter()
    for _ in range(FRAMES):
        t0 = time.perf_counter()
        bar.setValue(bar.value() - bar.pageStep())
        table.viewport().repaint()
        frames.append((time.perf_counter() - t0) * 1e3)
        await asyncio.sleep(0.016 - min(0.016, time.perf_counter() - t0))
    await until(lambda: visible_loaded(tab))
    out["scroll_frame_max_ms"] = max(frames)
    out["scroll_frame_p50_ms"] = statistics.median(frames)
    out["scroll_settled_ms"] = (time.perf_counter() - started) * 1e3 - FRAMES * 16

    # search
    searches: dict[str, dict[str, float]] = {}
    marks: dict[str, float] = {}

    def on_reloaded(*_args: Any) -> None:
        if "applied" in marks and "shown" not in marks:
            marks["shown"] = time.perf_counter()  # the new count and first window are in

    model.reloaded.connect(on_reloaded)
    original = model.set_query

    def spy(query: Any) -> None:
        marks["applied"] = time.perf_counter()  # the debounce fired: the query goes to SQL
        original(query)

    model.set_query = spy  # type: ignore[method-assign]
    try:
        for term in SEARCHES:
            tab.search.clear()
            tab.apply_filters()
            await until(lambda: not model.loading and visible_loaded(tab))
            marks.clear()
            tab.search.setFocus()
            for char in term:  # as typed (QTest.keyClicks takes ASCII only)
                tab.search.insert(char)
            typed = time.perf_counter()
            await until(lambda: "shown" in marks and visible_loaded(tab, counted=False))
            await until(lambda: not model.loading)
            counted = time.perf_counter()
            searches[term] = {
                "ms": (marks["shown"] - marks["applied"]) * 1e3,
                "from_last_key_ms": (marks["shown"] - typed) * 1e3,
                "exact_count_ms": (counted - marks["applied"]) * 1e3,
                "matches": model.rowCount(),
            }
    finally:
        del model.set_query
        model.reloaded.disconnect(on_reloaded)
    out["search"] = searches
    lag = probe.stop()
    out["lag_p99_ms"], out["lag_max_ms"] = lag.p99_ms, lag.max_ms
    return out


async def session(repeat: int) -> tuple[list[dict[str, Any]], dict[str, float]]:
    from telephony_desktop.store import paths
    from telephony_desktop.ui.app import build_context, settle_garbage_collector
    from telephony_desktop.ui.main_window import MainWindow
    from telephony_desktop.ui.tabs.history import HistoryTab

    ctx = await build_context(config_path=paths.config_path(), account=None, lang="en", demo=True)
    window = MainWindow(ctx)
    window.resize(1180, 760)
    window.show()
    settle_garbage_collector()  # as the app does once its window is up
    base: dict[str, float] = {}
    rounds: list[dict[str, Any]] = []
    try:
        tab = window.page("history")
        assert isinstance(tab, HistoryTab)
        tab.auto_sync_if_never_synced = False
        await asyncio.sleep(1.0)  # settle: first paint, the first tab's loads
        probe = LagProbe()
        probe.start()
        await asyncio.sleep(2.0)
        idle = probe.stop()
        base = {"rss_mb": rss_mb(), "idle_p99_ms": idle.p99_ms, "idle_max_ms": idle.max_ms}
        for n in range(repeat):
            result = await measure_round(window, tab, first=n == 0)
            result["rss_mb"] = rss_mb()
            rounds.append(result)
            terms = ", ".join(f"{t} {s['ms']:.0f} ms" for t, s in result["search"].items())
            print(
                f"round {n + 1}: open {result['open_ms']:.0f} ms, end {result['end_ms']:.0f} ms "
                f"(frame {result['end_frame_ms']:.1f} ms), scroll frames max "
                f"{result['scroll_frame_max_ms']:.1f} ms p50 {result['scroll_frame_p50_ms']:.1f}"
                f" ms; search: {terms}; RSS {result['rss_mb']:.0f} MB; lag p99 "
                f"{result['lag_p99_ms']:.1f} ms max {result['lag_max_ms']:.1f} ms",
                flush=True,
            )
    finally:
        window.close()
        await ctx.tasks.cancel_all()
        if ctx.session is not None:
            await ctx.session.aclose()
    return rounds, base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds (medians are reported)")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    tune_interpreter()  # as the app's entry point does
    if args.build_only:  # the child: config and data directories come from the environment
        print(f"built in {build_cache(args.calls):.1f} s", flush=True)
        return 0

    import qasync

    from telephony_desktop.ui.app import make_application

    with (
        tempfile.TemporaryDirectory(prefix="bench-history-") as tmp,
        sandbox(10, separate=False) as (endpoint, account_id, token),
        isolated_app_dirs(Path(tmp), endpoint, account_id, token),
    ):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bench.history_scale", "--build-only", "--calls",
             str(args.calls)],
            check=True, cwd=Path(__file__).resolve().parents[1],
        )  # fmt: skip
        build_s = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in Path(tmp, "data").rglob("cache.sqlite3*")) / 1e6
        print(f"cache of {args.calls:,} calls built in {build_s:.1f} s ({size_mb:.0f} MB)")
        app = make_application()
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            rounds, base = loop.run_until_complete(session(args.repeat))

    def med(key: str) -> float:
        return float(statistics.median(r[key] for r in rounds))

    search_ms = {t: statistics.median(r["search"][t]["ms"] for r in rounds) for t in SEARCHES}
    typed_ms = {
        t: statistics.median(r["search"][t]["from_last_key_ms"] for r in rounds) for t in SEARCHES
    }
    counted_ms = {
        t: statistics.median(r["search"][t]["exact_count_ms"] for r in rounds) for t in SEARCHES
    }
    matches = {t: rounds[-1]["search"][t]["matches"] for t in SEARCHES}
    result = {
        "bench": "history_scale",
        "calls": args.calls,
        "rounds": len(rounds),
        "build_s": round(build_s, 1),
        "open_ms": round(med("open_ms"), 1),
        "end_ms": round(med("end_ms"), 1),
        "end_frame_ms": round(med("end_frame_ms"), 2),
        "scroll_frame_max_ms": round(med("scroll_frame_max_ms"), 2),
        "scroll_frame_p50_ms": round(med("scroll_frame_p50_ms"), 2),
        "scroll_settled_ms": round(med("scroll_settled_ms"), 1),
        "search_ms": {t: round(v, 1) for t, v in search_ms.items()},
        "search_max_ms": round(max(search_ms.values()), 1),
        "search_from_last_key_ms": {t: round(v, 1) for t, v in typed_ms.items()},
        "search_exact_count_ms": {t: round(v, 1) for t, v in counted_ms.items()},
        "search_matches": matches,
        "lag_p99_ms": round(med("lag_p99_ms"), 2),
        "lag_max_ms": round(med("lag_max_ms"), 2),
        "idle_lag_p99_ms": round(base["idle_p99_ms"], 2),
        "rss_before_tab_mb": round(base["rss_mb"]),
        "rss_mb": round(med("rss_mb")),
        "peak_rss_mb": round(peak_rss_mb()),
        "targets": {"search_ms": 100, "scroll_frame_ms": 16, "rss_mb": 300},
    }
    print(f"rows: {rounds[-1]['rows']:,}")
    print(f"open the tab: {result['open_ms']} ms; jump to the end: {result['end_ms']} ms")
    print(
        f"scroll frames: max {result['scroll_frame_max_ms']} ms, p50 "
        f"{result['scroll_frame_p50_ms']} ms (target < 16)"
    )
    for term in SEARCHES:
        print(
            f"search {term!r}: {search_ms[term]:.1f} ms to the first results (target < 100), "
            f"{typed_ms[term]:.0f} ms from the last key (250 ms debounce); exact count of "
            f"{matches[term]:,} matches after {counted_ms[term]:.0f} ms"
        )
    print(
        f"RSS: {result['rss_mb']} MB (target < 300), peak {result['peak_rss_mb']} MB; "
        f"before opening the tab {result['rss_before_tab_mb']} MB"
    )
    print(
        f"Qt-thread lateness: p99 {result['lag_p99_ms']} ms, max {result['lag_max_ms']} ms "
        f"(idle baseline p99 {result['idle_lag_p99_ms']} ms)"
    )
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
