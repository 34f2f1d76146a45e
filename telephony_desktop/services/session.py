"""An open account: its provider client, its cache and its audio folder, opened together."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from telephony_desktop.domain.errors import ConfigError
from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.providers.voicemeup.names import DEFAULT_ENDPOINT
from telephony_desktop.store import paths
from telephony_desktop.store.audio import AudioStore
from telephony_desktop.store.db import Database, account_cache_paths
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.store.settings import Account


@dataclass
class AccountSession:
    account: Account
    client: VoiceMeUpClient
    db: Database
    audio: AudioStore
    language: str = "en"

    @property
    def region(self) -> str:
        return self.account.region

    async def aclose(self) -> None:
        try:
            await self.client.aclose()
        finally:
            await self.db.close()


def account_dir(account: Account, data_root: Path | None = None) -> Path:
    return (data_root or paths.data_dir()) / "accounts" / account.name.lower()


async def open_cache(
    account: Account, data_root: Path | None = None
) -> tuple[Database, AudioStore]:
    """The account's cache alone (usable offline, no secret needed)."""
    folder = paths.ensure_dir(account_dir(account, data_root))
    db_path, audio_root = account_cache_paths(folder)
    db = await Database.open(db_path)
    audio = AudioStore(audio_root)
    await asyncio.to_thread(audio.clean_partials)  # leftovers of a download cut short
    return db, audio


async def open_session(
    account: Account,
    secrets: SecretStore,
    *,
    language: str = "en",
    data_root: Path | None = None,
) -> AccountSession:
    """Read the account's secret (keyring, off the loop), build its client, open its cache."""
    if account.provider != "voicemeup":
        label = account.spec.label
        raise ConfigError(
            f"Account {account.name} is a {label} account: it has no call history or voicemail "
            "to open. Its calls go through the Dialer; choose a VoiceMeUp account here.",
            f"Le compte {account.name} est un compte {label} : il n'a ni historique ni messagerie "
            "à ouvrir. Ses appels passent par le composeur; choisissez ici un compte VoiceMeUp.",
        )
    token = await secrets.aget(account.name, "auth_token")
    client = VoiceMeUpClient(
        account_id=account.account_id,
        auth_token=str(token),
        endpoint=account.base_url or DEFAULT_ENDPOINT,
        language=language,
    )
    try:
        db, audio = await open_cache(account, data_root)
    except BaseException:
        await client.aclose()
        raise
    return AccountSession(account, client, db, audio, language)
