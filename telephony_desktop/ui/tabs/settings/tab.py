"""The Settings tab: accounts (add, edit, remove, default, test connection) and preferences.

Every change is written at once (atomically, off the Qt thread) and reflected in ``ctx.config``;
secrets go to the keyring only.
"""

from __future__ import annotations

import asyncio
import dataclasses

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop import i18n
from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import N_, _, pgettext
from telephony_desktop.services.accounts import check_account
from telephony_desktop.services.call_routes import call_routes
from telephony_desktop.store import settings
from telephony_desktop.store.secrets import Source
from telephony_desktop.ui.accounts.form import AccountForm, fill_regions, system_region
from telephony_desktop.ui.accounts.store_io import update_config
from telephony_desktop.ui.app import apply_theme
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.tabs.common import ConfirmBar
from telephony_desktop.ui.widgets.banner import Banner

THEMES = (
    # Translators: the theme that follows the desktop's light or dark mode.
    ("system", N_("Follow the system")),
    ("light", N_("Light")),
    ("dark", N_("Dark")),
)
# The languages by their own names ("English", "Français"), never translated: whoever cannot read
# the language the app is in must still find their own in the list.
LANGUAGE_NAMES = (("en", "English"), ("fr", "Français"))
DEFAULT_REGION_KEY = "preferences/default_region"
_SOURCE_TEXT = {
    # Translators: where an account's secret is stored (the accounts table's Secret column).
    "keyring": N_("in keyring"),
    "environment": N_("environment variable"),
}
_HINT_STYLE = "color: palette(placeholder-text);"
_COLUMNS = (
    N_("Account"),
    N_("Provider"),
    N_("Account ID"),
    # Translators: the accounts table's column that says where the secret (token) is stored.
    N_("Secret"),
    # Translators: the accounts table's column that marks the default account.
    N_("Default"),
)


def _without(config: settings.Config, name: str) -> settings.Config:
    """``config`` without the account; another one becomes the default if it was."""
    config = settings.remove_account(config, name)
    if config.default_account is None and config.accounts:
        config = settings.set_default_account(config, config.accounts[0].name)
    return config


async def _secrets_source(ctx: AppContext, account: settings.Account) -> Source | None:
    """Where the account's secrets are; None when a required one, or every optional one, is
    missing (Simotel needs an API key or a password, not both)."""
    spec = account.spec
    needed = [f for f in spec.secret_fields if f not in spec.unneeded(account.settings)]
    seen = {f: await ctx.secrets.asource(account.name, f) for f in needed}
    if any(seen[f] is None for f in needed if f not in spec.optional_secrets):
        return None
    return next((s for s in seen.values() if s is not None), None)


