"""Secrets kept out of text: registered secret values and sensitive query/header values are
replaced by ``***`` in messages, URLs and log records.

Its own module (no HTTP library) so that logging and crash reports can use it before, or
without, anything that talks to a provider.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit
from xml.sax.saxutils import escape as xml_escape

# Query/header names whose values are secrets at some provider (VoiceMeUp, TrueCNAM, Verba, ...).
SENSITIVE_NAMES = frozenset(
    {"auth_token", "password", "secret", "api_key", "apikey", "token", "x-apikey", "authorization"}
)
_REDACTED = "***"

# --- redaction ---------------------------------------------------------------------------

_known_secrets: set[str] = set()
_known_lock = threading.Lock()
_QUERY_SECRET = re.compile(
    r"(?i)\b(" + "|".join(re.escape(n) for n in sorted(SENSITIVE_NAMES)) + r")=([^&\s'\"<>]+)"
)


def normalise_secret(value: str) -> str:
    """A secret as it is used and sent: without the spaces, tabs or line breaks around it that
    ``echo``, a copy-paste or a file leave behind. Every form is registered for redaction."""
    register_secret(value)
    return value.strip()


def _sent_forms(value: str) -> set[str]:
    """``value`` as it may be written on the wire or echoed back: stripped or not, percent-encoded
    in a query or form body, escaped in JSON or XML."""
    forms = {value, value.strip()}
    for form in list(forms):
        forms.add(quote(form, safe=""))
        forms.add(quote_plus(form, safe=""))
        forms.add(json.dumps(form, ensure_ascii=False)[1:-1])
        forms.add(json.dumps(form)[1:-1])
        forms.add(xml_escape(form, {'"': "&quot;", "'": "&apos;"}))
    return {form for form in forms if len(form) >= 4}


def register_secret(value: str) -> None:
    """Remember a secret value, in every form it may be sent in, so any text that would carry it
    is redacted."""
    if value and len(value.strip()) >= 4:
        forms = _sent_forms(value)
        with _known_lock:
            _known_secrets.update(forms)


def redact_text(text: str) -> str:
    """Strip secret query values and every registered secret from free text."""
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={_REDACTED}", text)
    with _known_lock:
        secrets = sorted(_known_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, _REDACTED)
    return text


def redact_url(url: object) -> str:
    """The URL (a ``str`` or ``httpx.URL``) with userinfo and sensitive query values replaced
    by ``***``."""
    parts = urlsplit(str(url))
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = urlencode(
        [
            (k, _REDACTED if k.lower() in SENSITIVE_NAMES else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*",
    )
    return redact_text(urlunsplit((parts.scheme, netloc, parts.path, query, "")))


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not break logging
            message = str(record.msg)
        clean = redact_text(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later from exc_info: pre-format and redact them now.
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Attach the redacting filter to the loggers that can see URLs and to the given logger."""
    targets = [logging.getLogger(n) for n in ("httpx", "httpcore", "telephony_desktop")]
    if logger is not None:
        targets.append(logger)
    for target in targets:
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(RedactingFilter())
        for handler in target.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())
