"""A known secret, many operations under failures: it appears in no log, exception or output."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from telephony_desktop.cli import main
from telephony_desktop.domain.errors import TelephonyError
from telephony_desktop.sandbox import SandboxServer
from tests.helpers.sandbox import make_client

KNOWN_TOKEN = "5ec12e7aa11ce0ffee0ddba11ca7f00d"  # the secret this test hunts for


@pytest.fixture
def sandbox() -> object:
    with SandboxServer(auth_token=KNOWN_TOKEN) as server:
        yield server


async def test_client_errors_and_logs_never_carry_the_token(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    async with make_client(sandbox) as c:
        for kind in ("http_error", "reset", "truncated", "malformed", "xxe", "error"):
            sandbox.faults.clear()
            sandbox.faults.add("*", kind, count=None)
            sandbox.faults.add("media", kind, count=None)
            for op in (
                c.get_dids(),
                c.get_calls(result_limit=10),
                c.fetch_audio(f"{sandbox.origin}/xml_engine/media/voicemails/1.wav"),
                c.call_dispatch(source="5145550100", destination="5145550199"),
            ):
                try:
                    await op
                except TelephonyError as exc:
                    texts.extend([str(exc), repr(exc), exc.user_message("fr")])
                    cause = exc.__cause__ or exc.__context__
                    texts.append(repr(cause))
        assert KNOWN_TOKEN not in repr(c)
    texts.extend(record.getMessage() for record in caplog.records)
    texts.append(caplog.text)
    assert texts
    leaks = [t for t in texts if KNOWN_TOKEN in t]
    assert leaks == []


def test_cli_output_and_log_file_never_carry_the_token(
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_dirs: Path,
) -> None:
    outputs: list[str] = []

    def run(*argv: str) -> int:
        code = main(["--debug", *argv])
        captured = capsys.readouterr()
        outputs.extend([captured.out, captured.err])
        return code

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
        )
        == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(KNOWN_TOKEN + "\n"))
    assert run("account", "set-secret", "office", "--stdin") == 0
    assert run("history", "sync") == 0
    for kind in ("reset", "http_error", "malformed", "error"):
        sandbox.faults.clear()
        sandbox.faults.add("*", kind, count=None)
        sandbox.faults.add("media", kind, count=None)
        run("history", "sync")
        run("voicemail", "list", "--json")
        run("voicemail", "download", "48201", "-o", str(isolated_dirs / "x.wav"))
        run("dids", "list", "--json")
        run("call", "5145550199", "--ring", "5145550100", "--json")
        run("account", "list", "--json")
    logs = "".join(p.read_text() for p in (isolated_dirs / "logs").glob("*.log*"))
    assert "GET" in logs or "get_calls" in logs  # the debug log did record the traffic
    config = (isolated_dirs / "config" / "config.toml").read_text()
    for where, text in [("output", "".join(outputs)), ("log file", logs), ("config", config)]:
        assert KNOWN_TOKEN not in text, f"secret found in {where}"


def test_no_provider_secret_reaches_output_or_logs_under_faults(
    sandbox: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_dirs: Path,
) -> None:
    """TeleCMI, Simotel, TrueCNAM and Verba secrets, through every new command and failure."""
    from telephony_desktop.demo import demo_accounts
    from telephony_desktop.store import paths, settings
    from telephony_desktop.store.secrets import secret_env_var

    config = settings.Config()
    secrets: list[str] = []
    for account, values in demo_accounts(sandbox):
        config = settings.add_account(config, account, make_default=account.name == "demo")
        for field, value in values.items():
            monkeypatch.setenv(secret_env_var(account.name, field), value)
            secrets.append(value)
    # TrueCNAM's API key user name is a setting (in the config), but it travels in the URL
    # beside the password: the logs and the output must not show it either.
    user = sandbox.truecnam.username
    settings.save_config(paths.config_path(), config)
    outputs: list[str] = []

    def run(*argv: str) -> None:
        main(["--debug", *argv])
        captured = capsys.readouterr()
        outputs.extend([captured.out, captured.err])

    kinds = ("reset", "malformed", "error")
    types = (
        "telecmi.make_call",
        "telecmi.cdr",
        "simotel.originate",
        "simotel.ping",
        "truecnam.call_start",
        "verba.RequestToken",
        "verba.GetCallID",
        "verba.GetMedia",
    )
    for kind in (None, *kinds):
        sandbox.faults.clear()
        if kind is not None:
            for request_type in types:
                sandbox.faults.add(request_type, kind, count=None)
        for route in ("bridge", "pbx", "demo"):
            run("call", "5145550199", "--route", route, "--json")
        run("recording", "find", "--extension", "8856", "--download", str(isolated_dirs / "r.wav"))
        for name in ("bridge", "pbx", "callername", "recorder"):
            run("account", "test", name)
        run("call-status", "some-request-id")
    logs = "".join(p.read_text() for p in (isolated_dirs / "logs").glob("*.log*"))
    assert "telecmi" in logs.lower() or "simotel" in logs.lower()  # the traffic was logged
    texts = [
        ("output", "".join(outputs)),
        ("log file", logs),
        ("config", paths.config_path().read_text()),
    ]
    for secret in secrets:
        for where, text in texts:
            assert secret not in text, f"a secret was found in the {where}"
    for where, text in texts[:2]:
        assert user not in text, f"the TrueCNAM API user name was found in the {where}"
