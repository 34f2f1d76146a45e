"""The cross-provider commands end to end: ``account test``, ``call --route`` (with TrueCLID
beside it) and ``recording find``, run in-process against the sandbox over loopback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from telephony_desktop.cli import (
    EXIT_INPUT,
    EXIT_OK,
    EXIT_OUTCOME_UNKNOWN,
    EXIT_REJECTED,
)
from telephony_desktop.demo import DEMO_AGENT_NUMBER, demo_accounts
from telephony_desktop.sandbox import SandboxServer
from telephony_desktop.store import settings
from telephony_desktop.store.secrets import secret_env_var
from tests.helpers.cli import Cli, add_account_args

DESTINATION = "(514) 555-0199"
DESTINATION_E164 = "+15145550199"
# Account names demo_accounts() gives, by provider.
NAMES = {
    "voicemeup": "demo",
    "telecmi": "bridge",
    "simotel": "pbx",
    "truecnam": "callername",
    "verba": "recorder",
}
PLACEMENT_TYPES = {
    "voicemeup": "call_dispatch",
    "telecmi": "telecmi.make_call",
    "simotel": "simotel.originate",
}
LABELS = {"telecmi": "TeleCMI", "simotel": "Simotel", "truecnam": "TrueCNAM", "verba": "Verba"}


def _accounts(server: SandboxServer) -> dict[str, tuple[settings.Account, dict[str, str]]]:
    return {account.provider: (account, secrets) for account, secrets in demo_accounts(server)}


def _set_secret(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, account: str, field: str, value: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(value + "\n"))
    assert cli("account", "set-secret", account, field, "--stdin") == EXIT_OK, cli.err
    assert value not in cli.out + cli.err


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


@pytest.fixture
def everything(cli: Cli, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """All five accounts added through the CLI (VoiceMeUp the default); their secrets given
    through the environment overrides."""
    for account, secrets in _accounts(sandbox).values():
        assert cli(*add_account_args(account)) == EXIT_OK, cli.err
        for field, value in secrets.items():
            monkeypatch.setenv(secret_env_var(account.name, field), value)
    sandbox.request_log.clear()
    return cli


def _placements(server: SandboxServer) -> dict[str, int]:
    return {
        provider: len(server.request_log.of_type(kind))
        for provider, kind in PLACEMENT_TYPES.items()
    }


# --- account add / set-secret / test --------------------------------------------------------


@pytest.mark.parametrize("provider", ["telecmi", "simotel", "truecnam", "verba"])
def test_account_add_set_secret_and_test(
    provider: str, cli: Cli, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    account, secrets = _accounts(sandbox)[provider]
    assert cli(*add_account_args(account)) == EXIT_OK, cli.err
    assert f"Added account {account.name}" in cli.out
    for field, value in secrets.items():
        _set_secret(cli, monkeypatch, account.name, field, value)
    assert cli("account", "list", "--json") == EXIT_OK
    (entry,) = cli.json()  # type: ignore[misc]
    assert entry["provider"] == provider
    assert entry["secrets"] == dict.fromkeys(secrets, "keyring")

    assert cli("account", "test", account.name) == EXIT_OK, cli.err
    assert cli.out.startswith(f"Connected to {LABELS[provider]}"), cli.out
    assert cli.err == ""

    wrong = {field: "0" * len(value) for field, value in secrets.items()}
    for field, value in wrong.items():
        _set_secret(cli, monkeypatch, account.name, field, value)
    assert cli("account", "test", account.name) == EXIT_REJECTED, cli.out + cli.err
    assert cli.out == ""
    assert cli.err.startswith("telephony-desktop: ") and cli.err.count("\n") == 1, cli.err
    for value in (*secrets.values(), *wrong.values()):
        assert value not in cli.err


def test_setting_without_equals_is_refused(cli: Cli, sandbox: SandboxServer) -> None:
    assert (
        cli("account", "add", "pbx", "--provider", "simotel", "--setting", "caller557")
        == EXIT_INPUT
    )
    assert "KEY=VALUE" in cli.err
    args = ("account", "add", "pbx", "--provider", "simotel", "--base-url", sandbox.origin)
    assert cli(*args, "--setting", "timeout=abc") == EXIT_INPUT
    assert "timeout" in cli.err and cli.err.count("\n") == 1
    assert cli("account", "list", "--json") == EXIT_OK
    assert cli.json() == []


# --- call --route ------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["voicemeup", "telecmi", "simotel"])
def test_call_through_each_route(provider: str, everything: Cli, sandbox: SandboxServer) -> None:
    cli, route = everything, NAMES[provider]
    assert cli("call", DESTINATION, "--route", route, "--json") == EXIT_OK, cli.err
    assert _placements(sandbox) == {p: int(p == provider) for p in PLACEMENT_TYPES}
    placed = cli.json()
    assert isinstance(placed, dict)
    assert placed["route"] == route and placed["provider"] == provider
    assert placed["reference"] and placed["status"]
    assert placed["destination"] == DESTINATION_E164
    assert set(placed["caller_name"]) == {"state", "message"}
    if provider == "telecmi":
        (call,) = sandbox.telecmi.placed
        assert call["request_id"] == placed["reference"]
        assert call["to"] == int(DEMO_AGENT_NUMBER.lstrip("+"))
        assert call["pcmo"][0]["connect"] == [{"type": "pstn", "number": 15145550199}]
    elif provider == "simotel":
        (call,) = sandbox.simotel.originated
        assert call.call_id == placed["reference"]
        assert call.body["caller"] == "557" and call.body["context"] == "main_routing"
        assert call.body["callee"].endswith("5145550199")
    else:
        (entry,) = sandbox.request_log.of_type("call_dispatch")
        assert entry.params["destination"].endswith("5145550199")


def test_route_by_provider_name_and_text_output(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    assert cli("call", DESTINATION, "--route", "telecmi") == EXIT_OK, cli.err
    assert "through bridge (telecmi)" in cli.out
    assert "your phone rings first" in cli.out
    assert _placements(sandbox) == {"voicemeup": 0, "telecmi": 1, "simotel": 0}


def test_unknown_route_lists_the_routes(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    assert cli("call", DESTINATION, "--route", "nosuch") == EXIT_INPUT
    assert cli.err.count("\n") == 1
    assert "nosuch" in cli.err
    for name in ("demo", "bridge", "pbx"):
        assert name in cli.err
    assert "recorder" not in cli.err and "callername" not in cli.err
    assert len(sandbox.request_log) == 0


# --- TrueCNAM TrueCLID beside the call --------------------------------------------------------


def test_call_with_caller_id_tells_truecnam(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    caller_id = _accounts(sandbox)["telecmi"][0].caller_id
    assert cli("call", DESTINATION, "--route", "bridge", "--json") == EXIT_OK, cli.err
    assert cli.json()["caller_name"]["state"] == "sent"  # type: ignore[index]
    (start,) = sandbox.truecnam.call_starts
    assert start.call_party == "orig_call_start"
    assert start.calling_number == caller_id.lstrip("+")
    assert start.called_number == DESTINATION_E164.lstrip("+")
    (entry,) = sandbox.request_log.of_type("truecnam.call_start")
    assert entry.params["calling_number"].lstrip("+") == caller_id.lstrip("+")
    assert entry.params["called_number"].lstrip("+") == "15145550199"
    assert _placements(sandbox) == {"voicemeup": 0, "telecmi": 1, "simotel": 0}


def test_explicit_caller_id_is_the_one_announced(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    assert cli("call", DESTINATION, "--route", "demo", "--from", "438 555 0101") == 0, cli.err
    assert "TrueCNAM was told" in cli.out
    (start,) = sandbox.truecnam.call_starts
    assert (start.calling_number, start.called_number) == ("14385550101", "15145550199")


def test_truecnam_failure_does_not_stop_the_call(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    sandbox.truecnam.fail_with = ("7", "Account suspended")
    assert cli("call", DESTINATION, "--route", "bridge") == EXIT_OK, cli.err
    assert len(sandbox.telecmi.placed) == 1
    assert _placements(sandbox) == {"voicemeup": 0, "telecmi": 1, "simotel": 0}
    assert "Calling" in cli.out
    assert "TrueCNAM" in cli.err and "not affected" in cli.err
    assert sandbox.truecnam.call_starts == []
    assert len(sandbox.request_log.of_type("truecnam.call_start")) == 1  # not retried


def test_truecnam_unreachable_does_not_stop_the_call(
    everything: Cli, sandbox: SandboxServer
) -> None:
    cli = everything
    sandbox.faults.add("truecnam.call_start", "reset")
    assert cli("call", DESTINATION, "--route", "pbx", "--from", "4385550101") == EXIT_OK, cli.err
    assert len(sandbox.simotel.originated) == 1
    assert "TrueCNAM" in cli.err
    assert len(sandbox.request_log.of_type("truecnam.call_start")) == 1


def test_no_caller_name_sends_no_call_start(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    args = ("call", DESTINATION, "--route", "bridge", "--no-caller-name", "--json")
    assert cli(*args) == EXIT_OK, cli.err
    assert cli.json()["caller_name"] is None  # type: ignore[index]
    assert sandbox.request_log.of_type("truecnam.call_start") == []
    assert len(sandbox.telecmi.placed) == 1


# --- a lost answer is never a second call ------------------------------------------------------


@pytest.mark.parametrize("kind", ["reset", "incomplete"])
@pytest.mark.parametrize("provider", ["telecmi", "simotel"])
def test_lost_answer_is_outcome_unknown_and_not_retried(
    provider: str, kind: str, everything: Cli, sandbox: SandboxServer
) -> None:
    cli = everything
    sandbox.faults.add(PLACEMENT_TYPES[provider], kind)
    assert cli("call", DESTINATION, "--route", NAMES[provider]) == EXIT_OUTCOME_UNKNOWN
    lines = cli.err.splitlines()
    # Simotel's route has no caller ID, so a note that TrueCNAM was not told comes first.
    assert len(lines) == (1 if provider == "telecmi" else 2), cli.err
    assert "check before trying again" in lines[-1]
    assert cli.out == ""
    assert _placements(sandbox) == {p: int(p == provider) for p in PLACEMENT_TYPES}
    # the fault hit after the effect: the provider did place it, once
    placed = sandbox.telecmi.placed if provider == "telecmi" else sandbox.simotel.originated
    assert len(placed) == 1


# --- recording find (Verba) ------------------------------------------------------------------


def test_recording_find_last(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    args = ("recording", "find", "--extension", "8856", "--status", "last", "--json")
    assert cli(*args) == EXIT_OK, cli.err
    found = cli.json()
    assert isinstance(found, dict)
    assert found["call_id"] == sandbox.verba.last_call_id("8856")
    assert found["url"] == f"{sandbox.origin}/verba/calls/{found['call_id']}"
    assert found["account"] == "recorder" and found["saved_to"] is None
    assert cli("recording", "find", "--extension", "8856") == EXIT_OK, cli.err
    assert found["call_id"] in cli.out and found["url"] in cli.out


def test_recording_find_ongoing_else_next(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    args = ("recording", "find", "--extension", "2001", "--status", "ongoing,next", "--json")
    assert cli(*args) == EXIT_OK, cli.err
    (ongoing,) = sandbox.verba.calls_for("2001", "ongoing")
    found = cli.json()
    assert found["call_id"] == ongoing.call_id  # type: ignore[index]
    assert found["status"] == ["ongoing", "next"]  # type: ignore[index]


def test_recording_find_ambiguous_asks_to_narrow(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    args = ("recording", "find", "--extension", "2999", "--status", "ongoing")
    assert cli(*args) == EXIT_REJECTED
    assert "narrow" in cli.err.lower()
    assert cli.err.count("\n") == 1 and cli.out == ""


def test_recording_find_bad_status_sends_nothing(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    args = ("recording", "find", "--extension", "8856", "--status", "yesterday")
    assert cli(*args) == EXIT_INPUT
    assert "ongoing" in cli.err and "last" in cli.err
    assert [e for e in sandbox.request_log if e.provider == "verba"] == []


def test_recording_download_writes_wav(
    everything: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    cli = everything
    target = tmp_path / "call.wav"
    args = ("recording", "find", "--extension", "8856", "--download", str(target), "--json")
    assert cli(*args) == EXIT_OK, cli.err
    assert target.read_bytes()[:4] == b"RIFF"
    assert cli.json()["saved_to"] == str(target)  # type: ignore[index]
    media = len(sandbox.request_log.of_type("verba.GetMedia"))
    again = tmp_path / "again.wav"
    args = ("recording", "find", "--extension", "8856", "--download", str(again))
    assert cli(*args) == EXIT_OK, cli.err
    assert again.read_bytes() == target.read_bytes()
    assert len(sandbox.request_log.of_type("verba.GetMedia")) == media  # kept, not refetched


def test_call_status_reads_a_telecmi_bridge_back(everything: Cli, sandbox: SandboxServer) -> None:
    cli = everything
    assert cli("call", DESTINATION, "--route", "bridge", "--json") == EXIT_OK, cli.err
    reference = cli.json()["reference"]  # type: ignore[index]
    assert cli("call-status", reference, "--json") == EXIT_OK, cli.err
    legs = cli.json()
    assert isinstance(legs, list) and len(legs) == 2
    assert {leg["status"] for leg in legs} == {"answered"}
    assert cli("call-status", reference) == EXIT_OK
    assert cli.out.startswith("Leg 1 to")
    assert cli("call-status", "unknown-request") == EXIT_OK
    assert "no detail for this call yet" in cli.out
    assert cli("call-status", reference, "--route", "pbx") == 2  # not a TeleCMI route
