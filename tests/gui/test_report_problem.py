"""Help → "Report a problem…" and "Open log folder", and the crash banner: the bundle is written
off the Qt thread from a dialog opened without a nested event loop, and holds no secret."""

from __future__ import annotations

import asyncio
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from telephony_desktop import diagnostics
from telephony_desktop.demo import demo_accounts
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import paths
from telephony_desktop.ui import report
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.errors import install_loop_handler
from telephony_desktop.ui.main_window import MainWindow
from tests.gui.conftest import Runner


def _window(qtbot: QtBot, ctx: AppContext, run: Runner) -> tuple[MainWindow, list[QUrl]]:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    run.until(lambda: not ctx.tasks.busy)  # the tabs' first loads
    opened: list[QUrl] = []
    window.reporter.opener = lambda url: opened.append(url) or True
    return window, opened


def test_report_a_problem_writes_the_bundle_off_the_qt_thread(
    qtbot: QtBot,
    providers_ctx: AppContext,
    run: Runner,
    sandbox: SandboxServer,
    isolated_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    diagnostics.setup_logging(paths.log_dir())
    window, opened = _window(qtbot, providers_ctx, run)
    threads: list[threading.Thread] = []
    real_write = report.write_bundle

    def spying_write(*args: Any, **kwargs: Any) -> Path:
        threads.append(threading.current_thread())
        return real_write(*args, **kwargs)

    monkeypatch.setattr(report, "write_bundle", spying_write)
    help_menu = window.menuBar().actions()[-1]
    assert help_menu.text() == "&Help"
    assert window.report_action in help_menu.menu().actions()

    window.report_action.trigger()  # returns at once: the dialog is open(), not exec()
    dialog = window.reporter.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.selectedFiles()[0].endswith(".zip")
    window.report_action.trigger()  # a second click does not open a second dialog
    assert window.reporter.dialog is dialog

    target = isolated_dirs / "support" / "problem.zip"
    dialog.fileSelected.emit(str(target))  # what choosing a file and Save does
    dialog.reject()
    run.until(lambda: window.reporter.last_bundle is not None)
    assert window.reporter.dialog is None
    assert threads and threads[0] is not threading.main_thread()
    assert target.is_file()
    assert str(target) in window.banner.text
    window.banner._action.click()  # "Open folder"
    assert opened == [QUrl.fromLocalFile(str(target.parent))]

    with zipfile.ZipFile(target) as archive:
        files = {n: archive.read(n).decode() for n in archive.namelist()}
    assert "Platform plugin:   offscreen" in files["about.txt"]
    assert "Qt runtime:" in files["about.txt"] and "Screens:" in files["about.txt"]
    assert "demo/auth_token: keyring" in files["secrets.txt"]
    assert "recorder/password: keyring" in files["secrets.txt"]
    assert f"log/{diagnostics.LOG_FILE_NAME}" in files
    for _account, secrets in demo_accounts(sandbox):
        for value in secrets.values():
            for name, text in files.items():
                assert value not in text, f"a secret was found in {name}"
    assert sandbox.truecnam.username not in files["settings.toml"]


def test_open_log_folder(qtbot: QtBot, ctx: AppContext, run: Runner) -> None:
    window, opened = _window(qtbot, ctx, run)
    window.log_folder_action.trigger()
    assert opened == [QUrl.fromLocalFile(str(paths.log_dir()))]
    assert paths.log_dir().is_dir()


def test_an_unexpected_error_writes_a_crash_report_and_says_where(
    qtbot: QtBot, ctx: AppContext, run: Runner
) -> None:
    window, _opened = _window(qtbot, ctx, run)
    loop = run.loop
    test_handler = loop.get_exception_handler()
    install_loop_handler(loop, window.show_unexpected)

    async def buggy() -> None:
        raise ZeroDivisionError("a bug")

    try:
        ctx.tasks.start(buggy(), name="buggy")
        run.until(lambda: window.banner.isVisible())
    finally:
        loop.set_exception_handler(test_handler)
    reports = diagnostics.crash_reports(paths.log_dir())
    assert len(reports) == 1 and "ZeroDivisionError" in reports[0].read_text()
    assert "Something unexpected went wrong (ZeroDivisionError)" in window.banner.text
    assert str(reports[0]) in window.banner.text
    run(asyncio.sleep(0))


def test_the_crash_sentence_in_french(french: None, tmp_path: Path) -> None:
    from telephony_desktop.ui.errors import report_crash

    try:
        raise KeyError("a bug")
    except KeyError as exc:
        text = report_crash(exc, message="a test", log_dir=tmp_path)
    reports = diagnostics.crash_reports(tmp_path)
    assert len(reports) == 1
    assert text == (
        "Une erreur inattendue s'est produite (KeyError). Les détails sont dans le journal; "
        f"utilisez « Signaler un problème » pour nous l'envoyer. Un rapport d'incident a été "
        f"enregistré : {reports[0]}"
    )
