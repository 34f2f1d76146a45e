"""With no account, the first-run screen offers "Add account" or "Try the demo"."""

from __future__ import annotations

import asyncio
import contextlib

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.ui import startup
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.first_run import FirstRunWidget, FirstRunWindow
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
    (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunWindow)]
    return window


def test_the_buttons_emit_the_signals(qtbot: QtBot, run: Runner) -> None:
    screen = FirstRunWidget(empty_ctx())
    qtbot.addWidget(screen)
    screen.show()
    assert screen.pages.currentWidget() is screen.welcome
    with qtbot.waitSignal(screen.demo_requested, timeout=1000):
        screen.demo_button.click()
    screen.add_button.click()
    assert screen.pages.currentWidget() is screen.form_page and screen.form.isVisible()
    screen.form.cancel_button.click()  # "Back"
    assert screen.pages.currentWidget() is screen.welcome


def test_the_form_adds_an_account(qtbot: QtBot, run: Runner, sandbox: SandboxServer) -> None:
    ctx = empty_ctx()
    screen = FirstRunWidget(ctx)
    qtbot.addWidget(screen)
    screen.show()
    added: list[settings.Account] = []
    screen.account_added.connect(added.append)
    screen.add_button.click()
    form = screen.form
    qtbot.keyClicks(form.name, "office")
    qtbot.keyClicks(form.account_id, "1234")
    qtbot.keyClicks(form.secret, sandbox.auth_token)
    form.save_button.click()
    assert "exactly 8 digits" in form.fields["account_id"].error.text()
    form.account_id.setText(sandbox.account_id)
    form.advanced_toggle.click()
    form.base_url.setText(sandbox.base_url)
    form.save_button.click()
    run.until(lambda: bool(added))
    (account,) = added
    assert account.name == "office" and account.base_url == sandbox.base_url
    assert settings.load_config(ctx.config_path).default_account == "office"
    assert ctx.config.find("office") == account
    assert ctx.secrets.get("office", "auth_token") == sandbox.auth_token
    assert form.secret.text() == ""


def test_startup_opens_the_added_account(qtbot: QtBot, run: Runner, sandbox: SandboxServer) -> None:
    ctx = empty_ctx()

    async def never() -> AppContext:
        raise AssertionError("the demo was not asked for")

    async def add() -> AppContext | None:
        pending = asyncio.ensure_future(startup.first_run(ctx, start_demo=never))
        await asyncio.sleep(0.05)
        window = find_window()
        window.add_button.click()
        window.form.name.setText("office")
        window.form.account_id.setText(sandbox.account_id)
        window.form.base_url.setText(sandbox.base_url)
        window.form.secret.setText(sandbox.auth_token)
        window.form.save_button.click()
        return await pending

    opened = run(add())
    assert opened is ctx and ctx.session is not None
    assert ctx.session.account.name == "office"
    run.until(lambda: not ctx.tasks.busy)
    run(ctx.session.aclose())


def test_startup_closed_and_demo(qtbot: QtBot, run: Runner) -> None:
    ctx = empty_ctx()
    app = QApplication.instance()
    assert isinstance(app, QApplication)

    async def never() -> AppContext:
        raise AssertionError("the demo was not asked for")

    async def close() -> AppContext | None:
        pending = asyncio.ensure_future(startup.first_run(ctx, start_demo=never))
        await asyncio.sleep(0.05)
        find_window().close()
        return await pending

    app.setQuitOnLastWindowClosed(False)  # as make_application does
    try:
        assert run(close()) is None
    finally:
        app.setQuitOnLastWindowClosed(True)

    with contextlib.ExitStack() as stack:

        async def demo() -> AppContext | None:
            pending = asyncio.ensure_future(
                startup.first_run(ctx, start_demo=lambda: startup.start_demo(stack))
            )
            await asyncio.sleep(0.05)
            find_window().demo_button.click()
            return await pending

        demo_ctx = run(demo())
        assert demo_ctx is not None and demo_ctx.demo and demo_ctx.session is not None
        assert demo_ctx.session.account.name == "demo"
        run(demo_ctx.session.aclose())
