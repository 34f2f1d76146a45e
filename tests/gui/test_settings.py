"""The Settings tab like a user: accounts added, tested, removed; preferences saved."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import settings
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.tabs.settings import SettingsTab
from tests.gui.conftest import Runner


def settings_tab(qtbot: QtBot, run: Runner, ctx: AppContext) -> SettingsTab:
    tab = SettingsTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    run.until(lambda: not ctx.tasks.busy)
    return tab


def test_add_an_account_with_its_token_in_the_keyring(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    tab.add_button.click()
    qtbot.keyClicks(tab.form.name, "home")
    qtbot.keyClicks(tab.form.account_id, "8001234")  # one digit short
    tab.form.secret.setText(sandbox.auth_token)
    tab.form.save_button.click()
    assert "8 digits" in tab.form.error.text()
    qtbot.keyClicks(tab.form.account_id, "5")
    tab.form.base_url.setText(sandbox.base_url)
    tab.form.save_button.click()
    run.until(lambda: not ctx.tasks.busy)
    assert "home saved" in tab.banner.text
    on_disk = settings.load_config(ctx.config_path)
    assert [a.name for a in on_disk.accounts] == ["office", "home"]
    assert sandbox.auth_token not in ctx.config_path.read_text()
    assert ctx.secrets.get("home", "auth_token") == sandbox.auth_token
    assert tab.accounts.rowCount() == 2


def test_test_connection_success_and_refusal(
    qtbot: QtBot, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = settings_tab(qtbot, run, ctx)
    tab.test_connection()
    run.until(lambda: not ctx.tasks.busy)
    assert tab.banner.text.startswith("Connected: account 80012345")
    ctx.secrets.set("office", "auth_token", "f" * 32)
    tab.test_connection()
    run.until(lambda: not ctx.tasks.busy)
    assert "refused the account ID or auth token" in tab.banner.text


def test_remove_an_account_after_confirming(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    tab = settings_tab(qtbot, run, ctx)
    tab.remove_button.click()
    assert tab.confirm.isVisible() and "office" in tab.confirm.text
    tab.confirm.accept()
    run.until(lambda: not ctx.tasks.busy)
    assert settings.load_config(ctx.config_path).accounts == ()
    assert ctx.secrets.source("office", "auth_token") is None


def test_preferences_are_saved(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    tab = settings_tab(qtbot, run, ctx)
    tab.theme.setCurrentIndex(tab.theme.findData("dark"))
    run.until(lambda: not ctx.tasks.busy)
    assert settings.load_config(ctx.config_path).theme == "dark"
    window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
    assert window_colour.lightness() < 100  # applied at once
    tab.theme.setCurrentIndex(tab.theme.findData("system"))
    run.until(lambda: not ctx.tasks.busy)
    assert settings.load_config(ctx.config_path).theme == "system"
