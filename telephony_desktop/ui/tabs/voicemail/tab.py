"""The Voicemail tab: the messages, a player, and what one does with a message.

The list shows the cache at once, then the provider's list; when the provider cannot be reached
the cached list stays and the banner says why. Selecting a message fetches its audio through the
service (once; later plays come from disk) and loads it in the player; playing it marks it heard.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import SIGNAL, QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.numbers import display
from telephony_desktop.i18n import N_, _, formats, ngettext
from telephony_desktop.services.voicemail import VoicemailService
from telephony_desktop.store.media import CachedVoicemail
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
from telephony_desktop.ui.tabs.refresh import RefreshProblem, refresh_row
from telephony_desktop.ui.tabs.voicemail.model import (
    COL_CALLER,
    COL_LENGTH,
    COL_NEW,
    COL_NUMBER,
    COL_RECEIVED,
    HEADERS,
    VoicemailModel,
    callback_number,
    caller_text,
)
from telephony_desktop.ui.theme import set_tone
from telephony_desktop.ui.widgets.player import AudioPlayer
from telephony_desktop.ui.widgets.tables import record_table

_LIST, _EMPTY = 0, 1
_NOTHING, _DETAILS = 0, 1


def _copy(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)


def _heading_font_label(parent: QWidget, scale: float = 1.25) -> QLabel:
    label = QLabel(parent)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class VoicemailTab(AudioItemsTab[CachedVoicemail]):
    title = N_("Voicemail")
    key = "voicemail"

    unread_count_changed = Signal(int)
    call_back_requested = Signal(str)  # the caller's number, as the provider logged it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._service = VoicemailService(ctx.session) if ctx.session is not None else None
        self._pending_select: str | None = None
        self._unread = -1
        self._build()
        self._problem = RefreshProblem(
            self,
            self.refresh,
            saved_copy=_(
                "Showing the voicemail saved on this computer; your provider could not be reached."
            ),
        )

    # --- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.updated_label = QLabel(self)
        self.updated_label.setObjectName("voicemail-updated")
        self.updated_label.setEnabled(False)
        self.summary, self.refresh_button = refresh_row(
            self,
            self.refresh,
            loading=_("Loading voicemail…"),
            tooltip=_("Check for new voicemail"),
            extra=[self.updated_label],
        )

        self.model = VoicemailModel(self.ctx.region, self)
        self.table = record_table(
            self, self.model, name="voicemail-list", accessible=_("Voicemail messages")
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NEW, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(COL_CALLER, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        self.table.setColumnWidth(COL_NEW, 28)
        self.table.setColumnWidth(COL_NUMBER, metrics.horizontalAdvance("+44 20 7946 0000") + 24)
        when_width = max(metrics.horizontalAdvance(text) for text in when_samples())
        self.table.setColumnWidth(COL_RECEIVED, when_width + 28)
        length_heading = _(HEADERS[COL_LENGTH])
        self.table.setColumnWidth(COL_LENGTH, metrics.horizontalAdvance(length_heading) + 28)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.ask_delete)
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self.table)
        space.setContext(Qt.ShortcutContext.WidgetShortcut)
        space.activated.connect(self.toggle_playback)

        self.empty = QLabel(self)
        self.empty.setObjectName("voicemail-empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        self.empty.setText(_("Loading voicemail…"))
        self.list_stack.setCurrentIndex(_EMPTY)
        self.banner_below_controls()  # a message never moves Refresh

        self.details = QStackedWidget(self)
        self.details.setMinimumWidth(380)
        hint = QLabel(_("Select a message to listen to it."), self.details)
        hint.setObjectName("voicemail-hint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        self.details.addWidget(hint)
        self.details.addWidget(self._build_details())
        self.details.setCurrentIndex(_NOTHING)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("voicemail-splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.list_stack)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 460])
        self.body.addWidget(self.splitter, 1)

    def _build_details(self) -> QWidget:
        pane = QFrame(self)
        pane.setObjectName("voicemail-details")
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.setSpacing(8)
        self.caller_label = _heading_font_label(pane, 1.35)
        self.caller_label.setObjectName("voicemail-caller")
        self.caller_label.setWordWrap(True)
        # Made before the player: first in the tab order, as on screen.
        self.call_back_button = QPushButton(_("Call back"), pane)
        self.call_back_button.setObjectName("voicemail-call-back")
        self.call_back_button.setAccessibleName(_("Call back the caller"))
        self.call_back_button.clicked.connect(self.call_back)
        self.state_label = QLabel(pane)
        self.state_label.setObjectName("voicemail-state")
        self.meta_label = QLabel(pane)
        self.meta_label.setObjectName("voicemail-meta")
        self.meta_label.setWordWrap(True)
        self.meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.player = AudioPlayer(pane, show_title=False)
        self.player.playing_changed.connect(self._playing_changed)
        self.player.retry_requested.connect(self._retry_audio)

        self.confirm = ConfirmBar(pane)
        self.confirm.confirmed.connect(self._delete_confirmed)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.download_button = QPushButton(_("Download…"), pane)
        self.download_button.setObjectName("voicemail-download")
        self.download_button.setToolTip(_("Save a copy of this message as an audio file"))
        self.download_button.clicked.connect(self.ask_download)
        self.heard_button = QPushButton(_("Mark as heard"), pane)
        self.heard_button.setObjectName("voicemail-toggle-heard")
        self.heard_button.clicked.connect(self.toggle_heard)
        self.delete_button = QPushButton(_("Delete…"), pane)
        self.delete_button.setObjectName("voicemail-delete")
        self.delete_button.setToolTip(_("Delete this message here and at your provider (Del)"))
        self.delete_button.clicked.connect(self.ask_delete)
        actions.addWidget(self.download_button)
        actions.addWidget(self.heard_button)
        actions.addStretch(1)
        actions.addWidget(self.delete_button)

        self.action_status = QLabel(pane)
        self.action_status.setObjectName("voicemail-action-status")
        self.action_status.setEnabled(False)

        head = QHBoxLayout()  # the caller, and what one does first with a caller: call back
        head.setSpacing(8)
        head.addWidget(self.caller_label, 1)
        head.addWidget(self.call_back_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        layout.addWidget(self.state_label)
        layout.addWidget(self.meta_label)
        layout.addSpacing(4)
        layout.addWidget(self.player)
        layout.addLayout(actions)
        layout.addWidget(self.confirm)
        layout.addWidget(self.action_status)
        tip = FoldingTip(
            _("Tip: double-click a message, or press Space, to play it; Space again pauses."),
            "voicemail-tip",
            pane,
        )
        layout.addWidget(tip, 1)  # takes what is left under the content
        return pane

    # --- loading -------------------------------------------------------------------------------

    def _no_account(self) -> None:
        self.empty.setText(_("Add an account in Settings to see your voicemail here."))

    def _after_listing(self) -> None:
        if self._pending_select is not None:
            wanted, self._pending_select = self._pending_select, None
            self._select_row_of(wanted)

    def _not_loaded(self) -> None:
        if self.model.rowCount() == 0:
            self.empty.setText(_("Voicemail could not be loaded. Try Refresh."))

    def _show_items(self, items: list[CachedVoicemail]) -> None:
        keep = self._current_id
        self.model.set_items(items)
        self.list_stack.setCurrentIndex(_LIST if items else _EMPTY)
        if not items:
            self.empty.setText(_("No voicemail. New messages will appear here."))
        self._update_summary()
        if keep is not None and self._select_row_of(keep):
            return
        if keep is not None:  # gone at the provider
            self._show_nothing()

    def _update_summary(self) -> None:
        total = self.model.rowCount()
        unread = self.model.unread_count()
        if total == 0:
            self.summary.setText(_("No messages"))
        else:
            parts = [
                ngettext("{count} message", "{count} messages", total).format(
                    count=formats.number(total)
                )
            ]
            if unread:
                # Translators: how many voicemail messages (messages vocaux) are new, shown
                # before the number of messages: "2 new · 20 messages".
                new = ngettext("{count} new", "{count} new", unread)
                parts.insert(0, new.format(count=formats.number(unread)))
            self.summary.setText(" · ".join(parts))
        if unread != self._unread:
            self._unread = unread
            self.unread_count_changed.emit(unread)

    @property
    def unread_count(self) -> int:
        return self.model.unread_count()

    # --- selection -----------------------------------------------------------------------------

    def select_voicemail(self, voicemail_id: str, *, play: bool = False) -> bool:
        """Show (and optionally play) a message; if it is not listed yet, refresh and then show
        it. True when it was selected at once."""
        if play:
            self._play_when_ready = voicemail_id
        if self._select_row_of(voicemail_id):
            if play and self.player.path is not None and self._current_id == voicemail_id:
                self._maybe_play(voicemail_id)
            return True
        self._pending_select = voicemail_id
        self.refresh()  # not listed yet (or not loaded yet): selected when the list lands
        return False

    def current_voicemail(self) -> CachedVoicemail | None:
        return None if self._current_id is None else self.model.find(self._current_id)

    def _select_row_of(self, voicemail_id: str) -> bool:
        row = self.model.row_of(voicemail_id)
        if row is None:
            return False
        index = self.model.index(row, COL_CALLER)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        if self._current_id == voicemail_id:  # same row: no change signal; refresh the pane
            item = self.model.item(row)
            if item is not None:
                self._show_details(item)
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current.row()) if current.isValid() else None
        if item is None:
            self._show_nothing()
            return
        vm_id = item.voicemail.voicemail_id
        if vm_id != self._current_id:
            self._current_id = vm_id
            self.confirm.cancel()
            self.action_status.clear()
            self._show_details(item)
            self._load_audio(item)
        else:
            self._show_details(item)

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.select_voicemail(item.voicemail.voicemail_id, play=True)

    def _show_nothing(self) -> None:
        self._current_id = None
        self.confirm.cancel()
        self.player.clear()
        self.details.setCurrentIndex(_NOTHING)

    def _show_details(self, item: CachedVoicemail) -> None:
        vm = item.voicemail
        region = self.ctx.region
        self.details.setCurrentIndex(_DETAILS)
        self.caller_label.setText(caller_text(item, region))
        number = display(callback_number(item), region) if vm.callerid_name.strip() else ""
        if item.is_new:
            if number:
                state = _("● New message from {number}").format(number=number)
            else:
                state = _("● New message")
            self.state_label.setText(state)
        else:
            # Translators: a voicemail message that was listened to, and who left it.
            heard_from = _("Heard · from {number}")
            self.state_label.setText(heard_from.format(number=number) if number else _("Heard"))
        set_tone(self.state_label, "accent" if item.is_new else None)
        font = self.state_label.font()
        font.setBold(item.is_new)
        self.state_label.setFont(font)
        lines = [f"{long_when_text(vm.received_at)} · {length_text(vm.duration_s)}"]
        target = display(vm.destination, region)
        if target and vm.mailbox_id:
            # Translators: the number the message was left for, and its mailbox's ID.
            left = _("Left for {number} (mailbox {mailbox})")
            lines.append(left.format(number=target, mailbox=vm.mailbox_id))
        elif target:
            lines.append(_("Left for {number}").format(number=target))
        self.meta_label.setText("\n".join(lines))
        self._update_actions(item)

    def _update_actions(self, item: CachedVoicemail) -> None:
        vm_id = item.voicemail.voicemail_id
        idle = vm_id not in self._busy_ids
        number = callback_number(item)
        self.call_back_button.setEnabled(bool(number))
        if number:
            shown = display(number, self.ctx.region)
            tip = _("Call {number} from the Dialer").format(number=shown)
            self.call_back_button.setToolTip(tip)
        else:
            self.call_back_button.setToolTip(
                _("The caller's number was withheld: there is no number to call back.")
            )
        self.download_button.setEnabled(idle)
        self.delete_button.setEnabled(idle)
        if item.is_new:
            self.heard_button.setText(_("Mark as heard"))
            self.heard_button.setToolTip(_("Remove the new-message dot"))
            self.heard_button.setEnabled(idle)
        elif item.heard_locally or item.voicemail.is_new:
            self.heard_button.setText(_("Mark as new"))
            self.heard_button.setToolTip(_("Show the new-message dot again"))
            self.heard_button.setEnabled(idle)
        else:
            self.heard_button.setText(_("Mark as new"))
            self.heard_button.setToolTip(
                _(
                    "This message was heard on a phone or another device; your provider keeps "
                    "it as heard."
                )
            )
            self.heard_button.setEnabled(False)

    # --- audio ---------------------------------------------------------------------------------

    def _source(self) -> VoicemailService | None:
        return self._service

    def _current_item(self) -> CachedVoicemail | None:
        return self.current_voicemail()

    def _item_id(self, item: CachedVoicemail) -> str:
        return item.voicemail.voicemail_id

    def _audio_title(self, item: CachedVoicemail) -> str:
        return f"{caller_text(item, self.ctx.region)} · {length_text(item.voicemail.duration_s)}"

    def _audio_cached(self, item_id: str, path: Path) -> None:
        item = self.model.find(item_id)
        if item is not None and not item.audio_path:
            self.model.update(dataclasses.replace(item, audio_path=str(path)))

    def _playing_changed(self, playing: bool) -> None:
        item = self.current_voicemail()
        if playing and item is not None and item.is_new:
            self.set_heard(item.voicemail.voicemail_id, True)

    # --- call back -----------------------------------------------------------------------------

    def call_back(self) -> bool:
        """Dial the selected message's caller the way History's Call back does: the number goes
        into the Dialer, which comes forward. False when the number was withheld."""
        item = self.current_voicemail()
        number = callback_number(item) if item is not None else ""
        if not number:
            return False
        if self.receivers(SIGNAL("call_back_requested(QString)")) > 0:
            self.call_back_requested.emit(number)
        else:  # a window that wires only History's: hand it the number as History would
            handler = getattr(self.window(), "call_back", None)
            if not callable(handler):
                return False
            handler(number)
        return True

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.setCurrentIndex(index)
        menu = self.row_menu(index.row())
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(pos))  # non-blocking, never exec()

    def row_menu(self, row: int) -> QMenu | None:
        """What a right click (or the menu key) on ``row`` offers."""
        item = self.model.item(row)
        if item is None:
            return None
        vm_id = item.voicemail.voicemail_id
        number = callback_number(item)
        shown = display(number, self.ctx.region) if number else ""
        menu = QMenu(self)
        menu.setObjectName("voicemail-row-menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        play = menu.addAction(_("Play"))
        play.setObjectName("voicemail-menu-play")
        play.triggered.connect(lambda: self.select_voicemail(vm_id, play=True))
        call = menu.addAction(
            _("Call back {number}").format(number=shown) if shown else _("Call back")
        )
        call.setObjectName("voicemail-menu-call-back")
        call.setEnabled(bool(number))
        call.triggered.connect(lambda: self._on_row(vm_id, self.call_back))
        copy_number = menu.addAction(_("Copy number"))
        copy_number.setObjectName("voicemail-menu-copy-number")
        copy_number.setEnabled(bool(number))
        copy_number.triggered.connect(lambda: _copy(shown))
        menu.addSeparator()
        delete = menu.addAction(_("Delete…"))
        delete.setObjectName("voicemail-menu-delete")
        delete.setEnabled(vm_id not in self._busy_ids)
        delete.triggered.connect(lambda: self._on_row(vm_id, self.ask_delete))
        return menu

    def _on_row(self, voicemail_id: str, action: Callable[[], object]) -> None:
        if self._select_row_of(voicemail_id):
            action()

    # --- heard / new ---------------------------------------------------------------------------

    def toggle_heard(self) -> None:
        item = self.current_voicemail()
        if item is not None:
            self.set_heard(item.voicemail.voicemail_id, item.is_new)

    def set_heard(self, voicemail_id: str, heard: bool = True) -> None:
        if self._service is None:
            return
        self.run(
            self._service.mark_heard(voicemail_id, heard),
            lambda _none: self._heard_set(voicemail_id, heard),
        )

    def _heard_set(self, voicemail_id: str, heard: bool) -> None:
        item = self.model.find(voicemail_id)
        if item is None:
            return
        item = dataclasses.replace(item, heard_locally=heard)
        self.model.update(item)
        self._update_summary()
        if voicemail_id == self._current_id:
            self._show_details(item)

    # --- download ------------------------------------------------------------------------------

    def ask_download(self) -> None:
        item = self.current_voicemail()
        if item is None:
            return
        vm = item.voicemail
        when = vm.received_at.strftime("%Y-%m-%d-%H%M") if vm.received_at else ""
        suggested = file_name(
            "voicemail", when, caller_text(item, self.ctx.region), ext=vm.file_format.lower()
        )
        ask_save_path(
            self, _("Save voicemail as"), suggested, partial(self.save_audio, vm.voicemail_id)
        )

    # --- delete --------------------------------------------------------------------------------

    def _delete_question(self, item: CachedVoicemail) -> str:
        # Translators: caller is the caller's name or number ("Unknown caller" if neither).
        return _(
            "Delete the message from {caller}? It is deleted at your provider too and cannot be "
            "recovered."
        ).format(caller=caller_text(item, self.ctx.region))

    def delete_voicemail(self, voicemail_id: str) -> None:
        """Delete at once (the confirmation is the caller's job: see ``ask_delete``)."""
        self._delete(voicemail_id)

    def _deleted(self, voicemail_id: str) -> None:
        row = self.model.remove(voicemail_id)
        self._update_summary()
        if self.model.rowCount() == 0:
            self.list_stack.setCurrentIndex(_EMPTY)
            self.empty.setText(_("No voicemail. New messages will appear here."))
        self.banner.success(_("Voicemail deleted."))
        if voicemail_id == self._current_id:
            self._current_id = None
            nxt = self.model.item(min(row or 0, self.model.rowCount() - 1))
            if nxt is not None:
                self._select_row_of(nxt.voicemail.voicemail_id)
            else:
                self._show_nothing()
