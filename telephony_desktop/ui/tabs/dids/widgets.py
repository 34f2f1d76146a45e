"""Small pieces the Numbers and E911 tabs share: an inline confirmation bar (never a modal box),
an error line shown under the field it is about, and section headings."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.i18n import _

_TONES = {
    "danger": ("rgba(220, 53, 69, 0.10)", "rgba(220, 53, 69, 0.60)"),
    "caution": ("rgba(240, 173, 0, 0.16)", "rgba(240, 173, 0, 0.75)"),
    "info": ("rgba(52, 120, 246, 0.10)", "rgba(52, 120, 246, 0.55)"),
}


class ConfirmBar(QFrame):
    """An inline "are you sure?": the sentence, an action button and Cancel.

    ``ask(text, action)`` shows it; ``confirmed`` fires when the user accepts (the bar hides
    first), ``cancelled`` when they do not.
    """

    confirmed = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None, *, name: str = "confirm-bar") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confirm_button = QPushButton(self)
        self.confirm_button.setObjectName(f"{name}-confirm")
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.clicked.connect(self._accept)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setObjectName(f"{name}-cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self._reject)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(self._label)
        layout.addLayout(buttons)
        self.hide()

    @property
    def text(self) -> str:
        return self._label.text()

    def ask(self, text: str, action: str, tone: str = "danger") -> None:
        background, border = _TONES.get(tone, _TONES["danger"])
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ background: {background};"
            f" border: 1px solid {border}; border-radius: 6px; }}"
        )
        self._label.setText(text)
        self.confirm_button.setText(action)
        self.show()
        self.confirm_button.setFocus()

    def dismiss(self) -> None:
        self.hide()

    def _accept(self) -> None:
        self.hide()
        self.confirmed.emit()

    def _reject(self) -> None:
        self.hide()
        self.cancelled.emit()


class FieldError(QLabel):
    """The sentence saying what is wrong with the field just above it; hidden when empty."""

    def __init__(self, parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(f"error-{name}")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("color: #c0392b;")
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_error(self) -> None:
        self.setText("")
        self.hide()


def heading(text: str, parent: QWidget, scale: float = 1.15) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def hint(text: str, parent: QWidget) -> QLabel:
    """A greyed, wrapping explanation for first-time users."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setEnabled(False)
    return label
