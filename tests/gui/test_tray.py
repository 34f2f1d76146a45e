"""The tray object offscreen (no system tray there): menu, unread tooltip and badge, dialing from
the clipboard, pausing, and which voicemail a clicked notification opens."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from telephony_desktop import resources
from telephony_desktop.services.voicemail_watch import (
    NewVoicemail,
    UnreadChanged,
    VoicemailSummary,
    WatchError,
)
from telephony_desktop.ui.tray import (
    APP_NAME,
    Tray,
    app_icon,
    badge_text,
    notification_text,
    render_svg,
)

JEAN = NewVoicemail(
    voicemail_id="42",
    caller_name="Jean Côté",
    caller_number_display="(514) 555-0123",
    duration_s=42,
    received_at=datetime(2026, 11, 22, 14, 0),
)


class Recorder:
    """Every signal of a tray, as (name, args) in order."""

    def __init__(self, tray: Tray) -> None:
        self.seen: list[tuple[str, tuple[object, ...]]] = []
        for name in (
            "show_requested",
            "dial_requested",
            "dial_refused",
            "paused_changed",
            "quit_requested",
            "open_voicemail",
            "notified",
        ):
            getattr(tray, name).connect(lambda *args, n=name: self.seen.append((n, args)))

    def of(self, name: str) -> list[tuple[object, ...]]:
        return [args for n, args in self.seen if n == name]


@pytest.fixture
def tray(qapp: QApplication) -> Iterator[Tray]:
    t = Tray("CA")
    yield t
    t.hide()
    t.menu.deleteLater()
    t.deleteLater()


def red_share(image: QImage, x0: int, y0: int, x1: int, y1: int) -> float:
    """The share of badge-red pixels in a rectangle."""
    red = total = 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            c = image.pixelColor(x, y)
            total += 1
            red += c.red() > 180 and c.green() < 90 and c.blue() < 90
    return red / total


def test_no_tray_offscreen_and_the_object_still_works(tray: Tray) -> None:
    assert tray.available == QSystemTrayIcon.isSystemTrayAvailable()
    assert not tray.icon.isVisible() or tray.available
    assert not tray.icon.icon().isNull()
    assert tray.tooltip == APP_NAME


def test_the_menu_has_the_four_actions_in_order(tray: Tray) -> None:
    actions = [a for a in tray.menu.actions() if not a.isSeparator()]
    assert [a.text() for a in actions] == [
        "Show Telephony Desktop",
        "Dial number from clipboard",
        "Pause notifications",
        "Quit",
    ]
    assert tray.icon.contextMenu() is tray.menu
    assert tray.pause_action.isCheckable() and not tray.paused
    seen = Recorder(tray)
    tray.show_action.trigger()
    tray.quit_action.trigger()
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)  # the menu, not Show
    assert [n for n, _ in seen.seen] == ["show_requested", "quit_requested", "show_requested"]


def test_unread_count_in_tooltip_and_badge(tray: Tray) -> None:
    plain = tray.current_pixmap(64).toImage()
    assert red_share(plain, 40, 0, 64, 24) < 0.05
    tray.set_unread(3)
    assert tray.tooltip == "Telephony Desktop — 3 new voicemails"
    assert tray.badge == "3"
    badged = tray.current_pixmap(64).toImage()
    assert red_share(badged, 40, 0, 64, 24) > 0.3  # a red badge top right
    assert red_share(badged, 0, 40, 24, 64) < 0.05  # nothing bottom left
    assert tray.icon.icon().cacheKey() != app_icon().cacheKey()
    tray.set_unread(1)
    assert tray.tooltip == "Telephony Desktop — 1 new voicemail"
    tray.set_unread(12)
    assert tray.badge == "9+"
    tray.handle_event(UnreadChanged(0))
    assert tray.tooltip == APP_NAME and tray.badge == "" and tray.unread == 0
    assert [badge_text(n) for n in (0, 1, 9, 10, 250)] == ["", "1", "9", "9+", "9+"]


def test_dial_from_clipboard_emits_the_parsed_number(tray: Tray) -> None:
    seen = Recorder(tray)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("  514.555.0123 ext 5 ")
    tray.dial_action.trigger()
    clipboard.setText("(438) 555-0102")
    tray.dial_action.trigger()
    assert seen.of("dial_requested") == [("+15145550123 ext 5",), ("+14385550102",)]
    assert seen.of("dial_refused") == []
    tray.region = "FR"
    assert tray.dial_from_clipboard("01 23 45 67 89") == "+33123456789"


def test_dial_from_clipboard_refuses_garbage_without_dialing(tray: Tray) -> None:
    seen = Recorder(tray)
    QGuiApplication.clipboard().setText("see you at noon")
    tray.dial_action.trigger()
    assert tray.dial_from_clipboard("") is None
    assert tray.dial_from_clipboard("12") is None
    assert seen.of("dial_requested") == []
    refusals = [args[0] for args in seen.of("dial_refused")]
    assert len(refusals) == 3
    assert "“see you at noon” is not a phone number" in str(refusals[0])
    assert "clipboard is empty" in str(refusals[1])
    assert tray.last_message == (APP_NAME, refusals[2])
    # A refusal is not a voicemail: clicking it just shows the window.
    tray.icon.messageClicked.emit()
    assert seen.of("open_voicemail") == [] and seen.of("show_requested") == [()]


def test_notification_texts() -> None:
    assert notification_text(JEAN) == "New voicemail from Jean Côté, (514) 555-0123 · 0:42"
    anonymous = NewVoicemail("7", "", "(438) 555-0102", 3725, None)
    assert notification_text(anonymous) == "New voicemail from (438) 555-0102 · 1:02:05"
    nobody = NewVoicemail("8", "", "", 5, None)
    assert notification_text(nobody) == "New voicemail from an unknown caller · 0:05"
    assert notification_text(VoicemailSummary(5, "99")) == "5 new voicemails"


def test_menu_tooltip_and_notifications_in_french(french: None, tray: Tray) -> None:
    # ``french`` first: the tray's menu is written when it is made.
    assert [a.text() for a in tray.menu.actions() if not a.isSeparator()] == [
        "Afficher Telephony Desktop",
        "Composer le numéro du presse-papiers",
        "Suspendre les avis",
        "Quitter",
    ]
    tray.set_unread(1)
    assert tray.tooltip == "Telephony Desktop — 1 nouveau message vocal"
    tray.set_unread(3)
    assert tray.tooltip == "Telephony Desktop — 3 nouveaux messages vocaux"
    assert notification_text(JEAN) == "Nouveau message vocal de Jean Côté, (514) 555-0123 · 0:42"
    nobody = NewVoicemail("8", "", "", 5, None)
    assert notification_text(nobody) == "Nouveau message vocal d'un appelant inconnu · 0:05"
    assert notification_text(VoicemailSummary(5, "99")) == "5 nouveaux messages vocaux"
    assert tray.dial_from_clipboard("  ") is None
    assert tray.last_message == (
        APP_NAME,
        "Le presse-papiers est vide : copiez un numéro de téléphone, puis réessayez.",
    )


def test_pause_suppresses_notifications(tray: Tray) -> None:
    seen = Recorder(tray)
    tray.pause_action.trigger()
    assert tray.paused and seen.of("paused_changed") == [(True,)]
    assert tray.notify(JEAN) is False
    assert seen.of("notified") == [] and tray.last_message is None
    tray.set_paused(False)
    assert seen.of("paused_changed") == [(True,), (False,)]
    assert tray.notify(JEAN) is True
    assert seen.of("notified") == [(APP_NAME, notification_text(JEAN))]
    quiet = Tray("CA", paused=True)
    assert quiet.paused
    quiet.menu.deleteLater()
    quiet.deleteLater()


def test_clicking_a_notification_opens_the_last_voicemail(tray: Tray) -> None:
    seen = Recorder(tray)
    tray.icon.messageClicked.emit()  # nothing shown yet: just the window
    tray.handle_event(JEAN)
    tray.icon.messageClicked.emit()
    tray.handle_event(VoicemailSummary(count=5, newest_id="57"))
    tray.icon.messageClicked.emit()
    tray.set_paused(True)
    tray.handle_event(NewVoicemail("58", "", "(438) 555-0102", 9, None))  # not shown
    tray.icon.messageClicked.emit()
    tray.handle_event(WatchError(RuntimeError("offline"), 1, 60.0))  # the window's business
    assert seen.of("open_voicemail") == [("42",), ("57",), ("57",)]
    assert seen.of("show_requested") == [()]
    assert [args[1] for args in seen.of("notified")] == [
        "New voicemail from Jean Côté, (514) 555-0123 · 0:42",
        "5 new voicemails",
    ]


# --- the icon and where resources are ----------------------------------------------------------


def test_the_app_icon_from_the_resources(qapp: QApplication) -> None:
    svg = resources.resource_path(resources.APP_ICON_SVG)
    png = resources.resource_path(resources.APP_ICON_PNG)
    assert svg.is_file() and png.is_file()
    image = QImage(str(png))
    assert (image.width(), image.height()) == (256, 256)
    rendered = render_svg(svg, 256)
    assert rendered is not None
    # The committed PNG is the SVG's rendering (regenerate: python -m telephony_desktop.ui.tray).
    centre = (rendered.pixelColor(128, 40), image.pixelColor(128, 40))
    assert centre[0].name() == centre[1].name()
    icon = app_icon()
    assert not icon.isNull() and len(icon.availableSizes()) >= 6
    assert image.pixelColor(0, 0).alpha() == 0  # transparent corners


def test_resources_dir_from_source_and_frozen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = Path(resources.__file__).resolve().parents[1]
    assert resources.resources_dir() == root / "resources"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"
    assert resources.resource_path("icons/x.png") == tmp_path / "resources" / "icons" / "x.png"
