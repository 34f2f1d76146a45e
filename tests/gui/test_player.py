"""The audio player on its own: real playback through QtMultimedia (FFmpeg decodes headless)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer
from pytestqt.qtbot import QtBot

from telephony_desktop.sandbox.audio import wav_bytes
from telephony_desktop.ui.widgets import player as player_module
from telephony_desktop.ui.widgets.player import SPEEDS, AudioPlayer, SoundOutputs, format_ms
from tests.gui.conftest import Runner

# Without a sound server QtMultimedia says so at WARNING level; these lines only, nothing else.
MULTIMEDIA_NOISE = (
    r"^Couldn't (load|resolve) .*(library|symbols)$",
    r"^PulseAudioService: pa_context_connect\(\) failed",
    r"^No audio device detected$",
    # Switching messages while FFmpeg is still opening the previous file cancels that open.
    r"^Could not open media\. FFmpeg error description: Immediate exit requested$",
)
# The offscreen platform says this when a bare widget (no main window) is shown.
OFFSCREEN_NOISE = (r"^This plugin does not support propagateSizeHints\(\)$",)
pytestmark = pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE, *OFFSCREEN_NOISE)
T = TypeVar("T")


class SteadyRunner(Runner):
    """``Runner`` without qasync's trailing ``processEvents`` in ``run_until_complete``.

    qasync (0.28) processes pending events once more *after* it has unset the running loop, so a
    task whose HTTP reply lands in that instant steps with no running loop and httpx/anyio fail
    ("Not currently running on any asynchronous event loop"). Tabs that download while the test
    waits for something else hit it; ``run_forever`` + ``stop`` has no such extra pass.
    """

    def __call__(self, coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
        future = asyncio.ensure_future(asyncio.wait_for(coro, timeout), loop=self.loop)
        future.add_done_callback(lambda _f: self.loop.stop())
        self.loop.run_forever()
        return future.result()


@pytest.fixture
def run(run: Runner) -> Runner:
    """The suite's runner, made steady (see ``SteadyRunner``); shared with the tab tests."""
    return SteadyRunner(run.loop)


class FakeOutputs(SoundOutputs):
    """The sound devices a test says there are (``present``); ``plug``/``unplug`` announce a
    change as ``QMediaDevices.audioOutputsChanged`` would."""

    def __init__(self, present: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.present = present
        self.asked = 0

    def available(self) -> bool:
        self.asked += 1
        return self.present

    def plug(self) -> None:
        self.present = True
        self.changed.emit()

    def unplug(self) -> None:
        self.present = False
        self.changed.emit()


def fake_outputs(monkeypatch: pytest.MonkeyPatch, *, present: bool) -> FakeOutputs:
    """Every player made from now on (those of the tabs too) asks this stand-in."""
    fake = FakeOutputs(present)
    monkeypatch.setattr(player_module, "sound_outputs", lambda: fake)
    return fake


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    path = tmp_path / "message.wav"
    path.write_bytes(wav_bytes("voicemails", 48201, 4))
    return path


@pytest.fixture
def player(qtbot: QtBot) -> Iterator[AudioPlayer]:
    widget = AudioPlayer()
    qtbot.addWidget(widget)
    widget.resize(460, 120)
    widget.show()
    yield widget
    widget.stop()


def test_format_ms() -> None:
    assert format_ms(0) == "0:00"
    assert format_ms(42_900) == "0:42"
    assert format_ms(539_000) == "8:59"
    assert format_ms(3_723_000) == "1:02:03"
    assert format_ms(-5) == "0:00"


def test_plays_pauses_and_reports_position(player: AudioPlayer, wav: Path, run: Runner) -> None:
    assert not player._play.isEnabled()  # nothing loaded yet
    positions: list[int] = []
    player.position_changed.connect(positions.append)
    player.load(wav, "Message from Jean")
    assert player.title == "Message from Jean"
    run.until(lambda: player.duration() > 0)
    assert player.time_text() == "0:00 / 0:04"
    assert player._play.text() == "Play"
    player._play.click()  # as a user would
    run.until(lambda: player.position() > 300)
    assert player.is_playing() and player._play.text() == "Pause"
    assert positions and positions[-1] > 0
    assert player.time_text().endswith("/ 0:04")
    player._play.click()
    run.until(lambda: not player.is_playing())
    paused_at = player.position()
    run.pump(0.3)
    assert player.position() == paused_at


def test_speed_applies_playback_rate(player: AudioPlayer, wav: Path, run: Runner) -> None:
    combo = player._speed
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "0.75×", "1×", "1.25×", "1.5×", "2×",
    ]  # fmt: skip
    assert [combo.itemData(i) for i in range(combo.count())] == list(SPEEDS)
    player.load(wav, "x")
    combo.setCurrentIndex(combo.findText("1.5×"))
    assert player.playback_rate() == 1.5
    assert player.media_player.playbackRate() == 1.5
    player.set_speed(0.75)
    assert combo.currentText() == "0.75×" and player.playback_rate() == 0.75
    player.set_speed(2.0)
    player.play()
    run.until(lambda: player.position() > 0)
    assert player.media_player.playbackRate() == 2.0


