"""The real Secret Service (GNOME Keyring / KWallet over D-Bus) through SecretStore.

CI runs this under ``dbus-run-session`` with an unlocked ``gnome-keyring-daemon``; elsewhere it is
skipped with the reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

from telephony_desktop.domain.errors import SecretMissing
from telephony_desktop.store.secrets import SERVICE, SecretStore


def _unavailable_reason() -> str | None:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "DBUS_SESSION_BUS_ADDRESS is unset: no D-Bus session (run under dbus-run-session)"
    try:
        from keyring.backends import SecretService
    except Exception as exc:  # pragma: no cover - keyring always ships it
        return f"keyring's SecretService backend cannot be imported ({type(exc).__name__})"
    try:
        priority = SecretService.Keyring.priority
    except Exception as exc:
        return f"the Secret Service backend is not viable: {exc}"
    if priority <= 0:  # pragma: no cover
        return f"the Secret Service backend has priority {priority}"
    return None


_REASON = _unavailable_reason()

pytestmark = [
    pytest.mark.secret_service,
    pytest.mark.skipif(_REASON is not None, reason=f"real Secret Service unavailable: {_REASON}"),
]


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
