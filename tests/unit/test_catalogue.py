"""The message catalogue: every message the source marks has a French translation, neither
missing nor fuzzy, and each translation keeps its message's format fields."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from telephony_desktop import i18n
from telephony_desktop.i18n import catalogue
from telephony_desktop.i18n.pseudo import CLOSE, OPEN, pseudo

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "telephony_desktop"
FIELDS = re.compile(r"\{([^{}:!]*)[^{}]*\}|%\((\w+)\)[sdr]|%[sdr]")


def _extracted() -> dict[tuple[str | None, str], str]:
    """Every message the source marks, as ``pybabel extract`` finds it: (context, msgid) -> where."""
    with (ROOT / "resources/locale/babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[tuple[str | None, str], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(PACKAGE), method_map, options_map
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((context, msgid), f"{filename}:{lineno}")
    return found


def _french():
    """The French catalogue, with the parts kept beside it while a change is under way."""
    main = catalogue.po_path("fr")
    with main.open("rb") as fh:
        french = read_po(fh)
    for part in sorted((main.parent / "parts").glob("*.po")):
        with part.open("rb") as fh:
            for message in read_po(fh):
                if message.id and french.get(message.id, context=message.context) is None:
                    french[message.id] = message
    return french


def _fields(text: str) -> list[str]:
    return sorted(
        m.group(0) if not (m.group(1) or m.group(2)) else (m.group(1) or m.group(2))
        for m in FIELDS.finditer(text)
    )


def test_every_message_in_the_source_is_in_the_french_catalogue() -> None:
    french = _french()
    missing = {
        key: where
        for key, where in _extracted().items()
        if french.get(key[1], context=key[0]) is None
    }
    assert not missing, (
        f"{len(missing)} messages are not in the French catalogue; run "
        f"`packaging/catalogue.sh update` and translate them: {list(missing.items())[:20]}"
    )


def test_every_french_message_is_translated_and_not_fuzzy() -> None:
    untranslated = []
    for message in _french():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert not untranslated, f"{len(untranslated)} untranslated or fuzzy: {untranslated[:20]}"


def test_each_translation_keeps_its_format_fields() -> None:
    wrong = []
    for message in _french():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = _fields(ids[-1])
        for string in strings:
            if string and _fields(string) != expected and _fields(string) != _fields(ids[0]):
                wrong.append((ids[0], string))
    assert not wrong, wrong[:20]


def test_french_plurals_take_two_forms_and_count_zero_as_one() -> None:
    french = _french()
    assert french.num_plurals == 2
    assert french.plural_expr.replace(" ", "") == "(n>1)"


def test_the_catalogue_compiles_and_translates() -> None:
    with i18n.using("fr"):
        assert i18n._("Unknown time") == "Heure inconnue"
        assert i18n._("usage: ") == "utilisation : "
    assert i18n._("Unknown time") == "Unknown time"


def test_fuzzy_translations_are_left_out_and_parts_are_merged(tmp_path: Path) -> None:
    main = tmp_path / "main.po"
    main.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Yes"\nmsgstr "Oui"\n\n#, fuzzy\nmsgid "Maybe"\nmsgstr "Non"\n',
        encoding="utf-8",
    )
    part = tmp_path / "part.po"
    part.write_text('msgid "No"\nmsgstr "Non"\n\nmsgid "Yes"\nmsgstr "Ouais"\n', encoding="utf-8")
    import gettext
    import io

    compiled = gettext.GNUTranslations(io.BytesIO(catalogue.compile_po([main, part])))
    assert compiled.gettext("Yes") == "Oui"
    assert compiled.gettext("No") == "Non"
    assert compiled.gettext("Maybe") == "Maybe"


@pytest.mark.parametrize(
    ("message", "kept"),
    [
        ("Saved {name}.", ["{name}"]),
        ("%(prog)s: error: %(message)s\n", ["%(prog)s", "%(message)s"]),
        ("<b>Bold</b> &amp; more", ["<b>", "</b>", "&amp;"]),
        ("{count:,} calls", ["{count:,}"]),
    ],
)
def test_pseudo_keeps_fields_and_markup(message: str, kept: list[str]) -> None:
    shown = pseudo(message)
    assert shown.startswith(OPEN) and shown.endswith(CLOSE)
    for piece in kept:
        assert piece in shown
    assert not re.search(r"[A-Za-z]{2,}", _strip_kept(shown))


def _strip_kept(text: str) -> str:
    return re.sub(r"\{[^{}]*\}|%\([^)]*\)[sdr]|<[^>]*>|&[a-z]+;", "", text)


def test_the_language_follows_the_flag_then_the_setting_then_the_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "")
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    assert i18n.choose_language("en", "fr") == "en"
    assert i18n.choose_language(None, "en") == "en"
    assert i18n.choose_language(None, None) == "fr"
    assert i18n.choose_language(None, "") == "fr"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert i18n.choose_language(None, None) == "en"
    assert i18n.system_language({"LANGUAGE": "de:fr", "LANG": "de_DE"}) == "fr"
