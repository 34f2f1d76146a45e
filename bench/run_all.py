"""The whole benchmark suite, one script after the other, and one summary table.

    uv run python -m bench.run_all            # default sizes (several minutes)
    uv run python -m bench.run_all --quick    # small sizes, a quick look (about a minute or two)
    uv run python -m bench.run_all --only dial play

Each benchmark runs as its own process (``python -m bench.<name> ...``, offscreen Qt) and prints
its figures, each next to a baseline measured in the same run, and a final ``RESULT {json}``
line; this script collects those lines and prints one table with each figure, its target and
whether it met it, and writes the same table as Markdown to ``bench/results.md`` (``--output``).
No benchmark is a pass/fail test: the exit status is 0 unless a benchmark failed to run.

``bench/start_time.py`` (``uv run`` vs the PyInstaller bundle, no target) is not part of the
suite; run it on its own.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
NOT_IN_SUITE = {"__init__", "lag", "run_all", "start_time"}  # helpers; the bundle comparison


@dataclass(frozen=True)
class Bench:
    name: str
    full: tuple[str, ...]  # arguments at default sizes
    quick: tuple[str, ...]  # arguments for --quick


# In the order they run: the short ones first. Benchmarks added to bench/ later and not listed
# here run too, after these, with no arguments.
SUITE = (
    Bench("start", ("--runs", "7"), ("--runs", "3")),
    Bench("dial", ("--runs", "30"), ("--runs", "10")),
    Bench("play", ("--runs", "20"), ("--runs", "6")),
    Bench("ingest", ("--calls", "100000", "--repeat", "3"), ("--calls", "10000", "--repeat", "1")),
    # the million: one round (about a minute), without the over-HTTP reference sync
    Bench(
        "ingest",
        ("--calls", "1000000", "--repeat", "1", "--no-http"),
        ("--calls", "30000", "--repeat", "1", "--no-http"),
    ),
    Bench("history_scale", (), ("--calls", "10000")),  # options it lacks are left out
    Bench("history_sync_lag", ("--calls", "100000"), ("--calls", "10000")),
)


@dataclass(frozen=True)
class Row:
    bench: str
    figure: str
    measured: str
    baseline: str
    target: str
    met: bool | None  # None: no target, or the benchmark did not run


# --- turning RESULT lines into rows ----------------------------------------------------------


def _ms(value: Any) -> str:
    return f"{float(value):.1f} ms" if value is not None else "n/a"


def _start(r: dict[str, Any]) -> list[Row]:
    target = float(r.get("target_ratio", 1.5))
    return [
        Row(
            "start",
            "launch → main window shown and idle (app / bare window)",
            f"{r['ratio']:.2f}x (app {_ms(r['app_idle_ms'])})",
            f"bare QMainWindow + 7 tabs {_ms(r['baseline_idle_ms'])}"
            + (
                f" (with the fixed stack's imports on a qasync loop: {_ms(r['stack_idle_ms'])},"
                f" {float(r['stack_ratio']):.2f}x)"
                if "stack_idle_ms" in r
                else ""
            ),
            f"≤ {target:g}x",
            float(r["ratio"]) <= target,
        )
    ]


def _dial(r: dict[str, Any]) -> list[Row]:
    target = float(r.get("target_ms", 20))
    return [
        Row(
            "dial",
            f"Enter → first byte at the sandbox, route {r['route']} ({r.get('provider', '?')})",
            f"{_ms(r['median_ms'])} (p90 {_ms(r.get('p90_ms'))}, max {_ms(r.get('max_ms'))})",
            f"bare httpx request {_ms(r['baseline_ms'])}",
            f"< {target:g} ms",
            float(r["median_ms"]) < target,
        )
    ]


def _play(r: dict[str, Any]) -> list[Row]:
    target = float(r.get("target_ms", 300))
    return [
        Row(
            "play",
            "double-click a cached voicemail → position advancing",
            f"{_ms(r['median_ms'])} (p90 {_ms(r.get('p90_ms'))}, max {_ms(r.get('max_ms'))})",
            f"bare QMediaPlayer {_ms(r['baseline_ms'])}",
            f"< {target:g} ms",
            float(r["median_ms"]) < target,
        )
    ]


def _ingest(r: dict[str, Any]) -> list[Row]:
    target = float(r.get("target_ratio", 0.5))
    rows = [
        Row(
            "ingest",
            f"history ingest of {int(r.get('calls', 0)):,} calls, app / raw rows per second",
            f"{r['ratio']:.2f} (app {int(r.get('app_rows_s', 0)):,} rows/s)",
            f"raw lxml + executemany {int(r.get('raw_rows_s', 0)):,} rows/s",
            f"≥ {target:g}",
            float(r["ratio"]) >= target,
        )
    ]
    if "http_rows_s" in r:
        rows.append(
            Row(
                "ingest",
                "history sync over HTTP from the sandbox (for reference)",
                f"{int(r['http_rows_s']):,} rows/s",
                "",
                "",
                None,
            )
        )
    return rows


def _history_sync_lag(r: dict[str, Any]) -> list[Row]:
    calls = f"{int(r.get('calls', 0)):,}"
    return [
        Row(
            "history_sync_lag",
            f"event-loop lateness p99 while syncing {calls} calls",
            _ms(r["p99_ms"]),
            f"idle window p99 {_ms(r.get('idle_p99_ms'))}",
            f"< {r.get('target_p99_ms', 16)} ms",
            float(r["p99_ms"]) < float(r.get("target_p99_ms", 16)),
        ),
        Row(
            "history_sync_lag",
            f"event-loop lateness max while syncing {calls} calls",
            _ms(r["max_ms"]),
            f"idle window max {_ms(r.get('idle_max_ms'))}",
            f"< {r.get('target_max_ms', 50)} ms",
            float(r["max_ms"]) < float(r.get("target_max_ms", 50)),
        ),
    ]


# Higher is better for these figures; lower for any other.
_HIGHER = re.compile(r"ratio|rows_s|per_s|throughput")


def _generic(r: dict[str, Any]) -> list[Row]:
    """Any other RESULT: its ``figures`` list if it has one (each with ``name``, ``value``,
    ``unit``, ``baseline``, ``target``, ``op`` in "<", "<=", ">", ">=" and ``met``), else each
    ``target_<x>`` next to ``<x>`` (``target_ms`` next to ``median_ms``)."""
    name = str(r.get("bench", "?"))
    rows: list[Row] = []
    for fig in r.get("figures", []) if isinstance(r.get("figures"), list) else []:
        unit = str(fig.get("unit", ""))
        base = fig.get("baseline")
        rows.append(
            Row(
                name,
                str(fig.get("name", "?")),
                f"{fig.get('value')} {unit}".strip(),
                f"{base} {unit}".strip() if base is not None else "",
                f"{fig.get('op', '')} {fig.get('target', '')} {unit}".strip(),
                fig.get("met") if isinstance(fig.get("met"), bool) else None,
            )
        )
    if rows:
        return rows
    for key, target in r.items():
        if not key.startswith("target_") or not isinstance(target, int | float):
            continue
        figure = key.removeprefix("target_")
        if figure == "ms":
            figure = "median_ms"
        value = r.get(figure)
        if not isinstance(value, int | float):
            continue
        higher = bool(_HIGHER.search(figure))
        met = value >= target if higher else value <= target
        if isinstance(r.get("met"), bool) and len([k for k in r if k.startswith("target_")]) == 1:
            met = r["met"]
        baseline = next(
            (f"{k} {r[k]}" for k in r if k.startswith("baseline") or k.startswith("raw_")), ""
        )
        rows.append(
            Row(name, figure, f"{value:g}", baseline, f"{'≥' if higher else '≤'} {target:g}", met)
        )
    if not rows:
        rows.append(Row(name, "(no target in its RESULT)", json.dumps(r)[:120], "", "", None))
    return rows


def _history_scale(r: dict[str, Any]) -> list[Row]:
    targets = r.get("targets", {})
    calls = f"{int(r.get('calls', 0)):,}"
    search_t = float(targets.get("search_ms", 100))
    frame_t = float(targets.get("scroll_frame_ms", 16))
    rss_t = float(targets.get("rss_mb", 300))
    terms = ", ".join(f"{k} {_ms(v)}" for k, v in dict(r.get("search_ms", {})).items())
    return [
        Row(
            "history_scale",
            f"History at {calls} rows: search, query applied → first results (slowest term)",
            _ms(r["search_max_ms"]),
            f"terms: {terms}",
            f"< {search_t:g} ms",
            float(r["search_max_ms"]) < search_t,
        ),
        Row(
            "history_scale",
            f"History at {calls} rows: scroll a page per frame, worst frame",
            _ms(r["scroll_frame_max_ms"]),
            f"open {_ms(r.get('open_ms'))}, jump to end {_ms(r.get('end_ms'))}",
            f"< {frame_t:g} ms",
            float(r["scroll_frame_max_ms"]) < frame_t,
        ),
        Row(
            "history_scale",
            f"History at {calls} rows: resident memory",
            f"{r['rss_mb']} MB",
            f"before the tab {r.get('rss_before_tab_mb')} MB",
            f"< {rss_t:g} MB",
            float(r["rss_mb"]) < rss_t,
        ),
    ]


INTERPRET: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "start": _start,
    "dial": _dial,
    "play": _play,
    "ingest": _ingest,
    "history_sync_lag": _history_sync_lag,
    "history_scale": _history_scale,
}


def rows_of(result: dict[str, Any]) -> list[Row]:
    interpret = INTERPRET.get(str(result.get("bench")), _generic)
    try:
        return interpret(result)
    except (KeyError, TypeError, ValueError):  # a RESULT of another shape: show it as it is
        return _generic(result)


# --- running ---------------------------------------------------------------------------------


def suite(only: list[str] | None) -> list[Bench]:
    present = {p.stem for p in BENCH.glob("*.py")} - NOT_IN_SUITE
    known = [b for b in SUITE if b.name in present]
    extra = [
        Bench(name, (), ())
        for name in sorted(present - {b.name for b in SUITE})
        if "__main__" in (BENCH / f"{name}.py").read_text(encoding="utf-8")
    ]
    chosen = known + extra
    if only:
        missing = set(only) - {b.name for b in chosen}
        if missing:
            raise SystemExit(f"no such benchmark in bench/: {', '.join(sorted(missing))}")
        chosen = [b for b in chosen if b.name in only]
    return chosen


def _known_flags(bench: Bench, args: tuple[str, ...]) -> list[str]:
    """``args`` without the options (and their values) the script does not mention."""
    source = (BENCH / f"{bench.name}.py").read_text(encoding="utf-8")
    kept: list[str] = []
    skip = False
    for arg in args:
        if arg.startswith("--"):
            skip = f'"{arg}"' not in source
        if not skip:
            kept.append(arg)
    return kept


def run_one(bench: Bench, quick: bool, timeout: float) -> tuple[list[dict[str, Any]], str, float]:
    """(RESULT dicts, error text or "", seconds). The benchmark's output is shown as it runs."""
    args = _known_flags(bench, bench.quick if quick else bench.full)
    command = [sys.executable, "-m", f"bench.{bench.name}", *args]
    print(f"\n=== {bench.name}: {' '.join(['python', *command[1:]])}", flush=True)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONUNBUFFERED"] = "1"
    results: list[dict[str, Any]] = []
    start = time.perf_counter()
    # stderr to a file, not a pipe: a chatty benchmark (FFmpeg, Qt warnings) must never block
    # on a full pipe while this process reads its stdout
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as errors:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            errors="replace",
        )
        assert proc.stdout is not None
        watchdog = threading.Timer(timeout, proc.kill)  # a hung benchmark ends the wait too
        watchdog.start()
        try:
            for line in proc.stdout:
                if line.startswith("RESULT "):
                    try:
                        results.append(json.loads(line[len("RESULT ") :]))
                    except ValueError:
                        print(f"  (unreadable RESULT line: {line.strip()[:200]})")
                print("  " + line.rstrip(), flush=True)
            proc.wait()
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        errors.seek(0)
        stderr = errors.read()
    elapsed = time.perf_counter() - start
    error = ""
    if elapsed >= timeout:
        error = f"stopped after the {timeout:.0f} s timeout"
    elif proc.returncode != 0:
        tail = [ln for ln in stderr.strip().splitlines() if ln.strip()][-3:]
        error = f"exit {proc.returncode}: " + " / ".join(tail)
    elif not results:
        error = "printed no RESULT line"
    if error:
        print(f"  ! {bench.name}: {error}", flush=True)
    return results, error, elapsed


