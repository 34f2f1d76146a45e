"""The VoiceMeUp adapter against the sandbox, over real HTTP on loopback."""

from __future__ import annotations

import wave
from datetime import date, timedelta
from io import BytesIO

import httpx
import pytest

from telephony_desktop.domain.errors import (
    AuthenticationError,
    ConnectionDropped,
    E911AddressRejected,
    InputError,
    InvalidRequest,
    MalformedResponse,
    OutcomeUnknown,
    ProviderTimeout,
    ProviderUnavailable,
)
from telephony_desktop.domain.models import DidUpdate, E911Address, ProviderWarning
from telephony_desktop.providers import http
from telephony_desktop.providers.voicemeup.client import VoiceMeUpClient
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.seed import (
    E911_ADDRESS_STREET_NOT_FOUND,
    E911_ADDRESS_WITH_ALTERNATES,
    E911_EXPECTED_ALTERNATE,
    E911_VALID_ADDRESS,
)
from tests.helpers.sandbox import make_client


def address(params: dict[str, str]) -> E911Address:
    return E911Address(
        first_name=params["first_name"],
        last_name=params["last_name"],
        civic_number=params["civic_number"],
        street=params["street"],
        city=params["city"],
        state_code=params["state_code"],
        country_code=params["country_code"],
        postal_code=params["postal_code"],
    )


def engine_requests(sandbox: SandboxServer, request_type: str) -> int:
    return len(sandbox.request_log.of_type(request_type))


# --- reads ------------------------------------------------------------------------------------


async def test_get_calls_pages_by_1000_until_exhausted(
    sandbox: SandboxServer, client: VoiceMeUpClient
) -> None:
    today = sandbox.state.now().date()
    frm = today - timedelta(days=90)
    seen: list[str] = []
    offset = 0
    sizes = []
    while True:
        page = await client.get_calls(date_from=frm, date_to=today, result_offset=offset)
        sizes.append(len(page))
        seen.extend(c.unique_id for c in page)
        if len(page) < 1000:
            break
        offset += 1000
    assert sizes[:2] == [1000, 1000]
    assert len(seen) == len(set(seen)) == sandbox.state.call_count
    sample = page[-1]
    assert sample.started_at is not None and sample.direction in ("inbound", "outbound")
    assert len(sample.unique_id) == 32


async def test_unique_id_cursor_returns_only_newer_calls(
    sandbox: SandboxServer, client: VoiceMeUpClient
) -> None:
    today = sandbox.state.now().date()
    last = (await client.get_calls(date_from=today - timedelta(days=1), date_to=today))[-1]
    assert await client.get_calls(unique_id=last.unique_id) == []
    new_id = sandbox.state.add_call(callerid_name="Émilie Côté")
    newer = await client.get_calls(unique_id=last.unique_id)
    assert [c.unique_id for c in newer] == [new_id]
    assert newer[0].callerid_name == "Émilie Côté"


async def test_unknown_cursor_is_a_typed_error(client: VoiceMeUpClient) -> None:
    with pytest.raises(InvalidRequest) as info:
        await client.get_calls(unique_id="0" * 32)
    assert "unique_id_invalid" in info.value.codes


async def test_voicemail_list_audio_and_delete(
    sandbox: SandboxServer, client: VoiceMeUpClient
) -> None:
    vms = await client.list_voicemails()
    assert len(vms) == 20
    assert {v.status for v in vms} <= {"new", "heard"}
    audio = await client.fetch_audio(vms[0].file_url)
    with wave.open(BytesIO(audio)) as w:
        assert w.getnframes() > 0
    result = await client.delete_voicemail(vms[0].voicemail_id)
    assert result.warnings == ()
    assert vms[0].voicemail_id not in {v.voicemail_id for v in await client.list_voicemails()}


async def test_recordings_list_audio_and_delete(client: VoiceMeUpClient) -> None:
    recs = await client.get_recordings()
    assert len(recs) == 10
    audio = await client.fetch_audio(recs[0].file_url)
    assert audio[:4] == b"RIFF"
    await client.delete_recording(recs[0].recording_id)
    remaining = await client.get_recordings(status=["unverified", "verified"])
    assert recs[0].recording_id not in {r.recording_id for r in remaining}


async def test_audio_credentials_never_go_to_another_host(client: VoiceMeUpClient) -> None:
    with pytest.raises(MalformedResponse):
        await client.fetch_audio("http://198.51.100.7/voicemail.wav")


async def test_dids_update_reads_back(client: VoiceMeUpClient) -> None:
    dids = await client.get_dids()
    assert len(dids) == 8
    target = dids[0]
    updated, _ = await client.set_did(
        target.did_id,
        DidUpdate(friendly_name="Réception", options=("enable_voicemail",), forward_timeout="20"),
    )
    assert updated is not None and updated.friendly_name == "Réception"
    again = {d.did_id: d for d in await client.get_dids()}[target.did_id]
    assert again.friendly_name == "Réception"
    assert again.options == ("enable_voicemail",)


