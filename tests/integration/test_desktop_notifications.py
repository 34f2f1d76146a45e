"""Announcements reach a real notification service (dunst on a private D-Bus session bus), with
their buttons; a desktop without one says so and the caller falls back to the tray."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from telephony_desktop.desktop.notifications import OPEN, Announcement, DesktopAnnouncer
from tests.helpers.notification_service import (
    NotificationService,
    missing_tools,
    notification_service,
)

pytestmark = pytest.mark.skipif(
    bool(missing_tools()),
    reason=f"needs {', '.join(missing_tools())} (packaging/debian-packages.txt)",
)


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    with notification_service(tmp_path / "notifications") as running:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", running.bus_address)
        yield running


NEW_VOICEMAIL = Announcement(
    "New voicemail",
    "Éric Lefebvre, (514) 555-0142 · 0:42",
    (("play", "Play"), ("call", "Call back")),
)


async def _announce_and_press(service: NotificationService, press: str | None) -> list[str]:
    announcer = DesktopAnnouncer("Telephony Desktop")
    pressed: list[str] = []
    done = asyncio.Event()

    def on_action(key: str) -> None:
        pressed.append(key)
        done.set()

    assert await announcer.announce(NEW_VOICEMAIL, on_action)
    assert announcer.supports_buttons
    shown = await asyncio.to_thread(service.wait_shown, 1)
    assert shown == [("New voicemail", "Éric Lefebvre, (514) 555-0142 · 0:42")]
    if press is None:
        await asyncio.to_thread(service.click)
    else:
        await asyncio.to_thread(service.press, press)
    await asyncio.wait_for(done.wait(), 10)
    return pressed


async def test_a_button_pressed_on_the_notification_reaches_the_app(service) -> None:
    assert await _announce_and_press(service, "Call back") == ["call"]


async def test_play_is_offered_too(service) -> None:
    assert await _announce_and_press(service, "Play") == ["play"]


async def test_clicking_the_body_opens(service) -> None:
    assert await _announce_and_press(service, None) == [OPEN]


async def test_no_service_means_the_tray_falls_back(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus-here")
    announcer = DesktopAnnouncer("Telephony Desktop")
    assert not await announcer.available()
    assert not await announcer.announce(NEW_VOICEMAIL, lambda _key: None)
