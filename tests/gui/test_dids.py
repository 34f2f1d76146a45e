"""The Numbers tab, used like a person would: read routing, edit a number, make mistakes, order."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import DidUpdate
from telephony_desktop.providers.voicemeup import params
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services import did_form
from telephony_desktop.store import directory
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.dids import DidsTab
from telephony_desktop.ui.tabs.dids.model import COL_NAME, COL_ROUTING
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner

T = TypeVar("T")


class SteadyRunner(Runner):
    """``Runner`` driven by ``run_forever`` + ``stop``: qasync's ``run_until_complete`` pumps Qt
    events once more after unsetting the running loop, and an HTTP reply landing then fails."""

    def __call__(self, coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        future = asyncio.ensure_future(asyncio.wait_for(coro, timeout), loop=self.loop)
        future.add_done_callback(lambda _f: self.loop.stop())
        self.loop.run_forever()
        return future.result()


@pytest.fixture
def run(run: Runner) -> Runner:
    return SteadyRunner(run.loop)


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, run: Runner) -> Iterator[MainWindow]:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1180, 760)
    win.show()
    run.until(lambda: not ctx.tasks.busy)  # the first tab's loading ends inside the loop
    yield win
    run.until(lambda: not ctx.tasks.busy)  # pytest-qt closes and deletes the window itself


def open_tab(window: MainWindow, run: Runner) -> DidsTab:
    tab = window.show_tab("dids")
    assert isinstance(tab, DidsTab)
    run.until(lambda: tab.loaded and not tab.refreshing)
    return tab


def settle(ctx: AppContext, run: Runner) -> None:
    run.until(lambda: not ctx.tasks.busy)


def no_modal_dialog() -> bool:
    return not any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())


def row_of_number(tab: DidsTab, number: str) -> int:
    for row in range(tab.model.rowCount()):
        did = tab.model.did(row)
        if did is not None and did.phone_number == number:
            return row
    raise AssertionError(number)


def select(tab: DidsTab, number: str) -> str:
    row = row_of_number(tab, number)
    tab.table.setCurrentIndex(tab.model.index(row, COL_NAME))
    did = tab.current_did()
    assert did is not None and did.phone_number == number
    return did.did_id


def type_into(qtbot: QtBot, edit: Any, text: str) -> None:
    """Replace the field's text as a person would: select all, erase, type (accents too:
    ``QTest.keyClicks`` only knows ASCII, so each character is sent as a key event's text)."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                edit, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def params_message(field: str, update: DidUpdate) -> str:
    """The sentence the vendor-table check gives (the form must show the same one)."""
    with pytest.raises(InputError) as info:
        params.set_did("31005", update)
    assert info.value.field == field
    return did_form.field_message(info.value)


def cached_dids(ctx: AppContext, run: Runner) -> dict[str, Any]:
    assert ctx.session is not None
    return {d.phone_number: d for d in run(ctx.session.db.run(directory.list_dids))}


