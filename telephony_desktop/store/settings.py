"""Accounts and app preferences, kept in a TOML file (see ``store.paths.config_path``).

The file holds no secret, ever: secrets live in the OS keyring (``store.secrets``). Keys that look
like secrets are refused on input, on load and again on save.

Layout::

    version = 1
    default_account = "office"

    [preferences]
    sync_interval_min = 15
    poll_interval_s = 30
    request_budget_s = 30             # the longest one provider request may take, retries included
    language = "system"               # "en", "fr", or "system": the desktop's locale
    theme = "system"

    [accounts.office]
    provider = "voicemeup"
    account_id = "80012345"
    caller_id = "+15145551234"
    region = "CA"
    # base_url = "https://..."        the FULL endpoint URL, only to override the provider's
    # allow_insecure_http = false
    [accounts.office.settings]        free-form provider-specific, non-secret
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import logging
import os
import re
import tempfile
import threading
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import phonenumbers
import tomli_w

from telephony_desktop.domain.errors import ConfigError, InputError
from telephony_desktop.domain.numbers import normalise
from telephony_desktop.i18n import N_, _, ngettext
from telephony_desktop.store.paths import demo_preferences_path, ensure_dir
from telephony_desktop.store.storage import storage_error

log = logging.getLogger(__name__)

FORMAT_VERSION: Final = 1
ADD_ACCOUNT_HINT: Final = (
    "telephony-desktop account add NAME --provider voicemeup --account-id 80012345"
)

SettingValue = str | int | bool

# --- providers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """What an account of one provider needs. Secret field names are the provider's own
    parameter names; they are the ``FIELD`` of ``account set-secret NAME FIELD``."""

    name: str
    label: str
    secret_fields: tuple[str, ...]
    # A full-match regex for ``Account.account_id``; None: this provider has no account id.
    account_id_pattern: str | None = None
    # The rule an account id must follow, as a sentence marked with ``N_`` (show it with
    # ``_(spec.account_id_rule)``).
    account_id_rule: str = ""
    # Non-secret provider-specific keys it takes in ``Account.settings`` (known ones) and those
    # it cannot do without.
    setting_fields: tuple[str, ...] = ()
    required_settings: tuple[str, ...] = ()
    # Self-hosted products have no public endpoint: the user must give ``base_url``.
    base_url_required: bool = False
    # False until its adapter exists: accounts naming it are refused.
    available: bool = False
    # Secret fields of which any one may be missing (Simotel: an API key, a password, or both).
    optional_secrets: tuple[str, ...] = ()
    # What its accounts are for: "history" (the main account), "call" (a dialer route),
    # "caller_name" (TrueCLID on every call), "recordings" (Verba lookups).
    capabilities: tuple[str, ...] = ()
    # Fields a sign-in mode (the ``auth`` setting's value) does without: Verba's API-key-only
    # access needs no login or password.
    unneeded_by_mode: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def takes_account_id(self) -> bool:
        return self.account_id_pattern is not None

    def unneeded(self, settings: Mapping[str, object]) -> frozenset[str]:
        """The secret and setting fields the account's sign-in mode does without."""
        mode = str(settings.get("auth", "")).strip().lower()
        return frozenset(f for m, fields in self.unneeded_by_mode if m == mode for f in fields)


# The five providers. Setting values are checked by ``_SETTING_RULES`` below.
PROVIDERS: Final[dict[str, ProviderSpec]] = {
    "voicemeup": ProviderSpec(
        name="voicemeup",
        label="VoiceMeUp",
        secret_fields=("auth_token",),
        account_id_pattern=r"\d{8}",
        account_id_rule=N_("A VoiceMeUp account ID is exactly 8 digits, e.g. 80012345."),
        # ring_first: the phone call_dispatch rings before the number dialed (number or peer:USER)
        setting_fields=("ring_first",),
        available=True,
        capabilities=("history", "call"),
    ),
    "telecmi": ProviderSpec(
        name="telecmi",
        label="TeleCMI",
        secret_fields=("secret",),
        account_id_pattern=r"\d{1,15}",
        account_id_rule=N_("A TeleCMI app ID is a number, e.g. 2222226."),
        # agent_number: the user's own phone, rung first; endpoint: "auto" (India for +91
        # numbers, as the official SDKs choose), "global" or "india"
        setting_fields=("agent_number", "endpoint"),
        available=True,
        capabilities=("call",),
    ),
    "simotel": ProviderSpec(
        name="simotel",
        label="Simotel",
        # Either or both: X-APIKEY, and/or HTTP Basic (username + password).
        secret_fields=("api_key", "password"),
        optional_secrets=("api_key", "password"),
        # caller: the user's extension (first leg); context: its outgoing route; trunk_name for a
        # caller that is an outside number; timeout / call_limit in seconds; pbx_caller_id: a
        # caller ID word the PBX reads (``masking``) or digits, sent instead of the caller ID;
        # method: PUT or POST to pin (else PUT, then POST if the PBX answers 405).
        setting_fields=(
            "username",
            "caller",
            "context",
            "trunk_name",
            "timeout",
            "call_limit",
            "pbx_caller_id",
            "method",
        ),
        required_settings=("caller", "context"),
        base_url_required=True,
        available=True,
        capabilities=("call",),
    ),
    "truecnam": ProviderSpec(
        name="truecnam",
        label="TrueCNAM",
        secret_fields=("password",),
        setting_fields=("username",),
        required_settings=("username",),
        available=True,
        capabilities=("caller_name",),
    ),
    "verba": ProviderSpec(
        name="verba",
        label="Verba",
        secret_fields=("api_key", "password"),
        # auth: "basic" (HTTP Basic sign-in, the default), "query" (userName and password in
        # the query) or "api_key" (a key that needs no sign-in).
        setting_fields=("username", "auth"),
        required_settings=("username",),
        unneeded_by_mode=(("api_key", ("username", "password")),),
        base_url_required=True,
        available=True,
        capabilities=("recordings",),
    ),
}

