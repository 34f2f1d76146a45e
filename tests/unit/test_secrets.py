"""SecretStore: keyring round trip, environment override, backend refusal, no leaks."""

from __future__ import annotations

import asyncio
import logging
import time

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import InitError, KeyringLocked, PasswordSetError

from telephony_desktop import i18n
from telephony_desktop.domain.errors import InputError, SecretMissing, SecretStoreError
from telephony_desktop.store.secrets import (
    SERVICE,
    Secret,
    SecretStore,
    refusal_reason,
    secret_env_var,
)
from tests.helpers.memory_keyring import MemoryKeyring, install_memory_keyring

TOKEN = "tok-9f8e7d6c5b4a-SECRET"
FIX = (
    "No usable system keyring was found. Install and unlock a Secret Service provider "
    "(GNOME Keyring or KWallet) — on Debian: apt install gnome-keyring — or set "
)


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    return install_memory_keyring(monkeypatch)


@pytest.fixture
def store(backend: MemoryKeyring) -> SecretStore:
    return SecretStore(backend=backend)


# --- round trip --------------------------------------------------------------------------


def test_set_get_delete(store: SecretStore, backend: MemoryKeyring) -> None:
    store.set("Office", "auth_token", TOKEN)
    assert backend.store == {(SERVICE, "office/auth_token"): TOKEN}
    assert SERVICE == "telephony-desktop"
    assert store.get("office", "auth_token") == TOKEN
    assert store.source("OFFICE", "auth_token") == "keyring"
    assert store.delete("office", "auth_token") is True
    assert store.delete("office", "auth_token") is False  # idempotent
    assert backend.store == {}
    assert store.source("office", "auth_token") is None


def test_default_backend_is_keyrings_current_one(backend: MemoryKeyring) -> None:
    SecretStore().set("office", "auth_token", TOKEN)
    assert backend.store[(SERVICE, "office/auth_token")] == TOKEN
    assert "MemoryKeyring" in SecretStore().check()


def test_delete_all(store: SecretStore, backend: MemoryKeyring) -> None:
    store.set("lab", "api_key", "k1k1k1")
    store.set("lab", "password", "p2p2p2")
    store.set("other", "password", "p3p3p3")
    store.delete_all("lab", ("api_key", "password", "never_set"))
    assert list(backend.store) == [(SERVICE, "other/password")]


def test_missing_secret_names_account_field_and_command(store: SecretStore) -> None:
    with pytest.raises(SecretMissing) as info:
        store.get("office", "auth_token")
    assert isinstance(info.value, SecretStoreError)
    message = str(info.value)
    assert "office" in message
    assert "auth_token" in message
    assert "telephony-desktop account set-secret office auth_token" in message
    assert "TELEPHONY_DESKTOP_SECRET_OFFICE_AUTH_TOKEN" in message


@pytest.mark.parametrize("value", ["", "   ", "two\nlines", "nul\x00"])
def test_bad_values_are_refused_without_echo(store: SecretStore, value: str) -> None:
    with pytest.raises(InputError) as info:
        store.set("office", "auth_token", value)
    assert value.strip() == "" or value not in str(info.value)


@pytest.mark.parametrize(("account", "field"), [("", "x"), ("a b", "x"), ("ok", ""), ("ok", "Bad")])
def test_bad_names_are_refused(store: SecretStore, account: str, field: str) -> None:
    with pytest.raises(InputError):
        store.get(account, field)


# --- environment override ----------------------------------------------------------------


def test_env_var_name() -> None:
    assert secret_env_var("office", "auth_token") == "TELEPHONY_DESKTOP_SECRET_OFFICE_AUTH_TOKEN"
    assert secret_env_var("my-Lab_2", "api_key") == "TELEPHONY_DESKTOP_SECRET_MY_LAB_2_API_KEY"


