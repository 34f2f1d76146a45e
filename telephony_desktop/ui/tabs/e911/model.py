"""The account's numbers with the emergency address behind each (or a warning that none is)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont

from telephony_desktop.domain.models import Did, E911Endpoint
from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _
from telephony_desktop.services.e911_form import number_key
from telephony_desktop.ui.theme import tone_colour

COL_NUMBER, COL_NAME, COL_ADDRESS = range(3)
HEADERS = (N_("Number"), N_("Name"), N_("Emergency address"))
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
# Translators: in the Emergency address column, for a number that has none.
NO_ADDRESS = N_("⚠ No emergency address")

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class E911Row:
    key: str  # the 10 digits
    phone_number: str
    friendly_name: str
    endpoint: E911Endpoint | None


def build_rows(dids: Sequence[Did], endpoints: Sequence[E911Endpoint]) -> list[E911Row]:
    """One row per DID, plus any endpoint whose number is not (or no longer) a DID."""
    by_key = {number_key(e.phone_number): e for e in endpoints}
    rows: list[E911Row] = []
    seen: set[str] = set()
    for did in dids:
        key = number_key(did.phone_number)
        seen.add(key)
        rows.append(E911Row(key, did.phone_number, did.friendly_name, by_key.get(key)))
    for key, endpoint in by_key.items():
        if key not in seen:
            rows.append(E911Row(key, endpoint.phone_number, "", endpoint))
    return rows


class E911Model(QAbstractTableModel):
    def __init__(self, region: str, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._region = region
        self._rows: list[E911Row] = []

    def set_rows(self, rows: Sequence[E911Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[E911Row]:
        return list(self._rows)

    def row(self, index: int) -> E911Row | None:
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def row_of(self, key: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.key == key), -1)

    def find(self, key: str) -> E911Row | None:
        return self.row(self.row_of(key))

    def missing(self) -> int:
        return sum(1 for r in self._rows if r.endpoint is None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _(HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row(index.row()) if index.isValid() else None
        if row is None:
            return None
        col = index.column()
        address = row.endpoint.address if row.endpoint is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NUMBER:
                return display(row.phone_number, self._region)
            if col == COL_NAME:
                return row.friendly_name or "—"
            return address.one_line() if address is not None else _(NO_ADDRESS)
        if role == Qt.ItemDataRole.ToolTipRole:
            if address is None:
                return _(
                    "No emergency address is on file: a 911 call from this number reaches "
                    "help without a location. Select it to add one."
                )
            who = f"{address.first_name} {address.last_name}".strip()
            return f"{who}\n{address.one_line()}" if who else address.one_line()
        if col == COL_ADDRESS and address is None:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(tone_colour("warning"))  # read now: follows the theme in force
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if role == KEY_ROLE:
            return row.key
        if role == Qt.ItemDataRole.AccessibleTextRole:
            number = display(row.phone_number, self._region)
            if address is None:
                # Translators: what a screen reader says for a row of the list.
                return _("{number}, no emergency address").format(number=number)
            return f"{number}, {address.one_line()}"
        return None
