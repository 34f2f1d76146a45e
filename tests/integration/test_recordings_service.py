"""RecordingService against the sandbox: listing with a cached fallback, audio fetched once,
deletion on both sides, orphaned audio removed."""

from __future__ import annotations

import wave
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from telephony_desktop.domain.errors import AuthenticationError, InputError
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.recordings import RecordingService
from telephony_desktop.services.session import AccountSession, open_cache
from telephony_desktop.store import media, settings
from tests.helpers.sandbox import make_client


@pytest.fixture
async def session(sandbox: SandboxServer, tmp_path: Path) -> AsyncIterator[AccountSession]:
    account = settings.Account(
        name="office",
        provider="voicemeup",
        account_id=sandbox.account_id,
        base_url=sandbox.base_url,
    )
    db, audio = await open_cache(account, tmp_path / "data")
    s = AccountSession(account, make_client(sandbox), db, audio)
    try:
        yield s
    finally:
        await s.aclose()


def media_requests(sandbox: SandboxServer) -> int:
    return len(sandbox.request_log.of_type("media"))


async def test_listing_mirrors_the_live_recordings(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = RecordingService(session)
    fresh = await service.listing()
    assert not fresh.stale
    ids = [c.recording.recording_id for c in fresh.value]
    assert len(ids) == 10
    assert set(ids) == {str(i) for i in sandbox.state.recordings}
    times = [c.recording.recorded_at for c in fresh.value if c.recording.recorded_at]
    assert len(times) == 10
    assert times == sorted(times, reverse=True)  # newest first
    verified = await service.cached("verified")
    assert verified and all(c.recording.status == "verified" for c in verified)
    assert len(verified) + len(await service.cached("unverified")) == 10


async def test_refresh_failure_keeps_the_cached_list(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = RecordingService(session)
    await service.refresh()
    sandbox.faults.add("get_recordings", "http_error", count=None, status=502)
    fresh = await service.listing()
    assert fresh.stale and fresh.error is not None
    assert len(fresh.value) == 10


async def test_a_refusal_is_not_hidden_by_the_cache(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = RecordingService(session)
    await service.refresh()
    sandbox.faults.add("get_recordings", "error", code="authentication_failed", count=None)
    with pytest.raises(AuthenticationError):
        await service.listing()


async def test_audio_is_fetched_once_and_cached(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = RecordingService(session)
    first = (await service.refresh())[0].recording.recording_id
    path = await service.audio_file(first)
    assert media_requests(sandbox) == 1
    assert path.is_file() and path.is_relative_to(session.audio.root)
    with wave.open(str(path)) as w:
        assert w.getnframes() > 0
    assert await service.audio_file(first) == path
    assert media_requests(sandbox) == 1
    cached = await service.get(first)
    assert cached is not None and cached.audio_path == str(path)


async def test_audio_of_an_uncached_recording_refreshes_first(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = RecordingService(session)
    rec_id = str(next(iter(sandbox.state.recordings)))
    path = await service.audio_file(rec_id)  # cache empty: lists, then downloads
    assert path.is_file()
    with pytest.raises(InputError):
        await service.audio_file("99999999")


async def test_delete_on_both_sides_and_audio_removed(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = RecordingService(session)
    first = (await service.refresh())[0].recording.recording_id
    path = await service.audio_file(first)
    await service.delete(first)
    assert sandbox.state.recordings[int(first)].status == "deleted"
    assert await service.get(first) is None
    assert not path.exists()
    assert first not in {c.recording.recording_id for c in await service.refresh()}
    # Deleting again (already deleted there, unknown here) is harmless.
    await service.delete(first)


async def test_recording_deleted_elsewhere_leaves_cache_and_disk(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = RecordingService(session)
    first = (await service.refresh())[0].recording.recording_id
    path = await service.audio_file(first)
    sandbox.state.recordings[int(first)].status = "deleted"
    remaining = await service.refresh()
    assert first not in {c.recording.recording_id for c in remaining}
    assert len(remaining) == 9
    assert not path.exists()
    assert await session.db.run(media.get_recording, first) is None
