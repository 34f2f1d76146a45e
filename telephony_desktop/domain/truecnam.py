"""TrueCNAM TrueCLID results (see ``docs/providers/truecnam.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_EMPTY: Mapping[str, str] = MappingProxyType({})


def _no_extra() -> Mapping[str, str]:
    return _EMPTY


@dataclass(frozen=True, slots=True)
class CallStartResult:
    """TrueCNAM's answer to a TrueCLID call start.

    ``status`` is ``"ok"`` or ``"error"``; ``err`` is the error number (``"0"`` when all is well;
    empty with ``resp_type=simple``, which sends only the status); ``error_msg`` the provider's
    own description. ``extra`` keeps any field the parser did not expect, as text.
    """

    status: str
    err: str = ""
    error_msg: str = ""
    extra: Mapping[str, str] = field(default_factory=_no_extra, hash=False)

    @property
    def ok(self) -> bool:
        """True when TrueCNAM accepted the call start."""
        return self.status == "ok" and self.err in ("", "0")
