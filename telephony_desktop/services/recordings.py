"""Call recordings: the provider's list mirrored in the cache, audio fetched once, deleted on both
sides.

The provider keeps a deleted recording with the status ``deleted``; the app lists only the live
ones (``unverified`` and ``verified``), so a recording deleted here or elsewhere leaves the cache
at the next refresh.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Final

from telephony_desktop.domain.errors import InputError, NotFound, StorageError
from telephony_desktop.domain.models import Call, Recording, WriteResult
from telephony_desktop.i18n import _
from telephony_desktop.services.freshness import Fresh, refreshed_or_cached
from telephony_desktop.services.session import AccountSession
from telephony_desktop.store import calls, media
from telephony_desktop.store.audio import write_atomic
from telephony_desktop.store.storage import storage_error

log = logging.getLogger(__name__)

LISTED_STATUSES: Final = ("unverified", "verified")


def _unknown(recording_id: str) -> InputError:
    return InputError(
        _("There is no recording {id}. Refresh the list of recordings.").format(id=recording_id),
        field="recording_id",
    )


class RecordingService:
    def __init__(self, session: AccountSession) -> None:
        self._s = session

    async def cached(self, status: str | None = None) -> list[media.CachedRecording]:
        """Cached recordings, newest first (optionally only those with ``status``)."""
        return await self._s.db.run(media.list_recordings, status=status)

    async def refresh(self) -> list[media.CachedRecording]:
        """Fetch the provider's live recordings, make the cache match, drop orphaned audio."""
        recordings = await self._s.client.get_recordings(status=LISTED_STATUSES)
        result = await self._s.db.run(media.replace_recordings, recordings)
        for path in result.orphaned_audio:
            await asyncio.to_thread(self._s.audio.remove, path)
        return await self.cached()

    async def listing(self) -> Fresh[list[media.CachedRecording]]:
        """The provider's list; the cached one (``stale``) when the provider cannot be reached."""
        return await refreshed_or_cached(self.refresh, self.cached)

    async def get(self, recording_id: str) -> media.CachedRecording | None:
        return await self._s.db.run(media.get_recording, recording_id)

    async def call_of(self, recording: Recording) -> Call | None:
        """The cached call a recording was made on (by its ``call_hash``), if synced."""
        if not recording.call_hash:
            return None
        return await self._s.db.run(calls.call_for_hash, recording.call_hash)

    async def audio_file(self, recording_id: str) -> Path:
        """The recording's audio on disk, downloading it the first time only."""
        cached = await self.get(recording_id)
        if cached is None:
            await self.refresh()
            cached = await self.get(recording_id)
            if cached is None:
                raise _unknown(recording_id)
        if cached.audio_path:
            existing = Path(cached.audio_path)
            if await asyncio.to_thread(existing.is_file):
                return existing
        rec = cached.recording
        path = self._s.audio.recording_path(rec.recording_id, rec.file_format)
        # A file at its final name is whole (written to a .part, flushed, then renamed): one left
        # by a run stopped before it was recorded here is adopted, not downloaded again.
        if not await asyncio.to_thread(path.is_file):
            data = await self._s.client.fetch_audio(rec.file_url)
            await asyncio.to_thread(self._s.audio.write, path, data)
        await self._s.db.run(media.set_recording_audio_path, rec.recording_id, str(path))
        return path

    async def delete(self, recording_id: str) -> WriteResult:
        """Delete at the provider (sent once), then locally. Already gone there: gone here too."""
        try:
            result = await self._s.client.delete_recording(recording_id)
        except NotFound:
            log.info("recording %s was already gone at the provider", recording_id)
            result = WriteResult()
        cached = await self.get(recording_id)
        audio_path = await self._s.db.run(media.delete_recording_row, recording_id)
        await asyncio.to_thread(self._s.audio.remove, audio_path)
        if cached is not None:  # also a whole file a stopped run never recorded
            rec = cached.recording
            path = self._s.audio.recording_path(rec.recording_id, rec.file_format)
            await asyncio.to_thread(self._s.audio.remove, path)
        return result


async def save_copy(source: Path, target: Path) -> Path:
    """Copy a cached audio file (voicemail or recording) to where the user chose, off the loop.

    The copy is atomic: ``target`` is either left as it was or holds the whole file.
    """

    def copy() -> None:
        write_atomic(target, source.read_bytes())

    try:
        await asyncio.to_thread(copy)
    except OSError as exc:  # reading the cached copy
        raise storage_error(exc.filename or source, exc) from exc
    except StorageError as exc:  # writing where the user chose: the fix is another place
        cause = exc.__cause__
        reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else exc.kind
        raise StorageError(
            # Translators: {path} is a file; {reason} the system's words for the failure ("No
            # space left on device") or a short word for it ("full", "read_only"...).
            _("The audio could not be saved to {path}: {reason}. Choose another folder.").format(
                path=target, reason=reason
            ),
            path=str(target),
            kind=exc.kind,
        ) from exc
    return target
