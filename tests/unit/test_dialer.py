"""Preparing a call: everything checked and converted before the provider is asked."""

from __future__ import annotations

import pytest

from telephony_desktop.domain.errors import InputError
from telephony_desktop.services.dialer import prepare_call


def test_pasted_number_becomes_the_providers_form() -> None:
    call = prepare_call(
        "514.555.1234 ext 5", region="CA", ring_first="peer:office01", caller_id="+14385550101"
    )
    assert call.destination.e164 == "+15145551234"
    assert call.destination_param == "5145551234"
    assert (call.source_type, call.source) == ("peer", "office01")
    assert call.callerid_number == "4385550101"
    assert call.notes == ("Dial extension 5 when the call is answered.",)


def test_international_numbers_use_011() -> None:
    call = prepare_call("+33 1 23 45 67 89", region="CA", ring_first="514-555-0100")
    assert call.destination_param == "01133123456789"
    assert (call.source_type, call.source) == ("number", "5145550100")


@pytest.mark.parametrize(
    ("number", "ring", "caller_id", "field"),
    [
        ("12", "peer:office01", None, "number"),
        ("5145551234", "", None, "ring_first"),
        ("5145551234", "peer:x", None, "ring_first"),
        ("5145551234", "call me", None, "ring_first"),
        ("5145551234", "peer:office01", "+33 1 23 45 67 89", "caller_id"),
    ],
)
def test_bad_input_says_which_field(
    number: str, ring: str, caller_id: str | None, field: str
) -> None:
    with pytest.raises(InputError) as info:
        prepare_call(number, region="CA", ring_first=ring, caller_id=caller_id)
    assert info.value.field == field


@pytest.mark.usefixtures("french")
def test_input_errors_in_french() -> None:
    with pytest.raises(InputError) as info:
        prepare_call("5145551234", region="CA", ring_first="peer:x")
    assert str(info.value) == (
        "L'appareil à faire sonner d'abord doit être un nom d'utilisateur de 6 à 16 lettres ou "
        "chiffres."
    )
    with pytest.raises(InputError) as info:
        prepare_call("5145551234", region="CA", ring_first="call me")
    assert str(info.value).startswith("Le téléphone à faire sonner d'abord n'est pas utilisable : ")
    with pytest.raises(InputError) as info:
        prepare_call("5145551234", region="CA", ring_first="peer:office01", caller_id="12")
    assert str(info.value).startswith("L'afficheur n'est pas utilisable : ")
    call = prepare_call("514.555.1234 ext 5", region="CA", ring_first="peer:office01")
    assert call.notes == ("Composez le poste 5 une fois l'appel répondu.",)
