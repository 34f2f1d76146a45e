"""The E911 form's logic without Qt: checks, suggestions applied, sentences the user confirms."""

from __future__ import annotations

from dataclasses import replace

import pytest

from telephony_desktop import i18n
from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.models import (
    AlternateAddress,
    E911Address,
    E911Endpoint,
    ProviderWarning,
)
from telephony_desktop.sandbox.seed import E911_ADDRESS_WITH_ALTERNATES, E911_EXPECTED_ALTERNATE
from telephony_desktop.services import e911_form
from telephony_desktop.services.e911 import LAST_ENDPOINT_CODE

NUMBER = E911_ADDRESS_WITH_ALTERNATES["phone_number"]
LOOSE = E911Address(
    **{k: v for k, v in E911_ADDRESS_WITH_ALTERNATES.items() if k != "phone_number"},
    address_type="suite",
    address_type_number="200",
    language="fr",
)


def test_checks_name_the_field_and_normalise() -> None:
    typed = replace(LOOSE, postal_code="h3b1k9", state_code="qc")
    checked = e911_form.check_for_save(NUMBER, typed)
    assert (checked.postal_code, checked.state_code) == ("H3B 1K9", "QC")
    with pytest.raises(InputError) as info:
        e911_form.check_for_save(NUMBER, E911Address("", "Gagnon", *LOOSE_ADDRESS_PARTS))
    assert info.value.field == "first_name"
    # Names are not needed to check an address with the provider.
    e911_form.check_for_validation(NUMBER, E911Address("", "", *LOOSE_ADDRESS_PARTS))
    with pytest.raises(InputError) as info:
        e911_form.check_for_validation(NUMBER, E911Address("", "", "12B", *LOOSE_ADDRESS_PARTS[1:]))
    assert info.value.field == "civic_number"


LOOSE_ADDRESS_PARTS = (
    LOOSE.civic_number,
    LOOSE.street,
    LOOSE.city,
    LOOSE.state_code,
    LOOSE.country_code,
    LOOSE.postal_code,
)


def test_an_alternate_keeps_the_people_the_unit_and_the_language() -> None:
    alternate = AlternateAddress(**E911_EXPECTED_ALTERNATE)
    chosen = e911_form.apply_alternate(LOOSE, alternate)
    assert (chosen.street, chosen.city) == ("Rue Sainte-Catherine Ouest", "Montréal")
    assert (chosen.first_name, chosen.last_name) == ("Hélène", "Gagnon")
    assert (chosen.address_type, chosen.address_type_number, chosen.language) == (
        "suite",
        "200",
        "fr",
    )


def test_save_confirmation_says_where_help_goes() -> None:
    text = e911_form.save_confirmation(NUMBER, LOOSE)
    assert text.startswith(
        "Emergency services will be sent to: Hélène Gagnon, 1200 Rue Ste-Catherine Ouest "
        "suite 200, Montreal, QC H3B 1K9, CA"
    )
    assert "(514) 555-0101" in text and text.endswith("Confirm?")


def test_delete_confirmation_puts_the_fee_first_when_last() -> None:
    endpoint = E911Endpoint("9101", NUMBER, LOOSE)
    fee = ProviderWarning(LAST_ENDPOINT_CODE, "The last endpoint was deleted.", "")
    last = e911_form.delete_confirmation(endpoint, NUMBER, fee)
    assert last.startswith("⚠ This is the account's last emergency address. Deleting the last")
    assert "billed an unprovisioned-call fee" in last
    assert last.index("fee") < last.index("Delete the emergency address")
    assert "fee" not in e911_form.delete_confirmation(endpoint, NUMBER, None)
    with i18n.using("fr"):
        french = e911_form.delete_confirmation(endpoint, NUMBER, fee)
    assert "dernière" in french
    assert french.startswith("⚠ C'est la dernière adresse d'urgence du compte.")
    assert french.index("frais") < french.index("Supprimer l'adresse d'urgence du (514) 555-0101")


def test_fee_warning_after_is_found_among_warnings() -> None:
    other = ProviderWarning("something", "x", "x")
    fee = ProviderWarning(LAST_ENDPOINT_CODE, "fee", "frais")
    assert e911_form.fee_warning_after([other, fee]) is fee
    assert e911_form.fee_warning_after([other]) is None


def test_codes_and_numbers() -> None:
    assert e911_form.field_for_code("street_not_found") == "street"
    assert e911_form.field_for_code("postal_code_not_found") == "postal_code"
    assert e911_form.field_for_code("state_not_found") == "state_code"
    assert e911_form.field_for_code("alternate_address_provided") == ""
    assert e911_form.number_key("+1 (514) 555-0101") == "5145550101"
    assert e911_form.blank(LOOSE).language == "fr" and e911_form.blank().country_code == "CA"


@pytest.mark.usefixtures("french")
def test_sentences_in_french() -> None:
    text = e911_form.save_confirmation(NUMBER, LOOSE)
    assert text.startswith("Les services d'urgence seront envoyés à : Hélène Gagnon, 1200 Rue")
    assert text.endswith("pour les appels au 911 faits depuis le (514) 555-0101. Confirmer?")
    assert e911_form.delete_confirmation(None, NUMBER, None).startswith(
        "Supprimer l'adresse d'urgence du (514) 555-0101? Les appels au 911"
    )
    with pytest.raises(InputError) as info:
        e911_form.check_for_validation(NUMBER, replace(LOOSE, street="Rue\u202eX"))
    assert e911_form.field_message(info.value) == (
        "Le champ « Rue » contient des caractères qui ne peuvent pas figurer dans une adresse."
    )
