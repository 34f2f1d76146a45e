"""Tolerant reading of Simotel API v4 answers: the ``{success, message, data}`` envelope.

- ``success`` may be 1/0, "1"/"0", true/false (or "true"/"ok"/"failed"...).
- ``message`` may be null, text, a number, or a list/object of validation messages (flattened).
- ``data`` may be an object, null, absent, or a list holding one object.
- A JSON body preceded or followed by noise (a PHP notice, a BOM) is still read when the object
  between the first ``{`` and the last ``}`` parses; anything else is "not understood".
- Unknown keys are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from telephony_desktop.domain.simotel import SimotelEnvelope
from telephony_desktop.providers.simotel import errors

_TRUE: Final = frozenset({"1", "true", "ok", "success", "yes"})
_FALSE: Final = frozenset({"0", "false", "failed", "fail", "error", "no", ""})
_MAX_NESTING: Final = 8  # validation messages are a list or an object of lists, never deeper


def _load(body: bytes) -> object:
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except RecursionError:  # nested deeper than the interpreter's limit: never an envelope
        return None
    except ValueError:
        pass
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        try:
            return json.loads(text[start : end + 1])
        except (ValueError, RecursionError):
            return None
    return None


def success_flag(value: object) -> bool | None:
    """``success`` as a bool; None when absent or not recognisable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
    return None


def _flatten(value: object, depth: int = 0) -> str:
    """Messages as one line; nesting past ``_MAX_NESTING`` levels is dropped (a hostile body can
    nest JSON deep enough that a plain recursion would overflow the stack)."""
    if value is None or depth > _MAX_NESTING:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "; ".join(p for p in (_flatten(v, depth + 1) for v in value) if p)
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            text = _flatten(item, depth + 1)
            if text:
                parts.append(f"{key}: {text}")
        return "; ".join(parts)
    return str(value)


def read_envelope(body: bytes) -> SimotelEnvelope | None:
    """The envelope of ``body``, or None when the body is not a JSON object (empty, HTML...)."""
    doc = _load(body)
    if not isinstance(doc, dict):
        return None
    data: object = doc.get("data")
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict):
        data = data[0]
    mapping: Mapping[str, object] = (
        MappingProxyType(dict(data)) if isinstance(data, dict) else MappingProxyType({})
    )
    # Anything at the top level beside the envelope keys is visible too (some versions put the
    # result there); ``data`` wins on a clash.
    extra = {k: v for k, v in doc.items() if k not in ("success", "message", "data")}
    if extra:
        mapping = MappingProxyType({**extra, **mapping})
    return SimotelEnvelope(
        success=success_flag(doc.get("success")),
        message=_flatten(doc.get("message")),
        data=mapping,
    )


def text_field(env: SimotelEnvelope, name: str) -> str:
    """A string field of ``data`` ("" when absent or null); numbers are turned into text."""
    value = env.data.get(name)
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check(
    status: int,
    body: bytes,
    *,
    action: str,
    location: str = "",
) -> SimotelEnvelope:
    """The envelope of a successful answer; raises the typed error for every documented failure.

    A 2xx body that is not a JSON object is ``MalformedResponse``; ``success`` false is
    ``ProviderRejected`` (or a subclass); a non-2xx status is mapped by :func:`errors.for_status`
    with the PBX's message when the body had one. ``success`` absent is returned as None: the
    caller decides whether the rest of the body is enough. ``action``, translated, completes
    "Simotel did not …" in a refusal: ``_("place the call")``.
    """
    env = read_envelope(body)
    if not 200 <= status < 300:
        raise errors.for_status(status, env.message if env else "", location=location)
    if env is None:
        raise errors.malformed()
    if env.success is False:
        raise errors.for_failure(env.message, action=action, status=status)
    return env
