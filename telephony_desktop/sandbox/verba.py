"""The Verba simulator (placeholder: routes arrive with its adapter)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from telephony_desktop.sandbox.core import SandboxHost


class VerbaSimulator:
    name = "verba"

    def __init__(self) -> None:
        self._host: SandboxHost | None = None

    def mount(self, app: web.Application, host: SandboxHost) -> None:
        self._host = host
