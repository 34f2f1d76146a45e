"""The dialer's number field, without Qt: format as you type, caret kept, pastes tidied."""

from __future__ import annotations

import pytest

from telephony_desktop.domain.numbers import AsYouType
from telephony_desktop.ui.tabs.dialer.entry import Edit, reformat, tidy


def type_text(keys: str, region: str = "CA") -> Edit:
    formatter = AsYouType(region)
    edit = Edit("", 0)
    for key in keys:
        text = edit.text[: edit.cursor] + key + edit.text[edit.cursor :]
        edit = reformat(text, edit.cursor + 1, edit.text, formatter, region)
    return edit


def test_digits_are_formatted_as_typed() -> None:
    assert type_text("5145550199") == Edit("(514) 555-0199", 14)
    assert type_text("+33123456789") == Edit("+33 1 23 45 67 89", 17)
    assert type_text("0123456789", "FR").text == "01 23 45 67 89"


def test_a_digit_inserted_in_the_middle_keeps_the_caret_after_it() -> None:
    formatter = AsYouType("CA")
    # "(514) 550-199" with a 5 typed after "(514) 5"
    edit = reformat("(514) 5550-199", 8, "(514) 550-199", formatter, "CA")
    assert edit == Edit("(514) 555-0199", 8)


def test_backspace_over_punctuation_removes_the_digit_before_it() -> None:
    formatter = AsYouType("CA")
    edit = reformat("(514 555-0199", 4, "(514) 555-0199", formatter, "CA")
    assert edit == Edit("(515) 550-199", 3)
    edit = reformat("(514) 5550199", 9, "(514) 555-0199", formatter, "CA")
    assert edit.text == "(514) 550-199"


@pytest.mark.parametrize(
    ("pasted", "shown"),
    [
        ("(514) 555-1234", "(514) 555-1234"),
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ("514.555.1234 ext 5", "(514) 555-1234 ext. 5"),
        ("tel:+1-514-555-0199", "(514) 555-0199"),
        ("0033 1 23 45 67 89", "+33 1 23 45 67 89"),
    ],
)
def test_pasted_text_is_normalised(pasted: str, shown: str) -> None:
    edit = reformat(pasted, len(pasted), "", AsYouType("CA"), "CA")
    assert edit == Edit(shown, len(shown))


def test_words_are_left_alone_until_they_make_a_number() -> None:
    formatter = AsYouType("CA")
    assert reformat("(514) 555-1234 e", 16, "(514) 555-1234 ", formatter, "CA").text == (
        "(514) 555-1234 e"
    )
    edit = reformat("(514) 555-1234 ext 5", 20, "(514) 555-1234 ext ", formatter, "CA")
    assert edit.text == "(514) 555-1234 ext. 5"
    assert type_text("5145551234 ").text == "(514) 555-1234 "  # the space before "ext" stays


def test_tidy() -> None:
    assert tidy("+15145550199", "CA") == "(514) 555-0199"
    assert tidy("+15145550199", "FR") == "+1 514-555-0199"
    assert tidy("12", "CA") is None
