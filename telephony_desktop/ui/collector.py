"""Python's cyclic garbage collector runs on the Qt thread only, while the window runs.

CPython starts a collection in whichever thread allocates past the collector's threshold: the
database thread, an ``asyncio.to_thread`` worker, the keyring's daemon thread, a qasync executor
thread. A Qt object whose wrapper is in a reference cycle (a closed dialog or tab whose slots
close over it, a spent qasync loop with its ``_SimpleTimer`` and executor ``QThread``s) then dies on
that thread: Qt warns "QObject::~QObject: Timers cannot be stopped from another thread", and a
widget destroyed there can crash the process. So while the window runs, automatic collection is
off and a timer on the Qt thread collects instead, generation by generation, by CPython's own
thresholds. Objects freed by reference counting are not affected: they die where their last
reference goes, which the app keeps on the Qt thread (no Qt object is handed to a worker thread).

The same collections run, on another thread: a history sync's event-loop lateness is as it was
(``bench/history_sync_lag.py``, which runs this way too, within run-to-run noise).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from PySide6.QtCore import QCoreApplication, QThread, QTimer

TICK_MS: Final = 200  # cyclic garbage waits at most this long; a check costs ~1 µs


def generation_due() -> int | None:
    """The oldest generation CPython would have collected by now, or None when none is due.

    ``gc.get_count()`` is (net allocations since the last young collection, young collections
    since the last middle one, middle collections since the last full one). Allocations that
    piled up between two ticks count as the young collections CPython would have run for them.
    """
    t0, t1, t2 = gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    if t0 <= 0 or c0 <= t0:
        return None
    young = c1 + c0 // t0
    if young <= t1:
        return 0
    if c2 + young // (t1 + 1) <= t2:
        return 1
    return 2


def collect_due() -> None:
    """Collect the generation due, if any (see :func:`generation_due`)."""
    generation = generation_due()
    if generation is not None:
        gc.collect(generation)


class GuiThreadCollector:
    """Turns automatic collection off and collects from a timer on the thread it is made on (the
    Qt thread). ``stop()`` collects once more there and gives the collector back as it was.

    Not a QObject and in no cycle itself: its timer dies with it, where it is let go."""

    def __init__(self, tick_ms: int = TICK_MS) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer()
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(collect_due)  # a function: the timer holds no ref to self
        self._timer.start()

    def stop(self) -> None:
        """Stop the timer and give the collector back as it was. If automatic collection was on,
        first collect everything collectable now, here: left to it, this garbage would be
        collected on any thread. (If it was off, whoever turned it off collects.) Idempotent."""
        if not self._timer.isActive():
            return
        self._timer.stop()
        if self._was_enabled:
            gc.collect()
            gc.enable()


@contextmanager
def collect_on_gui_thread(tick_ms: int = TICK_MS) -> Iterator[GuiThreadCollector]:
    """While the block runs (a window on a qasync loop), cyclic garbage is collected on this
    thread, which must be the Qt thread."""
    app = QCoreApplication.instance()
    assert app is not None and app.thread() == QThread.currentThread(), "not the Qt thread"
    collector = GuiThreadCollector(tick_ms)
    try:
        yield collector
    finally:
        collector.stop()
