"""Fixtures that start the project's own provider sandbox on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

from telephony_desktop.providers import http

if TYPE_CHECKING:
    from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
    from telephony_desktop.sandbox import SandboxServer

# Fast, still-jittered backoff so retry tests take milliseconds.
FAST_RETRY = http.RetryPolicy(attempts=3, base_s=0.01, cap_s=0.05)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    from telephony_desktop.sandbox import SandboxServer

    with SandboxServer(seed=1234) as server:
        yield server


def make_client(sandbox: SandboxServer, **kwargs: object) -> VoiceMeUpClient:
    from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient

    options: dict[str, object] = {"retry": FAST_RETRY, **kwargs}
    return VoiceMeUpClient(
        account_id=sandbox.account_id,
        auth_token=sandbox.auth_token,
        endpoint=sandbox.base_url,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
async def client(sandbox: SandboxServer) -> AsyncIterator[VoiceMeUpClient]:
    async with make_client(sandbox) as c:
        yield c
