"""Reading TeleCMI answers: the status check (HTTP status and body ``code``), the make-call
answer and ``requestid_cdr`` legs. Tolerant: unknown keys are ignored (legs keep them in
``extra``), numbers may come as JSON numbers or text, the payload may be wrapped in ``data``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Final

from telephony_desktop.domain.errors import MalformedResponse, ProviderUnavailable
from telephony_desktop.domain.models import PlacedCall
from telephony_desktop.domain.telecmi import TeleCMILeg
from telephony_desktop.i18n import _
from telephony_desktop.providers.telecmi.errors import (
    DOCUMENTED,
    PROPERTY_KEYS,
    PROPERTY_REQUIRED,
    PROVIDER,
    rejection,
)

PROVIDER_KEY: Final = "telecmi"  # PlacedCall.provider
OK: Final = 200
_EPOCH_MS_FROM: Final = 100_000_000_000  # larger epochs are milliseconds (after 1973 in ms)


def malformed(sentence: str = "") -> MalformedResponse:
    """``sentence``: what could not be understood, when more can be said than the default."""
    return MalformedResponse(
        sentence or _("TeleCMI sent an answer that could not be understood."), provider=PROVIDER
    )


def read_json(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not one (HTML, truncated, a list...)."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None


def to_code(value: object) -> int | None:
    """A status code given as a JSON number or text (``200``, ``"200"``, TeleCMI's ``"cmi-200"``);
    None when absent or not a whole number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("cmi-").removeprefix("cmi_")
        if text.isascii() and text.isdigit():
            return int(text)
    return None


def flags_error(doc: Mapping[str, Any]) -> bool:
    """``"error": true`` (or ``"true"``/``1``): TeleCMI's v2 endpoints mark a refusal so, with
    HTTP 200 at times."""
    value = doc.get("error")
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return value is True or (isinstance(value, int) and not isinstance(value, bool) and value != 0)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):  # pragma: no cover - json.loads output always dumps
        return str(value)


