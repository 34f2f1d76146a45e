"""A table model over the cached call history that never reads SQLite on the Qt thread.

Rows are fetched in *pages* (``PAGE_SIZE`` rows keyed by ``row // PAGE_SIZE``) on the database
thread and kept in a small LRU. ``data()`` on a row whose page is missing returns a placeholder
(``PLACEHOLDER``) and queues the page; one loader task fetches queued pages (most recently asked
first), then emits ``dataChanged`` for the rows it filled. Changing the query (filters, search,
sort) or ``reload()`` bumps a generation counter: results of an older generation are dropped.
The row count comes from ``count_matching`` (async), so nothing on the Qt thread grows with the
size of the table: memory is ``MAX_PAGES * PAGE_SIZE`` rows at most. A reload shows its first
window with the count capped at ``FIRST_COUNT_CAP`` (counting a million matches takes longer than
finding the first 200), then the exact count arrives and the rows past the cap are inserted.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QGuiApplication, QPalette

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import _
from telephony_desktop.services.history_rows import (
    COL_COST,
    COL_DATE,
    COL_DIRECTION,
    COL_DURATION,
    COL_FROM,
    COL_NAME,
    COL_STATUS,
    COL_TO,
    COLUMNS,
    HistoryRow,
    Snapshot,
    load_page,
    load_snapshot,
)
from telephony_desktop.store.calls import (
    CallQuery,
    count_matching,
    count_matching_upto,
    has_calls,
)
from telephony_desktop.store.db import Database
from telephony_desktop.ui.theme import tone_colour

log = logging.getLogger(__name__)

PAGE_SIZE = 200
FIRST_COUNT_CAP = 1_000  # rows counted before the first window shows; the exact count follows
MAX_PAGES = 48  # LRU capacity: ~10k formatted rows, far more than any screen shows
MAX_QUEUED = 6  # pages asked for but not loaded; older asks are dropped (re-asked on repaint)
PLACEHOLDER = "…"

UserRole = Qt.ItemDataRole.UserRole
ROW_ROLE = UserRole + 1  # the HistoryRow (or None while loading)
NUMBER_ROLE = UserRole + 2  # the other party's number, for call back

_MISSED_STATUSES = frozenset({"no_answer", "busy", "failed"})
_MISSED_COLUMNS = frozenset({COL_DIRECTION, COL_STATUS})
_RIGHT_COLUMNS = frozenset({COL_DURATION, COL_COST})
_INDEX = QModelIndex | QPersistentModelIndex
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_TEXT_ROLES = frozenset({_DISPLAY, _ACCESSIBLE})
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_HANDLED_ROLES = frozenset(
    {_DISPLAY, _ACCESSIBLE, _TOOLTIP, _FOREGROUND, _ALIGN, int(ROW_ROLE), int(NUMBER_ROLE)}
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def load_first(
    conn: sqlite3.Connection, query: CallQuery, anchor: int, limit: int, region: str, cap: int
) -> tuple[Snapshot, bool]:
    """The first window of a reload and the count capped at ``cap``: (snapshot, count exact).

    An anchor past the cap (a refresh while scrolled far down) needs the exact count at once.
    """
    if anchor >= cap:
        return load_snapshot(conn, query, anchor, limit, region), True
    count = count_matching_upto(conn, query, cap)
    empty = count == 0 and not has_calls(conn)
    offset = 0 if anchor >= count else anchor
    rows = load_page(conn, query, offset, limit, region) if count else []
    return Snapshot(count, empty, offset, rows), count < cap


class HistoryModel(QAbstractTableModel):
    """Windows of the ``calls`` table, per :class:`CallQuery`, loaded on demand."""

    loading_changed = Signal(bool)  # a (re)load of the count is under way
    reloaded = Signal(int, bool)  # (rows matching, whole cache empty)
    load_failed = Signal(object)  # a TelephonyError from a page or count load

    def __init__(
        self,
        db: Database | None,
        start: Callable[..., Any],
        region: str = "CA",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._start = start
        self._region = region
        self._query = CallQuery()
        self._count = 0
        self._cache_empty = True
        self._loaded_once = False
        self._generation = 0
        self._pages: OrderedDict[int, list[HistoryRow]] = OrderedDict()
        self._queued: OrderedDict[int, None] = OrderedDict()
        self._loading_pages = False
        self._reloading = False
        self._counting = False  # the exact count of a reload shown with a capped one
        self._reload_again = False
        self._anchor_row = 0
        self._active = False  # nothing is read until the view is first shown (activate)
        self.page_loads = 0  # pages fetched so far (for tests and diagnostics)

    # --- what the view asks --------------------------------------------------------------

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        title, _sort_key, tip = COLUMNS[section]  # marked with N_() where they are listed
        if role == Qt.ItemDataRole.DisplayRole:
            return _(title)
        if role == Qt.ItemDataRole.ToolTipRole:
            # Translators: a column heading's tooltip: what the column shows, then a sentence.
            return _("{tip}. Click to sort.").format(tip=_(tip))
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (COL_DURATION, COL_COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called ~15 times per visible cell per paint: the roles it has nothing for return first,
        # and roles are compared as plain ints (enum comparisons cost more than the rest).
        role = int(role)
        if role not in _HANDLED_ROLES or not index.isValid():
            return None
        column = index.column()
        if role == _ALIGN:
            return _RIGHT if column in _RIGHT_COLUMNS else _LEFT
        row = self.row_at(index.row())
        if row is None:
            if role in _TEXT_ROLES:
                return PLACEHOLDER
            if role == _TOOLTIP:
                return _("Loading…")
            return None
        if role in _TEXT_ROLES:
            return row.cells[column]
        if role == _FOREGROUND:
            if column in _MISSED_COLUMNS:
                missed = row.direction == "inbound" and row.status in _MISSED_STATUSES
                return QBrush(tone_colour("error")) if missed else None  # the theme in force
            if column == COL_NAME and row.direction == "outbound":
                return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
            return None
        if role == ROW_ROLE:
            return row
        if role == NUMBER_ROLE:
            return row.other_party
        # tooltips
        if column == COL_DATE:
            return row.tooltip_when
        if column == COL_DIRECTION:
            return _("Incoming call") if row.direction == "inbound" else _("Outgoing call")
        if column in (COL_FROM, COL_TO) and row.other_party:
            return _("Double-click the row to call back")
        if column == COL_NAME and row.direction == "outbound" and row.cells[column]:
            # Translators: name is the caller ID name sent with an outgoing call.
            return _("{name}: the caller ID name you sent").format(name=row.cells[column])
        return row.cells[column] or None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][1]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=key, descending=descending))

    # --- public API ----------------------------------------------------------------------

    @property
    def query(self) -> CallQuery:
        return self._query

    @property
    def cache_empty(self) -> bool:
        return self._cache_empty

    @property
    def loaded_once(self) -> bool:
        """A count has arrived at least once (before that, 0 rows means "not known yet")."""
        return self._loaded_once

    @property
    def loading(self) -> bool:
        return self._reloading or self._counting

    @property
    def generation(self) -> int:
        return self._generation

    def activate(self, query: CallQuery | None = None) -> None:
        """Start reading the cache (the first time the table is shown)."""
        self._active = True
        if query is not None:
            self._query = query
        self.reload(anchor_row=0)

    @property
    def active(self) -> bool:
        return self._active

    def set_query(self, query: CallQuery) -> None:
        """Show the calls matching ``query`` (starting at the top)."""
        self._query = query
        self.reload(anchor_row=0)

    def set_region(self, region: str) -> None:
        self._region = region

    def row_at(self, row: int) -> HistoryRow | None:
        """The row if its page is loaded; otherwise queue the page and return None."""
        if not 0 <= row < self._count:
            return None
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            self._want(page_no)
            return None
        self._pages.move_to_end(page_no)
        offset = row - page_no * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def is_loaded(self, row: int) -> bool:
        return (row // PAGE_SIZE) in self._pages

    @property
    def pages_cached(self) -> int:
        return len(self._pages)

    def reload(self, anchor_row: int | None = None) -> None:
        """Re-read the count and the rows (after a sync, or a query change).

        What is on screen stays until the new count and first page arrive together, so a
        reload never flashes placeholders at the top of the table. ``anchor_row`` is a row to
        have ready at once (the first visible one); default: the last one given.
        """
        if anchor_row is not None:
            self._anchor_row = max(0, anchor_row)
        self._generation += 1
        self._queued.clear()
        self._counting = False  # a count of an older generation no longer counts
        if self._db is None or not self._active:
            return
        if self._reloading:
            self._reload_again = True  # the running reload's result is stale; redo when done
            return
        self._reloading = True
        self.loading_changed.emit(True)
        generation = self._generation
        anchor = (self._anchor_row // PAGE_SIZE) * PAGE_SIZE
        self._start(
            self._db.run(load_first, self._query, anchor, PAGE_SIZE, self._region, FIRST_COUNT_CAP),
            on_done=lambda first: self._first_arrived(generation, *first),
            on_error=self._failed,
            on_finally=self._reload_finished,
        )

    # --- loading -------------------------------------------------------------------------

    def _first_arrived(self, generation: int, snap: Snapshot, exact: bool) -> None:
        if generation != self._generation:
            return
        self._counting = not exact
        self._snapshot_arrived(generation, snap)
        if exact or self._db is None:
            return
        self._start(
            self._db.run(count_matching, self._query),
            on_done=lambda count: self._count_arrived(generation, count),
            on_error=self._failed,
            on_finally=lambda: self._count_finished(generation),
        )

    def _count_arrived(self, generation: int, count: int) -> None:
        if generation != self._generation or count == self._count:
            return
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        else:  # rows went away meanwhile (retention): show it as a fresh load
            self.beginResetModel()
            self._count = count
            self._pages.clear()
            self.endResetModel()
        self.reloaded.emit(count, self._cache_empty)

    def _count_finished(self, generation: int) -> None:
        if generation == self._generation and self._counting:
            self._counting = False
            self.loading_changed.emit(False)

    def _snapshot_arrived(self, generation: int, snap: Snapshot) -> None:
        if generation != self._generation:
            return
        self._reloading = False  # the view may ask for pages as soon as the reset ends
        self.beginResetModel()
        self._pages.clear()
        self._queued.clear()
        self._count = snap.count
        self._cache_empty = snap.cache_empty
        if snap.first_rows:
            self._pages[snap.first_offset // PAGE_SIZE] = snap.first_rows
        self._loaded_once = True
        self.endResetModel()
        self.reloaded.emit(snap.count, snap.cache_empty)

    def _reload_finished(self) -> None:
        self._reloading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        if not self._counting:
            self.loading_changed.emit(False)
        self._kick()

    def _failed(self, exc: TelephonyError) -> None:
        self.load_failed.emit(exc)

    def _want(self, page_no: int) -> None:
        if self._reloading or self._db is None or not self._active:
            return  # the reload brings a fresh count and first page; repaint asks again
        self._queued[page_no] = None
        self._queued.move_to_end(page_no)
        while len(self._queued) > MAX_QUEUED:
            self._queued.popitem(last=False)
        self._kick()

    def _kick(self) -> None:
        if self._loading_pages or self._reloading or not self._queued or self._db is None:
            return
        self._loading_pages = True
        self._start(self._load_queued(), on_error=self._failed, on_finally=self._pages_done)

    def _pages_done(self) -> None:
        self._loading_pages = False
        if not self._reloading:
            self._kick()  # asks that came in as the loader was finishing

    async def _load_queued(self) -> None:
        try:
            await self._load_queued_pages()
        except BaseException:
            self._queued.clear()  # no retry loop on a failing database; repaint asks again
            raise

    async def _load_queued_pages(self) -> None:
        assert self._db is not None
        while self._queued and not self._reloading:
            page_no, _asked = self._queued.popitem(last=True)  # the latest ask is what is on screen
            if page_no in self._pages:
                continue
            generation = self._generation
            rows = await self._db.run(
                load_page, self._query, page_no * PAGE_SIZE, PAGE_SIZE, self._region
            )
            self.page_loads += 1
            if generation != self._generation or self._reloading:
                continue  # the query changed while this page was read: drop it
            self._store(page_no, rows)

    def _store(self, page_no: int, rows: list[HistoryRow]) -> None:
        self._pages[page_no] = rows
        self._pages.move_to_end(page_no)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        first = page_no * PAGE_SIZE
        last = min(self._count, first + len(rows)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1), [])