# --- small rules -------------------------------------------------------------------------

NAME_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,32}")
_SETTING_KEY_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_SECRET_WORDS: Final = re.compile(
    r"(?:^|_)(?:auth_?token|token|secret|password|passwd|passphrase|pwd|api_?key|"
    r"private_?key|credentials?)(?:$|_)",
    re.IGNORECASE,
)
# "system": the language the desktop session asks for (``i18n.system_language``).
LANGUAGES: Final = ("system", "en", "fr")
THEMES: Final = ("system", "light", "dark")
SYNC_INTERVAL_RANGE: Final = (1, 1440)
POLL_INTERVAL_RANGE: Final = (5, 3600)
# One provider request, every attempt and backoff included (a sync spends it per page).
REQUEST_BUDGET_RANGE: Final = (5, 600)
DEFAULT_REQUEST_BUDGET_S: Final = 30


def looks_secret(key: str) -> bool:
    """True for keys such as ``auth_token``, ``password``, ``client_secret``, ``apiKey``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)  # apiKey -> api_Key
    return bool(_SECRET_WORDS.search(re.sub(r"[.\-\s]", "_", spaced)))


def name_key(name: str) -> str:
    """Names that compare equal here clash: case-insensitive, and ``-`` same as ``_`` because
    both map to the same ``TELEPHONY_DESKTOP_SECRET_<ACCOUNT>_<FIELD>`` variable."""
    return name.lower().replace("-", "_")


def check_account_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise InputError(
            _("An account name uses 1 to 32 letters, digits, - or _ (no spaces)."), field="name"
        )
    return name


def check_base_url(url: str, *, allow_insecure_http: bool) -> str:
    """Accept a provider endpoint URL or raise ``InputError`` saying why and what to do.

    https is always fine; plain http only to this computer (127.0.0.0/8, ::1, localhost: the
    sandbox) unless the account opted in with ``allow_insecure_http``. No other scheme, no
    ``user:pass@``, no query or fragment. Returns the URL tidied (scheme lower-cased).
    """
    raw = url.strip() if isinstance(url, str) else ""
    if not raw:
        raise InputError(
            _("Enter the full endpoint URL, starting with https://."), field="base_url"
        )
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        raise InputError(
            _("The URL must not contain spaces or control characters."), field="base_url"
        )
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        raise InputError(
            _("That URL is not valid (check the host name and the port)."), field="base_url"
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise InputError(
            _("The URL must start with https:// (or http:// for a server on this computer)."),
            field="base_url",
        )
    if "@" in parts.netloc:
        raise InputError(
            _(
                "The URL contains a user name or password (user:pass@host). Secrets never go in "
                "the configuration: remove them from the URL and store the secret with "
                "'telephony-desktop account set-secret NAME FIELD'."
            ),
            field="base_url",
        )
    host = parts.hostname or ""
    if not host:
        raise InputError(_("The URL has no host name."), field="base_url")
    if parts.query or parts.fragment or raw.endswith(("?", "#")):
        raise InputError(
            _("Give the endpoint URL without ?query or #fragment; the app adds the parameters."),
            field="base_url",
        )
    if scheme == "http" and not allow_insecure_http and not is_loopback_host(host):
        raise InputError(
            _(
                "Plain http:// to {host} is refused: your credentials would cross the network "
                "unencrypted. Use https://, or, only if you trust every network in between, opt "
                "in for this account with allow_insecure_http = true (--allow-insecure-http)."
            ).format(host=host),
            field="base_url",
        )
    return urlunsplit((scheme, parts.netloc, parts.path, "", ""))


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 and ``localhost`` (exactly): traffic that never leaves this computer."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- accounts ----------------------------------------------------------------------------


def _bad(field_: str, message: str) -> InputError:
    return InputError(message, field=field_)


@dataclass(frozen=True, slots=True)
class Account:
    """One provider account's non-secret settings. Invalid values raise ``InputError`` (with
    ``field`` naming the config key) at construction, so an ``Account`` is always usable."""

    name: str
    provider: str
    account_id: str = ""
    caller_id: str = ""  # E.164 once validated; "" = provider default
    region: str = "CA"  # default region for parsing numbers typed without a country code
    base_url: str | None = None  # the FULL endpoint URL, overriding the provider's
    allow_insecure_http: bool = False
    settings: Mapping[str, SettingValue] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        check_account_name(self.name)
        spec = _provider_spec(self.provider)
        set_ = object.__setattr__
        set_(self, "provider", spec.name)
        self._check_account_id(spec)
        self._check_region()
        self._check_caller_id()
        if not isinstance(self.allow_insecure_http, bool):
            raise _bad(
                "allow_insecure_http",
                _("{key} must be true or false.").format(key="allow_insecure_http"),
            )
        if self.base_url is not None:
            url = check_base_url(self.base_url, allow_insecure_http=self.allow_insecure_http)
            set_(self, "base_url", url)
        elif spec.base_url_required:
            raise _bad(
                "base_url",
                # Translators: {provider} is a product name such as Simotel or Verba.
                _("A {provider} account needs base_url: the full URL of your server's API.").format(
                    provider=spec.label
                ),
            )
        clean = _check_settings(self.settings, spec, self.name)
        for key in _NUMBER_SETTINGS.get(spec.name, ()):
            if clean.get(key) not in (None, ""):
                clean[key] = self._phone_setting(key, clean[key])
        set_(self, "settings", clean)

    def _phone_setting(self, key: str, value: SettingValue) -> str:
        try:
            return normalise(str(value), self.region).e164
        except InputError as exc:
            raise _bad(
                f"settings.{key}",
                # Translators: {key} is a configuration key; {problem} a sentence saying what
                # is wrong with its value.
                _("{key}: {problem}").format(key=f"settings.{key}", problem=exc.user_message()),
            ) from None

    def _check_account_id(self, spec: ProviderSpec) -> None:
        account_id = self.account_id
        if isinstance(account_id, int) and not isinstance(account_id, bool):
            account_id = str(account_id)
        if not isinstance(account_id, str):
            raise _bad("account_id", _("The account ID must be text."))
        account_id = account_id.strip()
        object.__setattr__(self, "account_id", account_id)
        if spec.account_id_pattern is None:
            if account_id:
                raise _bad(
                    "account_id",
                    _("{provider} accounts take no account ID.").format(provider=spec.label),
                )
        elif not re.fullmatch(spec.account_id_pattern, account_id):
            raise _bad("account_id", _(spec.account_id_rule))

    def _check_region(self) -> None:
        region = self.region.strip().upper() if isinstance(self.region, str) else ""
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise _bad(
                "region", _("The region must be a 2-letter country code such as CA, US or FR.")
            )
        object.__setattr__(self, "region", region)

    def _check_caller_id(self) -> None:
        if not isinstance(self.caller_id, str):
            raise _bad("caller_id", _("The caller ID must be a phone number in quotes."))
        text = self.caller_id.strip()
        if text:
            try:
                number = normalise(text, self.region)
            except InputError as exc:
                raise _bad(
                    "caller_id",
                    # Translators: {problem} is a sentence saying what is wrong with the number.
                    _("Caller ID: {problem}").format(problem=exc.user_message()),
                ) from None
            if number.extension:
                raise _bad("caller_id", _("A caller ID cannot have an extension."))
            text = number.e164
        object.__setattr__(self, "caller_id", text)

    @property
    def spec(self) -> ProviderSpec:
        return PROVIDERS[self.provider]

    @property
    def secret_fields(self) -> tuple[str, ...]:
        return self.spec.secret_fields


def _provider_spec(provider: str) -> ProviderSpec:
    key = provider.strip().lower() if isinstance(provider, str) else ""
    spec = PROVIDERS.get(key)
    usable = ", ".join(n for n, s in PROVIDERS.items() if s.available)
    if spec is None:
        raise _bad(
            "provider",
            # Translators: {providers} lists provider keys: voicemeup, telecmi, ...
            _("Unknown provider. Choose one of: {providers}.").format(providers=usable),
        )
    if not spec.available:
        raise _bad(
            "provider",
            _("{provider} is not supported by this version yet. Available: {providers}.").format(
                provider=spec.label, providers=usable
            ),
        )
    return spec


def _secret_key_error(field_: str, spec: ProviderSpec, account: str = "NAME") -> InputError:
    key = field_.rsplit(".", 1)[-1]
    if key in spec.secret_fields or len(spec.secret_fields) == 1:
        which = key if key in spec.secret_fields else spec.secret_fields[0]
        command = f"telephony-desktop account set-secret {account} {which}"
    else:
        command = (
            f"telephony-desktop account set-secret {account} FIELD "
            f"(FIELD: {', '.join(spec.secret_fields)})"
        )
    return _bad(
        field_,
        _(
            "Secrets never go in the configuration file. Remove this key and store the secret in "
            "the system keyring with: {command}"
        ).format(command=command),
    )


def _check_settings(settings: object, spec: ProviderSpec, account: str) -> dict[str, SettingValue]:
    if not isinstance(settings, Mapping):
        raise _bad("settings", _("settings must be a table of name = value."))
    clean: dict[str, SettingValue] = {}
    for key, value in settings.items():
        if not isinstance(key, str) or not _SETTING_KEY_RE.fullmatch(key):
            raise _bad(
                "settings",
                _("Setting names start with a letter and use letters, digits and _ only."),
            )
        where = f"settings.{key}"
        if looks_secret(key) or key in spec.secret_fields:
            raise _secret_key_error(where, spec, account)
        if not isinstance(value, str | int | bool):
            raise _bad(where, _("A setting's value must be text, a whole number, or true/false."))
        clean[key] = value
    for key, value in list(clean.items()):
        rule = _SETTING_RULES.get((spec.name, key))
        if rule is not None:
            clean[key] = rule(value, f"settings.{key}")
    for key in spec.required_settings:
        if key not in spec.unneeded(clean) and clean.get(key) in (None, ""):
            raise _bad(
                f"settings.{key}",
                _("A {provider} account needs the setting {key}.").format(
                    provider=spec.label, key=key
                ),
            )
    return clean


def _whole(low: int, high: int) -> Callable[[SettingValue, str], SettingValue]:
    def check(value: SettingValue, where: str) -> SettingValue:
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or not low <= int(text) <= high:
            raise _bad(
                where,
                _("{key} must be a whole number of seconds from {low} to {high}.").format(
                    key=where, low=low, high=high
                ),
            )
        return int(text)

    return check


def _one_of(*choices: str) -> Callable[[SettingValue, str], SettingValue]:
    def check(value: SettingValue, where: str) -> SettingValue:
        text = str(value).strip().lower()
        if text not in choices:
            raise _bad(
                where,
                # Translators: {choices} lists the accepted values, as written in the file.
                _("{key} must be one of: {choices}.").format(key=where, choices=", ".join(choices)),
            )
        return text

    return check


def _plain_text(max_len: int, pattern: str = r"[^\x00-\x1f\x7f]*") -> Callable[..., SettingValue]:
    def check(value: SettingValue, where: str) -> SettingValue:
        text = str(value).strip()
        if isinstance(value, bool) or len(text) > max_len or not re.fullmatch(pattern, text):
            raise _bad(
                where,
                ngettext(
                    "{key} is not valid: at most {count} character, no spaces or symbols.",
                    "{key} is not valid: at most {count} characters, no spaces or symbols.",
                    max_len,
                ).format(key=where, count=max_len),
            )
        return text

    return check


# Settings holding a phone number, stored in E.164 (read with the account's region).
_NUMBER_SETTINGS: Final[dict[str, tuple[str, ...]]] = {"telecmi": ("agent_number",)}

_SETTING_RULES: Final[dict[tuple[str, str], Callable[[SettingValue, str], SettingValue]]] = {
    ("telecmi", "endpoint"): _one_of("auto", "global", "india"),
    ("simotel", "caller"): _plain_text(32, r"\+?[0-9*#]*"),
    ("simotel", "context"): _plain_text(64, r"[A-Za-z0-9_.-]*"),
    ("simotel", "trunk_name"): _plain_text(64, r"[A-Za-z0-9_.-]*"),
    ("simotel", "timeout"): _whole(1, 300),
    ("simotel", "call_limit"): _whole(1, 86400),
    ("simotel", "pbx_caller_id"): _plain_text(32, r"[A-Za-z0-9_.*#+-]*"),
    ("simotel", "method"): _one_of("put", "post"),
    ("verba", "auth"): _one_of("basic", "query", "api_key"),
}


def check_secret_field(account: Account, field_: str) -> str:
    """The secret field name if this account's provider has it, else ``InputError`` listing
    the ones it has (for ``account set-secret NAME FIELD``)."""
    fields = account.secret_fields
    if field_ not in fields:
        names = ", ".join(fields)
        raise _bad(
            "field",
            _("{provider} accounts have these secrets: {names}.").format(
                provider=account.spec.label, names=names
            ),
        )
    return field_


# --- config ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Config:
    """Everything in the config file. Build new ones with ``add_account`` & co."""

    accounts: tuple[Account, ...] = ()
    default_account: str | None = None
    sync_interval_min: int = 15
    poll_interval_s: int = 30
    request_budget_s: int = DEFAULT_REQUEST_BUDGET_S
    language: str = "system"
    theme: str = "system"
    # The account that places calls by default (a dialer route); None: the default account
    # when it can place calls, else the first one that can.
    call_route: str | None = None
    # Desktop behaviour: closing the window keeps the app in the tray; new-voicemail
    # notifications; a tel:/callto:/sip: link dials at once (off: it waits in the dialer);
    # start at login (off by default).
    close_to_tray: bool = True
    notifications: bool = True
    dial_links_immediately: bool = False
    start_at_login: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "accounts", tuple(self.accounts))
        seen: dict[str, str] = {}
        for account in self.accounts:
            if not isinstance(account, Account):
                raise TypeError("Config.accounts holds Account objects")
            other = seen.get(name_key(account.name))
            if other is not None:
                raise _duplicate_error(account.name, other)
            seen[name_key(account.name)] = account.name
        if self.default_account is not None:
            found = seen.get(name_key(self.default_account)) if self.default_account else None
            if found is None:
                raise _bad("default_account", _("default_account names no configured account."))
            object.__setattr__(self, "default_account", found)
        _check_int("sync_interval_min", self.sync_interval_min, SYNC_INTERVAL_RANGE)
        _check_int("poll_interval_s", self.poll_interval_s, POLL_INTERVAL_RANGE)
        _check_int("request_budget_s", self.request_budget_s, REQUEST_BUDGET_RANGE)
        _check_choice("language", self.language, LANGUAGES)
        _check_choice("theme", self.theme, THEMES)
        for flag in _BOOL_PREFS:
            if not isinstance(getattr(self, flag), bool):
                raise _bad(flag, _("{key} must be true or false.").format(key=flag))
        if self.call_route is not None:
            route = self.find(self.call_route) if isinstance(self.call_route, str) else None
            if route is None or "call" not in route.spec.capabilities:
                raise _bad(
                    "call_route",
                    _(
                        "call_route must name an account that can place calls (VoiceMeUp, "
                        "TeleCMI or Simotel)."
                    ),
                )
            object.__setattr__(self, "call_route", route.name)

    def find(self, name: str) -> Account | None:
        key = name_key(name)
        return next((a for a in self.accounts if name_key(a.name) == key), None)


def _duplicate_error(name: str, existing: str) -> InputError:
    if name.lower() == existing.lower():
        return _bad(
            f"accounts.{name}",
            _("An account named {name} already exists (names ignore upper/lower case).").format(
                name=existing
            ),
        )
    return _bad(
        f"accounts.{name}",
        _(
            "The name {name} is too close to the existing account {existing}: both would use "
            "the same TELEPHONY_DESKTOP_SECRET_... environment variables. Choose another name."
        ).format(name=name, existing=existing),
    )


def _check_int(name: str, value: object, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(
            name,
            _("{key} must be a whole number from {low} to {high}.").format(
                key=name, low=low, high=high
            ),
        )


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        listed = ", ".join(choices)
        raise _bad(name, _("{key} must be one of: {choices}.").format(key=name, choices=listed))


def add_account(config: Config, account: Account, *, make_default: bool = False) -> Config:
    """A new config with ``account`` added; ``ConfigError`` if the name is taken."""
    existing = config.find(account.name)
    if existing is not None:
        exc = _duplicate_error(account.name, existing.name)
        raise ConfigError(exc.user_message())
    default = account.name if make_default else config.default_account
    return dataclasses.replace(
        config, accounts=(*config.accounts, account), default_account=default
    )


def remove_account(config: Config, name: str) -> Config:
    """A new config without the named account (it stops being the default). Its secrets stay
    in the keyring: the caller deletes them (``SecretStore.delete_all``)."""
    account = get_account(config, name)
    default = config.default_account
    if default is not None and name_key(default) == name_key(account.name):
        default = None
    route = config.call_route
    if route is not None and name_key(route) == name_key(account.name):
        route = None
    return dataclasses.replace(
        config,
        accounts=tuple(a for a in config.accounts if a is not account),
        default_account=default,
        call_route=route,
    )


def set_default_account(config: Config, name: str | None) -> Config:
    """A new config whose default is the named account (None: no default)."""
    default = None if name is None else get_account(config, name).name
    return dataclasses.replace(config, default_account=default)


def get_account(config: Config, name: str | None = None) -> Account:
    """The named account (case-insensitive); with None the default, or the only one.

    ``ConfigError`` says what to do when there is none or the choice is ambiguous.
    """
    if name is not None:
        account = config.find(name)
        if account is None:
            listed = ", ".join(a.name for a in config.accounts)
            if listed:
                message = _("There is no account named {name}. Configured: {names}.")
            else:
                message = _("There is no account named {name}. No account is configured yet.")
            raise ConfigError(message.format(name=name, names=listed))
        return account
    if config.default_account is not None:
        return get_account(config, config.default_account)
    if len(config.accounts) == 1:
        return config.accounts[0]
    if not config.accounts:
        raise ConfigError(
            _("No account is configured yet. Add one with: {command}").format(
                command=ADD_ACCOUNT_HINT
            )
        )
    listed = ", ".join(a.name for a in config.accounts)
    raise ConfigError(
        _(
            "Several accounts are configured ({names}) and none is the default: say which one "
            "to use (--account NAME), or set default_account in the configuration file."
        ).format(names=listed)
    )


# --- TOML <-> Config ---------------------------------------------------------------------


class ConfigFileError(ConfigError):
    """A config file problem, with where it is: ``path``, ``line`` (if known), ``key``."""

    def __init__(
        self,
        message: str,
        *,
        path: Path,
        line: int | None = None,
        key: str = "",
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.key = key


class _Problem(Exception):
    def __init__(self, key: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.key, self.message = key, message


_TOP_KEYS: Final = ("version", "default_account", "preferences", "accounts")
_BOOL_PREFS: Final = (
    "close_to_tray",
    "notifications",
    "dial_links_immediately",
    "start_at_login",
)
_PREF_KEYS: Final = (
    "sync_interval_min",
    "poll_interval_s",
    "request_budget_s",
    "language",
    "theme",
    "call_route",
    *_BOOL_PREFS,
)
_ACCOUNT_KEYS: Final = (
    "provider",
    "account_id",
    "caller_id",
    "region",
    "base_url",
    "allow_insecure_http",
    "settings",
)
# The type each account key must have in the file, and the sentence when it does not.
_ACCOUNT_KEY_KINDS: Final[tuple[tuple[str, type], ...]] = (
    ("provider", str),
    ("caller_id", str),
    ("region", str),
    ("base_url", str),
    ("allow_insecure_http", bool),
)
_ACCOUNT_KEY_RULES: Final = {
    "provider": N_("{key} must be text in quotes."),
    "caller_id": N_("{key} must be a phone number in quotes."),
    "region": N_("{key} must be a country code in quotes."),
    "base_url": N_("{key} must be a URL in quotes."),
    "allow_insecure_http": N_("{key} must be true or false."),
}


def _unknown(key: tuple[str, ...], known: tuple[str, ...], spec: ProviderSpec | None) -> _Problem:
    if looks_secret(key[-1]) or (spec is not None and key[-1] in spec.secret_fields):
        account = key[1] if len(key) > 2 and key[0] == "accounts" else "NAME"
        exc = _secret_key_error(key[-1], spec or PROVIDERS["voicemeup"], account)
        return _Problem(key, exc.user_message())
    listed = ", ".join(known)
    return _Problem(key, _("Unknown key. Known keys here: {keys}.").format(keys=listed))


def _table(value: object, key: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Problem(key, _("This must be a table."))
    return value


def _config_from_dict(data: Mapping[str, Any]) -> Config:
    """Build a ``Config`` from parsed TOML; raises ``_Problem`` (internal) naming the key."""
    for key in data:
        if key not in _TOP_KEYS:
            raise _unknown((key,), _TOP_KEYS, None)
    version = data.get("version", FORMAT_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _Problem(("version",), _("version must be 1."))
    if version > FORMAT_VERSION:
        raise _Problem(
            ("version",),
            _("This file was written by a newer version of Telephony Desktop; update the app."),
        )
    prefs = _table(data.get("preferences", {}), ("preferences",))
    for key in prefs:
        if key not in _PREF_KEYS:
            raise _unknown(("preferences", key), _PREF_KEYS, None)
    accounts = [
        _account_from_dict(name, _table(value, ("accounts", name)))
        for name, value in _table(data.get("accounts", {}), ("accounts",)).items()
    ]
    default = data.get("default_account")
    if default is not None and not isinstance(default, str):
        raise _Problem(
            ("default_account",), _("default_account must be an account name in quotes.")
        )
    try:
        return Config(accounts=tuple(accounts), default_account=default, **prefs)
    except InputError as exc:
        where = exc.field.split(".")
        if exc.field in _PREF_KEYS:
            where = ["preferences", exc.field]
        raise _Problem(tuple(where), exc.user_message()) from None


def _account_from_dict(name: str, table: Mapping[str, Any]) -> Account:
    spec = PROVIDERS.get(str(table.get("provider", "")).strip().lower())
    for key in table:
        if key not in _ACCOUNT_KEYS:
            raise _unknown(("accounts", name, key), _ACCOUNT_KEYS, spec)
    if "provider" not in table:
        raise _Problem(
            ("accounts", name, "provider"),
            _('This account names no provider (provider = "voicemeup").'),
        )
    for key, kind in _ACCOUNT_KEY_KINDS:
        if key in table and not isinstance(table[key], kind):
            raise _Problem(("accounts", name, key), _(_ACCOUNT_KEY_RULES[key]).format(key=key))
    try:
        return Account(name=name, **table)
    except InputError as exc:
        raise _Problem(
            ("accounts", name, *(exc.field.split(".") if exc.field != "name" else ())),
            exc.user_message(),
        ) from None


def config_to_dict(config: Config) -> dict[str, Any]:
    """The TOML document for ``config`` (defaults and empty values left out)."""
    data: dict[str, Any] = {"version": FORMAT_VERSION}
    if config.default_account is not None:
        data["default_account"] = config.default_account
    data["preferences"] = {
        "sync_interval_min": config.sync_interval_min,
        "poll_interval_s": config.poll_interval_s,
        "request_budget_s": config.request_budget_s,
        "language": config.language,
        "theme": config.theme,
    }
    if config.call_route is not None:
        data["preferences"]["call_route"] = config.call_route
    for flag in _BOOL_PREFS:
        data["preferences"][flag] = getattr(config, flag)
    accounts: dict[str, Any] = {}
    for account in config.accounts:
        table: dict[str, Any] = {"provider": account.provider}
        if account.account_id:
            table["account_id"] = account.account_id
        if account.caller_id:
            table["caller_id"] = account.caller_id
        table["region"] = account.region
        if account.base_url is not None:
            table["base_url"] = account.base_url
        if account.allow_insecure_http:
            table["allow_insecure_http"] = True
        if account.settings:
            table["settings"] = dict(account.settings)
        accounts[account.name] = table
    if accounts:
        data["accounts"] = accounts
    return data


def _walk_keys(data: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in data.items():
        yield (*prefix, key)
        if isinstance(value, Mapping):
            yield from _walk_keys(value, (*prefix, key))


# --- file I/O ----------------------------------------------------------------------------

_HEADER: Final = (
    "# Telephony Desktop configuration.\n"
    "# No secrets here: they live in the system keyring "
    "(telephony-desktop account set-secret NAME FIELD).\n\n"
)


def load_config(path: Path) -> Config:
    """Read the config file; a missing file is an empty config. Any problem is a
    ``ConfigFileError`` naming the file, the line when known, and the key."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigFileError(
            # Translators: {reason} is the system's description of the error, e.g. Permission
            # denied.
            _("Could not read the configuration file {path}: {reason}.").format(
                path=path, reason=reason
            ),
            path=path,
        ) from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise ConfigFileError(
            _(
                "The configuration file {path} is not UTF-8 text. Fix the file and try again."
            ).format(path=path),
            path=path,
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+), column \d+\)", message)
        what = message[: found.start()].strip() if found else message
        line = int(found.group(1)) if found else None
        if line:
            # Translators: {problem} is the TOML reader's description of the error, in English.
            message = _(
                "The configuration file {path} is not valid TOML at line {line}: {problem}. Fix "
                "the file and try again."
            )
        else:
            message = _(
                "The configuration file {path} is not valid TOML: {problem}. Fix the file and try "
                "again."
            )
        raise ConfigFileError(
            message.format(path=path, line=line, problem=what),
            path=path,
            line=line,
        ) from None
    try:
        return _config_from_dict(data)
    except _Problem as problem:
        key = ".".join(problem.key)
        line = _locate(text, problem.key)
        if line:
            # Translators: {problem} is a sentence saying what is wrong with the key.
            message = _(
                "Problem in the configuration file {path}, line {line}, key {key}: {problem}"
            )
        else:
            message = _("Problem in the configuration file {path}, key {key}: {problem}")
        raise ConfigFileError(
            message.format(path=path, line=line, key=key, problem=problem.message),
            path=path,
            line=line,
            key=key,
        ) from None


