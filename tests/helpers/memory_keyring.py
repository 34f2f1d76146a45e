"""An in-memory keyring backend, and fixtures that keep tests away from the real keyring.

Wire it for the whole suite in ``tests/conftest.py``::

    pytest_plugins = ("tests.helpers.memory_keyring",)

    @pytest.fixture(autouse=True)
    def _no_real_keyring(memory_keyring):
        yield

Tests that want the real Secret Service pass an explicit backend to ``SecretStore``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Stores passwords in a dict. Priority -1: keyring never picks it on its own (the fail
    backend, 0, outranks it and chainers skip priorities <= 0); install it explicitly."""

    priority = -1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.store[(service, username)]
        except KeyError:
            raise PasswordDeleteError("No such password") from None


def install_memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """Make ``keyring``'s default backend a fresh ``MemoryKeyring`` until the test ends, and
    drop any ``TELEPHONY_DESKTOP_SECRET_*`` variables the developer's shell may carry."""
    backend = MemoryKeyring()
    # Registers the restore of whatever was there (even "not initialised yet") at teardown,
    # without initialising the real backend (which would touch D-Bus).
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    keyring.set_keyring(backend)
    for name in list(os.environ):
        if name.startswith("TELEPHONY_DESKTOP_SECRET_"):
            monkeypatch.delenv(name)
    return backend


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    yield install_memory_keyring(monkeypatch)
