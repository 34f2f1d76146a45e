"""Cyclic garbage dies on the Qt thread while the window runs (``ui/collector.py``).

The failure it prevents: a QObject in a reference cycle, collected by CPython in whichever thread
allocates past the threshold (the database thread, a sandbox, ``asyncio.to_thread``), is
destroyed there: "QObject::~QObject: Timers cannot be stopped from another thread", or a crash.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from telephony_desktop.ui.collector import collect_on_gui_thread, generation_due


class _Ticking(QObject):
    """A QObject with a running timer, in a reference cycle, that notes the thread it dies on."""

    def __init__(self, died_on: list[str]) -> None:
        super().__init__()
        self.startTimer(60_000)
        self.me = self  # the cycle: only the cyclic collector frees it
        self.witness = _Witness(died_on)


class _Witness:
    """Finalised in the same collection (and thread) as the QObject whose cycle holds it."""

    def __init__(self, died_on: list[str]) -> None:
        self.died_on = died_on

    def __del__(self) -> None:
        self.died_on.append(threading.current_thread().name)


def _allocate_in_a_worker(collected_in: list[str]) -> None:
    """Make cyclic garbage in a worker, far past every threshold: automatic collection, if on,
    runs there (``collected_in`` names each thread a collection started in)."""

    def note(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            collected_in.append(threading.current_thread().name)

    def work() -> None:
        for _ in range(200_000):
            cycle: list[object] = []
            cycle.append(cycle)

    gc.callbacks.append(note)
    try:
        worker = threading.Thread(target=work, name="worker")
        worker.start()
        worker.join()
    finally:
        gc.callbacks.remove(note)


@pytest.fixture
def automatic_collection() -> Iterator[None]:
    """Automatic collection on, as in the app before its window runs (the suite turns it off
    around each Qt test, tests/conftest.py)."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_without_it_a_worker_thread_collects(automatic_collection: None) -> None:
    """What the collector is for: left on, CPython collects in the thread that allocates."""
    collected_in: list[str] = []
    _allocate_in_a_worker(collected_in)
    assert "worker" in collected_in


def test_qt_garbage_dies_on_the_qt_thread_not_the_worker(
    qapp: QApplication, qtbot: QtBot, automatic_collection: None
) -> None:
    died_on: list[str] = []
    collected_in: list[str] = []
    with collect_on_gui_thread(tick_ms=10):
        assert not gc.isenabled()
        _Ticking(died_on)  # unreachable at once, but in a cycle
        _allocate_in_a_worker(collected_in)
        assert collected_in == []  # no collection in the worker: the object is still alive
        assert died_on == []
        qtbot.waitUntil(lambda: died_on != [], timeout=5000)  # the timer on the Qt thread
    assert died_on == [threading.main_thread().name]
    assert gc.isenabled()  # given back as it was


def test_stop_collects_here_what_is_left(qapp: QApplication, automatic_collection: None) -> None:
    died_on: list[str] = []
    with collect_on_gui_thread(tick_ms=60_000):  # no tick before the block ends
        _Ticking(died_on)
    assert died_on == [threading.main_thread().name]


def test_left_off_it_stays_off_and_its_owner_collects(qapp: QApplication) -> None:
    """Nested in code that turned collection off (the suite around a Qt test), it neither turns
    it on nor collects at its end: the owner does."""
    gc.disable()
    died_on: list[str] = []
    with collect_on_gui_thread(tick_ms=60_000):
        _Ticking(died_on)
    assert not gc.isenabled()
    assert died_on == []
    gc.collect()
    assert died_on == [threading.main_thread().name]


def test_the_generation_due_follows_cpythons_thresholds() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        t0, t1, _t2 = gc.get_threshold()
        gc.collect()
        assert generation_due() is None
        kept = [[] for _ in range(t0 + 10)]  # tracked objects: counted as allocations
        assert generation_due() == 0
        kept += [[] for _ in range(t0 * (t1 + 1))]  # as many as CPython's young collections
        assert generation_due() == 1  # of a middle one
        gc.collect(0)
        assert generation_due() is None
        del kept
    finally:
        if was:
            gc.enable()
