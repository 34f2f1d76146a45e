"""``Test connection``: one authenticated read with a temporary client, then closed."""

from __future__ import annotations

from telephony_desktop.domain.errors import ConfigError
from telephony_desktop.domain.models import AccountDetails
from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.providers.voicemeup.names import DEFAULT_ENDPOINT
from telephony_desktop.store import settings
from telephony_desktop.store.secrets import SecretStore


async def check_connection(
    account: settings.Account,
    secrets: SecretStore,
    *,
    typed: dict[str, str] | None = None,
    language: str = "en",
) -> AccountDetails:
    """Check the account against its provider: ``typed`` secrets (from a form, not yet saved)
    win over the stored ones (read from the keyring off the loop)."""
    if account.provider != "voicemeup":
        raise ConfigError(
            f"{account.spec.label} accounts cannot be tested by this version yet.",
            f"Les comptes {account.spec.label} ne peuvent pas encore être testés par cette "
            "version.",
        )
    field = account.secret_fields[0]
    token = (typed or {}).get(field) or str(await secrets.aget(account.name, field))
    async with VoiceMeUpClient(
        account_id=account.account_id,
        auth_token=token,
        endpoint=account.base_url or DEFAULT_ENDPOINT,
        language=language,
    ) as client:
        return await client.test_connection()


def connected_text(details: AccountDetails, account: settings.Account) -> str:
    """``Connected: account 80012345, balance 175.40 CAD.``"""
    money = details.funds_left if details.funds_left is not None else details.account_balance
    balance = f", balance {money} {details.currency}".rstrip() if money is not None else ""
    name = f" ({details.callerid_name})" if details.callerid_name else ""
    return f"Connected: account {details.account_id or account.account_id}{name}{balance}."
