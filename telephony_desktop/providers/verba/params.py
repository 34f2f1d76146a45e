"""Checks of the caller's arguments before anything is sent (``InputError`` with ``field``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from telephony_desktop.domain.errors import InputError
from telephony_desktop.i18n import _

STATUSES: Final = ("ongoing", "next", "last")
API_PATH: Final = "/verba/api"
_EXTENSION = re.compile(r"^[0-9A-Za-z+*#@._:-]{1,64}$")
_IDENTIFIER = re.compile(r"^[\x21-\x7e]{1,128}$")  # printable ASCII, no spaces


def base_url(value: str) -> str:
    """The API URL; a bare host (empty path) gets ``/verba/api``."""
    text = (value or "").strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(
            _(
                "The Verba server address must start with https:// (or http://) and name a host, "
                "for example https://verba.example.com/verba/api."
            ),
            field="base_url",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InputError(
            _("The Verba server address must not contain a login, a query or a fragment."),
            field="base_url",
        )
    path = parts.path.rstrip("/") or API_PATH
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


def required_text(value: str, *, field: str, message: str) -> str:
    """``value`` stripped; ``message`` (translated) says it is required when it is empty."""
    text = (value or "").strip()
    if not text:
        raise InputError(message, field=field)
    return text


def extension(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if not _EXTENSION.match(text):
        raise InputError(
            _("The extension may only hold digits, letters and + * # @ . _ : - (64 at most)."),
            field="extension",
        )
    return text


def identifier(value: str | None, *, field: str, message: str) -> str | None:
    """``value`` stripped (None when empty); ``message`` (translated) says it is not valid."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if not _IDENTIFIER.match(text):
        raise InputError(message, field=field)
    return text


def statuses(values: Sequence[str] | str, *, required: bool) -> str:
    """The comma-joined statuses in the given order ("" when none and not required)."""
    items = [values] if isinstance(values, str) else list(values)
    out: list[str] = []
    for item in items:
        for part in str(item).split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name not in STATUSES:
                raise InputError(
                    # Translators: ongoing, next and last are the values Verba takes, not
                    # translated.
                    _(
                        "The call status must be ongoing, next or last (or a combination such as "
                        "'ongoing,next' or 'last,ongoing')."
                    ),
                    field="status",
                )
            if name not in out:
                out.append(name)
    if required and not out:
        raise InputError(
            # Translators: ongoing, next and last are the values Verba takes, not translated.
            _("Choose at least one call status: ongoing, next or last."),
            field="status",
        )
    return ",".join(out)


def no_target(field: str) -> InputError:
    if field == "call_id":
        return InputError(_("Give a Verba call ID or an extension to look for."), field="call_id")
    return InputError(
        _("Give an extension, a platform call ID or a technical call ID to look for."),
        field="extension",
    )
