"""Accounts configuration: paths, validation, URL policy, TOML round trip and error messages."""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from pathlib import Path

import platformdirs
import pytest

from telephony_desktop import i18n
from telephony_desktop.domain.errors import ConfigError, InputError, StorageError
from telephony_desktop.store import paths, settings
from telephony_desktop.store.settings import (
    ADD_ACCOUNT_HINT,
    PROVIDERS,
    Account,
    Config,
    ConfigFileError,
    add_account,
    check_base_url,
    check_secret_field,
    get_account,
    load_config,
    looks_secret,
    remove_account,
    save_config,
    set_default_account,
)

TOKEN = "s3cr3t-T0ken-value-42"


def office(**kw: object) -> Account:
    fields: dict[str, object] = {
        "name": "office",
        "provider": "voicemeup",
        "account_id": "80012345",
    }
    fields.update(kw)
    return Account(**fields)  # type: ignore[arg-type]


# --- paths -------------------------------------------------------------------------------


@pytest.fixture
def no_path_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (paths.ENV_CONFIG, paths.ENV_DATA_DIR, paths.ENV_LOG_DIR):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_path_env")
def test_default_locations_come_from_platformdirs() -> None:
    config_dir = platformdirs.user_config_path("telephony-desktop", appauthor=False)
    assert paths.config_path() == config_dir / "config.toml"
    assert paths.data_dir() == platformdirs.user_data_path("telephony-desktop", appauthor=False)
    assert paths.log_dir() == platformdirs.user_log_path("telephony-desktop", appauthor=False)


@pytest.mark.usefixtures("no_path_env")
def test_env_overrides_and_explicit_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.ENV_CONFIG, str(tmp_path / "env.toml"))
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "data"))
    monkeypatch.setenv(paths.ENV_LOG_DIR, str(tmp_path / "logs"))
    assert paths.config_path() == tmp_path / "env.toml"
    assert paths.data_dir() == tmp_path / "data"
    assert paths.log_dir() == tmp_path / "logs"
    assert paths.config_path(tmp_path / "cli.toml") == tmp_path / "cli.toml"


@pytest.mark.usefixtures("no_path_env")
def test_relative_and_empty_env_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(paths.ENV_CONFIG, "rel/config.toml")
    assert paths.config_path() == tmp_path / "rel" / "config.toml"
    assert paths.config_path().is_absolute()
    monkeypatch.setenv(paths.ENV_DATA_DIR, "  ")
    assert paths.data_dir() == platformdirs.user_data_path("telephony-desktop", appauthor=False)


def test_ensure_dir_is_private(tmp_path: Path) -> None:
    made = paths.ensure_dir(tmp_path / "a" / "b")
    assert made.is_dir()
    assert stat.S_IMODE(made.stat().st_mode) & 0o077 == 0


# --- accounts ----------------------------------------------------------------------------


def test_provider_registry_uses_the_providers_own_secret_names() -> None:
    assert {name: spec.secret_fields for name, spec in PROVIDERS.items()} == {
        "voicemeup": ("auth_token",),
        "telecmi": ("secret",),
        "simotel": ("api_key", "password"),
        "truecnam": ("password",),
        "verba": ("api_key", "password"),
    }


def test_accounts_of_every_provider() -> None:
    cmi = office(
        provider="telecmi",
        account_id="2222226",
        settings={"agent_number": "(514) 555-1234", "endpoint": "India"},
    )
    assert cmi.settings == {"agent_number": "+15145551234", "endpoint": "india"}
    pbx = office(
        provider="simotel",
        account_id="",
        base_url="http://127.0.0.1:8080",
        settings={"caller": "557", "context": "main_routing", "timeout": "30"},
    )
    assert pbx.settings["timeout"] == 30
    assert pbx.spec.optional_secrets == ("api_key", "password")
    cnam = office(provider="truecnam", account_id="", settings={"username": "apikeyuser"})
    verba = office(
        provider="verba",
        account_id="",
        base_url="https://verba.example.com/verba/api",
        settings={"username": "agent"},
    )
    assert [a.spec.capabilities for a in (cmi, pbx, cnam, verba)] == [
        ("call",),
        ("call",),
        ("caller_name",),
        ("recordings",),
    ]


