"""One audio player for voicemail and recordings: play/pause, seek, time, speed, errors in place.

A thin face over ``QMediaPlayer`` + ``QAudioOutput``. It plays files already on disk (the tabs
download them first, through their service, as a task); it never blocks and never pops a dialog.
With no sound device Qt still decodes through FFmpeg and the position advances, but nothing is
heard: the player says so (``SoundOutputs``), and says no more once a device appears. Playback
stays possible (and testable on a headless machine), and so does saving a copy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QUrl, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer
from PySide6.QtWidgets import (
    QAbstractSlider,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from telephony_desktop.i18n import _, formats
from telephony_desktop.ui.theme import set_tone

SPEEDS: Final = (0.75, 1.0, 1.25, 1.5, 2.0)


def format_ms(ms: int) -> str:
    """``m:ss`` (``h:mm:ss`` past an hour) for a position or duration in milliseconds."""
    return formats.length(max(0, int(ms) // 1000))


def speed_label(rate: float) -> str:
    """``1.25×`` / ``1,25×``: the rate as the locale writes numbers."""
    return f"{formats.number(rate)}×"


class SoundOutputs(QObject):
    """Whether Qt has a sound device to play to, and when that changes (a headset plugged in).

    ``QMediaDevices`` opens the multimedia backend, so it is made on the first question only.
    Tests hand players a stand-in (``AudioPlayer(outputs=...)``, or replace
    :func:`sound_outputs`) to show both cases on any machine.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._devices: QMediaDevices | None = None

    def available(self) -> bool:
        if self._devices is None:
            self._devices = QMediaDevices(self)
            self._devices.audioOutputsChanged.connect(self.changed)
        if not QMediaDevices.audioOutputs():
            return False
        return not QMediaDevices.defaultAudioOutput().isNull()


_OUTPUTS: list[SoundOutputs] = []


def sound_outputs() -> SoundOutputs:
    """The app's one :class:`SoundOutputs` (made on first use)."""
    if not _OUTPUTS:
        _OUTPUTS.append(SoundOutputs())
    return _OUTPUTS[0]


