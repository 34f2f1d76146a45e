"""Play: from double-clicking a cached voicemail to its position advancing.

    uv run python bench/play.py [--runs 20]

The demo environment (sandbox in a thread of this process) and the main window on a qasync loop,
as ``telephony-desktop --demo`` runs, on the Voicemail tab. Two messages have their audio fetched
once beforehand (cached on disk, as after a first listen). Each run double-clicks one of them in
the list (a real mouse event, ``QTest.mouseDClick``; they alternate, so every run loads a file
into the player as a click on another message does) and times, on ``perf_counter``, until the
player reports a position above 0 (its ``position_changed`` signal).

Baseline, measured in the same run and interleaved: a bare ``QMediaPlayer`` with a
``QAudioOutput`` (one, reused, as the app's player is), ``setSource`` of the same file and
``play()``, until its ``positionChanged`` reports a position above 0. Target: median under
300 ms. With no sound device (a headless machine) Qt still decodes and the position advances.

Prints one ``RESULT {json}`` line at the end (bench/run_all.py collects it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtTest import QTest

from telephony_desktop.demo import demo_environment
from telephony_desktop.runtime import tune_interpreter
from telephony_desktop.store import paths
from telephony_desktop.ui.app import build_context, make_application
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.voicemail import VoicemailTab
from telephony_desktop.ui.tabs.voicemail.model import COL_CALLER

TARGET_MS = 300.0


class FirstAdvance(QObject):
    """The ``perf_counter`` time of the first position above 0 since :meth:`arm`."""

    def __init__(self) -> None:
        super().__init__()
        self.at: float | None = None
        self.armed = False

    def arm(self) -> None:
        self.at = None
        self.armed = True

    def moved(self, position: int) -> None:
        if self.armed and position > 0:
            self.at = time.perf_counter()
            self.armed = False


async def wait_for(predicate: Callable[[], object], limit_s: float = 20.0) -> None:
    deadline = time.perf_counter() + limit_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("gave up waiting")
        await asyncio.sleep(0.002)


def stats(values: list[float]) -> dict[str, float]:
    data = sorted(values)
    return {
        "median": statistics.median(data),
        "p90": data[min(len(data) - 1, int(len(data) * 0.9))],
        "max": data[-1],
    }


async def measure(runs: int) -> dict[str, object]:
    ctx = await build_context(config_path=paths.config_path(), account=None, lang="en", demo=True)
    window = MainWindow(ctx)
    window.resize(1180, 760)
    window.show()
    try:
        tab = window.show_tab("voicemail")
        assert isinstance(tab, VoicemailTab)
        await wait_for(lambda: tab.loaded and not ctx.tasks.busy)
        assert tab.model.rowCount() >= 2, "the demo needs two voicemails"
        rows = (0, 1)
        files: dict[int, Path] = {}
        for row in rows:  # fetch the audio once: from now on it is cached on disk
            item = tab.model.item(row)
            assert item is not None
            tab.select_voicemail(item.voicemail.voicemail_id)
            await wait_for(lambda row=row: _selected_path(tab, row) is not None)  # type: ignore[misc]
            path = _selected_path(tab, row)
            assert path is not None
            files[row] = path
        await wait_for(lambda: not ctx.tasks.busy)
        tab.player.stop()

        app_probe, bare_probe = FirstAdvance(), FirstAdvance()
        tab.player.position_changed.connect(app_probe.moved)
        bare = QMediaPlayer()
        output = QAudioOutput()
        bare.setAudioOutput(output)
        bare.positionChanged.connect(bare_probe.moved)

        async def app_once(row: int) -> float:
            item = tab.model.item(row)
            assert item is not None and item.audio_path, "not cached"
            rect = tab.table.visualRect(tab.model.index(row, COL_CALLER))
            app_probe.arm()
            t0 = time.perf_counter()
            # a double-click as the window gets it: press + release, then QTest's double-click
            # (press, double-click, release)
            viewport, left, where = tab.table.viewport(), Qt.MouseButton.LeftButton, rect.center()
            QTest.mouseClick(viewport, left, pos=where)
            QTest.mouseDClick(viewport, left, pos=where)
            await wait_for(lambda: app_probe.at is not None)
            assert app_probe.at is not None
            elapsed = app_probe.at - t0
            tab.player.stop()
            await wait_for(lambda: not ctx.tasks.busy)  # "heard" marked
            return elapsed

        async def bare_once(row: int) -> float:
            bare_probe.arm()
            t0 = time.perf_counter()
            bare.setSource(QUrl.fromLocalFile(str(files[row])))
            bare.play()
            await wait_for(lambda: bare_probe.at is not None)
            assert bare_probe.at is not None
            elapsed = bare_probe.at - t0
            bare.stop()
            return elapsed

        # warm-up, not counted: the first play of each opens the audio output
        await app_once(1)
        await bare_once(1)
        app_ms: list[float] = []
        bare_ms: list[float] = []
        for i in range(runs):
            row = rows[i % 2]
            await asyncio.sleep(0.05)
            app_ms.append(await app_once(row) * 1e3)
            await asyncio.sleep(0.05)
            bare_ms.append(await bare_once(row) * 1e3)
        bare.setSource(QUrl())
    finally:
        window.close()
        await ctx.tasks.cancel_all()
        await ctx.aclose()
    app_s, bare_s = stats(app_ms), stats(bare_ms)
    names = ", ".join(f.name for f in files.values())
    print(f"play, {runs} runs alternating two cached voicemails ({names}):")
    for label, s in (
        ("app: double-click → position > 0", app_s),
        ("bare QMediaPlayer (baseline)", bare_s),
    ):
        print(
            f"  {label:34} median {s['median']:6.1f} ms  p90 {s['p90']:6.1f} ms"
            f"  max {s['max']:6.1f} ms"
        )
    print(
        f"  overhead over the bare player (medians): {app_s['median'] - bare_s['median']:.1f} ms;"
        f" target < {TARGET_MS:.0f} ms",
        flush=True,
    )
    return {
        "bench": "play",
        "runs": runs,
        "median_ms": round(app_s["median"], 1),
        "p90_ms": round(app_s["p90"], 1),
        "max_ms": round(app_s["max"], 1),
        "baseline_ms": round(bare_s["median"], 1),
        "baseline_p90_ms": round(bare_s["p90"], 1),
        "target_ms": TARGET_MS,
        "met": app_s["median"] < TARGET_MS,
    }


def _selected_path(tab: VoicemailTab, row: int) -> Path | None:
    item = tab.model.item(row)
    current = tab.current_voicemail()
    if (
        item is None
        or current is None
        or current.voicemail.voicemail_id != item.voicemail.voicemail_id
    ):
        return None
    return tab.player.path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    tune_interpreter()  # as the app's entry point does
    with demo_environment(live_interval_s=0):
        app = make_application()
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            result = loop.run_until_complete(measure(args.runs))
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
