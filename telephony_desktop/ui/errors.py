"""Turning any exception into a sentence for the person in front of the window."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telephony_desktop.diagnostics import write_crash_report
from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.providers.http import redact_text

log = logging.getLogger(__name__)


def describe(exc: BaseException, lang: str = "en") -> str:
    """The user-facing sentence: the typed error's own, or a generic one for a bug."""
    if isinstance(exc, TelephonyError):
        return redact_text(exc.user_message(lang))
    if lang == "fr":
        return (
            f"Une erreur inattendue s'est produite ({type(exc).__name__}). Les détails sont dans "
            "le journal; utilisez « Signaler un problème » pour nous l'envoyer."
        )
    return (
        f"Something unexpected went wrong ({type(exc).__name__}). Details are in the log file; "
        "use Report a problem to send it to us."
    )


def crash_note(report: Path | None, lang: str = "en") -> str:
    """The sentence that says where the crash report went (empty if none was written)."""
    if report is None:
        return ""
    if lang == "fr":
        return f" Un rapport d'incident a été enregistré : {report}"
    return f" A crash report was saved to {report}"


def report_crash(
    exc: BaseException, *, message: str = "", log_dir: Path | None = None, lang: str = "en"
) -> str:
    """Log an unexpected exception, write its (redacted) crash report in the log dir, and
    return the sentence for the window: what happened and where the report is."""
    log.error("unhandled: %s", message, exc_info=exc)
    report = (
        None
        if isinstance(exc, TelephonyError)
        else write_crash_report(exc, log_dir=log_dir, context=message)
    )
    return describe(exc, lang) + crash_note(report, lang)


def install_loop_handler(
    loop: asyncio.AbstractEventLoop,
    show: Callable[[str], None],
    lang: str = "en",
    *,
    log_dir: Path | None = None,
) -> None:
    """Unexpected errors in tasks are logged (redacted), written to a crash report
    (``crash-YYYYmmdd-HHMMSS.txt`` in the log dir) and shown non-modally, never lost."""

    def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = str(context.get("message") or "")
        if isinstance(exc, BaseException):
            show(report_crash(exc, message=message, log_dir=log_dir, lang=lang))
        else:
            log.error("unhandled: %s", redact_text(message))

    loop.set_exception_handler(handler)
