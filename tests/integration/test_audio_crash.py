"""A real process downloading a voicemail's audio, killed with SIGKILL half-way, restarts to a
consistent cache: no audio file for that message (neither whole nor half), no leftover ``.part``
once the account is opened again, the message still listed without audio, and a new download
gives the right bytes.

Three places to be killed: while the bytes are still arriving (a slow ``drip`` from the sandbox),
while they are being written (a disk that stalls at its flush, so only the ``.part`` exists), and
between the rename of the whole file and its path being recorded in the cache (the file, whole,
is then adopted at the next play instead of being downloaded again, or removed with its message).
The history-sync counterpart is tests/integration/test_sync_crash.py.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue
from threading import Thread

import pytest

from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.recordings import RecordingService
from telephony_desktop.services.session import AccountSession, open_cache
from telephony_desktop.services.voicemail import VoicemailService
from telephony_desktop.store import media
from telephony_desktop.store.audio import PART_SUFFIX
from telephony_desktop.store.settings import Account
from tests.helpers.audio_child import TOKEN_ENV
from tests.helpers.sandbox import FAST_RETRY

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=1234, call_count=120) as server:
        yield server


def office(sandbox: SandboxServer) -> Account:
    return Account(
        name="office",
        provider="voicemeup",
        account_id=sandbox.account_id,
        base_url=sandbox.base_url,
    )


async def open_office(sandbox: SandboxServer, data_root: Path) -> AccountSession:
    """The account as the app opens it: the cache first (``clean_partials``), then the client."""
    db, audio = await open_cache(office(sandbox), data_root)
    client = VoiceMeUpClient(
        account_id=sandbox.account_id,
        auth_token=sandbox.auth_token,
        endpoint=sandbox.base_url,
        retry=FAST_RETRY,
    )
    return AccountSession(office(sandbox), client, db, audio)


class Child:
    """``tests.helpers.audio_child`` in its own process; its stdout read line by line."""

    def __init__(self, *args: str, token: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.audio_child", *args],
            cwd=ROOT,
            env={**os.environ, TOKEN_ENV: token},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: Queue[str] = Queue()
        self.seen: list[str] = []
        Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    async def expect(self, prefix: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get_nowait()
            except Empty:
                assert self.proc.poll() is None or not self.lines.empty(), self.seen
                await asyncio.sleep(0.01)
                continue
            self.seen.append(line)
            if line.startswith(prefix):
                return
        raise AssertionError(f"no {prefix!r} line from the child; got {self.seen}")

    def kill(self) -> int:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        code = self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()
        return code


def leftovers(root: Path) -> list[Path]:
    return sorted(root.rglob(f"*{PART_SUFFIX}")) if root.exists() else []


@pytest.mark.parametrize("mode", ["network", "disk", "renamed"])
async def test_audio_download_killed_midway_leaves_a_consistent_cache(
    sandbox: SandboxServer, isolated_dirs: Path, mode: str
) -> None:
    data_root = isolated_dirs / "data"
    session = await open_office(sandbox, data_root)
    try:
        listed = await VoicemailService(session).refresh()
    finally:
        await session.aclose()
    vm = listed[0].voicemail
    final = session.audio.voicemail_path(vm.voicemail_id, vm.file_format)
    audio_root = session.audio.root

    if mode == "network":  # the bytes trickle in: ~2 s for the whole file
        sandbox.faults.add("media", "drip", count=None, delay=0.1, chunk_size=4096)
    sandbox.request_log.clear()
    child = Child(
        str(data_root),
        sandbox.base_url,
        sandbox.account_id,
        vm.voicemail_id,
        mode,
        token=sandbox.auth_token,
    )
    try:
        await child.expect("started")
        if mode == "network":
            deadline = time.monotonic() + 20
            while not sandbox.request_log.of_type("media"):
                assert child.proc.poll() is None, child.seen
                assert time.monotonic() < deadline, "the child never asked for the audio"
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.4)  # a few pieces of the file are in, most are not
        elif mode == "disk":
            await child.expect("writing")  # the whole file is in the .part, not yet renamed
            assert leftovers(audio_root), "the kill must land while the .part exists"
        else:
            await child.expect("renamed")  # whole and in place, not yet recorded in the cache
            assert final.is_file() and not leftovers(audio_root)
        assert child.proc.poll() is None, child.seen  # still at work: the kill lands mid-way
    finally:
        code = child.kill()
    assert code == -signal.SIGKILL
    assert not any(line.startswith("done") for line in child.seen)
    # No half-written audio where a whole file is expected.
    assert final.exists() == (mode == "renamed")
    sandbox.faults.clear()

    # Restart: the account opens to a consistent cache.
    session = await open_office(sandbox, data_root)
    try:
        assert leftovers(audio_root) == []
        assert final.exists() == (mode == "renamed")
        cached = await session.db.run(media.get_voicemail, vm.voicemail_id)
        assert cached is not None and cached.audio_path is None  # listed, without audio
        assert [c.voicemail.voicemail_id for c in await VoicemailService(session).cached()] == [
            c.voicemail.voicemail_id for c in listed
        ]  # nothing lost, nothing doubled

        # Playing it again gives the provider's bytes: a new download, or the whole file the
        # killed run had put in place (adopted, not fetched twice).
        sandbox.request_log.clear()
        path = await VoicemailService(session).audio_file(vm.voicemail_id)
        assert path == final and path.is_file()
        downloads = len(sandbox.request_log.of_type("media"))
        assert downloads == (0 if mode == "renamed" else 1)
        expected = await session.client.fetch_audio(vm.file_url)
        assert path.read_bytes() == expected and expected[:4] == b"RIFF"
        again = await session.db.run(media.get_voicemail, vm.voicemail_id)
        assert again is not None and again.audio_path == str(final)
        assert leftovers(audio_root) == []
    finally:
        await session.aclose()


@pytest.mark.parametrize("kind", ["voicemail", "recording"])
async def test_a_whole_file_never_recorded_goes_with_its_message(
    sandbox: SandboxServer, isolated_dirs: Path, kind: str
) -> None:
    """What a run killed between the rename and the database update leaves (see above) is
    removed when its message is deleted, not left behind for ever."""
    session = await open_office(sandbox, isolated_dirs / "data")
    try:
        if kind == "voicemail":
            vms = VoicemailService(session)
            vm = (await vms.refresh())[0].voicemail
            path = session.audio.voicemail_path(vm.voicemail_id, vm.file_format)
            await asyncio.to_thread(session.audio.write, path, b"RIFF-whole-file")
            await vms.delete(vm.voicemail_id)
        else:
            recs = RecordingService(session)
            rec = (await recs.refresh())[0].recording
            path = session.audio.recording_path(rec.recording_id, rec.file_format)
            await asyncio.to_thread(session.audio.write, path, b"RIFF-whole-file")
            await recs.delete(rec.recording_id)
        assert not path.exists()
        assert leftovers(session.audio.root) == []
    finally:
        await session.aclose()