def _payloads(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The document and, when it is an object, its ``data`` wrapper (in that order)."""
    data = doc.get("data")
    return [doc, data] if isinstance(data, Mapping) else [doc]


def error_message(doc: Mapping[str, Any]) -> str:
    """TeleCMI's error text, read like the official SDK (``error``, then ``message``), then the
    ``msg`` its v2 bodies use. ``"error": true`` is a flag, not the text."""
    for part in _payloads(doc):
        for key in ("error", "message", "msg"):
            value = part.get(key)
            if isinstance(value, Mapping):
                value = value.get("message") or value.get("msg") or value.get("error") or ""
            if isinstance(value, bool | int | float) and key == "error":
                continue
            text = _text(value).strip()
            if text:
                return text
    return ""


def _hints(doc: Mapping[str, Any]) -> dict[str, str]:
    return {
        key: value
        for part in _payloads(doc)
        for key in PROPERTY_KEYS
        if isinstance(value := part.get(key), str)
    }


def check(status: int, body: bytes, headers: Mapping[str, str], *, placing: bool) -> dict[str, Any]:
    """The answer's JSON object if TeleCMI accepted the request; otherwise the mapped error.

    * 5xx: a TeleCMI JSON body with ``code`` 502 is its "property required is missing" refusal
      (``InvalidRequest``); any other 5xx (an HTML page from a proxy...) is ``ProviderUnavailable``.
    * 4xx, or a body ``code`` other than 200: 420, 422 and 502 as documented (the body ``code``
      wins over the HTTP status when it is one of them), others ``ProviderRejected``.
    * 2xx with a body that is not a JSON object: ``MalformedResponse``.
    """
    doc = read_json(body)
    body_code = to_code(doc.get("code")) if doc is not None else None
    if status >= 500:
        if doc is not None and body_code == PROPERTY_REQUIRED:
            raise rejection(
                PROPERTY_REQUIRED,
                status=status,
                message=error_message(doc),
                hints=_hints(doc),
                placing=placing,
            )
        raise ProviderUnavailable(
            # Translators: status: an HTTP status number such as 503.
            _(
                "{provider} is having trouble right now (error {status}). "
                "Try again in a few minutes."
            ).format(provider=PROVIDER, status=status),
            provider=PROVIDER,
            status=status,
            retry_after=_retry_after(headers),
        )
    if 400 <= status < 500:
        code = status
        if body_code is not None and (
            body_code in DOCUMENTED or (body_code != OK and status not in DOCUMENTED)
        ):
            code = body_code  # the body's code is the more precise one
        message = error_message(doc) if doc is not None else ""
        raise rejection(
            code,
            status=status,
            message=message,
            hints=_hints(doc) if doc else None,
            placing=placing,
        )
    if not 200 <= status < 300:
        raise malformed(
            # Translators: status: an HTTP status number.
            _("TeleCMI sent an answer that could not be understood (HTTP {status}).").format(
                status=status
            )
        )
    if doc is None:
        raise malformed()
    if (body_code is not None and body_code != OK) or flags_error(doc):
        raise rejection(
            body_code if body_code is not None and body_code != OK else status,
            status=status,
            message=error_message(doc),
            hints=_hints(doc),
            placing=placing,
        )
    return doc


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


# --- make call -----------------------------------------------------------------------------


def parse_placed(doc: Mapping[str, Any]) -> PlacedCall:
    """``{"data":{"status","request_id"},"status","request_id","code":200}`` (either level)."""
    request_id = status = ""
    for part in _payloads(doc):
        request_id = request_id or _text(part.get("request_id")).strip()
        status = status or _text(part.get("status")).strip()
    if not request_id:
        raise malformed(
            _("TeleCMI sent an answer that could not be understood (no request ID for the call).")
        )
    return PlacedCall(provider=PROVIDER_KEY, reference=request_id, status=status or "progress")


# --- requestid_cdr --------------------------------------------------------------------------

_LEG_KNOWN: Final = frozenset(
    {"duration", "balance", "rate", "from", "to", "time", "leg", "direction", "status"}
)


def to_int(value: object) -> int:
    """Whole seconds from a number or text; anything else reads as 0."""
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int):
        return value
    try:
        number = float(_text(value).strip())
    except ValueError:
        return 0
    return int(number) if math.isfinite(number) else 0


def to_decimal(value: object) -> Decimal | None:
    """An amount from a JSON number or text; None when absent or not a number."""
    if isinstance(value, bool) or value is None:
        return None
    text = _text(value).strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def to_time(value: object) -> datetime | None:
    """An epoch in seconds or milliseconds (number or digits: aware, UTC) or an ISO 8601 text
    (as given); None when absent or unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    text = _text(value).strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        if number <= 0:
            return None
        seconds = number / 1000 if number >= _EPOCH_MS_FROM else number
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_leg(record: Mapping[str, Any]) -> TeleCMILeg:
    extra = {str(k): _text(v) for k, v in record.items() if k not in _LEG_KNOWN}
    return TeleCMILeg(
        duration=to_int(record.get("duration")),
        balance=to_decimal(record.get("balance")),
        rate=to_decimal(record.get("rate")),
        from_number=_text(record.get("from")).strip(),
        to_number=_text(record.get("to")).strip(),
        time=to_time(record.get("time")),
        leg=_text(record.get("leg")).strip(),
        direction=_text(record.get("direction")).strip(),
        status=_text(record.get("status")).strip(),
        extra=MappingProxyType(extra) if extra else MappingProxyType({}),
    )


def parse_legs(doc: Mapping[str, Any]) -> tuple[TeleCMILeg, ...]:
    """``{"count":n,"cdr":[...],"code":200}``; ``cdr`` may sit in ``data``, be one object, or be
    missing when there is nothing (``count`` 0). A ``cdr`` of another type is malformed."""
    records: object = None
    for part in _payloads(doc):
        if "cdr" in part:
            records = part["cdr"]
            break
    else:
        data = doc.get("data")
        if isinstance(data, list):
            records = data
    if records is None:
        return ()
    if isinstance(records, Mapping):
        records = [records]
    if not isinstance(records, list):
        raise malformed(_("TeleCMI sent an answer that could not be understood (call details)."))
    return tuple(parse_leg(r) for r in records if isinstance(r, Mapping))
