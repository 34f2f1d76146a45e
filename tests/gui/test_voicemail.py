"""The Voicemail tab, used like a person would: list, listen, mark, save, delete, go offline."""

from __future__ import annotations

import dataclasses
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from telephony_desktop.domain.numbers import display
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import media
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.dialer.tab import DialerTab
from telephony_desktop.ui.tabs.voicemail import VoicemailTab
from telephony_desktop.ui.tabs.voicemail.model import COL_CALLER, COL_NEW
from telephony_desktop.ui.theme import tone_colour
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner
from tests.gui.test_player import MULTIMEDIA_NOISE, OFFSCREEN_NOISE, fake_outputs, run

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


def open_tab(window: MainWindow, run: Runner) -> VoicemailTab:
    tab = window.show_tab("voicemail")
    assert isinstance(tab, VoicemailTab)
    run.until(lambda: tab.loaded and not tab.refreshing)
    return tab


def settle(ctx: AppContext, run: Runner) -> None:
    """Let the tab's tasks finish: nothing may be in flight when the test's loop stops."""
    run.until(lambda: not ctx.tasks.busy)


def media_requests(sandbox: SandboxServer) -> int:
    return len(sandbox.request_log.of_type("media"))


def select_row(tab: VoicemailTab, row: int) -> str:
    tab.table.setCurrentIndex(tab.model.index(row, COL_CALLER))
    item = tab.current_voicemail()
    assert item is not None
    return item.voicemail.voicemail_id


def cached(ctx: AppContext, run: Runner, voicemail_id: str) -> media.CachedVoicemail | None:
    assert ctx.session is not None
    return run(ctx.session.db.run(media.get_voicemail, voicemail_id))


def no_modal_dialog() -> bool:
    return not any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_lists_the_seeded_voicemail_new_ones_marked(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = window.page("voicemail")
    assert isinstance(tab, VoicemailTab)
    counts: list[int] = []
    tab.unread_count_changed.connect(counts.append)
    open_tab(window, run)
    assert tab.model.rowCount() == 20
    ids = {tab.model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) for r in range(20)}
    assert ids == {str(i) for i in sandbox.state.voicemails}
    new = sum(1 for v in sandbox.state.voicemails.values() if v.status == "new")
    assert new > 0 and counts[-1] == new == tab.unread_count
    assert tab.summary.text() == f"{new} new · 20 messages"
    for row in range(20):
        item = tab.model.item(row)
        assert item is not None
        dot = tab.model.index(row, COL_NEW).data()
        bold = tab.model.index(row, COL_CALLER).data(Qt.ItemDataRole.FontRole)
        if item.is_new:
            assert dot == "●" and bold is not None and bold.bold()
        else:
            assert dot == "" and bold is None
    # Caller names and formatted numbers, newest first.
    first = tab.model.item(0)
    assert first is not None
    vm = first.voicemail
    expected_caller = vm.callerid_name or tab.model.index(0, COL_CALLER).data()
    assert tab.model.index(0, COL_CALLER).data() == expected_caller
    received = [tab.model.item(r).voicemail.received_at for r in range(20)]  # type: ignore[union-attr]
    assert received == sorted(received, reverse=True)  # type: ignore[type-var]
    assert tab.details.currentIndex() == 0  # "Select a message to listen to it."
    settle(ctx, run)


