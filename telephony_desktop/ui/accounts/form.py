"""Add or edit one account: provider, name, account ID, secrets, region, caller ID, ring first.

Validation is the store's own (``settings.Account(...)`` raises ``InputError`` naming the field);
the sentence appears under that field. Saving writes the secrets to the keyring and the config
file, both off the Qt thread; the secrets never reach the config, a log or a widget after entry.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import phonenumbers
from babel import Locale
from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QFont, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.errors import InputError, TelephonyError
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _, formats
from telephony_desktop.providers.voicemeup.names import DEFAULT_ENDPOINT
from telephony_desktop.services.accounts import check_account
from telephony_desktop.services.dialer import parse_ring_first
from telephony_desktop.store import settings
from telephony_desktop.store.secrets import Source
from telephony_desktop.ui.accounts.store_io import (
    ConfigChange,
    replace_account,
    update_config,
    with_account,
)
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.widgets.banner import Banner

COMMON_REGIONS = ("CA", "US", "FR", "BE", "CH", "GB", "MX")
_ERROR_STYLE = "color: #c0392b;"
_HINT_STYLE = "color: palette(placeholder-text);"

# What people see for the providers' own secret and setting names (translated where shown).
_SECRET_LABELS = {
    "auth_token": N_("Auth token"),
    # Translators: TeleCMI's app secret (a password-like token).
    "secret": N_("Secret"),
    "api_key": N_("API key"),
    "password": N_("Password"),
}
_SECRET_HINTS = {
    ("voicemeup", "auth_token"): N_("The 32-character API token from your VoiceMeUp portal"),
    ("telecmi", "secret"): N_("The app secret from your TeleCMI dashboard"),
    ("simotel", "api_key"): N_("X-APIKEY from the PBX's API settings (or use a password)"),
    ("simotel", "password"): N_("The API user's password (or use an API key)"),
    ("truecnam", "password"): N_("API key password (not your web login)"),
    ("verba", "api_key"): N_("The API key of the application defined in Verba"),
    ("verba", "password"): N_("Your Verba password"),
}
# The sentences that ask for a missing secret, whole (French gives each its own article): when
# saving a new account, and when testing one.
_ENTER_SECRET = {
    "auth_token": (
        N_(
            "Enter the auth token: it is kept in the system keyring, never in the configuration "
            "file."
        ),
        N_("Enter the auth token to test the connection."),
    ),
    "secret": (
        N_("Enter the secret: it is kept in the system keyring, never in the configuration file."),
        N_("Enter the secret to test the connection."),
    ),
    "api_key": (
        N_("Enter the API key: it is kept in the system keyring, never in the configuration file."),
        N_("Enter the API key to test the connection."),
    ),
    "password": (
        N_(
            "Enter the password: it is kept in the system keyring, never in the configuration file."
        ),
        N_("Enter the password to test the connection."),
    ),
}
# Simotel: either secret will do.
_ENTER_EITHER = (
    N_(
        "Enter the API key or the password: it is kept in the system keyring, never in the "
        "configuration file."
    ),
    N_("Enter the API key or the password to test the connection."),
)
_SETTING_LABELS = {
    "ring_first": N_("Ring first"),
    "username": N_("User name"),
    "agent_number": N_("Your phone"),
    # Translators: TeleCMI's API server (auto, global or india).
    "endpoint": N_("Endpoint"),
    "caller": N_("Your extension"),
    # Translators: the PBX's dial plan context (e.g. main_routing).
    "context": N_("Context"),
    # Translators: a PBX trunk (the line to the outside network).
    "trunk_name": N_("Trunk"),
    "timeout": N_("Ring timeout (s)"),
    "call_limit": N_("Call limit (s)"),
    "pbx_caller_id": N_("PBX caller ID"),
    "method": N_("Request method"),
    "auth": N_("Sign-in"),
}
_SETTING_HINTS = {
    "ring_first": N_("Your phone: a number, or peer:USERNAME for a SIP device"),
    "username": N_("Your user name with the provider"),
    "agent_number": N_("Your own number, e.g. +1 514 555 0100"),
    "endpoint": N_("auto (default), global or india"),
    "caller": N_("e.g. 557"),
    "context": N_("e.g. main_routing"),
    "trunk_name": N_("Optional"),
    "timeout": N_("Optional, 1–300 (PBX default 30)"),
    "call_limit": N_("Optional, longest call in seconds"),
    "pbx_caller_id": N_("Optional: digits, or a PBX word such as masking"),
    "method": N_("Optional: PUT or POST (found by itself when empty)"),
    "auth": N_("basic (default), query or api_key"),
}
_SETTING_HELP = {
    "ring_first": N_(
        "When you click to call, the provider rings this phone first, then connects you to the "
        "number you dialed."
    ),
    "agent_number": N_("TeleCMI rings this number first, then bridges you to the number you dial."),
    "endpoint": N_(
        "TeleCMI's India endpoint is for calls within India; global for the rest. Auto picks "
        "India when your phone or the caller ID is an Indian (+91) number."
    ),
    "caller": N_("The PBX rings this extension first, then the number you dial."),
    "context": N_("The PBX route your extension calls out through."),
    "trunk_name": N_("Only needed when the first leg is an outside number."),
    "pbx_caller_id": N_(
        "Sent as the caller ID instead of the account's number; masking hides both parties' "
        "numbers from each other."
    ),
    "method": N_(
        "Older Simotel versions take PUT, current ones POST; the app tries the other when the "
        "PBX refuses one."
    ),
    "auth": N_(
        "basic: sign in with the login and password; query: the same, sent as userName and "
        "password in the address; api_key: the API key alone, with no sign-in."
    ),
}


def _label(table: dict[str, str], key: str) -> str:
    """A field's label (or hint) in the current language; the key itself if it has none."""
    text = table.get(key, "")
    return _(text) if text else key


