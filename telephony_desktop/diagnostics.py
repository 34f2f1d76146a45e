"""Logging set-up: a rotating file in the platformdirs log dir, secrets redacted everywhere."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from telephony_desktop.providers.http import RedactingFilter, install_redaction

LOG_FILE_NAME = "telephony-desktop.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(log_dir: Path, *, debug: bool = False, console_level: int | None = None) -> Path:
    """Log to ``log_dir/telephony-desktop.log`` (rotating, 1 MB x 5). Returns the file path.

    ``--debug`` lowers the file level to DEBUG. The console gets warnings only unless asked;
    a CLI prints its own one-line errors.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_telephony_desktop", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    path = log_dir / LOG_FILE_NAME
    handlers: list[logging.Handler] = []
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
        file_handler.setLevel(logging.DEBUG if debug else logging.INFO)
        handlers.append(file_handler)
    except OSError:
        pass  # a read-only home must not stop the app; the console still gets warnings
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level if console_level is not None else logging.CRITICAL + 1)
    handlers.append(console)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(RedactingFilter())
        handler._telephony_desktop = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    # httpx logs every request URL at INFO; those URLs carry secrets in the query string.
    logging.getLogger("httpx").setLevel(logging.DEBUG if debug else logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.INFO if debug else logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.DEBUG if debug else logging.WARNING)
    install_redaction()
    return path
