"""The one place that runs coroutines for widgets and reports their outcome in place.

qasync runs asyncio on the Qt event loop, so a coroutine started here never blocks the window. The
traps it avoids (see docs of qasync): tasks are kept alive by a strong reference; expected errors
are caught and handed to the widget, never to ``sys.excepthook``; dialogs are awaited through their
``finished`` signal instead of a nested ``exec()`` loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtWidgets import QDialog

from telephony_desktop.domain.errors import TelephonyError

log = logging.getLogger(__name__)
T = TypeVar("T")


class Tasks:
    """Starts coroutines, keeps them referenced, routes their results and errors.

    ``on_error`` receives expected failures (``TelephonyError``); anything else is a bug and goes
    to the loop's exception handler (logged, and shown by the main window's crash banner).
    """

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    def start(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[TelephonyError], None] | None = None,
        on_finally: Callable[[], None] | None = None,
        name: str | None = None,
    ) -> asyncio.Task[T]:
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self._running.add(task)

        def finished(t: asyncio.Task[T]) -> None:
            self._running.discard(t)
            try:
                if t.cancelled():
                    return
                exc = t.exception()
                if exc is None:
                    if on_done is not None:
                        on_done(t.result())
                elif isinstance(exc, TelephonyError) and on_error is not None:
                    on_error(exc)
                else:
                    loop = asyncio.get_event_loop()
                    loop.call_exception_handler(
                        {"message": f"unexpected error in {t.get_name()}", "exception": exc}
                    )
            finally:
                if on_finally is not None:
                    on_finally()

        task.add_done_callback(finished)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def running(self) -> frozenset[asyncio.Task[Any]]:
        return frozenset(self._running)

    async def cancel_all(self) -> None:
        tasks = list(self._running)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


async def dialog_result(dialog: QDialog) -> int:
    """Show ``dialog`` window-modally with ``open()`` and wait for its result without a nested
    event loop (``exec()`` would break running tasks)."""
    future: asyncio.Future[int] = asyncio.get_event_loop().create_future()

    def done(result: int) -> None:
        if not future.done():
            future.set_result(result)

    dialog.finished.connect(done)
    dialog.open()
    try:
        return await future
    finally:
        dialog.finished.disconnect(done)
