"""The provider sandbox (VoiceMeUp XML Engine simulator) over real HTTP on loopback, with httpx."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import wave
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import httpx
import pytest

from telephony_desktop.sandbox import (
    DID_NUMBERS,
    E911_ADDRESS_STREET_NOT_FOUND,
    E911_ADDRESS_WITH_ALTERNATES,
    E911_EXPECTED_ALTERNATE,
    E911_VALID_ADDRESS,
    SandboxServer,
)
from telephony_desktop.sandbox.seed import build_seed

NOW = datetime(2025, 3, 1, 12, 0, 0)
WINDOW = {"date_from": (NOW - timedelta(days=90)).date().isoformat(), "date_to": "2025-03-01"}


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(now=NOW) as srv:
        yield srv


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as c:
        yield c


def engine(
    client: httpx.Client, server: SandboxServer, request_type: str, **params: str
) -> httpx.Response:
    query = {**server.credentials(), "request_type": request_type, **params}
    return client.get(server.base_url, params=query)


def parse(response: httpx.Response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314


def status(root: ET.Element) -> str:
    return root.findtext("status") or ""


def error_codes(root: ET.Element) -> list[str]:
    return [e.get("code", "") for e in root.iter("error")]


def ok(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200, response.text
    root = parse(response)
    assert status(root) == "success", response.text
    return root


def failed(response: httpx.Response) -> list[str]:
    root = parse(response)
    assert status(root) == "failed", response.text
    return error_codes(root)


def calls_of(root: ET.Element) -> list[ET.Element]:
    return list(root.iter("call_details"))


# --- lifecycle ---------------------------------------------------------------------------


def test_start_stop_and_addresses(client: httpx.Client) -> None:
    srv = SandboxServer(now=NOW, auth_token="0123456789abcdef0123456789abcdef")
    srv.start()
    try:
        assert srv.port > 0
        assert srv.origin == f"http://127.0.0.1:{srv.port}"
        assert srv.base_url == f"{srv.origin}/xml_engine/xml_engine.php"
        assert srv.account_id == "80012345"
        details = ok(engine(client, srv, "get_account")).find("account_details")
        assert details is not None and details.get("client_account_id") == "80012345"
    finally:
        srv.stop()
    with pytest.raises(httpx.ConnectError):
        engine(client, srv, "get_account")


def test_random_token_and_loopback_only() -> None:
    a, b = SandboxServer(call_count=10), SandboxServer(call_count=10)
    assert len(a.auth_token) == 32 and int(a.auth_token, 16) >= 0
    assert a.auth_token != b.auth_token
    with pytest.raises(ValueError):
        SandboxServer("0.0.0.0", call_count=10)  # noqa: S104


async def test_async_start_stop_in_running_loop() -> None:
    srv = SandboxServer(now=NOW, call_count=50)
    await srv.start_async()
    try:
        async with httpx.AsyncClient() as c:
            r = await c.get(
                srv.base_url, params={**srv.credentials(), "request_type": "get_funding_details"}
            )
        root = ok(r)
        assert root.findtext(".//account_balance") == "125.40CR"
        srv.start_live(0.02)
        before = srv.state.call_count
        import asyncio

        await asyncio.sleep(0.2)
        srv.stop_live()
        assert srv.state.call_count > before
    finally:
        await srv.stop_async()
    assert not srv.running


def test_import_does_not_pull_qt() -> None:
    code = "import sys, telephony_desktop.sandbox; assert 'PySide6' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# --- authentication and request types ------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"client_account_id": "80012345"}, "authentication_token_required"),
        ({"auth_token": "TOKEN"}, "client_account_id_required"),
        ({"client_account_id": "8001", "auth_token": "TOKEN"}, "client_account_id_invalid"),
        ({"client_account_id": "80012346", "auth_token": "TOKEN"}, "authentication_failed"),
        (
            {"client_account_id": "80012345", "auth_token": "0" * 32},
            "authentication_failed",
        ),
    ],
)
def test_auth_errors(
    server: SandboxServer, client: httpx.Client, params: dict[str, str], code: str
) -> None:
    query = {k: (server.auth_token if v == "TOKEN" else v) for k, v in params.items()}
    r = client.get(server.base_url, params={**query, "request_type": "get_account"})
    assert r.status_code == 200
    root = parse(r)
    assert status(root) == "failed"
    assert error_codes(root) == [code]
    if code == "authentication_failed":
        assert root.findtext(".//error") == (
            "Authentication failed. Please verify 'client_account_id' and 'auth_token'."
        )


def test_failure_http_status_is_configurable(client: httpx.Client) -> None:
    with SandboxServer(now=NOW, call_count=10, failure_status=400) as srv:
        r = client.get(srv.base_url, params={"request_type": "get_account"})
        assert r.status_code == 400
        assert failed(r) == ["authentication_token_required"]
        srv.failure_http_status = 200
        assert engine(client, srv, "get_calls", result_limit="0").status_code == 200


def test_request_types(server: SandboxServer, client: httpx.Client) -> None:
    assert failed(engine(client, server, "no_such_thing")) == ["request_type_invalid"]
    assert failed(engine(client, server, "get_faxes")) == ["request_type_not_implemented"]
    assert failed(engine(client, server, "")) == ["request_type_required"]
    assert failed(engine(client, server, "get_account", language="de")) == ["language_invalid"]
    fr = parse(engine(client, server, "get_faxes", language="fr"))
    assert fr.findtext(".//error") == "Le type de requête n'est pas implémenté."


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({**WINDOW, "result_limit": "0"}, ["result_limit_invalid"]),
        ({**WINDOW, "result_limit": "1001"}, ["result_limit_invalid"]),
        ({**WINDOW, "result_offset": "-1"}, ["result_offset_invalid"]),
        ({"date_from": "2025-13-01", "date_to": "2025-03-01"}, ["date_from_invalid"]),
        ({"date_from": "2025-01-01", "date_to": "01/03/2025"}, ["date_to_invalid"]),
        ({**WINDOW, "direction": "sideways"}, ["direction_invalid"]),
        ({"unique_id": "f" * 32}, ["unique_id_invalid"]),
        ({"unique_id": "short"}, ["unique_id_invalid"]),
        ({}, ["required_parameter_not_found"]),
        ({"date_to": "2025-01-01"}, ["required_parameter_not_found"]),
        (
            {**WINDOW, "direction": "up", "result_limit": "5000"},
            ["direction_invalid", "result_limit_invalid"],
        ),
    ],
)
def test_get_calls_validation(
    server: SandboxServer, client: httpx.Client, params: dict[str, str], codes: list[str]
) -> None:
    assert failed(engine(client, server, "get_calls", **params)) == codes


def test_get_calls_takes_date_from_alone(server: SandboxServer, client: httpx.Client) -> None:
    """The real engine answers ``date_from`` without ``date_to`` (calls up to today)."""
    root = parse(engine(client, server, "get_calls", date_from="2025-02-20", result_limit="1000"))
    assert status(root) == "success"
    days = {d.text for d in root.iter("date")}
    assert days and min(d for d in days if d) >= "2025-02-20"


# --- call history --------------------------------------------------------------------------


def test_get_calls_pages_2400_by_1000(server: SandboxServer, client: httpx.Client) -> None:
    seen: list[str] = []
    sizes = []
    offset = 0
    while True:
        root = ok(
            engine(
                client,
                server,
                "get_calls",
                **WINDOW,
                result_limit="1000",
                result_offset=str(offset),
            )
        )
        page = calls_of(root)
        sizes.append(len(page))
        seen += [c.get("unique_id", "") for c in page]
        if len(page) < 1000:
            break
        offset += 1000
    assert sizes == [1000, 1000, 400]
    assert len(set(seen)) == 2400
    assert all(len(u) == 32 and u == u.lower() for u in seen)
    # records are under a <calls> wrapper and carry the real record's children
    first = calls_of(ok(engine(client, server, "get_calls", **WINDOW, result_limit="1")))[0]
    for child in [
        "date",
        "time",
        "direction",
        "source",
        "destination",
        "client_peer_id",
        "country_id",
        "country",
        "state_id",
        "state",
        "district",
        "duration",
        "callerid_name",
        "callerid_number",
        "bindings",
        "status",
        "normalized",
        "billed_amount",
        "current_rate",
        "monthly_usage",
    ]:
        assert first.find(child) is not None, child
    default_page = calls_of(ok(engine(client, server, "get_calls", **WINDOW)))
    assert len(default_page) == 25


def test_calls_are_in_log_order_and_varied(server: SandboxServer, client: httpx.Client) -> None:
    root = ok(engine(client, server, "get_calls", **WINDOW, result_limit="1000"))
    calls = calls_of(root)
    stamps = [f"{c.findtext('date')} {c.findtext('time')}" for c in calls]
    assert stamps == sorted(stamps)
    assert {c.findtext("direction") for c in calls} == {"inbound", "outbound"}
    assert {"answered", "no_answer", "busy", "failed", "voicemail"} <= {
        c.findtext("status") for c in calls
    }
    names = {c.findtext("callerid_name") for c in calls}
    assert any(n and any(ch in n for ch in "éèêôçÉ") for n in names)
    assert all(len(c.findtext("source") or "") == 10 for c in calls)


def test_unique_id_returns_calls_logged_after(server: SandboxServer, client: httpx.Client) -> None:
    rows = server.state.calls
    cursor = rows[-5].unique_id
    newer = calls_of(ok(engine(client, server, "get_calls", unique_id=cursor)))
    assert [c.get("unique_id") for c in newer] == [r.unique_id for r in rows[-4:]]
    assert calls_of(ok(engine(client, server, "get_calls", unique_id=rows[-1].unique_id))) == []

    added = server.state.add_call(callerid_name="Hélène Gagnon", direction="inbound")
    newer = calls_of(ok(engine(client, server, "get_calls", unique_id=rows[-2].unique_id)))
    assert [c.get("unique_id") for c in newer][-1] == added
    assert newer[-1].findtext("callerid_name") == "Hélène Gagnon"
    outbound = calls_of(
        ok(engine(client, server, "get_calls", unique_id=cursor, direction="outbound"))
    )
    assert all(c.findtext("direction") == "outbound" for c in outbound)


def test_date_filters_are_inclusive(server: SandboxServer, client: httpx.Client) -> None:
    day = (NOW - timedelta(days=10)).date()
    expected = [
        r.unique_id
        for r in server.state.calls
        if server.state.call_time(r.ts).date() == day and r.direction == "inbound"
    ]
    assert expected
    root = ok(
        engine(
            client,
            server,
            "get_calls",
            date_from=day.isoformat(),
            date_to=day.isoformat(),
            direction="inbound",
            result_limit="1000",
        )
    )
    got = calls_of(root)
    assert [c.get("unique_id") for c in got] == expected
    assert {c.findtext("date") for c in got} == {day.isoformat()}
    future = ok(engine(client, server, "get_calls", date_from="2030-01-01", date_to="2030-01-02"))
    assert calls_of(future) == []


def test_metadata_only(server: SandboxServer, client: httpx.Client) -> None:
    server.state.add_call(meta_data="crm=42&x=<y>")
    root = ok(engine(client, server, "get_calls", **WINDOW, metadata="only"))
    assert [c.findtext("meta_data") for c in calls_of(root)] == ["crm=42&x=<y>"]


# --- voicemail and recordings ------------------------------------------------------------------


def test_voicemails_list_and_delete(server: SandboxServer, client: httpx.Client) -> None:
    root = ok(engine(client, server, "get_voicemails", result_limit="100"))
    vms = list(root.iter("voicemail_details"))
    assert len(vms) == 20
    assert {v.findtext("status") for v in vms} == {"new", "heard"}
    assert all(3 <= int(v.findtext("duration") or 0) <= 60 for v in vms)
    assert all(len(v.findtext("voicemail_hash") or "") == 32 for v in vms)
    victim = vms[3].get("call_voicemail_id") or ""
    url = vms[3].findtext("file_url") or ""
    assert url == f"{server.origin}/xml_engine/media/voicemails/{victim}.wav"

    ok(engine(client, server, "delete_voicemails", call_voicemail_id=victim))
    after = ok(engine(client, server, "get_voicemails", result_limit="100"))
    ids = [v.get("call_voicemail_id") for v in after.iter("voicemail_details")]
    assert len(ids) == 19 and victim not in ids
    assert failed(engine(client, server, "delete_voicemails", call_voicemail_id=victim)) == [
        "internal_error-invalid_argument"
    ]
    r = client.get(url, params=server.credentials())
    assert r.status_code == 404
    assert failed(r) == ["internal_error-invalid_argument"]
    page = ok(engine(client, server, "get_voicemails", result_limit="5", result_offset="15"))
    assert len(list(page.iter("voicemail_details"))) == 4


def test_recordings_filter_and_delete(server: SandboxServer, client: httpx.Client) -> None:
    recs = list(ok(engine(client, server, "get_recordings")).iter("recording_details"))
    assert len(recs) == 10
    first = recs[0]
    rec_id = first.findtext("call_recording_id") or ""
    call_hash = first.findtext("call_hash") or ""
    assert len(first.get("recording_hash") or "") == 36
    by_hash = ok(engine(client, server, "get_recordings", call_hash=call_hash))
    assert [r.findtext("call_recording_id") for r in by_hash.iter("recording_details")] == [rec_id]
    ok(engine(client, server, "delete_recordings", call_recording_id=rec_id))
    assert len(list(ok(engine(client, server, "get_recordings")).iter("recording_details"))) == 9
    deleted = ok(engine(client, server, "get_recordings", status="deleted"))
    assert [r.findtext("status") for r in deleted.iter("recording_details")] == ["deleted"]
    assert failed(engine(client, server, "get_recordings", status="gone")) == ["status_invalid"]
    assert failed(engine(client, server, "delete_recordings", call_recording_id="1")) == [
        "call_recording_id_invalid"
    ]


def test_audio_is_a_valid_wav(server: SandboxServer, client: httpx.Client) -> None:
    vm = next(
        ok(engine(client, server, "get_voicemails", result_limit="1")).iter("voicemail_details")
    )
    url = vm.findtext("file_url") or ""
    r = client.get(url, params=server.credentials())
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("audio/wav")
    with wave.open(io.BytesIO(r.content)) as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        assert w.getframerate() in (8000, 16000)
        seconds = w.getnframes() / w.getframerate()
    assert seconds == pytest.approx(int(vm.findtext("duration") or 0), abs=0.01)
    assert client.get(url, params=server.credentials()).content == r.content  # deterministic
    ranged = client.get(url, params=server.credentials(), headers={"Range": "bytes=0-43"})
    assert ranged.status_code == 206 and ranged.content == r.content[:44]
    assert failed(client.get(url)) == ["authentication_token_required"]
    rec = next(ok(engine(client, server, "get_recordings")).iter("recording_details"))
    r = client.get(rec.findtext("file_url") or "", params=server.credentials())
    with wave.open(io.BytesIO(r.content)) as w:
        assert 0 < w.getnframes() / w.getframerate() <= 60


# --- DIDs, peers, account ----------------------------------------------------------------------


def test_set_did_reads_back(server: SandboxServer, client: httpx.Client) -> None:
    dids = list(ok(engine(client, server, "get_dids")).iter("did_details"))
    assert len(dids) == 8
    did_id = dids[1].get("client_did_id") or ""
    root = ok(
        engine(
            client,
            server,
            "set_did",
            client_did_id=did_id,
            friendly_name="Ligne Hélène 2",
            options="enable_peer,enable_recording",
            client_peer_ids="5502,5504",
            peer_timeout="15",
        )
    )
    changed = root.find("did_details")
    assert changed is not None and changed.findtext("friendly_name") == "Ligne Hélène 2"
    again = ok(engine(client, server, "get_dids", client_did_id=did_id)).find("did_details")
    assert again is not None
    assert again.findtext("friendly_name") == "Ligne Hélène 2"
    assert again.findtext("options") == "enable_peer,enable_recording"
    assert again.findtext("client_peer_ids") == "5502,5504"
    assert again.findtext("peer_timeout") == "15"
    assert again.findtext("forward_number") == "5145550142"  # untouched


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"friendly_name": "x"}, "friendly_name_invalid"),
        ({"friendly_name": "bad;name"}, "friendly_name_invalid"),
        ({"forward_timeout": "7"}, "forward_timeout_invalid"),
        ({"forward_number": "12"}, "forward_number_invalid"),
        ({"forward_number": DID_NUMBERS[0]}, "forward_number_used_by_did"),
        ({"client_peer_ids": "5501,5502,5503,5504,5505,5506"}, "peers_to_ring_limit_reached"),
        ({"client_peer_ids": "9999"}, "client_peer_id_invalid"),
        ({"options": "enable_magic"}, "options_invalid"),
        ({"status": "maybe"}, "status_invalid"),
    ],
)
def test_set_did_validation(
    server: SandboxServer, client: httpx.Client, params: dict[str, str], code: str
) -> None:
    assert failed(engine(client, server, "set_did", client_did_id="31002", **params)) == [code]
    assert failed(engine(client, server, "set_did", **params))[0] in (
        code,
        "required_parameter_not_found",
    )


def test_inventory_and_order(server: SandboxServer, client: httpx.Client) -> None:
    items = list(ok(engine(client, server, "get_did_inventory")).iter("did_inventory"))
    assert 36 <= len(items) <= 45
    local_418 = list(
        ok(engine(client, server, "get_did_inventory", type="local", npa="418")).iter(
            "did_inventory"
        )
    )
    assert local_418 and all(i.findtext("npa") == "418" for i in local_418)
    assert failed(engine(client, server, "get_did_inventory", npa="41")) == ["npa_invalid"]
    number = local_418[0].findtext("phone_number") or ""
    did = ok(engine(client, server, "order_did", phone_number=number)).find("did_details")
    assert did is not None and did.findtext("phone_number") == number
    assert len(list(ok(engine(client, server, "get_dids")).iter("did_details"))) == 9
    assert failed(engine(client, server, "order_did", phone_number=number)) == [
        "phone_number_not_found"
    ]


def test_peers_mailboxes_account_network(server: SandboxServer, client: httpx.Client) -> None:
    peers = list(ok(engine(client, server, "get_peers")).iter("peer_details"))
    assert 4 <= len(peers) <= 6 and all(p.findtext("username") for p in peers)
    assert len(list(ok(engine(client, server, "get_mailboxes")).iter("mailbox_details"))) == 3
    account = ok(engine(client, server, "get_account", currency="USD")).find("account_details")
    assert account is not None and account.findtext("currency") == "USD"
    status_root = ok(engine(client, server, "get_network_status", limit="2", offset="1"))
    assert [n.get("network_status_id") for n in status_root.iter("network_status")] == [
        "604",
        "603",
    ]


# --- E911 ----------------------------------------------------------------------------------------


def test_e911_validation(server: SandboxServer, client: httpx.Client) -> None:
    ok(engine(client, server, "validate_e911_address", **E911_VALID_ADDRESS))
    root = parse(engine(client, server, "validate_e911_address", **E911_ADDRESS_WITH_ALTERNATES))
    assert status(root) == "failed"
    assert error_codes(root) == ["alternate_address_provided"]
    alternates = list(root.iter("alternate_address"))
    assert 1 <= len(alternates) <= 3
    assert {c.tag: c.text for c in alternates[0]} == E911_EXPECTED_ALTERNATE
    root = parse(engine(client, server, "validate_e911_address", **E911_ADDRESS_STREET_NOT_FOUND))
    assert error_codes(root) == ["street_not_found"]
    assert list(root.iter("alternate_address")) == []
    bad_city = {**E911_VALID_ADDRESS, "city": "Springfield"}
    assert failed(engine(client, server, "validate_e911_address", **bad_city)) == ["city_not_found"]
    not_ours = {**E911_VALID_ADDRESS, "phone_number": "5145550199"}
    assert failed(engine(client, server, "validate_e911_address", **not_ours)) == [
        "phone_number_not_found"
    ]


def test_e911_set_and_associate(server: SandboxServer, client: httpx.Client) -> None:
    root = parse(engine(client, server, "set_e911_address", **E911_ADDRESS_WITH_ALTERNATES))
    assert error_codes(root) == ["alternate_address_provided"]
    assert server.state.endpoint_by_number(E911_VALID_ADDRESS["phone_number"]) is None
    details = ok(engine(client, server, "set_e911_address", **E911_VALID_ADDRESS)).find(
        "e911_details"
    )
    assert details is not None
    assert details.findtext("street") == "Rue Sainte-Catherine Ouest"
    assert details.findtext("first_name") == "Hélène"
    endpoint_id = details.get("client_endpoint_id") or ""
    listed = ok(engine(client, server, "get_e911_endpoints"))
    assert len(list(listed.iter("e911_details"))) == 4
    assoc = ok(
        engine(
            client,
            server,
            "associate_e911_peer",
            client_peer_id="5503",
            client_endpoint_id=endpoint_id,
        )
    ).find("e911_details")
    assert assoc is not None and assoc.findtext("client_peer_ids") == "5503"
    dis = ok(engine(client, server, "disassociate_e911_peer", client_peer_id="5503"))
    assert dis.findtext(".//client_peer_ids") == ""
    assert failed(engine(client, server, "get_e911_endpoints", phone_number=DID_NUMBERS[4])) == [
        "no_e911_endpoint_found"
    ]


def test_delete_last_endpoint_warns(server: SandboxServer, client: httpx.Client) -> None:
    endpoints = [
        e.get("client_endpoint_id") or ""
        for e in ok(engine(client, server, "get_e911_endpoints")).iter("e911_details")
    ]
    assert len(endpoints) == 3
    default = str(server.state.default_endpoint_id)
    assert failed(engine(client, server, "delete_e911_address", client_endpoint_id=default)) == [
        "entry_is_default_endpoint"
    ]
    for endpoint in endpoints:
        if endpoint != default:
            root = ok(engine(client, server, "delete_e911_address", client_endpoint_id=endpoint))
            assert root.find("warnings") is None
    root = ok(engine(client, server, "delete_e911_address", client_endpoint_id=default))
    warnings = list(root.iter("warning"))
    assert [w.get("code") for w in warnings] == ["last_endpoint_was_deleted"]
    assert "unprovision fee" in (warnings[0].text or "")
    assert failed(engine(client, server, "delete_e911_address", client_endpoint_id=default)) == [
        "client_endpoint_id_not_found"
    ]


# --- click-to-call -------------------------------------------------------------------------------


def test_call_dispatch_appears_in_history(server: SandboxServer, client: httpx.Client) -> None:
    cursor = server.state.calls[-1].unique_id
    root = ok(
        engine(
            client,
            server,
            "call_dispatch",
            source_type="peer",
            source="emiliecote",
            destination_type="number",
            destination="4185550142",
            callerid_name="Clinique",
            meta_data="ticket=1234;client=Côté",
            enable_recording="1",
        )
    )
    dispatch = root.find("call_dispatch")
    assert dispatch is not None and dispatch.findtext("status") == "dispatched"
    call_hash = dispatch.get("call_hash") or ""
    assert len(call_hash) == 32
    # meta_data comes back only when asked (the engine's default is metadata=no).
    plain = calls_of(ok(engine(client, server, "get_calls", unique_id=cursor)))
    assert len(plain) == 1 and plain[0].findtext("meta_data") is None
    newer = calls_of(ok(engine(client, server, "get_calls", unique_id=cursor, metadata="yes")))
    assert len(newer) == 1
    call = newer[0]
    assert call.findtext("call_hash") == call_hash
    assert call.findtext("meta_data") == "ticket=1234;client=Côté"
    assert call.findtext("direction") == "outbound"
    assert call.findtext("destination") == "4185550142"
    recs = ok(engine(client, server, "get_recordings", call_hash=call_hash))
    assert len(list(recs.iter("recording_details"))) == 1


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"source_type": "fax"}, ["source_type_invalid"]),
        ({"source": "123"}, ["source_invalid"]),
        ({"destination_type": "peer", "destination": "nobody42"}, ["destination_invalid"]),
        ({"callerid_number": "8005550123"}, ["callerid_number_invalid"]),
        ({"callerid_number": "15145550123"}, ["callerid_number_invalid"]),
        ({"callerid_name": "ab"}, ["callerid_name_invalid"]),
        ({"wait_time": "61"}, ["wait_time_invalid"]),
        ({"wait_time": "4"}, ["wait_time_invalid"]),
        ({"enable_recording": "yes"}, ["enable_recording_invalid"]),
    ],
)
def test_call_dispatch_validation(
    server: SandboxServer, client: httpx.Client, params: dict[str, str], codes: list[str]
) -> None:
    base = {
        "source_type": "number",
        "source": "5145550100",
        "destination_type": "number",
        "destination": "5145550142",
    }
    before = server.state.call_count
    assert failed(engine(client, server, "call_dispatch", **{**base, **params})) == codes
    assert server.state.call_count == before
    missing = failed(engine(client, server, "call_dispatch", source_type="number"))
    assert "source_required" in missing and "destination_type_required" in missing


# --- faults --------------------------------------------------------------------------------------


def test_fault_latency_and_count(server: SandboxServer, client: httpx.Client) -> None:
    server.faults.add("get_account", "latency", delay=0.3, count=2)
    for _ in range(2):
        started = time.monotonic()
        ok(engine(client, server, "get_account"))
        assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    ok(engine(client, server, "get_account"))
    assert time.monotonic() - started < 0.3
    assert [e.fault for e in server.request_log.of_type("get_account")] == [
        "latency",
        "latency",
        None,
    ]


def test_fault_drip(server: SandboxServer, client: httpx.Client) -> None:
    server.faults.add("get_account", "drip", delay=0.05, chunk_size=100)
    started = time.monotonic()
    r = engine(client, server, "get_account")
    elapsed = time.monotonic() - started
    assert elapsed > 0.05 * (len(r.content) // 100)
    assert elapsed > 0.15
    ok(r)


def test_fault_http_error(server: SandboxServer, client: httpx.Client) -> None:
    server.faults.add("*", "http_error", status=503, retry_after=7)
    r = engine(client, server, "get_calls", **WINDOW)
    assert r.status_code == 503
    assert r.headers["retry-after"] == "7"
    assert "text/html" in r.headers["content-type"]
    server.faults.add("get_dids", "http_error", status=429, code="socket_error")
    r = engine(client, server, "get_dids")
    assert r.status_code == 429 and failed(r) == ["socket_error"]
    ok(engine(client, server, "get_dids"))


def test_fault_reset(server: SandboxServer, client: httpx.Client) -> None:
    server.faults.add("get_calls", "reset")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        engine(client, server, "get_calls", **WINDOW)
    ok(engine(client, server, "get_calls", **WINDOW))


def test_fault_truncated_and_incomplete(server: SandboxServer, client: httpx.Client) -> None:
    server.faults.add("get_calls", "truncated")
    r = engine(client, server, "get_calls", **WINDOW, result_limit="50")
    assert r.status_code == 200 and r.content.startswith(b"<?xml")
    with pytest.raises(ET.ParseError):
        ET.fromstring(r.content)  # noqa: S314
    server.faults.add("get_calls", "incomplete")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        engine(client, server, "get_calls", **WINDOW, result_limit="50")
    ok(engine(client, server, "get_calls", **WINDOW))


@pytest.mark.parametrize("kind", ["malformed", "xxe", "billion_laughs"])
def test_fault_hostile_bodies(server: SandboxServer, client: httpx.Client, kind: str) -> None:
    server.faults.add("get_account", kind)
    r = engine(client, server, "get_account")
    assert r.status_code == 200
    if kind == "malformed":
        with pytest.raises(ET.ParseError):
            ET.fromstring(r.content)  # noqa: S314
    elif kind == "xxe":
        assert b"<!DOCTYPE" in r.content and b"file:///etc/passwd" in r.content
    else:
        assert b"<!ENTITY lol9" in r.content and b"&lol9;" in r.content


def test_fault_error_envelope(server: SandboxServer, client: httpx.Client) -> None:
    server.faults.add("get_account", "error", code="internal_error-database_error")
    assert failed(engine(client, server, "get_account")) == ["internal_error-database_error"]


def test_fault_apply_effect(server: SandboxServer, client: httpx.Client) -> None:
    ids = sorted(server.state.voicemails)
    server.faults.add("delete_voicemails", "reset", apply_effect=True)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        engine(client, server, "delete_voicemails", call_voicemail_id=str(ids[0]))
    assert ids[0] not in server.state.voicemails  # done, answer lost
    server.faults.add("delete_voicemails", "http_error", status=502, apply_effect=False)
    r = engine(client, server, "delete_voicemails", call_voicemail_id=str(ids[1]))
    assert r.status_code == 502
    assert ids[1] in server.state.voicemails  # never done


def test_fault_media(server: SandboxServer, client: httpx.Client) -> None:
    vm_id = next(iter(server.state.voicemails))
    url = f"{server.origin}/xml_engine/media/voicemails/{vm_id}.wav"
    server.faults.add("*", "reset")  # "*" never hits media
    server.faults.clear()
    server.faults.add("media", "truncated")
    ok(engine(client, server, "get_account"))
    r = client.get(url, params=server.credentials())
    full = client.get(url, params=server.credentials())
    assert r.status_code == 200 and len(r.content) < len(full.content)


def test_control_api(server: SandboxServer, client: httpx.Client) -> None:
    r = client.post(
        f"{server.origin}/_sandbox/faults",
        json={"request_type": "get_peers", "kind": "http_error", "status": 500, "count": None},
    )
    assert r.status_code == 201
    assert engine(client, server, "get_peers").status_code == 500
    assert engine(client, server, "get_peers").status_code == 500
    assert client.delete(f"{server.origin}/_sandbox/faults").status_code == 200
    ok(engine(client, server, "get_peers"))
    assert client.post(f"{server.origin}/_sandbox/faults", json={"kind": "nope"}).status_code == 400

    r = client.post(f"{server.origin}/_sandbox/calls", json={"callerid_name": "Zoé Caron"})
    assert r.status_code == 201
    uid = r.json()["unique_id"]
    assert server.state.calls[-1].unique_id == uid
    r = client.post(f"{server.origin}/_sandbox/voicemails", json={"duration": 12})
    assert server.state.voicemails[r.json()["call_voicemail_id"]].status == "new"

    log = client.get(f"{server.origin}/_sandbox/requests").json()
    assert log and all(e["params"].get("auth_token") == "***" for e in log)
    assert server.auth_token not in str(log)


def test_request_log_redacts_token(server: SandboxServer, client: httpx.Client) -> None:
    engine(client, server, "get_calls", **WINDOW)
    engine(client, server, "get_account")
    entries = list(server.request_log)
    assert [e.request_type for e in entries] == ["get_calls", "get_account"]
    first = entries[0]
    assert first.method == "GET" and first.path == "/xml_engine/xml_engine.php"
    assert first.params["auth_token"] == "***"
    assert first.params["date_from"] == WINDOW["date_from"]
    assert first.status == 200 and first.time > 0
    assert server.auth_token not in repr(entries)


# --- state, seed, live ---------------------------------------------------------------------------


def test_live_mode_adds_calls_and_voicemails(server: SandboxServer) -> None:
    calls, vms = server.state.call_count, len(server.state.voicemails)
    server.start_live(0.03, voicemail_every=2)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and len(server.state.voicemails) == vms:
        time.sleep(0.02)
    server.stop_live()
    assert server.state.call_count > calls
    assert len(server.state.voicemails) > vms


def test_seed_fast_and_deterministic() -> None:
    started = time.perf_counter()
    a = build_seed(1234, NOW, 2400)
    assert time.perf_counter() - started < 0.3
    b = build_seed(1234, NOW, 2400)
    c = build_seed(99, NOW, 2400)
    assert a.calls == b.calls and a.voicemails == b.voicemails
    assert a.calls != c.calls
    assert len(a.calls) == 2400 and len(a.voicemails) == 20 and len(a.recordings) == 10
    assert len(a.dids) == 8 and len(a.mailboxes) == 3 and len(a.e911) == 3
    oldest = NOW - timedelta(days=90)
    assert all(oldest <= datetime(1970, 1, 1) + timedelta(seconds=r.ts) <= NOW for r in a.calls)
    assert len({r.unique_id for r in a.calls}) == 2400


def test_state_selection_is_paged(server: SandboxServer) -> None:
    state = server.state
    page = state.select_calls(date_from=date(2024, 1, 1), date_to=date(2026, 1, 1), offset=2390)
    assert [r.unique_id for r in page] == [r.unique_id for r in state.calls[2390:]]
