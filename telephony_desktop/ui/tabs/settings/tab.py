"""The Settings tab: accounts (add, edit, remove, test connection, default) and preferences."""

from __future__ import annotations

import asyncio
import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import AccountDetails
from telephony_desktop.domain.numbers import display
from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.providers.voicemeup.names import DEFAULT_ENDPOINT
from telephony_desktop.store import settings
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.ui.app import apply_theme
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.tabs.voicemail.common import ConfirmBar

_REGIONS = ("CA", "US", "FR", "BE", "CH", "GB", "MX")
_THEMES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
_LANGUAGES = (("en", "English"), ("fr", "Français"))


async def test_account(account: settings.Account, secrets: SecretStore) -> AccountDetails:
    """One authenticated read with the stored secret: what "Test connection" reports."""
    token = await secrets.aget(account.name, account.secret_fields[0])
    async with VoiceMeUpClient(
        account_id=account.account_id,
        auth_token=str(token),
        endpoint=account.base_url or DEFAULT_ENDPOINT,
    ) as client:
        return await client.test_connection()


class AccountForm(QGroupBox):
    """Add or edit one account. Secrets go to the keyring, never to the config file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Account", parent)
        self.editing: settings.Account | None = None
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("A short name, e.g. office")
        self.provider = QComboBox(self)
        for spec in settings.PROVIDERS.values():
            label = spec.label if spec.available else f"{spec.label} (coming soon)"
            self.provider.addItem(label, spec.name)
            if not spec.available:
                item = self.provider.model().item(self.provider.count() - 1)  # type: ignore[attr-defined]
                item.setEnabled(False)
        self.account_id = QLineEdit(self)
        self.account_id.setPlaceholderText("8 digits, e.g. 80012345")
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText("auth_token: 32 hexadecimal characters")
        self.region = QComboBox(self)
        self.region.addItems(_REGIONS)
        self.region.setEditable(True)
        self.caller_id = QLineEdit(self)
        self.caller_id.setPlaceholderText("Optional: the number people see when you call")
        self.ring_first = QLineEdit(self)
        self.ring_first.setPlaceholderText("Your phone: a number, or peer:USERNAME")
        self.base_url = QLineEdit(self)
        self.base_url.setPlaceholderText(f"Optional; default {DEFAULT_ENDPOINT}")
        self.insecure = QCheckBox("Allow plain http to another machine (a LAN server only)", self)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.save_button = QPushButton("Save account", self)
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel", self)
        form = QFormLayout(self)
        form.addRow("Name:", self.name)
        form.addRow("Provider:", self.provider)
        form.addRow("Account ID:", self.account_id)
        form.addRow("Auth token:", self.secret)
        form.addRow("Region:", self.region)
        form.addRow("Caller ID:", self.caller_id)
        form.addRow("Ring first:", self.ring_first)
        form.addRow("Server URL:", self.base_url)
        form.addRow("", self.insecure)
        form.addRow("", self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)

    def load(self, account: settings.Account | None) -> None:
        self.editing = account
        self.error.setText("")
        self.secret.clear()
        self.name.setEnabled(account is None)
        self.name.setText(account.name if account else "")
        self.account_id.setText(account.account_id if account else "")
        self.region.setCurrentText(account.region if account else "CA")
        self.caller_id.setText(display(account.caller_id) if account and account.caller_id else "")
        ring = str(account.settings.get("ring_first", "")) if account else ""
        self.ring_first.setText(ring)
        self.base_url.setText(account.base_url or "" if account else "")
        self.insecure.setChecked(bool(account and account.allow_insecure_http))
        hint = "Leave empty to keep the stored token" if account else "Stored in the system keyring"
        self.secret.setToolTip(hint)
        self.secret.setPlaceholderText(hint)
        self.show()
        (self.account_id if account else self.name).setFocus()

    def account(self) -> settings.Account:
        """The account as typed; ``InputError`` names the field that is wrong."""
        extra = {"ring_first": self.ring_first.text().strip()} if self.ring_first.text() else {}
        return settings.Account(
            name=self.name.text().strip(),
            provider=str(self.provider.currentData()),
            account_id=self.account_id.text().strip(),
            caller_id=self.caller_id.text().strip(),
            region=self.region.currentText().strip().upper(),
            base_url=self.base_url.text().strip() or None,
            allow_insecure_http=self.insecure.isChecked(),
            settings=extra,
        )


class SettingsTab(Tab):
    title = "Settings"
    key = "settings"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.accounts = QTableWidget(0, 4, self)
        self.accounts.setHorizontalHeaderLabels(["Account", "Provider", "Account ID", "Default"])
        self.accounts.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.accounts.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.accounts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.accounts.verticalHeader().hide()
        self.accounts.horizontalHeader().setStretchLastSection(True)
        self.accounts.setMaximumHeight(170)
        self.add_button = QPushButton("Add account…", self)
        self.edit_button = QPushButton("Edit…", self)
        self.remove_button = QPushButton("Remove…", self)
        self.default_button = QPushButton("Make default", self)
        self.test_button = QPushButton("Test connection", self)
        self.confirm = ConfirmBar(self)
        self.form = AccountForm(self)
        self.form.hide()

        self.theme = QComboBox(self)
        for value, label in _THEMES:
            self.theme.addItem(label, value)
        self.language = QComboBox(self)
        for value, label in _LANGUAGES:
            self.language.addItem(label, value)
        self.sync_interval = QSpinBox(self)
        self.sync_interval.setRange(*settings.SYNC_INTERVAL_RANGE)
        self.sync_interval.setSuffix(" min")
        self.poll_interval = QSpinBox(self)
        self.poll_interval.setRange(*settings.POLL_INTERVAL_RANGE)
        self.poll_interval.setSuffix(" s")
        self.prefs_note = QLabel("", self)
        self.language.setToolTip("Messages switch language the next time the app starts.")
        self._layout()
        self._wire()
        self._show_config()

    def _layout(self) -> None:
        accounts_box = QGroupBox("Accounts", self)
        box = QVBoxLayout(accounts_box)
        box.addWidget(self.accounts)
        row = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.default_button)
        row.addWidget(self.test_button)
        box.addLayout(row)
        box.addWidget(self.confirm)
        box.addWidget(self.form)
        prefs = QGroupBox("Preferences", self)
        form = QFormLayout(prefs)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Theme:", self.theme)
        form.addRow("Language:", self.language)
        form.addRow("Sync call history every:", self.sync_interval)
        form.addRow("Check for voicemail every:", self.poll_interval)
        form.addRow("", self.prefs_note)
        columns = QHBoxLayout()
        columns.addWidget(accounts_box, 3)
        columns.addWidget(prefs, 2, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(columns)
        self.body.addStretch(1)

    def _wire(self) -> None:
        self.add_button.clicked.connect(lambda: self.form.load(None))
        self.edit_button.clicked.connect(self._edit)
        self.remove_button.clicked.connect(self._ask_remove)
        self.default_button.clicked.connect(self._make_default)
        self.test_button.clicked.connect(self.test_connection)
        self.form.save_button.clicked.connect(self.save_account)
        self.form.cancel_button.clicked.connect(self.form.hide)
        self.confirm.confirmed.connect(self._remove)
        self.accounts.itemSelectionChanged.connect(self._update_buttons)
        self.theme.currentIndexChanged.connect(lambda _i: self.save_preferences())
        self.language.currentIndexChanged.connect(lambda _i: self.save_preferences())
        self.sync_interval.editingFinished.connect(self.save_preferences)
        self.poll_interval.editingFinished.connect(self.save_preferences)

    # --- showing -----------------------------------------------------------------------------

    def _show_config(self) -> None:
        config = self.ctx.config
        self.accounts.setRowCount(len(config.accounts))
        default = (config.default_account or "").lower()
        for row, account in enumerate(config.accounts):
            cells = (
                account.name,
                account.spec.label,
                account.account_id,
                "✓" if account.name.lower() == default or len(config.accounts) == 1 else "",
            )
            for col, text in enumerate(cells):
                self.accounts.setItem(row, col, QTableWidgetItem(text))
        if config.accounts and not self.accounts.selectedItems():
            self.accounts.selectRow(0)
        for combo, value in ((self.theme, config.theme), (self.language, config.language)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self.sync_interval.setValue(config.sync_interval_min)
        self.poll_interval.setValue(config.poll_interval_s)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.edit_button, self.remove_button, self.default_button):
            button.setEnabled(chosen)
        self.test_button.setEnabled(chosen)

    def selected(self) -> settings.Account | None:
        rows = self.accounts.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.accounts.item(rows[0].row(), 0)
        return None if item is None else self.ctx.config.find(item.text())

    # --- config writes (off the Qt thread) -------------------------------------------------

    async def _save(self, config: settings.Config) -> settings.Config:
        await asyncio.to_thread(settings.save_config, self.ctx.config_path, config)
        self.ctx.config = config
        return config

    def _saved(self, _config: settings.Config, message: str) -> None:
        self._show_config()
        if message:
            self.banner.success(message)

    # --- accounts ------------------------------------------------------------------------------

    def _edit(self) -> None:
        account = self.selected()
        if account is not None:
            self.form.load(account)

    def save_account(self) -> None:
        try:
            account = self.form.account()
        except InputError as exc:
            self.form.error.setText(exc.user_message(self.ctx.lang))
            return
        secret = self.form.secret.text()
        editing = self.form.editing
        if editing is None and not secret:
            self.form.error.setText("Enter the auth token; it is stored in the system keyring.")
            return
        config = self.ctx.config
        try:
            if editing is not None:
                config = settings.remove_account(config, editing.name)
            is_default = editing is not None and (config.default_account or "") == ""
            config = settings.add_account(config, account, make_default=is_default)
        except InputError as exc:
            self.form.error.setText(exc.user_message(self.ctx.lang))
            return

        async def save() -> settings.Config:
            if secret:
                await self.ctx.secrets.aset(account.name, account.secret_fields[0], secret)
            return await self._save(config)

        def saved(config: settings.Config) -> None:
            self.form.hide()
            self._saved(config, f"Account {account.name} saved.")

        self.form.save_button.setEnabled(False)
        self.run(save(), saved, on_finally=lambda: self.form.save_button.setEnabled(True))

    def _ask_remove(self) -> None:
        account = self.selected()
        if account is not None:
            self.confirm.ask(
                f"Remove account {account.name}? Its stored token is deleted from the keyring; "
                "its cached history stays on disk.",
                "Remove",
            )

    def _remove(self) -> None:
        account = self.selected()
        if account is None:
            return
        config = settings.remove_account(self.ctx.config, account.name)

        async def remove() -> settings.Config:
            await self.ctx.secrets.adelete_all(account.name, account.secret_fields)
            return await self._save(config)

        self.run(remove(), lambda c: self._saved(c, f"Account {account.name} removed."))

    def _make_default(self) -> None:
        account = self.selected()
        if account is not None:
            config = settings.set_default_account(self.ctx.config, account.name)
            self.run(
                self._save(config), lambda c: self._saved(c, f"{account.name} is the default.")
            )

    def test_connection(self) -> None:
        account = self.selected()
        if account is None:
            return
        self.test_button.setEnabled(False)
        self.banner.info(f"Testing {account.name}…")

        def done(details: AccountDetails) -> None:
            balance = ""
            if details.funds_left is not None:
                balance = f", funds left {details.funds_left} {details.currency}".rstrip()
            self.banner.success(
                f"Connected: account {details.account_id or account.account_id}{balance}."
            )

        self.run(
            test_account(account, self.ctx.secrets),
            done,
            on_finally=lambda: self.test_button.setEnabled(True),
        )

    # --- preferences -----------------------------------------------------------------------

    def save_preferences(self) -> None:
        config = dataclasses.replace(
            self.ctx.config,
            theme=str(self.theme.currentData()),
            language=str(self.language.currentData()),
            sync_interval_min=self.sync_interval.value(),
            poll_interval_s=self.poll_interval.value(),
        )
        if config == self.ctx.config:
            return
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if isinstance(app, QApplication) and config.theme != self.ctx.config.theme:
            apply_theme(app, config.theme)
        self.run(self._save(config), lambda c: self.prefs_note.setText("Saved."))
