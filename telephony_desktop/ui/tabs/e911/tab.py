"""The E911 tab (placeholder until built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from telephony_desktop.ui.tabs.base import Tab


class E911Tab(Tab):
    title = "E911"
    key = "e911"

    def first_shown(self) -> None:
        self.body.addWidget(QLabel("E911"))
