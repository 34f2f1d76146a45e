"""Results of the Verba Recording System adapter (frozen, Qt-free)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class VerbaRecording:
    """A recorded call found by extension: its Verba call ID and the web address of the call."""

    call_id: str
    url: str  # the call's page on the Verba web interface (GetCallURL)
    extension: str  # the phone number / extension that was searched
    status: tuple[str, ...] = ("last",)  # the statuses searched, in order (ongoing/next/last)


@dataclass(frozen=True, slots=True)
class VerbaMedia:
    """The recording of one call as Verba streams it (original format)."""

    call_id: str
    data: bytes = field(repr=False)
    content_type: str = "application/octet-stream"
    file_extension: str = "bin"  # suggested, without the dot: "wav", "mp3", "ogg", ...

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def suggested_filename(self) -> str:
        """A safe file name for saving, e.g. ``verba-a8343631-....wav``."""
        stem = _UNSAFE_NAME.sub("_", self.call_id).strip("._") or "call"
        return f"verba-{stem[:80]}.{self.file_extension}"
