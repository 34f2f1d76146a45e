"""Keyring trouble at start: the window opens on the cached data, says what to fix, sends
nothing, and reconnects once the token can be read."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.sync import HistorySync
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.ui.app import build_context
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.history import HistoryTab
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner
from tests.gui.test_player import MULTIMEDIA_NOISE

pytestmark = pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)


def test_a_locked_keyring_keeps_the_cache_usable_and_reconnects(
    qtbot: QtBot, run: Runner, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from telephony_desktop.services.session import open_session

    account = settings.Account(
        name="office",
        provider="voicemeup",
        account_id=sandbox.account_id,
        base_url=sandbox.base_url,
    )
    config_path = paths.config_path()
    settings.save_config(config_path, settings.add_account(settings.Config(), account))
    secrets = SecretStore()
    secrets.set("office", "auth_token", sandbox.auth_token)
    first = run(open_session(account, secrets))  # an earlier day: the history was synced
    run(HistorySync(first.db, first.client).run())
    run(first.aclose())

    working = keyring.get_keyring()
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    ctx = run(build_context(config_path=config_path, account=None, lang="en", demo=False))
    assert ctx.session is not None and ctx.session.secret_problem is not None
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.banner.level is Level.ERROR
    assert "keyring" in window.banner.text.lower() and "cached" in window.banner.text
    history = window.show_tab("history")
    assert isinstance(history, HistoryTab)
    run.until(lambda: history.model.rowCount() > 0)  # the cache, offline
    before = len(sandbox.request_log)
    history.sync_now()
    run.until(lambda: not ctx.tasks.busy)
    assert len(sandbox.request_log) == before  # nothing was sent without the token

    window.retry_secret()  # still locked: says so again
    run.until(lambda: not ctx.tasks.busy)
    assert window.banner.level is Level.ERROR

    monkeypatch.setattr(keyring, "get_keyring", lambda: working)  # unlocked
    window.retry_secret()
    run.until(lambda: not ctx.tasks.busy)
    assert window.banner.level is Level.SUCCESS
    assert ctx.session.secret_problem is None
    history.sync_now()
    run.until(lambda: not ctx.tasks.busy)
    assert len(sandbox.request_log) > before
    window.quit_app()
    run(ctx.tasks.cancel_all())
    run(ctx.aclose())
