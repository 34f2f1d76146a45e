"""The Settings tab like a user: accounts added, edited, tested, removed; preferences saved."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtGui import QPalette, QStandardItemModel
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import settings
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.tabs.settings import SettingsTab
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner


def settings_tab(qtbot: QtBot, run: Runner, ctx: AppContext) -> SettingsTab:
    tab = SettingsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1100, 800)
    tab.show()
    run.until(lambda: not ctx.tasks.busy)
    return tab


def fill_new_account(
    qtbot: QtBot, tab: SettingsTab, sandbox: SandboxServer, name: str = "home"
) -> None:
    tab.add_button.click()
    form = tab.form
    assert form.isVisible() and form.heading.text() == "Add an account"
    qtbot.keyClicks(form.name, name)
    qtbot.keyClicks(form.account_id, sandbox.account_id)
    qtbot.keyClicks(form.secret, sandbox.auth_token)
    form.advanced_toggle.click()
    form.base_url.setText(sandbox.base_url)


def test_add_an_account_with_its_token_in_the_keyring(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    assert tab.accounts.item(0, 3).text() == "in keyring"
    fill_new_account(qtbot, tab, sandbox)
    form = tab.form
    assert form.secret.echoMode() == form.secret.EchoMode.Password
    form.account_id.setText(sandbox.account_id[:-1])  # one digit short
    form.save_button.click()
    assert form.fields["account_id"].error.text() == (
        "A VoiceMeUp account ID is exactly 8 digits, e.g. 80012345."
    )
    assert form.fields["account_id"].error.isVisible()
    qtbot.keyClicks(form.account_id, sandbox.account_id[-1])
    qtbot.keyClicks(form.fields["ring_first"].widget, "5145550100")
    form.save_button.click()
    assert form.status.text == "Saving…" and not form.save_button.isEnabled()
    run.until(lambda: not ctx.tasks.busy)
    assert not form.isVisible()
    assert tab.account_status.text == "Account home saved."
    on_disk = settings.load_config(ctx.config_path)
    assert [a.name for a in on_disk.accounts] == ["office", "home"]
    assert on_disk.find("home") == ctx.config.find("home")
    assert on_disk.find("home").settings == {"ring_first": "5145550100"}  # type: ignore[union-attr]
    assert sandbox.auth_token not in ctx.config_path.read_text()
    assert ctx.secrets.get("home", "auth_token") == sandbox.auth_token
    assert form.secret.text() == ""  # never left in a widget
    assert tab.accounts.rowCount() == 2
    assert tab.accounts.item(1, 3).text() == "in keyring"


def test_errors_land_under_their_field(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    fill_new_account(qtbot, tab, sandbox, name="Office")  # names ignore case
    form = tab.form
    form.save_button.click()
    assert "An account named office already exists" in form.fields["name"].error.text()
    form.name.setText("home")
    form.secret.clear()
    form.save_button.click()
    assert form.fields["auth_token"].error.text().startswith("Enter the auth token")
    qtbot.keyClicks(form.secret, sandbox.auth_token)
    form.base_url.setText("http://192.0.2.10/xml_engine.php")
    form.save_button.click()
    assert "Plain http:// to 192.0.2.10 is refused" in form.fields["base_url"].error.text()
    form.insecure.click()
    assert form.insecure_warning.isVisible()
    form.base_url.setText(sandbox.base_url)
    form.caller_id.setText("12")
    form.save_button.click()
    assert form.fields["caller_id"].error.text() == "Caller ID: That number is too short."
    assert not form.fields["base_url"].error.isVisible()  # errors are cleared on each try
    form.caller_id.clear()
    form.fields["ring_first"].widget.setText("peer:x")  # type: ignore[attr-defined]
    form.save_button.click()
    assert "peer username of 6 to 16" in form.fields["ring_first"].error.text()
    assert settings.load_config(ctx.config_path).find("home") is None  # nothing written


def test_every_provider_is_selectable(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    tab = settings_tab(qtbot, run, ctx)
    combo = tab.form.provider
    model = combo.model()
    assert isinstance(model, QStandardItemModel)
    labels = {combo.itemText(i): model.item(i).isEnabled() for i in range(combo.count())}
    assert labels == {
        "VoiceMeUp": True,
        "TeleCMI": True,
        "Simotel": True,
        "TrueCNAM": True,
        "Verba": True,
    }


def test_a_missing_keyring_says_how_to_fix_it(
    qtbot: QtBot,
    run: Runner,
    ctx: AppContext,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    fill_new_account(qtbot, tab, sandbox)
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    tab.form.save_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert tab.form.status.level is Level.ERROR
    assert tab.form.status.text.startswith("No usable system keyring was found.")
    assert "gnome-keyring" in tab.form.status.text
    assert tab.form.isVisible() and tab.form.save_button.isEnabled()
    assert settings.load_config(ctx.config_path).find("home") is None


def test_test_connection_success_and_refusal(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    tab.test_button.click()
    assert tab.test_button.text() == "Testing…" and not tab.test_button.isEnabled()
    run.until(lambda: not ctx.tasks.busy)
    assert tab.account_status.level is Level.SUCCESS
    assert tab.account_status.text.startswith("Connected: account 80012345")
    assert "balance" in tab.account_status.text
    ctx.secrets.set("office", "auth_token", "f" * 32)
    tab.test_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert tab.account_status.level is Level.ERROR
    assert "refused the account ID or auth token" in tab.account_status.text
    assert tab.test_button.isEnabled() and tab.test_button.text() == "Test connection"


def test_the_form_tests_what_was_typed_before_saving(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    fill_new_account(qtbot, tab, sandbox)
    tab.form.test_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert tab.form.status.text.startswith("Connected: account 80012345")
    tab.form.secret.setText("0" * 32)
    tab.form.test_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert "refused the account ID or auth token" in tab.form.status.text
    assert settings.load_config(ctx.config_path).find("home") is None  # a test saves nothing


def test_edit_keeps_the_stored_token_when_left_empty(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    tab.edit_button.click()
    form = tab.form
    assert form.heading.text() == "Edit account office" and form.name.isReadOnly()
    assert form.secret.text() == ""
    run.until(lambda: "Stored in the system keyring" in form.secret.placeholderText())
    ring = form.fields["ring_first"].widget
    ring.setText("4385550100")  # type: ignore[attr-defined]
    form.save_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert "Account office saved." in tab.account_status.text
    saved = settings.load_config(ctx.config_path)
    assert saved.default_account == "office"
    assert saved.accounts[0].settings["ring_first"] == "4385550100"
    assert ctx.secrets.get("office", "auth_token") == sandbox.auth_token


def test_set_as_default_and_remove_after_confirming(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    fill_new_account(qtbot, tab, sandbox)
    tab.form.save_button.click()
    run.until(lambda: not ctx.tasks.busy)
    tab.select("home")
    tab.default_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert settings.load_config(ctx.config_path).default_account == "home"
    assert tab.accounts.item(1, 4).text() == "✓ default"

    tab.select("office")
    tab.remove_button.click()
    assert tab.confirm.isVisible() and "office" in tab.confirm.text
    assert settings.load_config(ctx.config_path).find("office") is not None  # not yet
    tab.confirm.accept()
    run.until(lambda: not ctx.tasks.busy)
    saved = settings.load_config(ctx.config_path)
    assert [a.name for a in saved.accounts] == ["home"]
    assert ctx.secrets.source("office", "auth_token") is None
    assert tab.account_status.text == "Account office removed."
    assert tab.accounts.rowCount() == 1


def test_removing_the_last_account(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    tab = settings_tab(qtbot, run, ctx)
    tab.remove_button.click()
    tab.confirm.accept()
    run.until(lambda: not ctx.tasks.busy)
    assert settings.load_config(ctx.config_path).accounts == ()
    assert ctx.secrets.source("office", "auth_token") is None
    assert not tab.edit_button.isEnabled() and not tab.test_button.isEnabled()


def test_preferences_are_saved(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    tab = settings_tab(qtbot, run, ctx)
    tab.theme.setCurrentIndex(tab.theme.findData("dark"))
    run.until(lambda: not ctx.tasks.busy)
    assert settings.load_config(ctx.config_path).theme == "dark"
    assert ctx.config.theme == "dark"
    window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
    assert window_colour.lightness() < 100  # applied at once
    tab.theme.setCurrentIndex(tab.theme.findData("system"))
    run.until(lambda: not ctx.tasks.busy)
    assert settings.load_config(ctx.config_path).theme == "system"

    tab.sync_interval.setValue(30)
    tab.poll_interval.setValue(60)
    run.until(lambda: settings.load_config(ctx.config_path).poll_interval_s == 60)
    # The file is written off-thread before the label changes: wait for the save to settle.
    run.until(lambda: not ctx.tasks.busy)
    saved = settings.load_config(ctx.config_path)
    assert (saved.sync_interval_min, saved.poll_interval_s) == (30, 60)
    assert tab.prefs_status.text() == "Saved."

    tab.language.setCurrentIndex(tab.language.findData("fr"))
    run.until(lambda: not ctx.tasks.busy)
    assert settings.load_config(ctx.config_path).language == "fr"
    assert tab.language_note.isVisible()

    tab.default_region.setCurrentIndex(tab.default_region.findData("FR"))
    tab.add_button.click()
    assert tab.form.region.currentData() == "FR"


def test_desktop_preferences_are_saved_and_start_at_login_writes_the_autostart_entry(
    qtbot: QtBot, run: Runner, ctx: AppContext, isolated_dirs: object
) -> None:
    from pathlib import Path

    tab = settings_tab(qtbot, run, ctx)
    assert tab.close_to_tray.isChecked() and tab.notifications.isChecked()
    assert not tab.dial_links.isChecked() and not tab.start_at_login.isChecked()
    tab.dial_links.setChecked(True)
    run.until(lambda: not ctx.tasks.busy)
    tab.start_at_login.setChecked(True)
    run.until(lambda: not ctx.tasks.busy)
    config = settings.load_config(ctx.config_path)
    assert config.dial_links_immediately and config.start_at_login
    entry = Path(str(isolated_dirs)) / "xdg-config" / "autostart" / "telephony-desktop.desktop"
    assert entry.is_file() and "Exec=" in entry.read_text()
    tab.start_at_login.setChecked(False)
    run.until(lambda: not ctx.tasks.busy)
    assert not entry.exists() and not settings.load_config(ctx.config_path).start_at_login


def _system_locale(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", lang)


def test_language_choices_and_the_note_when_the_choice_needs_a_restart(
    qtbot: QtBot, run: Runner, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _system_locale(monkeypatch, "fr_CA.UTF-8")
    tab = settings_tab(qtbot, run, ctx)
    choices = [(tab.language.itemData(i), tab.language.itemText(i)) for i in range(3)]
    assert choices == [("system", "System language"), ("en", "English"), ("fr", "Français")]
    assert tab.language.count() == 3
    assert tab.language.currentData() == "system"  # the default
    assert not tab.language_note.isVisible()

    def choose(value: str) -> None:
        tab.language.setCurrentIndex(tab.language.findData(value))
        run.until(lambda: not ctx.tasks.busy)
        assert settings.load_config(ctx.config_path).language == value

    choose("en")  # the language on screen
    assert not tab.language_note.isVisible()
    choose("system")  # the desktop asks for French: the next start is in French
    assert tab.language_note.isVisible()
    choose("en")
    assert not tab.language_note.isVisible()
    _system_locale(monkeypatch, "en_CA.UTF-8")
    choose("system")  # English on this desktop too: nothing changes
    assert not tab.language_note.isVisible()


def test_settings_in_french_keep_the_languages_own_names(
    french: None, qtbot: QtBot, run: Runner, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _system_locale(monkeypatch, "en_CA.UTF-8")
    tab = settings_tab(qtbot, run, ctx)
    assert [tab.language.itemText(i) for i in range(3)] == [
        "Langue du système",
        "English",
        "Français",
    ]
    assert tab.accounts.horizontalHeaderItem(0).text() == "Compte"
    assert tab.accounts.item(0, 3).text() == "dans le trousseau de clés"
    assert tab.language_note.text() == "S'applique au prochain démarrage de l'application."
    tab.language.setCurrentIndex(tab.language.findData("fr"))
    run.until(lambda: not ctx.tasks.busy)
    assert not tab.language_note.isVisible()  # already in French
    assert tab.prefs_status.text() == "Enregistré."
    tab.language.setCurrentIndex(tab.language.findData("system"))  # English on this desktop
    run.until(lambda: not ctx.tasks.busy)
    assert tab.language_note.isVisible()


def test_the_account_forms_sentences_in_french(
    french: None, qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    tab.add_button.click()
    form = tab.form
    assert form.heading.text() == "Ajouter un compte"
    assert form.region.itemText(1) == "États-Unis (US) +1"  # region names in French too
    qtbot.keyClicks(form.name, "Office")  # names ignore case
    qtbot.keyClicks(form.account_id, sandbox.account_id)
    form.save_button.click()
    assert form.fields["auth_token"].error.text() == (
        "Entrez le jeton d'authentification : il est gardé dans le trousseau de clés du système, "
        "jamais dans le fichier de configuration."
    )
    form.test_button.click()
    assert form.fields["auth_token"].error.text() == (
        "Entrez le jeton d'authentification pour tester la connexion."
    )
    qtbot.keyClicks(form.secret, sandbox.auth_token)
    form.save_button.click()
    assert form.fields["name"].error.text() == (
        "Un compte nommé office existe déjà (les noms ignorent la casse). Choisissez un autre "
        "nom, ou modifiez ce compte."
    )
