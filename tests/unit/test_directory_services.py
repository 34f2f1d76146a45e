"""Peers and mailboxes cached for the forms, and the services' window-side writes: a write that
went through never looks failed when the re-read after it fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from telephony_desktop.domain.models import DidUpdate
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.services.dids import DidService
from telephony_desktop.services.directory_cache import DirectoryCache, mailbox_label, peer_label
from telephony_desktop.services.e911 import LAST_ENDPOINT_CODE, E911Service
from telephony_desktop.services.session import AccountSession, open_cache
from telephony_desktop.store.settings import Account
from tests.helpers.sandbox import make_client, sandbox

__all__ = ["sandbox"]  # the fixture: the project's sandbox on loopback


@pytest.fixture
async def session(sandbox: SandboxServer, tmp_path: Path) -> AsyncIterator[AccountSession]:
    account = Account(
        name="office", provider="voicemeup", account_id=sandbox.account_id,
        base_url=sandbox.base_url,
    )  # fmt: skip
    db, audio = await open_cache(account, tmp_path)
    s = AccountSession(account, make_client(sandbox), db, audio)
    try:
        yield s
    finally:
        await s.aclose()


async def test_peers_and_mailboxes_are_cached_and_served_offline(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    cache = DirectoryCache(session)
    peers = await cache.peers()
    boxes = await cache.mailboxes()
    assert not peers.stale and len(peers.value) == len(sandbox.state.peers)
    assert not boxes.stale and len(boxes.value) == len(sandbox.state.mailboxes)
    sandbox.faults.add("get_peers", "http_error", count=10)
    offline = await cache.peers()
    assert offline.stale and offline.value == peers.value
    labels = {peer_label(p) for p in peers.value}
    assert "Réception (reception01)" in labels
    assert "Soutien technique (soutien24) — disabled" in labels
    assert mailbox_label(boxes.value[0]).startswith(boxes.value[0].mailbox_id + " · ")


async def test_did_write_then_failed_reread_still_reports_success(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = DidService(session)
    await service.refresh()
    sandbox.faults.add("get_dids", "http_error", count=10)
    fresh, _result = await service.apply("31005", DidUpdate(friendly_name="Ventes Laval"))
    assert fresh.stale  # the cache, with why it could not be re-read
    assert sandbox.state.dids[31005].friendly_name == "Ventes Laval"
    assert len(sandbox.request_log.of_type("set_did")) == 1


async def test_order_item_reads_the_new_number_back(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = DidService(session)
    items = await service.search_inventory(kind="tollfree")
    did, _result, fresh = await service.order_item(items[0])
    assert not fresh.stale
    assert any(d.phone_number == items[0].phone_number for d in fresh.value)
    assert did is None or did.phone_number == items[0].phone_number


async def test_removing_the_last_address_keeps_the_fee_warning_even_if_reread_fails(
    session: AccountSession, sandbox: SandboxServer
) -> None:
    service = E911Service(session)
    keep = sandbox.state.endpoint_by_number("5145550100")
    assert keep is not None
    with sandbox.state.lock:
        for endpoint_id in [i for i in sandbox.state.e911 if i != keep.client_endpoint_id]:
            sandbox.state.delete_endpoint(endpoint_id)
    preview = await service.preview_delete("5145550100")
    assert preview.is_last and preview.fee_warning is not None
    sandbox.faults.add("get_e911_endpoints", "http_error", count=10)
    result, fresh = await service.remove("5145550100")
    assert LAST_ENDPOINT_CODE in {w.code for w in result.warnings}
    assert fresh.stale
    assert not sandbox.state.e911


@pytest.mark.usefixtures("french")
def test_labels_in_french() -> None:
    from telephony_desktop.domain.models import Mailbox, Peer

    peer = Peer("5509", status="disabled")
    assert peer_label(peer) == "Appareil 5509 — désactivé"
    assert (
        mailbox_label(Mailbox("7002", "Ventes", status="disabled")) == "7002 · Ventes — désactivée"
    )
