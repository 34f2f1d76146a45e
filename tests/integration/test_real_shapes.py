"""The same flows against the documented shape and the shape the real services use.

Each provider's sandbox serves, per account, the variants public clients of the real service show
(``telephony_desktop/sandbox/variants.py``, sources in ``docs/providers/``). Every test here runs
the CLI (or the adapter, where the point is the exchange itself) against both, over real HTTP on
loopback, and expects the same result.
"""

from __future__ import annotations

import dataclasses
import wave
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from telephony_desktop.cli import EXIT_OK, EXIT_REJECTED
from telephony_desktop.demo import demo_accounts
from telephony_desktop.domain.errors import AuthenticationError, OutcomeUnknown
from telephony_desktop.providers.simotel.client import SimotelClient
from telephony_desktop.providers.telecmi.client import TeleCMIClient
from telephony_desktop.providers.verba.client import VerbaClient
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import calls as calls_store
from telephony_desktop.store import db as store_db
from telephony_desktop.store.secrets import secret_env_var
from tests.helpers.cli import Cli, add_account_args
from tests.helpers.sandbox import FAST_RETRY, make_client

SHAPES = ["documented", "real"]
ERROR_SHAPES = ["documented", "errors_type", "errors_text", "errors_children", "errors_wrapped"]


def serve(sandbox: SandboxServer, provider: str, shape: str, account: str | None = None) -> None:
    """Serve ``shape`` (``documented``, ``real`` or one variant) to the account."""
    sandbox.variants.set(provider, [] if shape == "documented" else [shape], account=account)


def _cli(
    capsys: pytest.CaptureFixture[str],
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    settings_of: dict[str, dict[str, str]] | None = None,
) -> Cli:
    """The five demo accounts against the sandbox (with ``settings_of[name]`` added to their
    settings), their secrets in the environment."""
    run = Cli(capsys)
    for account, secrets in demo_accounts(sandbox):
        more = (settings_of or {}).get(account.name, {})
        args = add_account_args(dataclasses.replace(account, settings={**account.settings, **more}))
        assert run(*args) == EXIT_OK, run.err
        for field, value in secrets.items():
            monkeypatch.setenv(secret_env_var(account.name, field), value)
    sandbox.request_log.clear()
    return run


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Cli]:
    yield _cli(capsys, sandbox, monkeypatch)


# --- VoiceMeUp -------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_history_sync_reads_both_shapes_alike(cli: Cli, sandbox: SandboxServer, shape: str) -> None:
    serve(sandbox, "voicemeup", shape, sandbox.account_id)
    uid = sandbox.state.add_call(direction="outbound", duration=3725, meta_data="ticket=42")
    assert cli("history", "sync") == EXIT_OK, cli.err
    assert cli("history", "list", "--json", "--limit", "0") == EXIT_OK, cli.err
    rows = {r["unique_id"]: r for r in cli.json()}  # type: ignore[union-attr]
    assert len(rows) == sandbox.state.call_count
    mine = rows[uid]
    assert mine["duration_s"] == 3725  # "01:02:05" in the real shape
    assert mine["meta_data"] == "ticket=42"  # asked for: the engine's default is no meta data
    (request, *_) = sandbox.request_log.of_type("get_calls")
    assert request.params["metadata"] == "yes"
    row = sandbox.state.calls[sandbox.state.call_position(uid) or 0]
    if shape == "real":
        assert mine["destination"] == "1" + row.destination  # 11 digits, as a client saw it
        assert mine["call_hash"] == uid  # no call_hash: the unique_id is the hash
    else:
        assert mine["destination"] == row.destination


