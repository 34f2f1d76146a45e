"""The Numbers tab (placeholder until built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from telephony_desktop.ui.tabs.base import Tab


class DidsTab(Tab):
    title = "Numbers"
    key = "dids"

    def first_shown(self) -> None:
        self.body.addWidget(QLabel("Numbers"))