def test_select_downloads_once_plays_and_marks_heard(
    window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    counts: list[int] = []
    tab.unread_count_changed.connect(counts.append)
    unread = tab.unread_count
    row = next(r for r in range(20) if tab.model.item(r).is_new)  # type: ignore[union-attr]
    vm_id = select_row(tab, row)
    assert tab.player.busy  # downloading, shown in place
    run.until(lambda: tab.player.path is not None)
    assert not tab.player.busy
    assert media_requests(sandbox) == 1
    assert tab.player.path is not None and tab.player.path.is_file()

    tab.player._play.click()
    run.until(lambda: tab.player.position() > 0)  # real playback
    run.until(lambda: not tab.model.find(vm_id).is_new)  # type: ignore[union-attr]
    stored = cached(ctx, run, vm_id)
    assert stored is not None and stored.heard_locally and not stored.is_new
    assert tab.unread_count == unread - 1 and counts[-1] == unread - 1
    assert tab.model.index(row, COL_NEW).data() == ""
    assert tab.heard_button.text() == "Mark as new"

    # Speed applies to the playing message.
    tab.player._speed.setCurrentIndex(tab.player._speed.findText("1.5×"))
    assert tab.player.media_player.playbackRate() == 1.5

    # Another message, then back: the first one is not fetched again.
    other = select_row(tab, row + 1)
    run.until(lambda: tab.player.path is not None)
    assert media_requests(sandbox) == 2
    assert select_row(tab, row) == vm_id
    run.until(lambda: tab.player.path is not None)
    assert media_requests(sandbox) == 2
    assert other != vm_id
    settle(ctx, run)


def test_mark_new_and_heard_toggle(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    row = next(r for r in range(20) if tab.model.item(r).is_new)  # type: ignore[union-attr]
    vm_id = select_row(tab, row)
    assert tab.heard_button.text() == "Mark as heard"
    tab.heard_button.click()
    run.until(lambda: not tab.model.find(vm_id).is_new)  # type: ignore[union-attr]
    assert cached(ctx, run, vm_id).heard_locally  # type: ignore[union-attr]
    assert tab.heard_button.text() == "Mark as new"
    tab.heard_button.click()
    run.until(lambda: tab.model.find(vm_id).is_new)  # type: ignore[union-attr]
    assert not cached(ctx, run, vm_id).heard_locally  # type: ignore[union-attr]
    # Heard on the phone (the provider says so): cannot be made new from here.
    heard_row = next(r for r in range(20) if not tab.model.item(r).is_new)  # type: ignore[union-attr]
    select_row(tab, heard_row)
    assert tab.heard_button.text() == "Mark as new" and not tab.heard_button.isEnabled()
    assert "heard on a phone" in tab.heard_button.toolTip()
    settle(ctx, run)


def test_select_voicemail_api_and_play(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    newest = max(sandbox.state.voicemails)
    assert tab.select_voicemail(str(newest), play=True)
    run.until(tab.player.is_playing)
    assert tab.current_voicemail().voicemail.voicemail_id == str(newest)  # type: ignore[union-attr]
    # A message the list does not have yet: the tab refreshes, then shows it.
    added = sandbox.state.add_voicemail(callerid_name="Nouveau Client")
    assert not tab.select_voicemail(str(added))
    run.until(
        lambda: (
            tab.current_voicemail() is not None
            and tab.current_voicemail().voicemail.voicemail_id == str(added)
        )
    )  # type: ignore[union-attr]
    assert tab.caller_label.text() == "Nouveau Client"
    assert tab.model.rowCount() == 21
    settle(ctx, run)


def test_delete_is_confirmed_inline_then_gone_everywhere(
    window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    vm_id = select_row(tab, 2)
    run.until(lambda: tab.player.path is not None)
    audio = tab.player.path
    assert audio is not None

    tab.delete_button.click()
    assert tab.confirm.isVisible() and "cannot be recovered" in tab.confirm.text
    assert no_modal_dialog()
    tab.confirm.cancel_button.click()  # changed my mind
    assert not tab.confirm.isVisible()
    run.pump(0.1)
    assert int(vm_id) in sandbox.state.voicemails

    tab.delete_button.click()
    tab.confirm.accept_button.click()
    run.until(lambda: tab.model.find(vm_id) is None)
    assert tab.model.rowCount() == 19
    assert cached(ctx, run, vm_id) is None
    assert int(vm_id) not in sandbox.state.voicemails
    assert not audio.exists()
    assert tab.banner.isVisible() and tab.banner.level is Level.SUCCESS
    # The next message is selected, ready to play.
    run.until(lambda: tab.current_voicemail() is not None)
    assert tab.current_voicemail().voicemail.voicemail_id != vm_id  # type: ignore[union-attr]
    settle(ctx, run)


def test_speaks_french(
    french: None, window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext
) -> None:
    """Built while French is the language, the tab says everything in French."""
    tab = open_tab(window, run)
    new = tab.unread_count
    assert new > 1  # "nouveaux": the plural the seeded mailbox needs
    assert tab.summary.text() == f"{new} nouveaux · 20 messages"
    assert tab.refresh_button.text() == "Actualiser"
    assert tab.refresh_button.toolTip() == "Vérifier s'il y a de nouveaux messages vocaux (F5)"
    header = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert header == ["", "Appelant", "Numéro", "Reçu", "Durée"]
    assert tab.table.accessibleName() == "Messages vocaux"
    select_row(tab, 0)
    assert tab.download_button.text() == "Télécharger…"
    assert tab.heard_button.text() in ("Marquer comme écouté", "Marquer comme nouveau")
    tab.ask_delete()
    assert tab.confirm.text.startswith("Supprimer le message de ")
    assert tab.confirm.accept_button.text() == "Supprimer"
    assert tab.confirm.cancel_button.text() == "Annuler"
    tab.confirm.cancel()
    sandbox.faults.add("get_voicemails", "http_error", count=None)
    tab.refresh()
    run.until(lambda: not tab.refreshing)
    assert tab.banner.text.startswith(
        "Voici les messages vocaux conservés sur cet ordinateur; votre fournisseur n'a pas pu "
        "être joint."
    )
    assert tab.banner.action == "Réessayer"
    settle(ctx, run)


def test_refresh_failure_keeps_the_cached_list(
    window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext, qtbot: QtBot
) -> None:
    tab = open_tab(window, run)
    assert not tab.banner.isVisible()
    sandbox.faults.add("get_voicemails", "http_error", count=None)
    tab.refresh_button.click()
    assert tab.refresh_button.text() == "Refreshing…" and not tab.refresh_button.isEnabled()
    run.until(lambda: not tab.refreshing)
    assert tab.banner.isVisible() and tab.banner.level is Level.WARNING
    assert tab.banner.text.startswith("Showing the voicemail saved on this computer;")
    assert tab.banner.action == "Retry"
    assert tab.model.rowCount() == 20
    assert tab.refresh_button.isEnabled() and tab.refresh_button.text() == "Refresh"

    # A new window while the provider is still down: the cached list, and why.
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show()
    second = open_tab(again, run)
    assert second.model.rowCount() == 20
    assert second.banner.isVisible() and second.banner.level is Level.WARNING
    again.close()

    sandbox.faults.clear()
    tab.refresh_button.click()
    run.until(lambda: not tab.refreshing)
    assert not tab.banner.isVisible()
    settle(ctx, run)


def test_a_refresh_while_the_tab_is_hidden_clears_the_warning(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    """The voicemail watcher refreshes the tab while another one is on screen: the saved-copy
    warning must go then too, not greet the user when they come back."""
    tab = open_tab(window, run)
    sandbox.faults.add("get_voicemails", "http_error", count=None)
    tab.refresh()
    run.until(lambda: not tab.refreshing)
    assert tab.banner.level is Level.WARNING and tab.banner.isVisible()
    window.show_tab("dialer")
    assert not tab.isVisible()
    sandbox.faults.clear()
    tab.refresh()
    run.until(lambda: not tab.refreshing)
    window.show_tab("voicemail")
    assert not tab.banner.isVisible()
    assert tab.updated_label.text().startswith("Updated ")
    settle(ctx, run)


def test_refusal_shows_the_error_and_keeps_the_list(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    sandbox.faults.add("get_voicemails", "error", code="authentication_failed", count=None)
    tab.refresh()
    run.until(lambda: not tab.refreshing)
    assert tab.banner.level is Level.ERROR and tab.banner.isVisible()
    assert tab.model.rowCount() == 20
    # The provider answers again: the refusal goes, but not a message shown since about
    # something else.
    sandbox.faults.clear()
    tab.banner.info("Saved message.wav")
    tab.refresh()
    run.until(lambda: not tab.refreshing)
    assert tab.banner.isVisible() and tab.banner.text == "Saved message.wav"
    sandbox.faults.add("get_voicemails", "error", code="authentication_failed", count=None)
    tab.refresh()
    run.until(lambda: not tab.refreshing)
    assert tab.banner.level is Level.ERROR
    sandbox.faults.clear()
    tab.refresh()
    run.until(lambda: not tab.refreshing)
    assert not tab.banner.isVisible()
    settle(ctx, run)


def test_download_writes_a_wav_file(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer, tmp_path: Path
) -> None:
    tab = open_tab(window, run)
    vm_id = select_row(tab, 0)
    run.until(lambda: tab.player.path is not None)
    target = tmp_path / "saved" / "message.wav"
    tab.save_audio(vm_id, target)  # what the "Download…" dialog calls with the chosen path
    run.until(lambda: target.exists() and tab.banner.isVisible())
    with wave.open(str(target)) as w:
        assert w.getnframes() > 0 and w.getframerate() == 8000
    assert media_requests(sandbox) == 1  # copied from the cache, not fetched again
    assert "message.wav" in tab.banner.text
    settle(ctx, run)


@pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE, *OFFSCREEN_NOISE)
def test_download_dialog_is_not_modal(window: MainWindow, run: Runner, ctx: AppContext) -> None:
    tab = open_tab(window, run)
    select_row(tab, 0)
    settle(ctx, run)
    tab.download_button.click()
    run.pump()
    dialogs = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
    ]
    assert dialogs, "a save dialog opens"
    dialog = dialogs[0]
    assert dialog.windowModality() != Qt.WindowModality.ApplicationModal
    assert dialog.windowTitle() == "Save voicemail as"
    dialog.reject()
    run.pump()
    settle(ctx, run)


def test_audio_failure_is_shown_in_place_with_retry(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    sandbox.faults.add("media", "http_error", count=None)
    select_row(tab, 0)
    run.until(lambda: bool(tab.player.error_text), timeout=15)
    assert not tab.banner.isVisible()  # in the player, where the user looks
    sandbox.faults.clear()
    tab.player._retry.click()
    run.until(lambda: tab.player.path is not None)
    assert tab.player.error_text == ""
    settle(ctx, run)


@pytest.mark.parametrize("shape", ["documented", "real"])
def test_an_audio_address_with_its_own_query_plays(
    window: MainWindow, run: Runner, sandbox: SandboxServer, ctx: AppContext, shape: str
) -> None:
    """The real engine's audio addresses carry their own query (``voicemail_file.php?id=N``):
    the credentials join it, and the message plays the same as in the documented shape."""
    if shape == "real":
        sandbox.variants.set("voicemeup", ["real"], account=sandbox.account_id)
    tab = open_tab(window, run)
    vm_id = select_row(tab, 0)
    run.until(lambda: tab.player.path is not None)
    assert tab.player.path is not None and tab.player.path.is_file()
    (fetch,) = sandbox.request_log.of_type("media")
    assert fetch.params["auth_token"] == "***"
    if shape == "real":
        assert fetch.path.endswith("/voicemail_file.php")
        assert (fetch.params["id"], fetch.params["format"]) == (vm_id, "wav")
    item = tab.current_voicemail()
    assert item is not None
    assert item.voicemail.duration_s == sandbox.state.voicemails[int(vm_id)].duration
    settle(ctx, run)


# --- call back, ids, sound device, layout, colours --------------------------------------------


def withheld(tab: VoicemailTab, row: int) -> str:
    """Make the message of ``row`` one whose caller withheld the number."""
    item = tab.model.item(row)
    assert item is not None
    vm = dataclasses.replace(item.voicemail, callerid_number="anonymous", callerid_name="")
    tab.model.update(dataclasses.replace(item, voicemail=vm))
    return vm.voicemail_id


def test_call_back_from_the_details_pane_reaches_the_dialer(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    select_row(tab, 0)
    item = tab.current_voicemail()
    assert item is not None and item.voicemail.callerid_number
    shown = display(item.voicemail.callerid_number, ctx.region)
    button = tab.call_back_button
    assert button.isEnabled() and button.accessibleName() == "Call back the caller"
    assert button.focusPolicy() != Qt.FocusPolicy.NoFocus
    assert button.toolTip() == f"Call {shown} from the Dialer"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialer = window.page("dialer")
    assert isinstance(dialer, DialerTab)
    assert window.tabs.currentWidget() is dialer  # the Dialer comes forward, as from History
    assert dialer.number.text() == shown

    # From the keyboard: the button takes the focus and Space presses it.
    dialer.number.clear()
    window.show_tab("voicemail")
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert dialer.number.text() == shown and window.tabs.currentWidget() is dialer

    # And from the row's context menu.
    dialer.number.clear()
    window.show_tab("voicemail")
    menu = tab.row_menu(1)
    assert menu is not None
    call = next(a for a in menu.actions() if a.objectName() == "voicemail-menu-call-back")
    second = tab.model.item(1)
    assert second is not None
    second_shown = display(second.voicemail.callerid_number, ctx.region)
    assert call.text() == f"Call back {second_shown}" and call.isEnabled()
    call.trigger()
    assert dialer.number.text() == second_shown
    menu.close()
    settle(ctx, run)


def test_call_back_uses_the_tabs_signal_once_wired(
    window: MainWindow, run: Runner, ctx: AppContext
) -> None:
    """Wired like History's (``call_back_requested``), the number goes through the signal."""
    tab = open_tab(window, run)
    asked: list[str] = []
    tab.call_back_requested.connect(asked.append)
    select_row(tab, 0)
    item = tab.current_voicemail()
    assert item is not None
    assert tab.call_back() and asked == [item.voicemail.callerid_number]
    settle(ctx, run)


def test_no_call_back_when_the_number_was_withheld(
    window: MainWindow, run: Runner, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    withheld(tab, 2)
    select_row(tab, 2)
    assert not tab.call_back_button.isEnabled()
    assert tab.call_back_button.toolTip() == (
        "The caller's number was withheld: there is no number to call back."
    )
    assert not tab.call_back()
    assert tab.caller_label.text() == "Unknown caller"
    menu = tab.row_menu(2)
    assert menu is not None
    actions = {a.objectName(): a for a in menu.actions()}
    assert not actions["voicemail-menu-call-back"].isEnabled()
    assert not actions["voicemail-menu-copy-number"].isEnabled()
    assert actions["voicemail-menu-play"].isEnabled()
    menu.close()
    settle(ctx, run)


def test_no_sound_device_is_said_and_a_copy_can_still_be_saved(
    window: MainWindow,
    run: Runner,
    ctx: AppContext,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outputs = fake_outputs(monkeypatch, present=False)
    tab = open_tab(window, run)
    vm_id = select_row(tab, 0)
    run.until(lambda: tab.player.path is not None)
    assert tab.player.no_sound_device
    assert "You can still save a copy with Download…" in tab.player.no_sound_device_text
    assert tab.download_button.isEnabled()
    target = tmp_path / "copy.wav"
    tab.save_audio(vm_id, target)
    run.until(lambda: target.exists() and tab.banner.isVisible())
    assert tab.banner.level is Level.SUCCESS
    outputs.plug()  # a headset plugged in while the tab is open
    assert not tab.player.no_sound_device
    settle(ctx, run)


def test_with_a_sound_device_the_player_says_nothing_of_it(
    window: MainWindow, run: Runner, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_outputs(monkeypatch, present=True)
    tab = open_tab(window, run)
    select_row(tab, 0)
    run.until(lambda: tab.player.path is not None)
    assert not tab.player.no_sound_device
    settle(ctx, run)


def test_messages_never_move_refresh_and_colours_come_from_the_theme(
    window: MainWindow, run: Runner, ctx: AppContext
) -> None:
    tab = open_tab(window, run)
    run.pump()
    refresh_at = tab.refresh_button.mapTo(tab, QPoint(0, 0))
    tab.banner.success("Voicemail deleted.")
    run.pump()
    assert tab.banner.isVisible()
    assert tab.refresh_button.mapTo(tab, QPoint(0, 0)) == refresh_at
    assert tab.banner.mapTo(tab, QPoint(0, 0)).y() > refresh_at.y()  # under the controls

    row = next(r for r in range(20) if tab.model.item(r).is_new)  # type: ignore[union-attr]
    assert tab.model.index(row, COL_NEW).data(Qt.ItemDataRole.ForegroundRole).color() == (
        tone_colour("accent")
    )
    select_row(tab, row)
    assert tab.state_label.property("tone") == "accent" and tab.state_label.font().bold()
    assert tab.state_label.styleSheet() == ""
    tab.ask_delete()
    assert tab.confirm.accept_button.property("role") == "danger"
    tab.confirm.cancel()
    settle(ctx, run)
