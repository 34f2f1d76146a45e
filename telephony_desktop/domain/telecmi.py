"""TeleCMI results that other layers may hold (the placed call itself is ``models.PlacedCall``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

_EMPTY: Mapping[str, str] = MappingProxyType({})


def _no_extra() -> Mapping[str, str]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class TeleCMILeg:
    """One leg of a TeleCMI call, from ``requestid_cdr``.

    ``time`` is timezone-aware (UTC) when TeleCMI sends an epoch, as given when it sends an ISO
    text, None when absent or unreadable. Money is ``Decimal`` (None when absent). ``extra`` keeps
    the keys this project does not know, as text.
    """

    duration: int = 0
    balance: Decimal | None = None
    rate: Decimal | None = None
    from_number: str = ""
    to_number: str = ""
    time: datetime | None = None
    leg: str = ""
    direction: str = ""
    status: str = ""
    extra: Mapping[str, str] = field(default_factory=_no_extra, hash=False)
