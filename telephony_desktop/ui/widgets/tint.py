"""Frames washed with a tone's colour (in-place messages, confirmation bars), kept right
through theme switches: the colours come from :func:`telephony_desktop.ui.theme.tone_colour`."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QFrame, QWidget

from telephony_desktop.ui.theme import tone_colour


def tinted_sheet(name: str, tone: str) -> str:
    """A frame's style sheet: a light wash and a border of ``tone``'s colour for the theme in
    force (``tone_colour``), for in-place messages and confirmation bars."""
    colour = tone_colour(tone)
    r, g, b = colour.red(), colour.green(), colour.blue()
    return (
        f"QFrame#{name} {{ background: rgba({r}, {g}, {b}, 0.10);"
        f" border: 1px solid rgba({r}, {g}, {b}, 0.60); border-radius: 6px; }}"
    )


class TintedFrame(QFrame):
    """A frame washed with a tone's colour, repainted when the theme changes (``set_tint``)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._tint: str | None = None

    def set_tint(self, tone: str) -> None:
        self._tint = tone
        sheet = tinted_sheet(self.objectName(), tone)
        if sheet != self.styleSheet():  # a style sheet change is itself a palette change
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self._tint and event.type() in (
            QEvent.Type.ApplicationPaletteChange,
            QEvent.Type.PaletteChange,
        ):
            self.set_tint(self._tint)
