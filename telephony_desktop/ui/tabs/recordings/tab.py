"""The Recordings tab: call recordings with filters, the shared audio player, download, delete.

Like the Voicemail tab: the cached list first, then the provider's (kept when a refresh fails);
audio fetched once through the service; deletion confirmed inline, never with a modal box.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _, formats, ngettext, pgettext
from telephony_desktop.services.recordings import RecordingService
from telephony_desktop.store.media import CachedRecording
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.tabs.audio_items import AudioItemsTab
from telephony_desktop.ui.tabs.common import (
    ConfirmBar,
    FoldingTip,
    ask_save_path,
    file_name,
    length_text,
    long_when_text,
    when_samples,
)
from telephony_desktop.ui.tabs.recordings.model import (
    COL_DATE,
    COL_FROM,
    COL_LENGTH,
    COL_STATUS,
    COL_TO,
    PERIODS,
    STATUS_TEXT,
    RecordingFilter,
    RecordingsModel,
    status_text,
)
from telephony_desktop.ui.tabs.recordings.verba_panel import VerbaPanel, verba_account
from telephony_desktop.ui.tabs.refresh import RefreshProblem, refresh_row
from telephony_desktop.ui.widgets.player import AudioPlayer
from telephony_desktop.ui.widgets.tables import record_table

_LIST, _EMPTY = 0, 1
_NOTHING, _DETAILS = 0, 1


def status_choices() -> tuple[tuple[str, str | None], ...]:
    """The status filter's items: (label, status; None for any)."""
    return (
        # Translators: the status filter of the recordings: recordings of any status.
        (pgettext("recording status", "All"), None),
        (_("Unverified"), "unverified"),
        (_("Verified"), "verified"),
    )


