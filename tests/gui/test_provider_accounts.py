"""Accounts of the other providers (TeleCMI, Simotel, TrueCNAM, Verba) in the Settings tab.

Each one is added like a user would: the provider chosen, its own fields filled in, the
connection tested against the sandbox, then saved (secrets to the keyring, the rest to the file).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import settings
from telephony_desktop.ui.accounts.form import AccountForm
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.tabs.settings import SettingsTab
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner

SHOTS = Path("/tmp/issue4_shots")
AGENT = "+1 514 555 0100"  # "your phone" for TeleCMI, typed with its country code

ALL_SECRETS = ("auth_token", "secret", "api_key", "password")
ALL_SETTINGS = (
    "ring_first",
    "username",
    "agent_number",
    "endpoint",
    "caller",
    "context",
    "trunk_name",
    "timeout",
    "call_limit",
)


@dataclass(frozen=True)
class Case:
    """What a user types for one provider's account on the sandbox, and what should be kept."""

    provider: str
    label: str
    name: str
    base_url: str
    secrets: dict[str, str]
    typed_settings: dict[str, str]
    stored_settings: dict[str, settings.SettingValue]
    account_id: str = ""
    secret_rows: tuple[str, ...] = ()
    setting_rows: tuple[str, ...] = ()
    url_row_shown_at_once: bool = False  # self-hosted products open the advanced section
    refused: str = ""  # the start of the sentence for a wrong secret
    wrong: dict[str, str] = field(default_factory=dict)


def case_for(provider: str, sandbox: SandboxServer) -> Case:
    origin = sandbox.origin
    if provider == "telecmi":
        return Case(
            provider="telecmi",
            label="TeleCMI",
            name="bridge",
            account_id=sandbox.telecmi.appid,
            base_url=origin,
            secrets={"secret": sandbox.telecmi.secret},
            typed_settings={"agent_number": AGENT, "endpoint": "global"},
            stored_settings={"agent_number": "+15145550100", "endpoint": "global"},
            secret_rows=("secret",),
            setting_rows=("agent_number", "endpoint"),
            refused="TeleCMI refused the app ID or secret.",
            wrong={"secret": "not-the-secret"},
        )
    if provider == "simotel":
        return Case(
            provider="simotel",
            label="Simotel",
            name="pbx",
            base_url=origin,
            secrets={"api_key": sandbox.simotel.api_key, "password": sandbox.simotel.password},
            typed_settings={
                "username": sandbox.simotel.username,
                "caller": "557",
                "context": "main_routing",
                "timeout": "30",
            },
            stored_settings={
                "username": sandbox.simotel.username,
                "caller": "557",
                "context": "main_routing",
                "timeout": 30,
            },
            secret_rows=("api_key", "password"),
            setting_rows=("username", "caller", "context", "trunk_name", "timeout", "call_limit"),
            url_row_shown_at_once=True,
            refused="Simotel refused the credentials",
            wrong={"api_key": "0" * 50, "password": "not-the-password"},
        )
    if provider == "truecnam":
        return Case(
            provider="truecnam",
            label="TrueCNAM",
            name="callername",
            base_url=origin + "/api/v1",
            secrets={"password": sandbox.truecnam.password},
            typed_settings={"username": sandbox.truecnam.username},
            stored_settings={"username": sandbox.truecnam.username},
            secret_rows=("password",),
            setting_rows=("username",),
            refused="TrueCNAM refused the API key username or password.",
            wrong={"password": "not-the-password"},
        )
    assert provider == "verba"
    return Case(
        provider="verba",
        label="Verba",
        name="recorder",
        base_url=origin + "/verba/api",
        secrets={"api_key": sandbox.verba.api_key, "password": sandbox.verba.password},
        typed_settings={"username": sandbox.verba.login},
        stored_settings={"username": sandbox.verba.login},
        secret_rows=("api_key", "password"),
        setting_rows=("username",),
        url_row_shown_at_once=True,
        refused="Verba refused",
        wrong={"password": "not-the-password"},
    )


PROVIDERS = ("telecmi", "simotel", "truecnam", "verba")


# --- driving the form ------------------------------------------------------------------------


def settings_tab(qtbot: QtBot, run: Runner, ctx: AppContext) -> SettingsTab:
    tab = SettingsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1100, 900)
    tab.show()
    run.until(lambda: not ctx.tasks.busy)
    return tab


def new_account(tab: SettingsTab, provider: str) -> AccountForm:
    tab.add_button.click()
    form = tab.form
    assert form.isVisible() and form.heading.text() == "Add an account"
    form.provider.setCurrentIndex(form.provider.findData(provider))
    assert form.spec.name == provider
    return form


