"""tel:/callto:/sip: links and --dial text become dialer text; anything else is refused."""

from __future__ import annotations

import string

import pytest

from telephony_desktop import i18n
from telephony_desktop.desktop.links import dial_text, is_link, parse_link, parse_number
from telephony_desktop.domain.errors import InputError
from telephony_desktop.domain.numbers import normalise


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("tel:+1-514-555-0123", "+15145550123"),
        ("tel:+1.514.555.0123", "+15145550123"),
        ("tel:(514)555-0123", "5145550123"),
        ("tel:5145550123;ext=12", "5145550123 ext 12"),
        ("tel:+15145550123;phone-context=+1;ext=7", "+15145550123 ext 7"),
        ("TEL:+15145550123", "+15145550123"),
        ("tel://+15145550123", "+15145550123"),
        ("tel:%2B33123456789", "+33123456789"),
        ("tel:%2B1%20514%20555%200123", "+15145550123"),
        ("callto:+15145550123", "+15145550123"),
        ("callto://+15145550123", "+15145550123"),
        ("callto:5145550123", "5145550123"),
        ("sip:+15145550123@example.com;user=phone", "+15145550123"),
        ("sip:5145550123@pbx.example.com", "5145550123"),
        ("sips:+15145550123@example.com:5061;transport=tls", "+15145550123"),
        ("sip:+15145550123;ext=4@example.com;user=phone", "+15145550123 ext 4"),
        ("sip:+15145550123:secret@example.com", "+15145550123"),  # a password is dropped
        ("sip:+15145550123@example.com?subject=hi", "+15145550123"),
        ("  tel:+15145550123  ", "+15145550123"),
    ],
)
def test_links_become_dialer_text(link: str, expected: str) -> None:
    assert is_link(link)
    assert parse_link(link) == expected
    assert dial_text(link) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("(514) 555-0123", "5145550123"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("514.555.1234 ext 5", "5145551234 ext 5"),
        ("514-555-1234 x 55", "5145551234 ext 55"),
        ("5145551234 poste 3", "5145551234 ext 3"),
        ("tel:+15145550123", "+15145550123"),
    ],
)
def test_dial_text_takes_typed_numbers(typed: str, expected: str) -> None:
    assert parse_number(typed) == expected
    assert dial_text(typed) == expected


@pytest.mark.parametrize(
    "text",
    ["tel:+1-514-555-0123", "tel:5145550123;ext=12", "sip:+15145550123@example.com;user=phone"],
)
def test_the_dialer_understands_the_result(text: str) -> None:
    number = normalise(dial_text(text))
    assert number.e164 == "+15145550123"


def test_extension_reaches_the_dialer() -> None:
    assert normalise(dial_text("tel:5145550123;ext=12")).extension == "12"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("sip:alice@example.com", "SIP address is not a phone number"),
        ("sip:example.com", "SIP address is not a phone number"),
        ("callto:echo123", "not a phone number"),
        ("tel:", "No phone number"),
        ("tel:;ext=1", "No phone number"),
        ("tel:12", "too short"),
        ("tel:+1234567890123456789012", "too long"),
        ("tel:5145550123;ext=abc", "extension"),
        ("tel:5145550123;ext=1234567", "extension"),
        ("tel:%ff%fe", "not a phone number"),
        ("tel:514%00555", "not a phone number"),
        ("tel:+1514+5550123", "not a phone number"),
        ("tel:١٢٣٤٥٦٧٨٩٠", "not a phone number"),  # non-ASCII digits
        ("tel:5145550123;rm -rf /", "not a phone number"),  # sic: ";" starts a parameter
        ("tel:$(reboot)", "not a phone number"),
        ("tel:" + "1" * 5000, "too long"),
    ],
)
def test_bad_links_are_refused_with_a_sentence(text: str, words: str) -> None:
    try:
        result = dial_text(text)
    except InputError as exc:
        assert words.lower() in exc.user_message().lower()
        assert exc.field == "number"
        with i18n.using("fr"), pytest.raises(InputError) as in_french:
            dial_text(text)
        assert in_french.value.user_message()
        assert in_french.value.user_message() != exc.user_message()
    else:
        # "tel:5145550123;rm -rf /" keeps only the number: the parameter is dropped, never run
        assert result == "5145550123", result


@pytest.mark.parametrize(
    "link",
    [
        "http://example.com/tel:+15145550123",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "mailto:alice@example.com",
        "skype:+15145550123?call",
        "tel",
        "",
    ],
)
def test_other_schemes_are_refused(link: str) -> None:
    assert not is_link(link)
    with pytest.raises(InputError, match=r"tel:, callto: and sip:"):
        parse_link(link)
    with pytest.raises(InputError):
        dial_text(link)


