"""Any account's provider client: its credentials read from the keyring, built, tested, pooled.

The main (VoiceMeUp) account is opened as a whole ``AccountSession`` with its cache; the others
(a TeleCMI or Simotel dialer route, TrueCNAM caller names, Verba recordings) only need a client,
opened the first time it is used and kept until the app closes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeAlias

from telephony_desktop.domain.errors import SecretMissing
from telephony_desktop.i18n import _, formats
from telephony_desktop.redaction import normalise_secret
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.store.settings import Account, Config

if TYPE_CHECKING:
    from telephony_desktop.domain.models import AccountDetails
    from telephony_desktop.providers.simotel.client import SimotelClient
    from telephony_desktop.providers.telecmi.client import TeleCMIClient
    from telephony_desktop.providers.truecnam.client import TrueCnamClient
    from telephony_desktop.providers.verba.client import VerbaClient
    from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient

    ProviderClient: TypeAlias = (
        VoiceMeUpClient | TeleCMIClient | SimotelClient | TrueCnamClient | VerbaClient
    )


def apply_preferences(config: Config) -> None:
    """The preferences provider clients read as they work: the time one request may take."""
    from telephony_desktop.providers import http  # with the clients, not before

    http.set_budget(config.request_budget_s)


async def read_credentials(
    account: Account, secrets: SecretStore, *, typed: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The account's secrets: ``typed`` (a form not yet saved) wins over the keyring, read off
    the loop. A missing required secret raises ``SecretMissing``; optional ones are skipped, but
    at least one must be there."""
    spec = account.spec
    unneeded = spec.unneeded(account.settings)
    found: dict[str, str] = {}
    missing: SecretMissing | None = None
    for field in spec.secret_fields:
        value = normalise_secret((typed or {}).get(field, ""))
        if value:
            found[field] = value
            continue
        try:
            found[field] = str(await secrets.aget(account.name, field))
        except SecretMissing as exc:
            if field in unneeded:
                continue
            if field not in spec.optional_secrets:
                raise
            missing = missing or exc
    if not found and missing is not None:
        raise missing
    return found


def build_client(
    account: Account, creds: Mapping[str, str], *, language: str = "en"
) -> ProviderClient:
    """The adapter for ``account``'s provider (nothing is sent yet)."""
    provider = account.provider
    settings = account.settings
    if provider == "voicemeup":
        from telephony_desktop.services.session import voicemeup_client

        return voicemeup_client(account, creds["auth_token"], language)
    if provider == "telecmi":
        from telephony_desktop.providers.telecmi.client import TeleCMIClient

        return TeleCMIClient(
            appid=account.account_id,
            secret=creds["secret"],
            region=str(settings.get("endpoint", "auto")),
            base_url=account.base_url,
            language=language,
        )
    if provider == "simotel":
        from telephony_desktop.providers.simotel.client import SimotelClient

        username = str(settings.get("username", "")) or None
        password = creds.get("password") or None
        return SimotelClient(
            base_url=account.base_url or "",
            username=username if password else None,
            password=password if username else None,
            api_key=creds.get("api_key") or None,
            allow_insecure_http=account.allow_insecure_http,
            language=language,
            method=str(settings.get("method", "")) or None,
        )
    if provider == "truecnam":
        from telephony_desktop.providers.truecnam.client import TrueCnamClient

        return TrueCnamClient(
            username=str(settings.get("username", "")),
            password=creds["password"],
            endpoint=account.base_url,
            language=language,
        )
    if provider == "verba":
        from telephony_desktop.providers.verba.client import VerbaClient

        return VerbaClient(
            base_url=account.base_url or "",
            login=str(settings.get("username", "")),
            password=creds.get("password", ""),
            api_key=creds["api_key"],
            auth=str(settings.get("auth", "")) or "basic",
            language=language,
        )
    raise AssertionError(f"no adapter for {provider}")  # Account refuses unknown providers


async def open_client(
    account: Account,
    secrets: SecretStore,
    *,
    typed: Mapping[str, str] | None = None,
    language: str = "en",
) -> ProviderClient:
    creds = await read_credentials(account, secrets, typed=typed)
    return build_client(account, creds, language=language)


async def check_account(
    account: Account,
    secrets: SecretStore,
    *,
    typed: Mapping[str, str] | None = None,
    language: str = "en",
) -> str:
    """``Test connection``: one harmless authenticated request; the sentence to show on success.
    Failures raise the adapter's typed errors."""
    client = await open_client(account, secrets, typed=typed, language=language)
    try:
        details = await client.test_connection()
    finally:
        await client.aclose()
    label = account.spec.label
    if account.provider == "voicemeup":
        from telephony_desktop.domain.models import AccountDetails

        if isinstance(details, AccountDetails):
            return _voicemeup_connected(details, account.account_id)
    if account.provider == "telecmi":
        return _("Connected to {provider}: app {app_id} accepted.").format(
            provider=label, app_id=account.account_id
        )
    if account.provider == "simotel":
        return _("Connected to {provider}: the PBX answered ping.").format(provider=label)
    if account.provider == "truecnam":
        return _("Connected to {provider}: the API key was accepted.").format(provider=label)
    if account.provider == "verba":
        return _("Connected to {provider}: signed in, token received.").format(provider=label)
    return _("Connected to {provider}: OK.").format(provider=label)


def _voicemeup_connected(details: AccountDetails, account_id: str) -> str:
    """``Connected: account 80012345 (Café Inc.), balance $125.40.`` (what the provider told)."""
    amount = details.funds_left if details.funds_left is not None else details.account_balance
    fields = {
        "account": details.account_id or account_id,
        "name": details.callerid_name,
        "balance": formats.money(amount, details.currency or None),
    }
    if details.callerid_name and amount is not None:
        # Translators: {name} is the account's caller ID name; {balance} an amount of money.
        text = _("Connected: account {account} ({name}), balance {balance}.")
    elif details.callerid_name:
        text = _("Connected: account {account} ({name}).")
    elif amount is not None:
        text = _("Connected: account {account}, balance {balance}.")
    else:
        text = _("Connected: account {account}.")
    return text.format(**fields)


class ClientPool:
    """One client per account, opened on first use and closed together.

    ``borrowed`` clients (the main session's) are handed out but never closed here.
    """

    def __init__(
        self,
        secrets: SecretStore,
        *,
        language: str = "en",
        borrowed: Mapping[str, ProviderClient] | None = None,
    ) -> None:
        self._secrets = secrets
        self._language = language
        self._borrowed: dict[str, ProviderClient] = dict(borrowed or {})
        self._open: dict[str, tuple[Account, ProviderClient]] = {}
        self._lock = asyncio.Lock()

    def borrow(self, account_name: str, client: ProviderClient) -> None:
        self._borrowed[account_name.lower()] = client

    async def get(self, account: Account) -> ProviderClient:
        key = account.name.lower()
        if key in self._borrowed:
            return self._borrowed[key]
        async with self._lock:
            current = self._open.get(key)
            if current is not None and current[0] == account:
                return current[1]
            if current is not None:  # the account was edited: its old client goes
                del self._open[key]
                await current[1].aclose()
            client = await open_client(account, self._secrets, language=self._language)
            self._open[key] = (account, client)
            return client

    async def aclose(self) -> None:
        entries, self._open = list(self._open.values()), {}
        for _account, client in entries:
            await client.aclose()
