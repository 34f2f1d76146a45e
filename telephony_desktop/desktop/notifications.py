"""Native desktop notifications: freedesktop D-Bus (GNOME, KDE, dunst...), macOS and Windows,
through desktop-notifier, asyncio-native and Qt-free.

Stock GNOME has no tray, so a tray balloon alone is never seen there: every announcement goes
here first, and the caller falls back to the tray only when no notification service answers.
Buttons (Play, Call back) are offered where the service supports them; a click on the body is the
``open`` action.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

OPEN: Final = "open"  # the body was clicked
PROBE_TIMEOUT_S: Final = 2.0


@dataclass(frozen=True, slots=True)
class Announcement:
    """What to tell the user; ``actions`` are ``(key, label)`` buttons, labels translated."""

    title: str
    body: str
    actions: tuple[tuple[str, str], ...] = ()
    warning: bool = False


class DesktopAnnouncer:
    """One connection to the desktop's notification service, opened on first use."""

    def __init__(self, app_name: str, icon: Path | None = None) -> None:
        self.app_name = app_name
        self.icon = icon
        self._notifier: object | None = None
        self._buttons: bool | None = None  # None: not probed yet; see ``available``
        self._available: bool | None = None

    async def available(self) -> bool:
        """Whether a notification service answers (asked once; a desktop without one, or without
        a session bus, answers False and the caller falls back to the tray)."""
        if self._available is None:
            self._available = await self._probe()
        return self._available

    @property
    def supports_buttons(self) -> bool:
        return bool(self._buttons)

    async def _probe(self) -> bool:
        try:
            from desktop_notifier import Capability, DesktopNotifier, Icon

            icon = Icon(path=self.icon) if self.icon and self.icon.exists() else None
            notifier = DesktopNotifier(app_name=self.app_name, app_icon=icon)
            capabilities = await asyncio.wait_for(notifier.get_capabilities(), PROBE_TIMEOUT_S)
        except Exception as exc:  # no bus, no service, a service that dies: all mean "none"
            log.info("no desktop notification service (%s): the tray is the fallback", exc)
            return False
        if Capability.MESSAGE not in capabilities and Capability.TITLE not in capabilities:
            log.info("the notification service offers nothing usable: %s", capabilities)
            return False
        self._notifier = notifier
        self._buttons = Capability.BUTTONS in capabilities
        log.info("desktop notifications: %s", sorted(c.name for c in capabilities))
        return True

    async def announce(self, announcement: Announcement, on_action: Callable[[str], None]) -> bool:
        """Show ``announcement``; ``on_action(key)`` runs on this loop when the user presses a
        button or clicks the body (``OPEN``). False when there is no service to show it."""
        if not await self.available():
            return False
        from desktop_notifier import Button, DesktopNotifier, Urgency

        notifier = self._notifier
        assert isinstance(notifier, DesktopNotifier)
        buttons = (
            [
                Button(title=label, on_pressed=partial(on_action, key))
                for key, label in announcement.actions
            ]
            if self._buttons
            else []
        )
        try:
            await notifier.send(
                title=announcement.title,
                message=announcement.body,
                urgency=Urgency.Critical if announcement.warning else Urgency.Normal,
                buttons=buttons,
                on_clicked=partial(on_action, OPEN),
            )
        except Exception as exc:  # the library logs and swallows most; anything else: fall back
            log.warning("the notification could not be shown (%s)", exc)
            self._available = None
            return False
        return True