def _samples() -> list[str]:
    """Deterministic fuzz: prefixes × awkward bodies (hypothesis is not installed)."""
    prefixes = ["", "tel:", "TEL:", "callto:", "callto://", "sip:", "sips:", "tel://", "x:"]
    bodies = [
        "",
        "+",
        "%",
        "%2",
        "%zz",
        "%C3%A9",
        "%F0%9F%93%9E",
        ";",
        ";ext=",
        ";ext=%",
        "@",
        "@@@",
        ":",
        "::@",
        "?",
        "#",
        "+1 (514) 555-0123 ext 5",
        "\x00\x01\x7f",
        "\u202e5145550123",
        "😀",
        "5" * 64,
        "+" * 20,
        "a@b;c=d?e#f",
        string.printable,
        "\ud800",  # a lone surrogate
    ]
    return [p + b for p in prefixes for b in bodies]


@pytest.mark.parametrize("text", _samples())
def test_never_raises_anything_but_input_error(text: str) -> None:
    for parse in (dial_text, parse_link, parse_number):
        try:
            result = parse(text)
        except InputError:
            continue
        stripped = result.replace(" ext ", "", 1)
        assert stripped.lstrip("+").isdigit() and stripped.isascii(), result


def test_non_strings_are_input_errors() -> None:
    for value in (None, 5145550123, b"tel:+15145550123"):
        with pytest.raises(InputError):
            dial_text(value)  # type: ignore[arg-type]


# --- the command line: a link before any COMMAND ------------------------------------------


@pytest.mark.parametrize(
    ("argv", "link", "command"),
    [
        (["tel:+15145550123"], "tel:+15145550123", None),
        (["--config", "c.toml", "callto://+15145550123"], "callto://+15145550123", None),
        (["--debug", "--lang", "fr", "SIP:+15145550123@h"], "SIP:+15145550123@h", None),
        (["--minimized", "tel:+15145550123"], "tel:+15145550123", None),
        (["call", "tel:+15145550123"], None, "call"),  # the call command's NUMBER
        (["history", "list", "--search", "tel:514"], None, "history"),
        (["--account", "office", "overview"], None, "overview"),
        ([], None, None),
    ],
)
def test_parse_args_takes_a_link_only_before_a_command(
    argv: list[str], link: str | None, command: str | None
) -> None:
    from telephony_desktop.cli.parser import parse_args

    args = parse_args(argv)
    assert args.link == link and args.command == command
    if command == "call":
        assert args.number == "tel:+15145550123"


def test_parse_args_new_options_and_existing_commands() -> None:
    from telephony_desktop.cli.parser import parse_args

    args = parse_args(["--dial", "514 555 0123", "--minimized"])
    assert (args.dial, args.minimized, args.command, args.link) == (
        "514 555 0123",
        True,
        None,
        None,
    )
    args = parse_args(["desktop", "install", "--autostart"])
    assert (args.command, args.action, args.autostart) == ("desktop", "install", True)
    assert parse_args(["desktop", "status"]).action == "status"
    assert parse_args(["--self-test"]).self_test is True
    args = parse_args(["--demo", "e911", "show", "5145550100", "--json"])
    assert (args.command, args.action, args.number, args.json) == (
        "e911",
        "show",
        "5145550100",
        True,
    )
    args = parse_args(["account", "add", "x", "--provider", "voicemeup", "--setting", "a=b"])
    assert args.setting == ["a=b"] and args.link is None


@pytest.mark.parametrize(
    "argv",
    [
        ["tel:+15145550123", "history", "list"],
        ["--dial", "5145550123", "overview"],
        ["tel:+15145550123", "--dial", "5145550123"],
        ["--self-test", "tel:+15145550123"],
        ["mailto:alice@example.com"],  # not a link we take: an unknown COMMAND
    ],
)
def test_parse_args_refuses_mixtures(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from telephony_desktop.cli.parser import parse_args

    with pytest.raises(SystemExit) as exc:
        parse_args(argv)
    assert exc.value.code == 2
    capsys.readouterr()


def test_cli_bad_link_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from telephony_desktop.cli import main

    assert main(["sip:alice@example.com"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a phone number" in err
    assert main(["--lang", "fr", "--dial", "1-800-FLOWERS"]) == 2
    assert "numéro" in capsys.readouterr().err


def test_self_test_missing_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from telephony_desktop.cli import main

    monkeypatch.setitem(sys.modules, "telephony_desktop.selftest", None)
    assert main(["--self-test"]) == 1
    assert "not available" in capsys.readouterr().err
