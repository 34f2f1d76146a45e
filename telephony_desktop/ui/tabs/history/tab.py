"""The History tab: the cached call history, searchable offline, synced on demand.

The table reads the cache through :class:`HistoryModel` (windows of rows, loaded on the database
thread); filters and search become a :class:`CallQuery` answered in SQL. "Sync now" runs
:class:`HistorySync` as a task with progress and Cancel; a failed or cancelled sync keeps what is
cached (each page is committed on its own) and says why in the banner.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QWidget,
)

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import N_, _, formats, ngettext, pgettext
from telephony_desktop.providers.base import PAGE_SIZE
from telephony_desktop.services.history_export import export_calls_csv
from telephony_desktop.services.history_rows import (
    COL_COST,
    COL_DATE,
    COL_DIRECTION,
    COL_DURATION,
    COL_FROM,
    COL_NAME,
    COL_STATUS,
    COL_TO,
    HistoryRow,
    number_label,
    status_label,
)
from telephony_desktop.services.sync import (
    BATCH_CALLS,
    BATCH_SECONDS,
    LAST_SYNC_META,
    HistorySync,
    SyncProgress,
    SyncReport,
    Waiting,
)
from telephony_desktop.store.calls import CallQuery, call_statuses
from telephony_desktop.store.state import get_meta
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.tabs.history.model import HistoryModel
from telephony_desktop.ui.tabs.history.widgets import ActivityStrip, Overlay
from telephony_desktop.ui.widgets.tables import record_table

log = logging.getLogger(__name__)

HEADER_STATE_KEY = "history/header"
SEARCH_DEBOUNCE_MS = 250
ROW_HEIGHT_EXTRA = 10  # pixels above the font height, for a calm, fixed row height
PROGRESSIVE_RELOAD_MS = 1000  # while syncing, show newly cached calls this often at most

# What the table's empty area says (shown translated: ``_(EMPTY_CACHE)``).
EMPTY_CACHE = N_("No calls yet — press Sync now to fetch your call history.")
EMPTY_MATCH = N_("No calls match these filters.\nClear the search or widen the date range.")
SYNCING_EMPTY = N_("Fetching your call history…")
NO_ACCOUNT = N_("Call history comes from a VoiceMeUp account: add one in Settings to see it here.")

DIRECTIONS = (
    (N_("All directions"), ""),
    (N_("↙ Incoming"), "inbound"),
    (N_("↗ Outgoing"), "outbound"),
)
DATE_RANGES = (
    (N_("Any date"), "any"),
    (N_("Today"), "today"),
    (N_("Last 7 days"), "7"),
    (N_("Last 30 days"), "30"),
    (N_("Last 90 days"), "90"),
    (N_("Custom range…"), "custom"),
)
_KNOWN_STATUSES = ("answered", "no_answer", "busy", "failed", "voicemail")

_COLUMN_WIDTHS = {
    COL_DATE: 150,
    COL_DIRECTION: 84,
    COL_FROM: 150,
    COL_TO: 150,
    COL_NAME: 200,
    COL_DURATION: 78,
    COL_STATUS: 100,
    COL_COST: 80,
}


def last_synced_text(
    value: str | None, now: datetime | None = None, *, partial: bool = False
) -> str:
    """``"Last synced: today 2:05 p.m."`` from the stored UTC ISO time, in local time.

    ``partial``: no sync has finished yet but some calls are cached (one was interrupted).
    """
    if not value:
        return _("Sync not finished yet") if partial else _("Never synced")
    # Translators: when: a date and time ("Nov 17, 2025, 2:05 p.m.").
    last_synced = _("Last synced: {when}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return last_synced.format(when=value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    today = (now or datetime.now().astimezone()).date()
    clock = formats.clock(local)
    if local.date() == today:
        return _("Last synced: today {time}").format(time=clock)
    if local.date() == today - timedelta(days=1):
        return _("Last synced: yesterday {time}").format(time=clock)
    when = _("{date}, {time}").format(date=formats.short_date(local.date()), time=clock)
    return last_synced.format(when=when)


def calls_text(count: int) -> str:
    """``1 call``, ``2,400 calls`` (``2 400 appels``)."""
    return ngettext("{count} call", "{count} calls", count).format(count=formats.number(count))


class HistoryTab(Tab):
    title = N_("History")
    key = "history"

    call_back_requested = Signal(str)  # the other party's number, as the provider logged it
    synced = Signal(object)  # SyncReport, after a sync that finished

    auto_sync_if_never_synced = True  # first opening of a never-synced cache syncs by itself
    # Calls per provider request (the client parses answers on a worker thread), and how many are
    # committed together: at most 10,000 calls or a second apart (see services/sync.py). Measured
    # by bench/ingest.py and bench/history_sync_lag.py.
    sync_page_size = PAGE_SIZE
    sync_batch_calls = BATCH_CALLS
    sync_batch_seconds = BATCH_SECONDS

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        session = ctx.session
        self._sync = (
            HistorySync(
                session.db,
                session.client,
                page_size=self.sync_page_size,
                batch_calls=self.sync_batch_calls,
                batch_seconds=self.sync_batch_seconds,
            )
            if session
            else None
        )
        self._sync_task: asyncio.Task[SyncReport] | None = None
        self._sync_text = ""  # the sync's progress, shown again once a slow page has come
        self._export_task: asyncio.Task[int] | None = None
        self._file_dialog: QFileDialog | None = None
        self.last_sync_value: str | None = None
        self.last_report: SyncReport | None = None

        self.model = HistoryModel(
            session.db if session else None, self._start_quiet, ctx.region, self
        )
        self._build_filters()
        self._build_actions()
        self.banner_below_controls()  # a message never moves the search box or the buttons
        self._build_table()
        self._wire()

    # --- building ------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.search = QLineEdit(self)
        self.search.setObjectName("history-search")
        self.search.setPlaceholderText(_("Search name or number…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search calls"))
        self.search.setToolTip(
            _(
                "Find calls by caller name or any part of a number (accents and case ignored). "
                "Ctrl+F"
            )
        )
        self.search.setMinimumWidth(220)

        self.direction = QComboBox(self)
        self.direction.setObjectName("history-direction")
        self.direction.setAccessibleName(_("Direction"))
        self.direction.setToolTip(_("Show incoming calls, outgoing calls, or both"))
        for text, value in DIRECTIONS:
            self.direction.addItem(_(text), value)

        self.status = QComboBox(self)
        self.status.setObjectName("history-status")
        self.status.setAccessibleName(_("Status"))
        self.status.setToolTip(_("Show only calls that ended this way"))
        self.status.addItem(_("Any status"), "")
        for value in _KNOWN_STATUSES:
            self.status.addItem(status_label(value), value)

        self.date_range = QComboBox(self)
        self.date_range.setObjectName("history-date-range")
        self.date_range.setAccessibleName(_("Date range"))
        self.date_range.setToolTip(_("Show calls from this period only"))
        for text, value in DATE_RANGES:
            self.date_range.addItem(_(text), value)

        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30), self)
        self.date_to = QDateEdit(today, self)
        for edit, name, tip in (
            (self.date_from, _("From date"), _("First day to show (included)")),
            (self.date_to, _("To date"), _("Last day to show (included)")),
        ):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
            edit.setToolTip(tip)
            edit.setVisible(False)
        self.date_from.setObjectName("history-date-from")
        self.date_to.setObjectName("history-date-to")
        # Translators: between the first and the last day of a custom date range.
        self._date_dash = QLabel(pgettext("date range", "to"), self)
        self._date_dash.setVisible(False)

        self.sync_button = QPushButton(_("Sync now"), self)
        self.sync_button.setObjectName("history-sync")
        self.sync_button.setDefault(False)
        self.sync_button.setToolTip(_("Fetch new calls from your provider into this computer (F5)"))
        self.sync_button.setAccessibleName(_("Sync now"))

        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.search, 3)
        row.addWidget(self.direction)
        row.addWidget(self.status)
        row.addWidget(self.date_range)
        row.addWidget(self.date_from)
        row.addWidget(self._date_dash)
        row.addWidget(self.date_to)
        row.addStretch(1)
        row.addWidget(self.sync_button)
        self.body.addLayout(row)

    def _build_actions(self) -> None:
        self.call_back_button = QPushButton(_("Call back"), self)
        self.call_back_button.setObjectName("history-call-back")
        self.call_back_button.setToolTip(
            _("Call the other party of the selected call (or double-click a row, or press Enter)")
        )
        self.call_back_button.setAccessibleName(_("Call back the selected call"))
        self.call_back_button.setEnabled(False)

        self.export_button = QPushButton(_("Export CSV…"), self)
        self.export_button.setObjectName("history-export")
        self.export_button.setToolTip(
            _("Save every call the table shows (with the current filters) to a CSV file")
        )
        self.export_button.setAccessibleName(_("Export the shown calls to CSV"))

        self.sync_strip = ActivityStrip(
            "history-sync-progress", _("Stop syncing"), _("Sync progress"), self
        )
        self.export_strip = ActivityStrip(
            "history-export-progress", _("Stop exporting"), _("Export progress"), self
        )

        self.count_label = QLabel("", self)
        self.count_label.setObjectName("history-count")
        self.last_synced_label = QLabel("", self)
        self.last_synced_label.setObjectName("history-last-synced")
        self.last_synced_label.setToolTip(_("When the call history was last brought up to date"))

        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.call_back_button)
        row.addWidget(self.export_button)
        row.addSpacing(8)
        row.addWidget(self.sync_strip)
        row.addWidget(self.export_strip)
        row.addStretch(1)
        row.addWidget(self.count_label)
        row.addWidget(QLabel("·", self))
        row.addWidget(self.last_synced_label)
        self.body.addLayout(row)

    def _build_table(self) -> None:
        table = record_table(self, self.model, name="history-table", accessible=_("Call history"))
        self.table = table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        vertical = table.verticalHeader()  # fixed heights: the model never measures a row
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(table.fontMetrics().height() + ROW_HEIGHT_EXTRA)
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in _COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicator(COL_DATE, Qt.SortOrder.DescendingOrder)
        table.setSortingEnabled(True)
        self.body.addWidget(table, 1)
        self.overlay = Overlay(table)
        table.installEventFilter(self)

    def _wire(self) -> None:
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        self.direction.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.status.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.date_range.currentIndexChanged.connect(self._date_range_changed)
        self.date_from.dateChanged.connect(lambda _d: self.apply_filters())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filters())

        self.sync_button.clicked.connect(self.sync_now)
        self.sync_strip.cancel_clicked.connect(self.cancel_sync)
        self.export_button.clicked.connect(self.choose_export_file)
        self.export_strip.cancel_clicked.connect(self.cancel_export)
        self.call_back_button.clicked.connect(self.call_back_selected)

        self.table.doubleClicked.connect(lambda index: self.call_back_row(index.row()))
        self.table.customContextMenuRequested.connect(self._context_menu)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(lambda _c, _p: self._update_actions())
        self.model.dataChanged.connect(lambda *_a: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self.model.reloaded.connect(self._reloaded)
        self.model.loading_changed.connect(lambda _b: self._update_count())
        self.model.load_failed.connect(self._load_failed)

        self._progressive = QTimer(self)
        self._progressive.setSingleShot(True)
        self._progressive.setInterval(PROGRESSIVE_RELOAD_MS)
        self._progressive.timeout.connect(self.refresh)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._focus_search)
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.sync_now)

        if self.ctx.session is None:
            for widget in (self.sync_button, self.export_button, self.search):
                widget.setEnabled(False)

    # --- life cycle ----------------------------------------------------------------------

    def first_shown(self) -> None:
        if self.ctx.session is None:
            self.overlay.show_text(_(NO_ACCOUNT))
            self.last_synced_label.setText("")
            return
        self.model.activate(self.current_query())
        self._load_last_synced(auto_sync=self.auto_sync_if_never_synced)

    def save_state(self, state: UiState) -> None:
        state.set_bytes(HEADER_STATE_KEY, self.table.horizontalHeader().saveState())

    def restore_state(self, state: UiState) -> None:
        saved = state.get_bytes(HEADER_STATE_KEY)
        if saved is not None:
            self.table.horizontalHeader().restoreState(saved)

    def _start_quiet(self, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        """How the model starts its loads: through the app's task runner."""
        kwargs.setdefault("name", f"{self.key}-model")
        return self.ctx.tasks.start(coro, **kwargs)

    # --- filters -------------------------------------------------------------------------

    def current_query(self) -> CallQuery:
        since, until = self._date_bounds()
        search = self.search.text().strip() or None
        base = self.model.query
        return replace(
            base,
            since=since,
            until=until,
            direction=self.direction.currentData() or None,
            status=self.status.currentData() or None,
            search=search,
        )

    def _date_bounds(self) -> tuple[datetime | None, datetime | None]:
        mode = self.date_range.currentData()
        today = date.today()
        if mode == "any" or mode is None:
            return None, None
        start: date = today
        end: date = today
        if mode == "custom":
            first, last = self.date_from.date(), self.date_to.date()
            start = date(first.year(), first.month(), first.day())
            end = date(last.year(), last.month(), last.day())
            if end < start:
                start, end = end, start
        elif mode != "today":
            start = today - timedelta(days=int(mode) - 1)
        return datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())

    def _date_range_changed(self, _index: int) -> None:
        custom = self.date_range.currentData() == "custom"
        for widget in (self.date_from, self._date_dash, self.date_to):
            widget.setVisible(custom)
        self.apply_filters()

    def apply_filters(self) -> None:
        """Show the calls matching what the filter bar says (now; the search box debounces)."""
        self._search_timer.stop()
        if self.ctx.session is None:
            return
        query = self.current_query()
        if query != self.model.query:
            self.input_changed()  # a search's error, an export's: about the previous filters
            self.model.set_query(query)
            self.table.scrollToTop()

    def filters_active(self) -> bool:
        q = self.model.query
        return any((q.since, q.until, q.direction, q.status, q.search))

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def refresh(self) -> None:
        """Re-read the cache (keeps the filters and the scroll position)."""
        first = self.table.rowAt(0)
        self.model.reload(anchor_row=max(0, first))

    # --- what the model says -------------------------------------------------------------

    def _load_failed(self, exc: BaseException) -> None:
        """Reading the cache for these filters failed: said until the filters change."""
        self.input_problem(describe(exc))

    def _reloaded(self, count: int, cache_empty: bool) -> None:
        self._update_count()
        self._update_overlay()
        self._update_actions()
        if self.last_sync_value is None:
            self.last_synced_label.setText(last_synced_text(None, partial=not cache_empty))

    def _update_overlay(self) -> None:
        if not self.model.loaded_once or self.model.rowCount() > 0:
            self.overlay.hide()
        elif not self.model.cache_empty:
            self.overlay.show_text(_(EMPTY_MATCH))
        else:
            self.overlay.show_text(_(SYNCING_EMPTY) if self.syncing else _(EMPTY_CACHE))

    def _update_count(self) -> None:
        if not self.model.loaded_once:
            self.count_label.setText(_("Loading…"))
            return
        count = self.model.rowCount()
        text = calls_text(count)
        if self.filters_active():
            text = ngettext("{count} matching call", "{count} matching calls", count).format(
                count=formats.number(count)
            )
        if self.model.loading:
            # Translators: calls is "2,400 calls" or "12 matching calls": the count shown so far.
            text = _("{calls} · updating…").format(calls=text)
        self.count_label.setText(text)

    def _update_statuses(self, statuses: list[str]) -> None:
        """Offer the statuses the cache holds (known ones first), keeping the selection."""
        current = self.status.currentData()
        wanted = [*_KNOWN_STATUSES, *(s for s in statuses if s not in _KNOWN_STATUSES)]
        present = [self.status.itemData(i) for i in range(1, self.status.count())]
        if present == wanted:
            return
        self.status.blockSignals(True)
        try:
            while self.status.count() > 1:
                self.status.removeItem(1)
            for value in wanted:
                self.status.addItem(status_label(value), value)
            index = self.status.findData(current)
            self.status.setCurrentIndex(max(0, index))
        finally:
            self.status.blockSignals(False)

    # --- sync ----------------------------------------------------------------------------

    @property
    def syncing(self) -> bool:
        return self._sync_task is not None

    def _load_last_synced(self, auto_sync: bool = False) -> None:
        session = self.ctx.session
        if session is None:
            return

        def loaded(value: str | None) -> None:
            self.last_sync_value = value
            partial = self.model.loaded_once and not self.model.cache_empty
            self.last_synced_label.setText(last_synced_text(value, partial=partial))
            if auto_sync and value is None and not self.syncing:
                self.sync_now()

        self.run(session.db.run(get_meta, LAST_SYNC_META), loaded)
        self.run(session.db.run(call_statuses), self._update_statuses)

    def sync_now(self) -> None:
        """Fetch new calls from the provider (no-op while a sync is running)."""
        session = self.ctx.session
        if self._sync is None or session is None or self.syncing or self._sync.running:
            return
        if self.banner.isVisible():
            self.banner.hide()
        self.sync_button.setEnabled(False)
        self.sync_button.setText(_("Syncing…"))
        self._sync_text = _("Contacting your provider…")
        self.sync_strip.start(self._sync_text)
        self._update_overlay()
        self._sync_task = self.ctx.tasks.start(
            self._sync.run(self._sync_progress, self._sync_waiting),
            on_done=self._sync_done,
            on_error=self._sync_failed,
            on_finally=self._sync_finished,
            name=f"{self.key}-sync",
        )

    def cancel_sync(self) -> None:
        if self._sync_task is not None and not self._sync_task.done():
            self.sync_strip.cancel.setEnabled(False)
            self.sync_strip.update(_("Stopping after the current page…"))
            self._sync_task.cancel()

    def _sync_progress(self, progress: SyncProgress) -> None:
        fetched = progress.calls_fetched
        # Translators: a sync's progress: calls fetched so far, how many of them are new, and
        # the page of the provider's list being read.
        self._sync_text = ngettext(
            "Syncing… {fetched} call fetched, {new} new · page {page}",
            "Syncing… {fetched} calls fetched, {new} new · page {page}",
            fetched,
        ).format(
            fetched=formats.number(fetched),
            new=formats.number(progress.calls_new),
            page=formats.number(progress.pages_done),
        )
        self.sync_strip.update(self._sync_text)
        if progress.calls_new and self.model.rowCount() == 0:
            self.refresh()  # the first calls of an empty cache: show them at once
        elif progress.calls_new and not self._progressive.isActive():
            self._progressive.start()  # show what is cached so far, at most once a second

    def _sync_waiting(self, waiting: Waiting) -> None:
        """A page the provider is slow to send: say what is waited for, and for how long."""
        if waiting.done:
            self.sync_strip.update(self._sync_text)
        else:
            self.sync_strip.update(waiting.sentence())

    def _sync_done(self, report: SyncReport) -> None:
        self.last_report = report
        fetched = report.calls_fetched
        self.last_synced_label.setToolTip(
            ngettext(
                "The last sync fetched {fetched} call, {new} new",
                "The last sync fetched {fetched} calls, {new} new",
                fetched,
            ).format(fetched=formats.number(fetched), new=formats.number(report.calls_new))
        )
        self.synced.emit(report)

    def _sync_failed(self, exc: TelephonyError) -> None:
        self.show_error(exc)

    def _sync_finished(self) -> None:
        task, self._sync_task = self._sync_task, None
        self._progressive.stop()
        self.sync_strip.stop()
        self.sync_button.setEnabled(self.ctx.session is not None)
        self.sync_button.setText(_("Sync now"))
        if task is not None and task.cancelled():
            self.banner.info(
                _(
                    "Sync stopped. The calls fetched so far are saved; the next sync continues "
                    "from there."
                )
            )
        self._update_overlay()
        self.refresh()
        self._load_last_synced()

    # --- call back -----------------------------------------------------------------------

    def selected_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def _row(self, row: int) -> HistoryRow | None:
        return self.model.row_at(row) if row >= 0 else None

    def call_back_row(self, row: int) -> bool:
        """Ask for a call to the other party of ``row``; False if it is not loaded or has none."""
        found = self._row(row)
        if found is None or not found.other_party:
            return False
        self.call_back_requested.emit(found.other_party)
        return True

    def call_back_selected(self) -> None:
        self.call_back_row(self.selected_row())

    def _update_actions(self) -> None:
        found = self._row(self.selected_row())
        can = found is not None and bool(found.other_party)
        self.call_back_button.setEnabled(can)
        if can and found is not None:
            shown = number_label(found.other_party, self.ctx.region)
            tip = _("Call {number} (double-click a row, or Enter)").format(number=shown)
            self.call_back_button.setToolTip(tip)
        running = self._export_task is not None
        self.export_button.setEnabled(
            self.ctx.session is not None and not running and self.model.rowCount() > 0
        )

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.setCurrentIndex(index)
        menu = self.row_menu(index.row())
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(pos))  # non-blocking, never exec()

    def row_menu(self, row: int) -> QMenu | None:
        """What a right click (or the menu key) on ``row`` offers; None while it is loading."""
        found = self._row(row)
        if found is None:
            return None
        menu = QMenu(self)
        menu.setObjectName("history-row-menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        shown = number_label(found.other_party, self.ctx.region) if found.other_party else ""
        call = menu.addAction(
            _("Call back {number}").format(number=shown) if shown else _("Call back")
        )
        call.setObjectName("history-menu-call-back")
        call.setEnabled(bool(found.other_party))
        call.triggered.connect(lambda: self.call_back_row(row))
        copy_number = menu.addAction(_("Copy number"))
        copy_number.setObjectName("history-menu-copy-number")
        copy_number.setEnabled(bool(found.other_party))
        copy_number.triggered.connect(lambda: self._copy(shown))
        copy_row = menu.addAction(_("Copy row"))
        copy_row.setObjectName("history-menu-copy-row")
        copy_row.triggered.connect(lambda: self._copy("\t".join(found.cells)))
        # The provider's ID of the call (32 hex digits): never shown, but asked for by support.
        copy_id = menu.addAction(_("Copy call ID"))
        copy_id.setObjectName("history-menu-copy-call-id")
        copy_id.setToolTip(_("Copy the provider's ID of this call, for its support"))
        copy_id.setEnabled(bool(found.unique_id))
        copy_id.triggered.connect(lambda: self._copy(found.unique_id))
        return menu

    def _copy(self, text: str) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.call_back_selected()
                return True
        return super().eventFilter(watched, event)

    # --- export --------------------------------------------------------------------------

    def choose_export_file(self) -> None:
        """Ask where to save (a non-modal file dialog), then export."""
        if self._file_dialog is not None:
            self._file_dialog.raise_()
            return
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        ) or str(Path.home())
        name = f"call-history-{date.today().isoformat()}.csv"
        dialog = QFileDialog(self, _("Export calls to CSV"), str(Path(folder) / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        # Translators: a file type in the save dialog; keep "(*.csv)" as it is.
        dialog.setNameFilter(_("CSV files (*.csv)"))
        dialog.setDefaultSuffix("csv")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.start_export(Path(path)))
        dialog.finished.connect(lambda _r: setattr(self, "_file_dialog", None))
        self._file_dialog = dialog
        dialog.open()

    def start_export(self, path: Path) -> None:
        """Export the rows the table shows to ``path`` as a task, with progress and Cancel."""
        if self._export_task is not None or self.ctx.session is None:
            return
        self.input_changed()  # the last export's error was about another file
        total = self.model.rowCount()
        exporting = ngettext("Exporting {count} call…", "Exporting {count} calls…", total)
        self.export_strip.start(exporting.format(count=formats.number(total)), total)
        self._export_task = self.ctx.tasks.start(
            self.export_csv(path),
            on_done=lambda n: self.banner.success(
                ngettext(
                    "Exported {count} call to {path}.", "Exported {count} calls to {path}.", n
                ).format(count=formats.number(n), path=path)
            ),
            on_error=lambda exc: self.input_problem(describe(exc)),
            on_finally=self._export_finished,
            name=f"{self.key}-export",
        )
        self._update_actions()

    async def export_csv(self, path: Path) -> int:
        """Write every call matching the current filters (in the table's order) to ``path``."""
        session = self.ctx.session
        if session is None:
            return 0
        total = self.model.rowCount()

        def progress(done: int) -> None:
            # Translators: an export's progress: calls written so far, of all the calls.
            text = _("Exporting… {done} of {total}")
            self.export_strip.update(
                text.format(done=formats.number(done), total=formats.number(total)), done
            )

        return await export_calls_csv(
            session.db, self.model.query, Path(path), region=self.ctx.region, progress=progress
        )

    def cancel_export(self) -> None:
        if self._export_task is not None and not self._export_task.done():
            self._export_task.cancel()

    def _export_finished(self) -> None:
        task, self._export_task = self._export_task, None
        self.export_strip.stop()
        if task is not None and task.cancelled():
            self.banner.info(_("Export stopped; no file was written."))
        self._update_actions()