def test_env_override_wins_and_is_never_written(
    store: SecretStore, backend: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.set("my-lab", "auth_token", "from-keyring")
    monkeypatch.setenv("TELEPHONY_DESKTOP_SECRET_MY_LAB_AUTH_TOKEN", TOKEN)
    assert store.get("my-lab", "auth_token") == TOKEN
    assert store.source("my-lab", "auth_token") == "environment"
    assert backend.store == {(SERVICE, "my-lab/auth_token"): "from-keyring"}
    assert store.delete("my-lab", "auth_token") is True
    assert backend.store == {}
    assert store.get("my-lab", "auth_token") == TOKEN  # still overridden


def test_env_override_needs_no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEPHONY_DESKTOP_SECRET_CI_AUTH_TOKEN", TOKEN)
    assert SecretStore(backend=fail.Keyring()).get("ci", "auth_token") == TOKEN


def test_empty_env_value_is_ignored(store: SecretStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEPHONY_DESKTOP_SECRET_OFFICE_AUTH_TOKEN", "")
    with pytest.raises(SecretMissing):
        store.get("office", "auth_token")


# --- unusable backends -------------------------------------------------------------------


class PlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt.file.PlaintextKeyring."""

    file_path = "/tmp/keyring_pass.cfg"


class AltFileKeyring(MemoryKeyring):
    pass


AltFileKeyring.__module__ = "keyrings.alt.file"


class FileBacked(MemoryKeyring):
    @property
    def file_path(self) -> str:
        return "/tmp/x.cfg"


class EmptyChainer(chainer.ChainerBackend):
    priority = -1  # never picked by keyring on its own
    backends = ()


@pytest.mark.parametrize(
    "make",
    [
        fail.Keyring,
        null.Keyring,
        EmptyChainer,
        PlaintextKeyring,
        AltFileKeyring,
        FileBacked,
    ],
)
def test_unusable_backends_are_refused_with_the_fix(make: type[KeyringBackend]) -> None:
    store = SecretStore(backend=make())
    for call in (
        lambda: store.get("office", "auth_token"),
        lambda: store.set("office", "auth_token", TOKEN),
        lambda: store.delete("office", "auth_token"),
        store.check,
    ):
        with pytest.raises(SecretStoreError) as info:
            call()
        assert not isinstance(info.value, SecretMissing)
        assert str(info.value).startswith(FIX)
        assert "for headless use." in str(info.value)
        assert TOKEN not in str(info.value)
    assert refusal_reason(make()) is not None


def test_plaintext_refusal_says_why() -> None:
    with pytest.raises(SecretStoreError) as info:
        SecretStore(backend=PlaintextKeyring()).set("office", "auth_token", TOKEN)
    assert "TELEPHONY_DESKTOP_SECRET_OFFICE_AUTH_TOKEN" in str(info.value)
    assert "file" in str(info.value)
    assert not PlaintextKeyring().store  # nothing was written


def test_fail_backend_as_default(monkeypatch: pytest.MonkeyPatch) -> None:
    install_memory_keyring(monkeypatch)
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(SecretStoreError, match="No usable system keyring"):
        SecretStore().get("office", "auth_token")


def test_chainer_uses_its_best_acceptable_member() -> None:
    good, plain = MemoryKeyring(), PlaintextKeyring()

    class Mixed(chainer.ChainerBackend):
        priority = -1
        backends = (plain, good)

    store = SecretStore(backend=Mixed())
    store.set("office", "auth_token", TOKEN)
    assert good.store and not plain.store


# --- keyring failures --------------------------------------------------------------------


class Exploding(MemoryKeyring):
    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        raise self.exc


class DBusErrorResponse(Exception):
    """Shaped like jeepney's: a D-Bus error name in ``.name``."""

    def __init__(self, name: str, body: str) -> None:
        super().__init__(f"[{name}] {body}")
        self.name = name


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (KeyringLocked("Failed to unlock the collection!"), "locked"),
        (InitError("Failed to create the collection"), "could not be used"),
        (PasswordSetError(f"cannot store {TOKEN}"), "refused"),
        (PermissionError(13, f"denied {TOKEN}"), "refused"),
        (DBusErrorResponse("org.freedesktop.DBus.Error.AccessDenied", TOKEN), "refused"),
        (DBusErrorResponse("org.freedesktop.DBus.Error.NoReply", TOKEN), "could not be used"),
        (ConnectionRefusedError(f"bus gone {TOKEN}"), "could not be used"),
        (RuntimeError(TOKEN), "could not be used"),
    ],
)
def test_keyring_failures_become_secret_store_errors(exc: Exception, words: str) -> None:
    store = SecretStore(backend=Exploding(exc))
    with pytest.raises(SecretStoreError) as info:
        store.set("office", "auth_token", TOKEN)
    with i18n.using("fr"), pytest.raises(SecretStoreError) as in_french:
        store.set("office", "auth_token", TOKEN)
    text = f"{info.value} {in_french.value.user_message()} {info.value!r}"
    assert words in str(info.value)
    assert TOKEN not in text
    assert info.value.__cause__ is None  # the backend's own text is not chained along
    assert info.value.__suppress_context__
    with pytest.raises(SecretStoreError) as info:
        store.get("office", "auth_token")
    assert TOKEN not in str(info.value)
    assert not isinstance(info.value, SecretMissing)


def test_locked_message_names_a_fix() -> None:
    store = SecretStore(backend=Exploding(KeyringLocked("nope")))
    with pytest.raises(SecretStoreError) as info:
        store.get("office", "auth_token")
    assert "Unlock" in str(info.value)
    assert "TELEPHONY_DESKTOP_SECRET_OFFICE_AUTH_TOKEN" in str(info.value)


# --- no leaks ----------------------------------------------------------------------------


def test_secret_repr_is_masked(store: SecretStore) -> None:
    store.set("office", "auth_token", TOKEN)
    secret = store.get("office", "auth_token")
    assert isinstance(secret, Secret)
    assert isinstance(secret, str)
    assert repr(secret) == "Secret('***')"
    assert TOKEN not in repr([secret, {"k": secret}])
    assert f"{secret}" == TOKEN
    assert str(secret) == TOKEN
    assert secret + "" == TOKEN
    assert TOKEN not in repr(store)


def test_nothing_secret_is_logged(store: SecretStore, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store.set("office", "auth_token", TOKEN)
    store.get("office", "auth_token")
    store.delete("office", "auth_token")
    assert caplog.records
    assert TOKEN not in caplog.text


# --- async -------------------------------------------------------------------------------


async def test_async_wrappers(store: SecretStore) -> None:
    await store.aset("office", "auth_token", TOKEN)
    assert await store.aget("office", "auth_token") == TOKEN
    assert await store.asource("office", "auth_token") == "keyring"
    assert await store.adelete("office", "auth_token") is True
    with pytest.raises(SecretMissing):
        await store.aget("office", "auth_token")
    await store.adelete_all("office", ["auth_token"])


async def test_async_calls_run_off_the_loop(backend: MemoryKeyring) -> None:
    class Slow(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            time.sleep(0.2)
            return TOKEN

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        assert await SecretStore(backend=Slow()).aget("office", "auth_token") == TOKEN
    finally:
        task.cancel()
    assert ticks >= 5


async def test_stuck_keyring_times_out() -> None:
    class Stuck(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            time.sleep(1.0)  # an unlock prompt nobody answers
            return None

    started = time.monotonic()
    with pytest.raises(SecretStoreError, match="did not answer"):
        await SecretStore(backend=Stuck(), timeout_s=0.05).aget("office", "auth_token")
    assert time.monotonic() - started < 0.5
