"""With no account, the first-run screen offers "Add account" or "Try the demo"."""

from __future__ import annotations

import asyncio

from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.ui.app import first_run
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.first_run import FirstRunWindow
from tests.gui.conftest import Runner


def empty_ctx() -> AppContext:
    config_path = paths.config_path()
    return AppContext(
        config_path=config_path,
        config=settings.Config(),
        secrets=SecretStore(),
        ui_state=UiState(config_path.parent / "ui-state.ini"),
    )


def find_window() -> FirstRunWindow:
    from PySide6.QtWidgets import QApplication

    (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunWindow)]
    return window


def test_try_the_demo(qtbot: QtBot, run: Runner) -> None:
    ctx = empty_ctx()

    async def choose() -> str:
        pending = asyncio.ensure_future(first_run(ctx))
        await asyncio.sleep(0.05)
        find_window().demo_button.click()
        return await pending

    assert run(choose()) == "demo"


def test_add_an_account(qtbot: QtBot, run: Runner, sandbox: SandboxServer) -> None:
    ctx = empty_ctx()

    async def add() -> str:
        pending = asyncio.ensure_future(first_run(ctx))
        await asyncio.sleep(0.05)
        window = find_window()
        window.add_button.click()
        window.form.name.setText("office")
        window.form.account_id.setText(sandbox.account_id)
        window.form.base_url.setText(sandbox.base_url)
        window.form.secret.setText(sandbox.auth_token)
        window.form.save_button.click()
        return await pending

    assert run(add()) == "account"
    run.until(lambda: not ctx.tasks.busy)
    saved = settings.load_config(ctx.config_path)
    assert saved.default_account == "office"
    assert ctx.secrets.get("office", "auth_token") == sandbox.auth_token
