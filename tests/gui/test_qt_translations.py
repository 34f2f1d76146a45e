"""Qt's own words follow the language: a standard dialog's buttons read in French."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QDialogButtonBox

from telephony_desktop import i18n
from telephony_desktop.ui.qt_translations import install_qt_translations


def test_standard_buttons_are_french_in_french(qtbot) -> None:
    app = QApplication.instance()
    try:
        with i18n.using("fr"):
            assert install_qt_translations(app)
            box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
            qtbot.addWidget(box)
            assert (
                box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
                == "Annuler"
            )
    finally:
        install_qt_translations(app, "en")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Cancel"
