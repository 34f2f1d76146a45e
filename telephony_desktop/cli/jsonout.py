"""JSON shapes of domain objects, written by the CLI's ``--json``.

Documented in the README ("JSON output"); change both together.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def to_json(obj: object) -> Any:
    """A JSON-ready value: dataclasses as objects, Decimal as string, datetime as ISO text."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_json(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if not (f.name == "extra" and not getattr(obj, f.name))
        }
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Mapping):
        return {str(k): to_json(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_json(v) for v in obj]
    return obj
