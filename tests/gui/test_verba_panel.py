"""Recordings from Verba, like an agent: find the call of an extension, play it at speed, save a
copy, open it in Verba."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import formats
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.tabs.recordings import RecordingsTab, verba_panel
from telephony_desktop.ui.tabs.recordings.verba_panel import VerbaPanel, which_call
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner
from tests.gui.test_player import MULTIMEDIA_NOISE

pytestmark = pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)


class UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


def panel(qtbot: QtBot, run: Runner, ctx: AppContext) -> tuple[RecordingsTab, VerbaPanel]:
    tab = RecordingsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1100, 760)
    tab.show()
    run.until(lambda: not ctx.tasks.busy)
    assert tab.verba is not None
    return tab, tab.verba


def find(qtbot: QtBot, run: Runner, ctx: AppContext, verba: VerbaPanel, ext: str, i: int) -> None:
    verba.extension.clear()
    qtbot.keyClicks(verba.extension, ext)
    verba.status.setCurrentIndex(i)
    qtbot.keyClick(verba.extension, Qt.Key.Key_Return)
    run.until(lambda: not ctx.tasks.busy)


def test_no_verba_account_no_panel(qtbot: QtBot, run: Runner, ctx: AppContext) -> None:
    tab = RecordingsTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    run.until(lambda: not ctx.tasks.busy)
    assert tab.verba is None


def test_find_play_and_open_the_last_call_of_an_extension(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext, sandbox: SandboxServer, tmp_path: Path
) -> None:
    _tab, verba = panel(qtbot, run, providers_ctx)
    assert not verba.open_button.isEnabled() and not verba.player.isVisible()
    find(qtbot, run, providers_ctx, verba, "8856", 0)  # last finished call
    found = verba.found
    assert found is not None and found.extension == "8856"
    # Words, not Verba's UUID: the extension, which call, when it was found.
    assert verba.found_at is not None
    when = formats.clock(verba.found_at)
    assert verba.result.text() == f"Extension 8856 · Last finished call · found at {when}"
    assert found.call_id not in verba.result.text()
    assert verba.open_button.isEnabled() and verba.player.isVisible()
    assert found.call_id not in verba.player.accessibleDescription()
    assert verba.copy_id_button.isEnabled()
    assert verba.copy_id_button.accessibleName() == "Copy the Verba call ID"
    qtbot.mouseClick(verba.copy_id_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == found.call_id
    assert verba.message.text == "Call ID copied." and verba.message.level is Level.SUCCESS

    verba.player.set_speed(1.5)
    run.until(lambda: verba.player.path is not None)  # fetched once found, ready to play
    verba.play()
    run.until(lambda: not providers_ctx.tasks.busy)
    assert verba.player.path is not None
    assert verba.player.path.read_bytes()[:4] == b"RIFF"
    assert verba.player.playback_rate() == 1.5
    media = sandbox.request_log.of_type("verba.GetMedia")
    verba.play()  # again: from the kept file, no second download
    run.until(lambda: not providers_ctx.tasks.busy)
    assert len(sandbox.request_log.of_type("verba.GetMedia")) == len(media) == 1

    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("http", catcher, "open")
    try:
        verba.open_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("http")
    assert catcher.urls == [found.url]

    target = tmp_path / "copy.wav"
    verba.save_audio(target)
    run.until(lambda: not providers_ctx.tasks.busy)
    assert target.read_bytes()[:4] == b"RIFF"
    assert verba.message.level is Level.SUCCESS


def test_ongoing_else_next_and_errors_in_place(
    qtbot: QtBot, run: Runner, providers_ctx: AppContext, sandbox: SandboxServer
) -> None:
    _tab, verba = panel(qtbot, run, providers_ctx)
    find(qtbot, run, providers_ctx, verba, "2001", 3)  # ongoing, else next
    assert verba.found is not None and verba.found.status == ("ongoing", "next")
    assert verba.result.text().startswith("Extension 2001 · Ongoing, else next · found at ")
    found_row = verba.result.mapTo(verba, QPoint(0, 0))
    find(qtbot, run, providers_ctx, verba, "2999", 1)  # two ongoing calls
    assert verba.message.level is Level.ERROR
    assert "more than one" in verba.message.text.lower() or "narrow" in verba.message.text.lower()
    assert verba.result.mapTo(verba, QPoint(0, 0)) == found_row  # the message moved nothing
    qtbot.keyClicks(verba.extension, "1")  # the input changed: the error no longer applies
    assert verba.message.text == ""
    before = len(sandbox.request_log.of_type("verba.GetCallID"))
    find(qtbot, run, providers_ctx, verba, "", 0)  # nothing typed: said before sending
    assert verba.message.level is Level.ERROR and "extension" in verba.message.text.lower()
    assert len(sandbox.request_log.of_type("verba.GetCallID")) == before
    assert verba.result.mapTo(verba, QPoint(0, 0)) == found_row


def test_which_call_reads_as_the_list_says() -> None:
    assert which_call(("last",)) == "Last finished call"
    assert which_call(("ongoing", "next")) == "Ongoing, else next"
    assert which_call(("next", "last")) == "Next call (within a minute) / Last finished call"


def test_speaks_french(
    french: None,
    qtbot: QtBot,
    run: Runner,
    providers_ctx: AppContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Built while French is the language, the panel says everything in French."""
    _tab, verba = panel(qtbot, run, providers_ctx)
    assert verba.title() == "Trouver l'enregistrement d'un appel dans Verba"
    assert verba.find_button.text() == "Trouver l'enregistrement"
    assert verba.extension.placeholderText() == "Poste ou numéro, p. ex. 8856"
    find(qtbot, run, providers_ctx, verba, "8856", 0)  # last finished call
    found = verba.found
    assert found is not None
    assert verba.found_at is not None
    when = formats.clock(verba.found_at)
    assert verba.result.text() == f"Poste 8856 · Dernier appel terminé · trouvé à {when}"
    assert verba.copy_id_button.text() == "Copier l'ID d'appel"
    run.until(lambda: verba.player.path is not None)
    # The account gone meanwhile: the error says so in French.
    monkeypatch.setattr(verba_panel, "verba_account", lambda _ctx: None)
    with pytest.raises(TelephonyError) as raised:
        run(verba._service())
    assert raised.value.user_message() == (
        "Aucun compte Verba n'est configuré : ajoutez-en un dans Paramètres."
    )