class RecordingsTab(AudioItemsTab[CachedRecording]):
    title = N_("Recordings")
    key = "recordings"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._service = RecordingService(ctx.session) if ctx.session is not None else None
        self._all: list[CachedRecording] = []
        self._build()
        self._problem = RefreshProblem(
            self,
            self.refresh,
            saved_copy=_(
                "Showing the recordings saved on this computer; your provider could not be reached."
            ),
        )

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.verba: VerbaPanel | None = None
        if verba_account(self.ctx) is not None:
            self.verba = VerbaPanel(self.ctx, self)
            self.body.addWidget(self.verba)
        self.updated_label = QLabel(self)
        self.updated_label.setObjectName("recordings-updated")
        self.updated_label.setEnabled(False)
        self.summary, self.refresh_button = refresh_row(
            self,
            self.refresh,
            loading=_("Loading recordings…"),
            tooltip=_("Check for new recordings"),
            extra=[self.updated_label],
        )

        filters = QHBoxLayout()
        filters.setSpacing(8)
        self.search = QLineEdit(self)
        self.search.setObjectName("recordings-search")
        self.search.setPlaceholderText(_("Filter by phone number…"))
        self.search.setAccessibleName(_("Filter by phone number"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.search.setMaximumWidth(360)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("recordings-status-filter")
        self.status_filter.setAccessibleName(_("Status"))
        for label, value in status_choices():
            self.status_filter.addItem(label, value)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.period_filter = QComboBox(self)
        self.period_filter.setObjectName("recordings-period-filter")
        self.period_filter.setAccessibleName(_("Date"))
        for label, days in PERIODS:
            self.period_filter.addItem(_(label), days)
        self.period_filter.currentIndexChanged.connect(self.apply_filter)
        self.clear_filters_button = QPushButton(_("Clear filters"), self)
        self.clear_filters_button.setObjectName("recordings-clear-filters")
        self.clear_filters_button.clicked.connect(self.clear_filters)
        self.clear_filters_button.setEnabled(False)
        status_caption = QLabel(_("Status"), self)
        status_caption.setBuddy(self.status_filter)
        period_caption = QLabel(_("Date"), self)
        period_caption.setBuddy(self.period_filter)
        filters.addWidget(self.search, 1)
        filters.addSpacing(6)
        filters.addWidget(status_caption)
        filters.addWidget(self.status_filter)
        filters.addSpacing(6)
        filters.addWidget(period_caption)
        filters.addWidget(self.period_filter)
        filters.addWidget(self.clear_filters_button)
        filters.addStretch(1)
        self.body.addLayout(filters)
        self.banner_below_controls()  # a message never moves Refresh or the filters

        self.model = RecordingsModel(self.ctx.region, self)
        self.table = record_table(
            self, self.model, name="recordings-list", accessible=_("Call recordings")
        )
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        number_width = metrics.horizontalAdvance("+44 20 7946 0000") + 24
        when_width = max(metrics.horizontalAdvance(text) for text in when_samples())
        self.table.setColumnWidth(COL_DATE, when_width + 28)
        self.table.setColumnWidth(COL_FROM, number_width)
        self.table.setColumnWidth(COL_TO, number_width)
        self.table.setColumnWidth(COL_LENGTH, metrics.horizontalAdvance("00:00:00") + 24)
        status_width = max(metrics.horizontalAdvance(status_text(s)) for s in STATUS_TEXT)
        self.table.setColumnWidth(COL_STATUS, status_width + 24)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._activated)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.ask_delete)
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self.table)
        space.setContext(Qt.ShortcutContext.WidgetShortcut)
        space.activated.connect(self.toggle_playback)

        self.empty = QLabel(_("Loading recordings…"), self)
        self.empty.setObjectName("recordings-empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        self.list_stack.setCurrentIndex(_EMPTY)

        self.details = QStackedWidget(self)
        self.details.setMinimumWidth(380)
        hint = QLabel(_("Select a recording to listen to it."), self.details)
        hint.setObjectName("recordings-hint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        self.details.addWidget(hint)
        self.details.addWidget(self._build_details())
        self.details.setCurrentIndex(_NOTHING)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("recordings-splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list_stack)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 460])
        self.body.addWidget(self.splitter, 1)
        if self.verba is not None:  # one recording plays at a time
            self.verba.playback_started.connect(self.player.pause)

    def _build_details(self) -> QWidget:
        pane = QFrame(self)
        pane.setObjectName("recordings-details")
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.setSpacing(8)
        self.call_label = QLabel(pane)
        self.call_label.setObjectName("recordings-call")
        self.call_label.setTextFormat(Qt.TextFormat.PlainText)
        self.call_label.setWordWrap(True)
        font = self.call_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.call_label.setFont(font)
        self.meta_label = QLabel(pane)
        self.meta_label.setObjectName("recordings-meta")
        self.meta_label.setWordWrap(True)
        self.meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.player = AudioPlayer(pane, show_title=False)
        self.player.retry_requested.connect(self._retry_audio)
        self.confirm = ConfirmBar(pane)
        self.confirm.confirmed.connect(self._delete_confirmed)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.download_button = QPushButton(_("Download…"), pane)
        self.download_button.setObjectName("recordings-download")
        self.download_button.setToolTip(_("Save a copy of this recording as an audio file"))
        self.download_button.clicked.connect(self.ask_download)
        self.copy_id_button = QPushButton(_("Copy call ID"), pane)
        self.copy_id_button.setObjectName("recordings-copy-call-id")
        self.copy_id_button.setAccessibleName(_("Copy the call's ID"))
        self.copy_id_button.clicked.connect(self.copy_call_id)
        self.delete_button = QPushButton(_("Delete…"), pane)
        self.delete_button.setObjectName("recordings-delete")
        self.delete_button.setToolTip(_("Delete this recording here and at your provider (Del)"))
        self.delete_button.clicked.connect(self.ask_delete)
        actions.addWidget(self.download_button)
        actions.addWidget(self.copy_id_button)
        actions.addStretch(1)
        actions.addWidget(self.delete_button)

        self.action_status = QLabel(pane)
        self.action_status.setObjectName("recordings-action-status")
        self.action_status.setEnabled(False)
        tip = FoldingTip(
            _("Tip: double-click a recording, or press Space, to play it; Space again pauses."),
            "recordings-tip",
            pane,
        )

        layout.addWidget(self.call_label)
        layout.addWidget(self.meta_label)
        layout.addSpacing(4)
        layout.addWidget(self.player)
        layout.addLayout(actions)
        layout.addWidget(self.confirm)
        layout.addWidget(self.action_status)
        layout.addWidget(tip, 1)  # takes what is left under the content
        return pane

    # --- loading -------------------------------------------------------------------------------

    def _no_account(self) -> None:
        if self.verba is not None:
            self.empty.setText(
                _(
                    "Recordings kept by VoiceMeUp appear here once a VoiceMeUp account is added "
                    "in Settings. Verba recordings are found above."
                )
            )
        else:
            self.empty.setText(
                _(
                    "Recordings kept by VoiceMeUp appear here once a VoiceMeUp account is added "
                    "in Settings."
                )
            )

    def _not_loaded(self) -> None:
        if not self._all:
            self.summary.setText(_("Recordings could not be loaded."))
            self.empty.setText(_("Recordings could not be loaded. Try Refresh."))

    def _show_items(self, items: list[CachedRecording]) -> None:
        self._all = list(items)
        self.apply_filter()

    # --- filters -------------------------------------------------------------------------------

    def current_filter(self) -> RecordingFilter:
        return RecordingFilter(
            status=self.status_filter.currentData(),
            text=self.search.text(),
            days=self.period_filter.currentData(),
        )

    def set_filter(
        self, *, status: str | None = None, text: str = "", days: int | None = None
    ) -> None:
        """Set every filter at once (as a user would in the filter bar)."""
        for combo, value in ((self.status_filter, status), (self.period_filter, days)):
            with QSignalBlocker(combo):
                combo.setCurrentIndex(max(0, combo.findData(value)))
        with QSignalBlocker(self.search):
            self.search.setText(text)
        self.apply_filter()

    def clear_filters(self) -> None:
        self.set_filter()

    def apply_filter(self) -> None:
        self._search_timer.stop()
        wanted = self.current_filter()
        now = datetime.now()
        shown = [i for i in self._all if wanted.matches(i, self.ctx.region, now)]
        keep = self._current_id
        self.model.set_items(shown)
        self.clear_filters_button.setEnabled(wanted.active)
        total = len(self._all)
        if wanted.active:
            # Translators: the recordings the filters let through, of all the recordings listed.
            text = ngettext(
                "{shown} of {count} recording shown", "{shown} of {count} recordings shown", total
            )
            shown_text = formats.number(len(shown))
            self.summary.setText(text.format(shown=shown_text, count=formats.number(total)))
        else:
            text = ngettext("{count} recording", "{count} recordings", total)
            self.summary.setText(text.format(count=formats.number(total)))
        if shown:
            self.list_stack.setCurrentIndex(_LIST)
        else:
            self.list_stack.setCurrentIndex(_EMPTY)
            if not total and (self._loaded or self._refreshing):
                self.empty.setText(
                    _(
                        "No call recordings. Recordings of calls appear here once your provider "
                        "has them."
                    )
                )
            elif total:
                self.empty.setText(_("No recording matches these filters."))
        if keep is not None and not self._select_row_of(keep):
            self._show_nothing()

    # --- selection -----------------------------------------------------------------------------

    def select_recording(self, recording_id: str, *, play: bool = False) -> bool:
        if play:
            self._play_when_ready = recording_id
        found = self._select_row_of(recording_id)
        if found and play and self.player.path is not None:
            self._maybe_play(recording_id)
        return found

    def current_recording(self) -> CachedRecording | None:
        return None if self._current_id is None else self.model.find(self._current_id)

    def _select_row_of(self, recording_id: str) -> bool:
        row = self.model.row_of(recording_id)
        if row is None:
            return False
        index = self.model.index(row, COL_DATE)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current.row()) if current.isValid() else None
        if item is None:
            return  # a filter or reset cleared it; apply_filter decides what the pane shows
        rec_id = item.recording.recording_id
        if rec_id == self._current_id:
            self._show_details(item)  # same recording, e.g. after a refresh
            return
        self._current_id = rec_id
        self.confirm.cancel()
        self.action_status.clear()
        self._show_details(item)
        self._load_audio(item)

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.select_recording(item.recording.recording_id, play=True)

    def _show_nothing(self) -> None:
        self._current_id = None
        self.confirm.cancel()
        self.player.clear()
        self.details.setCurrentIndex(_NOTHING)

    def _call_text(self, item: CachedRecording) -> str:
        rec = item.recording
        region = self.ctx.region
        # Translators: stands for a number the provider did not give, in "caller → called".
        unknown = pgettext("number", "unknown")
        source = display(rec.source, region) or unknown
        target = display(rec.destination, region) or unknown
        return f"{source} → {target}"

    def _show_details(self, item: CachedRecording) -> None:
        rec = item.recording
        self.details.setCurrentIndex(_DETAILS)
        self.call_label.setText(self._call_text(item))
        # Translators: when the recorded call took place, then how long it lasted ("1:23").
        when = _("{when} · call of {length}").format(
            when=long_when_text(rec.recorded_at), length=length_text(rec.duration_s)
        )
        status = _("Status: {status}").format(status=status_text(rec.status))
        self.meta_label.setText(f"{when}\n{status}")
        self._update_actions(item)

    def _update_actions(self, item: CachedRecording) -> None:
        idle = item.recording.recording_id not in self._busy_ids
        self.download_button.setEnabled(idle)
        self.delete_button.setEnabled(idle)
        self.copy_id_button.setEnabled(bool(item.recording.call_hash))
        self.copy_id_button.setToolTip(
            _("Copy the provider's ID of the recorded call, for its support")
            if item.recording.call_hash
            else _("Your provider gave no ID for this call.")
        )

    def copy_call_id(self) -> None:
        """The provider's ID of the recorded call on the clipboard (it is never shown)."""
        item = self.current_recording()
        clipboard = QGuiApplication.clipboard()
        if item is not None and item.recording.call_hash and clipboard is not None:
            clipboard.setText(item.recording.call_hash)

    # --- audio ---------------------------------------------------------------------------------

    def _source(self) -> RecordingService | None:
        return self._service

    def _current_item(self) -> CachedRecording | None:
        return self.current_recording()

    def _item_id(self, item: CachedRecording) -> str:
        return item.recording.recording_id

    def _audio_title(self, item: CachedRecording) -> str:
        return f"{self._call_text(item)} · {length_text(item.recording.duration_s)}"

    def _audio_cached(self, item_id: str, path: Path) -> None:
        for i, item in enumerate(self._all):
            if item.recording.recording_id == item_id and not item.audio_path:
                self._all[i] = dataclasses.replace(item, audio_path=str(path))
                self.model.update(self._all[i])

    def _before_play(self) -> None:
        if self.verba is not None:  # one recording plays at a time
            self.verba.player.pause()

    # --- download ------------------------------------------------------------------------------

    def ask_download(self) -> None:
        item = self.current_recording()
        if item is None:
            return
        rec = item.recording
        when = rec.recorded_at.strftime("%Y-%m-%d-%H%M") if rec.recorded_at else ""
        suggested = file_name(
            "recording", when, rec.source, rec.destination, ext=rec.file_format.lower()
        )
        ask_save_path(
            self, _("Save recording as"), suggested, partial(self.save_audio, rec.recording_id)
        )

    # --- delete --------------------------------------------------------------------------------

    def _delete_question(self, item: CachedRecording) -> str:
        # Translators: call is the call's two numbers, "caller → called".
        return _(
            "Delete the recording of {call}? It is deleted at your provider too and cannot be "
            "recovered."
        ).format(call=self._call_text(item))

    def delete_recording(self, recording_id: str) -> None:
        """Delete at once (the confirmation is the caller's job: see ``ask_delete``)."""
        self._delete(recording_id)

    def _deleted(self, recording_id: str) -> None:
        self._all = [i for i in self._all if i.recording.recording_id != recording_id]
        was_current = recording_id == self._current_id
        row = self.model.row_of(recording_id)
        self.banner.success(_("Recording deleted."))
        if was_current:
            self._current_id = None
        self.apply_filter()
        if was_current and row is not None and self.model.rowCount():
            nxt = self.model.item(min(row, self.model.rowCount() - 1))
            if nxt is not None:
                self._select_row_of(nxt.recording.recording_id)
        elif was_current:
            self._show_nothing()
