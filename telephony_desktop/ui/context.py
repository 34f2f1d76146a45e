"""What every tab is given: the open account, its services, the task runner, UI settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from telephony_desktop.services.accounts import ClientPool
from telephony_desktop.services.session import AccountSession
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.store.settings import Config
from telephony_desktop.ui.async_qt import Tasks


class UiState:
    """Window geometry, last tab and column layouts, in an ini file beside the config."""

    def __init__(self, path: Path) -> None:
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    def get_bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(key, value)

    def get_str(self, key: str, default: str = "") -> str:
        value = self._settings.value(key, default)
        return str(value) if value is not None else default

    def set_str(self, key: str, value: str) -> None:
        self._settings.setValue(key, value)

    def sync(self) -> None:
        self._settings.sync()


@dataclass
class AppContext:
    config_path: Path
    config: Config
    secrets: SecretStore
    ui_state: UiState
    session: AccountSession | None = None
    lang: str = "en"
    demo: bool = False
    tasks: Tasks = field(default_factory=Tasks)

    _clients: ClientPool | None = None

    @property
    def region(self) -> str:
        return self.session.region if self.session else "CA"

    @property
    def clients(self) -> ClientPool:
        """Every other account's client (dialer routes, TrueCNAM, Verba), opened on first use;
        the main session's own client is lent, not reopened."""
        if self._clients is None:
            self._clients = ClientPool(self.secrets, language=self.lang)
        if self.session is not None:
            self._clients.borrow(self.session.account.name, self.session.client)
        return self._clients

    async def aclose(self) -> None:
        """Close every client and the session's cache (the window is gone)."""
        try:
            if self._clients is not None:
                await self._clients.aclose()
        finally:
            if self.session is not None:
                await self.session.aclose()