def save_config(path: Path, config: Config) -> None:
    """Write ``config`` atomically (temp file + ``os.replace``), mode 0600, parents created."""
    data = config_to_dict(config)
    for key in _walk_keys(data):
        if looks_secret(key[-1]):  # Account refuses these; never let one through regardless
            raise ConfigError(
                _("Refusing to write {key} to the configuration: it looks like a secret.").format(
                    key=".".join(key)
                )
            )
    _write_atomically(path, _HEADER + tomli_w.dumps(data))
    _keep_demo_choice(path, config)


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path``: a temp file (mode 0600) renamed over it; parents created."""
    parent = ensure_dir(path.parent)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            os.chmod(tmp, 0o600)
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise storage_error(path, exc) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_dir(parent)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_HEADER_RE: Final = re.compile(r"^\s*\[\[?\s*(.+?)\s*\]\]?\s*(?:#.*)?$")
_KEY_PART: Final = r"(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')"
_ASSIGN_RE: Final = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_KEY_PART_RE: Final = re.compile(r"\"[^\"]*\"|'[^']*'|[^.\s]+")


def _split_key(text: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _KEY_PART_RE.findall(text))


def _locate(text: str, key: tuple[str, ...]) -> int | None:
    """Best effort: the line defining ``key``, else the closest enclosing table or key."""
    table: tuple[str, ...] = ()
    best: tuple[int, int] | None = None  # (matched parts, line)
    for lineno, line in enumerate(text.splitlines(), 1):
        header = _HEADER_RE.match(line)
        if header:
            table = _split_key(header.group(1))
            full = table
        else:
            assign = _ASSIGN_RE.match(line)
            if not assign:
                continue
            full = table + _split_key(assign.group(1))
        if full == key:
            return lineno
        if key[: len(full)] == full and (best is None or len(full) > best[0]):
            best = (len(full), lineno)
    return best[1] if best else None


# --- the demo's own preferences --------------------------------------------------------------
#
# ``--demo`` runs on a throw-away config; the language and theme chosen in its Settings are kept
# in ``paths.demo_preferences_path()`` (beside the user's real config), read into the next demo's
# config (``demo.demo_environment``) and by the CLI to choose its language.

DEMO_PREFERENCES: Final = ("language", "theme")
_DEMO_HEADER: Final = (
    "# Telephony Desktop: the language and theme chosen in the demo (--demo), whose own\n"
    "# configuration is thrown away when it closes.\n\n"
)
_demo_configs: dict[str, Path] = {}  # a running demo's config file -> its preferences file
_demo_lock = threading.Lock()


def _key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def load_demo_preferences(path: Path | None = None) -> dict[str, str]:
    """The language and theme saved by earlier demos (``path``: default
    ``paths.demo_preferences_path()``), as ``Config`` fields; values that are not valid choices
    are left out, and a missing or unreadable file gives ``{}``."""
    path = path or demo_preferences_path()
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8").removeprefix("\ufeff"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.warning("ignoring the demo's preferences in %s: %s", path, exc)
        return {}
    choices = {"language": LANGUAGES, "theme": THEMES}
    return {
        name: value
        for name in DEMO_PREFERENCES
        if isinstance(value := data.get(name), str) and value in choices[name]
    }


def demo_language(path: Path | None = None) -> str | None:
    """The language chosen in an earlier demo ("en", "fr" or "system"), None when none was:
    what ``--demo`` runs in unless ``--lang`` says otherwise."""
    return load_demo_preferences(path).get("language")


def save_demo_preferences(path: Path, config: Config) -> bool:
    """Keep ``config``'s language and theme in ``path`` when they differ from what it holds (no
    file: the defaults). True if the file was written."""
    chosen = {name: getattr(config, name) for name in DEMO_PREFERENCES}
    saved = {name: getattr(Config(), name) for name in DEMO_PREFERENCES}
    saved.update(load_demo_preferences(path))
    if chosen == saved:
        return False
    _write_atomically(path, _DEMO_HEADER + tomli_w.dumps(chosen))
    return True


def keep_demo_preferences(config_path: Path, preferences: Path | None) -> None:
    """While a demo runs on ``config_path``, each save of it keeps its language and theme in
    ``preferences`` (None: stop, the demo is over)."""
    with _demo_lock:
        if preferences is None:
            _demo_configs.pop(_key(config_path), None)
        else:
            _demo_configs[_key(config_path)] = preferences


def _keep_demo_choice(path: Path, config: Config) -> None:
    with _demo_lock:
        preferences = _demo_configs.get(_key(path))
    if preferences is None:
        return
    try:
        save_demo_preferences(preferences, config)
    except ConfigError as exc:  # the demo's own config is saved; only the memory of it is lost
        log.warning("could not keep the demo's language and theme: %s", exc)