async def test_inventory_search_and_order(client: VoiceMeUpClient) -> None:
    local = await client.search_inventory(type="local")
    assert local
    did, _ = await client.order_did(did_id=local[0].did_id)
    assert did is not None and did.phone_number.endswith(local[0].phone_number[-10:])
    assert did.phone_number in {d.phone_number for d in await client.get_dids()}


async def test_peers_mailboxes_account_and_network(client: VoiceMeUpClient) -> None:
    assert await client.get_peers()
    assert await client.get_mailboxes()
    account = await client.test_connection()
    assert account.account_id == client.account_id
    funding = await client.get_funding_details()
    assert funding.account_balance is not None
    assert len(await client.get_network_status(limit=5)) == 5


# --- E911 ---------------------------------------------------------------------------------------


async def test_e911_validation_offers_alternates(client: VoiceMeUpClient) -> None:
    number = E911_VALID_ADDRESS["phone_number"]
    assert (await client.validate_e911_address(number, address(E911_VALID_ADDRESS))).valid
    loose = await client.validate_e911_address(number, address(E911_ADDRESS_WITH_ALTERNATES))
    assert not loose.valid
    assert loose.alternates[0].street == E911_EXPECTED_ALTERNATE["street"]
    assert loose.alternates[0].city == E911_EXPECTED_ALTERNATE["city"]
    nothing = await client.validate_e911_address(number, address(E911_ADDRESS_STREET_NOT_FOUND))
    assert not nothing.valid and not nothing.alternates
    assert "street_not_found" in {p.code for p in nothing.problems}


async def test_e911_update_rejects_loose_address_with_choices(client: VoiceMeUpClient) -> None:
    number = E911_VALID_ADDRESS["phone_number"]
    with pytest.raises(E911AddressRejected) as info:
        await client.set_e911_address(number, address(E911_ADDRESS_WITH_ALTERNATES))
    assert info.value.alternates
    endpoint, _ = await client.set_e911_address(number, address(E911_VALID_ADDRESS))
    assert endpoint is not None and endpoint.address.street == E911_VALID_ADDRESS["street"]


async def _delete_every_endpoint(client: VoiceMeUpClient) -> list[ProviderWarning]:
    endpoints = await client.get_e911_endpoints()
    assert len(endpoints) >= 2
    warnings: list[ProviderWarning] = []
    # Delete non-default ones first; the default one goes last.
    for endpoint in sorted(endpoints, key=lambda e: e.endpoint_id, reverse=True):
        try:
            result = await client.delete_e911_address(endpoint_id=endpoint.endpoint_id)
        except InvalidRequest:
            continue
        warnings.extend(result.warnings)
    remaining = await client.get_e911_endpoints() if not warnings else []
    for endpoint in remaining:
        warnings.extend(
            (await client.delete_e911_address(endpoint_id=endpoint.endpoint_id)).warnings
        )
    return warnings


async def test_e911_deleting_the_last_endpoint_warns_of_the_fee(client: VoiceMeUpClient) -> None:
    warnings = await _delete_every_endpoint(client)
    assert [w.code for w in warnings] == ["last_endpoint_was_deleted"]
    assert "fee" in warnings[0].message().lower()


@pytest.mark.usefixtures("french")
async def test_e911_fee_warning_in_french(client: VoiceMeUpClient) -> None:
    warnings = await _delete_every_endpoint(client)
    assert [w.code for w in warnings] == ["last_endpoint_was_deleted"]
    assert "frais" in warnings[0].message() and "fee" not in warnings[0].message()


async def test_e911_associate_peer(client: VoiceMeUpClient) -> None:
    endpoint = (await client.get_e911_endpoints())[0]
    peer = (await client.get_peers())[0]
    await client.associate_e911_peer(peer_id=peer.peer_id, endpoint_id=endpoint.endpoint_id)
    again = {e.endpoint_id: e for e in await client.get_e911_endpoints()}[endpoint.endpoint_id]
    assert peer.peer_id in again.peer_ids


# --- calls --------------------------------------------------------------------------------------


async def test_call_dispatch_shows_up_in_history(
    sandbox: SandboxServer, client: VoiceMeUpClient
) -> None:
    today = sandbox.state.now().date()
    last = (await client.get_calls(date_from=today - timedelta(days=1), date_to=today))[-1]
    peer = (await client.get_peers())[0]
    result = await client.call_dispatch(
        source_type="peer", source=peer.username, destination="5145550199", meta_data="t1"
    )
    assert len(result.call_hash) == 32
    newer = await client.get_calls(unique_id=last.unique_id)
    assert result.call_hash in {c.call_hash for c in newer}