# Calling codes by region from phonenumbers' index: asking ``country_code_for_region`` would
# import each region's metadata module (~240 of them, 100+ ms at window start).
_CALLING_CODE: dict[str, int] = {
    region: code
    for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
    for region in regions
}


@lru_cache(maxsize=2)
def _territories(locale_code: str) -> Mapping[str, str]:
    return Locale.parse(locale_code).territories


def region_label(code: str) -> str:
    """``Canada (CA) +1`` / ``États-Unis (US) +1``: the region's name in the language messages
    are shown in (CLDR's, through Babel)."""
    name = _territories(formats.locale_code()).get(code, "")
    prefix = _CALLING_CODE.get(code, 0)
    return f"{name or code} ({code}) +{prefix}" if prefix else f"{name or code} ({code})"


def _by_name(label: str) -> str:
    """A sort key that files "États-Unis" under E, not after Z."""
    return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()


def fill_regions(combo: QComboBox) -> None:
    """Common regions first, then every region phone numbers are known for, by name."""
    for code in COMMON_REGIONS:
        combo.addItem(region_label(code), code)
    combo.insertSeparator(combo.count())
    rest = sorted(
        (
            (region_label(code), code)
            for code in phonenumbers.SUPPORTED_REGIONS
            if code not in COMMON_REGIONS
        ),
        key=lambda entry: _by_name(entry[0]),
    )
    for label, code in rest:
        combo.addItem(label, code)


def system_region() -> str:
    """The region of the desktop's locale when phone numbers know it (``fr_CA`` -> ``CA``)."""
    code = QLocale.territoryToCode(QLocale.system().territory())
    return code if code in phonenumbers.SUPPORTED_REGIONS else "CA"


