"""Verba lookups: an agent finds the recording of a call by extension and status, plays it and
opens it in Verba.

The audio is fetched once per call ID and kept (atomically written) under the app's data folder,
so replaying or saving a copy needs no second download.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.verba import VerbaRecording
from telephony_desktop.i18n import N_, _
from telephony_desktop.store.audio import safe_extension, safe_stem, write_atomic

if TYPE_CHECKING:
    from telephony_desktop.providers.verba.client import VerbaClient

# What the agent can ask for, in Verba's own words and documented combinations. The labels are
# marked for the catalogue: show them as ``_(label)``.
STATUS_CHOICES: Final = (
    (N_("Last finished call"), ("last",)),
    (N_("Ongoing call"), ("ongoing",)),
    (N_("Next call (within a minute)"), ("next",)),
    (N_("Ongoing, else next"), ("ongoing", "next")),
    (N_("Last, else ongoing"), ("last", "ongoing")),
)


def parse_status(text: str) -> tuple[str, ...]:
    """``"last"`` / ``"ongoing,next"`` -> a status tuple; ``InputError`` names the choices."""
    parts = tuple(p.strip().lower() for p in text.split(",") if p.strip())
    if not parts or any(p not in ("ongoing", "next", "last") for p in parts):
        raise InputError(
            # Translators: ongoing, next and last are the words to type: keep them as they are.
            _(
                "The status must be ongoing, next or last, or two of them separated by a comma "
                "(e.g. ongoing,next)."
            ),
            field="status",
        )
    return parts


def check_extension(text: str) -> str:
    extension = text.strip()
    if not extension or len(extension) > 64 or any(c.isspace() for c in extension):
        raise InputError(
            _("Enter the extension or phone number that took part in the call, e.g. 8856."),
            field="extension",
        )
    return extension


def media_dir(account_name: str) -> Path:
    """Where a Verba account's fetched recordings are kept (beside the accounts' caches)."""
    from telephony_desktop.store import paths

    return paths.data_dir() / "verba" / account_name.lower()


class VerbaLookup:
    """Find, fetch and keep Verba recordings for one Verba account."""

    def __init__(self, client: VerbaClient, media_dir: Path) -> None:
        self.client = client
        self.media_dir = media_dir

    async def find(self, extension: str, status: Sequence[str]) -> VerbaRecording:
        return await self.client.find_recording(
            extension=check_extension(extension), status=tuple(status)
        )

    def _cached(self, call_id: str) -> Path | None:
        stem = safe_stem(call_id)
        if not self.media_dir.is_dir():
            return None
        for path in self.media_dir.glob(f"{stem}.*"):
            if not path.name.endswith(".part"):
                return path
        return None

    async def audio_file(self, call_id: str) -> Path:
        """The recording's audio on disk (downloaded once with ``GetMedia``)."""
        found = await asyncio.to_thread(self._cached, call_id)
        if found is not None:
            return found
        media = await self.client.get_media(call_id)
        path = self.media_dir / f"{safe_stem(call_id)}.{safe_extension(media.file_extension)}"

        def write() -> Path:
            self.media_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(path, media.data)
            return path

        return await asyncio.to_thread(write)

    async def save_copy(self, call_id: str, target: Path) -> Path:
        source = await self.audio_file(call_id)

        def copy() -> Path:
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(source, partial)
            partial.replace(target)
            return target

        return await asyncio.to_thread(copy)
