"""Pieces the tabs share (Voicemail and Recordings most): an inline confirmation bar, a non-modal
"save as" dialog, and how times and lengths read."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from telephony_desktop.i18n import _, formats
from telephony_desktop.ui.theme import set_role
from telephony_desktop.ui.widgets.tint import TintedFrame

# --- text --------------------------------------------------------------------------------------


def when_text(moment: datetime | None, today: date | None = None) -> str:
    """``Today 2:02 p.m.``, ``Yesterday 9:15 a.m.``, ``Nov 18, 2:02 p.m.``, ``Dec 30, 2025,
    8:00 a.m.`` (``Aujourd'hui 14 h 02``…): :func:`telephony_desktop.i18n.formats.when`."""
    return formats.when(moment, today)


def when_samples() -> tuple[str, ...]:
    """The usual widest ``when_text`` forms (today, yesterday, earlier this year), to size a
    column ("Aujourd'hui 12 h 59" is the widest in French)."""
    today = date(2000, 12, 2)
    return (
        when_text(datetime(2000, 12, 2, 12, 59), today),
        when_text(datetime(2000, 12, 1, 12, 59), today),
        when_text(datetime(2000, 9, 28, 12, 59), today),
    )


def long_when_text(moment: datetime | None) -> str:
    """``Sunday, November 22, 2026 at 2:02 p.m.`` for detail panes."""
    return formats.long_when(moment)


def length_text(seconds: int) -> str:
    """``0:42``, ``8:59``, ``1:02:03``."""
    return formats.length(seconds)


def file_name(*parts: str, ext: str) -> str:
    """A portable file name from parts: ``voicemail-2026-11-22-1402-Eric-Lefebvre.wav``."""
    joined = "-".join(p for p in parts if p)
    cleaned = re.sub(r"[^\w.-]+", "-", joined, flags=re.UNICODE).strip("-.") or "audio"
    return f"{cleaned[:100]}.{ext or 'wav'}"


def downloads_dir() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
    return Path(found) if found else Path.home()


# --- widgets -----------------------------------------------------------------------------------


class FoldingTip(QLabel):
    """A hint at the bottom of a pane that gives its room up first: in a short window it takes
    what is left under the pane's content, and shows only when all of it fits (never cut)."""

    def __init__(self, text: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setEnabled(False)  # the disabled text colour: a hint, not content
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)

    @property
    def folded(self) -> bool:
        return self.height() < self.heightForWidth(self.width())

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.folded:
            super().paintEvent(event)


class ConfirmBar(TintedFrame):
    """An inline "Are you sure?" with a destructive and a cancel button: never a modal box.

    ``ask(text, action)`` shows it; ``confirmed`` fires when the user accepts (the bar hides).
    """

    confirmed = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("confirm-bar", parent)
        self.set_tint("error")
        self._label = QLabel(self)
        self._label.setWordWrap(True)
        self.accept_button = QPushButton(self)
        self.accept_button.setObjectName("confirm-accept")
        set_role(self.accept_button, "danger")
        self.cancel_button = QPushButton(_("Cancel"), self)
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
        # Translators: a file type in the save dialog; keep "(*.{ext})" as it is.
        audio = _("Audio (*.{ext})").format(ext=ext)
        dialog.setNameFilters([audio, _("All files (*)")])
        dialog.setDefaultSuffix(ext)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda chosen: on_chosen(Path(chosen)))
    dialog.open()
    return dialog
