"""Simotel PBX (API v4) domain values: the validated originate request and the ping answer.

The placed call itself is a :class:`~telephony_desktop.domain.models.PlacedCall`
(``provider="simotel"``, ``reference`` = the PBX's ``originated_call_id``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_EMPTY: Mapping[str, object] = MappingProxyType({})


def _no_data() -> Mapping[str, object]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class OriginateRequest:
    """One click-to-call (number masking) request, already checked, as the PBX will get it.

    ``caller`` rings first (an extension, or a telecom number through ``trunk_name``); when it
    answers, ``callee`` is dialled through ``context``, showing ``caller_id``.
    """

    caller: str
    callee: str
    context: str
    caller_id: str
    trunk_name: str = ""
    timeout_s: int | None = None
    call_limit_s: int | None = None

    def body(self) -> dict[str, str]:
        """The JSON body of ``PUT /api/v4/call/originate/act`` (every value a string, as the
        vendor sample sends them; ``timeout``/``call_limit`` only when given)."""
        out = {
            "caller": self.caller,
            "callee": self.callee,
            "context": self.context,
            "caller_id": self.caller_id,
            "trunk_name": self.trunk_name,
        }
        if self.timeout_s is not None:
            out["timeout"] = str(self.timeout_s)
        if self.call_limit_s is not None:
            out["call_limit"] = str(self.call_limit_s)
        return out


@dataclass(frozen=True, slots=True)
class SimotelEnvelope:
    """The ``{success, message, data}`` envelope every Simotel answer carries.

    ``success`` is None when the body had no (readable) ``success`` key; ``data`` is the
    ``data`` object (empty when absent, null or not an object).
    """

    success: bool | None
    message: str
    data: Mapping[str, object] = field(default_factory=_no_data, hash=False)
