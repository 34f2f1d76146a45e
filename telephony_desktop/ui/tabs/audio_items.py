"""What the Voicemail and Recordings tabs share: a list of items with audio, shown from the cache
at once and then as the provider lists it; one item selected at a time, whose audio is fetched
once into the tab's player (and played when it lands, if asked), saved as a copy, or deleted
(after an inline confirmation); each item busy on its own while it is saved or deleted. The
tabs supply the list, the details pane and the words."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QTableView, QWidget

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.i18n import _, formats
from telephony_desktop.services.freshness import Fresh
from telephony_desktop.services.recordings import save_copy
from telephony_desktop.ui.context import AppContext, UiState
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.base import Tab
from telephony_desktop.ui.tabs.common import ConfirmBar
from telephony_desktop.ui.tabs.refresh import RefreshProblem, show_refreshing
from telephony_desktop.ui.widgets.player import AudioPlayer


class HasAudio(Protocol):
    @property
    def audio_path(self) -> str | None:
        """The audio's file in the cache, when it is there already."""


ItemT = TypeVar("ItemT", bound=HasAudio)


class AudioSource(Protocol[ItemT]):
    """The service side: the cached list, the provider's list (or the cached one, marked stale),
    an item's audio as a local file (fetched once), and deletion."""

    async def cached(self) -> list[ItemT]: ...

    async def listing(self) -> Fresh[list[ItemT]]: ...

    async def audio_file(self, item_id: str, /) -> Path: ...

    async def delete(self, item_id: str, /) -> Any: ...


