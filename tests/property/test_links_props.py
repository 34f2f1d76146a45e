"""tel:/callto:/sip: links and --dial text on anything: dialer text or ``InputError``, nothing else.

(tests/unit/test_links.py fuzzes a fixed grid of prefixes and bodies; this explores beyond it.)
"""

from __future__ import annotations

import re
from urllib.parse import quote

from hypothesis import example, given
from hypothesis import strategies as st

from telephony_desktop.desktop.links import dial_text, is_link, parse_link, parse_number
from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.numbers import PhoneNumber, normalise

DIALER_TEXT = re.compile(r"\+?[0-9]{3,20}(?: ext [0-9]{1,6})?")
SCHEMES = ["tel:", "TEL:", "tel://", "callto:", "callto://", "sip:", "sips:", "SIP:", "x:", ""]
PIECES = st.one_of(
    st.text("0123456789", min_size=1, max_size=6),
    st.sampled_from(
        [
            "+", "-", ".", " ", "(", ")", "/", "[", "]", ";", ";ext=", ";EXT=12", ";user=phone",
            ";phone-context=+1", "@", "@example.com", ":", ":secret", "?", "?subject=x", "#", "%",
            "%2B", "%20", "%2", "%ff", "%00", "%C3%A9", "ext", " x ", "poste", "\x00", "\u202e",
            "١", "😀", "a", "\ud800",
        ]
    ),
)  # fmt: skip
LINKISH = st.tuples(st.sampled_from(SCHEMES), st.lists(PIECES, max_size=10).map("".join)).map(
    "".join
)
ANY = st.one_of(st.text(max_size=100), LINKISH, st.text(max_size=3000).map(lambda t: "tel:" + t))


def _dialer_text_or_input_error(fn: object, text: str) -> str | None:
    assert callable(fn)
    try:
        result = fn(text)
    except InputError as exc:
        assert exc.field == "number" and exc.user_message()
        return None
    assert isinstance(result, str) and DIALER_TEXT.fullmatch(result), result
    return result


@given(ANY)
@example("tel:" + "%" * 3000)
@example("sip:@")
@example("tel:%F0%9F%93%9E;ext=%F0")
def test_links_give_dialer_text_or_an_input_error(text: str) -> None:
    for fn in (dial_text, parse_link, parse_number):
        _dialer_text_or_input_error(fn, text)
    assert isinstance(is_link(text), bool)


@given(ANY)
def test_dialer_text_is_a_fixed_point_the_dialer_understands(text: str) -> None:
    result = _dialer_text_or_input_error(dial_text, text)
    if result is None:
        return
    assert dial_text(result) == result
    try:
        number = normalise(result)
    except InputError:
        return
    assert isinstance(number, PhoneNumber)
    assert number.extension == (result.split(" ext ", 1)[1] if " ext " in result else "")


@given(
    st.sampled_from(["tel:", "callto:", "sip:", "tel://", "sips:"]),
    st.booleans(),
    st.text("0123456789", min_size=3, max_size=20),
    st.lists(st.sampled_from(["-", ".", " ", "(", ")"]), max_size=4),
    st.none() | st.text("0123456789", min_size=1, max_size=6),
    st.booleans(),
)
def test_a_phone_link_gives_its_digits(
    scheme: str,
    plus: bool,
    digits: str,
    separators: list[str],
    ext: str | None,
    encode: bool,
) -> None:
    number = ("+" if plus else "") + digits
    written = number
    for i, sep in enumerate(separators):  # visual separators at a few places
        at = 1 + (i * 3) % max(1, len(written) - 1)
        written = written[:at] + sep + written[at:]
    if encode:
        written = quote(written, safe="")
    link = scheme + written + (f";ext={ext}" if ext else "")
    if scheme.startswith("sip"):
        link += "@pbx.example.com;user=phone"
    expected = number + (f" ext {ext}" if ext else "")
    assert parse_link(link) == expected
    assert dial_text(link) == expected
