"""Storage faults seen from the window: the History tab syncing onto a full disk says so in its
banner (the file and the fix, as the command line says it), keeps the calls it saved, and syncs
the rest once there is room."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths, settings
from telephony_desktop.store.secrets import SecretStore
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.history import HistoryTab
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner, _context
from tests.gui.test_player import MULTIMEDIA_NOISE, OFFSCREEN_NOISE, run
from tests.helpers.disks import Disks, disks

pytestmark = pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE, *OFFSCREEN_NOISE)
__all__ = ["disks", "run"]


def _account_dir() -> Path:
    return paths.data_dir() / "accounts" / "office"


@pytest.fixture
def ctx(
    run: Runner, sandbox: SandboxServer, isolated_dirs: Path, disks: Disks
) -> Iterator[AppContext]:
    """The usual `office` account, its cache on a disk with room for the schema and a page of calls."""
    disks.small(_account_dir(), "1m")
    account = settings.Account(
        name="office",
        provider="voicemeup",
        account_id=sandbox.account_id,
        base_url=sandbox.base_url,
    )
    config = settings.add_account(settings.Config(), account, make_default=True)
    secrets = SecretStore()
    secrets.set("office", "auth_token", sandbox.auth_token)
    yield from _context(run, config, secrets, account)


def test_history_sync_onto_a_full_disk(
    qtbot: QtBot, ctx: AppContext, run: Runner, sandbox: SandboxServer, disks: Disks
) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    tab = window.show_tab("history")
    assert isinstance(tab, HistoryTab)
    run.until(lambda: tab.banner.isVisible() and not ctx.tasks.busy, 30)
    assert tab.banner.level is Level.ERROR
    text = tab.banner.text
    assert "is full" in text and str(_account_dir()) in text and "Free some space" in text, text
    assert "unexpected" not in text.lower()
    saved = tab.model.rowCount()
    with sqlite3.connect(f"file:{_account_dir() / 'cache.sqlite3'}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM calls").fetchone()[0] == saved > 0

    disks.grow(_account_dir(), "64m")
    tab.sync_now()
    run.until(lambda: not tab.syncing and not ctx.tasks.busy, 30)
    run.until(lambda: tab.model.rowCount() == sandbox.state.call_count, 10)
    assert not tab.banner.isVisible() or tab.banner.level is not Level.ERROR
