"""The command line end to end: real config file, real SQLite cache, the sandbox over loopback."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest

from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.sandbox.seed import E911_ADDRESS_WITH_ALTERNATES, E911_VALID_ADDRESS
from tests.helpers.cli import Cli


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """A CLI with one account, `office`, pointed at the sandbox, its token in the keyring."""
    run = Cli(capsys)
    peer = min(sandbox.state.peers.values(), key=lambda p: p.client_peer_id).username
    assert (
        run(
            "account",
            "add",
            "office",
            "--provider",
            "voicemeup",
            "--account-id",
            sandbox.account_id,
            "--base-url",
            sandbox.base_url,
            "--caller-id",
            "4385550101",
            "--ring",
            f"peer:{peer}",
        )
        == 0
    ), run.err
    monkeypatch.setattr("sys.stdin", io.StringIO(sandbox.auth_token + "\n"))
    assert run("account", "set-secret", "office", "auth_token", "--stdin") == 0, run.err
    assert sandbox.auth_token not in run.out + run.err
    return run


def test_account_list_shows_where_secrets_live(cli: Cli) -> None:
    assert cli("account", "list", "--json") == 0
    (entry,) = cli.json()  # type: ignore[misc]
    assert entry["name"] == "office" and entry["secrets"] == {"auth_token": "keyring"}


def test_history_sync_is_incremental_and_listable(cli: Cli, sandbox: SandboxServer) -> None:
    assert cli("history", "sync") == 0, cli.err
    assert f"{sandbox.state.call_count:,} new calls" in cli.out  # numbers as en_CA writes them
    sandbox.state.add_call(callerid_name="François Bélanger", direction="inbound")
    assert cli("history", "sync") == 0
    assert "Synced: 1 new call (" in cli.out
    assert cli("history", "list", "--search", "Bélanger", "--json", "--limit", "0") == 0
    rows = cli.json()
    assert isinstance(rows, list) and rows
    assert all("Bélanger" in r["callerid_name"] for r in rows)
    assert cli("history", "list", "--direction", "outbound", "--limit", "5") == 0
    assert cli.out.count("\n") == 7  # header, rule, five rows


def test_history_list_works_offline(cli: Cli, sandbox: SandboxServer) -> None:
    assert cli("history", "sync") == 0
    sandbox.faults.add("*", "reset", count=None)
    assert cli("history", "list", "--limit", "3") == 0
    assert cli("history", "sync") == 4
    assert "interrupted" in cli.err
    assert cli.err.count("\n") == 1


def test_voicemail_list_download_delete(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    assert cli("voicemail", "list", "--json") == 0, cli.err
    vms = cli.json()
    assert isinstance(vms, list) and len(vms) == 20
    first = vms[0]["voicemail_id"]
    out = tmp_path / "vm.wav"
    assert cli("voicemail", "download", first, "-o", str(out)) == 0, cli.err
    with wave.open(str(out)) as w:
        assert w.getnframes() > 0
    fetched = len(sandbox.request_log.of_type("media"))
    assert cli("voicemail", "download", first, "-o", str(tmp_path / "again.wav")) == 0
    assert len(sandbox.request_log.of_type("media")) == fetched  # cached: fetched once
    assert cli("voicemail", "delete", first) == 0, cli.err
    assert cli("voicemail", "list", "--json") == 0
    assert first not in {v["voicemail_id"] for v in cli.json()}  # type: ignore[union-attr]
    assert int(first) not in sandbox.state.voicemails


def test_voicemail_list_falls_back_to_cache_when_provider_fails(
    cli: Cli, sandbox: SandboxServer
) -> None:
    assert cli("voicemail", "list") == 0
    sandbox.faults.add("get_voicemails", "http_error", count=None, status=502)
    assert cli("voicemail", "list", "--json") == 0
    assert len(cli.json()) == 20  # type: ignore[arg-type]
    assert "cached copy" in cli.err


def test_dids_and_e911(cli: Cli, sandbox: SandboxServer) -> None:
    assert cli("dids", "list", "--json") == 0, cli.err
    dids = cli.json()
    assert isinstance(dids, list) and len(dids) == 8
    provisioned = next(iter(sandbox.state.e911.values())).phone_number
    assert cli("e911", "show", provisioned, "--json") == 0, cli.err
    assert cli.json()["phone_number"].endswith(provisioned)  # type: ignore[index]
    number = E911_VALID_ADDRESS["phone_number"]
    assert cli("e911", "show", number) == 5
    assert "no emergency address" in cli.err
    loose = E911_ADDRESS_WITH_ALTERNATES
    args = [
        "e911",
        "validate",
        number,
        "--civic",
        loose["civic_number"],
        "--street",
        loose["street"],
        "--city",
        loose["city"],
        "--state",
        loose["state_code"],
        "--postal",
        loose["postal_code"],
    ]
    assert cli(*args) == 5
    assert "Did you mean" in cli.out and "Sainte-Catherine" in cli.out
    good = E911_VALID_ADDRESS
    assert (
        cli(
            "e911",
            "validate",
            number,
            "--civic",
            good["civic_number"],
            "--street",
            good["street"],
            "--city",
            good["city"],
            "--state",
            good["state_code"],
            "--postal",
            good["postal_code"],
        )
        == 0
    )
    assert cli.out.startswith("Valid:")


def test_call_and_its_failures(cli: Cli, sandbox: SandboxServer) -> None:
    assert cli("call", "(514) 555-0199", "--json") == 0, cli.err
    placed = cli.json()
    assert placed["destination"] == "+15145550199"  # type: ignore[index]
    assert cli("call", "555-0199") == 2
    assert "area code" in cli.err
    assert len(sandbox.request_log.of_type("call_dispatch")) == 1
    sandbox.faults.add("call_dispatch", "reset", count=None)
    assert cli("call", "5145550199") == 6
    assert "not retried" in cli.err
    assert len(sandbox.request_log.of_type("call_dispatch")) == 2


def test_errors_are_one_clear_line(cli: Cli, sandbox: SandboxServer) -> None:
    sandbox.faults.add("get_dids", "error", count=None, code="authentication_failed")
    assert cli("dids", "list") == 5
    assert cli.err.count("\n") == 1 and "account ID or auth token" in cli.err
    assert cli("--account", "nobody", "dids", "list") == 3
    assert cli.err.count("\n") == 1
    assert cli("history", "list", "--since", "yesterday") == 2
    assert "--since" in cli.err


def test_french_messages(cli: Cli) -> None:
    assert cli("--lang", "fr", "call", "12") == 2
    assert "trop court" in cli.err


def test_missing_secret_names_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    run = Cli(capsys)
    assert run("account", "add", "home", "--provider", "voicemeup", "--account-id", "80012345") == 0
    assert run("dids", "list") == 3
    assert "set-secret home auth_token" in run.err


def test_remove_account_deletes_its_secret(cli: Cli, memory_keyring: object) -> None:
    assert cli("account", "remove", "office") == 0
    assert cli("account", "list", "--json") == 0
    assert cli.json() == []


def test_no_usable_keyring_names_the_fix(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    run = Cli(capsys)
    assert run("account", "add", "home", "--provider", "voicemeup", "--account-id", "80012345") == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("0123456789abcdef0123456789abcdef\n"))
    assert run("account", "set-secret", "home", "--stdin") == 3
    assert (
        "gnome-keyring" in run.err.lower() and "TELEPHONY_DESKTOP_SECRET_HOME_AUTH_TOKEN" in run.err
    )
    assert run.err.count("\n") == 1
    assert run("history", "list") == 0  # the cache needs no secret
