"""Find a call's recording in Verba: by extension and status (last, ongoing, next), then play it
in the shared player at speed, save a copy, or open the call in Verba's web interface.

The call found is named in words (the extension, which call, when it was found); Verba's call ID
(a UUID) is never shown, only copied by "Copy call ID". Progress and problems go in a status line
that keeps its room (a hint while there is nothing to say), so the row of the call found and the
player never move."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.domain.verba import VerbaRecording
from telephony_desktop.i18n import _, formats
from telephony_desktop.services.verba_recordings import STATUS_CHOICES, VerbaLookup, media_dir
from telephony_desktop.store.settings import Account
from telephony_desktop.ui.context import AppContext
from telephony_desktop.ui.errors import describe
from telephony_desktop.ui.tabs.common import ask_save_path
from telephony_desktop.ui.widgets.player import AudioPlayer
from telephony_desktop.ui.widgets.status_line import StatusLine

# The label of each one-status choice ("Last finished call"), for a search no choice matches.
_ONE_STATUS = {statuses[0]: label for label, statuses in STATUS_CHOICES if len(statuses) == 1}


def verba_account(ctx: AppContext) -> Account | None:
    return next((a for a in ctx.config.accounts if a.provider == "verba"), None)


def which_call(statuses: Sequence[str]) -> str:
    """The call searched for, in the words of the "Which call" list ("Ongoing, else next")."""
    for label, choice in STATUS_CHOICES:
        if tuple(choice) == tuple(statuses):
            return _(label)
    return " / ".join(_(_ONE_STATUS[s]) if s in _ONE_STATUS else s for s in statuses)


def call_words(found: VerbaRecording) -> str:
    """``Extension 8856 · Last finished call``: the call found, without its ID."""
    # Translators: the call found in Verba: the extension searched, then which call it is
    # ("Last finished call", "Ongoing, else next").
    return _("Extension {extension} · {call}").format(
        extension=found.extension, call=which_call(found.status)
    )


class VerbaPanel(QGroupBox):
    """Shown in the Recordings tab when a Verba account is configured."""

    playback_started = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Find a call's recording in Verba"), parent)
        self.setObjectName("verba-panel")
        self.ctx = ctx
        self.found: VerbaRecording | None = None
        self._busy = False
        self._loading: str | None = None  # the call ID whose audio is being fetched
        self._play_when_ready = False

        self.extension = QLineEdit(self)
        self.extension.setObjectName("verba-extension")
        self.extension.setAccessibleName(_("Extension"))
        self.extension.setPlaceholderText(_("Extension or number, e.g. 8856"))
        self.extension.setClearButtonEnabled(True)
        self.extension.setFixedWidth(240)
        self.extension.returnPressed.connect(self.find_recording)
        self.extension.textChanged.connect(self._input_changed)
        self.status = QComboBox(self)
        self.status.setObjectName("verba-status")
        self.status.setAccessibleName(_("Which call"))
        for label, statuses in STATUS_CHOICES:  # labels marked with N_() in the service
            self.status.addItem(_(label), statuses)
        self.status.currentIndexChanged.connect(self._input_changed)
        self.find_button = QPushButton(_("Find recording"), self)
        self.find_button.setObjectName("verba-find")
        self.find_button.clicked.connect(self.find_recording)

        self.result = QLabel("", self)
        self.result.setObjectName("verba-result")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.message = StatusLine(
            "verba-message",
            self,
            lines=2,  # the longest of Verba's refusals, at the width of a small window
            placeholder=_("Type an extension or a number, then press Enter or Find recording."),
        )
        self.found_at: datetime | None = None
        self.player = AudioPlayer(self, show_title=False)  # the line above names the call
        self.player.retry_requested.connect(self.play)
        self.open_button = QPushButton(_("Open in Verba"), self)
        self.open_button.setObjectName("verba-open")
        self.open_button.setToolTip(_("Open this call in Verba's web interface"))
        self.open_button.clicked.connect(self.open_in_verba)
        self.save_button = QPushButton(_("Download…"), self)
        self.save_button.setObjectName("verba-download")
        self.save_button.clicked.connect(self.ask_download)
        self.copy_id_button = QPushButton(_("Copy call ID"), self)
        self.copy_id_button.setObjectName("verba-copy-call-id")
        self.copy_id_button.setAccessibleName(_("Copy the Verba call ID"))
        self.copy_id_button.setToolTip(
            _("Copy Verba's ID of this call, to find it in Verba or give it to support")
        )
        self.copy_id_button.clicked.connect(self.copy_call_id)
        self.opened_url: str | None = None  # what "Open in Verba" last asked the desktop to open

        row = QHBoxLayout()
        row.setSpacing(8)
        caption = QLabel(_("Extension:"), self)
        caption.setBuddy(self.extension)
        row.addWidget(caption)
        row.addWidget(self.extension)
        row.addWidget(self.status)
        row.addWidget(self.find_button)
        row.addStretch(1)
        found = QHBoxLayout()
        found.setSpacing(8)
        found.addWidget(self.result, 1)
        found.addWidget(self.copy_id_button)
        found.addWidget(self.save_button)
        found.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.message)  # its room kept: a message moves nothing under it
        layout.addLayout(found)
        layout.addWidget(self.player)
        self._show_found(None)

    # --- helpers -------------------------------------------------------------------------------

    async def _service(self) -> VerbaLookup:
        from telephony_desktop.providers.verba.client import VerbaClient

        account = verba_account(self.ctx)
        if account is None:
            raise TelephonyError(_("No Verba account is configured: add one in Settings."))
        client = await self.ctx.clients.get(account)
        assert isinstance(client, VerbaClient)
        return VerbaLookup(client, media_dir(account.name))

    def _run(self, coro: object, on_done: Callable[..., None], what: str) -> None:
        self._set_busy(True)
        self.ctx.tasks.start(
            coro,  # type: ignore[arg-type]
            on_done=on_done,
            on_error=self._failed,
            on_finally=lambda: self._set_busy(False),
            name=f"verba-{what}",
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.find_button.setEnabled(not busy)
        self._show_found(self.found)

    def _failed(self, exc: TelephonyError) -> None:
        self.message.error(describe(exc))

    def _show_found(self, found: VerbaRecording | None) -> None:
        for button in (self.open_button, self.save_button, self.copy_id_button):
            button.setEnabled(found is not None and not self._busy)
        self.player.setVisible(found is not None)

    # --- actions -------------------------------------------------------------------------------

    def find_recording(self) -> None:
        if self._busy:
            return
        statuses = tuple(self.status.currentData() or ("last",))
        extension = self.extension.text()
        # Translators: extension is the extension or number typed by the user.
        looking = _("Looking for the call on {extension} in Verba…")
        self.message.info(looking.format(extension=extension.strip() or "…"))

        async def go() -> VerbaRecording:
            service = await self._service()
            return await service.find(extension, statuses)

        self._run(go(), self._found, "find")

    def _input_changed(self) -> None:
        """What to look for changed: a message about the last search no longer applies."""
        if not self._busy:
            self.message.clear()

    def _found(self, found: VerbaRecording) -> None:
        self.found = found
        self.found_at = datetime.now().astimezone()
        self.message.clear()
        self.player.clear(call_words(found))
        # Translators: words is "Extension 8856 · Last finished call", time when it was found.
        found_text = _("{words} · found at {time}")
        self.result.setText(
            found_text.format(words=call_words(found), time=formats.clock(self.found_at))
        )
        self.result.setToolTip(_("The recording Verba has for this call"))
        self._show_found(found)
        self.load_audio(play=False)  # ready in the player: Play (or Space) starts it

    def play(self) -> None:
        self.load_audio(play=True)

    def load_audio(self, *, play: bool) -> None:
        found = self.found
        if found is None:
            return
        if self._loading == found.call_id:  # already on its way: just play it when it lands
            self._play_when_ready = self._play_when_ready or play
            return
        self._loading, self._play_when_ready = found.call_id, play
        self.player.set_busy(_("Downloading the recording…"))

        async def go() -> Path:
            service = await self._service()
            return await service.audio_file(found.call_id)

        def ready(path: Path) -> None:
            if self.found is not found:
                return  # another call was looked up meanwhile
            self.player.load(path, call_words(found))
            if self._play_when_ready:
                self.player.play()
                self.playback_started.emit()

        def failed(exc: TelephonyError) -> None:
            self.player.show_error(describe(exc), retry=True)

        self.ctx.tasks.start(
            go(),
            on_done=ready,
            on_error=failed,
            on_finally=lambda: setattr(self, "_loading", None),
            name="verba-media",
        )

    def open_in_verba(self) -> None:
        if self.found is None:
            return
        self.opened_url = self.found.url
        if not QDesktopServices.openUrl(QUrl(self.found.url)):
            message = _("No browser could open the call. Its address: {url}")
            self.message.warning(message.format(url=self.found.url))

    def copy_call_id(self) -> None:
        """Verba's ID of the call found on the clipboard (it is never shown)."""
        clipboard = QGuiApplication.clipboard()
        if self.found is not None and clipboard is not None:
            clipboard.setText(self.found.call_id)
            self.message.success(_("Call ID copied."))

    def ask_download(self) -> None:
        found = self.found
        if found is None:
            return
        suggested = f"verba-{found.call_id[:40]}.wav"
        ask_save_path(self, _("Save the recording"), suggested, self.save_audio)

    def save_audio(self, target: Path) -> None:
        found = self.found
        if found is None:
            return

        async def go() -> Path:
            service = await self._service()
            return await service.save_copy(found.call_id, target)

        self._run(
            go(), lambda path: self.message.success(_("Saved to {path}.").format(path=path)), "save"
        )
