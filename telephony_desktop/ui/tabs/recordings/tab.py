"""The Recordings tab (placeholder until built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from telephony_desktop.ui.tabs.base import Tab


class RecordingsTab(Tab):
    title = "Recordings"
    key = "recordings"

    def first_shown(self) -> None:
        self.body.addWidget(QLabel("Recordings"))
