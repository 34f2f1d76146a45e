"""Running ``telephony-desktop`` in-process, as the CLI tests do."""

from __future__ import annotations

import io
import json

import pytest

from telephony_desktop.cli import main
from telephony_desktop.store import settings


class Cli:
    """Runs ``telephony-desktop`` in-process and keeps what it printed."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self._capsys = capsys
        self.out = self.err = ""

    def __call__(self, *argv: str) -> int:
        code = main(list(argv))
        captured = self._capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        return code

    def json(self) -> object:
        return json.loads(self.out)


def add_account_args(account: settings.Account) -> list[str]:
    """``account add`` for ``account``, its settings as ``--setting KEY=VALUE`` (a VoiceMeUp
    account becomes the default)."""
    args = ["account", "add", account.name, "--provider", account.provider]
    args += ["--base-url", account.base_url or "", "--region", account.region]
    if account.account_id:
        args += ["--account-id", account.account_id]
    if account.caller_id:
        args += ["--caller-id", account.caller_id]
    for key, value in account.settings.items():
        args += ["--setting", f"{key}={value}"]
    if account.provider == "voicemeup":
        args.append("--default")
    return args


def add_voicemeup_account(
    run: Cli, monkeypatch: pytest.MonkeyPatch, *, account_id: str, base_url: str, token: str,
    name: str = "office",
) -> None:  # fmt: skip
    """``account add NAME`` (VoiceMeUp, at ``base_url``), its token stored as a person would:
    ``account set-secret --stdin``."""
    assert run(
        "account", "add", name, "--provider", "voicemeup", "--account-id", account_id,
        "--base-url", base_url,
    ) == 0, run.err  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
    assert run("account", "set-secret", name, "auth_token", "--stdin") == 0, run.err