class _Field(QWidget):
    """A field with its error sentence (and an optional hint) underneath."""

    def __init__(self, widget: QWidget, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        self.hint = QLabel(hint, self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(_HINT_STYLE)
        self.hint.setVisible(bool(hint))
        layout.addWidget(self.hint)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.hide()
        layout.addWidget(self.error)

    def set_error(self, text: str) -> None:
        """The error replaces the hint while shown (they often say the same thing)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.hint.setVisible(bool(self.hint.text()) and not text)


class AccountForm(QFrame):
    """Add (``load(None)``) or edit (``load(account)``) an account; ``saved`` fires with the
    account once its secrets and the config file are written."""

    saved = Signal(object)  # settings.Account
    cancelled = Signal()

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, default_region: str = ""
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("account-form")
        self.default_region = default_region or system_region()
        self.editing: settings.Account | None = None
        self._busy = False
        self._secret_sources: dict[str, Source | None] = {}

        self.heading = QLabel(self)
        heading_font = QFont(self.heading.font())
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.15)
        self.heading.setFont(heading_font)

        self.provider = QComboBox(self)
        self.provider.setAccessibleName(_("Provider"))
        model = self.provider.model()
        for spec in settings.PROVIDERS.values():
            # Translators: {provider} is a provider's name (Verba, TrueCNAM).
            soon = _("{provider} — coming soon").format(provider=spec.label)
            label = spec.label if spec.available else soon
            self.provider.addItem(label, spec.name)
            if not spec.available and isinstance(model, QStandardItemModel):
                item = model.item(self.provider.count() - 1)
                item.setEnabled(False)
                item.setToolTip(_("Not supported by this version yet"))
        self.name = QLineEdit(self)
        self.name.setAccessibleName(_("Account name"))
        self.name.setPlaceholderText(_("A short name you choose, e.g. office"))
        self.account_id = QLineEdit(self)
        self.account_id.setAccessibleName(_("Account ID"))
        self.secrets: dict[str, QLineEdit] = {}
        for field in dict.fromkeys(f for s in settings.PROVIDERS.values() for f in s.secret_fields):
            edit = QLineEdit(self)
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(_label(_SECRET_LABELS, field))
            edit.setObjectName(f"secret-{field}")
            self.secrets[field] = edit
        self.region = QComboBox(self)
        self.region.setAccessibleName(_("Region"))
        self.region.setToolTip(_("Numbers typed without a country code are read as this country's"))
        fill_regions(self.region)
        self.caller_id = QLineEdit(self)
        self.caller_id.setAccessibleName(_("Caller ID"))
        self.caller_id.setPlaceholderText(
            _("Optional: one of your numbers, shown to people you call")
        )
        self.settings_edits: dict[str, QLineEdit] = {}
        for key in dict.fromkeys(f for s in settings.PROVIDERS.values() for f in s.setting_fields):
            edit = QLineEdit(self)
            edit.setAccessibleName(_label(_SETTING_LABELS, key))
            hint = _SETTING_HINTS.get(key, "")
            edit.setPlaceholderText(_(hint) if hint else "")
            self.settings_edits[key] = edit

        self.advanced_toggle = QToolButton(self)
        self.advanced_toggle.setText(_("Advanced: server address"))
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAutoRaise(True)
        self.base_url = QLineEdit(self)
        self.base_url.setAccessibleName(_("Server URL"))
        self.insecure = QCheckBox(_("Allow plain http:// to another computer"), self)
        self.insecure_warning = QLabel(
            _(
                "⚠ Your credentials would cross the network unencrypted. Only for a server on a "
                "network you trust completely; https:// is always safer."
            ),
            self,
        )
        self.insecure_warning.setWordWrap(True)
        self.insecure_warning.setStyleSheet("color: #b36b00;")
        self.insecure_warning.hide()

        self.status = Banner(self)
        self.test_button = QPushButton(_("Test connection"), self)
        self.test_button.setToolTip(_("Check what is typed (secrets included) with the provider"))
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.save_button = QPushButton(_("Save account"), self)
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)

        self.fields: dict[str, _Field] = {}
        self._form = QFormLayout()
        self._layout()
        self._wire()
        self._show_advanced(False)
        self.provider.setCurrentIndex(max(0, self.provider.findData("voicemeup")))
        self._provider_changed()
        self.load(None)

    # --- layout --------------------------------------------------------------------------------

    def _add(self, key: str, label: str, widget: QWidget, hint: str = "") -> None:
        """A row: ``label`` and ``hint`` are already in the current language."""
        field = _Field(widget, hint, self)
        self.fields[key] = field
        # Translators: a form label: the field's name ("Account ID") and a colon.
        text = QLabel(_("{label}:").format(label=label), self)
        text.setBuddy(widget)
        self._form.addRow(text, field)

    def _layout(self) -> None:
        form = self._form
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        self._add("provider", _("Provider"), self.provider)
        # Translators: the account's name, chosen by the user (e.g. office).
        self._add("name", _("Name"), self.name)
        self._add("account_id", _("Account ID"), self.account_id)
        for field, edit in self.secrets.items():
            self._add(field, _label(_SECRET_LABELS, field), edit)
        self._add("region", _("Region"), self.region)
        self._add("caller_id", _("Caller ID"), self.caller_id)
        for key, edit in self.settings_edits.items():
            help_text = _SETTING_HELP.get(key, "")
            self._add(key, _label(_SETTING_LABELS, key), edit, _(help_text) if help_text else "")

        self._form.addRow("", self.advanced_toggle)
        url_field = _Field(
            self.base_url,
            _(
                "The full endpoint URL: required for a self-hosted server (Simotel, Verba); for "
                "the others only to point at a test server — leave empty to use the provider's."
            ),
            self,
        )
        self.fields["base_url"] = url_field
        url_label = QLabel(_("Server URL:"), self)
        url_label.setBuddy(self.base_url)
        self._form.addRow(url_label, url_field)
        insecure = QWidget(self)
        insecure_box = QVBoxLayout(insecure)
        insecure_box.setContentsMargins(0, 0, 0, 0)
        insecure_box.setSpacing(2)
        insecure_box.addWidget(self.insecure)
        insecure_box.addWidget(self.insecure_warning)
        self._form.addRow("", insecure)
        self._advanced_rows = (url_field, insecure)

        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 12)
        outer.setSpacing(8)
        outer.addWidget(self.heading)
        outer.addLayout(form)
        outer.addWidget(self.status)
        outer.addLayout(buttons)
        self.setFrameShape(QFrame.Shape.StyledPanel)

    def _wire(self) -> None:
        self.provider.currentIndexChanged.connect(lambda _i: self._provider_changed())
        self.advanced_toggle.toggled.connect(self._show_advanced)
        self.insecure.toggled.connect(self.insecure_warning.setVisible)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test_connection)
        self.cancel_button.clicked.connect(self._cancel)
        for edit in (self.name, self.account_id, self.caller_id, self.base_url):
            edit.returnPressed.connect(self.save)
        for edit in (*self.secrets.values(), *self.settings_edits.values()):
            edit.returnPressed.connect(self.save)

    def _show_advanced(self, shown: bool) -> None:
        for row in self._advanced_rows:
            self._form.setRowVisible(row, shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.advanced_toggle.setArrowType(arrow)

    def _set_row_visible(self, key: str, visible: bool) -> None:
        field = self.fields[key]
        self._form.setRowVisible(field, visible)

    @property
    def secret(self) -> QLineEdit:
        """The (first) secret field of the chosen provider: VoiceMeUp's auth token."""
        return self.secrets[self.spec.secret_fields[0]]

    @property
    def spec(self) -> settings.ProviderSpec:
        return settings.PROVIDERS[str(self.provider.currentData())]

    def _provider_changed(self) -> None:
        spec = self.spec
        self._set_row_visible("account_id", spec.takes_account_id)
        if spec.takes_account_id:
            rule = spec.account_id_rule  # marked for the catalogue in store/settings.py
            self.fields["account_id"].hint.setText(_(rule) if rule else "")
            self.fields["account_id"].hint.show()
            example = "80012345" if spec.name == "voicemeup" else ""
            self.account_id.setPlaceholderText(
                _("e.g. {example}").format(example=example) if example else ""
            )
        # Caller ID and region only matter to accounts that place calls.
        self._set_row_visible("caller_id", "call" in spec.capabilities)
        self._set_row_visible("region", "call" in spec.capabilities)
        for field in self.secrets:
            self._set_row_visible(field, field in spec.secret_fields)
        for key in self.settings_edits:
            self._set_row_visible(key, key in spec.setting_fields)
        self._secret_placeholders()
        if spec.base_url_required:
            self.advanced_toggle.setChecked(True)
        self.base_url.setPlaceholderText(
            _("https://… (required)")
            if spec.base_url_required
            else (DEFAULT_ENDPOINT if spec.name == "voicemeup" else "https://…")
        )

    def _secret_placeholders(self) -> None:
        for field, edit in self.secrets.items():
            if self.editing is None:
                hint = _SECRET_HINTS.get((self.spec.name, field), "")
                edit.setPlaceholderText(_(hint) if hint else _("Kept in the system keyring"))
                edit.setToolTip(_("Kept in the system keyring, never in the configuration file"))
                continue
            source = self._secret_sources.get(field)
            if source == "environment":
                text = _("Set by an environment variable — type here to store one in the keyring")
            elif source == "keyring":
                text = _("Stored in the system keyring — leave empty to keep it")
            elif field in self._secret_sources:
                text = _("Missing — type it to store it in the system keyring")
            else:
                text = _("Leave empty to keep the stored one")
            edit.setPlaceholderText(text)

    # --- loading -------------------------------------------------------------------------------

    def load(self, account: settings.Account | None) -> None:
        """Empty for a new account, or ``account``'s values to edit (its secrets are never read
        back: the fields stay empty and say where the stored one is)."""
        self.editing = account
        self._secret_sources = {}
        self.clear_errors()
        self.status.hide()
        self.heading.setText(
            _("Edit account {name}").format(name=account.name) if account else _("Add an account")
        )
        provider = account.provider if account else "voicemeup"
        self.provider.setCurrentIndex(max(0, self.provider.findData(provider)))
        self.provider.setEnabled(account is None)
        self.name.setText(account.name if account else "")
        self.name.setReadOnly(account is not None)
        self.name.setToolTip(
            _("To rename an account, add it again under the new name and remove this one.")
            if account
            else _("Used in the window and on the command line (--account NAME)")
        )
        self.account_id.setText(account.account_id if account else "")
        region = account.region if account else self.default_region
        self.region.setCurrentIndex(max(0, self.region.findData(region)))
        caller = display(account.caller_id, account.region) if account and account.caller_id else ""
        self.caller_id.setText(caller)
        for key, edit in self.settings_edits.items():
            edit.setText(str(account.settings.get(key, "")) if account else "")
        self.base_url.setText(account.base_url or "" if account else "")
        self.insecure.setChecked(bool(account and account.allow_insecure_http))
        self.advanced_toggle.setChecked(bool(account and account.base_url))
        for edit in self.secrets.values():
            edit.clear()
        self._provider_changed()
        if account is not None:
            self._ask_secret_sources(account)
        (self.account_id if account else self.name).setFocus()

    def _ask_secret_sources(self, account: settings.Account) -> None:
        async def sources() -> dict[str, Source | None]:
            found: dict[str, Source | None] = {}
            for field in account.secret_fields:
                found[field] = await self.ctx.secrets.asource(account.name, field)
            return found

        def show(found: dict[str, Source | None]) -> None:
            if self.editing is account:
                self._secret_sources = found
                self._secret_placeholders()

        # A keyring that cannot be read is said when saving or testing; here it is only a hint.
        self.ctx.tasks.start(sources(), on_done=show, on_error=lambda _e: None)

    # --- reading what was typed ----------------------------------------------------------------

    def account(self, *, name: str | None = None) -> settings.Account:
        """The account as typed; ``InputError`` names the field that is wrong."""
        spec = self.spec
        values = {
            key: edit.text().strip()
            for key, edit in self.settings_edits.items()
            if key in spec.setting_fields and edit.text().strip()
        }
        account = settings.Account(
            name=self.name.text().strip() if name is None else name,
            provider=spec.name,
            account_id=self.account_id.text().strip() if spec.takes_account_id else "",
            caller_id=self.caller_id.text().strip(),
            region=str(self.region.currentData() or "CA"),
            base_url=self.base_url.text().strip() or None,
            allow_insecure_http=self.insecure.isChecked(),
            settings=values,
        )
        ring = str(values.get("ring_first", ""))
        if ring:
            parse_ring_first(ring, account.region)  # InputError(field="ring_first")
        return account

    def typed_secrets(self) -> dict[str, str]:
        return {
            field: edit.text().strip()
            for field, edit in self.secrets.items()
            if field in self.spec.secret_fields and edit.text().strip()
        }

    # --- errors --------------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for field in self.fields.values():
            field.set_error("")

    def show_error(self, exc: TelephonyError) -> None:
        """Under the field it is about when there is one; otherwise above the buttons."""
        text = describe(exc)
        key = _field_key(exc.field) if isinstance(exc, InputError) else ""
        if isinstance(exc, InputError) and exc.field.startswith("settings."):
            # "settings.endpoint must be one of: ..." -> "Endpoint must be one of: ..."
            text = text.replace(exc.field, _label(_SETTING_LABELS, key))
        field = self.fields.get(key)
        if key in ("base_url", "allow_insecure_http"):
            self.advanced_toggle.setChecked(True)
            field = self.fields["base_url"]
        if field is not None and self._form.isRowVisible(field):
            field.set_error(text)
            field.widget.setFocus()
            self.status.hide()
        else:
            self.status.error(text)

    # --- actions -------------------------------------------------------------------------------

    def _set_busy(self, busy: bool, label: str = "") -> None:
        self._busy = busy
        for button in (self.save_button, self.test_button, self.cancel_button):
            button.setEnabled(not busy)
        if busy and label:
            self.status.info(label)

    def _change(self, account: settings.Account) -> ConfigChange:
        editing = self.editing
        if editing is not None:
            return lambda config: replace_account(config, editing.name, account)
        return lambda config: with_account(config, account)

    def save(self) -> None:
        if self._busy:
            return
        self.clear_errors()
        try:
            account = self.account()
            typed = self.typed_secrets()
            _check_basic_auth(account, typed)
            if self.editing is None:
                field = _missing_secret(account, typed)
                if field:
                    raise InputError(_enter_secret(account, field, testing=False), field=field)
            change = self._change(account)
            change(self.ctx.config)  # a name already taken is said now, before anything is written
        except InputError as exc:
            self.show_error(exc)
            return
        self._set_busy(True, _("Saving…"))
        self.ctx.tasks.start(
            self._write(account, typed, change),
            on_done=self._written,
            on_error=self.show_error,
            on_finally=lambda: self._set_busy(False),
            name="account-save",
        )

    async def _write(
        self, account: settings.Account, typed: dict[str, str], change: ConfigChange
    ) -> settings.Account:
        new = self.editing is None
        written: list[str] = []
        try:
            for field, value in typed.items():
                await self.ctx.secrets.aset(account.name, field, value)
                written.append(field)
            await update_config(self.ctx, change)
        except BaseException:
            if new and written:  # no half-added account: its secrets go with it
                with contextlib.suppress(TelephonyError):
                    await self.ctx.secrets.adelete_all(account.name, written)
            raise
        return account

    def _written(self, account: settings.Account) -> None:
        for edit in self.secrets.values():
            edit.clear()
        self.status.success(_("Account {name} saved.").format(name=account.name))
        self.saved.emit(account)

    def test_connection(self) -> None:
        """Try what is typed (unsaved secrets included) against the provider."""
        if self._busy:
            return
        self.clear_errors()
        try:
            account = self.account(name=self.name.text().strip() or "untitled")  # a valid name
            typed = self.typed_secrets()
            _check_basic_auth(account, typed)
            if self.editing is None:
                missing = _missing_secret(account, typed)
                if missing:
                    raise InputError(_enter_secret(account, missing, testing=True), field=missing)
        except InputError as exc:
            self.show_error(exc)
            return

        self._set_busy(True, _("Testing the connection…"))
        self.ctx.tasks.start(
            check_account(account, self.ctx.secrets, typed=typed, language=self.ctx.lang),
            on_done=self.status.success,
            on_error=lambda exc: self.status.error(describe(exc)),
            on_finally=lambda: self._set_busy(False),
            name="account-test",
        )

    def _cancel(self) -> None:
        for edit in self.secrets.values():
            edit.clear()
        self.clear_errors()
        self.status.hide()
        self.cancelled.emit()


def _enter_secret(account: settings.Account, field: str, *, testing: bool) -> str:
    """The sentence asking for the missing secret ``field`` (either one when the provider takes
    an API key or a password: Simotel), to save the account or to test it."""
    optional = account.spec.optional_secrets
    if field in optional and set(optional) == {"api_key", "password"}:
        sentences = _ENTER_EITHER
    elif field in _ENTER_SECRET:
        sentences = _ENTER_SECRET[field]
    else:  # a secret field without its own sentences: named as the provider names it
        if testing:
            return _("Enter the secret {field} to test the connection.").format(field=field)
        return _(
            "Enter the secret {field}: it is kept in the system keyring, never in the "
            "configuration file."
        ).format(field=field)
    return _(sentences[1] if testing else sentences[0])


def _check_basic_auth(account: settings.Account, typed: dict[str, str]) -> None:
    """A Simotel password is only sent with a user name (HTTP Basic): without one (and without
    an API key) the account could never sign in."""
    if (
        account.provider == "simotel"
        and "password" in typed
        and "api_key" not in typed
        and not str(account.settings.get("username", "")).strip()
    ):
        raise InputError(
            _("Enter the API user name that goes with the password (or use an API key instead)."),
            field="settings.username",
        )


def _missing_secret(account: settings.Account, typed: dict[str, str]) -> str:
    """The first secret a new account still needs ("" when complete). Providers with optional
    secrets (Simotel: API key and/or password) need at least one of them."""
    spec = account.spec
    unneeded = spec.unneeded(account.settings)
    required = [
        f for f in spec.secret_fields if f not in spec.optional_secrets and f not in unneeded
    ]
    for field in required:
        if field not in typed:
            return field
    if spec.optional_secrets and not any(f in typed for f in spec.optional_secrets):
        return spec.optional_secrets[0]
    return ""


def _field_key(field: str) -> str:
    """``settings.ring_first`` -> ``ring_first``; ``accounts.office`` (a clash) -> ``name``."""
    if field.startswith("settings."):
        return field.split(".", 1)[1]
    if field.startswith("accounts."):
        return "name"
    return field
