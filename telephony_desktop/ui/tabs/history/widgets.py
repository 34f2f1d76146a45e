"""Small widgets of the History tab: a progress strip with Cancel, and the empty-state overlay."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from telephony_desktop.i18n import _


class ActivityStrip(QWidget):
    """A slim progress bar, a line saying what is happening, and a Cancel button."""

    cancel_clicked = Signal()

    def __init__(
        self, name: str, cancel_tip: str, progress: str, parent: QWidget | None = None
    ) -> None:
        """``cancel_tip`` says what Cancel stops ("Stop syncing"), ``progress`` names the bar
        for screen readers ("Sync progress"); both translated."""
        super().__init__(parent)
        self.setObjectName(name)
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(120)
        self.bar.setMaximumHeight(10)
        self.bar.setAccessibleName(progress)
        self.label = QLabel(self)
        self.label.setObjectName(f"{name}-label")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.cancel = QPushButton(_("Cancel"), self)
        self.cancel.setObjectName(f"{name}-cancel")
        self.cancel.setToolTip(cancel_tip)
        self.cancel.setAccessibleName(cancel_tip)
        self.cancel.clicked.connect(self.cancel_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.label)
        layout.addWidget(self.cancel)
        self.hide()

    def start(self, text: str, total: int = 0) -> None:
        """Show the strip; ``total`` 0 means "how much is unknown" (a busy bar)."""
        self.bar.setRange(0, max(0, total))
        self.bar.setValue(0)
        self.label.setText(text)
        self.cancel.setEnabled(True)
        self.show()

    def update(self, text: str, value: int | None = None) -> None:  # type: ignore[override]
        self.label.setText(text)
        if value is not None and self.bar.maximum() > 0:
            self.bar.setValue(min(value, self.bar.maximum()))

    def stop(self) -> None:
        self.hide()


class Overlay(QLabel):
    """A centred message over a view's viewport (the view's header stays visible)."""

    def __init__(self, view: QAbstractScrollArea) -> None:
        super().__init__(view.viewport())
        self.setObjectName("history-empty")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.setFont(font)
        self.setMargin(24)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._viewport.rect())
        return False

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setGeometry(self._viewport.rect())
        self.show()
        self.raise_()
