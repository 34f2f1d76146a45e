"""Process-wide interpreter settings and import order, applied once by the entry point (and by
the benchmarks).

The app runs Python on several threads at once: the Qt thread, the asyncio worker threads that
parse provider answers, the database thread. A thread that wants the GIL waits for whichever
holds it to reach the switch interval, 5 ms by default. At 1 ms, the Qt thread gets back to its
events sooner while a page of calls is parsed, and SQLite's work on the database thread (which
runs without the GIL) overlaps the parsing instead of queueing behind it.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import Final

SWITCH_INTERVAL_S: Final = 0.001

# The Qt-free modules the window needs before it first shows (session, keyring, HTTP, XML,
# phone numbers, the Dialer's services); importing them pulls in the rest of the core.
WINDOW_CORE: Final = (
    "telephony_desktop.services.session",
    "telephony_desktop.services.accounts",
    "telephony_desktop.services.call_routes",
    "telephony_desktop.services.caller_name",
    "telephony_desktop.services.dids",
    "telephony_desktop.services.freshness",
    "telephony_desktop.services.voicemail_watch",
    "telephony_desktop.domain.numbers",
    "telephony_desktop.desktop.autostart",  # the shell's
    "telephony_desktop.desktop.links",
    "telephony_desktop.resources",
    # what httpx loads only when its first client is made and sends its first request
    "httpcore",
    "certifi",
)


def tune_interpreter() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def load_core_before_qt() -> None:
    """Import the window's Qt-free core while PySide6 is not loaded yet.

    Once PySide6 is imported, every later ``import`` statement goes through shiboken's import
    hook (its ``__feature__`` support) in Python: the same modules then take ~10 % longer to
    load, ~25 ms of the window's start on this project's machines. A no-op when Qt is already
    in (a second window in the same process, the tests).
    """
    if "PySide6" in sys.modules:
        return
    for name in WINDOW_CORE:
        if name.startswith("telephony_desktop."):
            importlib.import_module(name)
            continue
        with contextlib.suppress(ImportError):  # httpx's own: a speed-up, never a failure
            importlib.import_module(name)