@pytest.mark.parametrize("shape", SHAPES)
def test_voicemail_download_keeps_the_address_query(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path, shape: str
) -> None:
    serve(sandbox, "voicemeup", shape, sandbox.account_id)
    assert cli("voicemail", "list", "--json") == EXIT_OK, cli.err
    first = cli.json()[0]  # type: ignore[index]
    vm_id = first["voicemail_id"]
    out = tmp_path / "vm.wav"
    assert cli("voicemail", "download", vm_id, "-o", str(out)) == EXIT_OK, cli.err
    with wave.open(str(out)) as w:
        assert w.getnframes() > 0
    (fetch,) = sandbox.request_log.of_type("media")
    assert fetch.params["auth_token"] == "***"  # the credentials were added...
    if shape == "real":
        assert "?id=" in first["file_url"]
        assert fetch.path.endswith("/voicemail_file.php")
        assert (fetch.params["id"], fetch.params["format"]) == (vm_id, "wav")  # ...to its query
    assert int(vm_id) in sandbox.state.voicemails
    expected = sandbox.state.voicemails[int(vm_id)].duration
    assert first["duration_s"] == expected


@pytest.mark.parametrize("shape", SHAPES)
async def test_recordings_link_to_their_calls(
    sandbox: SandboxServer, tmp_path: Path, shape: str
) -> None:
    serve(sandbox, "voicemeup", shape, sandbox.account_id)
    today = sandbox.state.now().date()
    async with make_client(sandbox) as client:
        calls = []
        while page := await client.get_calls(
            date_from=today - timedelta(days=120), date_to=today, result_offset=len(calls)
        ):
            calls += page
        recordings = await client.get_recordings()
    conn = store_db.connect(tmp_path / "cache.sqlite3")
    try:
        store_db.migrate(conn, tmp_path / "cache.sqlite3", store_db.load_migrations())
        with store_db.transaction(conn):
            calls_store.upsert_calls(conn, calls)
        linked = [calls_store.call_for_hash(conn, r.call_hash or "") for r in recordings]
    finally:
        conn.close()
    by_hash = sandbox.state.call_ids_by_hash()
    live = [r for r in sandbox.state.list_recordings() if r.status != "deleted"]
    assert len(recordings) == len(live) > 0
    assert [c.unique_id if c else None for c in linked] == [by_hash[r.call_hash] for r in live]