def type_into(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def row_shown(form: AccountForm, key: str) -> bool:
    return form._form.isRowVisible(form.fields[key])


def open_advanced(form: AccountForm) -> None:
    if not form.advanced_toggle.isChecked():
        form.advanced_toggle.click()
    assert row_shown(form, "base_url")


def fill(
    qtbot: QtBot, form: AccountForm, case: Case, *, secrets: dict[str, str] | None = None
) -> None:
    type_into(qtbot, form.name, case.name)
    if case.account_id:
        type_into(qtbot, form.account_id, case.account_id)
    for key, value in (case.secrets if secrets is None else secrets).items():
        type_into(qtbot, form.secrets[key], value)
    for key, value in case.typed_settings.items():
        type_into(qtbot, form.settings_edits[key], value)
    open_advanced(form)
    type_into(qtbot, form.base_url, case.base_url)


def press_test(run: Runner, ctx: AppContext, form: AccountForm) -> None:
    form.test_button.click()
    assert not form.test_button.isEnabled()
    run.until(lambda: not ctx.tasks.busy)
    assert form.test_button.isEnabled()


def save(run: Runner, ctx: AppContext, form: AccountForm) -> None:
    form.save_button.click()
    run.until(lambda: not ctx.tasks.busy)


def nothing_written(ctx: AppContext, name: str) -> None:
    assert settings.load_config(ctx.config_path).find(name) is None
    assert ctx.config.find(name) is None
    for key in ALL_SECRETS:
        assert ctx.secrets.source(name, key) is None


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_add_test_and_save_an_account(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer, provider: str
) -> None:
    case = case_for(provider, sandbox)
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, provider)

    # Exactly this provider's fields.
    assert row_shown(form, "account_id") is bool(case.account_id)
    for key in ALL_SECRETS:
        assert row_shown(form, key) is (key in case.secret_rows), key
    for key in ALL_SETTINGS:
        assert row_shown(form, key) is (key in case.setting_rows), key
    assert row_shown(form, "base_url") is case.url_row_shown_at_once
    for key in case.secret_rows:
        assert form.secrets[key].echoMode() == QLineEdit.EchoMode.Password
    assert form.secret is form.secrets[case.secret_rows[0]]

    fill(qtbot, form, case)
    press_test(run, ctx, form)
    assert form.status.level is Level.SUCCESS, form.status.text
    assert form.status.text.startswith(f"Connected to {case.label}")
    nothing_written(ctx, case.name)  # a test saves nothing

    save(run, ctx, form)
    assert not form.isVisible(), form.status.text
    assert tab.account_status.text == f"Account {case.name} saved."
    on_disk = settings.load_config(ctx.config_path)
    saved = on_disk.find(case.name)
    assert saved is not None and saved == ctx.config.find(case.name)
    assert saved.provider == provider
    assert saved.account_id == case.account_id
    assert saved.base_url == case.base_url
    assert dict(saved.settings) == case.stored_settings
    text = ctx.config_path.read_text()
    for key, value in case.secrets.items():
        assert ctx.secrets.get(case.name, key) == value
        assert value not in text
    for key in case.secret_rows:
        assert form.secrets[key].text() == ""  # never left in a widget
    assert on_disk.default_account == "office"  # a new account does not take over

    # The saved account tests fine from the table too (secrets read back from the keyring).
    tab.select(case.name)
    tab.test_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert tab.account_status.level is Level.SUCCESS, tab.account_status.text
    assert tab.account_status.text.startswith(f"Connected to {case.label}")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_wrong_secret_is_refused_and_nothing_is_written(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer, provider: str
) -> None:
    case = case_for(provider, sandbox)
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, provider)
    fill(qtbot, form, case, secrets={**case.secrets, **case.wrong})
    press_test(run, ctx, form)
    assert form.status.level is Level.ERROR
    assert form.status.text.startswith(case.refused), form.status.text
    for value in case.wrong.values():
        assert value not in form.status.text
    assert form.isVisible() and form.save_button.isEnabled()
    nothing_written(ctx, case.name)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_real_services_shapes_test_and_refuse_alike(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer, provider: str
) -> None:
    """Against the shapes the real services use (TeleCMI's authentication failure in a 200 body,
    Simotel's POST, TrueCNAM without status, Verba's sign-in by query), Test connection succeeds
    with the right secret and says the secret was refused with a wrong one."""
    sandbox.variants.set(provider, ["real"])
    case = case_for(provider, sandbox)
    if provider == "verba":  # this deployment signs in with userName/password parameters
        case = dataclasses.replace(case, typed_settings={**case.typed_settings, "auth": "query"})
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, provider)
    fill(qtbot, form, case)
    press_test(run, ctx, form)
    assert form.status.level is Level.SUCCESS, form.status.text
    for key, value in {**case.secrets, **case.wrong}.items():
        form.secrets[key].clear()
        type_into(qtbot, form.secrets[key], value)
    press_test(run, ctx, form)
    assert form.status.level is Level.ERROR
    assert form.status.text.startswith(case.refused), form.status.text
    nothing_written(ctx, case.name)


