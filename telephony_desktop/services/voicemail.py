"""Voicemail: the provider's list mirrored in the cache, audio fetched once, deleted on both
sides."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telephony_desktop.domain.errors import InputError, NotFound
from telephony_desktop.domain.models import WriteResult
from telephony_desktop.i18n import _
from telephony_desktop.services.freshness import Fresh, refreshed_or_cached
from telephony_desktop.services.session import AccountSession
from telephony_desktop.store import media

log = logging.getLogger(__name__)


def _unknown(voicemail_id: str) -> InputError:
    return InputError(
        # Translators: "telephony-desktop voicemail list" is a command to type: keep it as it is.
        _("There is no voicemail {id}. List them with: telephony-desktop voicemail list").format(
            id=voicemail_id
        ),
        field="voicemail_id",
    )


class VoicemailService:
    def __init__(self, session: AccountSession) -> None:
        self._s = session

    async def cached(self) -> list[media.CachedVoicemail]:
        return await self._s.db.run(media.list_voicemails)

    async def refresh(self) -> list[media.CachedVoicemail]:
        """Fetch the provider's list, make the cache match it, drop audio of deleted messages."""
        voicemails = await self._s.client.list_voicemails()
        result = await self._s.db.run(media.replace_voicemails, voicemails)
        for path in result.orphaned_audio:
            await asyncio.to_thread(self._s.audio.remove, path)
        return await self.cached()

    async def listing(self) -> Fresh[list[media.CachedVoicemail]]:
        return await refreshed_or_cached(self.refresh, self.cached)

    async def audio_file(self, voicemail_id: str) -> Path:
        """The message's audio on disk, downloading it the first time only."""
        cached = await self._s.db.run(media.get_voicemail, voicemail_id)
        if cached is None:
            await self.refresh()
            cached = await self._s.db.run(media.get_voicemail, voicemail_id)
            if cached is None:
                raise _unknown(voicemail_id)
        if cached.audio_path:
            existing = Path(cached.audio_path)
            if await asyncio.to_thread(existing.is_file):
                return existing
        vm = cached.voicemail
        path = self._s.audio.voicemail_path(vm.voicemail_id, vm.file_format)
        # A file at its final name is whole (written to a .part, flushed, then renamed): one left
        # by a run stopped before it was recorded here is adopted, not downloaded again.
        if not await asyncio.to_thread(path.is_file):
            data = await self._s.client.fetch_audio(vm.file_url)
            await asyncio.to_thread(self._s.audio.write, path, data)
        await self._s.db.run(media.set_voicemail_audio_path, vm.voicemail_id, str(path))
        return path

    async def mark_heard(self, voicemail_id: str, heard: bool = True) -> None:
        if not await self._s.db.run(media.mark_voicemail_heard, voicemail_id, heard):
            raise _unknown(voicemail_id)

    async def delete(self, voicemail_id: str) -> WriteResult:
        """Delete at the provider (sent once), then locally. Already gone there: gone here too."""
        try:
            result = await self._s.client.delete_voicemail(voicemail_id)
        except NotFound:
            log.info("voicemail %s was already gone at the provider", voicemail_id)
            result = WriteResult()
        cached = await self._s.db.run(media.get_voicemail, voicemail_id)
        audio_path = await self._s.db.run(media.delete_voicemail_row, voicemail_id)
        await asyncio.to_thread(self._s.audio.remove, audio_path)
        if cached is not None:  # also a whole file a stopped run never recorded
            vm = cached.voicemail
            path = self._s.audio.voicemail_path(vm.voicemail_id, vm.file_format)
            await asyncio.to_thread(self._s.audio.remove, path)
        return result