def test_account_is_normalised() -> None:
    account = office(
        provider=" VoiceMeUp ", region="ca", caller_id="(514) 555-1234", account_id=" 80012345 "
    )
    assert account.provider == "voicemeup"
    assert account.region == "CA"
    assert account.caller_id == "+15145551234"
    assert account.account_id == "80012345"
    assert account.secret_fields == ("auth_token",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        account.name = "x"  # type: ignore[misc]
    assert hash(account) == hash(office(caller_id="5145551234"))


@pytest.mark.parametrize("name", ["a", "Office-2", "my_acct", "x" * 32, "A-b_9"])
def test_good_names(name: str) -> None:
    assert office(name=name).name == name


@pytest.mark.parametrize("name", ["", "x" * 33, "has space", "dot.ted", "é", "a/b", "a@b"])
def test_bad_names(name: str) -> None:
    with pytest.raises(InputError) as info:
        office(name=name)
    assert info.value.field == "name"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"account_id": "8001234"}, "account_id"),
        ({"account_id": "800123456"}, "account_id"),
        ({"account_id": "8001234a"}, "account_id"),
        ({"account_id": ""}, "account_id"),
        ({"region": "XX"}, "region"),
        ({"region": "CAN"}, "region"),
        ({"caller_id": "555"}, "caller_id"),
        ({"caller_id": "514 555 1234 x 12"}, "caller_id"),
        ({"provider": "nope"}, "provider"),
        ({"provider": "telecmi", "settings": {"endpoint": "mars"}}, "settings.endpoint"),
        ({"provider": "telecmi", "settings": {"agent_number": "12"}}, "settings.agent_number"),
        (
            {
                "provider": "simotel",
                "account_id": "",
                "base_url": "https://pbx.example.com",
                "settings": {"caller": "557", "context": "main", "timeout": 0},
            },
            "settings.timeout",
        ),
        (
            {
                "provider": "simotel",
                "account_id": "",
                "base_url": "https://pbx.example.com",
                "settings": {"caller": "557"},
            },
            "settings.context",
        ),
        ({"allow_insecure_http": "yes"}, "allow_insecure_http"),
        ({"settings": {"mode": 1.5}}, "settings.mode"),
        ({"settings": {"bad key": "x"}}, "settings"),
        ({"base_url": "ftp://example.com"}, "base_url"),
    ],
)
def test_bad_account_values(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        office(**changes)
    assert info.value.field == field
    assert str(info.value)  # an English sentence
    with i18n.using("fr"), pytest.raises(InputError) as in_french:
        office(**changes)
    assert in_french.value.user_message()
    assert in_french.value.user_message() != info.value.user_message()


def test_account_id_may_be_an_int_in_toml() -> None:
    assert office(account_id=80012345).account_id == "80012345"


@pytest.mark.parametrize(
    "key", ["auth_token", "secret", "password", "api_key", "token", "client_secret", "apiKey"]
)
def test_secret_looking_settings_are_refused(key: str) -> None:
    with pytest.raises(InputError) as info:
        office(settings={key: TOKEN})
    assert "set-secret" in str(info.value)
    assert TOKEN not in str(info.value)
    with i18n.using("fr"), pytest.raises(InputError) as in_french:
        office(settings={key: TOKEN})
    assert TOKEN not in in_french.value.user_message()


def test_harmless_settings_are_kept() -> None:
    account = office(settings={"tokenizer": "x", "lines": 2, "beta": True})
    assert dict(account.settings) == {"tokenizer": "x", "lines": 2, "beta": True}
    assert not looks_secret("username")
    assert looks_secret("x-api-key")


def test_check_secret_field() -> None:
    assert check_secret_field(office(), "auth_token") == "auth_token"
    with pytest.raises(InputError, match="auth_token"):
        check_secret_field(office(), "password")


# --- URL policy --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "opt_in", "ok"),
    [
        ("https://voicemeup.com/api/xml/", False, True),
        ("HTTPS://Example.COM:8443/x", False, True),
        ("http://127.0.0.1:8080", False, True),
        ("http://127.9.8.7/api", False, True),
        ("http://localhost", False, True),
        ("http://LOCALHOST:9000/x", False, True),
        ("http://[::1]:9", False, True),
        ("http://192.0.2.10", False, False),
        ("http://192.0.2.10", True, True),
        ("http://example.com/api", False, False),
        ("http://localhost.example.com", False, False),
        ("http://127.0.0.1.nip.io", False, False),
        ("http://[::ffff:192.0.2.1]", False, False),
        ("ftp://example.com", False, False),
        ("ftp://example.com", True, False),
        ("file:///etc/passwd", True, False),
        ("example.com/api", False, False),
        ("https://user:pass@example.com", False, False),
        ("https://user@example.com", False, False),
        ("http://user:pass@127.0.0.1", True, False),
        ("https://example.com/api?auth_token=x", False, False),
        ("https://example.com/api#frag", False, False),
        ("https://example.com:notaport/", False, False),
        ("https://", False, False),
        ("", False, False),
        ("https://exa mple.com", False, False),
    ],
)
def test_url_policy(url: str, opt_in: bool, ok: bool) -> None:
    if ok:
        assert check_base_url(url, allow_insecure_http=opt_in).lower() == url.strip().lower()
    else:
        with pytest.raises(InputError) as info:
            check_base_url(url, allow_insecure_http=opt_in)
        assert info.value.field == "base_url"


