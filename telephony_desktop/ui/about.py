"""Help ▸ About and Help ▸ Keyboard shortcuts: what runs (versions, licences) and which keys do
what, in the user's language."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop import __version__
from telephony_desktop.i18n import N_, _

# The libraries the app is built on, with the licence each is distributed under (what the user
# may need to know to redistribute it). Versions are read from the installed packages.
COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("PySide6", "pyside6", "LGPL-3.0"),
    ("qasync", "qasync", "BSD-2-Clause"),
    ("httpx", "httpx", "BSD-3-Clause"),
    ("lxml", "lxml", "BSD-3-Clause"),
    ("keyring", "keyring", "MIT"),
    ("phonenumbers", "phonenumbers", "Apache-2.0"),
    ("platformdirs", "platformdirs", "MIT"),
    ("Babel", "babel", "BSD-3-Clause"),
    ("desktop-notifier", "desktop-notifier", "MIT"),
    ("aiohttp", "aiohttp", "Apache-2.0"),
)
APP_LICENCE = "MIT"


def component_versions() -> list[tuple[str, str, str]]:
    """(name, version, licence) of Python, Qt and each library, as installed."""
    rows = [
        ("Python", platform.python_version(), "PSF-2.0"),
        ("Qt", qVersion(), "LGPL-3.0"),
    ]
    for shown, dist, licence in COMPONENTS:
        try:
            version = pyside_version if dist == "pyside6" else metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = "—"
        rows.append((shown, version, licence))
    return rows


def _table(headers: list[str], rows: Sequence[Sequence[str]], parent: QWidget) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    return table


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about-dialog")
        self.setWindowTitle(_("About Telephony Desktop"))
        layout = QVBoxLayout(self)
        title = QLabel(f"<h2>Telephony Desktop {__version__}</h2>", self)
        title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(title)
        summary = QLabel(
            _(
                "A desktop companion for phone service behind provider APIs: calls, history, "
                "voicemail, recordings, numbers and emergency addresses."
            ),
            self,
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        layout.addWidget(
            QLabel(
                _("Telephony Desktop is free software under the {licence} licence.").format(
                    licence=APP_LICENCE
                ),
                self,
            )
        )
        layout.addWidget(QLabel(_("Built on:"), self))
        self.components = _table(
            [_("Component"), _("Version"), _("Licence")], component_versions(), self
        )
        self.components.setAccessibleName(_("Components, versions and licences"))
        layout.addWidget(self.components, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 460)


# Keys that work anywhere in the window; each tab adds its own (listed after these).
GLOBAL_SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+Tab", N_("Next tab")),
    ("Ctrl+Shift+Tab", N_("Previous tab")),
    (
        "Ctrl+1 … Ctrl+7",
        N_("Go to a tab: Dialer, History, Voicemail, Recordings, Numbers, E911, Settings"),
    ),
    ("F5", N_("Refresh the tab (History: sync now)")),
    ("Ctrl+F", N_("History: search")),
    ("Space", N_("Voicemail, Recordings: play or pause the selected message")),
    ("Delete", N_("Voicemail, Recordings: delete the selected message (asks first)")),
    ("Enter", N_("Dialer: call the number")),
    ("F1", N_("Keyboard shortcuts")),
    ("Ctrl+Q", N_("Quit")),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts-dialog")
        self.setWindowTitle(_("Keyboard shortcuts"))
        layout = QVBoxLayout(self)
        rows = [(keys, _(what)) for keys, what in GLOBAL_SHORTCUTS]
        self.table = _table([_("Keys"), _("What they do")], rows, self)
        self.table.setAccessibleName(_("Keyboard shortcuts"))
        layout.addWidget(self.table, 1)
        hint = QLabel(
            _(
                "Tab and Shift+Tab move between controls; Alt with an underlined letter opens "
                "a menu."
            ),
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(600, 420)
