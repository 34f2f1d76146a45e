"""Start time of the PyInstaller bundle next to ``uv run``'s.

    uv run python bench/start_time.py [--runs 5] [--bundle dist/telephony-desktop/telephony-desktop]

For each way of starting the app (``uv run telephony-desktop``, the venv's Python directly, and the
bundle if it is built) it measures, over ``--runs`` runs each, the median and best of:

- ``--version``: launch to exit (interpreter or bootloader start, imports of the CLI, argparse);
- window: launch of ``--self-test`` to the moment its ``window`` line arrives on the pipe, i.e.
  the demo sandbox started and seeded, Qt and the main window loaded, the window shown on the
  demo account, left 0.2 s for the tabs' first loads, and closed (external clock, so ``uv run``'s
  own overhead is included);
- shown: what the app itself reports in that line: process start to the window shown
  (``/proc``; for ``uv run`` the Python child only, without uv's overhead).

The self-test's later checks (voicemail, keyring, HTTPS) run too but are not timed here. Runs
are warm (the first, uncounted run of each fills the file cache).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BUNDLE = ROOT / "dist" / "telephony-desktop" / "telephony-desktop"
SHOWN = re.compile(r"shown (\d+\.\d+) s after process start")


@dataclass
class Timings:
    version_s: list[float]
    window_s: list[float]
    shown_s: list[float]


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # the keyring check fails fast; it is not timed
    return env


def time_version(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*command, "--version"], check=True, capture_output=True, env=_env(), cwd=ROOT)
    return time.perf_counter() - start


def time_window(command: list[str]) -> tuple[float, float | None]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*command, "--self-test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(),
        cwd=ROOT,
    )
    assert proc.stdout is not None
    window_s: float | None = None
    shown_s: float | None = None
    for line in proc.stdout:
        if line.startswith("self-test: window:"):
            window_s = time.perf_counter() - start
            if ": ok (" not in line:
                proc.kill()
                raise SystemExit(f"{' '.join(command)}: {line.strip()}")
            match = SHOWN.search(line)
            shown_s = float(match.group(1)) if match else None
    proc.wait(timeout=120)
    if window_s is None:
        raise SystemExit(f"{' '.join(command)} --self-test printed no window line")
    return window_s, shown_s


def measure(command: list[str], runs: int) -> Timings:
    time_version(command)  # warm-up, not counted
    time_window(command)
    timings = Timings([], [], [])
    for _ in range(runs):
        timings.version_s.append(time_version(command))
        window, shown = time_window(command)
        timings.window_s.append(window)
        if shown is not None:
            timings.shown_s.append(shown)
    return timings


def _figure(values: list[float]) -> str:
    if not values:
        return "n/a"
    return f"{statistics.median(values):.2f} s (best {min(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE)
    args = parser.parse_args()

    uv = shutil.which("uv")
    starts: list[tuple[str, list[str]]] = []
    if uv:
        starts.append(("uv run telephony-desktop", [uv, "run", "--frozen", "telephony-desktop"]))
    starts.append(("venv python -m telephony_desktop", [sys.executable, "-m", "telephony_desktop"]))
    if args.bundle.is_file():
        starts.append(("bundle", [str(args.bundle)]))
        size = subprocess.run(
            ["du", "-sh", str(args.bundle.parent)], capture_output=True, text=True, check=False
        ).stdout.split("\t")[0]
        print(f"bundle: {args.bundle.parent} ({size} on disk)")
    else:
        print(f"bundle: not built ({args.bundle}); run packaging/build.sh")

    print(f"start time, median of {args.runs} warm runs:")
    print(f"  {'':34} {'--version':>22} {'window (launch→line)':>24} {'shown (app clock)':>22}")
    for label, command in starts:
        t = measure(command, args.runs)
        print(
            f"  {label:34} {_figure(t.version_s):>22} {_figure(t.window_s):>24} "
            f"{_figure(t.shown_s):>22}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