# --- bad input never leaves the machine ---------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_calls(result_limit=5000),
        lambda c: c.get_calls(date_from=date(2026, 1, 2), date_to=date(2026, 1, 1)),
        lambda c: c.get_calls(direction="sideways"),
        lambda c: c.get_calls(unique_id="not-an-id"),
        lambda c: c.set_did("1", DidUpdate(forward_timeout="7")),
        lambda c: c.set_did("1", DidUpdate(friendly_name="x")),
        lambda c: c.search_inventory(npa="51"),
        lambda c: c.call_dispatch(source="5145550100", destination="12"),
        lambda c: c.call_dispatch(
            source="5145550100", destination="5145550199", callerid_number="8005550100"
        ),
        lambda c: c.call_dispatch(source="5145550100", destination="5145550199", wait_time=99),
        lambda c: c.get_network_status(limit=-1),
        lambda c: c.delete_e911_address(),
    ],
)
async def test_bad_input_is_rejected_before_any_request(
    sandbox: SandboxServer, client: VoiceMeUpClient, call: object
) -> None:
    with pytest.raises(InputError) as info:
        await call(client)  # type: ignore[operator]
    assert info.value.field
    assert len(sandbox.request_log) == 0


def test_bad_credentials_format_is_rejected_without_the_token_in_the_message() -> None:
    with pytest.raises(InputError) as info:
        VoiceMeUpClient(account_id="80012345", auth_token="zz-not-hex-secret-value")
    assert "zz-not-hex-secret-value" not in str(info.value)


# --- failures -----------------------------------------------------------------------------------


async def test_wrong_token_is_an_authentication_error(sandbox: SandboxServer) -> None:
    async with VoiceMeUpClient(
        account_id=sandbox.account_id, auth_token="f" * 32, endpoint=sandbox.base_url
    ) as c:
        with pytest.raises(AuthenticationError) as info:
            await c.get_dids()
    assert "Settings" in info.value.user_message("en")
    assert engine_requests(sandbox, "get_dids") == 1  # refusals are not retried


async def test_reads_retry_transient_failures(
    sandbox: SandboxServer, client: VoiceMeUpClient
) -> None:
    sandbox.faults.add("get_dids", "http_error", count=1, status=503, retry_after=0.01)
    sandbox.faults.add("get_dids", "reset", count=1)
    assert len(await client.get_dids()) == 8
    assert engine_requests(sandbox, "get_dids") == 3


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("http_error", ProviderUnavailable),
        ("reset", ConnectionDropped),
        ("truncated", MalformedResponse),
        ("malformed", MalformedResponse),
        ("xxe", MalformedResponse),
        ("billion_laughs", MalformedResponse),
    ],
)
async def test_persistent_read_faults_end_in_typed_errors_after_bounded_retries(
    sandbox: SandboxServer, client: VoiceMeUpClient, kind: str, error: type[Exception]
) -> None:
    sandbox.faults.add("get_peers", kind, count=None)
    with pytest.raises(error) as info:
        await client.get_peers()
    assert engine_requests(sandbox, "get_peers") == 3
    assert "root:" not in str(info.value)  # nothing of /etc/passwd, ever


async def test_timeout_and_slow_drip(sandbox: SandboxServer) -> None:
    timeout = httpx.Timeout(connect=2.0, read=0.3, write=2.0, pool=2.0)
    async with make_client(sandbox, client=http.make_client(timeout=timeout), deadline_s=1.0) as c:
        sandbox.faults.add("get_mailboxes", "latency", count=None, delay=2.0)
        with pytest.raises(ProviderTimeout):
            await c.get_mailboxes()
        sandbox.faults.clear()
        sandbox.faults.add("get_peers", "drip", count=None, delay=0.2, chunk_size=16)
        with pytest.raises(ProviderTimeout):
            await c.get_peers()


@pytest.mark.parametrize("kind", ["reset", "http_error", "truncated", "latency"])
async def test_a_call_is_never_placed_twice(sandbox: SandboxServer, kind: str) -> None:
    timeout = httpx.Timeout(connect=2.0, read=0.5, write=2.0, pool=2.0)
    async with make_client(sandbox, client=http.make_client(timeout=timeout)) as c:
        sandbox.faults.add("call_dispatch", kind, count=None, delay=2.0, apply_effect=True)
        with pytest.raises(OutcomeUnknown) as info:
            await c.call_dispatch(source="5145550100", destination="5145550199")
    assert engine_requests(sandbox, "call_dispatch") == 1
    assert "history" in info.value.user_message("en") or "check" in info.value.user_message("en")


async def test_writes_that_never_left_report_plainly() -> None:
    async with VoiceMeUpClient(
        account_id="80012345",
        auth_token="0" * 32,
        endpoint="http://127.0.0.1:9/xml_engine/xml_engine.php",
    ) as c:
        with pytest.raises(Exception) as info:
            await c.call_dispatch(source="5145550100", destination="5145550199")
    assert not isinstance(info.value, OutcomeUnknown)
    assert "Could not reach" in str(info.value)