# --- the table -------------------------------------------------------------------------------


def _verdict(met: bool | None) -> str:
    return {True: "yes", False: "NO", None: "–"}[met]


def text_table(rows: list[Row]) -> str:
    head = ("bench", "figure", "measured", "baseline (same run)", "target", "met")
    cells = [head] + [
        (r.bench, r.figure, r.measured, r.baseline, r.target, _verdict(r.met)) for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(head))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(rows: list[Row], header: list[str]) -> str:
    out = ["# Benchmark results", "", *header, ""]
    out.append("| Benchmark | Figure | Measured | Baseline (same run) | Target | Met |")
    out.append("|---|---|---|---|---|---|")
    for r in rows:
        cells = (r.bench, r.figure, r.measured, r.baseline, r.target, _verdict(r.met))
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out) + "\n"


def _machine() -> str:
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    try:
        from PySide6 import __version__ as pyside
    except ImportError:
        pyside = "?"
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, PySide6 {pyside}; load average at the start {load}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a quick look")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these benchmarks")
    parser.add_argument("--timeout", type=float, default=3600, help="per benchmark (seconds)")
    parser.add_argument("--output", type=Path, default=BENCH / "results.md")
    args = parser.parse_args()

    machine = _machine()
    started = datetime.datetime.now().astimezone()
    rows: list[Row] = []
    failed: list[str] = []
    timings: list[str] = []
    for bench in suite(args.only):
        results, error, elapsed = run_one(bench, args.quick, args.timeout)
        timings.append(f"{bench.name} {elapsed:.0f} s")
        for result in results:
            rows.extend(rows_of(result))
        if error:
            failed.append(bench.name)
            rows.append(Row(bench.name, "(did not complete)", error[:160], "", "", None))

    table = text_table(rows)
    mode = "--quick (small sizes)" if args.quick else "default sizes"
    print(f"\n=== summary ({mode}; {machine})\n")
    print(table)
    met = sum(r.met is True for r in rows)
    missed = sum(r.met is False for r in rows)
    print(f"\n{met} figure(s) met their target, {missed} did not.")
    header = [
        f"Run {started:%Y-%m-%d %H:%M %Z} with `uv run python -m bench.run_all"
        f"{' --quick' if args.quick else ''}` ({mode}).",
        "",
        f"Machine: {machine}.",
        "",
        "Every figure is measured next to its baseline in the same run; absolute times drift "
        "on shared machines, the comparison holds better. Time per benchmark: "
        + ", ".join(timings)
        + ".",
    ]
    args.output.write_text(markdown(rows, header), encoding="utf-8")
    print(f"written: {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
