"""Process-wide interpreter settings, applied once by the entry point (and by the benchmarks).

The app runs Python on several threads at once: the Qt thread, the asyncio worker threads that
parse provider answers, the database thread. A thread that wants the GIL waits for whichever
holds it to reach the switch interval, 5 ms by default. At 1 ms, the Qt thread gets back to its
events sooner while a page of calls is parsed, and SQLite's work on the database thread (which
runs without the GIL) overlaps the parsing instead of queueing behind it.
"""

from __future__ import annotations

import sys
from typing import Final

SWITCH_INTERVAL_S: Final = 0.001


def tune_interpreter() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
