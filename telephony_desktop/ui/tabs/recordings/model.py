"""The recordings list as a table model, and the filters the tab applies to it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _
from telephony_desktop.store.media import CachedRecording
from telephony_desktop.ui.tabs.common import length_text, long_when_text, when_text

COL_DATE, COL_FROM, COL_TO, COL_LENGTH, COL_STATUS = range(5)
# Translators: the Recordings table's headings: a call's date, its caller's number, the number
# called, the recording's length and its status.
HEADERS: Final = (N_("Date"), N_("From"), N_("To"), N_("Length"), N_("Status"))
# A recording's status at the provider.
STATUS_TEXT: Final = {
    "verified": N_("Verified"),
    "unverified": N_("Unverified"),
    "deleted": N_("Deleted"),
}
PERIODS: Final = (  # label, days back (None: any time)
    (N_("Any time"), None),
    (N_("Today"), 0),
    (N_("Last 7 days"), 7),
    (N_("Last 30 days"), 30),
    (N_("Last 90 days"), 90),
)

Index = QModelIndex | QPersistentModelIndex


def status_text(status: str) -> str:
    """The status as shown; one the app does not know is made readable (``pending_review`` ->
    ``Pending review``), in the provider's words."""
    known = STATUS_TEXT.get(status.strip().lower())
    if known:
        return _(known)
    words = re.sub(r"[\s_-]+", " ", status).strip()
    return (words[:1].upper() + words[1:].lower()) if words else "—"


@dataclass(frozen=True, slots=True)
class RecordingFilter:
    """What the filter bar asks for. ``status`` None: all; ``days`` None: any time."""

    status: str | None = None
    text: str = ""
    days: int | None = None

    @property
    def active(self) -> bool:
        return self.status is not None or bool(self.text.strip()) or self.days is not None

    def matches(self, item: CachedRecording, region: str, now: datetime) -> bool:
        rec = item.recording
        if self.status is not None and rec.status != self.status:
            return False
        if self.days is not None:
            if rec.recorded_at is None:
                return False
            since = datetime.combine(now.date() - timedelta(days=self.days), datetime.min.time())
            if rec.recorded_at < since:
                return False
        text = self.text.strip()
        if text:
            digits = re.sub(r"\D", "", text)
            numbers = (rec.source, rec.destination)
            if digits:
                if not any(digits in re.sub(r"\D", "", n) for n in numbers):
                    return False
            else:
                shown = " ".join(display(n, region) for n in numbers).casefold()
                if text.casefold() not in shown:
                    return False
        return True


class RecordingsModel(QAbstractTableModel):
    def __init__(self, region: str = "CA", parent: Any = None) -> None:
        super().__init__(parent)
        self._region = region
        self._items: list[CachedRecording] = []
        self._today = date.today()

    def set_items(self, items: list[CachedRecording]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._today = date.today()
        self.endResetModel()

    def items(self) -> list[CachedRecording]:
        return list(self._items)

    def item(self, row: int) -> CachedRecording | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, recording_id: str) -> int | None:
        for row, item in enumerate(self._items):
            if item.recording.recording_id == recording_id:
                return row
        return None

    def find(self, recording_id: str) -> CachedRecording | None:
        row = self.row_of(recording_id)
        return None if row is None else self._items[row]

    def update(self, item: CachedRecording) -> None:
        row = self.row_of(item.recording.recording_id)
        if row is not None:
            self._items[row] = item
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def remove(self, recording_id: str) -> int | None:
        row = self.row_of(recording_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            self.endRemoveRows()
        return row

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        rec = item.recording
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_DATE:
                return when_text(rec.recorded_at, self._today)
            if column == COL_FROM:
                return display(rec.source, self._region) or "—"
            if column == COL_TO:
                return display(rec.destination, self._region) or "—"
            if column == COL_LENGTH:
                return length_text(rec.duration_s)
            if column == COL_STATUS:
                return status_text(rec.status)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == COL_LENGTH:
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return long_when_text(rec.recorded_at)
        return None
