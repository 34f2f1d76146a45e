"""Placing a call on each route against the sandbox: a timeout after sending is "outcome
unknown", and the call is never sent twice."""

from __future__ import annotations

import pytest

from telephony_desktop.demo import demo_accounts
from telephony_desktop.domain.errors import OutcomeUnknown
from telephony_desktop.providers.simotel.client import SimotelClient
from telephony_desktop.providers.telecmi.client import TeleCMIClient
from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.call_routes import (
    Route,
    place_routed_call,
    prepare_routed_call,
)
from tests.helpers.sandbox import FAST_RETRY

PLACEMENT = {"demo": "call_dispatch", "bridge": "telecmi.make_call", "pbx": "simotel.originate"}


def short_deadline_client(
    name: str, sandbox: SandboxServer
) -> VoiceMeUpClient | TeleCMIClient | SimotelClient:
    account, creds = next((a, c) for a, c in demo_accounts(sandbox) if a.name == name)
    if name == "demo":
        return VoiceMeUpClient(
            account_id=account.account_id,
            auth_token=creds["auth_token"],
            endpoint=sandbox.base_url,
            retry=FAST_RETRY,
            deadline_s=0.4,
        )
    if name == "bridge":
        return TeleCMIClient(
            appid=account.account_id,
            secret=creds["secret"],
            base_url=sandbox.origin,
            retry=FAST_RETRY,
            deadline_s=0.4,
        )
    return SimotelClient(
        base_url=sandbox.origin,
        api_key=creds["api_key"],
        retry=FAST_RETRY,
        deadline_s=0.4,
    )


@pytest.mark.parametrize("name", ["demo", "bridge", "pbx"])
async def test_a_timeout_after_sending_is_outcome_unknown_and_sent_once(
    sandbox: SandboxServer, name: str
) -> None:
    account = next(a for a, _c in demo_accounts(sandbox) if a.name == name)
    call = prepare_routed_call(Route(account), "5145550199", region="CA")
    sandbox.faults.add(PLACEMENT[name], "latency", delay=1.5, count=None)
    async with short_deadline_client(name, sandbox) as client:
        with pytest.raises(OutcomeUnknown) as info:
            await place_routed_call(client, call)
    assert "check before trying again" in str(info.value)
    assert len(sandbox.request_log.of_type(PLACEMENT[name])) == 1
    sandbox.faults.clear()


@pytest.mark.parametrize("name", ["demo", "bridge", "pbx"])
async def test_each_route_places_one_call(sandbox: SandboxServer, name: str) -> None:
    account = next(a for a, _c in demo_accounts(sandbox) if a.name == name)
    call = prepare_routed_call(Route(account), "+33 1 23 45 67 89", region="CA")
    async with short_deadline_client(name, sandbox) as client:
        placed = await place_routed_call(client, call)
    assert placed.provider == account.provider and placed.reference
    assert [len(sandbox.request_log.of_type(t)) for t in PLACEMENT.values()] == [
        int(n == name) for n in PLACEMENT
    ]
