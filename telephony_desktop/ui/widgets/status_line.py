"""A line of status in place (progress, an error, what was saved) whose room is kept while it is
empty, so the controls under it never move when a message comes or goes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from telephony_desktop.ui.theme import set_tone
from telephony_desktop.ui.widgets.banner import Level

_TONE = {
    Level.INFO: "hint",
    Level.SUCCESS: "success",
    Level.WARNING: "warning",
    Level.ERROR: "error",
}


class StatusLine(QWidget):
    """``info`` / ``success`` / ``warning`` / ``error`` say something, ``clear()`` empties it;
    ``text`` and ``level`` tell what it says (``text`` is "" when empty). ``lines`` of room are
    kept; while it has nothing to say it shows ``placeholder`` (a hint), not a blank."""

    def __init__(
        self,
        name: str,
        parent: QWidget | None = None,
        *,
        lines: int = 1,
        placeholder: str = "",
    ) -> None:
        super().__init__(parent)
        self._placeholder = placeholder
        self._text = ""
        self.setObjectName(name)
        self._label = QLabel(self)
        self._label.setObjectName(f"{name}-text")
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._label)
        self._label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumHeight(self._label.fontMetrics().lineSpacing() * max(1, lines) + 2)
        self.level = Level.INFO
        self.clear()

    @property
    def text(self) -> str:
        """What it says ("" while it shows only its placeholder)."""
        return self._text

    @property
    def shown_text(self) -> str:
        return self._label.text()

    def show_message(self, text: str, level: Level = Level.INFO) -> None:
        self.level = level
        self._text = text
        set_tone(self._label, _TONE[level])
        self._label.setText(text)
        self.setAccessibleDescription(text)

    def info(self, text: str) -> None:
        self.show_message(text, Level.INFO)

    def success(self, text: str) -> None:
        self.show_message(text, Level.SUCCESS)

    def warning(self, text: str) -> None:
        self.show_message(text, Level.WARNING)

    def error(self, text: str) -> None:
        self.show_message(text, Level.ERROR)

    def clear(self) -> None:
        """Say nothing but the placeholder (the line keeps its room)."""
        self.level = Level.INFO
        self._text = ""
        set_tone(self._label, "hint")
        self._label.setText(self._placeholder)
        self.setAccessibleDescription("")
