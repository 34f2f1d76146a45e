"""A voicemail audio download in a child process, for the kill-mid-download test.

``python -m tests.helpers.audio_child DATA_ROOT BASE_URL ACCOUNT_ID VOICEMAIL_ID MODE`` opens the
account ``office`` (its cache under ``DATA_ROOT``, its token in ``$AUDIO_CHILD_TOKEN``) and fetches
the message's audio the way the Voicemail tab does. It prints ``started`` once the cache is open.

``MODE`` is ``network`` (the app as is: the test slows the download down with a ``drip`` fault)
``disk``: the file is written through a disk that stalls at its flush (``os.fsync`` sleeps after
printing ``writing``), so the kill lands while only the ``.part`` file exists; or ``renamed``: the
cache stalls when it is about to record the file (after printing ``renamed``), so the kill lands
between the rename of the whole file and the database update.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.services.session import AccountSession, open_cache
from telephony_desktop.services.voicemail import VoicemailService
from telephony_desktop.store import media
from telephony_desktop.store.settings import Account

TOKEN_ENV = "AUDIO_CHILD_TOKEN"


def stall_disk_flushes() -> None:
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        real_fsync(fd)
        print("writing", flush=True)
        time.sleep(60)

    os.fsync = slow_fsync


def stall_recording_the_file() -> None:
    def stalled(*_args: object) -> bool:
        print("renamed", flush=True)
        time.sleep(60)
        return False

    media.set_voicemail_audio_path = stalled  # type: ignore[assignment]


async def main(argv: list[str]) -> None:
    data_root, base_url, account_id, voicemail_id, mode = argv
    account = Account(name="office", provider="voicemeup", account_id=account_id, base_url=base_url)
    db, audio = await open_cache(account, Path(data_root))
    client = VoiceMeUpClient(
        account_id=account_id, auth_token=os.environ[TOKEN_ENV], endpoint=base_url
    )
    session = AccountSession(account, client, db, audio)
    try:
        if mode == "disk":
            stall_disk_flushes()
        elif mode == "renamed":
            stall_recording_the_file()
        print("started", flush=True)
        path = await VoicemailService(session).audio_file(voicemail_id)
        print(f"done {path}", flush=True)
    finally:
        await session.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
