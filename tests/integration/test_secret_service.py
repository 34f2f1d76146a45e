"""The real Secret Service (GNOME Keyring / KWallet over D-Bus) through SecretStore.

The tests start their own session bus with an unlocked, throw-away ``gnome-keyring-daemon`` on it,
with or without a desktop session; they are skipped, with the reason, only where the tools are not
installed.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from telephony_desktop.domain.errors import SecretMissing
from telephony_desktop.store.secrets import SERVICE, SecretStore

# A private bus and keyring are started for these tests (tests/conftest.py, secret_service_bus).
pytestmark = [pytest.mark.secret_service]


@pytest.fixture
def store() -> SecretStore:
    from keyring.backends import SecretService

    return SecretStore(backend=SecretService.Keyring(), timeout_s=20)


@pytest.fixture
def account(store: SecretStore) -> Iterator[str]:
    name = f"it-{secrets.token_hex(6)}"
    yield name
    store.delete_all(name, ("auth_token", "password"))


def test_store_read_delete(store: SecretStore, account: str) -> None:
    value = f"tok-{secrets.token_urlsafe(24)}"
    assert store.source(account, "auth_token") is None
    store.set(account, "auth_token", value)
    assert store.get(account, "auth_token") == value
    assert store.source(account, "auth_token") == "keyring"

    from keyring.backends import SecretService

    # Stored where other keyring clients find it, under our service and username scheme.
    assert SecretService.Keyring().get_password(SERVICE, f"{account}/auth_token") == value

    store.set(account, "auth_token", value + "-2")  # replaces, no duplicate item
    assert store.get(account, "auth_token") == value + "-2"
    assert store.delete(account, "auth_token") is True
    assert store.delete(account, "auth_token") is False
    with pytest.raises(SecretMissing):
        store.get(account, "auth_token")


async def test_async_round_trip(store: SecretStore, account: str) -> None:
    value = f"pw-{secrets.token_urlsafe(24)}"
    await store.aset(account, "password", value)
    assert await store.aget(account, "password") == value
    assert await store.adelete(account, "password") is True
    with pytest.raises(SecretMissing):
        await store.aget(account, "password")
