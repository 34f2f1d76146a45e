"""One message catalogue for the whole product: gettext, managed with Babel.

Qt-free. Every user-visible string goes through ``_()`` (or ``ngettext`` for plurals), in the
window, the CLI and the layers below alike. A string that must exist before the language is chosen
(a module constant, a table heading) is marked with ``N_()`` and translated where it is shown:
``_(HEADING)``.

The language is chosen once per process (``set_language``): the CLI's ``--lang``, else the
setting, else the system locale. An error raised in a provider client is translated when raised,
so a message is always in the language the user reads.

Messages are written as English sentences with ``str.format`` fields: ``_("Saved {name}.")
.format(name=name)``. Translators see the field names; never build a sentence from pieces.
"""

from __future__ import annotations

import gettext as _gettext
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Final

DOMAIN: Final = "telephony_desktop"
ENGLISH: Final = "en"
FRENCH: Final = "fr"
LANGUAGES: Final = (ENGLISH, FRENCH)
# Every message shown in accented brackets: a test renders the app in it and fails on any text
# that did not pass through the catalogue.
PSEUDO: Final = "pseudo"

_lock = threading.Lock()
_language = ENGLISH
_translations: _gettext.NullTranslations = _gettext.NullTranslations()


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (translate it where shown)."""
    return message


def _(message: str) -> str:
    """``message`` in the current language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` in the current language (French counts 0 and 1 as one)."""
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English word elsewhere."""
    return _translations.pgettext(context, message)


def language() -> str:
    """The language messages are shown in: ``en``, ``fr`` (or ``pseudo`` in tests)."""
    return _language


def set_language(lang: str) -> None:
    """Show every message from now on in ``lang`` (``en``, ``fr`` or ``pseudo``)."""
    from telephony_desktop.i18n import catalogue

    global _language, _translations
    chosen = lang if lang in (*LANGUAGES, PSEUDO) else ENGLISH
    translations = catalogue.load(chosen)
    with _lock:
        _language, _translations = chosen, translations
    _install_argparse()


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Messages in ``lang`` inside the block (tests and one-off renderings), then as before."""
    before = _language
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the desktop session asks for (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``, as gettext reads them), if it is one the app speaks; else English."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if not value:
            continue
        for part in value.split(":"):
            code = part.split(".")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
            if code in ("c", "posix"):
                return ENGLISH
        return ENGLISH
    return ENGLISH


def choose_language(explicit: str | None, configured: str | None) -> str:
    """``--lang`` first, then the setting, then the system's locale."""
    for choice in (explicit, configured):
        if choice in (*LANGUAGES, PSEUDO):
            return str(choice)
    return system_language()


def _install_argparse() -> None:
    """argparse's own words ("usage:", "options", its errors) come from our catalogue too."""
    import argparse

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