def test_url_policy_messages_explain() -> None:
    with pytest.raises(InputError) as info:
        check_base_url("http://192.0.2.10/api", allow_insecure_http=False)
    assert "allow_insecure_http" in str(info.value)
    assert "https://" in str(info.value)
    with pytest.raises(InputError) as info:
        check_base_url("https://bob:hunter2@example.com", allow_insecure_http=False)
    assert "hunter2" not in str(info.value)
    assert "set-secret" in str(info.value)


def test_account_base_url_and_opt_in() -> None:
    assert office(base_url="http://127.0.0.1:8080/x").base_url == "http://127.0.0.1:8080/x"
    with pytest.raises(InputError, match="allow_insecure_http"):
        office(base_url="http://192.0.2.10/x")
    account = office(base_url="http://192.0.2.10/x", allow_insecure_http=True)
    assert account.base_url == "http://192.0.2.10/x"


# --- config operations -------------------------------------------------------------------


def test_add_get_remove() -> None:
    config = add_account(Config(), office())
    assert get_account(config).name == "office"  # the only one
    config = add_account(config, office(name="Home", account_id="80054321"))
    with pytest.raises(ConfigError, match="Several accounts"):
        get_account(config)
    assert get_account(config, "HOME").name == "Home"
    config = set_default_account(config, "home")
    assert config.default_account == "Home"
    assert get_account(config).name == "Home"
    config = remove_account(config, "home")
    assert config.default_account is None
    assert [a.name for a in config.accounts] == ["office"]
    with pytest.raises(ConfigError, match="no account named nope"):
        remove_account(config, "nope")


@pytest.mark.parametrize("name", ["OFFICE", "Office", "office"])
def test_duplicate_names_ignore_case(name: str) -> None:
    config = add_account(Config(), office())
    with pytest.raises(ConfigError, match="already exists"):
        add_account(config, office(name=name))


def test_dash_and_underscore_names_clash() -> None:
    config = add_account(Config(), office(name="my-acct"))
    with pytest.raises(ConfigError, match="TELEPHONY_DESKTOP_SECRET_"):
        add_account(config, office(name="my_acct"))


def test_make_default() -> None:
    config = add_account(Config(), office(), make_default=True)
    assert config.default_account == "office"


def test_no_account_says_how_to_add_one() -> None:
    with pytest.raises(ConfigError) as info:
        get_account(Config())
    assert ADD_ACCOUNT_HINT in str(info.value)
    assert "telephony-desktop account add NAME --provider voicemeup --account-id 80012345" in str(
        info.value
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"language": "de"},
        {"theme": "pink"},
        {"sync_interval_min": 0},
        {"sync_interval_min": True},
        {"poll_interval_s": 1},
        {"default_account": "ghost"},
    ],
)
def test_bad_preferences(changes: dict[str, object]) -> None:
    with pytest.raises(InputError):
        Config(**changes)  # type: ignore[arg-type]


# --- files -------------------------------------------------------------------------------


def full_config() -> Config:
    config = add_account(
        Config(language="fr", sync_interval_min=5, poll_interval_s=10, theme="dark"),
        office(caller_id="+15145551234", region="US"),
        make_default=True,
    )
    return add_account(
        config,
        office(
            name="lab-1",
            account_id="80099999",
            base_url="http://192.0.2.10:8080/api/",
            allow_insecure_http=True,
            settings={"note": "x", "lines": 3, "beta": False},
        ),
    )


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "config.toml"
    config = full_config()
    save_config(path, config)
    assert load_config(path) == config
    text = path.read_text(encoding="utf-8")
    assert "[accounts.office]" in text
    assert text.startswith("# Telephony Desktop configuration.")


def test_saved_file_is_private_and_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o644)
    before = path.stat().st_ino
    save_config(path, full_config())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.stat().st_ino != before  # a new file was renamed over it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_failed_save_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    save_config(path, Config())
    original = path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StorageError, match="is full") as caught:
        save_config(path, full_config())
    assert caught.value.path == str(path) and caught.value.kind == "full"
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_missing_file_is_an_empty_config(tmp_path: Path) -> None:
    assert load_config(tmp_path / "nope.toml") == Config()


