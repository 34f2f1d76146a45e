"""The E911 tab, used like a person would: see, check, pick a suggestion, save, fail, delete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import E911Address
from telephony_desktop.providers.voicemeup import params
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.seed import (
    E911_ADDRESS_STREET_NOT_FOUND,
    E911_ADDRESS_WITH_ALTERNATES,
    E911_EXPECTED_ALTERNATE,
    E911_VALID_ADDRESS,
)
from telephony_desktop.services import e911_form
from telephony_desktop.store import directory
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.main_window import MainWindow
from telephony_desktop.ui.tabs.e911 import E911Tab
from telephony_desktop.ui.tabs.e911.model import COL_ADDRESS, NO_ADDRESS
from telephony_desktop.ui.widgets.banner import Level
from tests.gui.conftest import Runner
from tests.gui.test_dids import no_modal_dialog, run, type_into

__all__ = ["run"]  # the steady runner (see tests/gui/test_dids.py)

NUMBER = E911_VALID_ADDRESS["phone_number"]  # 514-555-0101: no address on file in the seed
TEXT_FIELDS = ("first_name", "last_name", "civic_number", "street", "city", "state_code")


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext, run: Runner) -> Iterator[MainWindow]:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1180, 760)
    win.show()
    run.until(lambda: not ctx.tasks.busy)  # the first tab's loading ends inside the loop
    yield win
    run.until(lambda: not ctx.tasks.busy)  # pytest-qt closes and deletes the window itself


def open_tab(window: MainWindow, run: Runner) -> E911Tab:
    tab = window.show_tab("e911")
    assert isinstance(tab, E911Tab)
    run.until(lambda: tab.loaded and not tab.refreshing)
    return tab


def settle(ctx: AppContext, run: Runner) -> None:
    run.until(lambda: not ctx.tasks.busy)


def fill(qtbot: QtBot, tab: E911Tab, fields: dict[str, str]) -> None:
    for name in (*TEXT_FIELDS, "postal_code"):
        if name in fields:
            type_into(qtbot, tab.edits[name], fields[name])
    tab.country.setCurrentIndex(tab.country.findData(fields.get("country_code", "CA")))


def form_values(tab: E911Tab) -> dict[str, str]:
    address = tab.read_form()
    return {name: getattr(address, name) for name in (*TEXT_FIELDS, "postal_code", "country_code")}


def params_message(fields: dict[str, str], field: str) -> str:
    """The sentence the vendor-table check gives (the form must show the same one)."""
    address = E911Address(**{k: v for k, v in fields.items() if k != "phone_number"})
    with pytest.raises(InputError) as info:
        params.set_e911_address(fields["phone_number"], address)
    assert info.value.field == field
    return e911_form.field_message(info.value)


def endpoint_of(sandbox: SandboxServer, number: str) -> Any:
    return sandbox.state.endpoint_by_number(number)


def test_lists_numbers_with_their_address_or_a_warning(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    assert tab.model.rowCount() == 8
    missing = 8 - len(sandbox.state.e911)
    assert tab.model.missing() == missing
    assert tab.summary.text() == f"8 numbers · {missing} without an emergency address"
    row = tab.model.row_of("5145550101")
    assert tab.model.index(row, COL_ADDRESS).data() == NO_ADDRESS
    front = tab.model.row_of("5145550100")
    assert (
        tab.model.index(front, COL_ADDRESS)
        .data()
        .startswith("1155 Boulevard René-Lévesque Ouest suite 2500, Montréal")
    )
    assert tab.select_number("5145550100")
    assert tab.on_file.text().startswith("On file: Émilie Côté, 1155 Boulevard")
    assert tab.edits["street"].text() == "Boulevard René-Lévesque Ouest"
    assert (
        tab.unit_type.currentData() == "suite" and tab.edits["address_type_number"].text() == "2500"
    )
    assert "Réception (reception01)" in tab.devices_label.text()
    assert tab.select_number(NUMBER)
    assert tab.on_file.text().startswith("⚠ No emergency address")
    assert not tab.delete_button.isEnabled() and not tab.associate_button.isEnabled()
    settle(ctx, run)


def test_check_offers_alternates_pick_one_then_save_with_confirmation(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    fill(qtbot, tab, E911_ADDRESS_WITH_ALTERNATES)
    assert tab.draft(NUMBER) is not None and "Not saved yet" in tab.dirty_label.text()

    tab.check_button.click()
    assert tab.busy("check") and tab.check_button.text() == "Checking…"
    run.until(lambda: not tab.busy())
    assert tab.alternates_box.isVisible() and len(tab.alternate_buttons) >= 1
    first = tab.alternate_buttons[0]
    expected = E911_EXPECTED_ALTERNATE
    assert (
        tab.alternate_labels[0]
        .text()
        .startswith(f"{expected['civic_number']} {expected['street']}")
    )
    assert first.accessibleName() == tab.alternate_labels[0].text()
    # Nothing typed is replaced until the user chooses.
    assert form_values(tab)["street"] == E911_ADDRESS_WITH_ALTERNATES["street"]
    assert not tab.use_alternate_button.isEnabled()
    first.click()
    tab.use_alternate_button.click()
    values = form_values(tab)
    for name in ("civic_number", "street", "city", "state_code", "postal_code", "country_code"):
        assert values[name] == expected[name], name
    assert values["first_name"] == "Hélène" and values["last_name"] == "Gagnon"  # kept
    assert not tab.alternates_box.isVisible()
    assert tab.form_banner.isVisible() and "Filled in" in tab.form_banner.text

    assert not sandbox.request_log.of_type("set_e911_address")
    tab.save_button.click()
    assert tab.save_confirm.isVisible() and no_modal_dialog()
    assert tab.save_confirm.text.startswith(
        "Emergency services will be sent to: Hélène Gagnon, 1200 Rue Sainte-Catherine Ouest, "
        "Montréal, QC H3B 1K9, CA"
    )
    assert tab.save_confirm.text.endswith("Confirm?")
    assert not sandbox.request_log.of_type("set_e911_address")  # nothing before confirming
    tab.save_confirm.confirm_button.click()
    run.until(lambda: not tab.busy())

    assert len(sandbox.request_log.of_type("set_e911_address")) == 1
    stored = endpoint_of(sandbox, NUMBER)
    assert stored is not None
    assert (stored.street, stored.city, stored.postal_code) == (
        expected["street"],
        expected["city"],
        expected["postal_code"],
    )
    assert (stored.first_name, stored.last_name) == ("Hélène", "Gagnon")
    assert tab.form_banner.level is Level.SUCCESS
    assert "Emergency services will be sent to" in tab.form_banner.text
    assert tab.draft(NUMBER) is None
    row = tab.model.row_of("5145550101")
    assert tab.model.index(row, COL_ADDRESS).data().startswith("1200 Rue Sainte-Catherine Ouest")
    assert ctx.session is not None
    cached = run(ctx.session.db.run(directory.list_e911))
    assert any(e.phone_number == NUMBER and e.address.city == "Montréal" for e in cached)
    settle(ctx, run)


def test_undo_after_choosing_a_suggestion_gives_back_what_was_typed(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    fill(qtbot, tab, E911_ADDRESS_WITH_ALTERNATES)
    tab.check_button.click()
    run.until(lambda: not tab.busy())
    tab.alternate_buttons[0].click()
    tab.use_alternate_button.click()
    assert form_values(tab)["city"] == "Montréal"
    assert tab.form_banner.action == "Undo"
    tab.form_banner.click_action()
    assert form_values(tab)["street"] == E911_ADDRESS_WITH_ALTERNATES["street"]
    assert form_values(tab)["city"] == "Montreal"
    settle(ctx, run)


def test_check_exact_match_and_not_found(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    fill(qtbot, tab, E911_VALID_ADDRESS)
    tab.check_button.click()
    run.until(lambda: not tab.busy())
    assert tab.form_banner.level is Level.SUCCESS and "Exact match" in tab.form_banner.text
    type_into(qtbot, tab.edits["first_name"], "Hélène-Marie")  # not part of the check
    assert "Exact match" in tab.form_banner.text and tab.form_banner.isVisible()
    type_into(qtbot, tab.edits["civic_number"], "1201")  # no longer the address checked
    assert not tab.form_banner.isVisible()

    fill(qtbot, tab, E911_ADDRESS_STREET_NOT_FOUND)
    tab.check_button.click()
    run.until(lambda: not tab.busy())
    assert not tab.alternates_box.isVisible()
    assert tab.form_banner.isVisible() and tab.form_banner.level is Level.WARNING
    assert tab.errors["street"].isVisible()
    assert form_values(tab)["street"] == E911_ADDRESS_STREET_NOT_FOUND["street"]
    assert not sandbox.request_log.of_type("set_e911_address")
    settle(ctx, run)


def test_field_errors_before_sending(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    fill(qtbot, tab, {**E911_VALID_ADDRESS, "postal_code": "H3B"})
    tab.check_button.click()
    assert tab.errors["postal_code"].text() == params_message(
        {**E911_VALID_ADDRESS, "postal_code": "H3B"}, "postal_code"
    )
    fill(qtbot, tab, {**E911_VALID_ADDRESS, "civic_number": "12B"})
    tab.save_button.click()
    assert tab.errors["civic_number"].isVisible() and not tab.save_confirm.isVisible()
    fill(qtbot, tab, {**E911_VALID_ADDRESS, "first_name": " "})
    tab.save_button.click()
    assert tab.errors["first_name"].text() == params_message(
        {**E911_VALID_ADDRESS, "first_name": " "}, "first_name"
    )
    assert not sandbox.request_log.of_type("validate_e911_address")
    assert not sandbox.request_log.of_type("set_e911_address")
    settle(ctx, run)


def test_failed_save_keeps_what_was_typed_and_is_not_retried(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    fill(qtbot, tab, E911_VALID_ADDRESS)
    typed = form_values(tab)
    sandbox.faults.add("set_e911_address", "reset", apply_effect=False)
    tab.save_button.click()
    tab.save_confirm.confirm_button.click()
    run.until(lambda: not tab.busy())
    assert tab.form_banner.isVisible() and tab.form_banner.level is Level.ERROR
    assert "may or may not have gone through" in tab.form_banner.text
    assert "What you typed is still here." in tab.form_banner.text
    assert form_values(tab) == typed
    assert len(sandbox.request_log.of_type("set_e911_address")) == 1  # not retried
    assert endpoint_of(sandbox, NUMBER) is None

    # Switching numbers and tabs does not lose it either.
    tab.select_number("5145550100")
    assert tab.edits["street"].text() == "Boulevard René-Lévesque Ouest"
    window.show_tab("dids")
    run.pump()
    window.show_tab("e911")
    tab.select_number(NUMBER)
    assert form_values(tab) == typed
    settle(ctx, run)


def test_rejected_on_save_offers_the_alternates(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    fill(qtbot, tab, E911_ADDRESS_WITH_ALTERNATES)
    tab.save_button.click()
    tab.save_confirm.confirm_button.click()
    run.until(lambda: not tab.busy())
    assert tab.form_banner.level is Level.ERROR and tab.form_banner.text.startswith("Not saved")
    assert tab.alternates_box.isVisible() and tab.alternate_buttons
    assert form_values(tab)["street"] == E911_ADDRESS_WITH_ALTERNATES["street"]
    assert endpoint_of(sandbox, NUMBER) is None
    tab.alternate_buttons[0].click()
    tab.use_alternate_button.click()
    tab.save_button.click()
    tab.save_confirm.confirm_button.click()
    run.until(lambda: not tab.busy())
    assert endpoint_of(sandbox, NUMBER) is not None
    assert len(sandbox.request_log.of_type("set_e911_address")) == 2
    settle(ctx, run)


def test_deleting_the_last_address_warns_about_the_fee_before_and_after(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    # Leave one emergency address on the account.
    keep = endpoint_of(sandbox, "5145550100")
    with sandbox.state.lock:
        for endpoint_id in [i for i in sandbox.state.e911 if i != keep.client_endpoint_id]:
            sandbox.state.delete_endpoint(endpoint_id)
    tab = open_tab(window, run)
    tab.select_number("5145550100")
    tab.delete_button.click()
    run.until(lambda: tab.delete_confirm.isVisible())
    text = tab.delete_confirm.text
    assert "Deleting the last emergency address means every 911 call will be billed" in text
    assert text.index("billed") < text.index("Delete the emergency address")  # warning first
    assert not sandbox.request_log.of_type("delete_e911_address") and no_modal_dialog()
    tab.delete_confirm.confirm_button.click()
    run.until(lambda: not tab.busy())

    assert len(sandbox.request_log.of_type("delete_e911_address")) == 1
    assert not sandbox.state.e911
    # Said once, under the Delete button the user just pressed (not again at the top).
    assert tab.delete_banner.isVisible() and tab.delete_banner.level is Level.WARNING
    assert "911 call" in tab.delete_banner.text and "fee" in tab.delete_banner.text
    assert not tab.banner.isVisible()
    assert tab.model.missing() == 8
    row = tab.model.row_of("5145550100")
    assert tab.model.index(row, COL_ADDRESS).data() == NO_ADDRESS
    settle(ctx, run)


def test_deleting_one_of_several_has_no_fee_warning(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    assert len(sandbox.state.e911) > 1
    # Not the default endpoint (the provider refuses to delete that one while others exist).
    target = next(
        e for i, e in sandbox.state.e911.items() if i != sandbox.state.default_endpoint_id
    )
    tab.select_number(target.phone_number)
    tab.delete_button.click()
    run.until(lambda: tab.delete_confirm.isVisible())
    assert "billed" not in tab.delete_confirm.text
    tab.delete_confirm.confirm_button.click()
    run.until(lambda: not tab.busy())
    assert endpoint_of(sandbox, target.phone_number) is None
    assert tab.delete_banner.level is Level.SUCCESS
    assert not tab.banner.isVisible()
    settle(ctx, run)


def test_associate_a_device(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number("5145550100")
    attached = set(endpoint_of(sandbox, "5145550100").client_peer_ids)
    peer_id = tab.peer_combo.currentData()
    assert peer_id is not None and peer_id not in attached
    tab.associate_button.click()
    run.until(lambda: not tab.busy())
    assert len(sandbox.request_log.of_type("associate_e911_peer")) == 1
    assert peer_id in endpoint_of(sandbox, "5145550100").client_peer_ids
    peer = sandbox.state.peers[int(peer_id)]
    assert peer.username in tab.devices_label.text()
    assert tab.devices_banner.level is Level.SUCCESS
    settle(ctx, run)


def test_the_tab_reads_in_french(
    french: None, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    missing = 8 - len(sandbox.state.e911)
    assert tab.summary.text() == f"8 numéros · {missing} sans adresse d'urgence"
    row = tab.model.row_of("5145550101")
    assert tab.model.index(row, COL_ADDRESS).data() == "⚠ Aucune adresse d'urgence"
    assert tab.select_number("5145550100")
    assert tab.on_file.text().startswith("Adresse enregistrée : Émilie Côté, 1155 Boulevard")
    assert tab.unit_type.itemText(tab.unit_type.findData("apartment")) == "Appartement"
    assert tab.edits["city"].placeholderText() == "p. ex. Montréal"
    assert tab.select_number(NUMBER)
    assert tab.on_file.text().startswith("⚠ Aucune adresse d'urgence n'est enregistrée")
    assert tab.save_button.text() == "Enregistrer l'adresse…"
    settle(ctx, run)


# --- a refused address, messages, layout, colours (issue 16.6) ----------------------------------


def address_messages(tab: E911Tab) -> list[str]:
    """What the address part of the form says under its buttons, as the user sees it."""
    shown = [w.text for w in (tab.form_banner, tab.save_confirm) if w.isVisible()]
    if tab.form_banner.isVisible() and "one of these" in tab.form_banner.text:
        assert tab.alternates_box.isVisible() and tab.alternate_buttons  # never pointing at none
    return shown


def test_saving_an_address_just_refused_with_suggestions_says_so_first(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    fill(qtbot, tab, E911_ADDRESS_WITH_ALTERNATES)
    typed = form_values(tab)
    tab.check_button.click()
    run.until(lambda: not tab.busy())
    assert len(address_messages(tab)) == 1 and tab.alternates_box.isVisible()

    tab.save_button.click()
    # One message area: the question replaces the check's answer; the suggestions stay.
    assert address_messages(tab) == [tab.save_confirm.text]
    text = tab.save_confirm.text
    assert text.startswith("⚠ Your provider refused this address a moment ago. ")
    assert sandbox_sentence(tab, "alternate_address_provided") in text  # its own sentence
    assert "Saving it anyway may send help to the wrong door." in text
    assert "Emergency services will be sent to: Hélène Gagnon, 1200 Rue Ste-Catherine" in text
    assert tab.save_confirm.confirm_button.text() == "Save it anyway"
    assert tab.alternates_box.isVisible()
    tab.save_confirm.cancel_button.click()
    assert form_values(tab) == typed and tab.draft(NUMBER) is not None  # nothing lost
    assert address_messages(tab) == [tab.form_banner.text]  # the answer is back, with its list
    assert "one of these" in tab.form_banner.text

    # A change to who is there does not make the place any less refused.
    type_into(qtbot, tab.edits["first_name"], "Hélène-Marie")
    tab.save_button.click()
    assert "refused this address a moment ago" in tab.save_confirm.text
    tab.save_confirm.confirm_button.click()  # the user saves it anyway: sent, once
    run.until(lambda: not tab.busy())
    assert len(sandbox.request_log.of_type("set_e911_address")) == 1
    # This provider refuses it again: said once, with the suggestions it points at.
    assert address_messages(tab) == [tab.form_banner.text]
    assert tab.form_banner.level is Level.ERROR and tab.alternates_box.isVisible()
    assert form_values(tab) == {**typed, "first_name": "Hélène-Marie"}
    settle(ctx, run)


def test_saving_an_address_just_refused_without_suggestions_quotes_the_provider(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    fill(qtbot, tab, E911_ADDRESS_STREET_NOT_FOUND)
    tab.check_button.click()
    run.until(lambda: not tab.busy())
    assert not tab.alternates_box.isVisible()
    said, _sep, _rest = tab.form_banner.text.partition(" Check the spelling")
    assert said == "Your provider does not know this street."
    assert "suggest" not in tab.form_banner.text  # none on screen: none mentioned

    tab.save_button.click()
    text = tab.save_confirm.text
    assert text.startswith(f"⚠ Your provider refused this address a moment ago. {said} Saving")
    assert "wrong door" in text and "suggest" not in text
    assert not tab.form_banner.isVisible()  # replaced, not piled up
    tab.save_confirm.cancel_button.click()

    # Another street: not the address refused, so the usual question.
    type_into(qtbot, tab.edits["street"], E911_VALID_ADDRESS["street"])
    tab.save_button.click()
    assert "refused" not in tab.save_confirm.text
    assert tab.save_confirm.confirm_button.text() == "Yes, save this address"
    tab.save_confirm.cancel_button.click()
    # Back to the refused street: said again.
    type_into(qtbot, tab.edits["street"], E911_ADDRESS_STREET_NOT_FOUND["street"])
    tab.save_button.click()
    assert said in tab.save_confirm.text and "refused" in tab.save_confirm.text
    settle(ctx, run)


def test_one_message_at_a_time_and_none_about_what_changed(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    fill(qtbot, tab, E911_ADDRESS_WITH_ALTERNATES)
    for _round in range(2):  # checking twice does not add a second message
        tab.check_button.click()
        run.until(lambda: not tab.busy())
        assert len(address_messages(tab)) == 1
    assert tab.message_kind == "suggestions"
    assert tab.errors["street"].isHidden() or tab.errors["street"].text()

    # Editing the street: the answer and its suggestions were about the old one.
    type_into(qtbot, tab.edits["street"], "Rue Sainte-Catherine O")
    assert address_messages(tab) == [] and not tab.alternates_box.isVisible()
    assert not tab.errors["street"].isVisible()

    # A failed save, then an edit: the failure is about the form as it was.
    fill(qtbot, tab, E911_VALID_ADDRESS)
    sandbox.faults.add("set_e911_address", "reset", apply_effect=False)
    tab.save_button.click()
    tab.save_confirm.confirm_button.click()
    run.until(lambda: not tab.busy())
    assert address_messages(tab) == [tab.form_banner.text] and tab.form_banner.level is Level.ERROR
    type_into(qtbot, tab.edits["postal_code"], "H3B 1K8")
    assert address_messages(tab) == []

    # A field error goes when that field is edited; the others stay.
    fill(qtbot, tab, {**E911_VALID_ADDRESS, "civic_number": "12B", "first_name": " "})
    tab.save_button.click()
    shown = [f for f, e in tab.errors.items() if e.isVisible()]
    assert shown and not tab.save_confirm.isVisible()
    field = shown[0]
    type_into(qtbot, tab.edits[field], "1200" if field == "civic_number" else "Hélène")
    assert not tab.errors[field].isVisible()
    settle(ctx, run)


def test_the_buttons_do_not_move_when_messages_appear(
    qtbot: QtBot, window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    tab = open_tab(window, run)
    tab.select_number(NUMBER)
    pane = tab.form_scroll.widget()
    assert pane is not None

    def where() -> list[tuple[int, int]]:
        """Where the buttons and fields sit in the form (scrolling to show a message moves the
        view, not the form)."""
        run.pump()  # let the layout settle
        watched = [tab.check_button, tab.save_button, tab.edits["street"], tab.edits["city"]]
        corners = [w.mapTo(pane, w.rect().topLeft()) for w in watched]
        return [(p.x(), p.y()) for p in corners]

    before = where()
    fill(qtbot, tab, E911_ADDRESS_WITH_ALTERNATES)
    assert tab.dirty_label.text() and where() == before  # "Not saved yet" has its room
    tab.check_button.click()
    assert tab.check_button.text() == "Checking…"
    assert where() == before
    run.until(lambda: not tab.busy())
    assert tab.form_banner.isVisible() and tab.alternates_box.isVisible()
    assert where() == before  # the answer and the suggestions: below the buttons
    tab.save_button.click()
    assert tab.save_confirm.isVisible() and where() == before
    tab.save_confirm.cancel_button.click()
    fill(qtbot, tab, E911_ADDRESS_STREET_NOT_FOUND)
    tab.check_button.click()
    run.until(lambda: not tab.busy())
    assert tab.errors["street"].isVisible()
    assert where() == before  # the error under the street has its room
    settle(ctx, run)


def test_colours_come_from_the_theme(
    window: MainWindow, run: Runner, ctx: AppContext, sandbox: SandboxServer
) -> None:
    from telephony_desktop.ui.theme import tone_colour

    tab = open_tab(window, run)
    row = tab.model.row_of(NUMBER)
    brush = tab.model.index(row, COL_ADDRESS).data(Qt.ItemDataRole.ForegroundRole)
    assert brush.color() == tone_colour("warning")
    tab.select_number(NUMBER)
    assert tab.on_file.property("tone") == "warning" and tab.on_file.font().bold()
    assert not tab.on_file.styleSheet()
    tab.select_number("5145550100")
    assert tab.on_file.property("tone") is None and not tab.on_file.font().bold()
    assert all(e.property("tone") == "error" and not e.styleSheet() for e in tab.errors.values())
    settle(ctx, run)


def sandbox_sentence(tab: E911Tab, code: str) -> str:
    """The sentence the client gives for the provider's ``code``."""
    from telephony_desktop.providers.voicemeup.errors import warning_for

    return warning_for(code, "").message()
