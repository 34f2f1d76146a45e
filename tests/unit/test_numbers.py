"""Phone number normalisation: messy input in, E.164 out, or a specific reason."""

from __future__ import annotations

import pytest

from telephony_desktop import i18n
from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.numbers import AsYouType, display, normalise


@pytest.mark.parametrize(
    ("text", "e164", "ext"),
    [
        ("(514) 555-1234", "+15145551234", ""),
        ("514.555.1234 ext 5", "+15145551234", "5"),
        ("514-555-1234 x 22", "+15145551234", "22"),
        ("514 555 1234 poste 300", "+15145551234", "300"),
        ("+33 1 23 45 67 89", "+33123456789", ""),
        ("0033 1 23 45 67 89", "+33123456789", ""),
        ("011 33 1 23 45 67 89", "+33123456789", ""),
        ("1-514-555-1234", "+15145551234", ""),
        ("tel:+1-514-555-0123", "+15145550123", ""),
        ("callto:5145550123", "+15145550123", ""),
        ("sip:+15145550123@example.com;user=phone", "+15145550123", ""),
        ("  +1 (416) 555 0199  ", "+14165550199", ""),
    ],
)
def test_messy_input_is_normalised(text: str, e164: str, ext: str) -> None:
    number = normalise(text, "CA")
    assert number.e164 == e164
    assert number.extension == ext


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Enter a phone number"),
        ("12", "too short"),
        ("call me maybe", "only contain digits"),
        ("+999 123 456 789", "country code"),
        ("555-0100", "area code"),
        ("+1 555 555 55555 5555", "too long"),
        ("9" * 80, "too long"),
        ("+1 123 456 7890", "not a valid number"),
    ],
)
def test_invalid_input_says_why(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        normalise(text, "CA")
    assert fragment.lower() in str(info.value).lower()
    assert info.value.field == "number"
    with i18n.using("fr"), pytest.raises(InputError) as in_french:
        normalise(text, "CA")
    assert in_french.value.user_message() != info.value.user_message()


def test_nanp_10_digit_form() -> None:
    assert normalise("+1 514 555 1234").nanp_10() == "5145551234"
    with pytest.raises(InputError):
        normalise("+33 1 23 45 67 89").nanp_10()


def test_display_formats_home_and_abroad() -> None:
    assert display("5145551234", "CA") == "(514) 555-1234"
    assert display("15145551234", "CA") == "(514) 555-1234"
    assert display("+33123456789", "CA") == "+33 1 23 45 67 89"
    assert display("anonymous", "CA") == "anonymous"
    assert display("", "CA") == ""


def test_as_you_type() -> None:
    assert AsYouType("CA").format("514555") == "514-555"
    assert AsYouType("CA").format("(514) 555-1234") == "(514) 555-1234"


@pytest.mark.parametrize(("text", "region"), [("911", "CA"), ("9-1-1", "US"), ("112", "FR"),
                                               ("999", "GB"), ("15", "FR")])  # fmt: skip
def test_emergency_numbers_say_why_this_app_does_not_call_them(text: str, region: str) -> None:
    with pytest.raises(InputError) as caught:
        normalise(text, region)
    digits = "".join(c for c in text if c.isdigit())
    with i18n.using("fr"), pytest.raises(InputError) as in_french:
        normalise(text, region)
    en, fr = caught.value.user_message(), in_french.value.user_message()
    assert en.startswith(f"{digits} is an emergency number.") and "does not place" in en
    assert f"Dial {digits} from a phone" in en
    assert fr.startswith(f"Le {digits} est un numéro d'urgence.")


@pytest.mark.parametrize("text", ["311", "411", "811"])
def test_short_service_numbers_say_what_to_do(text: str) -> None:
    with pytest.raises(InputError, match=f"{text} is a short service number"):
        normalise(text, "CA")


def test_a_full_number_that_starts_like_a_short_one_is_not_refused_as_one() -> None:
    assert normalise("(416) 911-0123", "CA").e164 == "+14169110123"
    with pytest.raises(InputError, match="too long"):
        normalise("911 555 0123 4567", "US")
