"""What the services need from a provider, as Protocols (one per capability)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from telephony_desktop.domain.models import Call, Recording, Voicemail, WriteResult

PAGE_SIZE = 1000  # VoiceMeUp's maximum result_limit


class CallHistorySource(Protocol):
    async def get_calls(
        self,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        unique_id: str | None = None,
        direction: str | None = None,
        result_limit: int = PAGE_SIZE,
        result_offset: int = 0,
    ) -> Sequence[Call]:
        """One page of calls. Raises ``InvalidRequest`` with code ``unique_id_invalid`` for an
        unknown cursor, and the other ``domain.errors`` types for failures."""
        ...


class VoicemailSource(Protocol):
    async def get_voicemails(
        self, *, result_limit: int = PAGE_SIZE, result_offset: int = 0
    ) -> Sequence[Voicemail]: ...

    async def fetch_audio(self, file_url: str) -> bytes: ...

    async def delete_voicemail(self, voicemail_id: str) -> WriteResult: ...


class RecordingSource(Protocol):
    async def get_recordings(
        self, *, status: Sequence[str] | None = None
    ) -> Sequence[Recording]: ...

    async def fetch_audio(self, file_url: str) -> bytes: ...

    async def delete_recording(self, recording_id: str) -> WriteResult: ...