def test_editing_keeps_the_stored_secrets(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    case = case_for("verba", sandbox)
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, "verba")
    fill(qtbot, form, case)
    save(run, ctx, form)
    tab.select("recorder")
    tab.edit_button.click()
    assert form.heading.text() == "Edit account recorder"
    assert not form.provider.isEnabled() and form.spec.name == "verba"
    assert form.settings_edits["username"].text() == sandbox.verba.login
    assert form.base_url.text() == case.base_url and row_shown(form, "base_url")
    run.until(
        lambda: all(
            "Stored in the system keyring" in form.secrets[k].placeholderText()
            for k in ("api_key", "password")
        )
    )
    assert all(form.secrets[k].text() == "" for k in ("api_key", "password"))
    press_test(run, ctx, form)  # nothing typed: the keyring's secrets are used
    assert form.status.text.startswith("Connected to Verba"), form.status.text
    form.caller_id.setText("514 555 0199")
    save(run, ctx, form)
    saved = settings.load_config(ctx.config_path).find("recorder")
    assert saved is not None and saved.caller_id.endswith("5145550199")
    assert ctx.secrets.get("recorder", "password") == sandbox.verba.password
    assert ctx.secrets.get("recorder", "api_key") == sandbox.verba.api_key


def test_simotel_with_an_api_key_only(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    case = case_for("simotel", sandbox)
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, "simotel")
    fill(qtbot, form, case, secrets={"api_key": sandbox.simotel.api_key})
    press_test(run, ctx, form)
    assert form.status.text.startswith("Connected to Simotel"), form.status.text
    save(run, ctx, form)
    assert not form.isVisible(), form.status.text
    assert ctx.secrets.get("pbx", "api_key") == sandbox.simotel.api_key
    assert ctx.secrets.source("pbx", "password") is None
    assert sandbox.simotel.api_key not in ctx.config_path.read_text()
    assert settings.load_config(ctx.config_path).find("pbx") is not None

    # Later, the password is added by editing: the API key stays.
    tab.select("pbx")
    tab.edit_button.click()
    run.until(lambda: "Missing" in form.secrets["password"].placeholderText())
    assert "Stored in the system keyring" in form.secrets["api_key"].placeholderText()
    qtbot.keyClicks(form.secrets["password"], sandbox.simotel.password)
    save(run, ctx, form)
    assert ctx.secrets.get("pbx", "password") == sandbox.simotel.password
    assert ctx.secrets.get("pbx", "api_key") == sandbox.simotel.api_key


def test_simotel_needs_an_api_key_or_a_password(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    case = case_for("simotel", sandbox)
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, "simotel")
    fill(qtbot, form, case, secrets={})
    form.save_button.click()
    error = form.fields["api_key"].error
    assert error.isVisible() and error.text().startswith("Enter the API key or the password")
    assert not form.status.isVisible()
    form.test_button.click()
    assert error.isVisible() and "to test the connection" in error.text()
    run.until(lambda: not ctx.tasks.busy)
    nothing_written(ctx, "pbx")

    # Only a password (Basic with the user name) is fine too.
    qtbot.keyClicks(form.secrets["password"], sandbox.simotel.password)
    press_test(run, ctx, form)
    assert not error.isVisible()
    assert form.status.text.startswith("Connected to Simotel"), form.status.text


def test_simotel_plain_http_to_another_computer_needs_opting_in(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    case = case_for("simotel", sandbox)
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, "simotel")
    fill(qtbot, form, case, secrets={"api_key": sandbox.simotel.api_key})
    type_into(qtbot, form.base_url, "http://192.168.1.20")
    assert not form.insecure.isChecked() and not form.insecure_warning.isVisible()
    form.save_button.click()
    error = form.fields["base_url"].error
    assert error.isVisible()
    assert error.text().startswith("Plain http:// to 192.168.1.20 is refused")
    form.test_button.click()  # nothing is sent there either
    assert error.isVisible() and not ctx.tasks.busy
    nothing_written(ctx, "pbx")

    form.insecure.click()
    assert form.insecure.isChecked() and form.insecure_warning.isVisible()
    save(run, ctx, form)
    assert not form.isVisible(), form.status.text
    saved = settings.load_config(ctx.config_path).find("pbx")
    assert saved is not None
    assert saved.base_url == "http://192.168.1.20" and saved.allow_insecure_http

    # Loopback http (the sandbox) never needs the opt-in.
    form = new_account(tab, "simotel")
    assert not form.insecure.isChecked() and not form.insecure_warning.isVisible()
    fill(qtbot, form, case_for("simotel", sandbox), secrets={"password": sandbox.simotel.password})
    type_into(qtbot, form.name, "pbx2")
    assert form.base_url.text().startswith("http://127.0.0.1")
    save(run, ctx, form)
    assert not form.isVisible(), form.status.text


