"""Turning any exception into a sentence for the person in front of the window."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

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


def install_loop_handler(
    loop: asyncio.AbstractEventLoop, show: Callable[[str], None], lang: str = "en"
) -> None:
    """Unexpected errors in tasks are logged (redacted) and shown non-modally, never lost."""

    def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        log.error("unhandled: %s", context.get("message"), exc_info=exc)
        if isinstance(exc, BaseException):
            show(describe(exc, lang))

    loop.set_exception_handler(handler)
