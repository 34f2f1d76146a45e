"""The Voicemail tab (placeholder until built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from telephony_desktop.ui.tabs.base import Tab


class VoicemailTab(Tab):
    title = "Voicemail"
    key = "voicemail"

    def first_shown(self) -> None:
        self.body.addWidget(QLabel("Voicemail"))