class SettingsTab(Tab):
    title = N_("Settings")
    key = "settings"
    config_changed = Signal(object)  # settings.Config, once written

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._removing: settings.Account | None = None
        self._sources: dict[str, Source | None] = {}

        self.accounts = QTableWidget(0, len(_COLUMNS), self)
        self.accounts.setObjectName("settings-accounts")
        self.accounts.setAccessibleName(_("Accounts"))
        self.accounts.setHorizontalHeaderLabels([_(c) for c in _COLUMNS])
        self.accounts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.accounts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.accounts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.accounts.verticalHeader().hide()
        self.accounts.setAlternatingRowColors(True)
        self.accounts.setShowGrid(False)
        header = self.accounts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.accounts.setMinimumHeight(110)
        self.accounts.setMaximumHeight(170)
        self.accounts.doubleClicked.connect(lambda _i: self._edit())

        self.add_button = QPushButton(_("Add account…"), self)
        self.edit_button = QPushButton(_("Edit…"), self)
        self.remove_button = QPushButton(_("Remove…"), self)
        self.default_button = QPushButton(_("Set as default"), self)
        self.default_button.setToolTip(_("The account the app opens when it starts"))
        self.test_button = QPushButton(_("Test connection"), self)
        self.test_button.setToolTip(_("Check the stored account ID and token with the provider"))
        self.confirm = ConfirmBar(self)
        self.account_status = Banner(self)
        self.form = AccountForm(ctx, self, default_region=self.default_region_code())
        self.form.hide()

        self.theme = QComboBox(self)
        self.theme.setAccessibleName(_("Theme"))
        for value, label in THEMES:
            self.theme.addItem(_(label), value)
        self.language = QComboBox(self)
        self.language.setAccessibleName(_("Language"))
        self.language.addItem(_("System language"), "system")
        for value, name in LANGUAGE_NAMES:
            self.language.addItem(name, value)  # each in its own language: see LANGUAGE_NAMES
        self.language_note = QLabel(_("Applies the next time you start the app."), self)
        self.language_note.setStyleSheet(_HINT_STYLE)
        self.language_note.hide()
        self.call_route = QComboBox(self)
        self.call_route.setObjectName("settings-call-route")
        self.call_route.setAccessibleName(_("Place calls through"))
        self.call_route.setToolTip(
            _("The account the Dialer uses unless you pick another one for a call")
        )
        self.default_region = QComboBox(self)
        self.default_region.setAccessibleName(_("Default region"))
        self.default_region.setToolTip(_("The region a new account starts with"))
        fill_regions(self.default_region)
        self.sync_interval = QSpinBox(self)
        self.sync_interval.setAccessibleName(_("Sync call history every (minutes)"))
        self.sync_interval.setRange(*settings.SYNC_INTERVAL_RANGE)
        # Translators: after a number of minutes in a spin box: " min" (with its space).
        self.sync_interval.setSuffix(pgettext("unit", " min"))
        self.poll_interval = QSpinBox(self)
        self.poll_interval.setAccessibleName(_("Check for voicemail every (seconds)"))
        self.poll_interval.setRange(*settings.POLL_INTERVAL_RANGE)
        # Translators: after a number of seconds in a spin box: " s" (with its space).
        self.poll_interval.setSuffix(pgettext("unit", " s"))
        self.request_budget = QSpinBox(self)
        self.request_budget.setObjectName("request-budget")
        self.request_budget.setAccessibleName(_("Time allowed per provider request (seconds)"))
        self.request_budget.setRange(*settings.REQUEST_BUDGET_RANGE)
        self.request_budget.setSuffix(pgettext("unit", " s"))
        self.request_budget.setToolTip(
            _(
                "How long one request to your provider may take, retries included, before the "
                "app gives up and says so. A sync allows this much for each page."
            )
        )
        self.close_to_tray = QCheckBox(_("Closing the window keeps the app in the tray"), self)
        self.close_to_tray.setToolTip(
            _("Voicemail notifications and phone links keep working; Quit is in the tray menu")
        )
        self.notifications = QCheckBox(_("Notify me of new voicemail"), self)
        self.dial_links = QCheckBox(_("Dial phone links immediately"), self)
        self.dial_links.setToolTip(
            _(
                "Off: a tel:, callto: or sip: link you click waits in the Dialer for you to "
                "press Call. On: it is dialed at once."
            )
        )
        self.start_at_login = QCheckBox(_("Start when I log in (in the tray)"), self)
        self.prefs_status = QLabel("", self)
        self.prefs_status.setWordWrap(True)
        self._prefs_timer = QTimer(self)
        self._prefs_timer.setSingleShot(True)
        self._prefs_timer.setInterval(600)  # spin box arrows: one write when the clicks stop
        self._prefs_timer.timeout.connect(self.save_preferences)

        self._layout()
        self._wire()
        self._show_config()

    def _layout(self) -> None:
        accounts_box = QGroupBox(_("Accounts"), self)
        box = QVBoxLayout(accounts_box)
        box.setSpacing(8)
        box.addWidget(self.accounts)
        row = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.default_button)
        row.addWidget(self.test_button)
        box.addLayout(row)
        box.addWidget(self.confirm)
        box.addWidget(self.account_status)
        box.addWidget(self.form)

        prefs = QGroupBox(_("Preferences"), self)
        form = QFormLayout(prefs)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        form.addRow(_("Theme:"), self.theme)
        language = QVBoxLayout()
        language.setSpacing(2)
        language.addWidget(self.language)
        language.addWidget(self.language_note)
        form.addRow(_("Language:"), language)
        form.addRow(_("Place calls through:"), self.call_route)
        form.addRow(_("Default region:"), self.default_region)
        form.addRow(_("Sync call history every:"), self.sync_interval)
        form.addRow(_("Check for voicemail every:"), self.poll_interval)
        form.addRow(_("Time allowed per request:"), self.request_budget)
        desktop = QVBoxLayout()
        desktop.setSpacing(4)
        for check in (self.close_to_tray, self.notifications, self.dial_links, self.start_at_login):
            desktop.addWidget(check)
        # Translators: the form label of the desktop integration options (tray, notifications).
        form.addRow(_("Desktop:"), desktop)
        form.addRow("", self.prefs_status)
        where = QLabel(_("Saved in {path}").format(path=self.ctx.config_path), prefs)
        where.setWordWrap(True)
        where.setStyleSheet(_HINT_STYLE)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(where)

        content = QWidget(self)
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 4, 0)
        columns.setSpacing(16)
        left = QVBoxLayout()
        left.addWidget(accounts_box)
        left.addStretch(1)
        columns.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(prefs)
        right.addStretch(1)
        columns.addLayout(right, 2)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.body.addWidget(scroll, 1)

    def _wire(self) -> None:
        self.add_button.clicked.connect(self._add)
        self.edit_button.clicked.connect(self._edit)
        self.remove_button.clicked.connect(self._ask_remove)
        self.default_button.clicked.connect(self._make_default)
        self.test_button.clicked.connect(self.test_connection)
        self.form.saved.connect(self._account_saved)
        self.form.cancelled.connect(self._close_form)
        self.confirm.confirmed.connect(self._remove)
        self.confirm.cancelled.connect(lambda: setattr(self, "_removing", None))
        self.accounts.itemSelectionChanged.connect(self._update_buttons)
        self.theme.currentIndexChanged.connect(lambda _i: self.save_preferences())
        self.language.currentIndexChanged.connect(lambda _i: self.save_preferences())
        self.call_route.currentIndexChanged.connect(lambda _i: self.save_preferences())
        for box in (self.close_to_tray, self.notifications, self.dial_links, self.start_at_login):
            box.toggled.connect(lambda _on: self.save_preferences())
        self.default_region.currentIndexChanged.connect(lambda _i: self._region_chosen())
        for spin in (self.sync_interval, self.poll_interval, self.request_budget):
            spin.valueChanged.connect(lambda _v: self._prefs_timer.start())
            spin.editingFinished.connect(self._flush_preferences)

    def first_shown(self) -> None:
        self._ask_sources()

    # --- showing -----------------------------------------------------------------------------

    def _show_config(self) -> None:
        config = self.ctx.config
        chosen = self.selected()
        self.accounts.setRowCount(len(config.accounts))
        default = settings.name_key(config.default_account or "")
        for row, account in enumerate(config.accounts):
            is_default = settings.name_key(account.name) == default or len(config.accounts) == 1
            cells = (
                account.name,
                account.spec.label,
                account.account_id or "—",
                self._source_text(account),
                # Translators: in the accounts table's Default column.
                _("✓ default") if is_default else "",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, account.name)
                self.accounts.setItem(row, col, item)
        names = [a.name for a in config.accounts]
        if config.accounts:
            keep = names.index(chosen.name) if chosen and chosen.name in names else 0
            self.accounts.selectRow(keep)
        for combo, value in ((self.theme, config.theme), (self.language, config.language)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        for box, on in (
            (self.close_to_tray, config.close_to_tray),
            (self.notifications, config.notifications),
            (self.dial_links, config.dial_links_immediately),
            (self.start_at_login, config.start_at_login),
        ):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self.call_route.blockSignals(True)
        self.call_route.clear()
        self.call_route.addItem(_("The default account (when it can call)"), None)
        for route in call_routes(config):
            self.call_route.addItem(route.label, route.name)
        self.call_route.setCurrentIndex(max(0, self.call_route.findData(config.call_route)))
        self.call_route.setEnabled(self.call_route.count() > 1)
        self.call_route.blockSignals(False)
        self.default_region.blockSignals(True)
        self.default_region.setCurrentIndex(
            max(0, self.default_region.findData(self.default_region_code()))
        )
        self.default_region.blockSignals(False)
        for spin, number in (
            (self.sync_interval, config.sync_interval_min),
            (self.poll_interval, config.poll_interval_s),
            (self.request_budget, config.request_budget_s),
        ):
            spin.blockSignals(True)
            spin.setValue(number)
            spin.blockSignals(False)
        self._update_buttons()

    def _source_text(self, account: settings.Account) -> str:
        if account.name not in self._sources:
            return "…"
        source = self._sources[account.name]
        text = _SOURCE_TEXT.get(source or "")
        # Translators: in the accounts table's Secret column: no secret is stored.
        return _(text) if text else _("⚠ missing")

    def _ask_sources(self) -> None:
        """Where each account's secret is (keyring, environment, missing): read off the loop."""
        accounts = self.ctx.config.accounts

        async def sources() -> dict[str, Source | None]:
            found: dict[str, Source | None] = {}
            for account in accounts:
                found[account.name] = await _secrets_source(self.ctx, account)
            return found

        def show(found: dict[str, Source | None]) -> None:
            self._sources = found
            self._show_config()

        def failed(exc: TelephonyError) -> None:
            self._sources = {a.name: None for a in accounts}
            self._show_config()
            self.account_status.error(describe(exc))

        self.run(sources(), show, on_error=failed)

    def _update_buttons(self) -> None:
        account = self.selected()
        for button in (self.edit_button, self.remove_button, self.test_button):
            button.setEnabled(account is not None)
        default = self.ctx.config.default_account
        self.default_button.setEnabled(
            account is not None and (default is None or default != account.name)
        )

    def selected(self) -> settings.Account | None:
        model = self.accounts.selectionModel()
        rows = model.selectedRows() if model is not None else []
        if not rows:
            return None
        item = self.accounts.item(rows[0].row(), 0)
        if item is None:
            return None
        return self.ctx.config.find(str(item.data(Qt.ItemDataRole.UserRole)))

    def select(self, name: str) -> None:
        for row in range(self.accounts.rowCount()):
            item = self.accounts.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == name:
                self.accounts.selectRow(row)

    def default_region_code(self) -> str:
        stored = self.ctx.ui_state.get_str(DEFAULT_REGION_KEY, "")
        return stored or system_region()

    # --- writing the config ------------------------------------------------------------------

    def _written(self, config: settings.Config, message: str = "") -> None:
        self._show_config()
        if message:
            self.account_status.success(message)
        self.config_changed.emit(config)

    # --- accounts ------------------------------------------------------------------------------

    def _add(self) -> None:
        self.confirm.cancel()
        self.account_status.hide()
        self.form.default_region = self.default_region_code()
        self.form.load(None)
        self.form.show()

    def _edit(self) -> None:
        account = self.selected()
        if account is None:
            return
        self.confirm.cancel()
        self.account_status.hide()
        self.form.load(account)
        self.form.show()

    def _close_form(self) -> None:
        self.form.hide()
        self.accounts.setFocus()

    def _account_saved(self, account: settings.Account) -> None:
        self.form.hide()
        open_account = self.ctx.session.account.name if self.ctx.session else ""
        message = _("Account {name} saved.").format(name=account.name)
        if settings.name_key(open_account) == settings.name_key(account.name):
            message += " " + _("Changes to the open account apply the next time you start the app.")
        self._written(self.ctx.config, message)
        self.select(account.name)
        self._ask_sources()

    def _ask_remove(self) -> None:
        account = self.selected()
        if account is None:
            return
        self.form.hide()
        self.account_status.hide()
        self._removing = account
        question = _(
            "Remove account {name}? Its stored secret is deleted from the keyring; the calls "
            "cached on this computer stay."
        ).format(name=account.name)
        if self.ctx.session is not None and self.ctx.session.account.name == account.name:
            question += " " + _(
                "It is the account open in this window; it stays open until you quit."
            )
        self.confirm.ask(question, _("Remove account"))

    def _remove(self) -> None:
        account = self._removing
        self._removing = None
        if account is None:
            return

        async def remove() -> settings.Config:
            await self.ctx.secrets.adelete_all(account.name, account.secret_fields)
            return await update_config(self.ctx, lambda c: _without(c, account.name))

        self.remove_button.setEnabled(False)
        self.account_status.info(_("Removing {name}…").format(name=account.name))
        self.run(
            remove(),
            lambda c: self._written(c, _("Account {name} removed.").format(name=account.name)),
            on_error=self._account_error,
            on_finally=self._update_buttons,
        )

    def _make_default(self) -> None:
        account = self.selected()
        if account is None:
            return
        self.run(
            update_config(self.ctx, lambda c: settings.set_default_account(c, account.name)),
            lambda c: self._written(
                c,
                _("{name} is the default: the app opens it when it starts.").format(
                    name=account.name
                ),
            ),
            on_error=self._account_error,
        )

    def _account_error(self, exc: TelephonyError) -> None:
        self.account_status.error(describe(exc))

    def test_connection(self) -> None:
        account = self.selected()
        if account is None:
            return
        self.test_button.setEnabled(False)
        self.test_button.setText(_("Testing…"))
        self.account_status.info(_("Testing {name}…").format(name=account.name))

        def settled() -> None:
            self.test_button.setText(_("Test connection"))
            self._update_buttons()

        self.run(
            check_account(account, self.ctx.secrets, language=self.ctx.lang),
            self.account_status.success,
            on_error=self._account_error,
            on_finally=settled,
        )

    # --- preferences -----------------------------------------------------------------------

    def _region_chosen(self) -> None:
        code = str(self.default_region.currentData() or "")
        if code:
            self.ctx.ui_state.set_str(DEFAULT_REGION_KEY, code)
            self.form.default_region = code
            self.prefs_status.setText(_("Saved."))
            self.prefs_status.setStyleSheet(_HINT_STYLE)

    def _flush_preferences(self) -> None:
        if self._prefs_timer.isActive():
            self._prefs_timer.stop()
            self.save_preferences()

    def save_preferences(self) -> None:
        """Theme (applied at once), language, intervals: written to the config file."""
        theme = str(self.theme.currentData())
        language = str(self.language.currentData())
        sync_min = self.sync_interval.value()
        poll_s = self.poll_interval.value()
        budget_s = self.request_budget.value()
        route = self.call_route.currentData()
        close_to_tray = self.close_to_tray.isChecked()
        notifications = self.notifications.isChecked()
        dial_links = self.dial_links.isChecked()
        at_login = self.start_at_login.isChecked()

        def change(config: settings.Config) -> settings.Config:
            return dataclasses.replace(
                config,
                theme=theme,
                language=language,
                sync_interval_min=sync_min,
                poll_interval_s=poll_s,
                request_budget_s=budget_s,
                call_route=str(route) if route and config.find(str(route)) else None,
                close_to_tray=close_to_tray,
                notifications=notifications,
                dial_links_immediately=dial_links,
                start_at_login=at_login,
            )

        if theme != self.ctx.config.theme:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_theme(app, theme)
        # The language is chosen once, at start: a choice that resolves to another one than the
        # language on screen takes effect at the next start.
        chosen = i18n.choose_language(None, language)
        self.language_note.setVisible(chosen != i18n.language())
        self.prefs_status.setText(_("Saving…"))
        self.prefs_status.setStyleSheet(_HINT_STYLE)

        def saved(config: settings.Config) -> None:
            self.prefs_status.setText(_("Saved."))
            self.config_changed.emit(config)

        def failed(exc: TelephonyError) -> None:
            self._show_config()  # the boxes show what is really in force
            self.prefs_status.setText(describe(exc))
            self.prefs_status.setStyleSheet("color: #c0392b;")

        async def apply() -> settings.Config:
            # Start at login is a file (or registry value) outside the config: written first,
            # so the preference never claims what is not in place.
            if at_login != self.ctx.config.start_at_login:
                from telephony_desktop.desktop import autostart

                if at_login:
                    await asyncio.to_thread(autostart.enable)
                else:
                    await asyncio.to_thread(autostart.disable)
            return await update_config(self.ctx, change)

        self.run(apply(), saved, on_error=failed)
