"""Pieces the tabs share (Voicemail and Recordings most): an inline confirmation bar, a non-modal
"save as" dialog, and how times and lengths read."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

# --- text --------------------------------------------------------------------------------------


def when_text(moment: datetime | None, today: date | None = None) -> str:
    """``Today 14:02``, ``Yesterday 09:15``, ``Nov 18, 14:02``, ``Dec 30 2025, 08:00``."""
    if moment is None:
        return "—"
    today = today or date.today()
    clock = moment.strftime("%H:%M")
    day = moment.date()
    if day == today:
        return f"Today {clock}"
    if (today - day).days == 1:
        return f"Yesterday {clock}"
    if day.year == today.year:
        return f"{moment.strftime('%b')} {day.day}, {clock}"
    return f"{moment.strftime('%b')} {day.day} {day.year}, {clock}"


def long_when_text(moment: datetime | None) -> str:
    """``Sunday, November 22 2026 at 14:02`` for detail panes."""
    if moment is None:
        return "Unknown time"
    return f"{moment.strftime('%A, %B')} {moment.day} {moment.year} at {moment.strftime('%H:%M')}"


def length_text(seconds: int) -> str:
    """``0:42``, ``8:59``, ``1:02:03``."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def file_name(*parts: str, ext: str) -> str:
    """A portable file name from parts: ``voicemail-2026-11-22-1402-Eric-Lefebvre.wav``."""
    joined = "-".join(p for p in parts if p)
    cleaned = re.sub(r"[^\w.-]+", "-", joined, flags=re.UNICODE).strip("-.") or "audio"
    return f"{cleaned[:100]}.{ext or 'wav'}"


def downloads_dir() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return Path(found) if found else Path.home()


# --- widgets -----------------------------------------------------------------------------------


class ConfirmBar(QFrame):
    """An inline "Are you sure?" with a destructive and a cancel button: never a modal box.

    ``ask(text, action)`` shows it; ``confirmed`` fires when the user accepts (the bar hides).
    """

    confirmed = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirm-bar")
        self.setStyleSheet(
            "QFrame#confirm-bar { background: rgba(220, 53, 69, 0.10);"
            " border: 1px solid rgba(220, 53, 69, 0.55); border-radius: 6px; }"
        )
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self.accept_button = QPushButton(self)
        self.accept_button.setObjectName("confirm-accept")
        self.accept_button.setStyleSheet(
            "QPushButton { background: #c62f3e; color: white; border: 1px solid #a82633;"
            " border-radius: 4px; padding: 4px 14px; }"
            " QPushButton:hover { background: #d63a49; }"
            " QPushButton:focus { border: 2px solid #6b1019; }"
        )
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("confirm-cancel")
        self.accept_button.clicked.connect(self._accept)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self._label, 1)
        layout.addWidget(self.accept_button)
        layout.addWidget(self.cancel_button)
        self.hide()

    @property
    def text(self) -> str:
        return self._label.text()

    def ask(self, text: str, action: str) -> None:
        self._label.setText(text)
        self.accept_button.setText(action)
        self.show()
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)  # Enter never destroys

    def accept(self) -> None:
        self._accept()

    def cancel(self) -> None:
        if self.isVisible():
            self.hide()
            self.cancelled.emit()

    def _accept(self) -> None:
        self.hide()
        self.confirmed.emit()


def ask_save_path(
    parent: QWidget, caption: str, suggested: str, on_chosen: Callable[[Path], None]
) -> QFileDialog:
    """Open a "save as" dialog without a nested event loop; ``on_chosen`` gets the path."""
    dialog = QFileDialog(parent, caption, str(downloads_dir() / suggested))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    ext = Path(suggested).suffix.lstrip(".")
    if ext:
        dialog.setNameFilters([f"Audio (*.{ext})", "All files (*)"])
        dialog.setDefaultSuffix(ext)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda chosen: on_chosen(Path(chosen)))
    dialog.open()
    return dialog