def test_saved_file_holds_no_secret_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_config(path, full_config())

    def keys(table: dict[str, object]) -> list[str]:
        out = []
        for key, value in table.items():
            out.append(key)
            if isinstance(value, dict):
                out += keys(value)
        return out

    assert not [k for k in keys(tomllib.loads(path.read_text())) if looks_secret(k)]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'version = 1\n[accounts.office\nprovider = "voicemeup"\n')
    with pytest.raises(ConfigFileError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    assert "line 2" in message
    assert "not valid TOML" in message
    assert info.value.line == 2
    with i18n.using("fr"), pytest.raises(ConfigFileError) as in_french:
        load_config(path)
    assert in_french.value.user_message() != message
    assert "ligne 2" in in_french.value.user_message()


def test_invalid_value_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '# comment\n\n[accounts.office]\nprovider = "voicemeup"\naccount_id = "123"\n',
    )
    with pytest.raises(ConfigFileError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    assert "line 5" in message
    assert "accounts.office.account_id" in message
    assert "8 digits" in message
    assert info.value.key == "accounts.office.account_id"


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ("[accounts.office]\naccount_id = '80012345'\n", "accounts.office.provider", 1),
        ("[preferences]\nlanguage = 'de'\n", "preferences.language", 2),
        ("[preferences]\nsync_interval_min = '5'\n", "preferences.sync_interval_min", 2),
        ("colour = 'red'\n", "colour", 1),
        ("default_account = 'ghost'\n", "default_account", 1),
        ("version = 9\n", "version", 1),
        ("accounts = 3\n", "accounts", 1),
        (
            "[accounts.office]\nprovider = 'voicemeup'\naccount_id = '80012345'\n"
            "[accounts.office.settings]\nmode = 1.5\n",
            "accounts.office.settings.mode",
            5,
        ),
        (
            "[accounts.a]\nprovider = 'voicemeup'\naccount_id = '80012345'\n"
            "[accounts.A]\nprovider = 'voicemeup'\naccount_id = '80012345'\n",
            "accounts.A",
            4,
        ),
        (
            "accounts.office = { provider = 'voicemeup', account_id = 'x' }\n",
            "accounts.office.account_id",
            1,
        ),
        ("[accounts.'bad name']\nprovider = 'voicemeup'\n", "accounts.bad name", 1),
        (
            "[accounts.office]\nprovider = 'voicemeup'\naccount_id = '80012345'\n"
            "base_url = 'http://192.0.2.10/'\n",
            "accounts.office.base_url",
            4,
        ),
    ],
)
def test_bad_values_are_located(tmp_path: Path, text: str, key: str, line: int) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigFileError) as info:
        load_config(path)
    assert info.value.key == key
    assert info.value.line == line
    assert key in str(info.value)


HEAD = "[accounts.office]\nprovider = 'voicemeup'\naccount_id = '80012345'\n"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (f"auth_token = '{TOKEN}'\n", "auth_token"),
        (f"{HEAD}auth_token = '{TOKEN}'\n", "accounts.office.auth_token"),
        (f"{HEAD}api_key = '{TOKEN}'\n", "accounts.office.api_key"),
        (
            f"{HEAD}[accounts.office.settings]\npassword = '{TOKEN}'\n",
            "accounts.office.settings.password",
        ),
        (f"[preferences]\ntoken = '{TOKEN}'\n", "preferences.token"),
    ],
)
def test_secret_in_file_is_refused_without_echoing_it(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigFileError) as info:
        load_config(write(tmp_path, text))
    assert info.value.key == key
    assert "set-secret" in str(info.value)
    assert TOKEN not in str(info.value)
    with i18n.using("fr"), pytest.raises(ConfigFileError) as in_french:
        load_config(write(tmp_path, text))
    assert TOKEN not in in_french.value.user_message()


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match="Could not read"):
        load_config(tmp_path)  # a directory
    path = tmp_path / "config.toml"
    path.write_bytes(b"language = '\xff'\n")
    with pytest.raises(ConfigFileError, match="UTF-8"):
        load_config(path)


def test_hand_written_file_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeff# mine\n"
        'default_account = "Office"\n'
        "[preferences]\n"
        'language = "fr"\n'
        "[accounts.office]\n"
        'provider = "voicemeup"\n'
        "account_id = 80012345\n"
        'caller_id = "514-555-1234"\n',
    )
    config = load_config(path)
    assert config.default_account == "office"
    assert config.language == "fr"
    assert config.sync_interval_min == 15
    assert get_account(config).caller_id == "+15145551234"


def test_desktop_preferences_round_trip(tmp_path: Path) -> None:
    config = dataclasses.replace(
        settings.Config(),
        close_to_tray=False,
        notifications=False,
        dial_links_immediately=True,
        start_at_login=True,
    )
    path = tmp_path / "config.toml"
    settings.save_config(path, config)
    again = settings.load_config(path)
    assert (
        again.close_to_tray,
        again.notifications,
        again.dial_links_immediately,
        again.start_at_login,
    ) == (False, False, True, True)
    defaults = settings.Config()
    assert (
        defaults.close_to_tray,
        defaults.notifications,
        defaults.dial_links_immediately,
        defaults.start_at_login,
    ) == (True, True, False, False)
    with pytest.raises(InputError) as info:
        settings.Config(notifications="yes")  # type: ignore[arg-type]
    assert info.value.field == "notifications"
