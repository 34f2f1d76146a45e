"""The account's numbers as a table: number, name, routing in words, status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from telephony_desktop.domain.models import Did, Mailbox
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _
from telephony_desktop.services.did_form import routing_summary
from telephony_desktop.ui.theme import tone_colour

COL_NUMBER, COL_NAME, COL_ROUTING, COL_STATUS = range(4)
HEADERS = (N_("Number"), N_("Name"), N_("When someone calls"), N_("Status"))
ID_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class DidModel(QAbstractTableModel):
    def __init__(self, region: str, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._region = region
        self._dids: list[Did] = []
        self._mailboxes: Mapping[str, Mailbox] = {}

    def set_dids(self, dids: Sequence[Did]) -> None:
        self.beginResetModel()
        self._dids = list(dids)
        self.endResetModel()

    def set_mailboxes(self, mailboxes: Sequence[Mailbox]) -> None:
        self._mailboxes = {m.mailbox_id: m for m in mailboxes}
        if self._dids:
            self.dataChanged.emit(
                self.index(0, COL_ROUTING), self.index(len(self._dids) - 1, COL_ROUTING)
            )

    def did(self, row: int) -> Did | None:
        return self._dids[row] if 0 <= row < len(self._dids) else None

    def dids(self) -> list[Did]:
        return list(self._dids)

    def row_of(self, did_id: str) -> int:
        return next((i for i, d in enumerate(self._dids) if d.did_id == did_id), -1)

    def find(self, did_id: str) -> Did | None:
        return self.did(self.row_of(did_id))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._dids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[section])
        return None

    def routing(self, did: Did, *, names: bool = False) -> str:
        """In words; with the voicemail boxes' names for tooltips and the form (``names``)."""
        return routing_summary(did, self._region, self._mailboxes if names else None)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        did = self.did(index.row()) if index.isValid() else None
        if did is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NUMBER:
                return display(did.phone_number, self._region)
            if col == COL_NAME:
                return did.friendly_name or "—"
            if col == COL_ROUTING:
                return self.routing(did)
            return _("Disabled") if did.status == "disabled" else _("Enabled")
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_ROUTING:
                return self.routing(did, names=True)
            if col == COL_STATUS and did.status == "disabled":
                return _("Calls to this number are refused while it is disabled.")
            return f"{display(did.phone_number, self._region)} · {did.friendly_name}"
        if role == Qt.ItemDataRole.ForegroundRole and did.status == "disabled":
            return QBrush(tone_colour("hint"))  # read now: follows the theme in force
        if role == ID_ROLE:
            return did.did_id
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{display(did.phone_number, self._region)}, {did.friendly_name}"
        return None