def test_telecmi_errors_land_under_their_field(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    case = case_for("telecmi", sandbox)
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, "telecmi")
    fill(qtbot, form, case)

    type_into(qtbot, form.settings_edits["agent_number"], "12")
    form.save_button.click()
    phone = form.fields["agent_number"].error
    assert phone.isVisible() and "too short" in phone.text(), phone.text()
    assert not form.status.isVisible()

    type_into(qtbot, form.settings_edits["agent_number"], AGENT)
    type_into(qtbot, form.settings_edits["endpoint"], "mars")
    form.test_button.click()
    endpoint = form.fields["endpoint"].error
    assert not phone.isVisible()  # errors are cleared on each try
    assert endpoint.isVisible() and "global, india" in endpoint.text(), endpoint.text()

    type_into(qtbot, form.account_id, "app-1")
    form.settings_edits["endpoint"].clear()  # empty: global
    form.save_button.click()
    assert form.fields["account_id"].error.text() == "A TeleCMI app ID is a number, e.g. 2222226."
    assert not endpoint.isVisible()
    run.until(lambda: not ctx.tasks.busy)
    nothing_written(ctx, "bridge")


def test_accounts_of_several_providers_side_by_side(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    for provider in ("telecmi", "verba"):
        case = case_for(provider, sandbox)
        form = new_account(tab, provider)
        fill(qtbot, form, case)
        save(run, ctx, form)
        assert not form.isVisible(), form.status.text
    run.until(lambda: not ctx.tasks.busy)

    rows = [
        tuple(tab.accounts.item(row, col).text() for col in range(5))
        for row in range(tab.accounts.rowCount())
    ]
    assert rows == [
        ("office", "VoiceMeUp", sandbox.account_id, "in keyring", "✓ default"),
        ("bridge", "TeleCMI", sandbox.telecmi.appid, "in keyring", ""),
        ("recorder", "Verba", "—", "in keyring", ""),
    ]
    on_disk = settings.load_config(ctx.config_path)
    assert [(a.name, a.provider) for a in on_disk.accounts] == [
        ("office", "voicemeup"),
        ("bridge", "telecmi"),
        ("recorder", "verba"),
    ]
    for name, label in (("bridge", "TeleCMI"), ("recorder", "Verba")):
        tab.select(name)
        tab.test_button.click()
        run.until(lambda: not ctx.tasks.busy)
        assert tab.account_status.text.startswith(f"Connected to {label}")


def test_the_secret_column_knows_a_simotel_password_is_enough(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, "simotel")
    fill(qtbot, form, case_for("simotel", sandbox), secrets={"password": sandbox.simotel.password})
    save(run, ctx, form)
    run.until(lambda: not ctx.tasks.busy)
    assert tab.accounts.item(1, 0).text() == "pbx"
    assert tab.accounts.item(1, 3).text() == "in keyring"


def test_a_simotel_password_needs_a_user_name(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, "simotel")
    fill(qtbot, form, case_for("simotel", sandbox), secrets={"password": sandbox.simotel.password})
    form.settings_edits["username"].clear()
    form.save_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert form.fields["username"].error.isVisible()
    nothing_written(ctx, "pbx")


def test_setting_errors_do_not_show_config_keys(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    form = new_account(tab, "telecmi")
    fill(qtbot, form, case_for("telecmi", sandbox))
    type_into(qtbot, form.settings_edits["endpoint"], "mars")
    form.save_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert "settings." not in form.fields["endpoint"].error.text()


def test_render_the_form_of_each_provider(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    """Pictures for a person to look at (not asserted)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab = settings_tab(qtbot, run, ctx)
    for provider in ("voicemeup", *PROVIDERS):
        form = new_account(tab, provider)
        if provider != "voicemeup":
            fill(qtbot, form, case_for(provider, sandbox))
        run.pump()
        assert form.grab().save(str(SHOTS / f"form-{provider}.png"))
        form.cancel_button.click()
    run.until(lambda: not ctx.tasks.busy)