def test_speaks_french(french: None, qtbot: QtBot) -> None:
    """Built while French is the language: French words and French decimal commas."""
    widget = AudioPlayer()
    qtbot.addWidget(widget)
    combo = widget._speed
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "0,75×", "1×", "1,25×", "1,5×", "2×",
    ]  # fmt: skip
    assert widget._play.text() == "Écouter" and widget._play.toolTip() == "Écouter (Espace)"
    assert widget.accessibleName() == "Lecteur audio"
    assert combo.accessibleName() == "Vitesse de lecture"
    assert widget._retry.text() == "Réessayer"


def test_seek_and_finish(player: AudioPlayer, tmp_path: Path, run: Runner) -> None:
    short = tmp_path / "short.wav"
    short.write_bytes(wav_bytes("voicemails", 48202, 3))
    finished: list[bool] = []
    player.finished.connect(lambda: finished.append(True))
    player.load(short, "short")
    run.until(lambda: player.duration() > 0)
    player.seek(2_000)
    player.set_speed(2.0)
    player.play()
    run.until(lambda: bool(finished), timeout=10)
    assert not player.is_playing()
    assert player._play.text() == "Play"
    player.play()  # from the end: starts again at the beginning
    run.until(lambda: player.is_playing() and 0 < player.position() < 2_000)
    player.stop()


def test_space_toggles_when_focused(
    qtbot: QtBot, player: AudioPlayer, wav: Path, run: Runner
) -> None:
    player.load(wav, "x")
    run.until(lambda: player.duration() > 0)
    player.setFocus()
    qtbot.keyClick(player, Qt.Key.Key_Space)
    run.until(player.is_playing)
    qtbot.keyClick(player, Qt.Key.Key_Space)
    run.until(lambda: not player.is_playing())
    qtbot.keyClick(player._slider, Qt.Key.Key_Space)  # from a child that ignores Space
    run.until(player.is_playing)


@pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE, *OFFSCREEN_NOISE, r"^Could not open media")
def test_unplayable_file_says_so(player: AudioPlayer, tmp_path: Path, run: Runner) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" * 8)
    player.load(bad, "broken")
    player.play()
    run.until(lambda: bool(player.error_text))
    assert "cannot be played" in player.error_text
    assert not player._play.isEnabled()
    player.clear()
    assert player.error_text == "" and player.path is None


def test_busy_and_error_states(player: AudioPlayer, wav: Path) -> None:
    player.clear("Jean · 0:42")
    player.set_busy("Downloading audio…")
    assert player.busy and player._busy_text.text() == "Downloading audio…"
    retried: list[bool] = []
    player.retry_requested.connect(lambda: retried.append(True))
    player.show_error("The provider could not be reached.", retry=True)
    assert not player.busy and player.error_text == "The provider could not be reached."
    player._retry.click()
    assert retried == [True]
    player.load(wav, "Jean · 0:42")
    assert player.error_text == "" and player._play.isEnabled()


