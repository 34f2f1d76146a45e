"""Qt's own words (standard dialog buttons, context menus of text fields, file dialogs) in the
user's language: Qt ships them as ``qtbase_<lang>.qm``, loaded with a ``QTranslator``."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from telephony_desktop import i18n

_installed: list[QTranslator] = []


def install_qt_translations(app: QCoreApplication, lang: str | None = None) -> bool:
    """Load ``qtbase`` (and Qt Multimedia's) messages for ``lang``; English needs none. Also sets
    the default QLocale so Qt's date and number widgets match. True if Qt's French was found."""
    lang = lang or i18n.language()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(
        QLocale(
            QLocale.Language.French if lang == i18n.FRENCH else QLocale.Language.English,
            QLocale.Country.Canada,
        )
    )
    if lang != i18n.FRENCH:
        return False
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = False
    for base in ("qtbase", "qtmultimedia"):
        translator = QTranslator(app)
        if translator.load(f"{base}_fr", folder):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded = loaded or base == "qtbase"
    return loaded
