"""The phone-number normaliser on anything a person could type or paste.

``normalise`` gives a ``PhoneNumber`` or an ``InputError`` about the ``number`` field, never any
other exception; what it returns is a fixed point; ``display`` and ``AsYouType`` never fail.
"""

from __future__ import annotations

import phonenumbers
from hypothesis import assume, example, given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat

from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.numbers import AsYouType, PhoneNumber, display, normalise

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
# The app's own region setting is one of the supported ones; odd values must still not crash.
ANY_REGION = st.one_of(
    st.sampled_from(["CA", "US", "FR", "GB", "DE", "IR", "IN", "BR", "JP", "AU"]),
    st.sampled_from(REGIONS),
    st.sampled_from(["", "ZZ", "001", "ca", "xx", "us "]),
)

# Pieces of what people paste: digits (ASCII and not), separators, prefixes, extension words.
_PIECES = st.one_of(
    st.text(alphabet="0123456789", min_size=1, max_size=12),
    st.sampled_from(
        [
            "+", "+1", "+33", "+44", "00", "011", "1", "(", ")", "-", ".", " ", "/", "\t",
            "\u00a0", "\u202f", "ext", "ext.", "x", "#", "poste", "p.", "extension", ";ext=",
            "tel:", "sip:", "callto:", "//", "@", ";", "٠١٢٣٤٥٦٧٨٩", "０１２３", "²", "①",
            "\u202e", "\x00", "A", "Z", "é", "😀",
        ]
    ),
)  # fmt: skip
PHONE_LIKE = st.lists(_PIECES, max_size=12).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=80), PHONE_LIKE, st.text(max_size=5000))


def _checked(text: str, region: str) -> PhoneNumber | None:
    try:
        number = normalise(text, region)
    except InputError as exc:
        assert exc.field == "number"
        assert exc.user_message()
        return None
    assert isinstance(number, PhoneNumber)
    assert number.e164.startswith("+") and number.e164[1:].isdigit() and number.e164.isascii()
    # libphonenumber allows longer than E.164's 15 digits (+49 30000000000000 is valid for it)
    assert 3 <= len(number.e164) <= 21
    assert number.extension == "" or (number.extension.isdigit() and len(number.extension) <= 6)
    return number


@given(ANY_TEXT, ANY_REGION)
@example("\ud800", "CA")  # a lone surrogate
@example("+" + "1" * 63, "CA")
@example("0" * 64 + " ext 1", "CA")
@example("30000000000000", "DE")  # +49 30000000000000: 16 digits, valid for libphonenumber
def test_normalise_gives_a_number_or_an_input_error(text: str, region: str) -> None:
    _checked(text, region)


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(text, home region): a real number of some region, its last digits changed, written the
    way people do (national or international, separators, prefixes, an extension)."""
    region = draw(st.sampled_from(REGIONS))
    sample = phonenumbers.example_number_for_type(
        region,
        draw(st.sampled_from([phonenumbers.PhoneNumberType.FIXED_LINE,
                              phonenumbers.PhoneNumberType.MOBILE])),
    )  # fmt: skip
    if sample is None:
        sample = phonenumbers.parse("+15145551234")
        region = "CA"
    national = str(sample.national_number)
    tail = draw(st.integers(0, min(3, len(national) - 1)))
    if tail:
        national = national[:-tail] + draw(st.text("0123456789", min_size=tail, max_size=tail))
    sample = phonenumbers.PhoneNumber(
        country_code=sample.country_code, national_number=int(national)
    )
    style = draw(
        st.sampled_from(
            [PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL,
             PhoneNumberFormat.NATIONAL, PhoneNumberFormat.RFC3966]
        )
    )  # fmt: skip
    text = phonenumbers.format_number(sample, style)
    if style == PhoneNumberFormat.INTERNATIONAL and draw(st.booleans()):
        text = "00" + text[1:]
    if draw(st.booleans()):
        text = "".join(
            ch + draw(st.sampled_from(["", "", " ", "-", ".", "\u00a0"])) for ch in text
        ).strip()
    if style != PhoneNumberFormat.RFC3966 and draw(st.booleans()):
        word = draw(st.sampled_from([" ext ", " x", " #", " poste ", " ext. ", "extension "]))
        text += word + draw(st.text("0123456789", min_size=1, max_size=6))
    return text, region


@given(written_numbers())
@example(("+1 514 555 1234 ext 12", "CA"))
def test_normalise_is_idempotent(written: tuple[str, str]) -> None:
    text, region = written
    number = _checked(text, region)
    if number is None:
        return
    again = normalise(number.e164, region)
    assert again == PhoneNumber(number.e164, number.region, "")
    # The same number, written for another home region, is the same number.
    assert normalise(number.e164, "CA" if region != "CA" else "FR").e164 == number.e164
    if number.extension:
        assert normalise(f"{number.e164} ext {number.extension}", region) == number


@given(
    st.sampled_from(REGIONS),
    st.sampled_from(
        [
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.TOLL_FREE,
        ]
    ),
    st.sampled_from([PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL]),
)
def test_valid_numbers_of_every_region_normalise_to_their_e164(
    region: str, kind: int, style: int
) -> None:
    sample = phonenumbers.example_number_for_type(region, kind)
    assume(sample is not None and phonenumbers.is_valid_number(sample))
    e164 = phonenumbers.format_number(sample, PhoneNumberFormat.E164)
    assert normalise(phonenumbers.format_number(sample, style), "CA").e164 == e164


def test_011_is_an_exit_code_only_in_north_america() -> None:
    assert normalise("011 33 1 23 45 67 89", "CA").e164 == "+33123456789"
    assert normalise("011 234 5678", "SA").e164 == "+966112345678"
    assert normalise("011 2345 6789", "IN").e164 == "+911123456789"
    assert normalise("0113 496 0000", "GB").e164 == "+441134960000"


@given(st.one_of(ANY_TEXT, st.just("")), ANY_REGION)
def test_display_never_fails(text: str, region: str) -> None:
    shown = display(text, region)
    assert isinstance(shown, str)
    assert bool(shown) == bool(text)


@given(written_numbers())
@example(("+966112345678", "SA"))  # shown as 011 234 5678: 011 is not an exit code there
@example(("+441134960000", "GB"))  # Leeds, 0113 496 0000
@example(("+2416031234", "GA"))  # shown 06 03 12 34, which the library reads as +24106031234
def test_display_of_a_normalised_number_is_readable_back(written: tuple[str, str]) -> None:
    text, region = written
    number = _checked(text, region)
    if number is None:
        return
    shown = display(number.e164, region)
    try:  # the library's own national format can be ambiguous (Gabon's old 7-digit numbers)
        library = phonenumbers.parse(shown, region)
    except phonenumbers.NumberParseException:
        return
    if phonenumbers.format_number(library, PhoneNumberFormat.E164) != number.e164:
        return
    assert normalise(shown, region).e164 == number.e164


@given(ANY_TEXT, ANY_REGION)
def test_as_you_type_never_fails(text: str, region: str) -> None:
    formatter = AsYouType(region)
    shown = formatter.format(text)
    assert isinstance(shown, str)
    assert formatter.format(text) == shown  # no state leaks from one call to the next
