"""A message shown in place, above the content it is about: never a modal box."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from telephony_desktop.i18n import _
from telephony_desktop.ui.widgets.tint import TintedFrame


class Level(Enum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


# The theme's tone for each level: the banner is washed with its colour (see ui/theme.py).
TONE_OF = {
    Level.INFO: "accent",
    Level.SUCCESS: "success",
    Level.WARNING: "warning",
    Level.ERROR: "error",
}


class Banner(TintedFrame):
    """One line (wrapping if needed) of status, warning or error, with an optional action."""

    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("banner", parent)
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._action = QPushButton(self)
        self._action.setVisible(False)
        self._action.clicked.connect(self.action_clicked)
        close = QPushButton("✕", self)
        close.setFlat(True)
        close.setFixedWidth(28)
        close.setToolTip(_("Dismiss"))
        close.setAccessibleName(_("Dismiss message"))
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._action)
        layout.addWidget(close)
        self.level = Level.INFO
        self.hide()

    @property
    def text(self) -> str:
        return self._label.text()

    @property
    def action(self) -> str:
        """The action button's text ("" when there is none)."""
        return self._action.text() if not self._action.isHidden() else ""

    def click_action(self) -> None:
        """Press the action button, as a user would; nothing when none is offered."""
        if self.action:
            self._action.click()

    def show_message(self, text: str, level: Level = Level.INFO, action: str = "") -> None:
        self.level = level
        self.set_tint(TONE_OF[level])
        self._label.setText(text)
        self._action.setText(action)
        self._action.setVisible(bool(action))
        self.show()

    def info(self, text: str) -> None:
        self.show_message(text, Level.INFO)

    def success(self, text: str) -> None:
        self.show_message(text, Level.SUCCESS)

    def warning(self, text: str, action: str = "") -> None:
        self.show_message(text, Level.WARNING, action)

    def error(self, text: str, action: str = "") -> None:
        self.show_message(text, Level.ERROR, action)
