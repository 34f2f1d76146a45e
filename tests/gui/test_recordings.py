"""The Recordings tab, used like a person would: filter, listen, save, delete, go offline."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from telephony_desktop.domain.numbers import display
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import media
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.common import FoldingTip
from telephony_desktop.ui.tabs.recordings import RecordingsTab
from telephony_desktop.ui.tabs.recordings.model import COL_FROM, COL_STATUS, status_text
from telephony_desktop.ui.tabs.voicemail import VoicemailTab
from telephony_desktop.ui.widgets.banner import Level
from telephony_desktop.ui.widgets.player import AudioPlayer
from tests.gui.conftest import Runner
from tests.gui.test_player import MULTIMEDIA_NOISE, run

pytestmark = pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)
__all__ = ["run"]  # the steady runner: see tests/gui/test_player.py


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, run: Runner) -> Iterator[MainWindow]:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1180, 760)
    win.show()
    run.until(lambda: not ctx.tasks.busy)  # the first tab's loading ends inside the loop
    yield win
    run.until(lambda: not ctx.tasks.busy)  # pytest-qt closes and deletes the window itself


def open_tab(window: MainWindow, run: Runner) -> RecordingsTab:
    tab = window.show_tab("recordings")
    assert isinstance(tab, RecordingsTab)
    run.until(lambda: tab.loaded and not tab.refreshing)
    return tab


def settle(ctx: AppContext, run: Runner) -> None:
    run.until(lambda: not ctx.tasks.busy)


def media_requests(sandbox: SandboxServer) -> int:
    return len(sandbox.request_log.of_type("media"))


def select_row(tab: RecordingsTab, row: int) -> str:
    tab.table.setCurrentIndex(tab.model.index(row, COL_FROM))
    item = tab.current_recording()
    assert item is not None
    return item.recording.recording_id


def shown_ids(tab: RecordingsTab) -> set[str]:
    return {tab.model.item(r).recording.recording_id for r in range(tab.model.rowCount())}  # type: ignore[union-attr]


def test_lists_the_seeded_recordings(
    window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    assert tab.model.rowCount() == 10
    assert shown_ids(tab) == {str(i) for i in sandbox.state.recordings}
    assert tab.summary.text() == "10 recordings"
    first = tab.model.item(0)
    assert first is not None
    assert tab.model.index(0, COL_FROM).data() == display(first.recording.source, "CA")
    assert tab.model.index(0, COL_STATUS).data() in ("Verified", "Unverified")
    # The same player component as the Voicemail tab.
    voicemail = window.page("voicemail")
    assert isinstance(voicemail, VoicemailTab)
    assert type(tab.player) is type(voicemail.player) is AudioPlayer
    settle(ctx, run)


def test_speaks_french(
    french: None, window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext
) -> None:
    """Built while French is the language, the tab says everything in French."""
    tab = open_tab(window, run)
    assert tab.summary.text() == "10 enregistrements"
    assert tab.model.index(0, COL_STATUS).data() in ("Vérifié", "Non vérifié")
    statuses = [tab.status_filter.itemText(i) for i in range(tab.status_filter.count())]
    assert statuses == ["Tous", "Non vérifié", "Vérifié"]
    assert tab.period_filter.itemText(0) == "Toutes les dates"
    assert tab.clear_filters_button.text() == "Effacer les filtres"
    recs = list(sandbox.state.recordings.values())
    verified = sum(1 for r in recs if r.status == "verified")
    tab.status_filter.setCurrentIndex(tab.status_filter.findText("Vérifié"))
    assert tab.summary.text() == f"Enregistrements affichés : {verified} sur 10"
    tab.clear_filters()
    select_row(tab, 0)
    assert tab.meta_label.text().split("\n")[1].startswith("Statut : ")
    assert " · appel de " in tab.meta_label.text()
    assert tab.player._play.text() == "Écouter"
    settle(ctx, run)


def test_filters(window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext) -> None:
    tab = open_tab(window, run)
    recs = list(sandbox.state.recordings.values())
    verified = {str(r.call_recording_id) for r in recs if r.status == "verified"}
    tab.status_filter.setCurrentIndex(tab.status_filter.findText("Verified"))
    assert shown_ids(tab) == verified
    assert tab.summary.text() == f"{len(verified)} of 10 recordings shown"
    assert tab.clear_filters_button.isEnabled()
    tab.status_filter.setCurrentIndex(tab.status_filter.findText("Unverified"))
    assert shown_ids(tab) == {str(r.call_recording_id) for r in recs} - verified

    # Text filter on a number, typed the way people do.
    tab.clear_filters()
    target = recs[0].destination
    typed = f"({target[:3]}) {target[3:6]}-{target[6:]}"
    tab.search.setText(typed)
    run.until(lambda: tab.model.rowCount() < 10)  # applied after a short pause in typing
    expected = {str(r.call_recording_id) for r in recs if target in (r.source, r.destination)}
    assert shown_ids(tab) == expected
    tab.search.setText("0000000000")
    run.until(lambda: tab.model.rowCount() == 0)
    assert tab.list_stack.currentWidget() is tab.empty
    assert "No recording matches" in tab.empty.text()
    tab.clear_filters_button.click()
    assert tab.model.rowCount() == 10 and tab.search.text() == ""
    assert not tab.clear_filters_button.isEnabled()

    # Date range: only "today" (sandbox clock) against the last 90 days.
    tab.set_filter(days=90)
    assert tab.model.rowCount() == 10
    tab.set_filter(days=0)
    assert all(
        tab.model.item(r).recording.recorded_at.date() >= sandbox.state.now().date()  # type: ignore[union-attr]
        for r in range(tab.model.rowCount())
    )
    settle(ctx, run)


def test_select_downloads_once_and_plays(
    window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    rec_id = select_row(tab, 0)
    assert tab.player.busy
    run.until(lambda: tab.player.path is not None)
    assert media_requests(sandbox) == 1
    tab.player._play.click()
    run.until(lambda: tab.player.position() > 0)
    tab.player.set_speed(1.25)
    assert tab.player.media_player.playbackRate() == 1.25
    stored = run(ctx.session.db.run(media.get_recording, rec_id))  # type: ignore[union-attr]
    assert stored is not None and stored.audio_path == str(tab.player.path)
    select_row(tab, 1)
    run.until(lambda: tab.player.path is not None)
    assert select_row(tab, 0) == rec_id
    run.until(lambda: tab.player.path is not None)
    assert media_requests(sandbox) == 2  # the first one came from the cache
    # A filter that keeps the selected recording keeps it selected and loaded.
    status = tab.current_recording().recording.status  # type: ignore[union-attr]
    tab.set_filter(status=status)
    assert tab.current_recording() is not None and tab.player.path is not None
    settle(ctx, run)


def test_delete_is_confirmed_inline_then_gone_everywhere(
    window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    rec_id = select_row(tab, 1)
    run.until(lambda: tab.player.path is not None)
    audio = tab.player.path
    assert audio is not None
    tab.delete_button.click()
    assert tab.confirm.isVisible() and "cannot be recovered" in tab.confirm.text
    tab.confirm.cancel_button.click()
    run.pump(0.1)
    assert sandbox.state.recordings[int(rec_id)].status != "deleted"
    tab.delete_button.click()
    tab.confirm.accept_button.click()
    run.until(lambda: tab.model.find(rec_id) is None)
    assert tab.model.rowCount() == 9 and tab.summary.text() == "9 recordings"
    assert run(ctx.session.db.run(media.get_recording, rec_id)) is None  # type: ignore[union-attr]
    assert sandbox.state.recordings[int(rec_id)].status == "deleted"
    assert not audio.exists()
    assert tab.banner.level is Level.SUCCESS
    run.until(lambda: tab.current_recording() is not None)  # the next one, ready to play
    assert tab.current_recording().recording.recording_id != rec_id  # type: ignore[union-attr]
    # And after a refresh it stays gone.
    tab.refresh()
    run.until(lambda: not tab.refreshing)
    assert tab.model.find(rec_id) is None and tab.model.rowCount() == 9
    settle(ctx, run)


def test_refresh_failure_keeps_the_cached_list(
    window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    sandbox.faults.add("get_recordings", "http_error", count=None)
    tab.refresh_button.click()
    assert not tab.refresh_button.isEnabled()
    run.until(lambda: not tab.refreshing)
    assert tab.banner.isVisible() and tab.banner.level is Level.WARNING
    assert tab.banner.text.startswith("Showing the recordings saved on this computer;")
    assert tab.banner.action == "Retry"
    assert tab.model.rowCount() == 10
    assert tab.updated_label.text() == "Offline: saved copy"
    sandbox.faults.clear()
    tab.banner.click_action()  # Retry
    assert tab.refreshing
    run.until(lambda: not tab.refreshing)
    assert not tab.banner.isVisible()
    assert tab.updated_label.text().startswith("Updated ")
    settle(ctx, run)


def test_download_writes_a_wav_file(
    window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext, tmp_path: Path
) -> None:
    tab = open_tab(window, run)
    rec_id = select_row(tab, 0)
    settle(ctx, run)
    target = tmp_path / "call.wav"
    tab.save_audio(rec_id, target)
    assert tab.action_status.text() == "Saving call.wav…" and not tab.download_button.isEnabled()
    run.until(lambda: target.exists() and tab.banner.isVisible())
    with wave.open(str(target)) as w:
        assert w.getnframes() > 0
    assert media_requests(sandbox) == 1
    assert tab.download_button.isEnabled() and tab.action_status.text() == ""
    # A folder that cannot be written: said in place, nothing crashes.
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    tab.save_audio(rec_id, blocked / "call.wav")
    run.until(lambda: tab.banner.level is Level.ERROR)
    assert "could not be saved" in tab.banner.text
    settle(ctx, run)


# --- ids behind a copy action, words for statuses, layout -------------------------------------


def test_copy_call_id_puts_the_calls_id_on_the_clipboard(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    select_row(tab, 0)
    item = tab.current_recording()
    assert item is not None and item.recording.call_hash
    button = tab.copy_id_button
    assert button.isEnabled() and button.text() == "Copy call ID"
    assert button.accessibleName() == "Copy the call's ID"
    shown = f"{tab.call_label.text()} {tab.meta_label.text()}"
    assert item.recording.call_hash not in shown and item.recording.recording_id not in shown
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == item.recording.call_hash
    settle(ctx, run)


def test_statuses_read_as_words() -> None:
    assert status_text("verified") == "Verified"
    assert status_text("Unverified") == "Unverified"
    assert status_text("pending_review") == "Pending review"  # one the app does not know
    assert status_text("no-answer") == "No answer"
    assert status_text("") == "—"


def test_messages_never_move_the_controls_and_the_tip_folds(
    window: MainWindow, run: Runner, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    select_row(tab, 0)
    run.until(lambda: tab.player.path is not None)
    run.pump()
    refresh_at = tab.refresh_button.mapTo(tab, QPoint(0, 0))
    search_at = tab.search.mapTo(tab, QPoint(0, 0))
    tab.banner.success("Recording deleted.")
    run.pump()
    assert tab.refresh_button.mapTo(tab, QPoint(0, 0)) == refresh_at
    assert tab.search.mapTo(tab, QPoint(0, 0)) == search_at
    tip = tab.findChild(FoldingTip, "recordings-tip")
    assert tip is not None and not tip.folded  # room enough at 1180×760
    window.resize(1024, window.minimumSizeHint().height())  # the tip gives its room up first
    run.pump()
    player = tab.player
    assert player.height() >= player.heightForWidth(player.width())  # never squeezed
    # Folded when cut: it paints nothing rather than half a sentence.
    width = tip.width()
    tip.resize(width, tip.heightForWidth(width) - 4)
    assert tip.folded
    tip.resize(width, tip.heightForWidth(width))
    assert not tip.folded
    settle(ctx, run)
