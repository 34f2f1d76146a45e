"""Finding and loading the compiled catalogue of a language.

The ``.po`` sources live in ``resources/locale/<lang>/LC_MESSAGES/``. The build and the bundle
compile them (``packaging/catalogue.sh compile``); from a source checkout a missing or stale
``.mo`` is compiled here, on first use, beside its source (in memory if that folder is read-only),
so ``uv run`` needs no build step.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import os
import tempfile
from pathlib import Path

from telephony_desktop.resources import resources_dir

LOCALE_DIRNAME = "locale"


def locale_dir() -> Path:
    return resources_dir() / LOCALE_DIRNAME


def po_path(lang: str) -> Path:
    from telephony_desktop.i18n import DOMAIN

    return locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang``; English is the source language and needs none."""
    from telephony_desktop.i18n import ENGLISH, PSEUDO

    if lang == PSEUDO:
        from telephony_desktop.i18n.pseudo import PseudoTranslations

        return PseudoTranslations()
    if lang == ENGLISH:
        return gettext.NullTranslations()
    mo = _compiled(lang)
    if mo is None:
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(mo))


def _compiled(lang: str) -> bytes | None:
    source = po_path(lang)
    target = source.with_suffix(".mo")
    sources = [source, *_parts(source)]
    with contextlib.suppress(OSError):
        newest = max(p.stat().st_mtime for p in sources if p.exists()) if source.exists() else 0.0
        if target.exists() and target.stat().st_mtime >= newest:
            return target.read_bytes()
    if not source.exists():
        return None
    data = compile_po(sources)
    _write_beside(target, data)
    return data


def _parts(source: Path) -> list[Path]:
    """Catalogue parts kept beside the main one while a change is under way (merged by
    ``packaging/catalogue.sh update``)."""
    folder = source.parent / "parts"
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


def compile_po(sources: list[Path]) -> bytes:
    """The ``.mo`` bytes of one or more ``.po`` files (the first wins on a repeated message).
    Fuzzy translations are left out, as ``msgfmt`` does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with sources[0].open("rb") as fh:
        catalog = read_po(fh)
    for extra in sources[1:]:
        with extra.open("rb") as fh:
            part = read_po(fh)
        for message in part:
            if message.id and catalog.get(message.id, context=message.context) is None:
                catalog[message.id] = message
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _write_beside(target: Path, data: bytes) -> None:
    """Keep the compiled catalogue for the next start; a read-only install simply compiles again."""
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".mo-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