def test_lists_numbers_with_routing_in_words(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    assert tab.model.rowCount() == len(sandbox.state.dids) == 8
    night = row_of_number(tab, "5145550101")
    assert tab.model.index(night, 0).data() == "(514) 555-0101"
    assert tab.model.index(night, COL_NAME).data() == "Ligne de nuit"
    routing = tab.model.index(night, COL_ROUTING).data()
    assert routing.startswith("Forward to (514) 555-0142 after 25 s · Voicemail box 7001")
    front = tab.model.index(row_of_number(tab, "5145550100"), COL_ROUTING).data()
    assert "Rings 2 devices for 20 s" in front and front.endswith("Recorded")
    toronto = row_of_number(tab, "4165550107")
    assert tab.model.index(toronto, 3).data() == "Disabled"
    assert tab.summary.text() == "8 numbers · 1 disabled"
    # Nothing selected: a hint, no form.
    assert tab.details.currentIndex() == 0
    # Peers and mailboxes were fetched and cached for the form.
    assert ctx.session is not None
    assert len(run(ctx.session.db.run(directory.list_peers))) == 5
    assert len(run(ctx.session.db.run(directory.list_mailboxes))) == 3
    settle(ctx, run)


def test_edit_name_and_forwarding_reads_back_everywhere(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    did_id = select(tab, "4505550104")  # "Ventes Rive Nord", forwards to 450-555-0155 after 20 s
    assert tab.details.currentIndex() == 1
    assert tab.name_edit.text() == "Ventes Rive Nord"
    assert tab.forward_check.isChecked() and tab.forward_edit.text() == "(450) 555-0155"
    assert not tab.save_button.isEnabled()  # nothing changed yet

    type_into(qtbot, tab.name_edit, "Ventes Laval")
    type_into(qtbot, tab.forward_edit, "(514) 555-0177")
    tab.forward_timeout.setCurrentIndex(tab.forward_timeout.findData("30"))
    tab.voicemail_check.setChecked(True)
    tab.mailbox_combo.setCurrentIndex(tab.mailbox_combo.findData("7002"))
    assert tab.has_draft(did_id) and tab.save_button.isEnabled()
    assert "Unsaved changes" in tab.dirty_label.text()

    tab.save_button.click()
    assert tab.is_saving() and tab.save_button.text() == "Saving…"
    run.until(lambda: not tab.is_saving())
    assert tab.form_banner.level is Level.SUCCESS and "Saved" in tab.form_banner.text

    stored = sandbox.state.dids[int(did_id)]
    assert stored.friendly_name == "Ventes Laval"
    assert stored.forward_number == "5145550177" and stored.forward_timeout == "30"
    assert stored.client_mailbox_id == "7002"
    assert stored.options == ["enable_forwarding", "enable_voicemail"]
    sent = sandbox.request_log.of_type("set_did")
    assert len(sent) == 1
    row = row_of_number(tab, "4505550104")
    assert tab.model.index(row, COL_NAME).data() == "Ventes Laval"
    routing = tab.model.index(row, COL_ROUTING).data()
    assert routing.startswith("Forward to (514) 555-0177 after 30 s · Voicemail box 7002")
    cached = cached_dids(ctx, run)["4505550104"]
    assert cached.friendly_name == "Ventes Laval" and cached.forward_number == "5145550177"
    # The form reads back what the provider now has, with no draft left.
    assert not tab.has_draft(did_id) and tab.name_edit.text() == "Ventes Laval"
    assert not tab.save_button.isEnabled()
    assert no_modal_dialog()
    settle(ctx, run)


def test_invalid_input_is_said_next_to_the_field_and_nothing_is_sent(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    did_id = select(tab, "4505550104")
    before = len(sandbox.request_log.of_type("set_did"))

    type_into(qtbot, tab.name_edit, "x")
    tab.save_button.click()
    name_error = tab.errors["friendly_name"]
    assert name_error.isVisible()
    assert name_error.text() == params_message("friendly_name", DidUpdate(friendly_name="x"))

    type_into(qtbot, tab.name_edit, "Ventes")
    assert not name_error.isVisible()  # fixing the field clears its message
    type_into(qtbot, tab.forward_edit, "12")
    tab.save_button.click()
    fwd_error = tab.errors["forward_number"]
    assert fwd_error.isVisible()
    assert fwd_error.text() == params_message("forward_number", DidUpdate(forward_number="12"))
    assert tab.forward_edit.hasFocus()

    # Forwarding on with no number, devices on with none ticked: said before sending too.
    tab.forward_edit.clear()
    tab.forward_edit.textEdited.emit("")
    tab.save_button.click()
    assert tab.errors["forward_number"].text() == "Enter the number to forward calls to."
    tab.forward_check.setChecked(False)
    tab.peers_check.setChecked(True)
    tab.save_button.click()
    assert tab.errors["client_peer_ids"].text() == "Tick at least one device to ring."

    assert len(sandbox.request_log.of_type("set_did")) == before
    assert tab.name_edit.text() == "Ventes" and tab.has_draft(did_id)
    # Revert forgets the draft and shows the number as it is.
    tab.revert_button.click()
    assert not tab.has_draft(did_id) and tab.name_edit.text() == "Ventes Rive Nord"
    assert tab.forward_edit.text() == "(450) 555-0155" and tab.forward_check.isChecked()
    settle(ctx, run)


def test_ring_devices_from_the_peer_list(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    did_id = select(tab, "5145550101")  # forwards; no devices
    assert not tab.peers_list.isEnabled()
    tab.peers_check.setChecked(True)
    assert tab.peers_list.isEnabled() and tab.peers_list.count() == 5
    for row in (0, 2):
        tab.peers_list.item(row).setCheckState(Qt.CheckState.Checked)
    assert tab.peers_count.text() == "2 of at most 5 ticked"
    tab.peer_timeout.setCurrentIndex(tab.peer_timeout.findData("15"))
    tab.recording_check.setChecked(True)
    tab.save_button.click()
    run.until(lambda: not tab.is_saving())
    stored = sandbox.state.dids[int(did_id)]
    assert "enable_peer" in stored.options and "enable_recording" in stored.options
    assert len(stored.client_peer_ids) == 2 and stored.peer_timeout == "15"
    routing = tab.model.index(row_of_number(tab, "5145550101"), COL_ROUTING).data()
    assert "Rings 2 devices for 15 s" in routing and routing.endswith("Recorded")
    settle(ctx, run)


def test_draft_survives_a_lost_answer_and_switching_numbers(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    did_id = select(tab, "4505550104")
    type_into(qtbot, tab.name_edit, "Ventes Laval")
    sandbox.faults.add("set_did", "reset", apply_effect=False)
    tab.save_button.click()
    run.until(lambda: not tab.is_saving())
    assert tab.form_banner.level is Level.ERROR
    assert "may or may not have gone through" in tab.form_banner.text
    assert tab.name_edit.text() == "Ventes Laval" and tab.has_draft(did_id)
    assert len(sandbox.request_log.of_type("set_did")) == 1  # never retried
    assert sandbox.state.dids[int(did_id)].friendly_name == "Ventes Rive Nord"

    select(tab, "5145550100")
    assert tab.name_edit.text() == "Réception principale"
    select(tab, "4505550104")
    assert tab.name_edit.text() == "Ventes Laval"  # the draft is still there
    tab.save_button.click()  # the user decides to send it again
    run.until(lambda: not tab.is_saving())
    assert sandbox.state.dids[int(did_id)].friendly_name == "Ventes Laval"
    settle(ctx, run)


def test_provider_refusal_lands_on_the_field(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    select(tab, "4505550104")
    type_into(qtbot, tab.forward_edit, "514 555 0100")  # one of the account's own numbers
    tab.save_button.click()
    run.until(lambda: not tab.is_saving())
    assert tab.errors["forward_number"].isVisible()
    assert not tab.form_banner.isVisible()  # said once, under the field, not again below
    assert tab.forward_edit.text() == "514 555 0100"
    type_into(qtbot, tab.forward_edit, "514 555 0177")
    assert not tab.errors["forward_number"].isVisible()  # about the number no longer there
    settle(ctx, run)


def test_search_inventory_and_order_with_confirmation(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    # A bad NPA is said in place; nothing is sent.
    tab.npa_edit.setText("51")
    tab.search_button.click()
    assert tab.inventory_error.isVisible()
    with pytest.raises(InputError) as info:
        params.get_did_inventory(type="local", npa="51")
    assert tab.inventory_error.text() == did_form.field_message(info.value)
    assert not sandbox.request_log.of_type("get_did_inventory")

    tab.npa_edit.setText("514")
    tab.nxx_edit.setText("555")
    tab.search_button.click()
    run.until(lambda: not tab.searching)
    expected = sorted(i.phone_number for i in sandbox.state.inventory.values() if i.npa == "514")
    assert tab.results.count() == len(expected) > 0
    assert "Montréal, QC · Local" in tab.results.item(0).text()
    assert not tab.order_button.isEnabled()

    tab.results.setCurrentRow(0)
    item = tab.selected_result()
    assert item is not None
    tab.order_button.click()
    assert tab.order_confirm.isVisible() and no_modal_dialog()
    assert "(514) 555-" in tab.order_confirm.text and "bill" in tab.order_confirm.text
    assert not sandbox.request_log.of_type("order_did")  # nothing before the confirmation
    tab.order_confirm.cancel_button.click()
    assert not tab.order_confirm.isVisible() and not sandbox.request_log.of_type("order_did")

    tab.order_button.click()
    tab.order_confirm.confirm_button.click()
    run.until(lambda: not tab.ordering)
    assert len(sandbox.request_log.of_type("order_did")) == 1
    assert sandbox.state.did_by_number(item.phone_number) is not None
    assert tab.model.rowCount() == 9
    current = tab.current_did()
    assert current is not None and current.phone_number == item.phone_number
    assert tab.inventory_banner.level is Level.SUCCESS
    assert tab.results.count() == len(expected) - 1
    settle(ctx, run)


def test_toll_free_search_ignores_area_code(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.type_combo.setCurrentIndex(tab.type_combo.findData("tollfree"))
    assert not tab.npa_edit.isEnabled()
    tab.search_button.click()
    run.until(lambda: not tab.searching)
    assert tab.results.count() == 6
    settle(ctx, run)


def test_cached_numbers_stay_when_the_provider_is_unreachable(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    sandbox.faults.add("get_dids", "http_error", count=10)
    tab.refresh()
    run.until(lambda: not tab.refreshing)
    assert tab.model.rowCount() == 8
    assert tab.banner.isVisible() and tab.banner.level is Level.WARNING
    assert "saved on this computer" in tab.banner.text
    settle(ctx, run)


def test_the_tab_reads_in_french(
    french: None, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    headers = [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Numéro", "Nom", "Quand quelqu'un appelle", "Statut"]
    assert tab.summary.text() == "8 numéros · 1 désactivé"
    assert tab.model.index(row_of_number(tab, "4165550107"), 3).data() == "Désactivé"
    select(tab, "5145550101")  # forwards; no devices ticked
    assert tab.peers_count.text() == "0 coché sur 5 au maximum"  # French counts 0 as one
    assert tab.save_button.text() == "Enregistrer les modifications"
    assert tab.order_button.text() == "Commander…"
    assert tab.peers_list.accessibleName() == "Appareils à faire sonner"
    settle(ctx, run)


# --- stale messages, steady layout, theme colours (issue 16.6) ---------------------------------


def test_messages_about_what_the_user_changed_go(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    select(tab, "4505550104")
    type_into(qtbot, tab.name_edit, "Ventes Laval")
    tab.save_button.click()
    run.until(lambda: not tab.is_saving())
    assert tab.form_banner.isVisible() and tab.form_banner.level is Level.SUCCESS
    type_into(qtbot, tab.name_edit, "Ventes Laval 2")  # "Saved" is about the form as it was
    assert not tab.form_banner.isVisible()

    sandbox.faults.add("set_did", "reset", apply_effect=False)
    tab.save_button.click()
    run.until(lambda: not tab.is_saving())
    assert tab.form_banner.level is Level.ERROR and tab.form_banner.isVisible()
    tab.voicemail_check.setChecked(not tab.voicemail_check.isChecked())
    assert not tab.form_banner.isVisible()

    # The number search: its error goes when the area code is edited, as does "no match".
    tab.npa_edit.setText("51")
    tab.search_button.click()
    assert tab.inventory_error.isVisible()
    type_into(qtbot, tab.npa_edit, "514")
    assert not tab.inventory_error.isVisible()
    tab.nxx_edit.setText("999")
    tab.search_button.click()
    run.until(lambda: not tab.searching)
    assert tab.results.count() == 0 and "No numbers match" in tab.results_hint.text()
    type_into(qtbot, tab.nxx_edit, "555")
    assert tab.results_hint.text() == "Search to see numbers you can order."
    sandbox.faults.add("get_did_inventory", "http_error", count=10)
    tab.search_button.click()
    run.until(lambda: not tab.searching)
    assert tab.inventory_banner.isVisible() and tab.inventory_banner.level is Level.ERROR
    type_into(qtbot, tab.nxx_edit, "55")
    assert not tab.inventory_banner.isVisible()
    settle(ctx, run)


def test_the_form_does_not_move_when_messages_appear(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    select(tab, "4505550104")

    def where() -> list[tuple[int, int]]:
        run.pump()  # let the layout settle
        watched = [
            tab.save_button,
            tab.revert_button,
            tab.name_edit,
            tab.forward_edit,
            tab.mailbox_combo,
            tab.recording_check,
        ]
        return [(p.x(), p.y()) for p in (w.mapTo(window, w.rect().topLeft()) for w in watched)]

    before = where()
    type_into(qtbot, tab.name_edit, "x")  # "Unsaved changes" appears: it has its room
    assert tab.dirty_label.text() and where() == before
    tab.save_button.click()
    assert tab.errors["friendly_name"].isVisible() and where() == before
    type_into(qtbot, tab.forward_edit, "12")
    type_into(qtbot, tab.name_edit, "Ventes")
    tab.save_button.click()
    assert tab.errors["forward_number"].isVisible() and where() == before
    type_into(qtbot, tab.forward_edit, "(514) 555-0177")
    tab.save_button.click()
    assert tab.save_button.text() == "Saving…" and where() == before
    run.until(lambda: not tab.is_saving())
    assert tab.form_banner.isVisible() and where() == before  # the result takes the form's room

    # The number search: an error under the search row does not push the results down.
    results_top = tab.results_stack.mapTo(window, tab.results_stack.rect().topLeft())
    tab.npa_edit.setText("5")
    tab.search_button.click()
    run.pump()
    assert tab.inventory_error.isVisible()
    assert tab.results_stack.mapTo(window, tab.results_stack.rect().topLeft()) == results_top
    settle(ctx, run)


def test_colours_come_from_the_theme(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    from telephony_desktop.ui.theme import tone_colour

    tab = open_tab(window, run)
    disabled = row_of_number(tab, "4165550107")
    brush = tab.model.index(disabled, COL_NAME).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color() == tone_colour("hint")
    assert (
        tab.model.index(0 if disabled else 1, COL_NAME).data(Qt.ItemDataRole.ForegroundRole) is None
    )
    errors = [*tab.errors.values(), tab.inventory_error]
    assert all(e.property("tone") == "error" and not e.styleSheet() for e in errors)
    settle(ctx, run)