@pytest.mark.parametrize("shape", ERROR_SHAPES)
def test_failure_envelopes_map_to_their_error(
    cli: Cli, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    """A wrong token is an authentication error whatever the envelope's shape; a failed envelope
    never reads as an empty success."""
    serve(sandbox, "voicemeup", shape)
    monkeypatch.setenv(secret_env_var("demo", "auth_token"), "0" * 32)
    assert cli("history", "sync") == EXIT_REJECTED, cli.out + cli.err
    assert "refused the account ID or auth token" in cli.err
    assert cli("voicemail", "list", "--json") == EXIT_REJECTED, cli.out


# --- Simotel ---------------------------------------------------------------------------------


def _simotel(sandbox: SandboxServer, **kwargs: object) -> SimotelClient:
    sim = sandbox.simotel
    options: dict[str, object] = {
        "base_url": sandbox.origin,
        "username": sim.username,
        "password": sim.password,
        "retry": FAST_RETRY,
        **kwargs,
    }
    return SimotelClient(**options)  # type: ignore[arg-type]


CALL = {"caller": "557", "callee": "552", "context": "main_routing", "caller_id": "557"}


@pytest.mark.parametrize("shape", ["documented", "post_only"])
async def test_simotel_learns_the_method_once(sandbox: SandboxServer, shape: str) -> None:
    serve(sandbox, "simotel", shape, sandbox.simotel.username)
    async with _simotel(sandbox) as client:
        await client.ping()
        placed = await client.originate(**CALL)
        await client.originate(**CALL)
    assert placed.reference
    methods = [e.method for e in sandbox.request_log if e.provider == "simotel"]
    if shape == "post_only":
        # One 405 (which ran nothing), then POST for good: each call placed once.
        assert methods == ["PUT", "POST", "POST", "POST"]
    else:
        assert methods == ["PUT", "PUT", "PUT"]
    assert len(sandbox.simotel.originated) == 2


async def test_simotel_never_sends_an_originate_twice_after_a_lost_answer(
    sandbox: SandboxServer,
) -> None:
    serve(sandbox, "simotel", "post_only")
    sandbox.faults.add("simotel.originate", "reset")
    async with _simotel(sandbox) as client:
        with pytest.raises(OutcomeUnknown):
            await client.originate(**CALL)
    # The reset came to the first request, PUT: not a 405, so nothing else was sent.
    assert [e.method for e in sandbox.request_log.of_type("simotel.originate")] == ["PUT"]


async def test_simotel_base_with_its_own_api_prefix(sandbox: SandboxServer) -> None:
    async with _simotel(sandbox, base_url=sandbox.origin + "/panel/api/v4.1/") as client:
        assert client.api_root == sandbox.origin + "/panel/api/v4.1"
        await client.ping()
        await client.originate(**{**CALL, "caller_id": "masking"})
    (entry,) = sandbox.request_log.of_type("simotel.originate")
    assert entry.path == "/panel/api/v4.1/call/originate/act"
    (call,) = sandbox.simotel.originated
    assert call.body["caller_id"] == "masking"


def test_simotel_account_sends_its_pbx_caller_id(
    capsys: pytest.CaptureFixture[str], sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = _cli(capsys, sandbox, monkeypatch, {"pbx": {"pbx_caller_id": "masking"}})
    serve(sandbox, "simotel", "real")
    assert cli("call", "(514) 555-0199", "--route", "pbx", "--json") == EXIT_OK, cli.err
    (call,) = sandbox.simotel.originated
    assert call.body["caller_id"] == "masking"
    assert [e.method for e in sandbox.request_log.of_type("simotel.originate")] == ["PUT", "POST"]


# --- TeleCMI ---------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_telecmi_wrong_secret_fails_the_connection_test(
    cli: Cli, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    serve(sandbox, "telecmi", shape)
    assert cli("account", "test", "bridge") == EXIT_OK, cli.err
    monkeypatch.setenv(secret_env_var("bridge", "secret"), "wrong-secret")
    assert cli("account", "test", "bridge") == EXIT_REJECTED, cli.out
    assert "app ID or secret" in cli.err
    assert "true" not in cli.err.lower()


@pytest.mark.parametrize(
    ("region", "agent", "path"),
    [
        ("auto", "+919876543210", "/v2/ind_pcmo_make_call"),
        ("auto", "+15145550100", "/v2/global_pcmo_make_call"),
        ("global", "+919876543210", "/v2/global_pcmo_make_call"),
    ],
)
async def test_telecmi_region_by_number(
    sandbox: SandboxServer, region: str, agent: str, path: str
) -> None:
    sim = sandbox.telecmi
    async with TeleCMIClient(
        appid=sim.appid, secret=sim.secret, region=region, base_url=sandbox.origin
    ) as client:
        await client.make_call(
            agent_number=agent, destination="+15145550199", caller_id="+15145550123"
        )
    (entry,) = sandbox.request_log.of_type("telecmi.make_call")
    assert entry.path == path
    (placed,) = sim.placed
    assert placed["extra_params"] == {}


# --- TrueCNAM --------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
def test_truecnam_answers_with_or_without_status(
    cli: Cli, sandbox: SandboxServer, shape: str
) -> None:
    serve(sandbox, "truecnam", shape)
    assert cli("call", "(514) 555-0199", "--route", "bridge", "--json") == EXIT_OK, cli.err
    assert cli.json()["caller_name"]["state"] == "sent"  # type: ignore[index]
    sandbox.truecnam.fail_with = ("7", "Account suspended")
    assert cli("call", "(514) 555-0198", "--route", "bridge", "--json") == EXIT_OK, cli.err
    told = cli.json()["caller_name"]  # type: ignore[index]
    assert told["state"] == "failed" and "suspended" in told["message"]


# --- Verba -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("shape", "auth"), [("documented", "basic"), ("auth_query", "query")])
def test_verba_sign_in_modes(
    capsys: pytest.CaptureFixture[str],
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    shape: str,
    auth: str,
) -> None:
    cli = _cli(capsys, sandbox, monkeypatch, {"recorder": {"auth": auth}})
    serve(sandbox, "verba", shape)
    assert cli("account", "test", "recorder") == EXIT_OK, cli.err
    args = ("recording", "find", "--extension", "8856", "--json")
    assert cli(*args) == EXIT_OK, cli.err
    assert cli.json()["call_id"] == sandbox.verba.last_call_id("8856")  # type: ignore[index]
    token = sandbox.request_log.of_type("verba.RequestToken")[0]
    if auth == "query":
        assert token.params["userName"] == sandbox.verba.login
        assert token.params["password"] == "***" and "authorization" not in token.params
    else:
        assert token.params["authorization"] == "***" and "userName" not in token.params


def test_verba_basic_sign_in_is_refused_where_only_query_works(
    cli: Cli, sandbox: SandboxServer
) -> None:
    serve(sandbox, "verba", "auth_query")
    assert cli("account", "test", "recorder") == EXIT_REJECTED, cli.out


def test_verba_api_key_only(
    capsys: pytest.CaptureFixture[str], sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key that needs no sign-in: no login, no password, no RequestToken."""
    cli = _cli(capsys, sandbox, monkeypatch, {"recorder": {"auth": "api_key"}})
    serve(sandbox, "verba", "api_key_only")
    monkeypatch.delenv(secret_env_var("recorder", "password"))
    assert cli("account", "test", "recorder") == EXIT_OK, cli.err
    assert cli("recording", "find", "--extension", "8856", "--json") == EXIT_OK, cli.err
    assert cli.json()["call_id"] == sandbox.verba.last_call_id("8856")  # type: ignore[index]
    assert sandbox.request_log.of_type("verba.RequestToken") == []
    assert all("token" not in e.params for e in sandbox.request_log if e.provider == "verba")


async def test_verba_api_key_mode_refuses_a_wrong_key(sandbox: SandboxServer) -> None:
    serve(sandbox, "verba", "api_key_only")
    async with VerbaClient(
        base_url=sandbox.origin + "/verba/api", api_key="0" * 36, auth="api_key"
    ) as client:
        with pytest.raises(AuthenticationError):
            await client.test_connection()


# --- the switch itself -------------------------------------------------------------------------


def test_variants_are_per_account_and_real_expands(sandbox: SandboxServer) -> None:
    variants = sandbox.variants
    variants.set("voicemeup", ["durations_hms"])
    variants.set("voicemeup", ["real"], account="80012345")
    assert variants.active("voicemeup", "80012345") >= {"audio_query", "records_public"}
    assert variants.active("voicemeup", "99999999") == {"durations_hms"}  # everyone else
    assert variants.active("simotel", "anyone") == frozenset()
    with pytest.raises(ValueError, match="unknown voicemeup variant"):
        variants.set("voicemeup", ["nope"])
    with httpx.Client() as http:
        url = sandbox.origin + "/_sandbox/variants"
        r = http.post(url, json={"provider": "verba", "variants": ["api_key_only"]})
        assert r.status_code == 201
        assert {"provider": "verba", "account": "*", "variants": ["api_key_only"]} in r.json()
        assert http.post(url, json={"provider": "verba", "variants": ["x"]}).status_code == 400
        assert http.delete(url).status_code == 200
    assert variants.active("verba", "k") == frozenset()


def test_cli_sandbox_refuses_an_unknown_variant(cli: Cli) -> None:
    assert cli("sandbox", "--variant", "voicemeup=nope") == 2
    assert "unknown voicemeup variant" in cli.err
