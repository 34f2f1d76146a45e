"""The voicemail list as a table model: new messages bold with a dot."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Final

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _, pgettext
from telephony_desktop.store.media import CachedVoicemail
from telephony_desktop.ui.tabs.common import length_text, long_when_text, when_text
from telephony_desktop.ui.theme import tone_colour

COL_NEW, COL_CALLER, COL_NUMBER, COL_RECEIVED, COL_LENGTH = range(5)
# The first column holds the new-message dot and has no heading.
HEADERS: Final = ("", N_("Caller"), N_("Number"), N_("Received"), N_("Length"))
ID_ROLE: Final = Qt.ItemDataRole.UserRole + 1
_NEW_DOT: Final = "●"

Index = QModelIndex | QPersistentModelIndex


def callback_number(item: CachedVoicemail) -> str:
    """The number to call the caller back on; "" when it was withheld or is unknown (the
    provider then logs nothing, or a word such as "anonymous")."""
    number = item.voicemail.callerid_number.strip()
    return number if len(re.sub(r"\D", "", number)) >= 3 else ""


def caller_text(item: CachedVoicemail, region: str) -> str:
    """The caller's name, else the number, else "Unknown caller" (never the provider's word for
    a withheld number, such as "anonymous")."""
    number = callback_number(item)
    return item.voicemail.callerid_name.strip() or display(number, region) or _("Unknown caller")


class VoicemailModel(QAbstractTableModel):
    def __init__(self, region: str = "CA", parent: Any = None) -> None:
        super().__init__(parent)
        self._region = region
        self._items: list[CachedVoicemail] = []
        self._today = date.today()
        self._bold = QFont()
        self._bold.setBold(True)

    # --- contents ------------------------------------------------------------------------------

    def set_items(self, items: list[CachedVoicemail]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._today = date.today()
        self.endResetModel()

    def items(self) -> list[CachedVoicemail]:
        return list(self._items)

    def item(self, row: int) -> CachedVoicemail | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, voicemail_id: str) -> int | None:
        for row, item in enumerate(self._items):
            if item.voicemail.voicemail_id == voicemail_id:
                return row
        return None

    def find(self, voicemail_id: str) -> CachedVoicemail | None:
        row = self.row_of(voicemail_id)
        return None if row is None else self._items[row]

    def update(self, item: CachedVoicemail) -> None:
        row = self.row_of(item.voicemail.voicemail_id)
        if row is not None:
            self._items[row] = item
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def remove(self, voicemail_id: str) -> int | None:
        row = self.row_of(voicemail_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            self.endRemoveRows()
        return row

    def unread_count(self) -> int:
        return sum(1 for item in self._items if item.is_new)

    # --- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            heading = HEADERS[section]
            return _(heading) if heading else ""
        if role == Qt.ItemDataRole.ToolTipRole and section == COL_NEW:
            return _("New messages are marked with a dot")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        vm = item.voicemail
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NEW:
                return _NEW_DOT if item.is_new else ""
            if column == COL_CALLER:
                return caller_text(item, self._region)
            if column == COL_NUMBER:
                number = callback_number(item) if vm.callerid_name else ""
                return display(number, self._region)
            if column == COL_RECEIVED:
                return when_text(vm.received_at, self._today)
            if column == COL_LENGTH:
                return length_text(vm.duration_s)
            return None
        if role == Qt.ItemDataRole.FontRole and item.is_new:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_NEW:
            return QBrush(tone_colour("accent"))  # read now: the theme in force
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (COL_NEW, COL_LENGTH):
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            when = long_when_text(vm.received_at)
            if item.is_new:
                return _("New message · {when}").format(when=when)
            # Translators: a voicemail message that was listened to, then when it was left.
            return _("Heard · {when}").format(when=when)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COL_NEW:
            # Translators: the state of a voicemail message (un message vocal).
            return pgettext("voicemail", "New") if item.is_new else pgettext("voicemail", "Heard")
        if role == ID_ROLE:
            return vm.voicemail_id
        return None
