"""Turning any exception into a sentence for the person in front of the window."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telephony_desktop.diagnostics import write_crash_report
from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import _
from telephony_desktop.providers.http import redact_text

log = logging.getLogger(__name__)


def describe(exc: BaseException, lang: str = "en") -> str:
    """The user-facing sentence: the typed error's own, or a generic one for a bug.

    ``lang`` is accepted and ignored: the sentence is in the language messages are shown in
    (``i18n.language()``); the tabs still pass it."""
    if isinstance(exc, TelephonyError):
        return redact_text(exc.user_message())
    return _(
        "Something unexpected went wrong ({error}). Details are in the log file; "
        "use Report a problem to send it to us."
    ).format(error=type(exc).__name__)


def crash_note(report: Path | None) -> str:
    """The sentence that says where the crash report went (empty if none was written)."""
    if report is None:
        return ""
    return " " + _("A crash report was saved to {path}").format(path=report)


def report_crash(exc: BaseException, *, message: str = "", log_dir: Path | None = None) -> str:
    """Log an unexpected exception, write its (redacted) crash report in the log dir, and
    return the sentence for the window: what happened and where the report is."""
    log.error("unhandled: %s", message, exc_info=exc)
    report = (
        None
        if isinstance(exc, TelephonyError)
        else write_crash_report(exc, log_dir=log_dir, context=message)
    )
    return describe(exc) + crash_note(report)


def install_loop_handler(
    loop: asyncio.AbstractEventLoop,
    show: Callable[[str], None],
    *,
    log_dir: Path | None = None,
) -> None:
    """Unexpected errors in tasks are logged (redacted), written to a crash report
    (``crash-YYYYmmdd-HHMMSS.txt`` in the log dir) and shown non-modally, never lost."""

    def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = str(context.get("message") or "")
        if isinstance(exc, BaseException):
            show(report_crash(exc, message=message, log_dir=log_dir))
        else:
            log.error("unhandled: %s", redact_text(message))

    loop.set_exception_handler(handler)
