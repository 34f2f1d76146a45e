"""Small conversions between domain values and SQLite columns, shared by the cache modules."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

EMPTY_EXTRA: Mapping[str, str] = MappingProxyType({})


def iso(moment: datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS`` (no fraction, as the provider gives), or None."""
    return None if moment is None else moment.isoformat(timespec="seconds")


def parse_iso(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def to_decimal(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def extra_to_json(extra: Mapping[str, str]) -> str | None:
    return json.dumps(dict(extra), ensure_ascii=False) if extra else None


def extra_from_json(text: str | None) -> Mapping[str, str]:
    return MappingProxyType(json.loads(text)) if text else EMPTY_EXTRA


def list_to_json(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def list_from_json(text: str | None) -> tuple[str, ...]:
    return tuple(json.loads(text)) if text else ()


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