class AudioPlayer(QFrame):
    """Plays one local audio file at a time.

    ``load(path, title)`` prepares a file (without playing it); ``play()``, ``pause()``,
    ``toggle()``, ``stop()`` and ``clear()`` drive it. ``set_busy(text)`` shows that the tab is
    still fetching the audio; ``show_error(text)`` says why nothing can be played. With no sound
    device it says so above its controls (``no_sound_device``), from when it is first shown.
    """

    position_changed = Signal(int)  # milliseconds
    finished = Signal()  # played to the end
    playing_changed = Signal(bool)  # True when playback starts or resumes
    retry_requested = Signal()  # the "Try again" button under an error

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        show_title: bool = True,
        outputs: SoundOutputs | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("audio-player")
        self._show_title = show_title
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Audio player"))
        self._path: Path | None = None
        self._seeking = False
        self._outputs = outputs  # None: the app's own, asked for when first shown
        self._outputs_known = False

        # Made on first load: opening the multimedia backend costs time at startup and logs
        # warnings on machines without a sound server, so a window that plays nothing skips it.
        self._player: QMediaPlayer | None = None
        self._output: QAudioOutput | None = None

        self._title = QLabel(self)
        self._title.setObjectName("player-title")
        self._title.setTextFormat(Qt.TextFormat.PlainText)
        font = self._title.font()
        font.setBold(True)
        self._title.setFont(font)
        self._title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self._busy = QProgressBar(self)
        self._busy.setObjectName("player-busy")
        self._busy.setRange(0, 0)  # indeterminate
        self._busy.setTextVisible(False)
        self._busy.setFixedSize(90, 10)
        self._busy.setAccessibleName(_("Loading audio"))
        self._busy_text = QLabel(self)
        self._busy_text.setObjectName("player-busy-text")

        self._play = QPushButton(self)
        self._play.setObjectName("player-play")
        self._play.setMinimumWidth(92)
        self._play.clicked.connect(self.toggle)

        self._slider = QSlider(Qt.Orientation.Horizontal, self)
        self._slider.setObjectName("player-seek")
        # Translators: the accessible name of the slider that seeks in the audio being played.
        self._slider.setAccessibleName(_("Position"))
        self._slider.setRange(0, 0)
        self._slider.setSingleStep(5_000)
        self._slider.setPageStep(15_000)
        self._slider.sliderPressed.connect(self._seek_started)
        self._slider.sliderMoved.connect(self._seek_moved)
        self._slider.sliderReleased.connect(self._seek_finished)
        self._slider.actionTriggered.connect(self._slider_action)

        self._time = QLabel(self)
        self._time.setObjectName("player-time")
        self._time.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        metrics = self._time.fontMetrics()
        self._time.setMinimumWidth(metrics.horizontalAdvance("00:00 / 00:00") + 6)

        self._speed = QComboBox(self)
        self._speed.setObjectName("player-speed")
        self._speed.setAccessibleName(_("Playback speed"))
        self._speed.setToolTip(_("Playback speed"))
        for rate in SPEEDS:
            self._speed.addItem(speed_label(rate), rate)
        self._speed.setCurrentIndex(SPEEDS.index(1.0))
        self._speed.currentIndexChanged.connect(self._speed_chosen)
        speed_caption = QLabel(_("Speed"), self)
        speed_caption.setBuddy(self._speed)

        self._no_device = QLabel(
            _(
                "No sound device: this computer has no speaker or headset to play to. "
                "You can still save a copy with Download…"
            ),
            self,
        )
        self._no_device.setObjectName("player-no-device")
        self._no_device.setWordWrap(True)
        set_tone(self._no_device, "warning")
        self._no_device.hide()

        self._error = QLabel(self)
        self._error.setObjectName("player-error")
        self._error.setWordWrap(True)
        set_tone(self._error, "error")
        self._retry = QPushButton(_("Try again"), self)
        self._retry.setObjectName("player-retry")
        self._retry.clicked.connect(self.retry_requested)
        self._retry.hide()

        self._title.setVisible(show_title)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self._title, 1)
        seek = QHBoxLayout()
        seek.setSpacing(10)
        seek.addWidget(self._slider, 1)
        seek.addWidget(self._time)
        controls = QHBoxLayout()
        controls.setSpacing(8)
        controls.addWidget(self._play)
        controls.addSpacing(6)
        controls.addWidget(self._busy)
        controls.addWidget(self._busy_text)
        controls.addStretch(1)
        controls.addWidget(speed_caption)
        controls.addWidget(self._speed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(self._no_device)
        layout.addLayout(seek)
        layout.addLayout(controls)
        problem = QHBoxLayout()
        problem.setSpacing(8)
        problem.addWidget(self._error, 1)
        problem.addWidget(self._retry, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(problem)

        self.set_busy("")
        self.clear()

    # --- what the tabs call --------------------------------------------------------------------

    def load(self, path: Path, title: str) -> None:
        """Prepare ``path`` for playback under ``title`` (same file again: kept as it is)."""
        path = Path(path)
        self.set_busy("")
        self._set_title(title)
        if path == self._path and self._error.isHidden():
            return
        player = self.media_player  # setSource stops the previous file itself: one call only
        self._path = path
        self._hide_error()
        self._update_time(0, 0)
        self._slider.setRange(0, 0)
        player.setSource(QUrl.fromLocalFile(str(path)))
        self._enable(True)

    def clear(self, title: str = "") -> None:
        """Unload the file (e.g. before it is deleted); show ``title`` as a hint."""
        if self._player is not None:
            self._player.setSource(QUrl())  # stops and unloads in one step
        self._path = None
        self._set_title(title)
        self._hide_error()
        self._slider.setRange(0, 0)
        self._update_time(0, 0)
        self._enable(False)

    def play(self) -> None:
        player = self._player
        if player is not None and self._path is not None and self._error.isHidden():
            if player.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia:
                player.setPosition(0)
            player.play()

    def pause(self) -> None:
        if self._player is not None:
            self._player.pause()

    def toggle(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()

    def seek(self, ms: int) -> None:
        if self._player is not None:
            self._player.setPosition(max(0, int(ms)))

    def set_speed(self, rate: float) -> None:
        """One of :data:`SPEEDS` (the nearest is chosen for anything else)."""
        nearest = min(SPEEDS, key=lambda s: abs(s - rate))
        self._speed.setCurrentIndex(SPEEDS.index(nearest))  # applies it via _speed_chosen

    def set_busy(self, text: str) -> None:
        """Show an activity indicator with ``text`` (e.g. "Downloading audio…"); "" hides it."""
        self._busy.setVisible(bool(text))
        self._busy_text.setVisible(bool(text))
        self._busy_text.setText(text)
        if text:
            self._hide_error()

    def show_error(self, text: str, *, retry: bool = False) -> None:
        """Say why nothing can be played; ``retry`` offers a "Try again" button."""
        self.set_busy("")
        self._error.setText(text)
        self._error.show()
        self._retry.setVisible(retry)
        self._keep_room()
        self._enable(False)

    # --- state, for tabs and tests -------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def title(self) -> str:
        return self._title.text()

    @property
    def error_text(self) -> str:
        return "" if self._error.isHidden() else self._error.text()

    @property
    def busy(self) -> bool:
        return not self._busy.isHidden()

    @property
    def no_sound_device(self) -> bool:
        """The player says there is no sound device to play to."""
        return not self._no_device.isHidden()

    @property
    def no_sound_device_text(self) -> str:
        return self._no_device.text() if self.no_sound_device else ""

    def position(self) -> int:
        return 0 if self._player is None else int(self._player.position())

    def duration(self) -> int:
        return 0 if self._player is None else int(self._player.duration())

    def playback_rate(self) -> float:
        if self._player is None:
            return float(self._speed.currentData())
        return float(self._player.playbackRate())

    def is_playing(self) -> bool:
        return (
            self._player is not None
            and self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        )

    def time_text(self) -> str:
        return self._time.text()

    @property
    def media_player(self) -> QMediaPlayer:
        """The underlying ``QMediaPlayer`` (created on first use)."""
        if self._player is None:
            player = QMediaPlayer(self)
            self._output = QAudioOutput(self)
            player.setAudioOutput(self._output)
            if hasattr(player, "setPitchCompensation"):  # Qt 6.10+: no chipmunk voices at 2×
                player.setPitchCompensation(True)
            player.setPlaybackRate(float(self._speed.currentData()))
            player.positionChanged.connect(self._position_moved)
            player.durationChanged.connect(self._duration_known)
            player.playbackStateChanged.connect(self._state_changed)
            player.mediaStatusChanged.connect(self._status_changed)
            player.errorOccurred.connect(self._failed)
            self._player = player
        return self._player

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Never shorter than its wrapped lines need at this width: a short window takes room from
        the list beside, not from the note or the error (Qt's minimum ignores wrapped lines)."""
        super().resizeEvent(event)
        self._keep_room()

    def _keep_room(self) -> None:
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = self.heightForWidth(self.width())  # the layout's, plus the frame's
            if needed > 0 and needed != self.minimumHeight():
                self.setMinimumHeight(needed)

    # --- sound device --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._outputs_known:  # asked once: then told of changes
            self._outputs_known = True
            outputs = self._outputs or sound_outputs()
            self._outputs = outputs
            outputs.changed.connect(self._outputs_changed)
            self._outputs_changed()

    def _outputs_changed(self) -> None:
        """Say whether anything can be heard; a device that appears is played to at once."""
        if self._outputs is None:
            return
        available = self._outputs.available()
        self._no_device.setVisible(not available)
        self._keep_room()
        if available and self._output is not None:
            default = QMediaDevices.defaultAudioOutput()
            if not default.isNull() and self._output.device() != default:
                self._output.setDevice(default)

    # --- keyboard ------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Space, Qt.Key.Key_MediaTogglePlayPause, Qt.Key.Key_MediaPlay):
            self.toggle()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self._path is not None:
            step = -5_000 if key == Qt.Key.Key_Left else 5_000
            self.seek(self.position() + step)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # --- internals -----------------------------------------------------------------------------

    def _set_title(self, title: str) -> None:
        self._title.setText(title)
        self._title.setToolTip(title)
        self._title.setVisible(self._show_title and bool(title))
        self.setAccessibleDescription(title)

    def _hide_error(self) -> None:
        self._error.hide()
        self._retry.hide()
        self._keep_room()

    def _enable(self, on: bool) -> None:
        for widget in (self._play, self._slider):
            widget.setEnabled(on)
        self._show_play_button(playing=on and self.is_playing())

    def _show_play_button(self, *, playing: bool) -> None:
        icons = QStyle.StandardPixmap
        pixmap = icons.SP_MediaPause if playing else icons.SP_MediaPlay
        self._play.setIcon(self.style().standardIcon(pixmap))
        # Translators: the player's button; "Play" starts the audio (Écouter).
        self._play.setText(_("Pause") if playing else _("Play"))
        self._play.setToolTip(_("Pause (Space)") if playing else _("Play (Space)"))

    def _update_time(self, position: int, duration: int) -> None:
        self._time.setText(f"{format_ms(position)} / {format_ms(duration)}")

    def _position_moved(self, position: int) -> None:
        if not self._seeking:
            with QSignalBlocker(self._slider):
                self._slider.setValue(int(position))
            self._update_time(int(position), self.duration())
        self.position_changed.emit(int(position))

    def _duration_known(self, duration: int) -> None:
        self._slider.setRange(0, max(0, int(duration)))
        self._update_time(self.position(), int(duration))

    def _state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self._show_play_button(playing=playing)
        self.playing_changed.emit(playing)

    def _status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._update_time(self.duration(), self.duration())
            self.finished.emit()

    def _failed(self, error: QMediaPlayer.Error, detail: str) -> None:
        if error == QMediaPlayer.Error.NoError or self._path is None:
            return
        if error == QMediaPlayer.Error.ResourceError and self._outputs is not None:
            self._outputs_changed()
            if self.no_sound_device:  # the sound device is missing, not the file at fault
                return
        if detail:
            # Translators: detail is the media framework's own reason, in English.
            text = _("This audio file cannot be played ({detail}). Try downloading it instead.")
            self.show_error(text.format(detail=detail))
        else:
            self.show_error(_("This audio file cannot be played. Try downloading it instead."))

    def _speed_chosen(self, index: int) -> None:
        if self._player is not None:
            self._player.setPlaybackRate(float(self._speed.itemData(index)))

    def _seek_started(self) -> None:
        self._seeking = True

    def _seek_moved(self, value: int) -> None:
        self._update_time(value, self.duration())

    def _seek_finished(self) -> None:
        self._seeking = False
        self.seek(self._slider.value())

    def _slider_action(self, action: int) -> None:
        if action != QAbstractSlider.SliderAction.SliderMove.value:  # clicks and keys, not drags
            self.seek(self._slider.sliderPosition())