# --- no sound device -------------------------------------------------------------------------


NO_DEVICE = (
    "No sound device: this computer has no speaker or headset to play to. "
    "You can still save a copy with Download…"
)


def test_no_sound_device_is_said_and_goes_when_one_appears(
    qtbot: QtBot, wav: Path, run: Runner
) -> None:
    outputs = FakeOutputs(present=False)
    widget = AudioPlayer(outputs=outputs)
    qtbot.addWidget(widget)
    widget.resize(460, 160)
    assert not widget.no_sound_device and outputs.asked == 0  # not asked before it is shown
    widget.show()
    assert widget.no_sound_device and widget.no_sound_device_text == NO_DEVICE
    note = widget.findChild(QObject, "player-no-device")
    assert note is not None and note.property("tone") == "warning"
    # Above the controls, from the start: loading a file moves nothing.
    play_y = widget._play.y()
    widget.load(wav, "Message")
    run.until(lambda: widget.duration() > 0)
    assert widget._play.y() == play_y and widget._play.isEnabled()
    assert widget.error_text == ""  # not a fault of the file

    outputs.plug()  # a headset plugged in
    assert not widget.no_sound_device and widget.no_sound_device_text == ""
    outputs.unplug()
    assert widget.no_sound_device


def test_a_sound_device_says_nothing(qtbot: QtBot) -> None:
    outputs = FakeOutputs(present=True)
    widget = AudioPlayer(outputs=outputs)
    qtbot.addWidget(widget)
    widget.show()
    assert outputs.asked == 1 and not widget.no_sound_device


def test_players_ask_the_apps_outputs_by_default(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = fake_outputs(monkeypatch, present=False)
    widget = AudioPlayer()
    qtbot.addWidget(widget)
    widget.show()
    assert fake.asked == 1 and widget.no_sound_device


def test_the_real_outputs_follow_qmediadevices(qapp: object) -> None:
    """On this machine, whatever it has: the answer is Qt's own."""
    expected = (
        bool(QMediaDevices.audioOutputs()) and not QMediaDevices.defaultAudioOutput().isNull()
    )
    assert player_module.sound_outputs().available() is expected
    assert player_module.sound_outputs() is player_module.sound_outputs()  # one for the app


def test_an_output_error_without_a_device_is_not_blamed_on_the_file(
    qtbot: QtBot, wav: Path
) -> None:
    outputs = FakeOutputs(present=True)
    widget = AudioPlayer(outputs=outputs)
    qtbot.addWidget(widget)
    widget.show()
    widget.load(wav, "x")
    outputs.present = False  # the device went away without a word from Qt
    widget._failed(QMediaPlayer.Error.ResourceError, "Audio device lost")
    assert widget.no_sound_device and widget.error_text == ""
    outputs.plug()
    widget._failed(QMediaPlayer.Error.ResourceError, "bad data")
    assert not widget.no_sound_device and "cannot be played" in widget.error_text


def test_errors_take_the_themes_colour(player: AudioPlayer) -> None:
    error = player.findChild(QObject, "player-error")
    assert error is not None and error.property("tone") == "error"
    assert "#" not in error.styleSheet()  # no colour of its own


def test_no_sound_device_in_french(french: None, qtbot: QtBot) -> None:
    widget = AudioPlayer(outputs=FakeOutputs(present=False))
    qtbot.addWidget(widget)
    widget.show()
    assert widget.no_sound_device_text == (
        "Aucun appareil audio : cet ordinateur n'a ni haut-parleur ni casque pour faire entendre "
        "le son. Vous pouvez quand même en enregistrer une copie avec Télécharger…"
    )
