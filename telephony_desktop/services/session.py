"""An open account: its provider client, its cache and its audio folder, opened together."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from telephony_desktop.domain.errors import ConfigError, SecretStoreError
from telephony_desktop.i18n import _
from telephony_desktop.providers import http
from telephony_desktop.providers.voicemeup import params
from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.providers.voicemeup.names import DEFAULT_ENDPOINT
from telephony_desktop.providers.voicemeup.parse import Envelope
from telephony_desktop.store import paths
from telephony_desktop.store.audio import AudioStore
from telephony_desktop.store.db import Database, account_cache_paths
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.store.settings import Account


class KeyringLockedClient(VoiceMeUpClient):
    """The account's client while its token cannot be read: every request fails with the
    keyring's own sentence (what to fix) and nothing is sent, while the cached history and
    voicemail stay usable. ``unlock`` gives it the token; from then on it is the real client
    (the same object: every service and tab holding it reconnects at once)."""

    def __init__(
        self, problem: SecretStoreError, *, account_id: str, endpoint: str, language: str = "en"
    ) -> None:
        # A well-formed placeholder (the parameters are checked at construction); it is never
        # sent: every exchange is refused until ``unlock``.
        super().__init__(
            account_id=account_id, auth_token="0" * 32, endpoint=endpoint, language=language
        )
        self.problem: SecretStoreError | None = problem

    def unlock(self, token: str) -> None:
        http.register_secret(token)
        self._credentials = params.credentials(
            account_id=self.account_id, auth_token=token, language=self.language
        )
        self.problem = None

    async def _exchange(self, request_type: str, query: dict[str, str]) -> tuple[Envelope, int]:
        if self.problem is not None:
            raise self.problem
        return await super()._exchange(request_type, query)

    async def fetch_audio(self, file_url: str) -> bytes:
        if self.problem is not None:
            raise self.problem
        return await super().fetch_audio(file_url)


@dataclass
class AccountSession:
    account: Account
    client: VoiceMeUpClient
    db: Database
    audio: AudioStore
    language: str = "en"

    @property
    def secret_problem(self) -> SecretStoreError | None:
        """Why the provider cannot be reached from this session (keyring trouble), if so."""
        client = self.client
        return client.problem if isinstance(client, KeyringLockedClient) else None

    async def reopen_client(self, secrets: SecretStore) -> None:
        """Read the token again (the keyring was unlocked, a token was stored) and use it from
        now on; raises ``SecretStoreError`` while it still cannot be read."""
        token = await secrets.aget(self.account.name, "auth_token")
        if isinstance(self.client, KeyringLockedClient):
            self.client.unlock(str(token))

    @property
    def region(self) -> str:
        return self.account.region

    async def aclose(self) -> None:
        try:
            await self.client.aclose()
        finally:
            await self.db.close()


def voicemeup_client(account: Account, token: str, language: str = "en") -> VoiceMeUpClient:
    return VoiceMeUpClient(
        account_id=account.account_id,
        auth_token=token,
        endpoint=account.base_url or DEFAULT_ENDPOINT,
        language=language,
    )


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
    offline_ok: bool = False,
) -> AccountSession:
    """Read the account's secret (keyring, off the loop), build its client, open its cache.

    ``offline_ok``: when the keyring cannot give the token, open the cache anyway with a client
    that refuses every request with the keyring's sentence (``AccountSession.secret_problem``).
    """
    if account.provider != "voicemeup":
        label = account.spec.label
        raise ConfigError(
            # Translators: {provider} is the provider's name (TeleCMI, Simotel...).
            _(
                "Account {name} is a {provider} account: it has no call history or voicemail "
                "to open. Its calls go through the Dialer; choose a VoiceMeUp account here."
            ).format(name=account.name, provider=label)
        )
    client: VoiceMeUpClient
    try:
        token = await secrets.aget(account.name, "auth_token")
        client = voicemeup_client(account, str(token), language)
    except SecretStoreError as problem:
        if not offline_ok:
            raise
        # The cache needs no secret: open it, and let every provider request say what to fix.
        client = KeyringLockedClient(
            problem,
            account_id=account.account_id,
            endpoint=account.base_url or DEFAULT_ENDPOINT,
            language=language,
        )
    try:
        db, audio = await open_cache(account, data_root)
    except BaseException:
        await client.aclose()
        raise
    return AccountSession(account, client, db, audio, language)