class AudioItemsTab(Tab, Generic[ItemT]):
    """Subclasses build the widgets declared below (the top row with ``refresh_row``, the
    ``RefreshProblem``) and implement the hooks."""

    summary: QLabel
    refresh_button: QPushButton
    updated_label: QLabel
    player: AudioPlayer
    confirm: ConfirmBar
    action_status: QLabel
    splitter: QSplitter
    table: QTableView
    _problem: RefreshProblem

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._refreshing = False
        self._loaded = False
        self._current_id: str | None = None
        self._play_when_ready: str | None = None
        self._downloading: set[str] = set()
        self._busy_ids: set[str] = set()  # being deleted or saved

    # --- hooks (NotImplementedError, not abc: ABCMeta cannot mix with shiboken's metaclass) -----

    def _source(self) -> AudioSource[ItemT] | None:
        raise NotImplementedError

    def _show_items(self, items: list[ItemT]) -> None:
        """Show these items (the cached list, then the provider's)."""
        raise NotImplementedError

    def _no_account(self) -> None:
        """Say why there is nothing to list: no account to list from."""
        raise NotImplementedError

    def _not_loaded(self) -> None:
        """The first listing failed (the cached list, if any, stays)."""

    def _after_listing(self) -> None:
        """The provider's list is on screen."""

    def _current_item(self) -> ItemT | None:
        raise NotImplementedError

    def _item_id(self, item: ItemT) -> str:
        raise NotImplementedError

    def _audio_title(self, item: ItemT) -> str:
        raise NotImplementedError

    def _audio_cached(self, item_id: str, path: Path) -> None:
        """The item's audio is on disk now: keep that in the list."""
        raise NotImplementedError

    def _update_actions(self, item: ItemT) -> None:
        raise NotImplementedError

    def _delete_question(self, item: ItemT) -> str:
        raise NotImplementedError

    def _deleted(self, item_id: str) -> None:
        raise NotImplementedError

    def _before_play(self) -> None:
        """Called just before the player starts (e.g. to pause another player)."""

    # --- loading -------------------------------------------------------------------------------

    @property
    def refreshing(self) -> bool:
        return self._refreshing

    @property
    def loaded(self) -> bool:
        return self._loaded

    def first_shown(self) -> None:
        if self._source() is None:
            self.summary.setText(_("No VoiceMeUp account is open."))
            self.refresh_button.setEnabled(False)
            self._no_account()
            return
        if not self._loaded and not self._refreshing:
            self.refresh()

    def refresh(self) -> None:
        """Show the cached list at once (first time), then the provider's."""
        source = self._source()
        if source is None or self._refreshing:
            return
        self._refreshing = True
        show_refreshing(self.refresh_button, True)
        if not self._loaded:
            self.run(source.cached(), self._show_cached)
        self.run(
            source.listing(),
            self._listed,
            on_error=self._problem.refused,
            on_finally=self._refresh_finished,
        )

    def _show_cached(self, items: list[ItemT]) -> None:
        if not self._loaded and items:  # the provider's answer, if first, wins
            self._show_items(items)

    def _listed(self, fresh: Fresh[list[ItemT]]) -> None:
        self._loaded = True
        self._show_items(fresh.value)
        self._problem.answered(fresh.error)
        if fresh.error is None:
            # Translators: when the list was last fetched from the provider (a time of day).
            updated = _("Updated {time}").format(time=formats.clock(datetime.now()))
            self.updated_label.setText(updated)
        else:
            self.updated_label.setText(_("Offline: saved copy"))
        self._after_listing()

    def _refresh_finished(self) -> None:
        self._refreshing = False
        show_refreshing(self.refresh_button, False, can_refresh=self._source() is not None)
        if not self._loaded:
            self._not_loaded()

    # --- audio ---------------------------------------------------------------------------------

    def _load_audio(self, item: ItemT) -> None:
        source = self._source()
        assert source is not None
        item_id, title = self._item_id(item), self._audio_title(item)
        self.player.clear(title)
        self.player.set_busy(
            _("Opening…") if getattr(item, "audio_path", None) else _("Downloading audio…")
        )
        if item_id in self._downloading:
            return  # already on its way; loaded when it lands if still selected
        self._downloading.add(item_id)
        self.run(
            source.audio_file(item_id),
            partial(self._audio_ready, item_id, title),
            on_error=partial(self._audio_failed, item_id),
            on_finally=partial(self._downloading.discard, item_id),
        )

    def _audio_ready(self, item_id: str, title: str, path: Path) -> None:
        self._audio_cached(item_id, path)
        if item_id != self._current_id:
            return
        self.player.load(path, title)
        self._maybe_play(item_id)

    def _audio_failed(self, item_id: str, exc: TelephonyError) -> None:
        if item_id == self._current_id:
            self.player.show_error(describe(exc), retry=True)

    def _retry_audio(self) -> None:
        item = self._current_item()
        if item is not None:
            self._load_audio(item)

    def toggle_playback(self) -> None:
        """Play or pause the selected item (Space in the list)."""
        if self.player.path is not None:
            self.player.toggle()
        elif self._current_id is not None:
            self._play_when_ready = self._current_id  # still downloading: play when it lands

    def _maybe_play(self, item_id: str) -> None:
        if self._play_when_ready == item_id:
            self._play_when_ready = None
            self._before_play()
            self.player.play()

    # --- save a copy ---------------------------------------------------------------------------

    def save_audio(self, item_id: str, target: Path) -> None:
        """Save a copy of the item's audio at ``target`` (fetched first if need be)."""
        source = self._source()
        if source is None:
            return
        self._set_busy(item_id, _("Saving {name}…").format(name=target.name))
        self.run(
            self._save(source, item_id, target),
            lambda saved: self.banner.success(
                # Translators: name is a file name, folder the folder it was saved in.
                _("Saved {name} in {folder}.").format(name=saved.name, folder=saved.parent)
            ),
            on_finally=partial(self._set_idle, item_id),
        )

    @staticmethod
    async def _save(source: AudioSource[Any], item_id: str, target: Path) -> Path:
        return await save_copy(await source.audio_file(item_id), target)

    # --- delete --------------------------------------------------------------------------------

    def ask_delete(self) -> None:
        item = self._current_item()
        if item is None or self._item_id(item) in self._busy_ids:
            return
        self.confirm.ask(self._delete_question(item), _("Delete"))

    def _delete_confirmed(self) -> None:
        item = self._current_item()
        if item is not None:
            self._delete(self._item_id(item))

    def _delete(self, item_id: str) -> None:
        """Delete at once (the confirmation is the caller's job: see ``ask_delete``)."""
        source = self._source()
        if source is None:
            return
        if item_id == self._current_id:
            self.player.clear(_("Deleting…"))  # let go of the file before it is removed
        self._set_busy(item_id, _("Deleting…"))
        self.run(
            source.delete(item_id),
            lambda _result: self._deleted(item_id),
            on_error=partial(self._delete_failed, item_id),
            on_finally=partial(self._set_idle, item_id),
        )

    def _delete_failed(self, item_id: str, exc: TelephonyError) -> None:
        self.banner.error(describe(exc))
        item = self._current_item()
        if item is not None and item_id == self._current_id:
            self._load_audio(item)  # the player let go of it for the deletion

    # --- busy items ----------------------------------------------------------------------------

    def _set_busy(self, item_id: str, text: str) -> None:
        self._busy_ids.add(item_id)
        self._busy_changed(item_id, text)

    def _set_idle(self, item_id: str) -> None:
        self._busy_ids.discard(item_id)
        self._busy_changed(item_id, "")

    def _busy_changed(self, item_id: str, text: str) -> None:
        if item_id != self._current_id:
            return
        self.action_status.setText(text)
        item = self._current_item()
        if item is not None:
            self._update_actions(item)

    # --- persistence ---------------------------------------------------------------------------

    def save_state(self, state: UiState) -> None:
        # keyed by the tab's key ("voicemail/splitter", ...): renaming a key resets the layout
        state.set_bytes(f"{self.key}/splitter", QByteArray(self.splitter.saveState()))
        columns = QByteArray(self.table.horizontalHeader().saveState())
        state.set_bytes(f"{self.key}/columns", columns)

    def restore_state(self, state: UiState) -> None:
        splitter = state.get_bytes(f"{self.key}/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        columns = state.get_bytes(f"{self.key}/columns")
        if columns is not None:
            self.table.horizontalHeader().restoreState(columns)
